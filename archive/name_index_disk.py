"""The name index saved in the archive, so that the next process reuses it.

Building the index of 200,000 case records takes a minute and a half of CPU (every
name's keys, syllables and readings; a 260 MB file), and ``tapelog links suggest`` is a
new process each time. The index is saved as ``index/names.sqlite`` in the archive and
read lazily: scanning an hour of transcript asks for ~30,000 keys, most answered by a
Bloom filter, a few thousand by one indexed row each (0.8 s for the whole process).

It is only a cache of the store, and nothing in it is trusted:

* it is keyed by a signature of the case and people tables (each of their files' time,
  size and inode, as ``Store.signature`` gives them) and of the code that builds the
  index; any other signature and it is built again. The files are read only once the
  file system's clock has passed their newest time (a write within the same clock tick
  could keep a file's signature), and an index whose files changed while they were read
  is not saved;
* nothing in the file is trusted (``archive.name_index_saved`` reads it): anything it
  does not expect, SQLite's own errors included, and the file is dropped: this process
  builds the index from the store and saves it again;
* it is written to a temp file beside it, fsynced, then renamed over the old one, so a
  reader sees one whole file or the other. A read-only archive builds in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive import atomic
from tapelog.archive.index_core import INDEX_DIR
from tapelog.archive.name_index import Entry, NameIndex
from tapelog.archive.name_index_saved import (
    BLOOM_BITS_PER_KEY,
    FORMAT,
    LOOKUPS,
    SCHEMA,
    SEP,
    TUPLE_KEYS,
    bloom_positions,
    drop,
    open_saved,
)
from tapelog.archive.store_files import remove_dead_temps

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

FILE = Path(INDEX_DIR) / "names.sqlite"
_TICK_WAIT_S = 0.5  # a file system clock tick is a few ms; more: a file from the future
_CODE = ("name_index", "names", "pinyin_syllables", "models", "records", "name_index_disk",
         "name_index_saved")  # fmt: skip


# -- the signature ------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    digest: str
    newest_ns: int  # the newest file time among the case and people files


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    from importlib import import_module

    h = hashlib.blake2b(FORMAT.encode(), digest_size=16)
    for name in _CODE:
        module = import_module(f"tapelog.archive.{name}")
        h.update(Path(str(module.__file__)).read_bytes())
    return h.digest()


def signature(archive: Archive) -> Signature:
    """What the saved index is keyed by: the case and people files and this code."""
    files = archive.store.signature("cases", "people")
    h = hashlib.blake2b(_code_digest(), digest_size=20)
    h.update(repr(files).encode("utf-8", "surrogatepass"))
    times = [f[1] for f in files if len(f) > 2 and isinstance(f[1], int)]
    return Signature(h.hexdigest(), max(times, default=0))


# -- writing ------------------------------------------------------------------------------


def _entry_row(entry: Entry) -> list[Any]:
    return [entry.target, entry.text, entry.kind, SEP.join(entry.family)]


def _rows(index: NameIndex, bloom: bytearray) -> Iterator[tuple[int, str, str]]:
    """Every key's row, its bits set in ``bloom`` as it goes."""
    dumps = json.dumps
    bits = len(bloom) * 8
    for number, name in enumerate(LOOKUPS):
        lookup: dict[Any, list[Any]] = getattr(index, name)
        for key, found in lookup.items():
            if not found:
                continue
            if name == "given_first":
                data = [x for e, gkey, gsyl in found
                        for x in (*_entry_row(e), gkey, SEP.join(gsyl))]  # fmt: skip
            else:
                data = [x for e in found for x in _entry_row(e)]
            text = SEP.join(key) if name in TUPLE_KEYS else key
            for p in bloom_positions(number, text, bits):
                bloom[p >> 3] |= 1 << (p & 7)
            yield number, text, dumps(data, ensure_ascii=False)


