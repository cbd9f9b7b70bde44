"""Write a file so that a crash leaves the old one or the new one, never half of either.

One helper for every file tapelog writes whole (store tables, exports, archive files,
extracted audio, assembled models), because each copy of this recipe got a detail
wrong somewhere. The recipe:

* the temp file is created in the target's folder (so the final rename stays on one
  file system) with ``O_CREAT | O_EXCL | O_NOFOLLOW`` and a random name: in a shared
  folder, a symlink or file someone planted at a predictable name (``.x.tmp-<pid>``)
  makes the create fail instead of being written through;
* it is flushed and fsynced, then renamed over the target with ``os.replace``, and the
  folder is fsynced so the rename itself survives a power cut;
* the result keeps the mode of the file it replaces (a store made ``chmod 600`` stays
  private), or takes the mode of ``mode_like`` (a backup or an archive export is as
  private as the store it copies), or else the mode any new file gets (umask).

The pid in the temp name lets a later run delete the leftovers of a dead writer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TMP_MARK = ".tmp-"


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not thread-safe
# once the TUI's workers run.
DEFAULT_MODE = 0o666 & ~_read_umask()


def temp_name(target: Path, suffix: str = "") -> Path:
    """``.<name>.tmp-<pid>-<random><suffix>`` beside ``target`` (suffix: for ffmpeg's muxer)."""
    return target.with_name(f".{target.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(8)}{suffix}")


def temp_pid(name: str) -> int | None:
    """The writer's pid in a temp file's name, or None if it is not one of ours."""
    if TMP_MARK not in name:
        return None
    head = name.rsplit(TMP_MARK, 1)[1].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def create_exclusive(target: Path, suffix: str = "") -> tuple[int, Path]:
    """Create a new, private temp file beside ``target``; never follows or reuses a name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = temp_name(target, suffix)
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temp name", str(target))


def mode_for(target: Path, mode_like: str | os.PathLike[str] | None = None) -> int:
    """The permission bits the finished file should have (see the module's docstring)."""
    for source in (target, mode_like):
        if source is None:
            continue
        try:
            st = os.stat(source)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    return DEFAULT_MODE


def fsync_dir(path: str | os.PathLike[str]) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _finish(fd: int, tmp: Path, target: Path, mode: int, sync_dir: bool) -> None:
    os.fsync(fd)
    os.fchmod(fd, mode)
    os.close(fd)
    os.replace(tmp, target)
    if sync_dir:
        fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_file(
    path: str | os.PathLike[str],
    *,
    mode_like: str | os.PathLike[str] | None = None,
    sync_dir: bool = True,
) -> Iterator[BinaryIO]:
    """Yield a binary file to write; when the block ends without error it becomes ``path``.

    On any error the temp file is removed and ``path`` is untouched. ``OSError`` passes
    through for the caller to word (read-only archive, full disk, export folder).
    """
    target = Path(path)
    fd, tmp = create_exclusive(target)
    fh = os.fdopen(os.dup(fd), "wb")
    try:
        with fh:
            yield fh
            fh.flush()
        _finish(fd, tmp, target, mode_for(target, mode_like), sync_dir)
        fd = -1
    finally:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(OSError):
                tmp.unlink()


def write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    mode_like: str | os.PathLike[str] | None = None,
    sync_dir: bool = True,
) -> None:
    with atomic_file(path, mode_like=mode_like, sync_dir=sync_dir) as fh:
        fh.write(data)


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str],
    *,
    suffix: str = "",
    mode_like: str | os.PathLike[str] | None = None,
) -> Iterator[Path]:
    """Yield the path of a fresh temp file for another program (ffmpeg) to write.

    The file is created exclusively first, so the program overwrites a file that is
    ours; ``suffix`` keeps the extension ffmpeg picks its muxer from. After the block,
    the file is checked to still be that file (no link swapped in) before it replaces
    ``path``.
    """
    target = Path(path)
    fd, tmp = create_exclusive(target, suffix)
    try:
        before = os.fstat(fd)
        yield tmp
        after = os.lstat(tmp)
        if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise OSError(errno.EEXIST, "the temp file was replaced while it was written", str(tmp))
        _finish(fd, tmp, target, mode_for(target, mode_like), True)
        fd = -1
    finally:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(OSError):
                tmp.unlink()
