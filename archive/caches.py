"""Read-only results reused until the store tables they come from change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tapelog.archive.models import MediaRecord

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def cached(archive: Archive, key: str, tables: tuple[str, ...], build: Callable[[], Any]) -> Any:
    """``build()`` reused until one of ``tables`` changes (read-only results only)."""
    sig = archive.store.signature(*tables)
    hit = archive._cache.get(key)
    if hit is not None and hit[0] == sig:
        return hit[1]
    value = build()
    archive._cache[key] = (sig, value)
    return value


def media_by_id(archive: Archive) -> dict[str, MediaRecord]:
    """Media records by id for read-only lookups (search parses 10,000 of them once)."""
    return cached(archive, "media", ("media",), lambda: {m.id: m for m in archive.list_media()})
