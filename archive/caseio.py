"""Reading case records and people from the CSV/JSON files researchers keep them in.

Researchers keep these lists in spreadsheets, so CSV arrives as Excel saves it: UTF-8
with or without a BOM, sometimes UTF-16 ("Unicode text"), comma, semicolon or tab
separated. Lists inside a cell (aliases, parents, cases, flags) are separated by ``;``.
A bad row is reported with its line number and skipped, the rest still reads; a file
that cannot be read at all (empty, binary, not UTF-8, no id column) raises
``ImportFormatError`` before anything is written. Nothing here touches the store.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

from tapelog.archive.errors import ImportFormatError, NotFoundError
from tapelog.archive.models import SENSITIVE_FLAGS, Case, Person
from tapelog.archive.statuses import CaseStatus, words

CASE_STATUSES = tuple(words(CaseStatus))
LIST_FIELDS = {"aliases", "parents", "cases", "flags"}
CASE_FIELDS = [f.name for f in fields(Case) if f.name != "extra"]
PERSON_FIELDS = [f.name for f in fields(Person) if f.name != "extra"]
ID_FIELD = {"cases": "case_id", "people": "person_id"}

# A sheet is read before anything is written, so what it may hold is bounded: 200,000
# records is twenty times the largest case list measured (bench/); a CSV is streamed
# row by row, a JSON file (which cannot be) must be small enough to parse whole.
MAX_ROWS = 200_000
MAX_CSV_BYTES = 256 << 20
MAX_JSON_BYTES = 64 << 20


@dataclass
class ImportProblem:
    """One row that was not imported, and why (``line 4: missing case_id``)."""

    where: str  # "line 4" (CSV) or "item 2" (JSON)
    reason: str
    record_id: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "reason": self.reason, "id": self.record_id}


# One row of a sheet: its record (or None) and its problem (or None), and its columns.
Item = tuple[Case | Person | None, ImportProblem | None, set[str]]


def _split_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        items = [str(v) for v in value]
    else:
        items = str(value).replace("；", ";").split(";")
    return [i.strip() for i in items if i and i.strip()]


def _norm_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def _decode(raw: bytes, path: str) -> str:
    if not raw.strip():
        raise ImportFormatError("the file is empty", path=path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"broken UTF-16 text ({exc.reason})", path=path) from None
    if b"\x00" in raw[:8192]:
        raise ImportFormatError(
            "this is a binary file, not CSV or JSON text (is it an .xlsx? save it as CSV)",
            path=path,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "in Excel use Save As > 'CSV UTF-8 (Comma delimited)'",
            path=path,
        ) from None


def _kind_of(columns: list[str], kind: str | None, path: str) -> str:
    if kind is not None:
        if ID_FIELD[kind] not in columns:
            expected = CASE_FIELDS if kind == "cases" else PERSON_FIELDS
            raise ImportFormatError(
                f"no '{ID_FIELD[kind]}' column; expected columns {', '.join(expected)}; "
                f"found {', '.join(columns) or 'none'}",
                path=path,
            )
        return kind
    for k, idf in ID_FIELD.items():
        if idf in columns:
            return k
    raise ImportFormatError(
        "no 'case_id' or 'person_id' column; expected case columns "
        f"({', '.join(CASE_FIELDS)}) or people columns ({', '.join(PERSON_FIELDS)}); "
        f"found {', '.join(columns) or 'none'}",
        path=path,
    )


def _build(
    kind: str, row: dict[str, Any], where: str, seen: set[str]
) -> tuple[Case | Person | None, ImportProblem | None]:
    """One record from one row (column name -> value), or the reason it is bad."""
    idf = ID_FIELD[kind]
    known = CASE_FIELDS if kind == "cases" else PERSON_FIELDS
    rid = str(row.get(idf) or "").strip()
    if not rid:
        return None, ImportProblem(where, f"missing {idf}")
    if rid in seen:
        return None, ImportProblem(where, f"duplicate {idf} '{rid}' in the file", rid)
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for key, value in row.items():
        if not key:
            continue
        if key in known:
            values[key] = _split_list(value) if key in LIST_FIELDS else str(value or "").strip()
        elif value not in (None, "", []):
            extra[key] = value if isinstance(value, str) else json.dumps(value)
    values[idf] = rid
    if kind == "cases":
        status = (values.get("status") or CaseStatus.UNKNOWN).lower()
        if status not in CASE_STATUSES:
            return None, ImportProblem(
                where,
                f"{rid}: invalid status '{values['status']}' (use {', '.join(CASE_STATUSES)})",
                rid,
            )
        values["status"] = status
        record: Case | Person = Case(**values, extra=extra)
    else:
        flags = [f.lower() for f in values.get("flags", [])]
        bad = [f for f in flags if f not in SENSITIVE_FLAGS]
        if bad:
            return None, ImportProblem(
                where,
                f"{rid}: unknown flag '{bad[0]}' (use {', '.join(SENSITIVE_FLAGS)})",
                rid,
            )
        values["flags"] = flags
        record = Person(**values, extra=extra)
    seen.add(rid)
    return record, None


def _item(kind: str, row: dict[str, Any], where: str, seen: set[str]) -> Item:
    """A row as an import item: its record or its problem, and the columns it had (a
    re-import that lacks a column must leave that field as it was, not blank it)."""
    record, problem = _build(kind, row, where, seen)
    return record, problem, {k for k in row if k}


def _csv_start(lines: Iterator[str], path: str, kind: str | None) -> tuple[str, Any, list[str]]:
    """The sheet's kind, a CSV reader past the header, and the header's columns."""
    head: list[str] = []
    for ln in lines:  # blank lines before the header, then the header itself
        head.append(ln)
        if ln.strip():
            break
    header = head[-1] if head else ""
    delim = max(",;\t", key=lambda d: (header.count(d), d == ","))
    reader = csv.reader(itertools.chain(head, lines), delimiter=delim)
    try:
        columns = [_norm_header(c) for c in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ImportFormatError(f"cannot read the CSV header ({exc})", path=path) from None
    return _kind_of(columns, kind, path), reader, columns


def _csv_items(reader: Any, columns: list[str], kind: str, path: str) -> Iterator[Item]:
    """Rows one at a time: the file is never held whole in memory."""
    seen: set[str] = set()
    known = CASE_FIELDS if kind == "cases" else PERSON_FIELDS
    rows = 0
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield None, ImportProblem(f"line {start}", f"unreadable CSV ({exc})"), set()
            line = reader.line_num
            continue
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        where = f"line {start}"
        rows += 1
        if rows > MAX_ROWS:
            raise _too_big(path, f"more than {MAX_ROWS:,} rows")
        if len(cells) > len(columns):
            yield (
                None,
                ImportProblem(where, f"{len(cells)} cells but {len(columns)} columns"),
                set(),
            )
            continue
        row = dict(zip(columns, cells, strict=False))
        torn = [k for k, v in row.items() if k in known and k != "notes" and "\n" in v]
        if torn:
            # Only notes may span lines; an id or a name that does swallowed the rows
            # after an unclosed quote, which would otherwise vanish without a word.
            reason = (
                f"'{torn[0]}' runs on to line {line}: is a quote not closed? "
                f"lines {start}-{line} were not imported"
            )
            yield None, ImportProblem(where, reason), set()
            continue
        yield _item(kind, row, where, seen)


def _json_start(text: str, path: str, kind: str | None) -> tuple[str, list[Any]]:
    """The sheet's kind and its list of items (JSON is parsed whole: ``MAX_JSON_BYTES``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"invalid JSON at line {exc.lineno}: {exc.msg}", path=path
        ) from None
    except RecursionError:
        raise ImportFormatError(
            "JSON nested too deeply to be a sheet of records", path=path
        ) from None
    except ValueError as exc:  # a number of more than 4,300 digits, and the like
        raise ImportFormatError(f"unreadable JSON ({str(exc)[:80]})", path=path) from None
    if isinstance(data, dict):
        keys = [k for k in ("cases", "people") if isinstance(data.get(k), list)]
        if kind is not None and kind in keys:
            keys = [kind]
        if not keys:
            raise ImportFormatError(
                "expected a list of records or an object with a 'cases' or 'people' list; "
                f"found keys {', '.join(map(str, data)) or 'none'}",
                path=path,
            )
        kind = kind or keys[0]
        data = data[keys[0]]
    if not isinstance(data, list):
        raise ImportFormatError("expected a JSON list of records", path=path)
    if not data:
        raise ImportFormatError("the file holds no records", path=path)
    if len(data) > MAX_ROWS:
        raise _too_big(path, f"{len(data):,} records")
    columns = sorted(
        {_norm_header(str(k)) for item in data if isinstance(item, dict) for k in item}
    )
    return _kind_of(columns, kind, path), data


