"""``tapelog check``: media files are where the store says, transcripts whole and in order.

A transcript is a JSON-lines file per run; a crash can tear its last line, a copy or a
hand edit can break one in the middle or put another file's segments in it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive.check_problem import ERROR, WARNING, Problem, Tables, is_num
from tapelog.archive.errors import TapelogError
from tapelog.archive.paths import is_file_there, is_other_file, is_safe_id
from tapelog.archive.statuses import TranscriptStatus
from tapelog.archive.transcripts import TRANSCRIPTS_DIR, transcript_path

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

# Whisper's last segment may run a little past the decoded audio; containers round.
DURATION_SLACK_S = 1.0


def check_media_files(
    archive: Archive, media_docs: Sequence[Mapping[str, Any]], *, deep: bool
) -> list[Problem]:
    """Each media file is where the store says, of the size it had when imported (deep:
    and still the same content).

    The size costs a stat the existence check makes anyway, so a plain check catches
    another file put at the path (an imported archive's record naming ``/etc/passwd``,
    a take copied over another) without reading any media; the fingerprint (deep)
    catches one of the same size."""
    problems: list[Problem] = []
    for doc in media_docs:
        path = Path(str(doc.get("path", "")))
        if not is_file_there(path):
            problems.append(
                Problem(
                    WARNING,
                    f"the file of {doc.get('id')} is missing (moved or deleted?)",
                    str(path),
                    "run `tapelog relink FOLDER` on the folder that holds it now",
                )
            )
            continue
        info = doc.get("info")
        size = info.get("size_bytes") if isinstance(info, Mapping) else None
        if not deep and is_other_file(path, size):
            problems.append(_changed(doc, path))
            continue
        if deep:
            from tapelog.media.fingerprint import fingerprint

            try:
                now = fingerprint(path)
            except TapelogError as exc:
                problems.append(Problem(WARNING, f"cannot fingerprint: {exc}", str(path)))
                continue
            if now != doc.get("fingerprint"):
                problems.append(_changed(doc, path))
    return problems


def _changed(doc: Mapping[str, Any], path: Path) -> Problem:
    return Problem(
        ERROR,
        f"the file of {doc.get('id')} has changed since it was imported "
        "(another file now has its name?)",
        str(path),
        "put the original back, or `tapelog relink` to where it is now",
    )


def _scan_lines(path: Path) -> tuple[list[dict[str, Any]], str | None, bool]:
    """Parsed lines, a problem in the middle (error) and whether the last line is torn."""
    raw = path.read_bytes()
    records: list[dict[str, Any]] = []
    lines = raw.split(b"\n")
    torn = lines[-1] != b""  # no newline at the end: a write the process never finished
    body = lines[:-1]
    for n, line in enumerate(body, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("not an object")
            records.append(rec)
        except ValueError:
            return records, f"line {n} is broken; the segments after it are not read", torn
    return records, None, torn


def check_transcripts(archive: Archive, tables: Tables) -> list[Problem]:
    """Media point at their transcript's record, records at whole files, files at records."""
    records = {d.get("id"): d for d in tables["transcripts"]}
    media = {d.get("id"): d for d in tables["media"]}
    problems = _current_transcripts(archive, tables, records)
    for tid, rec in records.items():
        mid = rec.get("media_id")
        if not (is_safe_id(tid) and is_safe_id(mid)):
            continue  # reported by check_ids; its "file" is never looked at
        path = transcript_path(archive.root, mid, tid)
        if not path.is_file():
            done = rec.get("status") == TranscriptStatus.DONE
            if done or media.get(mid, {}).get("transcript_id") == tid:
                problems.append(
                    Problem(
                        ERROR,
                        f"the segments of transcript {tid} ({mid}) are missing",
                        str(path),
                        f"restore the file from a copy, or `tapelog transcribe {mid} --force`",
                    )
                )
            continue
        problems += _check_segments(path, rec, media.get(mid))
    return problems + _stray_files(archive.root, records)


