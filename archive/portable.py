"""Move a whole archive to another machine as one file, and prove it arrived intact.

``export_archive`` writes a tar (gzip when the name ends in ``.gz``/``.tgz``) of the store
tables and every transcript file, plus ``manifest.json`` with the SHA-256 and size of
each. The search index (a cache, rebuilt on first search), the backups and the media
themselves (camera originals are far too big; they travel on drives) are left out: media
records keep their old paths, and ``tapelog relink FOLDER`` finds the files by content
on the new machine.

``import_archive`` trusts nothing in the file: it checks every member's name (no
absolute paths, no ``..``, no links or devices, only ``store/`` and ``transcripts/``)
and every checksum *before* writing anything, refuses a destination that is not empty,
extracts into a temp folder beside it and moves the store in last, so an interrupted
import never leaves something that looks like a whole archive.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, Literal

from tapelog.archive import atomic
from tapelog.archive.errors import StoreError, UsageError
from tapelog.archive.import_checks import (
    check_free_space,
    check_sizes,
    check_store_tables,
    drop_machine_settings,
)
from tapelog.archive.paths import is_safe_id
from tapelog.archive.shards import SHARDED
from tapelog.archive.store import STORE_DIR, Store, _fsync_dir, _os_error
from tapelog.archive.transcripts import TRANSCRIPTS_DIR
from tapelog.archive.voices import TABLES as VOICE_TABLES

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

FORMAT = "tapelog-archive"
FORMAT_VERSION = 1
TOP = "tapelog-archive"
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


class PortableArchiveError(StoreError):
    """An exported archive file that is not whole, not ours, or not safe to unpack."""


@dataclass
class ExportSummary:
    path: Path
    files: int
    bytes: int
    media: int
    transcripts: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mode(dest: Path) -> Literal["w:gz", "w"]:
    name = dest.name.lower()
    return "w:gz" if name.endswith((".gz", ".tgz")) else "w"


def _add(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(f"{TOP}/{name}")
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def export_archive(root: str | Path, dest_file: str | Path) -> ExportSummary:
    """Write the archive at ``root`` to one file; returns what went in.

    The store tables are read under the writer lock, so they are one consistent
    snapshot even while another process writes. Transcript files are listed after
    that snapshot, so every transcript the snapshot refers to is in the file (a run
    still appending adds lines the snapshot's record does not count yet: harmless).
    """
    root = Path(root).expanduser()
    dest = Path(dest_file).expanduser()
    store = Store(root, create=False)
    if dest.exists() and dest.is_dir():
        raise UsageError("is a directory; give a file name like crew.tapelog.tar", path=str(dest))
    with store.transaction():
        # Voice prints are personal data that never leave the archive (archive.voices).
        tables = {
            p.name: _read(p)
            for p in sorted(store.dir.glob("*.json"))
            if p.stem not in VOICE_TABLES and p.stem not in SHARDED
        }
        for name in tables:
            # A damaged table would travel with matching checksums and fail on the
            # other machine, where no backup exists: refuse it here, where one does.
            store._load_table(name[: -len(".json")])
        # A table kept in shards travels as one file (the export's layout does not
        # change with the store's); the importing store splits it again.
        tables.update((f"{name}.json", store.table_text(name)) for name in SHARDED)
        schema = store.schema_version
    media_count = len(json.loads(tables["media.json"])) if "media.json" in tables else 0
    files: dict[str, dict[str, Any]] = {}
    total = 0
    now = time.time()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        # A private store makes a private export (its mode), never through a planted link.
        with (
            atomic.atomic_file(dest, mode_like=store.mode_source) as raw,
            tarfile.open(fileobj=raw, mode=_mode(dest)) as tar,
        ):
            for name, data in tables.items():
                rel = f"{STORE_DIR}/{name}"
                _add(tar, rel, data, now)
                files[rel] = {"sha256": _sha256(data), "size": len(data)}
                total += len(data)
            tdir = root / TRANSCRIPTS_DIR
            transcripts = sorted(tdir.glob("*/*.jsonl")) if tdir.is_dir() else []
            for path in transcripts:
                if path.name.startswith("."):
                    continue
                data = _read(path)
                rel = f"{TRANSCRIPTS_DIR}/{path.parent.name}/{path.name}"
                _add(tar, rel, data, path.stat().st_mtime)
                files[rel] = {"sha256": _sha256(data), "size": len(data)}
                total += len(data)
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "source": str(root.resolve()),
                "schema_version": schema,
                "media": media_count,
                "files": files,
            }
            _add(tar, MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"), now)
            tar.close()
    except OSError as exc:
        raise _dest_error(exc, dest) from exc
    n_transcripts = sum(1 for rel in files if rel.startswith(TRANSCRIPTS_DIR + "/"))
    return ExportSummary(dest, len(files), total, media_count, n_transcripts)


def _read(path: Path) -> bytes:
    """A file of the archive being exported (a folder where a table should be: one line)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StoreError(
            f"cannot read this archive file ({exc.strerror or exc}); nothing was exported",
            path=str(path),
        ) from None


# --- import ---------------------------------------------------------------------------


def _safe_relpath(name: str) -> str:
    """The member's path below the top folder, or PortableArchiveError if it is unsafe."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise PortableArchiveError(f"refusing an absolute path inside the file: '{name}'")
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        raise PortableArchiveError(f"refusing a path that climbs out ('..'): '{name}'")
    if not parts or parts[0] != TOP:
        raise PortableArchiveError(f"not a tapelog archive export (member '{name}')")
    rel = parts[1:]
    if not rel:
        return ""
    if any(p in ("", ".") or "\x00" in p for p in rel):
        raise PortableArchiveError(f"refusing an odd member name: '{name}'")
    if rel == (MANIFEST,):
        return MANIFEST
    ok_store = len(rel) == 2 and rel[0] == STORE_DIR and rel[1].endswith(".json")
    ok_tr = (
        len(rel) == 3
        and rel[0] == TRANSCRIPTS_DIR
        and rel[2].endswith(".jsonl")
        and is_safe_id(rel[1])
        and is_safe_id(rel[2][: -len(".jsonl")])
    )
    if not (ok_store or ok_tr) or any(p.startswith(".") for p in rel):
        raise PortableArchiveError(f"unexpected member '{name}' (not a store or transcript file)")
    return "/".join(rel)


def _dest_error(exc: OSError, dest: Path) -> PortableArchiveError:
    """Writing the export file failed: about that folder, not the archive being read."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PortableArchiveError(
            "cannot write the export here (read-only folder)", path=str(dest)
        )
    if exc.errno == errno.ENOSPC:
        return PortableArchiveError("disk full; the export was not written", path=str(dest))
    return PortableArchiveError(f"cannot write the export: {exc.strerror or exc}", path=str(dest))


