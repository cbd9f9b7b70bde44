"""Backups of the store: taken, listed, summed up and put back.

A backup is a folder ``backups/tapelog-<time>/`` holding a copy of every table and
shard file as it was. (Copies, not hard links: a file damaged in place by another
program must not damage its backups with it.)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from tapelog.archive.errors import LockTimeoutError, StoreError
from tapelog.archive.shard_layout import SHARDED, depth_in, shard_files
from tapelog.archive.store_files import (
    LOCK_NAME,
    STORE_DIR,
    atomic_write_text,
    fsync_dir,
    os_error,
)

BACKUP_DIR = "backups"
BACKUPS_KEPT = 10
BACKUP_INTERVAL_S = 600.0
RESTORING_NAME = f".{STORE_DIR}.restoring"
RESTORE_COMPLETE = ".complete"
SUMMARY_TABLES = ("media", "transcripts", "corrections", "tags", "cases", "people", "selections")


def lock_timeout() -> float:
    return float(os.environ.get("TAPELOG_LOCK_TIMEOUT", "30"))


def store_files(folder: Path) -> list[Path]:
    """Every table and shard file of a store folder (no temp files, no journal)."""
    out = [p for p in folder.glob("*.json") if not p.name.startswith(".")]
    out += [p for p in folder.glob("*/*.json") if not p.name.startswith(".")]
    return sorted(out)


def take_backup(store_dir: Path, backup_dir: Path) -> Path | None:
    """Snapshot every store file into ``backup_dir/tapelog-<time>/``; keep the newest 10."""
    files = store_files(store_dir)
    if not files:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = backup_dir / f"tapelog-{stamp}"
    tmp = backup_dir / f".tmp-{stamp}-{os.getpid()}"
    try:
        tmp.mkdir(parents=True)
        os.chmod(tmp, os.stat(store_dir).st_mode & 0o7777)  # as private as the store
        for f in files:
            target = tmp / f.relative_to(store_dir)
            if not target.parent.is_dir():
                target.parent.mkdir()
            _copy(f, target)
        for folder in {tmp, *(p.parent for p in tmp.glob("*/*.json"))}:
            fsync_dir(folder)
        os.replace(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise os_error(exc, backup_dir) from exc
    for old in list_backups(backup_dir.parent)[BACKUPS_KEPT:]:
        shutil.rmtree(old, ignore_errors=True)
    return dest


def _copy(src: Path, dst: Path) -> None:
    shutil.copy(src, dst)  # with the table's own mode
    with open(dst, "rb") as fh:
        os.fsync(fh.fileno())


def list_backups(root: Path) -> list[Path]:
    """Backups, newest first."""
    folder = Path(root) / BACKUP_DIR
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("tapelog-*") if p.is_dir()), reverse=True)


def _count(path: Path) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a table")
    return len(data)


def store_summary(folder: Path) -> dict[str, int | None]:
    """Records per table in a store or backup folder (None: the table cannot be read).

    Backups are named by time only; the counts are what tells a crew which one holds
    yesterday's tagging before they restore it.
    """
    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        meta = meta if isinstance(meta, dict) else {}
    except (OSError, ValueError):
        meta = {}
    out: dict[str, int | None] = {}
    for name in SUMMARY_TABLES:
        paths = [folder / f"{name}.json"]
        if name in SHARDED:
            depth = depth_in(meta, name)
            paths += [folder / name / f"{n}.json" for n in shard_files(folder / name, depth)]
        total: int | None = 0
        for path in paths:
            try:
                total = None if total is None else total + _count(path)
            except FileNotFoundError:
                continue
            except (OSError, ValueError):
                total = None
        out[name] = total
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
    for f in store_files(chosen):
        rel = str(f.relative_to(chosen))
        try:
            text = f.read_text(encoding="utf-8")
            json.loads(text)
        except (OSError, ValueError) as exc:
            raise StoreError(f"backup is not readable ({exc})", path=str(f)) from exc
        texts[rel] = text
        modes[rel] = f
    try:
        _put_back(root, chosen, texts, modes)
    except Timeout as exc:
        raise LockTimeoutError(
            "another tapelog process is writing; try again when it is done", path=str(root)
        ) from exc
    except OSError as exc:  # a read-only archive, a full disk: one line, nothing changed
        raise os_error(exc, root) from exc
    return chosen


def _put_back(root: Path, chosen: Path, texts: dict[str, str], modes: dict[str, Path]) -> None:
    store_dir = root / STORE_DIR
    with FileLock(str(root / LOCK_NAME)).acquire(timeout=lock_timeout()):
        tmp = root / RESTORING_NAME
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        with contextlib.suppress(OSError):  # as private as the store it replaces
            os.chmod(tmp, os.stat(store_dir).st_mode & 0o7777)
        for rel, text in texts.items():
            target = tmp / rel
            target.parent.mkdir(exist_ok=True)
            atomic_write_text(target, text, sync_dir=False, mode_like=modes[rel])
        for folder in {tmp, *(tmp / rel for rel in texts if "/" in rel)}:
            fsync_dir(folder if folder.is_dir() else folder.parent)
        # Written last: a restore folder with this marker is complete and may be moved
        # in by the next open if we die between the two renames below.
        atomic_write_text(tmp / RESTORE_COMPLETE, chosen.name)
        if store_dir.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            os.replace(store_dir, root / f"{STORE_DIR}.replaced-{stamp}")
        finish_restore(root)


def finish_restore(root: Path) -> None:
    """Move a complete restored store into place if a restore stopped half way."""
    tmp = root / RESTORING_NAME
    store_dir = root / STORE_DIR
    if store_dir.exists() or not (tmp / RESTORE_COMPLETE).exists():
        return
    (tmp / RESTORE_COMPLETE).unlink()
    os.replace(tmp, store_dir)
    fsync_dir(root)
