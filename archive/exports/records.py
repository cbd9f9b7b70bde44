"""Reading what exports need from an archive: tags, accepted links, people, cases.

The records are read by the core readers (``archive.records``, ``archive.tags``,
``archive.links``), the same ones the CLI and the TUI use; this module keeps them in
the shapes exports look them up by. Which passages are sensitive comes from
``tapelog.archive.sensitivity`` (the one rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tapelog.archive.exports.common import Passage, credited_quote, quote_for, speaker_for
from tapelog.archive.links import list_links
from tapelog.archive.links_cut import fill_cuts
from tapelog.archive.models import Case, LinkSuggestion, MediaRecord, Person, Tag
from tapelog.archive.records import get_case as get_case  # exports look a case up here
from tapelog.archive.records import list_cases, list_people
from tapelog.archive.sensitivity import (
    case_label,
    hidden_names,
    person_label,
    sensitive_map,
)
from tapelog.archive.statuses import LinkStatus
from tapelog.archive.tags import list_tags
from tapelog.transcribe.types import Segment

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def tags(archive: Archive, media_id: str | None = None) -> list[Tag]:
    return list_tags(archive, media_id=media_id)


def accepted_links(archive: Archive, media_id: str | None = None) -> list[LinkSuggestion]:
    return list_links(archive, status=LinkStatus.ACCEPTED, media_id=media_id)


def people(archive: Archive) -> dict[str, Person]:
    return {p.person_id: p for p in list_people(archive)}


def cases(archive: Archive) -> dict[str, Case]:
    return {c.case_id: c for c in list_cases(archive)}


class PassageBuilder:
    """Turns tags, links and selection items into ``Passage`` records for one archive.

    Caches segments, speaker names and the people/case tables so a big export reads
    each transcript once.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.people = people(archive)
        self.cases = cases(archive)
        self.sensitive = sensitive_map(archive)
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

    def speaker_names(self, media_id: str) -> dict[str, str]:
        if media_id not in self._names:
            self._names[media_id] = self.archive.speaker_names(media_id)
        return self._names[media_id]

    def own_text(self, media_id: str, start: float, end: float, text: str) -> str:
        """A select's saved text, or "" when it is just the transcript's words.

        Saved words are the plain transcript (``selections`` fills them in); given
        "", ``passage`` quotes the transcript again, crediting each voice.
        """
        return "" if text == quote_for(self.segments(media_id), start, end) else text

    def speaker(self, media_id: str, start: float, end: float) -> str | None:
        label = speaker_for(self.segments(media_id), start, end)
        if label is None:
            return None
        return self.speaker_names(media_id).get(label, label)

    def flags(self, media_id: str, start: float, end: float) -> list[str]:
        return self.sensitive.flags(media_id, start, end)

    def hide(
        self, media_id: str, start: float, end: float, case_ids: Iterable[str]
    ) -> dict[str, str]:
        """The names a redaction of ``start..end`` must hide (see ``hidden_names``)."""
        ids = self.sensitive.people(media_id, start, end)
        people = (self.people[pid] for pid in ids if pid in self.people)
        return hidden_names(people, self.cases, case_ids)

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
        credited = False
        if not text:
            names = self.speaker_names(media_id)
            text, credited = credited_quote(self.segments(media_id), start, end, names)
        return Passage(
            media=media,
            start=float(start),
            end=float(end),
            text=text,
            credited=credited,
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
        fill_cuts([link], self.segments)  # a link stored before it had word times
        start, end = link.cut  # the words the name was heard in, not the whole line
        return self.passage(
            link.media_id,
            start,
            end,
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
