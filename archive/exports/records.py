"""Reading what exports need from an archive: tags, accepted links, people, cases.

The records are read by the core readers (``archive.records``, ``archive.tags``,
``archive.links``), the same ones the CLI and the TUI use; this module keeps them in
the shapes exports look them up by.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tapelog.archive.exports.common import (
    REDACTED_NAME,
    Passage,
    Span,
    name_key,
    overlapping_flags,
    quote_for,
    sensitive_spans_from,
    speaker_for,
)
from tapelog.archive.links import list_links
from tapelog.archive.models import SENSITIVE_FLAGS, Case, LinkSuggestion, MediaRecord, Person, Tag
from tapelog.archive.records import get_case as get_case  # exports look a case up here
from tapelog.archive.records import list_cases, list_people
from tapelog.archive.tags import list_tags
from tapelog.transcribe.types import Segment

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def tags(archive: Archive, media_id: str | None = None) -> list[Tag]:
    return list_tags(archive, media_id=media_id)


def accepted_links(archive: Archive, media_id: str | None = None) -> list[LinkSuggestion]:
    return list_links(archive, status="accepted", media_id=media_id)


def people(archive: Archive) -> dict[str, Person]:
    return {p.person_id: p for p in list_people(archive)}


def cases(archive: Archive) -> dict[str, Case]:
    return {c.case_id: c for c in list_cases(archive)}


def sensitive_spans(archive: Archive) -> dict[str, list[Span]]:
    """media_id -> spans tagged with people flagged minor/off-record/no-release."""
    flags = {pid: p.flags for pid, p in people(archive).items() if p.flags}
    return sensitive_spans_from(tags(archive), flags)


def person_label(person: Person | None, pid: str) -> str:
    if person is None:
        return pid
    return person.name or person.name_zh or pid


def case_label(case: Case | None, cid: str) -> str:
    if case is None:
        return cid
    name = case.child_name or case.child_name_zh
    return f"{cid} {name}".strip()


def _names(*names: str) -> set[str]:
    return {name_key(n) for n in names if n and n.strip()}


def is_case_child(person: Person, case: Case) -> bool:
    """Whether ``person`` is the child the case is about (so its name names them)."""
    child = _names(case.child_name, case.child_name_zh, *case.aliases)
    if child & _names(person.name, person.name_zh, *person.aliases):
        return True
    return person.role.strip().casefold() == "child" and case.case_id in person.cases


def hidden_names(
    flagged: Iterable[Person], cases: dict[str, Case], case_ids: Iterable[str]
) -> dict[str, str]:
    """What a redacted passage must not show: casefolded name -> what to show instead.

    Every name of the flagged people (as a person or a speaker), and the label of any
    of ``case_ids`` whose child is one of them (``C1 Liu Jingjun`` -> ``C1 [redacted]``).
    """
    out: dict[str, str] = {}
    for person in flagged:
        for name in _names(person_label(person, person.person_id), person.name,
                           person.name_zh, *person.aliases):  # fmt: skip
            out[name] = REDACTED_NAME
        for cid in case_ids:
            case = cases.get(cid)
            if case is not None and is_case_child(person, case):
                out[name_key(case_label(case, cid))] = f"{cid} {REDACTED_NAME}"
    return out


class PassageBuilder:
    """Turns tags, links and selection items into ``Passage`` records for one archive.

    Caches segments, speaker names and the people/case tables so a big export reads
    each transcript once.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.people = people(archive)
        self.cases = cases(archive)
        self.sensitive = sensitive_spans(archive)
        self._flagged = self._flagged_spans()
        self._segments: dict[str, list[Segment]] = {}
        self._names: dict[str, dict[str, str]] = {}
        self._media: dict[str, MediaRecord] = {}

    def media(self, media_id: str) -> MediaRecord:
        if media_id not in self._media:
            self._media[media_id] = self.archive.get_media(media_id)
        return self._media[media_id]

    def segments(self, media_id: str) -> list[Segment]:
        if media_id not in self._segments:
            self._segments[media_id] = self.archive.segments(media_id)
        return self._segments[media_id]

    def speaker(self, media_id: str, start: float, end: float) -> str | None:
        label = speaker_for(self.segments(media_id), start, end)
        if label is None:
            return None
        if media_id not in self._names:
            self._names[media_id] = self.archive.speaker_names(media_id)
        return self._names[media_id].get(label, label)

    def flags(self, media_id: str, start: float, end: float) -> list[str]:
        return overlapping_flags(self.sensitive.get(media_id, ()), start, end)

    def _flagged_spans(self) -> dict[str, list[tuple[float, float, list[str]]]]:
        """media_id -> (start, end, flagged person ids) of tags naming flagged people."""
        flagged = {
            pid for pid, p in self.people.items() if any(f in SENSITIVE_FLAGS for f in p.flags)
        }
        out: dict[str, list[tuple[float, float, list[str]]]] = {}
        if not flagged:
            return out
        for tag in tags(self.archive):
            ids = [pid for pid in tag.people if pid in flagged]
            if ids:
                out.setdefault(tag.media_id, []).append((tag.start, tag.end, ids))
        return out

    def hide(
        self, media_id: str, start: float, end: float, case_ids: Iterable[str]
    ) -> dict[str, str]:
        """The names a redaction of ``start..end`` must hide (see ``hidden_names``)."""
        ids = {
            pid
            for s, e, pids in self._flagged.get(media_id, ())
            if start < e and end > s
            for pid in pids
        }
        return hidden_names((self.people[pid] for pid in sorted(ids)), self.cases, case_ids)

    def passage(
        self,
        media_id: str,
        start: float,
        end: float,
        *,
        kind: str,
        text: str = "",
        themes: Iterable[str] = (),
        people_ids: Iterable[str] = (),
        case_ids: Iterable[str] = (),
        note: str = "",
    ) -> Passage:
        media = self.media(media_id)
        case_ids = list(case_ids)
        return Passage(
            media=media,
            start=float(start),
            end=float(end),
            text=text or quote_for(self.segments(media_id), start, end),
            speaker=self.speaker(media_id, start, end),
            themes=list(themes),
            people=[person_label(self.people.get(p), p) for p in people_ids],
            cases=[case_label(self.cases.get(c), c) for c in case_ids],
            note=note,
            kind=kind,
            flags=self.flags(media_id, start, end),
            hide=self.hide(media_id, start, end, case_ids),
        )

    def from_tag(self, tag: Tag) -> Passage:
        return self.passage(
            tag.media_id,
            tag.start,
            tag.end,
            kind="link" if tag.source == "link" else "tag",
            themes=tag.themes,
            people_ids=tag.people,
            case_ids=tag.cases,
            note=tag.note,
        )

    def from_link(self, link: LinkSuggestion) -> Passage:
        is_case = link.target_type == "case"
        return self.passage(
            link.media_id,
            link.start,
            link.end,
            kind="link",
            people_ids=[] if is_case else [link.target_id],
            case_ids=[link.target_id] if is_case else [],
            note=f"heard: {link.mention}" if link.mention else "",
        )

    def tags_overlapping(self, media_id: str, start: float, end: float) -> list[Tag]:
        return [t for t in tags(self.archive, media_id) if t.start < end and t.end > start]


def media_passages(
    builder: PassageBuilder,
    media_id: str,
    *,
    include_tags: bool = True,
    include_links: bool = True,
) -> list[Passage]:
    """Tags and accepted links of one media file, links that became tags only once."""
    out: list[Passage] = []
    tag_ids: set[str] = set()
    link_ids: set[str] = set()
    if include_tags:
        for tag in tags(builder.archive, media_id):
            out.append(builder.from_tag(tag))
            tag_ids.add(tag.id)
            if tag.link_id:
                link_ids.add(tag.link_id)
    if include_links:
        for link in accepted_links(builder.archive, media_id):
            if link.link_id in link_ids or (link.tag_id and link.tag_id in tag_ids):
                continue
            out.append(builder.from_link(link))
    out.sort(key=lambda p: (p.start, p.end))
    return out
