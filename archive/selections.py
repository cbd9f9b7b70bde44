"""Named selections of quotes (the ``selections`` table) that editors export as selects.

A selection is one small record holding its items, keyed by its name; every write
happens inside ``store.transaction()`` so two processes adding quotes at once do not
lose each other's items.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.models import Selection, SelectionItem
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

Q = Query()
TABLE = "selections"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UsageError("a selection needs a name")
    return name


def list_selections(archive: Archive) -> list[Selection]:
    recs = [Selection.from_dict(d) for d in archive.store.table(TABLE).all()]
    return sorted(recs, key=lambda s: s.name.lower())


def get_selection(archive: Archive, name: str) -> Selection:
    doc = archive.store.table(TABLE).get(Q.name == _clean_name(name))
    if doc is None:
        known = ", ".join(s.name for s in list_selections(archive)) or "none yet"
        raise NotFoundError(f"no selection named '{name}' (selections: {known})")
    return Selection.from_dict(doc)


def _check_item(archive: Archive, item: SelectionItem) -> SelectionItem:
    media = archive.get_media(item.media_id)
    if item.start < 0 or item.end <= item.start:
        raise UsageError(f"a quote must end after it starts ({item.start:.3f} .. {item.end:.3f} s)")
    duration = float(media.info.duration or 0.0)
    if duration and item.start >= duration:
        raise UsageError(
            f"{item.start:.3f} s is past the end of {media.id} ({duration:.3f} s long)"
        )
    if duration and item.end > duration:
        item.end = duration
    if not item.text:
        from tapelog.archive.exports.common import quote_for

        item.text = quote_for(archive.segments(item.media_id), item.start, item.end)
    return item


def save_selection(
    archive: Archive, name: str, items: Iterable[SelectionItem] = (), *, replace: bool = False
) -> Selection:
    """Create a selection (or, with ``replace``, overwrite one of that name)."""
    name = _clean_name(name)
    checked = [_check_item(archive, i) for i in items]
    with archive.store.transaction():
        table = archive.store.table(TABLE)
        if table.get(Q.name == name) is not None and not replace:
            raise UsageError(f"a selection named '{name}' already exists")
        sel = Selection(name=name, items=checked, created=_now())
        table.upsert(sel.to_dict(), Q.name == name)
    return sel


def add_items(
    archive: Archive, name: str, items: Iterable[SelectionItem], *, create: bool = True
) -> Selection:
    """Append quotes to a selection, creating it when ``create`` (the CLI's ``add``)."""
    name = _clean_name(name)
    checked = [_check_item(archive, i) for i in items]
    with archive.store.transaction():
        table = archive.store.table(TABLE)
        doc = table.get(Q.name == name)
        if doc is None:
            if not create:
                raise NotFoundError(f"no selection named '{name}'")
            sel = Selection(name=name, items=[], created=_now())
        else:
            sel = Selection.from_dict(doc)
        sel.items.extend(checked)
        table.upsert(sel.to_dict(), Q.name == name)
    return sel


def remove_item(archive: Archive, name: str, index: int) -> Selection:
    """Remove item ``index`` (1-based, as ``selections show`` numbers them)."""
    with archive.store.transaction():
        sel = get_selection(archive, name)
        if not 1 <= index <= len(sel.items):
            raise UsageError(f"selection '{sel.name}' has no item {index} (1..{len(sel.items)})")
        del sel.items[index - 1]
        archive.store.table(TABLE).upsert(sel.to_dict(), Q.name == sel.name)
    return sel


def delete_selection(archive: Archive, name: str) -> None:
    with archive.store.transaction():
        sel = get_selection(archive, name)
        archive.store.table(TABLE).remove(Q.name == sel.name)


def rename_selection(archive: Archive, old: str, new: str) -> Selection:
    new = _clean_name(new)
    with archive.store.transaction():
        sel = get_selection(archive, old)
        table = archive.store.table(TABLE)
        if new != sel.name and table.get(Q.name == new) is not None:
            raise UsageError(f"a selection named '{new}' already exists")
        table.remove(Q.name == sel.name)
        sel.name = new
        table.insert(sel.to_dict())
    return sel
