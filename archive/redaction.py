"""What a redaction hides: the flagged people's names wherever a passage shows them.

Part of the sensitivity policy (``tapelog.archive.sensitivity`` decides which passages
are sensitive and applies the mode); here, how a redacted passage's words and names
are replaced: the words by ``[redacted: minor]``, every name of a flagged person (as
a person, a speaker, or the child a case is named after) by ``[redacted]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from tapelog.archive.models import Case, Person

REDACTED_NAME = "[redacted]"


def name_key(text: str) -> str:
    """How names are compared for redaction: case and spacing do not count."""
    return " ".join(text.split()).casefold()


def person_label(person: Person | None, pid: str) -> str:
    """How exports name a person: their name, else their Chinese name, else the id."""
    if person is None:
        return pid
    return person.name or person.name_zh or pid


def case_label(case: Case | None, cid: str) -> str:
    """How exports name a case: ``C1 Liu Jingjun``."""
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
    case_ids = list(case_ids)
    for person in flagged:
        label = person_label(person, person.person_id)
        for name in _names(label, person.name, person.name_zh, *person.aliases):
            out[name] = REDACTED_NAME
        for cid in case_ids:
            case = cases.get(cid)
            if case is not None and is_case_child(person, case):
                out[name_key(case_label(case, cid))] = f"{cid} {REDACTED_NAME}"
    return out


def redaction_text(flags: Sequence[str]) -> str:
    return f"[redacted: {', '.join(flags)}]"


class Redactable(Protocol):
    """What ``Sensitivity.apply`` needs of a passage (``exports.common.Passage``)."""

    flags: list[str]
    text: str
    note: str
    redacted: bool
    people: list[str]
    cases: list[str]
    speaker: str | None
    hide: dict[str, str] | None


def redact_names(p: Redactable) -> None:
    """Hide the flagged people's names (and their cases' child names) in ``p``'s tags.

    Without ``p.hide`` (a passage not made from the archive's records) nobody can
    tell which of its people are flagged, so every person's name is hidden.
    """
    if p.hide is None:
        p.people = [REDACTED_NAME for _ in p.people]
        if p.speaker:
            p.speaker = REDACTED_NAME
        return
    hide = p.hide
    p.people = [hide.get(name_key(x), x) for x in p.people]
    p.cases = [hide.get(name_key(x), x) for x in p.cases]
    if p.speaker:
        p.speaker = hide.get(name_key(p.speaker), p.speaker)
