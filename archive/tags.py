"""Tags: a time span of one media file with themes, people and cases.

Tags are anchored by time, never by segment index, so they survive transcript edits
and re-transcription.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.models import Tag
from tapelog.archive.records import ID_FIELD
from tapelog.archive.statuses import LinkStatus
from tapelog.archive.themes import list_themes, no_such_theme, normalize_theme, under_theme
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


# A tag end this far past the media's end is float noise (a typed HH:MM:SS.mmm, a
# rounded duration) and is clamped, not refused. Link passages are clamped whole.
END_TOLERANCE_S = 0.001


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ids_known(archive: Archive, kind: str, ids: Iterable[str]) -> list[str]:
    idf = ID_FIELD[kind]
    wanted = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
    if not wanted:
        return []
    table = archive.store.table(kind)
    for i in wanted:
        # By key: one shard of the table is read, not all 200,000 case records.
        if not table.contains(Query()[idf] == i):
            what = "case" if kind == "cases" else "person"
            raise NotFoundError(f"no {what} with id '{i}' (see `tapelog {kind} list`)")
    return wanted


def _check_span(archive: Archive, media_id: str, start: float, end: float) -> tuple[float, float]:
    media = archive.get_media(media_id)
    start, end = float(start), float(end)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise UsageError(f"not a time span: {start}-{end}")
    if start < 0:
        raise UsageError(f"tag start {start:g} s is before the start of {media_id}")
    duration = float(media.info.duration or 0.0)
    if duration > 0:
        if start >= duration:
            raise UsageError(
                f"tag start {start:g} s is past the end of {media_id} ({duration:g} s)"
            )
        if end > duration + END_TOLERANCE_S:
            raise UsageError(f"tag end {end:g} s is past the end of {media_id} ({duration:g} s)")
        end = min(end, duration)
    start, end = round(start, 3), round(end, 3)
    if end <= start:
        raise UsageError(f"a tag must end after it starts (got {start:g}-{end:g} s)")
    return start, end


def _levels(names: Iterable[str]) -> list[str]:
    """Theme names with their parent levels (``a/b`` gives ``a`` and ``a/b``)."""
    out: list[str] = []
    for name in names:
        parts = name.split("/") if name else []
        out += ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return out


def _themes_for_tag(archive: Archive, themes: Iterable[str], new_themes: bool) -> list[str]:
    """Themes as the vocabulary spells them. An unknown one is refused with the closest
    names (a misspelling must not quietly start a theme of its own), unless
    ``new_themes`` says to add it to the vocabulary."""
    out: list[str] = []
    table = archive.store.table("themes")
    # The stored vocabulary first (small); every tag's themes only for a name not in it.
    vocab: dict[str, str] = {}
    for name in _levels(d.get("name", "") for d in table.all()):
        vocab.setdefault(name.casefold(), name)
    complete = False
    for t in themes:
        t = normalize_theme(t)
        spelled = vocab.get(t.casefold())
        if spelled is None and not complete:
            vocab = {x.casefold(): x for x in list_themes(archive)}
            complete = True
            spelled = vocab.get(t.casefold())
        if spelled is None:
            if not new_themes:
                raise no_such_theme(archive, t, "--new-theme adds it to the themes")
            table.insert({"name": t})
            vocab[t.casefold()] = spelled = t
        if spelled not in out:
            out.append(spelled)
    return out


def _check_content(tag: Tag, hint: str) -> None:
    """A tag says something: a theme, a person, a case or a note.

    An empty tag is found by no filter and exported as nothing, so a crew would think a
    passage logged that is not. CLI and TUI both meet this rule here.
    """
    if not (tag.themes or tag.people or tag.cases or tag.note.strip()):
        raise UsageError(f"a tag needs a theme, a person, a case or a note{hint}")


def add_tag(
    archive: Archive,
    media_id: str,
    start: float,
    end: float,
    *,
    themes: Iterable[str] = (),
    people: Iterable[str] = (),
    cases: Iterable[str] = (),
    note: str = "",
    source: str = "manual",
    link_id: str | None = None,
    new_themes: bool = False,
) -> Tag:
    """Tag a span of one media file. Unknown case/person ids raise ``NotFoundError``,
    and so does a theme not in the vocabulary unless ``new_themes`` adds it."""
    start, end = _check_span(archive, media_id, start, end)
    with archive.store.transaction() as store:
        tag = Tag(
            id=store.next_id("g"),
            media_id=media_id,
            start=start,
            end=end,
            themes=_themes_for_tag(archive, themes, new_themes),
            people=_ids_known(archive, "people", people),
            cases=_ids_known(archive, "cases", cases),
            note=note or "",
            created=_now(),
            source=source,
            link_id=link_id,
        )
        _check_content(tag, "")
        store.table("tags").insert(tag.to_dict())
    return tag


def get_tag(archive: Archive, tag_id: str) -> Tag:
    doc = archive.store.table("tags").get(Query().id == tag_id)
    if doc is None:
        raise NotFoundError(f"no tag with id '{tag_id}' (see `tapelog tags list`)")
    return Tag.from_dict(doc)


def edit_tag(
    archive: Archive,
    tag_id: str,
    *,
    start: float | None = None,
    end: float | None = None,
    themes: Iterable[str] | None = None,
    people: Iterable[str] | None = None,
    cases: Iterable[str] | None = None,
    note: str | None = None,
    new_themes: bool = False,
) -> Tag:
    """Change what is given (lists are replaced whole); returns the edited tag."""
    with archive.store.transaction() as store:
        tag = get_tag(archive, tag_id)
        if start is not None or end is not None:
            tag.start, tag.end = _check_span(
                archive,
                tag.media_id,
                tag.start if start is None else start,
                tag.end if end is None else end,
            )
        if themes is not None:
            tag.themes = _themes_for_tag(archive, themes, new_themes)
        if people is not None:
            tag.people = _ids_known(archive, "people", people)
        if cases is not None:
            tag.cases = _ids_known(archive, "cases", cases)
        if note is not None:
            tag.note = note
        _check_content(tag, f" (to remove it: `tapelog tags delete {tag_id}`)")
        store.table("tags").update(tag.to_dict(), Query().id == tag_id)
    return tag


def delete_tag(archive: Archive, tag_id: str) -> Tag:
    """Delete a tag and return it (for undo). A tag made by accepting a link turns that
    link into a rejected one, so the passage is not suggested again."""
    with archive.store.transaction() as store:
        tag = get_tag(archive, tag_id)
        store.table("tags").remove(Query().id == tag_id)
        if tag.link_id:
            store.table("links").update(
                {"status": LinkStatus.REJECTED, "tag_id": None}, Query().link_id == tag.link_id
            )
    return tag


def restore_tag(archive: Archive, tag: Tag) -> Tag:
    """Put back a deleted tag exactly as it was (undo); its link is accepted again."""
    with archive.store.transaction() as store:
        archive.get_media(tag.media_id)
        _ids_known(archive, "people", tag.people)
        _ids_known(archive, "cases", tag.cases)
        store.table("tags").upsert(tag.to_dict(), Query().id == tag.id)
        if tag.link_id:
            store.table("links").update(
                {"status": LinkStatus.ACCEPTED, "tag_id": tag.id}, Query().link_id == tag.link_id
            )
    return tag


def list_tags(
    archive: Archive,
    *,
    media_id: str | None = None,
    case: str | None = None,
    person: str | None = None,
    theme: str | None = None,
) -> list[Tag]:
    """Tags, filtered (all filters must hold); a theme also matches its sub-themes."""
    tags = [Tag.from_dict(d) for d in archive.store.table("tags").all()]
    if media_id is not None:
        tags = [t for t in tags if t.media_id == media_id]
    if case is not None:
        tags = [t for t in tags if case in t.cases]
    if person is not None:
        tags = [t for t in tags if person in t.people]
    if theme is not None:
        tags = [t for t in tags if any(under_theme(x, theme) for x in t.themes)]
    return sorted(tags, key=lambda t: (t.media_id, t.start, t.end, t.id))


def tag_counts(archive: Archive) -> dict[str, int]:
    """media_id -> number of tags, for the Library's column.

    Read from the raw documents (no ``Tag`` built: 30,000 of them at 10,000 hours) and
    kept between processes by ``derived_cache`` until the tags table changes.
    """
    from tapelog.archive.derived_cache import derived

    def build() -> dict[str, int]:
        counts: dict[str, int] = {}
        for doc in archive.store.table("tags").all():
            mid = doc.get("media_id")
            if isinstance(mid, str):
                counts[mid] = counts.get(mid, 0) + 1
        return counts

    def load(data: object) -> dict[str, int] | None:
        if not isinstance(data, dict):
            return None
        ok = all(isinstance(k, str) and type(v) is int and v > 0 for k, v in data.items())
        return data if ok else None

    return derived(archive, "tag_counts", 1, ("tags",), build, dict, load)
