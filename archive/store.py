"""The archive's store: TinyDB made safe for several processes, for crashes, and fast.

TinyDB rewrites its whole file in place on every write, with no locking: a crash
mid-write leaves a broken file, two processes lose each other's updates, and every
small edit costs as much as the whole database. Here:

* each table is its own JSON file under ``store/`` (``tags.json``, ``media.json``...),
  so renaming a speaker rewrites only the small speakers file, whatever the size of
  the rest; bulky transcripts are not in the store at all (``archive.transcripts``);
* every write happens inside ``Store.transaction()``, which holds an inter-process
  lock (``filelock``: an ``flock`` the kernel drops when a process dies, so a killed
  writer never leaves a stale lock), sees the newest files, and writes the tables it
  changed once, at the end;
* each file is written to a temp file, flushed, fsynced and moved over the old one
  with ``os.replace``; a commit that changes several tables first writes them all to
  one journal file (itself atomic), so a crash between two replaces is finished on
  the next open: all of a transaction or none of it;
* a corrupt file is never overwritten: opening it raises ``StoreCorruptError``
  naming the newest backup, and ``restore_backup`` brings one back;
* the schema version lives in the ``meta`` table and registered migrations bring an
  older archive up to date when it is opened.
"""

from __future__ import annotations

import contextlib
import errno
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
from tapelog.archive import atomic
from tapelog.archive.errors import (
    LockTimeoutError,
    ReadOnlyArchiveError,
    StoreCorruptError,
    StoreError,
)
from tapelog.archive.statuses import TranscriptStatus
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

STORE_DIR = "store"
LOCK_NAME = "store.lock"
JOURNAL_NAME = ".journal.json"
MOVES_KEY = "__moves__"  # in a journal: files to move into place with the tables
BACKUP_DIR = "backups"
BACKUPS_KEPT = 10
BACKUP_INTERVAL_S = 600.0


def lock_timeout() -> float:
    return float(os.environ.get("TAPELOG_LOCK_TIMEOUT", "30"))


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

    Migrations work on raw dicts (table name -> doc id -> document) so they do not
    depend on the record classes of the day they were written.
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
        doc.setdefault("transcript_status", TranscriptStatus.NONE.value)
        doc.setdefault("language", None)
        doc.setdefault("error", None)


@migration(3, "a translation sits beside the original transcript, not in its place")
def _m003_translation_beside(data: dict[str, dict[str, Any]]) -> None:
    transcripts = list(data.get("transcripts", {}).values())
    for doc in data.get("media", {}).values():
        doc.setdefault("translation_id", None)
        mine = sorted(
            (t for t in transcripts if t.get("media_id") == doc.get("id")),
            key=lambda t: str(t.get("created", "")),
        )
        current = next((t for t in mine if t.get("id") == doc.get("transcript_id")), None)
        if current is None or (current.get("options") or {}).get("task") != "translate":
            continue
        doc["translation_id"] = current["id"]
        originals = [
            t
            for t in mine
            if t.get("status") == TranscriptStatus.DONE.value
            and (t.get("options") or {}).get("task", "transcribe") != "translate"
        ]
        original = originals[-1] if originals else None
        doc["transcript_id"] = original["id"] if original else None
        doc["language"] = original.get("language") if original else None
        if original is None:
            doc["transcript_status"] = TranscriptStatus.NONE.value


SCHEMA_VERSION = max(MIGRATIONS)


def _schema_version(meta: dict[str, Any]) -> int:
    for doc in meta.values():
        if doc.get("key") == "schema":
            return int(doc.get("version", 0))
    return 0


def _set_schema_version(meta: dict[str, Any], version: int) -> None:
    for doc in meta.values():
        if doc.get("key") == "schema":
            doc["version"] = version
            return
    next_id = max((int(k) for k in meta), default=0) + 1
    meta[str(next_id)] = {"key": "schema", "version": version}


# --- files -------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    atomic.fsync_dir(path)


def _os_error(exc: OSError, path: Path) -> StoreError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyArchiveError("the archive is read-only; nothing was written", path=str(path))
    if exc.errno == errno.ENOSPC:
        return StoreError("disk full; nothing was written", path=str(path))
    return StoreError(f"cannot write: {exc.strerror or exc}", path=str(path))


