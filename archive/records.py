"""Case records and people: read, add or replace, and likely duplicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tapelog.archive.case_duplicates import find_duplicate_cases
from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.models import SENSITIVE_FLAGS, Case, Person
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


ID_FIELD = {"cases": "case_id", "people": "person_id"}


def list_cases(archive: Archive) -> list[Case]:
    recs = [Case.from_dict(d) for d in archive.store.table("cases").all()]
    return sorted(recs, key=lambda c: c.case_id)


def list_people(archive: Archive) -> list[Person]:
    recs = [Person.from_dict(d) for d in archive.store.table("people").all()]
    return sorted(recs, key=lambda p: p.person_id)


def get_case(archive: Archive, case_id: str) -> Case:
    doc = archive.store.table("cases").get(Query().case_id == case_id)
    if doc is None:
        raise NotFoundError(f"no case with id '{case_id}' (see `tapelog cases list`)")
    return Case.from_dict(doc)


def get_person(archive: Archive, person_id: str) -> Person:
    doc = archive.store.table("people").get(Query().person_id == person_id)
    if doc is None:
        raise NotFoundError(f"no person with id '{person_id}' (see `tapelog people list`)")
    return Person.from_dict(doc)


def upsert_case(archive: Archive, case: Case) -> Case:
    """Add or replace one case record (by ``case_id``)."""
    if not case.case_id.strip():
        raise UsageError("a case record needs a case_id")
    with archive.store.transaction():
        archive.store.table("cases").upsert(case.to_dict(), Query().case_id == case.case_id)
    return case


def upsert_person(archive: Archive, person: Person) -> Person:
    """Add or replace one person (by ``person_id``); flags must be known ones."""
    if not person.person_id.strip():
        raise UsageError("a person needs a person_id")
    bad = [f for f in person.flags if f not in SENSITIVE_FLAGS]
    if bad:
        raise UsageError(f"unknown flag '{bad[0]}' (use {', '.join(SENSITIVE_FLAGS)})")
    with archive.store.transaction():
        archive.store.table("people").upsert(
            person.to_dict(), Query().person_id == person.person_id
        )
    return person


def duplicate_cases(archive: Archive) -> list[tuple[str, str, float, str]]:
    """Likely duplicate case records: (case_id_a, case_id_b, score, reason)."""
    return find_duplicate_cases(list_cases(archive))
