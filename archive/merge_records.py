"""Checking the other archive's records, and comparing case and people records field by field.

Merging must never silently overwrite a researcher's case sheet. A field empty here
and filled there is filled; list fields (aliases, parents, flags) are united, so a
``minor`` flag set on one laptop is never lost on merge; two different values for
the same field are kept as ours and listed for a person to review. The same case id
naming two different children is not a difference but a clash: the merge stops.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any, TypeVar, get_type_hints

from tapelog.archive.errors import TapelogError
from tapelog.archive.merge_source import MergeSourceError

T = TypeVar("T")

# Fields that say who a record is: two different non-empty values mean two people.
IDENTITY_FIELDS = {"cases": ("child_name", "child_name_zh"), "people": ("name", "name_zh")}
_NO_TEXT = object()


def checked(cls: type[T], doc: dict[str, Any], what: str) -> T:
    """``cls`` from a record of the other archive, or MergeSourceError naming it.

    Types are checked against the dataclass: a number where a name belongs, or a
    list of dicts where a list of names belongs, would otherwise fail later, here.
    """
    try:
        rec = cls.from_dict(doc)  # type: ignore[attr-defined]
    except (TapelogError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise MergeSourceError(
            f"the other archive has a damaged {what} record ({_short(exc)}); nothing merged"
        ) from None
    hints = get_type_hints(cls)
    for f in fields(cls):  # type: ignore[arg-type]
        value = getattr(rec, f.name)
        if not _fits(value, str(hints[f.name])):
            raise MergeSourceError(
                f"the other archive has a damaged {what} record (field '{f.name}' is "
                f"{type(value).__name__}); nothing merged"
            )
    return rec


def _fits(value: Any, hint: str) -> bool:
    if "None" in hint and value is None:
        return True
    if hint.startswith("list[str]"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if hint.startswith("dict[str, str]"):
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
    if hint.startswith("str"):
        return isinstance(value, str)
    if hint.startswith("float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint.startswith("int"):
        return isinstance(value, int) and not isinstance(value, bool)
    return True


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


@dataclass
class FieldDiff:
    """One field of one case or person that differs between the two archives."""

    table: str
    record_id: str
    field: str
    ours: Any
    theirs: Any
    action: str  # filled / united / kept-ours

    def line(self) -> str:
        kind = "case" if self.table == "cases" else "person"
        if self.action == "filled":
            return f"{kind} {self.record_id}: {self.field} filled in: {_show(self.theirs)}"
        if self.action == "united":
            return f"{kind} {self.record_id}: {self.field} gains {_show(self.theirs)}"
        return (
            f"{kind} {self.record_id}: {self.field} differs: ours {_show(self.ours)}, "
            f"theirs {_show(self.theirs)} (kept ours; review)"
        )


def _show(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return f"'{text[:60]}{'...' if len(text) > 60 else ''}'"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def clash(table: str, ours: Any, theirs: Any) -> str | None:
    """Why two records with one id are different people, or None if they may be one."""
    for name in IDENTITY_FIELDS[table]:
        a, b = getattr(ours, name), getattr(theirs, name)
        if a and b and not _same(a, b):
            rid = getattr(ours, "case_id" if table == "cases" else "person_id")
            kind = "case" if table == "cases" else "person"
            return (
                f"{kind} id {rid} names different {'children' if table == 'cases' else 'people'}"
                f" in the two archives ({name}: ours {_show(a)}, theirs {_show(b)}); "
                "rename the id in one archive's sheet and re-import it, then merge"
            )
    return None


def combine(table: str, record_id: str, ours: T, theirs: T) -> tuple[T, list[FieldDiff]]:
    """Ours with theirs folded in (never overwritten) and every field that differed."""
    merged = dataclasses.replace(ours)  # type: ignore[type-var]
    diffs: list[FieldDiff] = []
    for f in fields(ours):  # type: ignore[arg-type]
        a, b = getattr(ours, f.name), getattr(theirs, f.name)
        if _same(a, b) or b in ("", None, [], {}):
            continue
        if a in ("", None, [], {}) or (f.name == "status" and a == "unknown"):
            setattr(merged, f.name, b)
            diffs.append(FieldDiff(table, record_id, f.name, a, b, "filled"))
        elif isinstance(a, list):
            extra = [v for v in b if not any(_same(v, x) for x in a)]
            if extra:
                setattr(merged, f.name, a + extra)
                diffs.append(FieldDiff(table, record_id, f.name, a, extra, "united"))
        elif isinstance(a, dict):
            new = dict(a)
            for k, v in b.items():
                if k not in a:
                    new[k] = v
                    diffs.append(FieldDiff(table, record_id, f"{f.name}.{k}", None, v, "filled"))
                elif not _same(a[k], v):
                    diffs.append(FieldDiff(table, record_id, f"{f.name}.{k}", a[k], v, "kept-ours"))
            setattr(merged, f.name, new)
        else:
            diffs.append(FieldDiff(table, record_id, f.name, a, b, "kept-ours"))
    return merged, diffs
