"""Which passages are sensitive, and what an export does with them: the one rule.

Every export (timelines, clips, selects, transcripts, subtitles, the dossier) and the
search results ask this module, so the policy stated in the README ("Sensitive
passages") is the code here and nowhere else:

1. **Who.** A person flagged ``minor``, ``off-record`` or ``no-release``.
2. **Where.** A span is sensitive when a tag names such a person; accepting a name
   link to a person makes such a tag, and an accepted person link without its tag
   counts too. A tag naming only a *case* is not sensitive by itself.
3. **Which passages.** A passage (tag, link, select, transcript line, clip) is
   sensitive when it shares with a sensitive span at least ``MIN_OVERLAP_S`` seconds,
   or half of the shorter of the two: a neighbouring passage that brushes the span for
   a fraction of a second (a reunion tag overlapping a minor's 4 s tag by 0.2 s) is not.
4. **What happens** (one mode per export, the same for everyone who receives it):
   ``omit`` (default) leaves the passage out; ``redact`` keeps it with its words
   replaced by ``[redacted: minor]`` and the flagged people's names (as person,
   speaker, and as the child of a case) replaced by ``[redacted]``; a shot on a
   timeline cannot be redacted, so there it is left out (``withheld``), except a
   marker on a whole-file clip, whose footage is on the timeline anyway;
   ``include`` keeps it marked with its flags. In the dossier the People section
   follows the same mode.
5. **Saying so.** Every export counts what it left out, redacted or kept and writes
   one line saying so into the file and onto the terminal (``Sensitivity.note``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from tapelog.archive.errors import UsageError
from tapelog.archive.models import SENSITIVE_FLAGS, LinkSuggestion, Person, Tag
from tapelog.archive.redaction import (
    REDACTED_NAME,
    Redactable,
    case_label,
    hidden_names,
    is_case_child,
    name_key,
    person_label,
    redact_names,
    redaction_text,
)

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

__all__ = [
    "REDACTED_NAME",
    "case_label",
    "hidden_names",
    "is_case_child",
    "name_key",
    "person_label",
    "redact_names",
    "redaction_text",
    "INCLUDE",
    "MIN_OVERLAP_S",
    "OMIT",
    "REDACT",
    "SENSITIVE_FLAGS",
    "SENSITIVITY_MODES",
    "SensitiveMap",
    "Sensitivity",
    "accept_warning",
    "flags_for",
    "sensitive_spans",
    "tag_warning",
]

OMIT = "omit"
REDACT = "redact"
INCLUDE = "include"
SENSITIVITY_MODES = (OMIT, REDACT, INCLUDE)

# Rule 3: how much a passage must share with a sensitive span to be sensitive.
MIN_OVERLAP_S = 1.0
MIN_OVERLAP_SHARE = 0.5

Span = tuple[float, float, list[str]]


# -- rules 1-3: who, where, which passages -----------------------------------------------


def person_flags(person: Person) -> list[str]:
    """Rule 1: the sensitive flags of ``person`` (unknown words are not flags)."""
    return sorted({f for f in person.flags if f in SENSITIVE_FLAGS})


def overlaps(start: float, end: float, s: float, e: float) -> bool:
    """Rule 3: whether a passage ``start..end`` is sensitive by a span ``s..e``.

    They must share ``MIN_OVERLAP_S`` seconds or half of the shorter one; a point
    (zero-length passage or span) counts when it lies inside the other.
    """
    if end <= start:
        return s <= start < e or (e <= s and s == start)
    if e <= s:
        return start <= s < end
    shared = min(end, e) - max(start, s)
    if shared <= 0:
        return False
    need = min(MIN_OVERLAP_S, MIN_OVERLAP_SHARE * min(end - start, e - s))
    return shared >= need - 1e-9


def flags_for(spans: Iterable[Span], start: float, end: float) -> list[str]:
    """The flags a passage ``start..end`` carries from ``spans`` (rule 3)."""
    return sorted({f for s, e, flags in spans if overlaps(start, end, s, e) for f in flags})


@dataclass(frozen=True)
class FlaggedSpan:
    """Rule 2: a span of one file naming flagged people."""

    start: float
    end: float
    flags: tuple[str, ...]
    people: tuple[str, ...]  # the flagged person ids it names


@dataclass
class SensitiveMap:
    """Every sensitive span of an archive, by media id: built once per export or search."""

    spans: dict[str, list[FlaggedSpan]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        people: Iterable[Person],
        tags: Iterable[Tag],
        links: Iterable[LinkSuggestion] = (),
    ) -> SensitiveMap:
        flagged = {p.person_id: person_flags(p) for p in people}
        flagged = {pid: fl for pid, fl in flagged.items() if fl}
        out = cls()
        if not flagged:
            return out
        tagged_links: set[str] = set()
        for tag in tags:
            if tag.link_id:
                tagged_links.add(tag.link_id)
            out._add(tag.media_id, tag.start, tag.end, tag.people, flagged)
        for link in links:
            if link.status != "accepted" or link.target_type != "person":
                continue
            if link.link_id in tagged_links or link.tag_id:
                continue  # its tag is counted above
            out._add(link.media_id, link.start, link.end, [link.target_id], flagged)
        for spans in out.spans.values():
            spans.sort(key=lambda s: (s.start, s.end))
        return out

    def _add(
        self, media_id: str, start: float, end: float, ids: Iterable[str], flagged: dict
    ) -> None:
        people = tuple(sorted({pid for pid in ids if pid in flagged}))
        if people:
            flags = tuple(sorted({f for pid in people for f in flagged[pid]}))
            self.spans.setdefault(media_id, []).append(
                FlaggedSpan(float(start), float(end), flags, people)
            )

    def of(self, media_id: str) -> list[Span]:
        """``(start, end, flags)`` of ``media_id``'s sensitive spans."""
        return [(s.start, s.end, list(s.flags)) for s in self.spans.get(media_id, ())]

    def as_dict(self) -> dict[str, list[Span]]:
        return {mid: self.of(mid) for mid in self.spans}

    def flags(self, media_id: str, start: float, end: float) -> list[str]:
        """The flags of a passage ``start..end`` of ``media_id`` (rule 3)."""
        return flags_for(self.of(media_id), start, end)

    def people(self, media_id: str, start: float, end: float) -> list[str]:
        """The flagged person ids that make ``start..end`` sensitive."""
        found = {
            pid
            for s in self.spans.get(media_id, ())
            if overlaps(start, end, s.start, s.end)
            for pid in s.people
        }
        return sorted(found)


