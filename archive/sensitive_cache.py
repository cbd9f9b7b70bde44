"""The sensitive spans that search shows, kept between processes (``derived_cache``).

Every search marks its hits with the flags of the sensitive spans they touch (the one
rule, ``sensitivity``). Building that map reads every person, tag and link: at 1,000
hours about 60 ms of a ``tapelog search`` process whose goal is 200 ms in all. So it is
saved as ``index/sensitive.json``, keyed by those three tables, and every field read
back is checked (a flag outside ``SENSITIVE_FLAGS``, a time that is not a number, makes
the file ignored and the map rebuilt). Exports build the map fresh
(``sensitivity.sensitive_map``): what leaves the archive never depends on a cache.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive import derived_cache
from tapelog.archive.models import SENSITIVE_FLAGS
from tapelog.archive.sensitivity import FlaggedSpan, SensitiveMap, sensitive_map

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

NAME = "sensitive"
VERSION = 1
TABLES = ("people", "tags", "links")


def search_sensitive_map(archive: Archive) -> SensitiveMap:
    """The archive's sensitive spans for search: from memory, from disk, or built."""
    return derived_cache.derived(
        archive, NAME, VERSION, TABLES, lambda: sensitive_map(archive), _dump, _load
    )


def cache_path(archive: Archive) -> Path:
    return derived_cache.cache_path(archive, NAME)


def read_cache(path: Path, sig: Any) -> SensitiveMap | None:
    return derived_cache.read(path, VERSION, sig, _load)


def _dump(found: SensitiveMap) -> dict[str, list[list[Any]]]:
    return {
        mid: [[s.start, s.end, list(s.flags), list(s.people)] for s in spans]
        for mid, spans in found.spans.items()
    }


def _load(data: Any) -> SensitiveMap | None:
    if not isinstance(data, dict):
        return None
    out = SensitiveMap()
    for mid, rows in data.items():
        if not isinstance(mid, str) or not isinstance(rows, list):
            return None
        spans = [_span(row) for row in rows]
        if any(s is None for s in spans):
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