def _current_transcripts(
    archive: Archive, tables: Tables, records: Mapping[Any, Mapping[str, Any]]
) -> list[Problem]:
    """The transcript each media record names exists and belongs to it."""
    problems: list[Problem] = []
    for mdoc in tables["media"]:
        tid = mdoc.get("transcript_id")
        if not tid:
            continue
        rec = records.get(tid)
        if rec is None:
            problems.append(
                Problem(
                    ERROR,
                    f"media {mdoc.get('id')} says its transcript is '{tid}', which has no record",
                    str(archive.store.dir),
                    f"restore a backup, or `tapelog transcribe {mdoc.get('id')} --force`",
                )
            )
        elif rec.get("media_id") != mdoc.get("id"):
            problems.append(
                Problem(
                    ERROR,
                    f"media {mdoc.get('id')} uses transcript '{tid}' of {rec.get('media_id')}",
                    str(archive.store.dir),
                    "restore a backup",
                )
            )
    return problems


def _stray_files(root: Path, records: Mapping[Any, Mapping[str, Any]]) -> list[Problem]:
    """Transcript files no record owns (an interrupted or restored run left them)."""
    folder = root / TRANSCRIPTS_DIR
    if not folder.is_dir():
        return []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*/*.jsonl")):
        tid, mid = path.stem, path.parent.name
        rec = records.get(tid)
        if rec is None or rec.get("media_id") != mid:
            problems.append(
                Problem(
                    WARNING,
                    "transcript file with no record in the store (left by an "
                    "interrupted or restored run)",
                    str(path),
                    "harmless; delete it or restore the backup it belongs to",
                )
            )
    return problems


def _check_segments(
    path: Path, rec: Mapping[str, Any], media: Mapping[str, Any] | None
) -> list[Problem]:
    """The file reads to the end, its segments run in order within their media."""
    problems: list[Problem] = []
    try:
        lines, broken, torn = _scan_lines(path)
    except OSError as exc:
        return [Problem(ERROR, f"cannot read transcript: {exc.strerror or exc}", str(path))]
    if broken:
        problems.append(
            Problem(ERROR, broken, str(path), f"re-transcribe with --force ({rec.get('id')})")
        )
    if torn:
        done = rec.get("status") == TranscriptStatus.DONE
        problems.append(
            Problem(
                ERROR if done else WARNING,
                "the last line was cut off by an interrupted write",
                str(path),
                "the next `tapelog transcribe` of this media cuts it off and resumes"
                if not done
                else "re-transcribe with --force",
            )
        )
    durations = [rec.get("duration") or 0.0]
    if media is not None:
        durations.append(((media.get("info") or {}).get("duration")) or 0.0)
    limit = max(d for d in durations if is_num(d)) + DURATION_SLACK_S
    problem = _segment_order(lines, limit, path, rec)
    return problems + ([problem] if problem else [])


def _segment_order(
    lines: list[dict[str, Any]], limit: float, path: Path, rec: Mapping[str, Any]
) -> Problem | None:
    """The first segment with an impossible span, out of order, or past the media's end."""
    prev = -1.0
    for n, seg in enumerate(lines, start=1):
        start, end = seg.get("start"), seg.get("end")
        if not is_num(start) or not is_num(end) or start < 0 or end < start:
            return Problem(ERROR, f"segment {n} has an impossible span {start}-{end}", str(path))
        if start < prev - 1e-6:
            return Problem(ERROR, f"segment {n} starts before the one above it", str(path))
        if limit > DURATION_SLACK_S and end > limit:
            return Problem(
                ERROR,
                f"segment {n} ends at {end:.2f} s, past the end of its media "
                f"({limit - DURATION_SLACK_S:.2f} s): the transcript belongs to another file?",
                str(path),
                f"re-transcribe with --force ({rec.get('media_id')})",
            )
        prev = start
    return None