def _open_tar(file: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(file, mode="r:*")
    except FileNotFoundError:
        raise PortableArchiveError("no such file", path=str(file)) from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        # tarfile lists every compression it tried, over several lines: one is enough.
        reason = str(exc).splitlines()[-1].lstrip("- ") if str(exc) else type(exc).__name__
        raise PortableArchiveError(
            f"not a tapelog archive export (not a tar file: {reason})", path=str(file)
        ) from exc


def _members(tar: tarfile.TarFile, file: Path) -> dict[str, tarfile.TarInfo]:
    """Every member, checked for safety; directories are allowed and ignored."""
    out: dict[str, tarfile.TarInfo] = {}
    try:
        members = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise PortableArchiveError(f"the file is damaged ({exc})", path=str(file)) from exc
    for m in members:
        rel = _safe_relpath(m.name)
        if m.isdir():
            continue
        if not m.isfile():
            raise PortableArchiveError(
                f"refusing member '{m.name}': only plain files are allowed (no links or devices)",
                path=str(file),
            )
        if not rel:
            raise PortableArchiveError(f"odd member '{m.name}'", path=str(file))
        if rel in out:
            raise PortableArchiveError(f"member '{m.name}' appears twice", path=str(file))
        out[rel] = m
    return out


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, file: Path) -> IO[bytes]:
    try:
        fh = tar.extractfile(member)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise PortableArchiveError(f"the file is damaged ({exc})", path=str(file)) from exc
    if fh is None:
        raise PortableArchiveError(f"cannot read member '{member.name}'", path=str(file))
    return fh


def _hash_stream(fh: IO[bytes], out: IO[bytes] | None = None) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        h.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return h.hexdigest(), size


