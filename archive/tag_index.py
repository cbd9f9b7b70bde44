"""Tagged spans by the case, person or theme they name, kept between processes.

``search --case`` (or ``--person``, ``--theme``) needs the passages tagged with one
record, but finding them read and parsed every tag: 0.3-0.5 s of CPU per search at
10,000 hours (30,000 tags), and a theme filter read them all twice (once more to know
the themes in use). The spans of every case, person and theme are derived from the raw
tag documents once and kept by ``derived_cache`` (``index/tag_spans.json``, keyed by
the tags table's files, so never stale) and in memory; a filter looks one up.

Only the entry a filter uses is checked in full when read back (every number, every
file id): anything unexpected there and the caller reads the tags instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tapelog.archive import derived_cache

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

NAME = "tag_spans"
VERSION = 1
KINDS = {"case": "cases", "person": "people", "theme": "themes"}

Entry = dict[str, list[float]]  # media id -> start, end, start, end...
Index = dict[str, dict[str, Entry]]  # kind -> key -> entry


def tag_index(archive: Archive) -> Index:
    """Every case's, person's and theme's tagged spans, unmerged, by media file.

    Inside a transaction the tags may hold writes not yet committed (or never to be):
    built from them for the caller, never kept.
    """
    if archive.store._txn_tables() is not None:
        return _build(archive)
    return derived_cache.derived(
        archive, NAME, VERSION, ("tags",), lambda: _build(archive), lambda x: x, _load
    )


def _build(archive: Archive) -> Index:
    out: Index = {kind: {} for kind in KINDS}
    for doc in archive.store.table("tags").all():
        mid, start, end = doc.get("media_id"), doc.get("start"), doc.get("end")
        if not isinstance(mid, str) or not _number(start) or not _number(end):
            continue
        span = (float(start), float(end))  # type: ignore[arg-type]
        for kind, field in KINDS.items():
            for key in doc.get(field) or []:
                if isinstance(key, str):
                    out[kind].setdefault(key, {}).setdefault(mid, []).extend(span)
    return out


def _number(x: Any) -> bool:
    return type(x) in (int, float)


def _load(data: Any) -> Index | None:
    """Only the shape is checked here; each entry when it is used (``entry``)."""
    if not isinstance(data, dict) or set(data) != set(KINDS):
        return None
    if not all(isinstance(v, dict) for v in data.values()):
        return None
    return data


def entry(index: Index, kind: str, key: str) -> list[tuple[str, float, float]]:
    """(media id, start, end) of the tags naming ``key``; ValueError if damaged."""
    found = index[kind].get(key, {})
    if not isinstance(found, dict):
        raise ValueError(f"tag index entry {kind} {key!r} is not a mapping")
    out: list[tuple[str, float, float]] = []
    for mid, flat in found.items():
        if not isinstance(mid, str) or not isinstance(flat, list) or len(flat) % 2:
            raise ValueError(f"tag index entry {kind} {key!r} is damaged")
        if not all(_number(x) for x in flat):
            raise ValueError(f"tag index entry {kind} {key!r} holds a non-number")
        out += [(mid, float(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]
    return out


def themes_used(index: Index) -> list[str]:
    """The theme names tags carry (as written on them)."""
    return [t for t in index["theme"] if isinstance(t, str)]
