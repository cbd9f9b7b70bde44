"""The archive's store: TinyDB made safe for several processes, for crashes, and fast.

TinyDB rewrites its whole file in place on every write, with no locking: a crash
mid-write leaves a broken file, two processes lose each other's updates, and every
small edit costs as much as the whole database. Here:

* each small table is its own JSON file under ``store/`` (``meta.json``,
  ``themes.json``...); the tables that grow with the archive (tags, cases, media,
  transcripts, corrections, links, speakers, people) are split into shard files of
  at most about a hundred records (``archive.shards``), so adding a tag rewrites one
  small file whether the archive holds 100 tags or 30,000; bulky transcripts are not
  in the store at all (``archive.transcripts``);
* every write happens inside ``Store.transaction()``, which holds an inter-process
  lock (``filelock``: an ``flock`` the kernel drops when a process dies, so a killed
  writer never leaves a stale lock), sees the newest files, and writes the files it
  changed once, at the end;
* each file is written to a temp file, flushed, fsynced and moved over the old one
  with ``os.replace``; a commit that changes several files first writes a journal
  (itself atomic: the small files' text, or the names of the big commit's fsynced
  temp files), so a crash between two replaces is finished on the next open: all of a
  transaction or none of it;
* a corrupt file is never overwritten: opening it raises ``StoreCorruptError``
  naming the newest backup, and ``restore_backup`` brings one back;
* the schema version lives in the ``meta`` table and registered migrations
  (``archive.store_migrations``) bring an older archive up to date when it is opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tapelog.archive.errors import LockTimeoutError, StoreCorruptError, StoreError
from tapelog.archive.shard_layout import file_stat, shard_stats
from tapelog.archive.shards import SHARDED, ShardedTable, depth_in, shard_files
from tapelog.archive.store_backups import (
    BACKUP_DIR,
    BACKUP_INTERVAL_S,
    BACKUPS_KEPT,
    SUMMARY_TABLES,
    backup_time,
    describe_summary,
    finish_restore,
    list_backups,
    lock_timeout,
    restore_backup,
    store_summary,
    take_backup,
)
from tapelog.archive.store_files import (
    JOURNAL_NAME,
    LOCK_NAME,
    MOVES_KEY,
    STORE_DIR,
    TABLES,
    atomic_write_text,
    dumps,
    fsync_dir,
    os_error,
    pid_alive,
)
from tapelog.archive.store_journal import JOURNAL_TEXTS_MAX, Journal
from tapelog.archive.store_migrations import (
    MIGRATIONS,
    SCHEMA_VERSION,
    migration,
    schema_version_of,
    set_schema_version,
)
from tapelog.archive.store_tables import _Storage, _StorageFactory, _Tables
from tinydb import Query, TinyDB
from tinydb.table import Table

# Names other modules import from here (the store's public face).
__all__ = [
    "BACKUP_DIR",
    "BACKUPS_KEPT",
    "BACKUP_INTERVAL_S",
    "JOURNAL_NAME",
    "LOCK_NAME",
    "MIGRATIONS",
    "MOVES_KEY",
    "SCHEMA_VERSION",
    "STORE_DIR",
    "SUMMARY_TABLES",
    "TABLES",
    "JOURNAL_TEXTS_MAX",
    "Store",
    "atomic_write_text",
    "backup_time",
    "describe_summary",
    "list_backups",
    "lock_timeout",
    "migration",
    "pid_alive",
    "restore_backup",
    "store_summary",
]
_schema_version = schema_version_of
_set_schema_version = set_schema_version
_os_error = os_error
_fsync_dir = fsync_dir


# The table each id prefix names records of (``next_id`` checks a new id is free there).
ID_TABLES = {
    "m": "media",
    "tr": "transcripts",
    "c": "corrections",
    "g": "tags",
    "v": "voices",
    "vm": "voice_matches",
}


class Store(Journal):
    """The TinyDB store of one archive directory."""

    def __init__(self, root: Path, *, create: bool = True) -> None:
        self.root = Path(root)
        self.dir = self.root / STORE_DIR
        self.backup_dir = self.root / BACKUP_DIR
        if self.root.exists() and not self.root.is_dir():
            raise StoreError("not a directory", path=str(self.root))
        finish_restore(self.root)
        if not self.dir.is_dir():
            if not create:
                raise StoreError("no tapelog archive here", path=str(self.root))
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise os_error(exc, self.root) from exc
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(self.root / LOCK_NAME), thread_local=False)
        self._cache: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
        self._txn: _Tables | None = None
        self._txn_owner: int | None = None
        self._last_backup = 0.0
        self._storage = _Storage(self)
        self._db = TinyDB(storage=_StorageFactory(self._storage))
        self._tables: dict[str, Table] = {}
        self._open()

    # -- files

    def table_path(self, name: str) -> Path:
        """The file of a table (``tags``: the old single file) or shard (``tags/3-5``)."""
        return self.dir / f"{name}.json"

    @property
    def mode_source(self) -> Path:
        """The file whose permissions new store files, backups and exports take.

        A crew that made its store private (``chmod 600``) keeps it private: a new
        table, a backup or an archive export is not more readable than this.
        """
        return self.table_path("meta")

    def _load_table(self, name: str) -> dict[str, Any]:
        """Parse a table file, reusing the last parse while the file is unchanged."""
        path = self.table_path(name)
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return {}
        sig = (st.st_mtime_ns, st.st_size, st.st_ino)
        cached = self._cache.get(name)
        if cached is not None and cached[0] == sig:
            return cached[1]
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise self.corrupt_error(path, f"not UTF-8 text ({exc.reason})") from exc
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = "empty file" if not text.strip() else f"invalid JSON at line {exc.lineno}"
            raise self.corrupt_error(path, reason) from exc
        if not isinstance(data, dict):
            raise self.corrupt_error(path, "not a JSON object")
        # Valid JSON of the wrong shape (a hand edit, another tool's file) would fail
        # deep inside TinyDB or a record's parser; say what is wrong and how to restore.
        for key, doc in data.items():
            if not key.isdigit() or not isinstance(doc, dict):
                raise self.corrupt_error(path, f"entry '{key[:40]}' is not a record")
        self._cache[name] = (sig, data)
        return data

    # -- opening and migrations

    def _open(self) -> None:
        if (self.dir / JOURNAL_NAME).exists():
            with self.transaction():
                pass  # the transaction recovers the journal under the lock
        version = schema_version_of(self._load_table("meta"))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"this archive was written by a newer tapelog (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade tapelog",
                path=str(self.root),
            )
        if version < SCHEMA_VERSION:
            self.migrate()
        elif self.legacy_tables():
            # An imported export holds each table as one file: move them into shards.
            # A read-only archive is read as it is (the shards' reader sees them too).
            with contextlib.suppress(StoreError):
                self.migrate()

    def legacy_tables(self) -> list[str]:
        """Growing tables still in one file (an older archive, an imported export)."""
        return [name for name in SHARDED if self.table_path(name).exists()]

    def migrate(self) -> list[str]:
        """Apply the registered migrations the store has not had yet; returns them.

        After any migration (or with a table still in one file) every table is written
        in today's layout: the growing ones as shards, their old files deleted.
        """
        applied: list[str] = []
        with self.transaction():
            txn = self._txn
            assert txn is not None
            data = {name: self._raw(name) for name in TABLES}
            current = schema_version_of(data["meta"])
            for version in sorted(v for v in MIGRATIONS if v > current):
                description, fn = MIGRATIONS[version]
                fn(data)
                set_schema_version(data["meta"], version)
                applied.append(f"{version}: {description}")
            if applied or self.legacy_tables():
                txn["meta"] = data.pop("meta")
                for name, table in data.items():
                    if name in SHARDED:
                        self.table(name).replace_all(table.values())  # type: ignore[attr-defined]
                    else:
                        txn[name] = table
        return applied

    def _raw(self, name: str) -> dict[str, Any]:
        """A table's documents by id, whatever its layout (call inside a transaction)."""
        if name in SHARDED:
            return {k: dict(v) for k, v in self.table(name)._read_table().items()}
        txn = self._txn
        assert txn is not None
        return txn[name]

    @property
    def schema_version(self) -> int:
        return schema_version_of(self._load_table("meta"))

    def corrupt_error(self, path: Path, reason: str) -> StoreCorruptError:
        newest = self.backups()[:1]
        hint = (
            f"restore the newest backup with `tapelog restore` ({newest[0].name})"
            if newest
            else "no automatic backup exists yet; restore it from your own copy"
        )
        return StoreCorruptError(
            f"the archive store is corrupt ({reason}); it was left untouched. {hint}",
            path=str(path),
        )

    # -- tables

    def table_files(self, name: str) -> list[str]:
        """The files a table is read from now: its own, or its shards of today's depth."""
        files = [name] if self.table_path(name).exists() or name not in SHARDED else []
        if name in SHARDED:
            depth = depth_in(self._load_table("meta"), name)
            files += [f"{name}/{n}" for n in shard_files(self.dir / name, depth)]
        return files

    def signature(self, *names: str) -> tuple[Any, ...]:
        """Cheap change detector for some tables: each of their files' time, size and
        inode (``table_files``'s files; a sharded table's folder listed once)."""
        out: list[Any] = []
        for name in names:
            legacy = name not in SHARDED or self.table_path(name).exists()
            found = [file_stat(name, str(self.table_path(name)))] if legacy else []
            if name in SHARDED:
                depth = depth_in(self._load_table("meta"), name)
                found += shard_stats(self.dir / name, name, depth)
            out += found or [(name, None)]
        return tuple(out)

    def table(self, name: str) -> Table:
        """A TinyDB table with its query cache off (other processes may have written)."""
        if name not in self._tables:
            if name in SHARDED:
                self._tables[name] = ShardedTable(self._storage, name, SHARDED[name])
            else:
                self._tables[name] = self._db.table(name, cache_size=0)
        return self._tables[name]

    def table_text(self, name: str) -> bytes:
        """One table as one JSON file (an export's layout, whatever the store's)."""
        return dumps(dict(self.table(name)._read_table())).encode("utf-8")

    # -- transactions

    def _txn_tables(self) -> _Tables | None:
        if self._txn_owner == threading.get_ident():
            return self._txn
        return None

    @contextlib.contextmanager
    def transaction(self, timeout: float | None = None) -> Iterator[Store]:
        """Hold the writer lock; every write inside is saved at the end, all or nothing.

        If the block raises, nothing is written. Nested calls join the outer one.
        """
        if self._txn_owner == threading.get_ident():
            yield self
            return
        wait = lock_timeout() if timeout is None else timeout
        if not self._thread_lock.acquire(timeout=wait):
            raise LockTimeoutError(
                f"another task in this program has held the archive for {wait:.0f} s",
                path=str(self.root),
            )
        try:
            self._acquire_file_lock(wait)
            try:
                yield from self._run_transaction()
            finally:
                self._file_lock.release()
        finally:
            self._thread_lock.release()

    def _acquire_file_lock(self, wait: float) -> None:
        try:
            self._file_lock.acquire(timeout=wait)
        except Timeout as exc:
            raise LockTimeoutError(
                f"another tapelog process has been writing for over {wait:.0f} s; "
                "try again when it is done",
                path=str(self.root),
            ) from exc
        except OSError as exc:
            raise os_error(exc, self.root) from exc

    def _run_transaction(self) -> Iterator[Store]:
        txn = _Tables(self, in_txn=True)
        committed = False
        try:
            self._recover_journal()
            self._txn = txn
            self._txn_owner = threading.get_ident()
            for table in self._tables.values():
                table._next_id = None  # another process may have inserted
            yield self
            self._commit(txn)
            committed = True
        finally:
            if not committed:
                # TinyDB updates documents in place: forget what this block touched.
                for name in [*dict.keys(txn), *txn.dirty, *txn.deleted]:
                    self._cache.pop(name, None)
            self._txn = None
            self._txn_owner = None
            for table in self._tables.values():
                table._next_id = None

    def next_id(self, prefix: str) -> str:
        """A short sequential id (``m1``, ``t12``) unique in this archive.

        The counter is kept in ``meta``, but an archive made or edited outside tapelog
        (a hand-built store, a restored backup of one table, a hostile import) can hold
        records past it; a new record would then share an id with an old one and an
        edit of either would land on both. So the id is also checked against the table
        it is for (a keyed lookup: one shard) and the counter moves past any taken id.
        """
        if self._txn_tables() is None:
            raise RuntimeError("next_id must be called inside a transaction")
        meta = self.table("meta")
        Q = Query()
        key = f"counter:{prefix}"
        doc = meta.get(Q.key == key)
        try:
            value = int(doc["value"]) + 1 if doc else 1
        except (TypeError, ValueError):  # a counter that is not a number: start over, checked
            value = 1
        value = max(value, 1)
        table_name = ID_TABLES.get(prefix)
        if table_name is not None:
            table = self.table(table_name)
            while table.contains(Q.id == f"{prefix}{value}"):
                value += 1
        meta.upsert({"key": key, "value": value}, Q.key == key)
        return f"{prefix}{value}"

    # -- backups

    def _maybe_backup(self) -> None:
        """Copy the store into backups/ at most every BACKUP_INTERVAL_S seconds."""
        now = time.time()
        if now - self._last_backup < BACKUP_INTERVAL_S:
            return
        newest = self.backups()[:1]
        if newest and now - newest[0].stat().st_mtime < BACKUP_INTERVAL_S:
            self._last_backup = newest[0].stat().st_mtime
            return
        if self.backup_now() is not None:  # a brand-new store has nothing to copy yet
            self._last_backup = now

    def backup_now(self) -> Path | None:
        """Snapshot every table and shard file into backups/<time>/ (newest 10 kept)."""
        return take_backup(self.dir, self.backup_dir)

    def backups(self) -> list[Path]:
        """Backups, newest first."""
        return list_backups(self.root)
