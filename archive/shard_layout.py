"""Where a record of a sharded table lives: key hashes, shard names, depths, files.

See ``archive.shards`` for why the tables that grow are kept in shards. This module
holds the layout rules that readers outside the store (a merge reading another
archive's folder, backups, summaries) need without a ``Store``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

# Tables that grow with the archive -> the field their documents are found by.
SHARDED: dict[str, str] = {
    "media": "id",
    "transcripts": "id",
    "corrections": "id",
    "speakers": "media_id",
    "cases": "case_id",
    "people": "person_id",
    "tags": "id",
    "links": "link_id",
}
ID_BITS = 52
PROBE_BITS = 16
MAX_DEPTH = ID_BITS - PROBE_BITS
SPLIT_AT = 96  # documents in one shard before the table is split in two
# Media records are large (streams, timecode, status): smaller shards keep their writes
# as cheap at 10,000 files as at 10 (bench_writes).
SPLIT_AT_BY_TABLE = {"media": 24}


def split_at(table: str) -> int:
    return SPLIT_AT_BY_TABLE.get(table, SPLIT_AT)


LAYOUT_KEY = "shards:"


def key_hash(value: Any) -> int:
    """A document id for a key: 52 bits of BLAKE2b, the low 16 bits left for probing."""
    raw = str(value).encode("utf-8", "surrogatepass")
    h = int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big") >> (64 - ID_BITS)
    return h & ~((1 << PROBE_BITS) - 1)


def shard_of(doc_id: int, depth: int) -> int:
    return doc_id >> (ID_BITS - depth) if depth > 0 else 0


def shard_name(table: str, depth: int, index: int) -> str:
    return f"{table}/{depth}-{index:x}"


def shard_files(table_dir: Path, depth: int) -> list[str]:
    """Names (``3-5``) of a table's shard files of one depth that exist on disk."""
    try:
        names = os.listdir(table_dir)
    except (FileNotFoundError, NotADirectoryError):
        return []
    prefix = f"{depth}-"
    return sorted(n[:-5] for n in names if n.startswith(prefix) and n.endswith(".json"))


def file_stat(file: str, path: str) -> tuple[Any, ...]:
    """A store file's row of ``Store.signature``: its time, size and inode (None: gone)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (file, None)
    return (file, st.st_mtime_ns, st.st_size, st.st_ino)


def shard_stats(table_dir: Path, table: str, depth: int) -> list[tuple[Any, ...]]:
    """``file_stat`` of a table's shards of one depth, in ``shard_files``' order: the
    folder listed once, no path object per file (4,096 shards at 200,000 cases: half
    the CPU of a path and a stat each)."""
    prefix = f"{depth}-"
    try:
        with os.scandir(table_dir) as entries:
            found = sorted((e.name[:-5], e.path) for e in entries
                           if e.name.startswith(prefix) and e.name.endswith(".json"))  # fmt: skip
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [file_stat(f"{table}/{shard}", path) for shard, path in found]


def depth_in(meta: Mapping[str, Any], table: str) -> int:
    """A table's shard depth as the meta table records it (0: one shard)."""
    key = LAYOUT_KEY + table
    for doc in meta.values():
        if isinstance(doc, dict) and doc.get("key") == key:
            depth = doc.get("depth")
            return depth if isinstance(depth, int) and 0 <= depth <= MAX_DEPTH else 0
    return 0


def with_depth(meta: Mapping[str, Any], table: str, depth: int) -> dict[str, Any]:
    """A copy of the meta table recording ``depth`` for ``table``."""
    out = dict(meta)
    key = LAYOUT_KEY + table
    for doc_id, doc in out.items():
        if isinstance(doc, dict) and doc.get("key") == key:
            out[doc_id] = {**doc, "depth": depth}
            return out
    next_id = max((int(k) for k in out), default=0) + 1
    out[str(next_id)] = {"key": key, "depth": depth}
    return out


def key_in_query(cond: Any, field: str) -> str | None:
    """The key value a TinyDB query pins (``Q.id == "t1"``, alone or in an ``&``), if any."""
    h = getattr(cond, "_hash", None)
    if not isinstance(h, tuple) or len(h) < 2:
        return None
    if h[0] == "==" and len(h) == 3 and h[1] == (field,) and isinstance(h[2], str):
        return h[2]
    if h[0] == "and" and isinstance(h[1], frozenset):
        for part in h[1]:
            if (
                isinstance(part, tuple)
                and len(part) == 3
                and part[0] == "=="
                and part[1] == (field,)
                and isinstance(part[2], str)
            ):
                return part[2]
    return None


def read_tables(
    store_dir: Path,
    read: Callable[[str], str | bytes | None],
    parse: Callable[[str, str | bytes, str], dict[str, Any]],
    overlay: Mapping[str, str] | None = None,
    deleted: Iterable[str] = (),
) -> dict[str, dict[str, Any]]:
    """Every table of a store folder that is not ours to open (another archive, for a merge).

    Reads each table whatever its layout (one file, shards of the depth its meta
    gives), with an unfinished journal's texts (``overlay``, by file name) laid over
    the files and its deleted shards left out. ``read(name)`` returns a file's text
    or None; ``parse(table, text, where)`` checks and parses it.
    """
    from tapelog.archive.store_files import TABLES

    overlay = dict(overlay or {})
    gone = set(deleted)

    def load(rel: str) -> dict[str, Any] | None:
        if rel in gone:
            return None
        text: str | bytes | None = overlay.get(rel)
        if text is None:
            text = read(rel)
        return (
            None if text is None else parse(rel.split("/")[0], text, str(store_dir / f"{rel}.json"))
        )

    raw: dict[str, dict[str, Any]] = {}
    meta = load("meta")
    if meta is not None:
        raw["meta"] = meta
    for name in TABLES[1:]:
        own = load(name)
        merged = dict(own or {})
        found = own is not None
        if name in SHARDED:
            depth = depth_in(raw.get("meta", {}), name)
            prefix = f"{name}/{depth}-"
            names = {f"{name}/{n}" for n in shard_files(store_dir / name, depth)}
            names.update(rel for rel in overlay if rel.startswith(prefix))
            for rel in sorted(names):
                shard = load(rel)
                if shard is not None:
                    merged.update(shard)
                    found = True
        if found:
            raw[name] = merged
    return raw
