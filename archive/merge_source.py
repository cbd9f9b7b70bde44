"""Reading another archive to merge: a folder or an ``archive export`` file, trusted in nothing.

The other archive may come from a laptop in the field, a newer tapelog, or someone who
means harm. So it is read, never opened as an archive: nothing is written to it (it may
be on a read-only drive), its unfinished journal is applied in memory only, its schema
is checked and migrated in memory, every id that would become a path is checked, and a
transcript file is read only as a plain file inside its own folder.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tapelog.archive.errors import StoreError, UsageError
from tapelog.archive.paths import is_safe_id
from tapelog.archive.shard_layout import read_tables
from tapelog.archive.store import (
    JOURNAL_NAME,
    LOCK_NAME,
    MIGRATIONS,
    MOVES_KEY,
    SCHEMA_VERSION,
    STORE_DIR,
    TABLES,
    _schema_version,
    _set_schema_version,
)
from tapelog.archive.store_files import DELETES_KEY
from tapelog.archive.transcripts import TRANSCRIPTS_DIR, _good_lines
from tapelog.transcribe.types import Segment

# A transcript file larger than this is refused rather than read into memory.
MAX_TRANSCRIPT_BYTES = 256 << 20


class MergeSourceError(StoreError):
    """The archive to merge cannot be read safely (damaged, newer, hostile)."""


def safe_id(value: Any, what: str) -> str:
    """An id that may become a file or folder name: letters, digits, ``-``/``_`` only."""
    if not is_safe_id(value):
        shown = repr(value)[:60]
        raise MergeSourceError(f"the other archive has an unsafe {what} id {shown}; nothing merged")
    return value


@dataclass
class Source:
    """The other archive's tables (raw dicts, migrated) and a way to read its transcripts."""

    label: str
    tables: dict[str, list[dict[str, Any]]]
    schema: int
    root: Path | None = None  # a folder source
    members: dict[str, bytes] = field(default_factory=dict)  # an export file's transcripts

    def transcript_bytes(self, media_id: str, transcript_id: str) -> bytes | None:
        """The raw JSONL of one transcript, or None if the other archive lacks it."""
        safe_id(media_id, "media")
        safe_id(transcript_id, "transcript")
        rel = f"{TRANSCRIPTS_DIR}/{media_id}/{transcript_id}.jsonl"
        if self.root is None:
            return self.members.get(rel)
        return _read_plain_file(self.root / rel)

    def segments(self, media_id: str, transcript_id: str) -> list[Segment] | None:
        """Its segments, each checked; a line that is not a segment refuses the merge."""
        raw = self.transcript_bytes(media_id, transcript_id)
        if raw is None:
            return None
        records, _end = _good_lines(raw)
        out = []
        for rec in records:
            try:
                seg = Segment.from_dict(rec)
                ok = isinstance(seg.text, str) and 0 <= seg.start <= seg.end < 1e7
            except (TypeError, ValueError, KeyError, AttributeError):
                ok = False
            if not ok:
                raise MergeSourceError(
                    f"transcript {transcript_id} of {media_id} in the other archive has a "
                    "line that is not a segment; nothing merged"
                )
            out.append(seg)
        return out


