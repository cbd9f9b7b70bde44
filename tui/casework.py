"""What the TUI needs from cases, people, themes, tags, links and selections.

The rules live in ``archive.cases`` and ``archive.selections`` (the core); screens call
them directly. This module only shapes core records for the screens (labels,
autocomplete vocabularies, tagged passages with their text) and decides nothing: every
write goes to the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tapelog.archive import cases as casebook
from tapelog.archive import tags
from tapelog.archive.clock import Clock
from tapelog.archive.models import (
    SENSITIVE_FLAGS,
    Case,
    LinkSuggestion,
    MediaRecord,
    Person,
    SelectionItem,
    Tag,
)
from tapelog.archive.selections import add_items
from tapelog.archive.statuses import LinkStatus
from tapelog.tui.fuzzy import Choice

# -- reads -------------------------------------------------------------------------------


def tag_counts(archive: Any) -> dict[str, int]:
    """media_id -> number of tags (``archive.tags.tag_counts``: counted once per change)."""
    return tags.tag_counts(archive)


def pending_links(archive: Any) -> list[LinkSuggestion]:
    """Suggestions waiting for review, the surest first."""
    pending = casebook.list_links(archive, status=LinkStatus.PENDING)
    return sorted(pending, key=lambda r: (-r.score, r.media_id, r.start))


def sensitive_flags(person: Person) -> list[str]:
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
    """Each list built again only when its table changes: with 20,000 cases the cases
    take most of a second, and the tag dialog and screens ask for them on every write."""
    from tapelog.archive.caches import cached

    def themes() -> list[Choice]:
        return [Choice(t, t) for t in casebook.list_themes(archive)]

    def people() -> list[Choice]:
        return [
            Choice(p.person_id, person_label(p), tuple(filter(None, [p.name_zh, *p.aliases])))
            for p in casebook.list_people(archive)
        ]

    def cases() -> list[Choice]:
        return [
            Choice(c.case_id, case_label(c), tuple(filter(None, [c.child_name_zh, *c.aliases])))
            for c in casebook.list_cases(archive)
        ]

    return Vocabulary(
        themes=cached(archive, "tui-themes", ("themes", "tags"), themes),  # and themes in use
        people=cached(archive, "tui-people", ("people",), people),
        cases=cached(archive, "tui-cases", ("cases",), cases),
    )


@dataclass
class Passage:
    """A tagged span of one interview, for the case/person detail and jumping to it."""

    media: MediaRecord
    tag: Tag
    text: str
    timecode: str


def passages(archive: Any, kind: str, key: str, mode: str = "source") -> list[Passage]:
    """Every tagged passage naming case/person/theme ``key``, across the archive."""
    field = {"case": "cases", "person": "people", "theme": "themes"}[kind]
    tags = [t for t in casebook.list_tags(archive) if key in getattr(t, field)]
    media = {m.id: m for m in archive.list_media()}
    segs_cache: dict[str, list[Any]] = {}
    out = []
    for t in tags:
        m = media.get(t.media_id)
        if m is None:
            continue
        segs = segs_cache.setdefault(t.media_id, archive.segments(t.media_id))
        text = " ".join(s.text.strip() for s in segs if s.start < t.end and s.end > t.start)
        tc = Clock.of(m, mode).at(t.start)
        out.append(Passage(m, t, text or t.note, tc))
    return out


# -- shaping UI values for the core ---------------------------------------------------


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
    return casebook.tag_spans(archive, case=case, person=person, theme=theme)


def save_selection(archive: Any, name: str, hits: list[Any]) -> Any:
    """Add search hits to the selection ``name`` (created if new) as quotes."""
    # The quote's own words, not the whole line: selects and clips cut on what was said.
    items = [SelectionItem(h.media_id, h.match_start, h.match_end, h.quote) for h in hits]
    return add_items(archive, name, items, create=True)
