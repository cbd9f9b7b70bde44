"""The archive's store: TinyDB made safe for several processes and for crashes.

TinyDB rewrites its whole file in place on every write, with no locking: a crash
mid-write leaves a broken file and two processes lose each other's updates. Here:

* every write happens inside ``Store.transaction()``, which holds an inter-process
  lock (``filelock``, an ``flock`` the kernel drops when a process dies, so a killed
  writer never leaves a stale lock), re-reads the file, and writes it once at the end;
* the file is written to a temp file in the same directory, flushed, fsynced and moved
  over the old one with ``os.replace`` (then the directory is fsynced), so readers
  and a crash only ever see the old or the new file, whole;
* the store holds only small records: transcripts live in JSONL files
  (``archive.transcripts``), so the cost of a small write does not grow with hours
  of transcript;
* a corrupt file is never overwritten: opening it raises ``StoreCorruptError`` naming
  the newest backup, and ``restore_backup`` brings one back;
* the schema version lives in the ``meta`` table and registered migrations bring an
  older archive up to date when it is opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from archive.errors import (
    LockTimeoutError,
    ReadOnlyArchiveError,
    StoreCorruptError,
    StoreError,
)

STORE_NAME = "tapelog.json"
BACKUP_DIR = "backups"
BACKUPS_KEPT = 10
BACKUP_INTERVAL_S = 600.0
LOCK_TIMEOUT_S = float(os.environ.get("TAPELOG_LOCK_TIMEOUT", "30"))

TABLES = (
    "meta",
    "media",
    "transcripts",
    "corrections",
    "speakers",
    "cases",
    "people",
    "themes",
    "tags",
    "links",
    "selections",
)

# --- schema migrations -------------------------------------------------------------

Migration = Callable[[dict[str, dict[str, Any]]], None]
MIGRATIONS: dict[int, tuple[str, Migration]] = {}


def migration(version: int, description: str) -> Callable[[Migration], Migration]:
    """Register a function that brings raw store data from ``version - 1`` to ``version``.

    Migrations work on the raw TinyDB dict (table name -> doc id -> document) so they
    do not depend on the record classes of the day they were written.
    """

    def register(fn: Migration) -> Migration:
        if version in MIGRATIONS:
            raise ValueError(f"migration {version} registered twice")
        MIGRATIONS[version] = (description, fn)
        return fn

    return register


@migration(1, "create the tables")
def _m001_tables(data: dict[str, dict[str, Any]]) -> None:
    for name in TABLES:
        data.setdefault(name, {})


@migration(2, "media records carry an explicit transcript status and language")
def _m002_media_status(data: dict[str, dict[str, Any]]) -> None:
    for doc in data.get("media", {}).values():
        doc.setdefault("transcript_status", "none")
        doc.setdefault("language", None)
        doc.setdefault("error", None)


SCHEMA_VERSION = max(MIGRATIONS)


def _schema_version(data: dict[str, dict[str, Any]]) -> int:
    for doc in data.get("meta", {}).values():
        if doc.get("key") == "schema":
            return int(doc.get("version", 0))
    return 0


def _set_schema_version(data: dict[str, dict[str, Any]], version: int) -> None:
    meta = data.setdefault("meta", {})
    for doc in meta.values():
        if doc.get("key") == "schema":
            doc["version"] = version
            return
    next_id = max((int(k) for k in meta), default=0) + 1
    meta[str(next_id)] = {"key": "schema", "version": version}


# --- storage -----------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old or the new file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _os_error(exc, path) from exc
    _fsync_dir(path.parent)


def _os_error(exc: OSError, path: Path) -> StoreError:
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyArchiveError(
            "the archive is read-only; nothing was written", path=str(path.parent)
        )
    if exc.errno == errno.ENOSPC:
        return StoreError("disk full; nothing was written", path=str(path))
    return StoreError(f"cannot write: {exc.strerror or exc}", path=str(path))


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads a parsed snapshot and writes only via transactions."""

    def __init__(self, path: Path, owner: Store) -> None:
        self.path = path
        self._owner = owner
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def load(self) -> dict[str, Any]:
        """Parse the file from disk (or reuse the parse if the file has not changed)."""
        sig = self._signature()
        if sig is None:
            return {}
        if self._cache is not None and self._cache[0] == sig:
            return self._cache[1]
        try:
            with open(self.path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror or exc}", path=str(self.path)) from exc
        except UnicodeDecodeError as exc:
            raise self._owner.corrupt_error(f"not UTF-8 text ({exc.reason})") from exc
        if not text.strip():
            raise self._owner.corrupt_error("the file is empty")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._owner.corrupt_error(
                f"invalid JSON at line {exc.lineno} column {exc.colno}"
            ) from exc
        if not isinstance(data, dict):
            raise self._owner.corrupt_error("the top level is not a JSON object")
        self._cache = (sig, data)
        return data

    def read(self) -> dict[str, Any] | None:
        txn = self._owner._txn_data_for_current_thread()
        if txn is not None:
            return txn
        return self.load()

    def write(self, data: dict[str, Any]) -> None:
        if not self._owner._in_transaction_on_this_thread():
            raise RuntimeError("store writes must happen inside Store.transaction()")
        self._owner._txn_data = data
        self._owner._dirty = True

    def write_now(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        atomic_write_text(self.path, text)
        self._cache = (self._signature() or (0, 0, 0), data)

    def close(self) -> None:
        pass


class Store:
    """The TinyDB store of one archive directory."""

    def __init__(self, root: Path, *, create: bool = True) -> None:
        self.root = Path(root)
        self.path = self.root / STORE_NAME
        self.backup_dir = self.root / BACKUP_DIR
        if not self.root.exists():
            if not create:
                raise StoreError("no archive here", path=str(self.root))
            try:
                self.root.mkdir(parents=True)
            except OSError as exc:
                raise _os_error(exc, self.root / STORE_NAME) from exc
        elif not self.root.is_dir():
            raise StoreError("not a directory", path=str(self.root))
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(self.root / (STORE_NAME + ".lock")), thread_local=False)
        self._txn_data: dict[str, Any] | None = None
        self._txn_owner: int | None = None
        self._txn_depth = 0
        self._dirty = False
        self._last_backup = 0.0
        self._storage = AtomicJSONStorage(self.path, self)
        self._db = TinyDB(storage=_StorageFactory(self._storage))
        self._tables: dict[str, Table] = {}
        self._open()

    # -- opening and migrations

    def _open(self) -> None:
        data = self._storage.load()
        version = _schema_version(data)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"this archive was written by a newer tapelog (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade tapelog",
                path=str(self.path),
            )
        if version < SCHEMA_VERSION:
            self.migrate()

    def migrate(self) -> list[str]:
        """Apply the registered migrations the store has not had yet; returns their names."""
        applied: list[str] = []
        with self.transaction():
            data = self._txn_data
            assert data is not None
            current = _schema_version(data)
            for version in sorted(v for v in MIGRATIONS if v > current):
                description, fn = MIGRATIONS[version]
                fn(data)
                _set_schema_version(data, version)
                applied.append(f"{version}: {description}")
            if applied:
                self._dirty = True
        return applied

    @property
    def schema_version(self) -> int:
        return _schema_version(self._storage.read() or {})

    def corrupt_error(self, reason: str) -> StoreCorruptError:
        newest = self.backups()[:1]
        hint = (
            f"restore the newest backup with `tapelog restore` ({newest[0].name})"
            if newest
            else "no automatic backup exists yet; restore it from your own copy"
        )
        return StoreCorruptError(
            f"the archive store is corrupt ({reason}); it was left untouched. {hint}",
            path=str(self.path),
        )

    # -- tables

    def table(self, name: str) -> Table:
        """A TinyDB table with its query cache off (other processes may have written)."""
        if name not in self._tables:
            self._tables[name] = self._db.table(name, cache_size=0)
        return self._tables[name]

    # -- transactions

    def _in_transaction_on_this_thread(self) -> bool:
        return self._txn_owner == threading.get_ident()

    def _txn_data_for_current_thread(self) -> dict[str, Any] | None:
        if self._txn_owner == threading.get_ident():
            return self._txn_data
        return None

    @contextlib.contextmanager
    def transaction(self, timeout: float | None = None) -> Iterator[Store]:
        """Hold the writer lock; every write inside is saved once, atomically, at the end.

        If the block raises, nothing is written. Nested calls join the outer one.
        """
        if self._in_transaction_on_this_thread():
            self._txn_depth += 1
            try:
                yield self
            finally:
                self._txn_depth -= 1
            return
        wait = LOCK_TIMEOUT_S if timeout is None else timeout
        if not self._thread_lock.acquire(timeout=wait):
            raise LockTimeoutError(
                f"another task in this program has held the archive for {wait:.0f} s",
                path=str(self.root),
            )
        try:
            try:
                self._file_lock.acquire(timeout=wait)
            except Timeout as exc:
                raise LockTimeoutError(
                    f"another tapelog process has been writing for over {wait:.0f} s; "
                    "try again when it is done",
                    path=str(self.root),
                ) from exc
            except OSError as exc:
                raise _os_error(exc, self.path) from exc
            try:
                # Work on a private copy of the newest file so a failed block leaves the
                # cached snapshot (and the file) untouched.
                self._txn_data = json.loads(json.dumps(self._storage.load()))
                self._txn_owner = threading.get_ident()
                self._txn_depth = 1
                self._dirty = False
                for table in self._tables.values():
                    table._next_id = None  # another process may have inserted
                yield self
                if self._dirty:
                    self._maybe_backup()
                    self._storage.write_now(self._txn_data)
            finally:
                self._txn_data = None
                self._txn_owner = None
                self._txn_depth = 0
                self._dirty = False
                for table in self._tables.values():
                    table._next_id = None
                self._file_lock.release()
        finally:
            self._thread_lock.release()

    def next_id(self, prefix: str) -> str:
        """A short sequential id (``m1``, ``t12``) unique in this archive."""
        if not self._in_transaction_on_this_thread():
            raise RuntimeError("next_id must be called inside a transaction")
        meta = self.table("meta")
        Q = Query()
        key = f"counter:{prefix}"
        doc = meta.get(Q.key == key)
        value = int(doc["value"]) + 1 if doc else 1
        meta.upsert({"key": key, "value": value}, Q.key == key)
        return f"{prefix}{value}"

    # -- backups

    def _maybe_backup(self) -> None:
        """Copy the current file to backups/ at most every BACKUP_INTERVAL_S seconds."""
        now = time.time()
        if not self.path.exists() or now - self._last_backup < BACKUP_INTERVAL_S:
            return
        newest = self.backups()[:1]
        if newest and now - newest[0].stat().st_mtime < BACKUP_INTERVAL_S:
            self._last_backup = newest[0].stat().st_mtime
            return
        self.backup_now()
        self._last_backup = now

    def backup_now(self) -> Path | None:
        """Copy the store into backups/ (keeping the newest BACKUPS_KEPT); returns the copy."""
        if not self.path.exists():
            return None
        try:
            self.backup_dir.mkdir(exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            dest = self.backup_dir / f"tapelog-{stamp}.json"
            tmp = dest.with_suffix(".tmp")
            shutil.copyfile(self.path, tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        except OSError as exc:
            raise _os_error(exc, self.backup_dir / "x") from exc
        for old in self.backups()[BACKUPS_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()
        return dest

    def backups(self) -> list[Path]:
        """Backups, newest first."""
        if not self.backup_dir.is_dir():
            return []
        return sorted(self.backup_dir.glob("tapelog-*.json"), reverse=True)


class _StorageFactory:
    """TinyDB wants a storage class it can instantiate; hand it our instance."""

    def __init__(self, storage: AtomicJSONStorage) -> None:
        self._storage = storage

    def __call__(self, *args: Any, **kwargs: Any) -> AtomicJSONStorage:
        return self._storage


def restore_backup(root: Path, backup: Path | None = None) -> Path:
    """Put a backup back as the store; the current file (even corrupt) is kept aside.

    Works on a corrupt store, so it does not open the store first.
    """
    root = Path(root)
    backups_dir = root / BACKUP_DIR
    candidates = sorted(backups_dir.glob("tapelog-*.json"), reverse=True)
    if backup is None:
        if not candidates:
            raise StoreError("no backups to restore", path=str(backups_dir))
        backup = candidates[0]
    backup = Path(backup)
    if not backup.is_absolute() and not backup.exists():
        backup = backups_dir / backup
    if not backup.is_file():
        raise StoreError("no such backup", path=str(backup))
    try:
        json.loads(backup.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"backup is not readable ({exc})", path=str(backup)) from exc
    lock = FileLock(str(root / (STORE_NAME + ".lock")))
    with lock.acquire(timeout=LOCK_TIMEOUT_S):
        current = root / STORE_NAME
        if current.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            os.replace(current, root / f"{STORE_NAME}.replaced-{stamp}")
        atomic_write_text(current, backup.read_text(encoding="utf-8"))
    return backup