def _read_plain_file(path: Path) -> bytes | None:
    """Read a regular file without following a link; None if it is not there."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise MergeSourceError(
            f"cannot read (a link or not a plain file?): {exc.strerror}", path=str(path)
        ) from exc
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not _is_regular(st.st_mode):
            raise MergeSourceError("not a plain file", path=str(path))
        if st.st_size > MAX_TRANSCRIPT_BYTES:
            raise MergeSourceError("transcript file too large to merge", path=str(path))
        return fh.read(MAX_TRANSCRIPT_BYTES + 1)


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


def _parse_table(name: str, text: str | bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MergeSourceError(
            f"the other archive's {name} table is not valid JSON; nothing merged", path=where
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and k.isdigit() and isinstance(v, dict) for k, v in data.items()
    ):
        raise MergeSourceError(
            f"the other archive's {name} table is not a table of records; nothing merged",
            path=where,
        )
    return data


def _finish(label: str, raw: dict[str, dict[str, Any]], where: str) -> dict[str, Any]:
    """Check the schema and bring an older one up to date, in memory."""
    schema = _schema_version(raw.get("meta", {}))
    if schema > SCHEMA_VERSION:
        raise MergeSourceError(
            f"the other archive was written by a newer tapelog (schema {schema}, this one "
            f"knows {SCHEMA_VERSION}); upgrade tapelog here first; nothing merged",
            path=where,
        )
    data = copy.deepcopy(raw)
    for version in sorted(v for v in MIGRATIONS if v > schema):
        MIGRATIONS[version][1](data)
        _set_schema_version(data["meta"], version)
    return {name: list(data.get(name, {}).values()) for name in TABLES} | {"_schema": schema}


def read_folder(root: Path) -> Source:
    """Read an archive folder as it is committed (its unfinished journal applied in memory)."""
    store = root / STORE_DIR
    if not store.is_dir():
        raise UsageError("not a tapelog archive (no store/ folder)", path=str(root))
    lock = FileLock(str(root / LOCK_NAME), thread_local=False)
    held = False
    # A consistent snapshot if we may take its lock; a read-only folder is read as is.
    with contextlib.suppress(OSError, Timeout):
        lock.acquire(timeout=10)
        held = True
    try:
        overlay: dict[str, str] = {}
        deleted: list[str] = []
        journal = _read_plain_file(store / JOURNAL_NAME)
        if journal is not None:
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                pending = json.loads(journal)
                if isinstance(pending, dict) and not pending.get(MOVES_KEY):
                    deleted = [d for d in pending.pop(DELETES_KEY, []) if isinstance(d, str)]
                    overlay = {k: v for k, v in pending.items() if isinstance(v, str)}
                elif isinstance(pending, dict):
                    raise MergeSourceError(
                        "the other archive has an unfinished write; open it with tapelog "
                        "once (`tapelog --archive OTHER check`) and merge again",
                        path=str(root),
                    )
        raw = read_tables(
            store,
            lambda rel: _read_plain_file(store / f"{rel}.json"),
            _parse_table,
            overlay,
            deleted,
        )
    finally:
        if held:
            lock.release()
    tables = _finish(str(root), raw, str(root))
    schema = tables.pop("_schema")
    return Source(str(root), tables, schema, root=root)


def read_export(file: Path) -> Source:
    """Read an ``archive export`` file after checking every checksum and member name."""
    from tapelog.archive.portable import MANIFEST, TOP, _members, _open_tar, verify_export

    manifest = verify_export(file)
    if int(manifest.get("schema_version") or 0) > SCHEMA_VERSION:
        raise MergeSourceError(
            f"the export was written by a newer tapelog (schema {manifest['schema_version']}, "
            f"this one knows {SCHEMA_VERSION}); upgrade tapelog here first; nothing merged",
            path=str(file),
        )
    raw: dict[str, dict[str, Any]] = {}
    members: dict[str, bytes] = {}
    with _open_tar(file) as tar:
        for rel, member in _members(tar, file).items():
            if rel == MANIFEST:
                continue
            fh = tar.extractfile(member)
            if fh is None:  # pragma: no cover - _members allows plain files only
                continue
            if member.size > MAX_TRANSCRIPT_BYTES:
                raise MergeSourceError(f"member {rel} too large to merge", path=str(file))
            data = fh.read()
            if rel.startswith(f"{STORE_DIR}/"):
                name = rel.split("/", 1)[1][: -len(".json")]
                if name in TABLES:
                    raw[name] = _parse_table(name, data, f"{file}:{TOP}/{rel}")
            else:
                members[rel] = data
    tables = _finish(str(file), raw, str(file))
    schema = tables.pop("_schema")
    return Source(str(file), tables, schema, members=members)


def read_source(other: str | Path, target_root: Path) -> Source:
    """The archive to merge, from a folder or an export file; refuses the archive itself."""
    path = Path(other).expanduser()
    if not path.exists():
        raise UsageError("no such archive folder or export file", path=str(path))
    if path.is_dir():
        with contextlib.suppress(OSError):
            if path.resolve() == target_root.resolve() or path.samefile(target_root):
                raise UsageError(
                    "cannot merge an archive into itself (give another archive's folder "
                    "or export file)",
                    path=str(path),
                )
        return read_folder(path)
    try:
        return read_export(path)
    except tarfile.TarError as exc:  # pragma: no cover - portable turns these into errors
        raise MergeSourceError(f"not a tapelog export ({exc})", path=str(path)) from exc