def _json_items(data: list[Any], kind: str) -> Iterator[Item]:
    seen: set[str] = set()
    for i, item in enumerate(data, 1):
        where = f"item {i}"
        if not isinstance(item, dict):
            yield None, ImportProblem(where, "not an object"), set()
            continue
        yield _item(kind, {_norm_header(str(k)): v for k, v in item.items()}, where, seen)


@contextlib.contextmanager
def open_records(path: str | Path, kind: str | None = None) -> Iterator[tuple[str, Iterator[Item]]]:
    """``(kind, items)`` of a CSV or JSON sheet, read as the items are taken.

    ``kind`` is cases/people (None: decided from the id column). Each item is
    ``(record, None, columns)`` or ``(None, problem, columns)``. A file that is
    unusable from the start raises ``ImportFormatError`` (``NotFoundError`` when it
    does not exist) on entering; one that turns out unusable later (a bad byte on row
    150,000, too many rows) raises while the items are taken, so a caller that writes
    as it reads does so inside one transaction.
    """
    p = Path(path)
    try:
        fh = open(p, "rb")  # noqa: SIM115 - held open while the caller reads the items
    except FileNotFoundError:
        raise NotFoundError("no such file", path=str(p)) from None
    except IsADirectoryError:
        raise ImportFormatError("is a directory, not a CSV or JSON file", path=str(p)) from None
    except OSError as exc:
        raise ImportFormatError(f"cannot read ({exc.strerror})", path=str(p)) from None
    with fh:
        try:
            found, items = _start(fh, p, kind)
        except OSError as exc:
            raise ImportFormatError(f"cannot read ({exc.strerror})", path=str(p)) from None
        yield found, _reading(items, p)