def verify_export(file: str | Path) -> dict[str, Any]:
    """Check an export file completely without writing anything; returns its manifest."""
    file = Path(file).expanduser()
    with _open_tar(file) as tar:
        members = _members(tar, file)
        if MANIFEST not in members:
            raise PortableArchiveError("no manifest.json: not a tapelog export", path=str(file))
        try:
            manifest = json.loads(_read_member(tar, members[MANIFEST], file).read())
        except (ValueError, tarfile.TarError, OSError, EOFError) as exc:
            raise PortableArchiveError(
                f"the manifest is unreadable ({exc})", path=str(file)
            ) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise PortableArchiveError("not a tapelog archive export", path=str(file))
        if int(manifest.get("version", 0)) > FORMAT_VERSION:
            raise PortableArchiveError(
                "written by a newer tapelog; upgrade tapelog to import it", path=str(file)
            )
        listed = manifest.get("files")
        if not isinstance(listed, dict):
            raise PortableArchiveError("the manifest lists no files", path=str(file))
        have = set(members) - {MANIFEST}
        missing = sorted(set(listed) - have)
        extra = sorted(have - set(listed))
        if missing:
            raise PortableArchiveError(
                f"incomplete: {len(missing)} file(s) listed but absent ({missing[0]})",
                path=str(file),
            )
        if extra:
            raise PortableArchiveError(
                f"{len(extra)} file(s) not in the manifest ({extra[0]})", path=str(file)
            )
        check_sizes({rel: members[rel].size for rel in listed}, listed, file)
        for rel in sorted(listed):
            _safe_relpath(f"{TOP}/{rel}")
            try:
                digest, size = _hash_stream(_read_member(tar, members[rel], file))
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise PortableArchiveError(f"the file is damaged ({exc})", path=str(file)) from exc
            want = listed[rel] if isinstance(listed[rel], dict) else {}
            if digest != want.get("sha256") or size != want.get("size"):
                raise PortableArchiveError(
                    f"checksum mismatch for {rel}: the file was changed or damaged in transit; "
                    "nothing was imported",
                    path=str(file),
                )
    return manifest


def import_archive(file: str | Path, dest_dir: str | Path) -> Archive:
    """Unpack an export into an empty ``dest_dir`` after verifying it; returns it opened."""
    return import_archive_noted(file, dest_dir)[0]


def import_archive_noted(file: str | Path, dest_dir: str | Path) -> tuple[Archive, list[str]]:
    """``import_archive``, and the settings it dropped (``player=...``) to tell the user."""
    from tapelog.archive.service import Archive

    file = Path(file).expanduser()
    dest = Path(dest_dir).expanduser()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(
            "the destination is not an empty folder; importing never merges into or "
            "overwrites an archive",
            path=str(dest),
        )
    manifest = verify_export(file)
    listed: dict[str, dict[str, Any]] = manifest["files"]
    check_free_space(dest, sum(int(v["size"]) for v in listed.values()))
    created = not dest.exists()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, dest) from exc
    staging = dest / f".importing-{os.getpid()}"
    done = False
    try:
        staging.mkdir()
        _unpack(file, staging, listed)
        (staging / STORE_DIR).mkdir(exist_ok=True)
        check_store_tables(staging / STORE_DIR, file)
        dropped = drop_machine_settings(staging / STORE_DIR)
        # Transcripts first, the store last: only a complete import looks like an archive.
        if (staging / TRANSCRIPTS_DIR).is_dir():
            os.replace(staging / TRANSCRIPTS_DIR, dest / TRANSCRIPTS_DIR)
        os.replace(staging / STORE_DIR, dest / STORE_DIR)
        _fsync_dir(dest)
        archive = Archive.open(dest, create=False)
        done = True
    except OSError as exc:
        raise _os_error(exc, dest) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not done:  # a refused or failed import leaves DEST as it was
            for name in (STORE_DIR, TRANSCRIPTS_DIR):
                shutil.rmtree(dest / name, ignore_errors=True)
            if created:
                with contextlib.suppress(OSError):
                    dest.rmdir()
    return archive, dropped


def _unpack(file: Path, staging: Path, listed: dict[str, dict[str, Any]]) -> None:
    """Write every listed member below ``staging``, checking each checksum again."""
    base = staging.resolve()
    with _open_tar(file) as tar:
        members = _members(tar, file)
        for rel in sorted(listed):
            target = (staging / rel).resolve()
            if not target.is_relative_to(base):  # belt and braces over _safe_relpath
                raise PortableArchiveError(f"refusing '{rel}': outside the destination")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
            with open(fd, "wb") as out:
                digest, _size = _hash_stream(_read_member(tar, members[rel], file), out)
                out.flush()
                os.fsync(out.fileno())
            if digest != listed[rel]["sha256"]:  # the file changed since verification
                raise PortableArchiveError(
                    f"checksum mismatch for {rel} while unpacking", path=str(file)
                )
