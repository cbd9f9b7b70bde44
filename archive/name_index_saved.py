"""Reading the saved name index (``archive.name_index_disk`` writes and keys it).

The file is a cache from inside the archive, yet nothing in it is trusted: it must hold
exactly the tables written here (an SQLite file with a view or a trigger is not read,
so no query of ours runs SQL someone else wrote), every row is parsed and checked when
first read (types, target numbers in range, size), and anything else, SQLite's own
errors included, makes the caller build the index from the store instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from tapelog.archive.name_index import Entry, NameIndex, Target

FORMAT = "6"  # bump when the file's layout changes
# NameIndex's lookups, numbered by their place here in the file.
LOOKUPS = ("exact", "sound", "zh", "given", "given_sound", "given_first", "given_token",
           "loose", "given_all", "family")  # fmt: skip
TUPLE_KEYS = frozenset({"sound", "given_sound", "loose"})
SEP = "\x1f"  # joins the syllables of a tuple key
_ROW_MAX = 1 << 20  # characters of one row's JSON: more is not a file written here
SCHEMA = (
    "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE entries (d INTEGER NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, "
    "PRIMARY KEY (d, k)) WITHOUT ROWID",
    "CREATE TABLE targets (i INTEGER PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL, "
    "v TEXT NOT NULL)",
    "CREATE INDEX targets_by_id ON targets (id, type)",
    "CREATE TABLE crowded (k TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE bloom (n INTEGER PRIMARY KEY, bits BLOB NOT NULL)",
)
# A Bloom filter of every (lookup, key): most words of a transcript are no name, and
# the filter says so without a query (about 1% of absent keys still reach the file).
BLOOM_HASHES = 3
BLOOM_BITS_PER_KEY = 12
_BLOOM_MAX = 1 << 28  # bytes


def bloom_positions(number: int, key: str, bits: int) -> list[int]:
    """The filter's bit numbers for one key of one lookup (double hashing)."""
    raw = f"{number}{SEP}{key}".encode("utf-8", "surrogatepass")
    h = int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")
    h1, h2 = h & 0xFFFFFFFF, (h >> 32) | 1
    return [(h1 + i * h2) % bits for i in range(BLOOM_HASHES)]


class BadIndexFile(Exception):
    """The saved file is not one this module wrote for these records."""


