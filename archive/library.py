"""The media files of an archive: their records, import, relink, and where they are.

Import probes and fingerprints each file; a file already in the archive (same content,
any name or folder) is not added twice, and a moved file is found again by fingerprint.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive.caches import cached
from tapelog.archive.errors import MediaError, NotFoundError, TapelogError
from tapelog.archive.models import STATUS_NO_AUDIO, STATUS_NONE, MediaRecord
from tapelog.archive.paths import is_file_there, is_other_file, shown_path
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tapelog.archive.statuses import ImportStatus
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

Q = Query()

MEDIA_EXTENSIONS = {
    ".mov", ".mp4", ".m4v", ".mxf", ".mkv", ".avi", ".mts", ".m2ts", ".webm", ".3gp",
    ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus", ".aif", ".aiff", ".bwf",
}  # fmt: skip


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class ImportResult:
    path: str
    status: str  # imported / already-imported / failed
    id: str | None = None
    error: str | None = None
    relinked: bool = False
    # Already imported under another name: the path the archive knows it by.
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "relinked": self.relinked,
            "duplicate_of": self.duplicate_of,
        }

    def describe(self) -> str:
        """One line for people: what happened to this path, and to which record."""
        path = shown_path(self.path)
        if self.status == ImportStatus.FAILED:
            return f"{path}: {self.error}"
        if self.relinked:
            return f"{self.id}\t{self.status} (relinked to this path)\t{path}"
        if self.duplicate_of:
            return (
                f"{self.id}\t{self.status}\t{path}\t"
                f"(same content as {self.id}, {shown_path(self.duplicate_of)})"
            )
        return f"{self.id}\t{self.status}\t{path}"


def list_media(archive: Archive) -> list[MediaRecord]:
    recs = [MediaRecord.from_dict(d) for d in archive.store.table("media").all()]
    recs.sort(key=lambda m: _id_key(m.id))
    return recs


def media_listing(archive: Archive) -> list[MediaRecord]:
    """``list_media`` for read-only screens, parsed again only when the media table
    changes (the Library reloads on every return to it: 10,000 records parsed each time
    was 0.3 s of the TUI's first paint alone, paid twice)."""
    return cached(archive, "media_listing", ("media",), lambda: list_media(archive))


def get_media(archive: Archive, media_id: str) -> MediaRecord:
    doc = archive.store.table("media").get(Q.id == media_id)
    if doc is None:
        raise NotFoundError(f"no media with id '{media_id}' (see `tapelog list`)")
    return MediaRecord.from_dict(doc)


def save_media(archive: Archive, media: MediaRecord) -> None:
    with archive.store.transaction():
        archive.store.table("media").upsert(media.to_dict(), Q.id == media.id)


def expand_paths(
    archive: Archive, paths: Sequence[str | Path], recursive: bool = False
) -> list[Path]:
    """Files to import: explicit files as given, media files inside folders."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            walker = p.rglob("*") if recursive else p.iterdir()
            found = sorted(
                f
                for f in walker
                if f.is_file()
                and f.suffix.lower() in MEDIA_EXTENSIONS
                and not f.name.startswith(".")
            )
            out.extend(found)
        else:
            out.append(p)
    return out


CHANGED_WHILE_READ = (
    "the file changed while it was read (still being copied?); nothing was recorded: "
    "import it again when it is complete"
)


def _stat_sig(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def import_paths(
    archive: Archive,
    paths: Sequence[str | Path],
    *,
    recursive: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> list[ImportResult]:
    """Probe and fingerprint each file and record it; one result per file.

    A file already in the archive (same content, any name or folder) is not added
    twice; if its recorded path no longer exists, the record is relinked to the new
    place. A file that cannot be read is reported as failed; the others go on.
    """
    from tapelog.media.fingerprint import fingerprint
    from tapelog.media.probe import probe

    files = archive.expand_paths(paths, recursive)
    results: list[ImportResult] = []
    for n, path in enumerate(files):
        if cancel is not None:
            cancel.check()
        report(progress, ProgressEvent("import", n, len(files), "files", str(path)))
        shown = str(path)
        try:
            before = _stat_sig(path)
            info = probe(path)
            fp = fingerprint(path)
        except TapelogError as exc:
            results.append(ImportResult(shown, ImportStatus.FAILED, error=str(exc)))
            continue
        if _stat_sig(path) != before:
            # Still being copied or recorded: its length, duration and fingerprint are
            # of a half file, and would stay so in the archive.
            results.append(ImportResult(shown, "failed", error=CHANGED_WHILE_READ))
            continue
        abspath = str(path.resolve())
        with archive.store.transaction():
            existing = archive.store.table("media").get(Q.fingerprint == fp)
            if existing is not None:
                media = MediaRecord.from_dict(existing)
                relinked, duplicate_of = False, None
                if media.path != abspath and not is_file_there(media.path):
                    media.path = abspath
                    archive.store.table("media").upsert(media.to_dict(), Q.id == media.id)
                    relinked = True
                elif media.path != abspath:
                    duplicate_of = media.path
                results.append(
                    ImportResult(
                        shown,
                        ImportStatus.ALREADY_IMPORTED,
                        id=media.id,
                        relinked=relinked,
                        duplicate_of=duplicate_of,
                    )
                )
                continue
            media = MediaRecord(
                id=archive.store.next_id("m"),
                path=abspath,
                fingerprint=fp,
                info=info,
                imported_at=now_iso(),
                transcript_status=STATUS_NONE if info.has_audio else STATUS_NO_AUDIO,
            )
            archive.store.table("media").insert(media.to_dict())
        results.append(ImportResult(shown, ImportStatus.IMPORTED, id=media.id))
    report(progress, ProgressEvent("import", len(files), len(files), "files"))
    return results


def relink(
    archive: Archive, folder: str | Path, *, recursive: bool = True
) -> list[tuple[str, str]]:
    """Find moved files by fingerprint under ``folder``; returns (media_id, new path).
    Looked for: media whose file is missing, or whose path now holds another file (not
    the size imported: ``check`` says so and points here)."""
    from tapelog.media.fingerprint import fingerprint

    missing = {
        m.fingerprint: m
        for m in archive.list_media()
        if not is_file_there(m.path) or is_other_file(m.path, m.info.size_bytes)
    }
    moved: list[tuple[str, str]] = []
    if not missing:
        return moved
    for path in archive.expand_paths([folder], recursive=recursive):
        try:
            fp = fingerprint(path)
        except TapelogError:
            continue
        media = missing.pop(fp, None)
        if media is None:
            continue
        media.path = str(path.resolve())
        save_media(archive, media)
        moved.append((media.id, media.path))
        if not missing:
            break
    return moved


def media_path(archive: Archive, media: MediaRecord) -> Path:
    """The media's file, or a clear error if it was moved or deleted."""
    path = Path(media.path)
    if not path.exists():
        raise MediaError(
            f"the file of {media.id} is missing (moved or deleted?); "
            "use `tapelog relink FOLDER` to find it",
            path=str(path),
        )
    return path


def source_timecode(archive: Archive, media: MediaRecord, seconds: float) -> str | None:
    """The camera's own timecode at ``seconds`` into the file, if it has one."""
    info = media.info
    if not info.start_timecode or not info.fps_num or not info.fps_den:
        return None
    from tapelog.media.timecode import source_timecode

    return source_timecode(
        seconds, info.start_timecode, info.fps_num, info.fps_den, info.drop_frame
    )


def _id_key(media_id: str) -> tuple[str, int]:
    head = media_id.rstrip("0123456789")
    tail = media_id[len(head) :]
    return (head, int(tail) if tail else 0)
