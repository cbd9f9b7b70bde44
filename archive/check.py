"""``tapelog check``: prove an archive is whole, or say exactly what is wrong and how to fix it.

The store, the transcript files and the search index are separate files that crashes,
full disks, copies between machines and hand edits can leave out of step. This module
reads everything (it never writes) and lists problems:

* errors: the archive loses or misreports data until they are fixed (a store file that
  does not parse, a reference to a record that does not exist, a transcript whose
  record or file is gone, a broken line in the middle of a transcript, segments out of
  order or outside their media);
* warnings: tapelog repairs them itself or they need a person's decision (a media file
  moved away, a stale search index, leftovers of a killed process, a half-written last
  line that the next ``transcribe`` cuts off).

``check_archive`` works on an opened ``Archive``; ``check_root`` first checks that the
store files parse at all (a corrupt store cannot be opened) and then opens it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from tapelog.archive.atomic import temp_pid
from tapelog.archive.errors import TapelogError
from tapelog.archive.paths import is_safe_id, shown_id, unsafe_fields
from tapelog.archive.search import index_signature
from tapelog.archive.statuses import TranscriptStatus
from tapelog.archive.store import JOURNAL_NAME, STORE_DIR, TABLES, pid_alive
from tapelog.archive.transcripts import TRANSCRIPTS_DIR, transcript_path

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

ERROR = "error"
WARNING = "warning"

# Whisper's last segment may run a little past the decoded audio; containers round.
DURATION_SLACK_S = 1.0


@dataclass
class Problem:
    """One thing wrong with an archive: how bad, what, where, and what to do about it."""

    severity: str  # error / warning
    what: str
    where: str
    fix: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        fix = f" ({self.fix})" if self.fix else ""
        return f"{self.severity}: {self.where}: {self.what}{fix}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


# --- files that exist whether or not the store opens ---------------------------------


def check_store_files(root: Path) -> list[Problem]:
    """Every table file parses as a JSON object of documents; nothing is left mid-commit."""
    problems: list[Problem] = []
    store_dir = Path(root) / STORE_DIR
    if not store_dir.is_dir():
        return [Problem(ERROR, "no store directory: not a tapelog archive", str(root))]
    for path in sorted(store_dir.glob("*.json")):
        reason = _json_problem(path)
        if reason:
            problems.append(
                Problem(
                    ERROR,
                    f"store file does not parse ({reason})",
                    str(path),
                    "restore a backup with `tapelog restore` (see `tapelog backups`)",
                )
            )
    journal = store_dir / JOURNAL_NAME
    if journal.exists():
        problems.append(
            Problem(
                WARNING,
                "an interrupted multi-table commit is waiting to be finished",
                str(journal),
                "any tapelog command that opens the archive finishes it",
            )
        )
    problems.extend(_leftover_temp_files(Path(root)))
    return problems


def _json_problem(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except json.JSONDecodeError as exc:
        return f"invalid JSON at line {exc.lineno}"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return "not a JSON object of documents"
    return None


def _leftover_temp_files(root: Path) -> list[Problem]:
    """Temp files of atomic writes whose writer is dead (a live writer's are in use)."""
    found: list[Path] = []
    for folder in (root / STORE_DIR, root / TRANSCRIPTS_DIR):
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.tmp-*"):
            pid = temp_pid(path.name)
            if pid is not None and not pid_alive(pid):
                found.append(path)
    for extra in (root / f".{STORE_DIR}.restoring",):
        if extra.exists():
            found.append(extra)
    backups = root / "backups"
    if backups.is_dir():
        found.extend(p for p in backups.glob(".tmp-*"))
    return [
        Problem(
            WARNING,
            "leftover temp file of an interrupted write (the real file is intact)",
            str(p),
            "safe to delete",
        )
        for p in sorted(found)
    ]


# --- the opened archive ---------------------------------------------------------------


def check_root(root: str | Path, *, deep: bool = False) -> list[Problem]:
    """Check the archive at ``root`` without changing it (opening finishes a journal)."""
    from tapelog.archive.service import Archive

    root = Path(root).expanduser()
    problems = check_store_files(root)
    if errors(problems):
        return problems
    try:
        archive = Archive.open(root, create=False)
    except TapelogError as exc:
        return [*problems, Problem(ERROR, f"the archive does not open: {exc}", str(root))]
    try:
        # Opening may have finished a journal or migrated; look at the files again.
        return [*check_store_files(root), *_check_opened(archive, deep=deep)]
    finally:
        archive.close()


def check_archive(archive: Archive, *, deep: bool = False) -> list[Problem]:
    """Every problem of an opened archive, errors first."""
    problems = check_store_files(archive.root)
    if errors(problems):
        return problems
    return _sorted([*problems, *_check_opened(archive, deep=deep)])


# The store's tables as read (TinyDB documents are read-only mappings here).
Tables = Mapping[str, Sequence[Mapping[str, Any]]]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.where))