def _strs(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _json(text: Any) -> Any:
    if not isinstance(text, str) or len(text) > _ROW_MAX:
        raise BadIndexFile("a row that is not short text")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadIndexFile("a row that is not JSON") from exc


_SPLITS: dict[str, tuple[str, ...]] = {}  # family names and syllables repeat: split once


def _split(text: str) -> tuple[str, ...]:
    found = _SPLITS.get(text)
    if found is None:
        found = tuple(text.split(SEP)) if text else ()
        if len(_SPLITS) < 100_000:
            _SPLITS[text] = found
    return found


def parse_entries(text: Any, targets: int, first: bool) -> list[Any]:
    """One key's entries, written flat: target number, text, kind and family name (its
    tokens joined by ``SEP``) of each, and for ``given_first`` the given name and its
    syllables too. Every value's type is checked, target numbers against the count."""
    data = _json(text)
    width = 6 if first else 4
    if not (isinstance(data, list) and data and len(data) % width == 0):
        raise BadIndexFile("entries that are not a list")
    out: list[Any] = []
    for i in range(0, len(data), width):
        ti, name, kind, family = data[i : i + 4]
        if not (type(ti) is int and 0 <= ti < targets and type(name) is str
                and type(kind) is str and type(family) is str):  # fmt: skip
            raise BadIndexFile("an entry of the wrong types")
        entry = Entry(ti, name, kind, _split(family))
        if first:
            gkey, gsyl = data[i + 4], data[i + 5]
            if not (type(gkey) is str and type(gsyl) is str):
                raise BadIndexFile("a given name of the wrong types")
            out.append((entry, gkey, _split(gsyl)))
        else:
            out.append(entry)
    return out


def parse_target(row: Any) -> Target:
    kind, tid, text = row
    data = _json(text)
    if not (kind in ("case", "person") and isinstance(tid, str) and isinstance(data, list)
            and len(data) == 4 and isinstance(data[0], str)
            and all(_strs(x) for x in data[1:])):  # fmt: skip
        raise BadIndexFile("a target of the wrong shape")
    label, related, family, near = data
    return Target(kind, tid, label, set(related), tuple(family), tuple(near))


class SavedNameIndex(NameIndex):
    """A ``NameIndex`` read from its saved file, a key at a time.

    Every lookup the scanner makes (``exact.get(key)``, ``targets[i]``, ``key in
    crowded``) is one indexed row, parsed and checked on first use and kept. A row that
    fails its checks (or an SQLite error) builds the index from the store instead, and
    this object answers from that one from then on: it numbers its targets the same way.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        targets: int,
        bloom: bytes,
        rebuild: Callable[[], NameIndex],
    ):
        # No NameIndex.__init__: nothing is built, every lookup reads the file.
        self._conn = conn
        self._bloom = bloom
        self._bloom_bits = len(bloom) * 8
        self._lock = threading.Lock()
        self._count = targets
        self._rebuild = rebuild
        self._full: NameIndex | None = None
        for number, name in enumerate(LOOKUPS):
            setattr(self, name, _Lookup(self, name, number))
        self.targets = cast("list[Target]", _Targets(self))
        self.by_id = cast("dict[tuple[str, str], int]", _ById(self))
        self.crowded = cast("set[str]", _Crowded(self))

    @property
    def full(self) -> NameIndex | None:
        return self._full

    def fall_back(self) -> NameIndex:
        """The file failed a check: build from the store (and save a good file)."""
        if self._full is None:
            self._full = self._rebuild()
            with self._lock:
                self._conn.close()
        return self._full

    def rows(self, sql: str, params: Iterable[Any]) -> list[Any]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(params)).fetchall()
            except (sqlite3.Error, OverflowError) as exc:
                raise BadIndexFile(str(exc)) from exc

    def entries(self, number: int, key: str) -> list[Any] | None:
        bits = self._bloom
        for p in bloom_positions(number, key, self._bloom_bits):
            if not bits[p >> 3] >> (p & 7) & 1:
                return None
        found = self.rows("SELECT v FROM entries WHERE d = ? AND k = ?", (number, key))
        if not found:
            return None
        first = LOOKUPS[number] == "given_first"
        out = parse_entries(found[0][0], self._count, first)
        if not first:  # their targets are read next (who they name): in one query
            self.prefetch({e.target for e in out})
        return out

    def prefetch(self, numbers: set[int]) -> None:
        memo = cast(_Targets, self.targets)._memo
        wanted = sorted(n for n in numbers if n not in memo)
        for at in range(0, len(wanted), 500):
            part = wanted[at : at + 500]
            marks = ",".join("?" * len(part))
            for i, *row in self.rows(
                f"SELECT i, type, id, v FROM targets WHERE i IN ({marks})", part
            ):
                if i in numbers:
                    memo[i] = parse_target(row)

    def target(self, i: int) -> Target:
        found = self.rows("SELECT type, id, v FROM targets WHERE i = ?", (i,))
        if not found:
            raise BadIndexFile(f"no target {i}")
        return parse_target(found[0])

    def target_number(self, kind: str, tid: str) -> int | None:
        found = self.rows("SELECT i FROM targets WHERE id = ? AND type = ?", (tid, kind))
        if not found:
            return None
        i = found[0][0]
        if type(i) is not int or not 0 <= i < self._count:
            raise BadIndexFile("a target number out of range")
        return i

    def targets_in(self, ids: Iterable[str]) -> list[int]:
        if self._full is not None:
            return self._full.targets_in(ids)
        try:
            return sorted(
                i for tid in set(ids) for kind in ("case", "person")
                if (i := self.target_number(kind, tid)) is not None
            )  # fmt: skip
        except BadIndexFile:
            return self.fall_back().targets_in(ids)


class _View:
    def __init__(self, owner: SavedNameIndex, name: str) -> None:
        self._owner = owner
        self._name = name
        self._memo: dict[Any, Any] = {}

    def _fetch(self, key: Any) -> Any:
        raise NotImplementedError

    def get(self, key: Any, default: Any = None) -> Any:
        full = self._owner.full
        if full is None:
            try:
                if key not in self._memo:
                    self._memo[key] = self._fetch(key)
                value = self._memo[key]
                return default if value is None else value
            except BadIndexFile:
                full = self._owner.fall_back()
        return getattr(full, self._name).get(key, default)

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None


class _Lookup(_View, Mapping[Any, list[Any]]):
    """One of NameIndex's dicts (``exact``, ``sound``...) read from the file."""

    def __init__(self, owner: SavedNameIndex, name: str, number: int) -> None:
        super().__init__(owner, name)
        self._number = number
        self._tuple = name in TUPLE_KEYS

    def _fetch(self, key: Any) -> list[Any] | None:
        if self._tuple:
            if not (isinstance(key, tuple) and all(isinstance(k, str) for k in key)):
                return None
            key = SEP.join(key)
        elif not isinstance(key, str):
            return None
        return self._owner.entries(self._number, key)

    def __iter__(self) -> Iterator[Any]:  # not used while scanning: every key
        full = self._owner.full or self._owner.fall_back()
        return iter(getattr(full, self._name))

    def __len__(self) -> int:
        full = self._owner.full or self._owner.fall_back()
        return len(getattr(full, self._name))


class _Targets(_View):
    def __init__(self, owner: SavedNameIndex) -> None:
        super().__init__(owner, "targets")

    def _fetch(self, key: Any) -> Target:
        if type(key) is not int or not 0 <= key < self._owner._count:
            raise IndexError(key)
        return self._owner.target(key)

    def get(self, key: Any, default: Any = None) -> Any:
        full = self._owner.full
        if full is None:
            try:
                if key not in self._memo:
                    self._memo[key] = self._fetch(key)
                return self._memo[key]
            except BadIndexFile:
                full = self._owner.fall_back()
        return full.targets[key]

    def __getitem__(self, key: Any) -> Target:
        return cast(Target, self.get(key))

    def __len__(self) -> int:
        return self._owner._count


class _ById(_View):
    def __init__(self, owner: SavedNameIndex) -> None:
        super().__init__(owner, "by_id")

    def _fetch(self, key: Any) -> int | None:
        if not (isinstance(key, tuple) and len(key) == 2):
            return None
        return self._owner.target_number(str(key[0]), str(key[1]))


class _Crowded(_View):
    def __init__(self, owner: SavedNameIndex) -> None:
        super().__init__(owner, "crowded")

    def _fetch(self, key: Any) -> bool | None:
        if not isinstance(key, str):
            return None
        return True if self._owner.rows("SELECT 1 FROM crowded WHERE k = ?", (key,)) else None

    def get(self, key: Any, default: Any = None) -> Any:
        full = self._owner.full
        if full is not None:
            return True if key in full.crowded else default
        return super().get(key, default)


@lru_cache(maxsize=1)
def _expected_schema() -> frozenset[tuple[str, str, str, str]]:
    conn = sqlite3.connect(":memory:")
    try:
        for sql in SCHEMA:
            conn.execute(sql)
        return frozenset(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


def open_saved(path: Path, digest: str, rebuild: Callable[[], NameIndex]) -> NameIndex | None:
    """The saved index if it is whole and has this signature; None to build it."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        drop(path)  # a link or a device in its place: never opened
        return None
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               check_same_thread=False)  # fmt: skip
        conn.execute("PRAGMA trusted_schema = OFF")
        schema = frozenset(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        if schema != _expected_schema():
            raise BadIndexFile("not the tables of a saved name index")
        meta = dict(conn.execute("SELECT k, v FROM meta LIMIT 8").fetchall())
        if meta.get("format") != FORMAT or meta.get("signature") != digest:
            conn.close()
            return None  # stale: built again and saved over it
        count = meta.get("targets")
        top = conn.execute("SELECT max(i) FROM targets").fetchone()[0]
        if not (isinstance(count, str) and count.isdigit() and (top or 0) + 1 == int(count)):
            raise BadIndexFile("the targets do not match their count")
        if int(count) == 0:
            raise BadIndexFile("no targets")
        bloom = conn.execute("SELECT bits FROM bloom WHERE n = 0").fetchone()
        if not (bloom and isinstance(bloom[0], bytes) and 0 < len(bloom[0]) <= _BLOOM_MAX):
            raise BadIndexFile("no key filter")
        return SavedNameIndex(conn, int(count), bloom[0], rebuild)
    except (sqlite3.Error, BadIndexFile, ValueError, TypeError):
        if conn is not None:
            conn.close()
        drop(path)
        return None


def drop(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()
