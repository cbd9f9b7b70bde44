"""The sensitive spans that search shows, kept on disk between processes.

Every search marks its hits with the flags of the sensitive spans they touch (the one
rule, ``sensitivity``). Building that map reads every person, tag and link: at 1,000
hours about 60 ms of a ``tapelog search`` process whose goal is 200 ms in all, paid
again by every process though the tables rarely change. So the map is saved next to
the search index, keyed by the store's signature of those three tables (each shard's
size, time and inode), and reused while the signature is the same.

Why this cannot serve a stale map: the signature is taken *before* the tables are read,
so a write that lands while the map is built changes the files after the key was taken
and the next process rebuilds. A copied or restored archive has new inodes and rebuilds.
The file is only a cache: anything unexpected in it (another version, a hand edit, a
hostile archive) is ignored and rebuilt, and a read-only archive simply is not cached.
Exports do not use it: they build the map fresh (``sensitivity.sensitive_map``), so what
leaves the archive never depends on a cache.
"""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive.atomic import write_bytes
from tapelog.archive.index_core import INDEX_DIR
from tapelog.archive.models import SENSITIVE_FLAGS
from tapelog.archive.sensitivity import FlaggedSpan, SensitiveMap, sensitive_map

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

CACHE_NAME = "sensitive.json"
CACHE_VERSION = 1
TABLES = ("people", "tags", "links")
_KEY = "sensitive"


def search_sensitive_map(archive: Archive) -> SensitiveMap:
    """The archive's sensitive spans for search: from memory, from disk, or built."""
    sig = _plain(archive.store.signature(*TABLES))
    hit = archive._cache.get(_KEY)
    if hit is not None and hit[0] == sig:
        return hit[1]
    path = cache_path(archive)
    found = read_cache(path, sig)
    if found is None:
        found = sensitive_map(archive)
        _save(path, sig, found)
    archive._cache[_KEY] = (sig, found)
    return found


def cache_path(archive: Archive) -> Path:
    return archive.root / INDEX_DIR / CACHE_NAME


def _plain(sig: Any) -> Any:
    """The signature as JSON gives it back (tuples become lists), to compare the two."""
    return json.loads(json.dumps(sig))


def _save(path: Path, sig: Any, found: SensitiveMap) -> None:
    doc = {
        "version": CACHE_VERSION,
        "signature": sig,
        "spans": {
            mid: [[s.start, s.end, list(s.flags), list(s.people)] for s in spans]
            for mid, spans in found.spans.items()
        },
    }
    if not path.parent.is_dir():
        return  # no index folder yet: nothing else is cached either
    # A read-only archive (an editor's mount) searches without the cache.
    with contextlib.suppress(OSError):
        write_bytes(path, json.dumps(doc).encode("utf-8"), sync_dir=False)


def read_cache(path: Path, sig: Any) -> SensitiveMap | None:
    """The saved map when it is for exactly ``sig`` and well formed; else None."""
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != CACHE_VERSION:
        return None
    if doc.get("signature") != sig or not isinstance(doc.get("spans"), dict):
        return None
    out = SensitiveMap()
    for mid, rows in doc["spans"].items():
        if not isinstance(rows, list):
            return None
        spans = [_span(row) for row in rows]
        if not isinstance(mid, str) or any(s is None for s in spans):
            return None
        out.spans[mid] = [s for s in spans if s is not None]
    return out


def _span(row: Any) -> FlaggedSpan | None:
    if not isinstance(row, list) or len(row) != 4:
        return None
    start, end, flags, people = row
    if not all(isinstance(t, (int, float)) and math.isfinite(t) for t in (start, end)):
        return None
    if not isinstance(flags, list) or not all(f in SENSITIVE_FLAGS for f in flags):
        return None
    if not isinstance(people, list) or not all(isinstance(p, str) for p in people):
        return None
    return FlaggedSpan(float(start), float(end), tuple(flags), tuple(people))
