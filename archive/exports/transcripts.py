"""Transcripts as subtitles (SRT, WebVTT), plain text and JSON with words.

Subtitle cue times are running time (they play against the file itself); plain text
and JSON carry source timecode when the file has one, so a researcher's page and the
editor's monitor agree. For an interview transcribed with ``task=translate`` the
English goes side by side with the original-language transcript of the same file, if
one was made: each English line is paired with the original lines it overlaps.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archive.errors import UsageError
from archive.exports.common import (
    TC_SOURCE,
    ExportResult,
    Sensitivity,
    Span,
    end_label,
    overlapping_flags,
    quote_for,
    time_label,
    write_text,
)
from archive.models import STATUS_DONE, MediaRecord
from transcribe.types import Segment

if TYPE_CHECKING:
    from archive.service import Archive

TRANSCRIPT_FORMATS = ("srt", "vtt", "txt", "json")


@dataclass
class Line:
    """One transcript line as exported: maybe redacted, maybe with its original."""

    segment: Segment
    text: str
    speaker: str | None = None
    original: str | None = None
    flags: list[str] = field(default_factory=list)


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    s, ms = divmod(ms, 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cue_text(line: Line) -> str:
    text = line.text.strip()
    if line.speaker:
        text = f"{line.speaker}: {text}"
    if line.original:
        text = f"{text}\n{line.original.strip()}"
    # A blank line would end the cue early.
    return "\n".join(t for t in text.splitlines() if t.strip()) or "…"


def to_srt(lines: Sequence[Line]) -> str:
    blocks = []
    for n, line in enumerate(lines, 1):
        seg = line.segment
        end = max(seg.end, seg.start + 0.001)
        span = f"{_clock(seg.start, ',')} --> {_clock(end, ',')}"
        blocks.append(f"{n}\n{span}\n{_cue_text(line)}\n")
    return "\n".join(blocks)


def to_vtt(lines: Sequence[Line], note: str | None = None) -> str:
    out = ["WEBVTT", ""]
    if note:
        out += [f"NOTE {note.replace('-->', '->')}", ""]
    for line in lines:
        seg = line.segment
        end = max(seg.end, seg.start + 0.001)
        text = _cue_text(line).replace("-->", "->")
        out += [f"{_clock(seg.start, '.')} --> {_clock(end, '.')}", text, ""]
    return "\n".join(out)


def to_txt(
    media: MediaRecord,
    lines: Sequence[Line],
    *,
    timecodes: bool = True,
    tc: str = TC_SOURCE,
    note: str | None = None,
) -> str:
    out = [f"# {media.name} ({media.id})"]
    if note:
        out.append(f"# Note: {note}")
    out.append("")
    for line in lines:
        head = f"[{time_label(media, line.segment.start, tc)}] " if timecodes else ""
        who = f"{line.speaker}: " if line.speaker else ""
        out.append(f"{head}{who}{line.text.strip()}")
        if line.original:
            pad = " " * len(head)
            out.append(f"{pad}{line.original.strip()}")
    return "\n".join(out) + "\n"


def to_json(
    media: MediaRecord,
    lines: Sequence[Line],
    *,
    tc: str = TC_SOURCE,
    note: str | None = None,
    result: ExportResult | None = None,
) -> str:
    segs = []
    for line in lines:
        seg = line.segment
        redacted = line.text != seg.text and bool(line.flags)
        entry = {
            "start": round(seg.start, 3),
            "end": round(seg.end, 3),
            "tc_in": time_label(media, seg.start, tc),
            "tc_out": end_label(media, seg.end, tc),
            "speaker": line.speaker,
            "text": line.text,
            "words": []
            if redacted
            else [
                {
                    "start": round(w.start, 3),
                    "end": round(w.end, 3),
                    "word": w.word,
                    "probability": round(w.probability, 4),
                    "tc": time_label(media, w.start, tc),
                }
                for w in seg.words
            ],
        }
        if line.original is not None:
            entry["original"] = line.original
        if line.flags:
            entry["redacted"] = redacted
        segs.append(entry)
    doc = {
        "media_id": media.id,
        "file": media.name,
        "path": media.path,
        "start_timecode": media.info.start_timecode,
        "fps": [media.info.fps_num, media.info.fps_den] if media.info.fps_num else None,
        "drop_frame": media.info.drop_frame,
        "language": media.language,
        "note": note,
        "segments": segs,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def build_lines(
    segments: Sequence[Segment],
    *,
    speakers: dict[str, str] | None = None,
    original: Sequence[Segment] | None = None,
    sensitive: Sequence[Span] = (),
    sensitivity: Sensitivity,
) -> list[Line]:
    """Lines to export: named speakers, originals paired, sensitive lines handled."""
    names = speakers or {}
    out = []
    for seg in segments:
        flags = overlapping_flags(sensitive, seg.start, seg.end)
        if not sensitivity.keep(flags):
            continue
        text = sensitivity.text(seg.text, flags)
        orig = None
        if original is not None:
            orig = quote_for(original, seg.start, seg.end)
            if orig and text != seg.text:
                orig = text  # a redacted line is redacted in both languages
        label = seg.speaker
        out.append(Line(seg, text, names.get(label, label) if label else None, orig, flags))
    return out


def write_transcript(
    media: MediaRecord,
    segments: Sequence[Segment],
    path: str | Path,
    fmt: str,
    *,
    speakers: dict[str, str] | None = None,
    original: Sequence[Segment] | None = None,
    sensitive: Sequence[Span] = (),
    sensitivity: Sensitivity | None = None,
    timecodes: bool = True,
    tc: str = TC_SOURCE,
) -> ExportResult:
    """Write explicit segments (the pure core of ``export_transcript``)."""
    if fmt not in TRANSCRIPT_FORMATS:
        raise UsageError(f"unknown transcript format '{fmt}' ({', '.join(TRANSCRIPT_FORMATS)})")
    sens = sensitivity or Sensitivity()
    lines = build_lines(
        segments, speakers=speakers, original=original, sensitive=sensitive, sensitivity=sens
    )
    note = sens.note
    if fmt == "srt":
        text = to_srt(lines)
    elif fmt == "vtt":
        text = to_vtt(lines, note)
    elif fmt == "txt":
        text = to_txt(media, lines, timecodes=timecodes, tc=tc, note=note)
    else:
        text = to_json(media, lines, tc=tc, note=note)
    out = write_text(path, text)
    result = ExportResult(str(out), fmt, items=len(lines))
    if original is not None:
        result.notes.append("English and original side by side")
    return sens.fill(result)


def original_segments(archive: Archive, media: MediaRecord) -> list[Segment] | None:
    """The original-language transcript beside a current translation, if there is one."""
    if not media.transcript_id:
        return None
    current = archive.get_transcript(media.transcript_id)
    if current.options.get("task") != "translate":
        return None
    others = [
        t
        for t in archive.transcripts(media.id)
        if t.id != current.id
        and t.status == STATUS_DONE
        and t.options.get("task", "transcribe") != "translate"
    ]
    if not others:
        return None
    return archive.raw_segments(media.id, others[-1].id)


def export_transcript(
    archive: Archive,
    media_id: str,
    path: str | Path,
    fmt: str,
    *,
    tc: str = TC_SOURCE,
    timecodes: bool = True,
    side_by_side: bool = True,
    include_sensitive: bool = False,
    redact: bool = False,
) -> ExportResult:
    from archive.exports.records import sensitive_spans

    media = archive.get_media(media_id)
    segments = archive.segments(media_id)
    if not segments:
        raise UsageError(f"{media_id} has no transcript yet (run `tapelog transcribe {media_id}`)")
    original = original_segments(archive, media) if side_by_side else None
    return write_transcript(
        media,
        segments,
        path,
        fmt,
        speakers=archive.speaker_names(media_id),
        original=original,
        sensitive=sensitive_spans(archive).get(media_id, []),
        sensitivity=Sensitivity.from_flags(include_sensitive, redact),
        timecodes=timecodes,
        tc=tc,
    )
