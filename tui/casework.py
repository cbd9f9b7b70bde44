"""The TUI's one doorway to cases, people, themes, tags, links and selections.

These live in ``archive.cases`` and ``archive.selections`` (the core). Screens call the
functions here so that the exact core names are bound in one place; reads fall back to
the store's records (``archive.models``) so the UI still shows what is there when a core
module is older than the UI. No rules are decided here: every write goes to the core.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from archive.errors import TapelogError
from archive.models import Case, LinkSuggestion, MediaRecord, Person, Tag
from tui.fuzzy import Choice


class FeatureMissingError(TapelogError):
    """A core feature this build of tapelog does not have yet."""


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _core(module: str, *names: str) -> Callable[..., Any]:
    """The first of ``names`` that ``module`` has, or a clear error."""
    mod = _module(module)
    if mod is not None:
        for name in names:
            fn = getattr(mod, name, None)
            if fn is not None:
                return fn
    raise FeatureMissingError(f"this tapelog build has no {module}.{names[0]}")


def _records(archive: Any, table: str) -> list[dict[str, Any]]:
    return list(archive.store.table(table).all())


# -- reads -------------------------------------------------------------------------------


def _reader(name: str) -> Callable[..., Any] | None:
    mod = _module("archive.cases")
    return getattr(mod, name, None) if mod is not None else None


def list_cases(archive: Any) -> list[Case]:
    if (fn := _reader("list_cases")) is not None:
        return fn(archive)
    recs = [Case.from_dict(d) for d in _records(archive, "cases")]
    return sorted(recs, key=lambda c: c.case_id)


def list_people(archive: Any) -> list[Person]:
    if (fn := _reader("list_people")) is not None:
        return fn(archive)
    recs = [Person.from_dict(d) for d in _records(archive, "people")]
    return sorted(recs, key=lambda p: p.person_id)


def list_themes(archive: Any) -> list[str]:
    if (fn := _reader("list_themes")) is not None:
        return fn(archive)
    names = set()
    for d in _records(archive, "themes"):
        name = d.get("name") or d.get("path") or d.get("theme")
        if name:
            names.add(str(name))
    for t in list_tags(archive):
        names.update(t.themes)
    return sorted(names, key=str.lower)


def list_tags(archive: Any, media_id: str | None = None) -> list[Tag]:
    if (fn := _reader("list_tags")) is not None:
        return fn(archive, media_id=media_id)
    tags = [Tag.from_dict(d) for d in _records(archive, "tags")]
    if media_id is not None:
        tags = [t for t in tags if t.media_id == media_id]
    return sorted(tags, key=lambda t: (t.media_id, t.start, t.end))


def tag_counts(archive: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in _records(archive, "tags"):
        counts[d["media_id"]] = counts.get(d["media_id"], 0) + 1
    return counts


def pending_links(archive: Any) -> list[LinkSuggestion]:
    recs = [LinkSuggestion.from_dict(d) for d in _records(archive, "links")]
    pending = [r for r in recs if r.status == "pending"]
    return sorted(pending, key=lambda r: (-r.score, r.media_id, r.start))


def sensitive_flags(person: Person) -> list[str]:
    from archive.models import SENSITIVE_FLAGS

    return [f for f in person.flags if f in SENSITIVE_FLAGS]


def case_label(case: Case) -> str:
    name = case.child_name or case.child_name_zh or "(unnamed)"
    return f"{name}"


def person_label(person: Person) -> str:
    return person.name or person.name_zh or person.person_id


@dataclass
class Vocabulary:
    """What a tag can name, as autocomplete choices."""

    themes: list[Choice]
    people: list[Choice]
    cases: list[Choice]


def vocabulary(archive: Any) -> Vocabulary:
    return Vocabulary(
        themes=[Choice(t, t) for t in list_themes(archive)],
        people=[
            Choice(p.person_id, person_label(p), tuple(filter(None, [p.name_zh, *p.aliases])))
            for p in list_people(archive)
        ],
        cases=[
            Choice(c.case_id, case_label(c), tuple(filter(None, [c.child_name_zh, *c.aliases])))
            for c in list_cases(archive)
        ],
    )


@dataclass
class Passage:
    """A tagged span of one interview, for the case/person detail and jumping to it."""

    media: MediaRecord
    tag: Tag
    text: str
    timecode: str


def passages(archive: Any, kind: str, key: str) -> list[Passage]:
    """Every tagged passage naming case/person/theme ``key``, across the archive."""
    field = {"case": "cases", "person": "people", "theme": "themes"}[kind]
    tags = [t for t in list_tags(archive) if key in getattr(t, field)]
    media = {m.id: m for m in archive.list_media()}
    segs_cache: dict[str, list[Any]] = {}
    out = []
    for t in tags:
        m = media.get(t.media_id)
        if m is None:
            continue
        segs = segs_cache.setdefault(t.media_id, archive.segments(t.media_id))
        text = " ".join(s.text.strip() for s in segs if s.start < t.end and s.end > t.start)
        tc = archive.source_timecode(m, t.start) or _clock(t.start)
        out.append(Passage(m, t, text or t.note, tc))
    return out


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


# -- writes (always through the core) ----------------------------------------------------


def add_tag(
    archive: Any,
    media_id: str,
    start: float,
    end: float,
    *,
    themes: Iterable[str] = (),
    people: Iterable[str] = (),
    cases: Iterable[str] = (),
    note: str = "",
) -> Tag:
    fn = _core("archive.cases", "add_tag", "tag_span", "create_tag")
    return fn(
        archive,
        media_id,
        start,
        end,
        themes=list(themes),
        people=list(people),
        cases=list(cases),
        note=note,
    )


def suggest_links(archive: Any) -> list[LinkSuggestion]:
    """Scan every transcript for names of cases and people (slow on big archives)."""
    return _core("archive.cases", "suggest_links")(archive)


def accept_link(archive: Any, link_id: str) -> Any:
    return _core("archive.cases", "accept_link", "accept_links")(archive, link_id)


def reject_link(archive: Any, link_id: str) -> Any:
    return _core("archive.cases", "reject_link", "reject_links")(archive, link_id)


def reassign_link(archive: Any, link_id: str, target_id: str) -> Any:
    return _core("archive.cases", "reassign_link")(archive, link_id, target_id)


def save_case(archive: Any, case: Case) -> Any:
    return _core("archive.cases", "upsert_case", "save_case", "update_case")(archive, case)


def save_person(archive: Any, person: Person) -> Any:
    return _core("archive.cases", "upsert_person", "save_person", "update_person")(archive, person)


def filter_spans(
    archive: Any,
    *,
    case: str | None = None,
    person: str | None = None,
    theme: str | None = None,
) -> dict[str, list[tuple[float, float]]] | None:
    """Spans search is restricted to for these filters (None: no filter)."""
    if not (case or person or theme):
        return None
    fn = _core("archive.cases", "tag_spans")
    return fn(archive, case=case, person=person, theme=theme)


def save_selection(archive: Any, name: str, hits: list[Any]) -> Any:
    """Add search hits to the selection ``name`` (created if new) as quotes."""
    from archive.models import SelectionItem

    items = [SelectionItem(h.media_id, h.start, h.end, h.text.strip()) for h in hits]
    return _core("archive.selections", "add_items")(archive, name, items, create=True)
