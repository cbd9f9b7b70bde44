"""Case records and people: read, add or replace, and likely duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tapelog.archive.case_duplicates import find_duplicate_cases
from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.models import SENSITIVE_FLAGS, Case, Person
from tapelog.archive.statuses import CaseStatus
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


def find_cases(
    archive: Archive, ids: Sequence[str] = (), *, status: str | None = None
) -> tuple[list[Case], list[str]]:
    """Case records by id, each read from its one shard (200,000 cases: no other case is
    read), or every case when no id is given; those of one status only if ``status``.
    Returns them in id order and the ids not found.

    A status is not a key: without ids every shard is read, but only the records of
    that status are built.
    """
    table = archive.store.table("cases")
    if ids:
        docs, missing = [], []
        for case_id in dict.fromkeys(ids):
            doc = table.get(Query().case_id == case_id)
            if doc is None:
                missing.append(case_id)
            else:
                docs.append(doc)
    else:
        docs, missing = table.all(), []
    wanted = [d for d in docs if status is None or d.get("status", CaseStatus.UNKNOWN) == status]
    return sorted((Case.from_dict(d) for d in wanted), key=lambda c: c.case_id), missing


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
