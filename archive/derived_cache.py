"""Results derived from store tables, kept on disk between processes and in memory.

Some answers read a whole growing table though they are small and change rarely: the
sensitive spans every search marks its hits with (all people, tags and links), the
number of tags per file the Library shows (30,000 tags at 10,000 hours). Each process
used to read those tables again: ~60 ms of every ``tapelog search`` at 1,000 hours and
~0.5 s of the TUI's first paint at 10,000 hours. Such a result is saved as
``index/<name>.json`` (the index folder holds only caches), keyed by the store's
signature of the tables it comes from (each shard's size, time and inode).

Why a saved result cannot be stale: the signature is taken *before* the tables are
read, so a write that lands while the result is built changes the files after the key
was taken and the next reader rebuilds; a copied or restored archive has new inodes and
rebuilds. Anything unexpected in the file (another version, a hand edit, a hostile
archive) is refused by the caller's ``load`` and rebuilt; a read-only archive is simply
not cached. Exports do not use these files: what leaves the archive is built fresh.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tapelog.archive.atomic import atomic_file
from tapelog.archive.index_core import INDEX_DIR

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

T = TypeVar("T")


def cache_path(archive: Archive, name: str) -> Path:
    return archive.root / INDEX_DIR / f"{name}.json"


def signature(archive: Archive, tables: tuple[str, ...]) -> Any:
    """The store's signature of ``tables`` as JSON gives it back (tuples become lists)."""
    return json.loads(json.dumps(archive.store.signature(*tables)))


def derived(
    archive: Archive,
    name: str,
    version: int,
    tables: tuple[str, ...],
    build: Callable[[], T],
    dump: Callable[[T], Any],
    load: Callable[[Any], T | None],
) -> T:
    """``build()``'s result for the tables as they are now: from memory, disk, or built.

    ``dump`` turns the result into JSON data; ``load`` turns that back, or gives None
    for anything it does not fully trust (then the result is built again).
    """
    sig = signature(archive, tables)
    hit = archive._cache.get(name)
    if hit is not None and hit[0] == sig:
        return hit[1]
    path = cache_path(archive, name)
    value = read(path, version, sig, load)
    if value is None:
        value = build()
        if signature(archive, tables) == sig:  # no write landed while it was read
            save(path, version, sig, dump(value))
    archive._cache[name] = (sig, value)
    return value


def read(path: Path, version: int, sig: Any, load: Callable[[Any], T | None]) -> T | None:
    """The saved result when it is for exactly ``sig`` and ``load`` accepts it."""
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != version:
        return None
    if doc.get("signature") != sig or "data" not in doc:
        return None
    try:
        return load(doc["data"])
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


class _SameTick(Exception):
    """The tables' newest file is as new as the file system's clock: not saved."""


def _newest_ns(sig: Any) -> int:
    times = [item[1] for item in sig if isinstance(item, list) and len(item) > 1]
    return max((t for t in times if isinstance(t, int)), default=0)


def save(path: Path, version: int, sig: Any, data: Any) -> None:
    """Save unless a write could still hide behind ``sig``.

    A file's time has the file system clock's tick (a few ms): a second write in the
    same tick, of the same size, into a reused inode, would keep the signature. So the
    result is saved only when the cache file's own time, taken from that clock, is
    past the tables' newest file; otherwise the next reader builds and saves it.
    """
    doc = {"version": version, "signature": sig, "data": data}
    newest = _newest_ns(sig)
    # A read-only archive (an editor's mount) works without the cache.
    with contextlib.suppress(OSError, _SameTick):
        path.parent.mkdir(exist_ok=True)
        with atomic_file(path, sync_dir=False) as fh:
            fh.write(json.dumps(doc).encode("utf-8"))
            fh.flush()
            if os.fstat(fh.fileno()).st_mtime_ns <= newest:
                raise _SameTick
