"""The store's files: names, atomic writes, staged writes and the words for OS errors."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
from pathlib import Path
from typing import Any

from tapelog.archive import atomic
from tapelog.archive.errors import ReadOnlyArchiveError, StoreError

STORE_DIR = "store"
LOCK_NAME = "store.lock"
JOURNAL_NAME = ".journal.json"
MOVES_KEY = "__moves__"  # in a journal: files to move into place with the tables
DELETES_KEY = "__deletes__"  # in a journal: table files to delete (a re-split's old shards)

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

_SHARD_NAME = re.compile(r"^[a-z_]+/[0-9]{1,2}-[0-9a-f]{1,9}$")
_TABLE_NAME = re.compile(r"^[a-z_]+$")


def valid_file_name(name: object) -> bool:
    """A table (``tags``) or shard (``tags/3-5``) name a journal may name: never a path."""
    return isinstance(name, str) and bool(_TABLE_NAME.match(name) or _SHARD_NAME.match(name))


def fsync_dir(path: Path) -> None:
    atomic.fsync_dir(path)


def os_error(exc: OSError, path: Path) -> StoreError:
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
        raise os_error(exc, path) from exc


def stage_text(path: Path, text: str, *, mode_like: Path | None = None, sync: bool = True) -> Path:
    """Write ``text`` to a temp file beside ``path``; the caller moves it in.

    A commit of many shard files stages them all and journals only the moves, so its
    journal (and memory) stays small however many records it writes. ``sync=False``:
    the caller makes them durable together (``os.sync``) before writing the journal.
    """
    path = Path(path)
    try:
        fd, tmp = atomic.create_exclusive(path)
        try:
            with os.fdopen(os.dup(fd), "wb") as fh:
                fh.write(text.encode("utf-8"))
            if sync:
                os.fsync(fd)
            os.fchmod(fd, atomic.mode_for(path, mode_like))
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        finally:
            os.close(fd)
    except OSError as exc:
        raise os_error(exc, path) from exc
    return tmp


def dumps(table: dict[str, Any]) -> str:
    return json.dumps(table, ensure_ascii=False, separators=(",", ":"))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a writer that may still own a temp file)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_dead_temps(folder: Path) -> None:
    """Delete temp files of writers that died before their rename (store and shard dirs)."""
    for pattern in (".*.tmp-*", "*/.*.tmp-*"):
        for tmp in folder.glob(pattern):
            pid = atomic.temp_pid(tmp.name)
            if pid is not None and pid != os.getpid() and not pid_alive(pid):
                with contextlib.suppress(OSError):
                    tmp.unlink()