def sensitive_map(archive: Archive) -> SensitiveMap:
    """The archive's sensitive spans, read from its people, tags and links."""
    table = archive.store.table
    return SensitiveMap.build(
        (Person.from_dict(d) for d in table("people").all()),
        (Tag.from_dict(d) for d in table("tags").all()),
        (LinkSuggestion.from_dict(d) for d in table("links").all()),
    )


def sensitive_spans(archive: Archive) -> dict[str, list[Span]]:
    """media_id -> ``(start, end, flags)`` of every sensitive span (rule 2)."""
    return sensitive_map(archive).as_dict()


def accept_warning(person: Person) -> str | None:
    """What accepting a link to ``person`` does to exports, said when it is accepted."""
    flags = person_flags(person)
    if not flags:
        return None
    name = person.name or person.name_zh or person.person_id
    return (
        f"{name} is flagged {', '.join(flags)}: exports leave this passage out "
        "unless asked (--redact / --include-sensitive)"
    )


def tag_warning(archive: Archive, tag: Tag) -> str | None:
    """What a new tag (an accepted link) does to exports, for the CLI and the TUI."""
    table = archive.store.table("people")
    people = {d.get("person_id"): Person.from_dict(d) for d in table.all()}
    notes = [accept_warning(people[pid]) for pid in tag.people if pid in people]
    return "; ".join(n for n in notes if n) or None


# -- rules 4-5: what an export does, and says ------------------------------------------


def _passages(n: int) -> str:
    return f"{n} sensitive passage{'s' if n != 1 else ''}"


