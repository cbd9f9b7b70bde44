"""``tapelog check``: every record refers to records that exist, with spans that can be.

Ids must be unique and safe to use as file names; tags, links and saved quotes must name
media, cases, people and tags the store holds; every span runs forwards from zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tapelog.archive.check_problem import ERROR, FIX_RECORD, WARNING, Problem, Tables, is_num
from tapelog.archive.paths import shown_id, unsafe_fields

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def check_ids(archive: Archive, tables: Tables) -> list[Problem]:
    """Ids that would become paths leading anywhere (``../../x``): hostile or damaged."""
    return [
        Problem(
            ERROR,
            f"{table} record with an unsafe {field} '{shown_id(value)}' (it would name a "
            "file outside the archive; tapelog refuses to read or write it)",
            str(archive.store.table_path(table)),
            FIX_RECORD,
        )
        for table, field, value in unsafe_fields(tables)
    ]


def check_references(archive: Archive, tables: Tables) -> list[Problem]:
    """Missing or shared ids, references to records that do not exist, impossible spans."""
    where = str(archive.store.dir)
    return [
        *_unique_ids(tables, where),
        *_media_references(tables, where),
        *_tag_references(tables, where),
        *_link_references(tables, where),
        *_selection_references(tables, where),
        *_correction_spans(tables, where),
    ]


def _ids(docs: Sequence[Mapping[str, Any]], key: str) -> set[str]:
    return {str(d[key]) for d in docs if d.get(key) is not None}


def _bad_span(start: object, end: object) -> bool:
    return not is_num(start) or not is_num(end) or start < 0 or end < start


def _unique_ids(tables: Tables, where: str) -> list[Problem]:
    problems: list[Problem] = []
    for table in ("media", "transcripts", "corrections", "tags"):
        seen: set[str] = set()
        for doc in tables[table]:
            value = doc.get("id")
            if value is None:
                problems.append(Problem(ERROR, f"a {table} record has no id", where, FIX_RECORD))
                continue
            if value in seen:
                problems.append(
                    Problem(ERROR, f"two {table} records share the id '{value}'", where, FIX_RECORD)
                )
            seen.add(value)
    return problems


def _media_references(tables: Tables, where: str) -> list[Problem]:
    media_ids = _ids(tables["media"], "id")
    problems: list[Problem] = []
    for table in ("transcripts", "corrections", "speakers", "tags", "links"):
        for doc in tables[table]:
            mid = doc.get("media_id")
            if mid not in media_ids:
                ident = doc.get("id") or doc.get("link_id") or doc.get("label") or "?"
                problems.append(
                    Problem(
                        ERROR,
                        f"{table} record '{ident}' refers to media '{mid}', which does not exist",
                        where,
                        FIX_RECORD,
                    )
                )
    return problems


def _tag_references(tables: Tables, where: str) -> list[Problem]:
    """Tags name cases and people by id, and remember the link they were accepted from."""
    case_ids = _ids(tables["cases"], "case_id")
    person_ids = _ids(tables["people"], "person_id")
    link_ids = _ids(tables["links"], "link_id")
    problems: list[Problem] = []
    for doc in tables["tags"]:
        tid = doc.get("id")
        for kind, known, values in (
            ("case", case_ids, doc.get("cases") or []),
            ("person", person_ids, doc.get("people") or []),
        ):
            for value in values:
                if value not in known:
                    problems.append(
                        Problem(
                            ERROR,
                            f"tag '{tid}' names {kind} '{value}', which does not exist",
                            where,
                            f"import the {kind} records again, or remove it from the tag",
                        )
                    )
        if doc.get("link_id") and doc["link_id"] not in link_ids:
            problems.append(
                Problem(
                    WARNING,
                    f"tag '{tid}' came from link '{doc['link_id']}', which no longer exists",
                    where,
                )
            )
        start, end = doc.get("start"), doc.get("end")
        if _bad_span(start, end):
            problems.append(
                Problem(
                    ERROR, f"tag '{tid}' has an impossible span {start}-{end}", where, FIX_RECORD
                )
            )
    return problems


def _link_references(tables: Tables, where: str) -> list[Problem]:
    """A link points at a case or a person; once accepted, at the tag it became."""
    case_ids = _ids(tables["cases"], "case_id")
    person_ids = _ids(tables["people"], "person_id")
    tag_ids = _ids(tables["tags"], "id")
    problems: list[Problem] = []
    for doc in tables["links"]:
        lid = doc.get("link_id")
        target, target_type = doc.get("target_id"), doc.get("target_type")
        targets = {"case": case_ids, "person": person_ids}.get(str(target_type))
        if targets is None:
            problems.append(Problem(ERROR, f"link '{lid}' has target type '{target_type}'", where))
        elif target not in targets:
            problems.append(
                Problem(
                    ERROR,
                    f"link '{lid}' points at {target_type} '{target}', which does not exist",
                    where,
                    f"import the {target_type} records again, or reject the suggestion",
                )
            )
        if doc.get("tag_id") and doc["tag_id"] not in tag_ids:
            problems.append(
                Problem(
                    ERROR,
                    f"link '{lid}' was accepted as tag '{doc['tag_id']}', which does not exist",
                    where,
                    FIX_RECORD,
                )
            )
    return problems


def _selection_references(tables: Tables, where: str) -> list[Problem]:
    """An editor's saved quotes: a dangling one only shows when the selects export."""
    media_ids = _ids(tables["media"], "id")
    problems: list[Problem] = []
    for doc in tables.get("selections", []):
        name = doc.get("name")
        for n, item in enumerate(doc.get("items") or [], 1):
            item = item if isinstance(item, dict) else {}
            mid = item.get("media_id")
            start, end = item.get("start"), item.get("end")
            if mid not in media_ids:
                problems.append(
                    Problem(
                        ERROR,
                        f"selection '{name}' quote {n} refers to media '{mid}', "
                        "which does not exist",
                        where,
                        f"remove it with `tapelog selections remove {name} {n}`, or restore",
                    )
                )
            elif not is_num(start) or not is_num(end) or start < 0 or end <= start:
                problems.append(
                    Problem(
                        ERROR,
                        f"selection '{name}' quote {n} has an impossible span {start}-{end}",
                        where,
                        FIX_RECORD,
                    )
                )
    return problems


def _correction_spans(tables: Tables, where: str) -> list[Problem]:
    problems: list[Problem] = []
    for doc in tables["corrections"]:
        start, end = doc.get("start"), doc.get("end")
        if _bad_span(start, end):
            problems.append(
                Problem(
                    ERROR,
                    f"correction '{doc.get('id')}' has an impossible span {start}-{end}",
                    where,
                    FIX_RECORD,
                )
            )
    return problems