def _check_opened(archive: Archive, *, deep: bool) -> list[Problem]:
    tables = {name: archive.store.table(name).all() for name in TABLES}
    problems: list[Problem] = _check_ids(archive, tables)
    problems += _check_references(archive, tables)
    problems += _check_media_files(archive, tables["media"], deep=deep)
    problems += _check_transcripts(archive, tables)
    problems += _check_index(archive)
    return _sorted(problems)


def _check_ids(archive: Archive, tables: Tables) -> list[Problem]:
    """Ids that would become paths leading anywhere (``../../x``): hostile or damaged."""
    return [
        Problem(
            ERROR,
            f"{table} record with an unsafe {field} '{shown_id(value)}' (it would name a "
            "file outside the archive; tapelog refuses to read or write it)",
            str(archive.store.table_path(table)),
            "restore a backup with `tapelog restore`, or delete the record",
        )
        for table, field, value in unsafe_fields(tables)
    ]


def _ids(docs: Sequence[Mapping[str, Any]], key: str) -> set[str]:
    return {str(d[key]) for d in docs if d.get(key) is not None}


def _check_references(archive: Archive, tables: Tables) -> list[Problem]:
    problems: list[Problem] = []
    where = str(archive.store.dir)
    media_ids = _ids(tables["media"], "id")
    fix_ref = "restore a backup with `tapelog restore`, or delete the record"

    seen: dict[str, set[str]] = {}
    for table in ("media", "transcripts", "corrections", "tags"):
        key = "id"
        for doc in tables[table]:
            value = doc.get(key)
            if value is None:
                problems.append(Problem(ERROR, f"a {table} record has no id", where, fix_ref))
                continue
            if value in seen.setdefault(table, set()):
                problems.append(
                    Problem(ERROR, f"two {table} records share the id '{value}'", where, fix_ref)
                )
            seen[table].add(value)

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
                        fix_ref,
                    )
                )

    # Cases and people: tags and links name them by id once those tables hold records.
    case_ids = _ids(tables["cases"], "case_id")
    person_ids = _ids(tables["people"], "person_id")
    tag_ids = _ids(tables["tags"], "id")
    link_ids = _ids(tables["links"], "link_id")
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
        if not _is_num(start) or not _is_num(end) or start < 0 or end < start:
            problems.append(
                Problem(ERROR, f"tag '{tid}' has an impossible span {start}-{end}", where, fix_ref)
            )
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
                    fix_ref,
                )
            )
    for doc in tables.get("selections", []):
        # An editor's saved quotes: a dangling one only shows when the selects export.
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
            elif not _is_num(start) or not _is_num(end) or start < 0 or end <= start:
                problems.append(
                    Problem(
                        ERROR,
                        f"selection '{name}' quote {n} has an impossible span {start}-{end}",
                        where,
                        fix_ref,
                    )
                )
    for doc in tables["corrections"]:
        start, end = doc.get("start"), doc.get("end")
        if not _is_num(start) or not _is_num(end) or start < 0 or end < start:
            problems.append(
                Problem(
                    ERROR,
                    f"correction '{doc.get('id')}' has an impossible span {start}-{end}",
                    where,
                    fix_ref,
                )
            )
    return problems