def write(path: Path, index: NameIndex, digest: str) -> None:
    """Write ``index`` into ``path`` (a new, empty file), fsynced."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        for sql in SCHEMA:
            conn.execute(sql)
        keys = sum(len(getattr(index, name)) for name in LOOKUPS)
        bloom = bytearray(max(8, keys * BLOOM_BITS_PER_KEY // 8))
        conn.executemany("INSERT INTO entries VALUES (?, ?, ?)", _rows(index, bloom))
        conn.execute("INSERT INTO bloom VALUES (0, ?)", (bytes(bloom),))
        conn.executemany(
            "INSERT INTO targets VALUES (?, ?, ?, ?)",
            ((i, t.type, t.id, json.dumps([t.label, sorted(t.related), list(t.family),
                                           list(t.near)], ensure_ascii=False))
             for i, t in enumerate(index.targets)),
        )  # fmt: skip
        conn.executemany("INSERT INTO crowded VALUES (?)", ((k,) for k in sorted(index.crowded)))
        meta = {"format": FORMAT, "signature": digest, "targets": str(len(index.targets))}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        conn.commit()
    finally:
        conn.close()
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _start_file(path: Path, mode_like: Path) -> Path | None:
    """A new temp file beside ``path``; None when the archive cannot be written (the
    index is then kept in memory only)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_dead_temps(path.parent)  # of a process killed while it saved one
        fd, tmp = atomic.create_exclusive(path)
        try:
            os.fchmod(fd, atomic.mode_for(path, mode_like))
            return tmp
        finally:
            os.close(fd)
    except OSError:
        return None


def _past(tmp: Path, newest_ns: int) -> bool:
    """Wait (a clock tick, at most ``_TICK_WAIT_S``) until the file system's clock, read
    through ``tmp``'s time, is past ``newest_ns``; False if it never gets there (a file
    from the future)."""
    deadline = time.monotonic() + _TICK_WAIT_S
    while True:
        os.utime(tmp)
        if os.stat(tmp).st_mtime_ns > newest_ns:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)


def build(archive: Archive) -> tuple[NameIndex, Signature | None]:
    """The index from the store, saved when it is safe to; returns it and the signature
    it was built at (None: the tables changed while they were read).

    The files are read only once the file system's clock has passed their newest time:
    a write in that same tick could keep a file's time, size and (a reused) inode, and
    must not be missed. A write during the reading changes the signature: not saved.
    """
    from tapelog.archive.records import list_cases, list_people

    path = archive.root / FILE
    tmp = _start_file(path, archive.store.mode_source)
    try:
        before = signature(archive)
        try:
            ready = tmp is not None and _past(tmp, before.newest_ns)
        except OSError:
            ready = False
        if not ready:
            drop(tmp)
            tmp = None
        index = NameIndex(list_cases(archive), list_people(archive))
        if signature(archive) != before:
            return index, None
        if tmp is not None and index.targets:
            try:
                write(tmp, index, before.digest)
                os.replace(tmp, path)
                tmp = None
            except (OSError, sqlite3.Error):
                pass  # a full disk: the index is used from memory, built again next time
        return index, before
    finally:
        if tmp is not None:
            drop(tmp)


_MEMO: dict[str, tuple[str, NameIndex]] = {}
_MEMO_LOCK = threading.Lock()


def name_index(archive: Archive) -> NameIndex:
    """The name index of this archive's cases and people: this process's, the saved one,
    or built (and saved) when they changed."""
    sig = signature(archive)
    key = str(archive.root)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0] == sig.digest:
            return hit[1]

    def rebuild() -> NameIndex:
        return build(archive)[0]

    index = open_saved(archive.root / FILE, sig.digest, rebuild)
    at: Signature | None = sig
    if index is None:
        index, at = build(archive)
    with _MEMO_LOCK:
        _MEMO.clear()
        if at is not None:
            _MEMO[key] = (at.digest, index)
    return index