def _start(fh: IO[bytes], p: Path, kind: str | None) -> tuple[str, Iterator[Item]]:
    size = os.fstat(fh.fileno()).st_size
    head = fh.read(8192)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if p.suffix.lower() == ".json" or stripped[:1] in (b"[", b"{"):
        if size > MAX_JSON_BYTES:
            raise _too_big(str(p), f"{size:,} bytes of JSON")
        found, data = _json_start(_decode(head + fh.read(), str(p)), str(p), kind)
        return found, _json_items(data, found)
    if size > MAX_CSV_BYTES:
        raise _too_big(str(p), f"{size:,} bytes")
    fh.seek(0)
    found, reader, columns = _csv_start(_text_lines(fh, head, size, str(p)), str(p), kind)
    return found, _csv_items(reader, columns, found, str(p))


def _reading(items: Iterator[Item], p: Path) -> Iterator[Item]:
    try:
        yield from items
    except OSError as exc:
        raise ImportFormatError(f"cannot read ({exc.strerror})", path=str(p)) from None


def read_records(
    path: str | Path, kind: str | None = None, present: dict[str, set[str]] | None = None
) -> tuple[str, list[Case | Person], list[ImportProblem]]:
    """(kind, records, problems) from a CSV or JSON file, all in memory (``open_records``
    streams them). ``present`` (if given) is filled with the columns each record's
    row had."""
    records: list[Case | Person] = []
    problems: list[ImportProblem] = []
    with open_records(path, kind) as (found, items):
        for record, problem, columns in items:
            if record is None:
                problems.append(problem)  # type: ignore[arg-type]
                continue
            records.append(record)
            if present is not None:
                present[record_id(record)] = columns
    return found, records, problems


def record_id(record: Case | Person) -> str:
    return record.case_id if isinstance(record, Case) else record.person_id


def _text_lines(fh: IO[bytes], head: bytes, size: int, path: str) -> Iterator[str]:
    """The file's lines as text, decoded as they are read (encoding chosen from its head)."""
    if not head.strip() and size <= len(head):
        raise ImportFormatError("the file is empty", path=path)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in head:
        raise ImportFormatError(
            "this is a binary file, not CSV or JSON text (is it an .xlsx? save it as CSV)",
            path=path,
        )
    stream = io.TextIOWrapper(fh, encoding="utf-16" if utf16 else "utf-8-sig", newline="")
    return _decoded(stream, "UTF-16" if utf16 else "UTF-8", path)


def _decoded(stream: io.TextIOWrapper, encoding: str, path: str) -> Iterator[str]:
    try:
        yield from stream
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"the file is not {encoding} (byte 0x{exc.object[exc.start]:02x}); "
            "in Excel use Save As > 'CSV UTF-8 (Comma delimited)'",
            path=path,
        ) from None


def _too_big(path: str, what: str) -> ImportFormatError:
    return ImportFormatError(
        f"too big for a sheet of records ({what}; tapelog reads at most {MAX_ROWS:,} rows, "
        f"{MAX_CSV_BYTES >> 20} MB of CSV or {MAX_JSON_BYTES >> 20} MB of JSON): "
        "split it into several files",
        path=path,
    )


def read_cases(path: str | Path) -> tuple[list[Case], list[ImportProblem]]:
    _, records, problems = read_records(path, "cases")
    return records, problems  # type: ignore[return-value]


def read_people(path: str | Path) -> tuple[list[Person], list[ImportProblem]]:
    _, records, problems = read_records(path, "people")
    return records, problems  # type: ignore[return-value]
