"""Importing case records and people from a researcher's CSV or JSON sheet.

Re-importing updates by id and never duplicates; a sheet with only some columns
updates only those columns. The whole import is one transaction, written as the
sheet is read: each row is looked up by id in its shard (``archive.shards``), so a
sheet of 200,000 cases is neither held whole in memory nor compared with every
stored case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive.caseio import ImportProblem, open_records
from tapelog.archive.models import Case, Person
from tapelog.archive.records import ID_FIELD
from tinydb import where

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tinydb.table import Table


@dataclass
class ImportReport:
    """What an import did: counts by outcome and the rows it could not take."""

    path: str
    kind: str  # cases / people
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, but worth a look

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "problems": [p.to_dict() for p in self.problems],
            "warnings": list(self.warnings),
        }


def import_records(archive: Archive, path: str | Path, kind: str | None = None) -> ImportReport:
    """Import cases or people from CSV/JSON; re-importing updates by id, never duplicates.

    Bad rows are reported (``report.problems``) and skipped; the rest is written in one
    transaction. A file that cannot be read at all (or turns out unreadable half way)
    raises, and nothing is written.
    """
    with open_records(path, kind) as (found, items):
        report = ImportReport(str(path), found)
        with archive.store.transaction():
            table = archive.store.table(found)
            cases = archive.store.table("cases")
            for record, problem, columns in items:
                if record is None:
                    report.problems.append(problem)  # type: ignore[arg-type]
                    continue
                _import_one(table, record, columns, ID_FIELD[found], report)
                if isinstance(record, Person):
                    _check_cases(cases, record, report)
    return report


def _import_one(
    table: Table, record: Case | Person, columns: set[str], idf: str, report: ImportReport
) -> None:
    doc = _as_doc(record)
    rid = doc[idf]
    old = table.get(where(idf) == rid)
    if old is None:
        table.insert(doc)
        report.added.append(rid)
        return
    doc = _merge_columns(old, doc, columns or set(doc))
    if {k: old.get(k) for k in doc} == doc:
        report.unchanged.append(rid)
    else:
        table.update(doc, doc_ids=[old.doc_id])
        report.updated.append(rid)


def _as_doc(record: Case | Person) -> dict[str, Any]:
    """``record.to_dict()`` without ``asdict``'s deep copy (a fifth of a 200,000-row
    import): the fields are text, lists of text and one dict of text."""
    return {
        k: list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
        for k, v in vars(record).items()
    }


def _check_cases(cases: Table, person: Person, report: ImportReport) -> None:
    """Imported anyway (the cases may come next), but a typo in a case id would silently
    keep this person's passages out of that case's dossier."""
    missing = [c for c in person.cases if not cases.contains(where("case_id") == c)]
    if missing:
        report.warnings.append(
            f"{person.person_id}: case {', '.join(missing)} is not in the archive "
            "(import the case records, or correct the id)"
        )


def _merge_columns(old: dict, new: dict, columns: set[str]) -> dict:
    """The stored record updated with only the columns the file has.

    A spreadsheet with just ``case_id,status`` updates statuses; it must not wipe the
    aliases, notes, or a person's ``minor`` flag that an export relies on. A column that
    is present with an empty cell does clear its field. Extra columns merge the same way.
    """
    doc = dict(old)
    for key, value in new.items():
        if key == "extra":
            continue
        if key in columns:
            doc[key] = value
    extra = dict(old.get("extra") or {})
    for key in columns:
        if key in new.get("extra", {}):
            extra[key] = new["extra"][key]
        elif key not in new:
            extra.pop(key, None)  # an extra column present but empty clears it
    doc["extra"] = extra
    return doc


def import_cases(archive: Archive, path: str | Path) -> ImportReport:
    return import_records(archive, path, "cases")


def import_people(archive: Archive, path: str | Path) -> ImportReport:
    return import_records(archive, path, "people")