def _is_num(x: object) -> TypeGuard[float]:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _check_media_files(
    archive: Archive, media_docs: Sequence[Mapping[str, Any]], *, deep: bool
) -> list[Problem]:
    problems: list[Problem] = []
    for doc in media_docs:
        path = Path(str(doc.get("path", "")))
        if not path.is_file():
            problems.append(
                Problem(
                    WARNING,
                    f"the file of {doc.get('id')} is missing (moved or deleted?)",
                    str(path),
                    "run `tapelog relink FOLDER` on the folder that holds it now",
                )
            )
            continue
        if deep:
            from tapelog.media.fingerprint import fingerprint

            try:
                now = fingerprint(path)
            except TapelogError as exc:
                problems.append(Problem(WARNING, f"cannot fingerprint: {exc}", str(path)))
                continue
            if now != doc.get("fingerprint"):
                problems.append(
                    Problem(
                        ERROR,
                        f"the file of {doc.get('id')} has changed since it was imported "
                        "(another file now has its name?)",
                        str(path),
                        "put the original back, or `tapelog relink` to where it is now",
                    )
                )
    return problems


def _scan_lines(path: Path) -> tuple[list[dict[str, Any]], str | None, bool]:
    """Parsed lines, a problem in the middle (error) and whether the last line is torn."""
    raw = path.read_bytes()
    records: list[dict[str, Any]] = []
    lines = raw.split(b"\n")
    torn = lines[-1] != b""  # no newline at the end: a write the process never finished
    body = lines[:-1]
    for n, line in enumerate(body, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("not an object")
            records.append(rec)
        except ValueError:
            return records, f"line {n} is broken; the segments after it are not read", torn
    return records, None, torn


def _check_transcripts(archive: Archive, tables: Tables) -> list[Problem]:
    problems: list[Problem] = []
    root = archive.root
    records = {d.get("id"): d for d in tables["transcripts"]}
    media = {d.get("id"): d for d in tables["media"]}

    for mdoc in tables["media"]:
        tid = mdoc.get("transcript_id")
        if not tid:
            continue
        rec = records.get(tid)
        if rec is None:
            problems.append(
                Problem(
                    ERROR,
                    f"media {mdoc.get('id')} says its transcript is '{tid}', which has no record",
                    str(archive.store.dir),
                    f"restore a backup, or `tapelog transcribe {mdoc.get('id')} --force`",
                )
            )
        elif rec.get("media_id") != mdoc.get("id"):
            problems.append(
                Problem(
                    ERROR,
                    f"media {mdoc.get('id')} uses transcript '{tid}' of {rec.get('media_id')}",
                    str(archive.store.dir),
                    "restore a backup",
                )
            )

    for tid, rec in records.items():
        mid = rec.get("media_id")
        if not (is_safe_id(tid) and is_safe_id(mid)):
            continue  # reported by _check_ids; its "file" is never looked at
        path = transcript_path(root, mid, tid)
        if not path.is_file():
            done = rec.get("status") == TranscriptStatus.DONE
            if done or media.get(mid, {}).get("transcript_id") == tid:
                problems.append(
                    Problem(
                        ERROR,
                        f"the segments of transcript {tid} ({mid}) are missing",
                        str(path),
                        f"restore the file from a copy, or `tapelog transcribe {mid} --force`",
                    )
                )
            continue
        problems += _check_segments(path, rec, media.get(mid))

    folder = root / TRANSCRIPTS_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*/*.jsonl")):
            tid, mid = path.stem, path.parent.name
            rec = records.get(tid)
            if rec is None or rec.get("media_id") != mid:
                problems.append(
                    Problem(
                        WARNING,
                        "transcript file with no record in the store (left by an "
                        "interrupted or restored run)",
                        str(path),
                        "harmless; delete it or restore the backup it belongs to",
                    )
                )
    return problems


def _check_segments(
    path: Path, rec: Mapping[str, Any], media: Mapping[str, Any] | None
) -> list[Problem]:
    problems: list[Problem] = []
    try:
        lines, broken, torn = _scan_lines(path)
    except OSError as exc:
        return [Problem(ERROR, f"cannot read transcript: {exc.strerror or exc}", str(path))]
    if broken:
        problems.append(
            Problem(ERROR, broken, str(path), f"re-transcribe with --force ({rec.get('id')})")
        )
    if torn:
        done = rec.get("status") == TranscriptStatus.DONE
        problems.append(
            Problem(
                ERROR if done else WARNING,
                "the last line was cut off by an interrupted write",
                str(path),
                "the next `tapelog transcribe` of this media cuts it off and resumes"
                if not done
                else "re-transcribe with --force",
            )
        )
    durations = [rec.get("duration") or 0.0]
    if media is not None:
        durations.append(((media.get("info") or {}).get("duration")) or 0.0)
    limit = max(d for d in durations if _is_num(d)) + DURATION_SLACK_S
    prev = -1.0
    for n, seg in enumerate(lines, start=1):
        start, end = seg.get("start"), seg.get("end")
        if not _is_num(start) or not _is_num(end) or start < 0 or end < start:
            problems.append(
                Problem(ERROR, f"segment {n} has an impossible span {start}-{end}", str(path))
            )
            break
        if start < prev - 1e-6:
            problems.append(
                Problem(ERROR, f"segment {n} starts before the one above it", str(path))
            )
            break
        if limit > DURATION_SLACK_S and end > limit:
            problems.append(
                Problem(
                    ERROR,
                    f"segment {n} ends at {end:.2f} s, past the end of its media "
                    f"({limit - DURATION_SLACK_S:.2f} s): the transcript belongs to another file?",
                    str(path),
                    f"re-transcribe with --force ({rec.get('media_id')})",
                )
            )
            break
        prev = start
    return problems


def _check_index(archive: Archive) -> list[Problem]:
    """Compare the index's signatures with what ``Archive.sync_index`` would want."""
    from tapelog.archive.index import INDEX_DIR, INDEX_NAME

    path = archive.root / INDEX_DIR / INDEX_NAME
    if not path.exists():
        return []  # never built (no search yet): built on the first search, not a problem
    wanted = index_signatures_wanted(archive)
    try:
        have = archive.index.signatures()
    except Exception as exc:  # noqa: BLE001 - sqlite errors of a broken cache file
        return [
            Problem(
                WARNING,
                f"the search index cannot be read ({exc})",
                str(path),
                "run `tapelog reindex`",
            )
        ]
    stale = sorted(m for m, sig in wanted.items() if have.get(m) != sig)
    gone = sorted(set(have) - set(wanted))
    if not stale and not gone:
        return []
    parts = []
    if stale:
        parts.append(f"{len(stale)} media not indexed as they are now ({', '.join(stale[:5])})")
    if gone:
        parts.append(f"{len(gone)} media indexed that are gone ({', '.join(gone[:5])})")
    return [
        Problem(
            WARNING,
            "the search index is stale: " + "; ".join(parts),
            str(path),
            "it catches up on the next search, or now with `tapelog reindex`",
        )
    ]


def index_signatures_wanted(archive: Archive) -> dict[str, str]:
    """The per-media signatures ``Archive.sync_index`` would store, computed the same way."""
    corr: dict[str, list[str]] = {}
    for d in archive.store.table("corrections").all():
        corr.setdefault(d["media_id"], []).append(d["created"])
    wanted: dict[str, str] = {}
    for media in archive.list_media():
        cs = corr.get(media.id, [])
        sig = index_signature(archive, media, f"{len(cs)}:{max(cs) if cs else ''}")
        if sig is not None:
            wanted[media.id] = sig
    return wanted