def atomic_write_text(
    path: Path, text: str, *, sync_dir: bool = True, mode_like: Path | None = None
) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old or the new file.

    The file keeps its mode (a store made private stays private); a new one takes the
    mode of ``mode_like`` (the store's other tables). See ``archive.atomic``.
    """
    path = Path(path)
    try:
        atomic.write_bytes(path, text.encode("utf-8"), mode_like=mode_like, sync_dir=sync_dir)
    except OSError as exc:
        raise _os_error(exc, path) from exc


def _dumps(table: dict[str, Any]) -> str:
    return json.dumps(table, ensure_ascii=False, separators=(",", ":"))


class _Tables(dict):
    """What the storage hands TinyDB: tables loaded from their files on first access.

    TinyDB reads "all tables" and writes "all tables" on every operation; this mapping
    makes that cost only the tables an operation touches, and notes which ones a write
    replaced so only those files are written.
    """

    def __init__(self, store: Store, in_txn: bool) -> None:
        super().__init__()
        self._store = store
        self._in_txn = in_txn
        self.dirty: set[str] = set()
        # Files (relative to the archive root) to move into place with this commit.
        self.moves: list[tuple[str, str]] = []

    def __missing__(self, name: str) -> dict[str, Any]:
        table = self._store._load_table(name)
        dict.__setitem__(self, name, table)
        return table

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __setitem__(self, name: str, value: dict[str, Any]) -> None:
        dict.__setitem__(self, name, value)
        self.dirty.add(name)


class _Storage(Storage):
    def __init__(self, store: Store) -> None:
        self._store = store

    def read(self) -> dict[str, Any]:
        txn = self._store._txn_tables()
        return txn if txn is not None else _Tables(self._store, in_txn=False)

    def write(self, data: dict[str, Any]) -> None:
        if self._store._txn_tables() is not data:
            raise RuntimeError("store writes must happen inside Store.transaction()")

    def close(self) -> None:
        pass


class Store:
    """The TinyDB store of one archive directory."""

    def __init__(self, root: Path, *, create: bool = True) -> None:
        self.root = Path(root)
        self.dir = self.root / STORE_DIR
        self.backup_dir = self.root / BACKUP_DIR
        if self.root.exists() and not self.root.is_dir():
            raise StoreError("not a directory", path=str(self.root))
        _finish_restore(self.root)
        if not self.dir.is_dir():
            if not create:
                raise StoreError("no tapelog archive here", path=str(self.root))
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _os_error(exc, self.root) from exc
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(self.root / LOCK_NAME), thread_local=False)
        self._cache: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
        self._txn: _Tables | None = None
        self._txn_owner: int | None = None
        self._last_backup = 0.0
        self._db = TinyDB(storage=_StorageFactory(_Storage(self)))
        self._tables: dict[str, Table] = {}
        self._open()

    # -- files

    def table_path(self, name: str) -> Path:
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
        except FileNotFoundError:
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

    def _recover_journal(self) -> None:
        """Finish a multi-table commit that a crash interrupted (call under the lock).

        Also removes temp files of writers that died before their rename.
        """
        for tmp in self.dir.glob(".*.tmp-*"):
            pid = atomic.temp_pid(tmp.name)
            if pid is not None and pid != os.getpid() and not pid_alive(pid):
                with contextlib.suppress(OSError):
                    tmp.unlink()
        journal = self.dir / JOURNAL_NAME
        if not journal.exists():
            return
        try:
            pending = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # The journal is written atomically, so a broken one was never committed.
            with contextlib.suppress(OSError):
                journal.unlink()
            return
        moves = pending.pop(MOVES_KEY, []) if isinstance(pending, dict) else []
        for name, text in pending.items():
            atomic_write_text(
                self.table_path(name), text, sync_dir=False, mode_like=self.mode_source
            )
        _fsync_dir(self.dir)
        self._apply_moves(moves)
        journal.unlink()
        _fsync_dir(self.dir)

    def _apply_moves(self, moves: list[Any]) -> None:
        """Move staged files into place (idempotent: a move already done is skipped)."""
        base = self.root.resolve()
        for pair in moves:
            src, dst = (self.root / str(p) for p in pair)
            if not (src.resolve().is_relative_to(base) and dst.resolve().is_relative_to(base)):
                continue  # a journal names only files inside its archive
            if not src.exists():
                continue
            try:
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
            except OSError as exc:
                raise _os_error(exc, dst) from exc
            _fsync_dir(dst.parent)

    def move_on_commit(self, src: Path, dst: Path) -> None:
        """Move ``src`` to ``dst`` (both inside the archive) as part of this transaction.

        The move is written into the commit's journal with the tables, so a crash
        leaves either none of the transaction (the staged file is a leftover temp
        file) or all of it (the next open finishes the tables and the moves).
        """
        txn = self._txn_tables()
        if txn is None:
            raise RuntimeError("move_on_commit must be called inside a transaction")
        rel = [str(Path(p).resolve().relative_to(self.root.resolve())) for p in (src, dst)]
        txn.moves.append((rel[0], rel[1]))

    def _commit(self, tables: _Tables) -> None:
        texts = {name: _dumps(tables[name]) for name in sorted(tables.dirty)}
        if not texts and not tables.moves:
            return
        self._maybe_backup()
        if len(texts) == 1 and not tables.moves:
            ((name, text),) = texts.items()
            atomic_write_text(self.table_path(name), text, mode_like=self.mode_source)
        else:
            journal = self.dir / JOURNAL_NAME
            pending: dict[str, Any] = dict(texts)
            if tables.moves:
                pending[MOVES_KEY] = tables.moves
            atomic_write_text(
                journal, json.dumps(pending, ensure_ascii=False), mode_like=self.mode_source
            )
            for name, text in texts.items():
                atomic_write_text(
                    self.table_path(name), text, sync_dir=False, mode_like=self.mode_source
                )
            _fsync_dir(self.dir)
            self._apply_moves(tables.moves)
            try:
                journal.unlink()
            except OSError as exc:
                raise _os_error(exc, journal) from exc
            _fsync_dir(self.dir)
        for name in texts:
            self._cache.pop(name, None)

    # -- opening and migrations

    def _open(self) -> None:
        if (self.dir / JOURNAL_NAME).exists():
            with self.transaction():
                pass  # the transaction recovers the journal under the lock
        version = _schema_version(self._load_table("meta"))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"this archive was written by a newer tapelog (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade tapelog",
                path=str(self.root),
            )
        if version < SCHEMA_VERSION:
            self.migrate()

    def migrate(self) -> list[str]:
        """Apply the registered migrations the store has not had yet; returns them."""
        applied: list[str] = []
        with self.transaction():
            txn = self._txn
            assert txn is not None
            data = {name: txn[name] for name in TABLES}
            current = _schema_version(data["meta"])
            for version in sorted(v for v in MIGRATIONS if v > current):
                description, fn = MIGRATIONS[version]
                fn(data)
                _set_schema_version(data["meta"], version)
                applied.append(f"{version}: {description}")
            if applied:
                for name, table in data.items():
                    txn[name] = table
        return applied

    @property
    def schema_version(self) -> int:
        return _schema_version(self._load_table("meta"))

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

    def signature(self, *names: str) -> tuple[Any, ...]:
        """Cheap change detector for some tables (their files' size and time)."""
        out: list[tuple[int, int, int] | None] = []
        for name in names:
            try:
                st = os.stat(self.table_path(name))
                out.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def table(self, name: str) -> Table:
        """A TinyDB table with its query cache off (other processes may have written)."""
        if name not in self._tables:
            self._tables[name] = self._db.table(name, cache_size=0)
        return self._tables[name]

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
            try:
                self._file_lock.acquire(timeout=wait)
            except Timeout as exc:
                raise LockTimeoutError(
                    f"another tapelog process has been writing for over {wait:.0f} s; "
                    "try again when it is done",
                    path=str(self.root),
                ) from exc
            except OSError as exc:
                raise _os_error(exc, self.root) from exc
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
                    for name in list(dict.keys(txn)):
                        self._cache.pop(name, None)
                self._txn = None
                self._txn_owner = None
                for table in self._tables.values():
                    table._next_id = None
                self._file_lock.release()
        finally:
            self._thread_lock.release()

    def next_id(self, prefix: str) -> str:
        """A short sequential id (``m1``, ``t12``) unique in this archive."""
        if self._txn_tables() is None:
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
        """Copy every table file into backups/<time>/ (keeping the newest BACKUPS_KEPT)."""
        files = sorted(self.dir.glob("*.json"))
        if not files:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        dest = self.backup_dir / f"tapelog-{stamp}"
        tmp = self.backup_dir / f".tmp-{stamp}-{os.getpid()}"
        try:
            tmp.mkdir(parents=True)
            os.chmod(tmp, os.stat(self.dir).st_mode & 0o7777)  # as private as the store
            for f in files:
                shutil.copy(f, tmp / f.name)  # with the table's own mode
                with open(tmp / f.name, "rb") as fh:
                    os.fsync(fh.fileno())
            os.replace(tmp, dest)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise _os_error(exc, self.backup_dir) from exc
        for old in self.backups()[BACKUPS_KEPT:]:
            shutil.rmtree(old, ignore_errors=True)
        return dest

    def backups(self) -> list[Path]:
        """Backups, newest first."""
        return list_backups(self.root)


class _StorageFactory:
    """TinyDB wants a storage class it can instantiate; hand it our instance."""

    def __init__(self, storage: _Storage) -> None:
        self._storage = storage

    def __call__(self, *args: Any, **kwargs: Any) -> _Storage:
        return self._storage


def list_backups(root: Path) -> list[Path]:
    folder = Path(root) / BACKUP_DIR
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("tapelog-*") if p.is_dir()), reverse=True)