def sensitivity_note(
    omitted: int, redacted: int, included: int = 0, withheld: int = 0
) -> str | None:
    """One line saying what was held back or kept, for the file and for the terminal.

    ``withheld`` counts the passages of ``omitted`` that were to be redacted but put
    picture and sound on a timeline, which no text can redact.
    """
    parts = []
    if omitted - withheld > 0:
        parts.append(f"{_passages(omitted - withheld)} left out")
    if withheld:
        parts.append(f"redaction cannot hide footage: {_passages(withheld)} left out")
    if redacted:
        parts.append(f"{_passages(redacted)} redacted")
    if parts:
        return (
            "; ".join(parts)
            + " (people flagged minor/off-record/no-release; use --include-sensitive to keep them)"
        )
    if included:
        return (
            f"{_passages(included)} included at your request"
            " (people flagged minor/off-record/no-release; each is marked with its flags)"
        )
    return None


P = TypeVar("P", bound=Redactable)


@dataclass
class Sensitivity:
    """Applies one mode (rule 4) to passages and counts what it did (rule 5)."""

    mode: str = OMIT
    omitted: int = 0
    redacted: int = 0
    included: int = 0
    withheld: int = 0

    def __post_init__(self) -> None:
        if self.mode not in SENSITIVITY_MODES:
            raise UsageError(f"unknown sensitivity mode '{self.mode}' (omit/redact/include)")

    @classmethod
    def from_flags(cls, include_sensitive: bool = False, redact: bool = False) -> Sensitivity:
        return cls(INCLUDE if include_sensitive else REDACT if redact else OMIT)

    def keep(self, flags: Sequence[str]) -> bool:
        """False (and counted) when a passage with ``flags`` is left out.

        A sensitive passage kept because the user asked is counted too, so the export
        can say so.
        """
        if flags and self.mode == OMIT:
            self.omitted += 1
            return False
        if flags and self.mode == INCLUDE:
            self.included += 1
        return True

    def text(self, text: str, flags: Sequence[str]) -> str:
        """The text to show for a kept passage (redacted when asked)."""
        if flags and self.mode == REDACT:
            self.redacted += 1
            return redaction_text(flags)
        return text

    def apply(self, passages: Iterable[P], *, footage: bool = False) -> list[P]:
        """The passages to export, sensitive ones left out or redacted (in place).

        ``footage``: the export lays each passage's picture and sound on a timeline
        (EDL / FCP XML / clips). Words can be redacted there but the shot cannot, so
        a passage to redact is left out instead, and counted as ``withheld``.
        """
        out = []
        for p in passages:
            if p.flags and footage and self.mode == REDACT:
                self.omitted += 1
                self.withheld += 1
                continue
            if not self.keep(p.flags):
                continue
            if p.flags and self.mode == REDACT:
                p.text = self.text(p.text, p.flags)
                p.note = ""
                p.redacted = True
                redact_names(p)
            out.append(p)
        return out

    def people(self, people: Sequence[Person]) -> tuple[list[Person], int]:
        """The dossier's People section under this mode: who is listed, how many not.

        ``omit`` leaves flagged people out (counted); ``redact`` lists them with
        ``[redacted]`` for every name; ``include`` lists them as they are.
        """
        shown: list[Person] = []
        hidden = 0
        for person in people:
            if not person_flags(person) or self.mode == INCLUDE:
                shown.append(person)
            elif self.mode == REDACT:
                shown.append(
                    Person(
                        person.person_id,
                        name=REDACTED_NAME,
                        role=person.role,
                        flags=person_flags(person),
                    )  # fmt: skip
                )
            else:
                hidden += 1
        return shown, hidden

    @property
    def note(self) -> str | None:
        return sensitivity_note(self.omitted, self.redacted, self.included, self.withheld)

    def fill(self, result: Any) -> Any:
        """Add the counts and the note to an ``ExportResult``."""
        result.omitted += self.omitted
        result.redacted += self.redacted
        result.included += self.included
        result.withheld += self.withheld
        if self.note and self.note not in result.notes:
            result.notes.append(self.note)
        return result
