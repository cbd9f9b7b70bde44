"""Importing case records and people from a researcher's CSV or JSON sheet.

Re-importing updates by id and never duplicates; a sheet with only some columns
updates only those columns. The whole import is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive.caseio import ImportProblem, read_records
from tapelog.archive.models import Person
from tapelog.archive.records import ID_FIELD

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


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
    transaction. A file that cannot be read at all raises before anything is written.
    """
    present: dict[str, set[str]] = {}
    kind, records, problems = read_records(path, kind, present)
    idf = ID_FIELD[kind]
    report = ImportReport(str(path), kind, problems=problems)
    with archive.store.transaction():
        table = archive.store.table(kind)
        existing = {d.get(idf): d for d in table.all()}
        new_docs = []
        for rec in records:
            doc = rec.to_dict()
            rid = doc[idf]
            old = existing.get(rid)
            if old is None:
                new_docs.append(doc)
                report.added.append(rid)
                continue
            doc = _merge_columns(old, doc, present.get(rid, set(doc)))
            if {k: old.get(k) for k in doc} == doc:
                report.unchanged.append(rid)
            else:
                table.update(doc, doc_ids=[old.doc_id])
                report.updated.append(rid)
        if new_docs:
            table.insert_multiple(new_docs)
        if kind == "people":
            # Imported anyway (the cases may come next), but a typo in a case id would
            # silently keep this person's passages out of that case's dossier.
            known = {d.get("case_id") for d in archive.store.table("cases").all()}
            for rec in records:
                if not isinstance(rec, Person):
                    continue
                missing = [c for c in rec.cases if c not in known]
                if missing:
                    report.warnings.append(
                        f"{rec.person_id}: case {', '.join(missing)} is not in the archive "
                        "(import the case records, or correct the id)"
                    )
    return report


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