SUMMARY_TABLES = ("media", "transcripts", "corrections", "tags", "cases", "people", "selections")


def store_summary(folder: Path) -> dict[str, int | None]:
    """Records per table in a store or backup folder (None: the table cannot be read).

    Backups are named by time only; the counts are what tells a crew which one holds
    yesterday's tagging before they restore it.
    """
    out: dict[str, int | None] = {}
    for name in SUMMARY_TABLES:
        path = Path(folder) / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out[name] = len(data) if isinstance(data, dict) else None
        except FileNotFoundError:
            out[name] = 0
        except (OSError, ValueError):
            out[name] = None
    return out


def describe_summary(summary: dict[str, int | None]) -> str:
    """``3 media, 12 tags, ...`` for people (a damaged table shows as ``? tags``)."""
    parts = []
    for name, n in summary.items():
        if n == 0 and name not in ("media", "tags"):
            continue
        parts.append(f"{'?' if n is None else n} {name}")
    return ", ".join(parts)


def backup_time(backup: Path) -> str:
    """The UTC time in a backup's name, as ``2026-11-23 12:00:41 UTC``."""
    stamp = backup.name.removeprefix("tapelog-")
    try:
        when = datetime.strptime(stamp[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return stamp
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def restore_backup(root: Path, backup: str | Path | None = None) -> Path:
    """Put a backup back as the store; the current files (even corrupt) are kept aside.

    Works on a corrupt store, so it does not open the store first.
    """
    root = Path(root)
    candidates = list_backups(root)
    if backup is None:
        if not candidates:
            raise StoreError("no backups to restore", path=str(root / BACKUP_DIR))
        chosen = candidates[0]
    else:
        chosen = Path(backup)
        if not chosen.exists():
            chosen = root / BACKUP_DIR / str(backup)
    if not chosen.is_dir():
        raise StoreError("no such backup (see `tapelog backups`)", path=str(chosen))
    texts: dict[str, str] = {}
    modes: dict[str, Path] = {}
    for f in sorted(chosen.glob("*.json")):
        try:
            text = f.read_text(encoding="utf-8")
            json.loads(text)
        except (OSError, ValueError) as exc:
            raise StoreError(f"backup is not readable ({exc})", path=str(f)) from exc
        texts[f.stem] = text
        modes[f.stem] = f
    try:
        _put_back(root, chosen, texts, modes)
    except Timeout as exc:
        raise LockTimeoutError(
            "another tapelog process is writing; try again when it is done", path=str(root)
        ) from exc
    except OSError as exc:  # a read-only archive, a full disk: one line, nothing changed
        raise _os_error(exc, root) from exc
    return chosen


def _put_back(root: Path, chosen: Path, texts: dict[str, str], modes: dict[str, Path]) -> None:
    store_dir = root / STORE_DIR
    with FileLock(str(root / LOCK_NAME)).acquire(timeout=lock_timeout()):
        tmp = root / RESTORING_NAME
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        with contextlib.suppress(OSError):  # as private as the store it replaces
            os.chmod(tmp, os.stat(store_dir).st_mode & 0o7777)
        for name, text in texts.items():
            atomic_write_text(tmp / f"{name}.json", text, sync_dir=False, mode_like=modes[name])
        # Written last: a restore folder with this marker is complete and may be moved
        # in by the next open if we die between the two renames below.
        atomic_write_text(tmp / RESTORE_COMPLETE, chosen.name)
        if store_dir.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            os.replace(store_dir, root / f"{STORE_DIR}.replaced-{stamp}")
        _finish_restore(root)


RESTORING_NAME = f".{STORE_DIR}.restoring"
RESTORE_COMPLETE = ".complete"


def _finish_restore(root: Path) -> None:
    """Move a complete restored store into place if a restore stopped half way."""
    tmp = root / RESTORING_NAME
    store_dir = root / STORE_DIR
    if store_dir.exists() or not (tmp / RESTORE_COMPLETE).exists():
        return
    (tmp / RESTORE_COMPLETE).unlink()
    os.replace(tmp, store_dir)
    _fsync_dir(root)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a writer that may still own a temp file)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
