"""Transcripts as subtitles (SRT, WebVTT), plain text and JSON with words.

Subtitle cue times are running time by default (they play against the file itself, in
a player or on the clip); asked for source timecode (``tc="source"``) they are the
file's timecode labels, for a timeline that starts at the camera's timecode. Plain
text and JSON carry source timecode by default when the file has one, so a
researcher's page and the editor's monitor agree. A file without source timecode
gets running time in every format, and the export's notes say so when source
timecode was asked for. For an interview transcribed with ``task=translate`` the
English goes side by side with the original-language transcript of the same file, if
one was made: each English line is paired with the original lines it overlaps.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tapelog.archive.errors import UsageError
from tapelog.archive.exports.common import (
    TC_MODES,
    TC_RUNNING,
    TC_SOURCE,
    ExportResult,
    Sensitivity,
    Span,
    end_label,
    flags_for,
    frames_ceil,
    has_source_tc,
    quote_for,
    rate_of,
    time_label,
    write_text,
)
from tapelog.archive.exports.subtitles import MAX_CHARS, Cue, SubtitleStyle, cues_for
from tapelog.archive.exports.textsafe import clean
from tapelog.archive.models import STATUS_DONE, MediaRecord
from tapelog.media.timecode import parse_timecode
from tapelog.transcribe.types import Segment

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

TRANSCRIPT_FORMATS = ("srt", "vtt", "txt", "json")
SUBTITLE_FORMATS = ("srt", "vtt")


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


def _label_clock(label: str, nominal: int, sep: str) -> str:
    """A timecode label as a subtitle clock: ``10:00:42:13`` at 25 fps -> ``10:00:42,520``.

    The label's own hours, minutes and seconds, and its frames as milliseconds of a
    timecode second (``round(FF / nominal fps * 1000)``): that is where an NLE shows the
    frame on a timeline starting at the source timecode, drop-frame labels included.
    """
    h, m, s, f, _drop = parse_timecode(label)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{round(f * 1000 / nominal):03d}"


CueClock = Callable[[Segment, str], tuple[str, str]]


def running_cues(seg: Segment, sep: str) -> tuple[str, str]:
    """Cue in/out in running time (milliseconds from the file's start)."""
    return _clock(seg.start, sep), _clock(max(seg.end, seg.start + 0.001), sep)


def source_cues(media: MediaRecord) -> CueClock | None:
    """Cue in/out at ``media``'s source timecode, frame-exact; None without timecode.

    A cue starts on the label of the frame the line starts in and ends on the label of
    the first frame after it (an editor's exclusive out point), at least one frame on.
    """
    rate = rate_of(media)
    if rate is None or not has_source_tc(media):
        return None

    def cues(seg: Segment, sep: str) -> tuple[str, str]:
        first = rate.frame_at(max(0.0, seg.start))
        after = max(first + 1, frames_ceil(rate, max(0.0, seg.end)))
        labels = (time_label(media, rate.seconds_at(f), TC_SOURCE) for f in (first, after))
        start, end = (_label_clock(label, rate.nominal, sep) for label in labels)
        return start, end

    return cues


def _cue_text(cue: Cue) -> str:
    # A blank line would end the cue early.
    return "\n".join(t for t in cue.lines if t.strip()) or "…"


def to_srt(
    lines: Sequence[Line], clock: CueClock = running_cues, style: SubtitleStyle | None = None
) -> str:
    """SRT cues cut as ``style`` says (see ``subtitles``)."""
    blocks = []
    for n, cue in enumerate(cues_for(lines, style), 1):
        start, end = clock(cue.segment, ",")
        blocks.append(f"{n}\n{start} --> {end}\n{_cue_text(cue)}\n")
    return "\n".join(blocks)


def to_vtt(
    lines: Sequence[Line],
    note: str | None = None,
    clock: CueClock = running_cues,
    style: SubtitleStyle | None = None,
) -> str:
    """WebVTT cues cut as ``style`` says, the export's note as a NOTE block."""
    out = ["WEBVTT", ""]
    if note:
        out += [f"NOTE {note.replace('-->', '->')}", ""]
    for cue in cues_for(lines, style):
        start, end = clock(cue.segment, ".")
        out += [f"{start} --> {end}", _cue_text(cue).replace("-->", "->"), ""]
    return "\n".join(out)


def to_txt(
    media: MediaRecord,
    lines: Sequence[Line],
    *,
    timecodes: bool = True,
    tc: str = TC_SOURCE,
    note: str | None = None,
    speakers: bool = True,
) -> str:
    out = [f"# {media.name} ({media.id})"]
    if note:
        out.append(f"# Note: {note}")
    out.append("")
    for line in lines:
        head = f"[{time_label(media, line.segment.start, tc)}] " if timecodes else ""
        who = f"{clean(line.speaker)}: " if line.speaker and speakers else ""
        # One line per segment: a newline or control character in a correction would
        # break the layout a researcher reads (``textsafe.clean``).
        out.append(f"{head}{who}{clean(line.text)}")
        if line.original:
            pad = " " * len(head)
            out.append(f"{pad}{clean(line.original)}")
    return "\n".join(out) + "\n"


def to_json(
    media: MediaRecord,
    lines: Sequence[Line],
    *,
    tc: str = TC_SOURCE,
    note: str | None = None,
    result: ExportResult | None = None,
    translated: bool = False,
) -> str:
    """The transcript as JSON, words and all.

    ``translated``: the lines are Whisper's English translation, so ``language`` is
    ``en`` and ``original_language`` names what was spoken; a reader (or a script that
    picks a subtitle track by language) must not take English for Mandarin.
    """
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
        "language": "en" if translated else media.language,
        **({"original_language": media.language} if translated else {}),
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
        flags = flags_for(sensitive, seg.start, seg.end)
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
    tc: str | None = None,
    style: SubtitleStyle | None = None,
    translated: bool = False,
) -> ExportResult:
    """Write explicit segments (the pure core of ``export_transcript``).

    ``style``: how subtitle cues are cut (42 characters a line, 2 lines, 1-7 s, the
    speaker named at each change; see ``subtitles``); its ``speakers`` applies to
    plain text too.

    ``tc`` is ``"source"`` or ``"running"``; None means each format's default: running
    time for SRT/WebVTT cues (subtitles play against the file), source timecode for
    text and JSON. SRT/WebVTT at source timecode give each cue the timecode labels of
    its first frame and of the first frame after it, as ``HH:MM:SS,mmm`` with the
    frames as ``round(FF / nominal fps * 1000)`` ms, so the cues line up with an NLE
    timeline that starts at the file's timecode (29.97 drop-frame: the label's own
    hours, minutes and seconds, not frames / 29.97). A file without source timecode
    gets running time, and the result's notes say so when source timecode was asked.
    """
    if fmt not in TRANSCRIPT_FORMATS:
        raise UsageError(f"unknown transcript format '{fmt}' ({', '.join(TRANSCRIPT_FORMATS)})")
    if tc is None:
        tc = TC_RUNNING if fmt in SUBTITLE_FORMATS else TC_SOURCE
    if tc not in TC_MODES:
        raise UsageError(f"unknown timecode mode '{tc}' (source/running)")
    sens = sensitivity or Sensitivity()
    lines = build_lines(
        segments, speakers=speakers, original=original, sensitive=sensitive, sensitivity=sens
    )
    note = sens.note
    clock = (source_cues(media) if tc == TC_SOURCE else None) or running_cues
    style = style or SubtitleStyle()
    if fmt == "srt":
        text = to_srt(lines, clock, style)
    elif fmt == "vtt":
        text = to_vtt(lines, note, clock, style)
    elif fmt == "txt":
        text = to_txt(media, lines, timecodes=timecodes, tc=tc, note=note, speakers=style.speakers)
    else:
        text = to_json(media, lines, tc=tc, note=note, translated=translated)
    out = write_text(path, text)
    result = ExportResult(str(out), fmt, items=len(lines))
    if original is not None:
        result.notes.append("English and original side by side")
    if tc == TC_SOURCE and not has_source_tc(media) and (fmt != "txt" or timecodes):
        result.notes.append(f"{media.name} has no source timecode: times are running time")
    return sens.fill(result)


TEXTS = ("original", "translation", "both")


def text_kind(media: MediaRecord, text: str | None, side_by_side: bool = True) -> str:
    """Which text an export writes: ``text`` checked, or the default for ``media``."""
    if text is None:
        text = ("both" if side_by_side else "translation") if media.translation_id else "original"
    if text not in TEXTS:
        raise UsageError(f"unknown text '{text}' ({', '.join(TEXTS)})")
    return text


def texts_for(
    archive: Archive, media: MediaRecord, text: str | None, side_by_side: bool = True
) -> tuple[list[Segment], list[Segment] | None]:
    """The lines to write and, for ``both``, the original to set beside each line.

    ``text``: ``original`` (the words spoken, with corrections), ``translation`` (the
    current English translation) or ``both`` (the translation with the current
    original beside it, never an older one). None: ``both`` when there is a
    translation (``translation`` alone without ``side_by_side``), else ``original``.
    """
    text = text_kind(media, text, side_by_side)
    if text == "original":
        return archive.segments(media.id), None
    if not media.translation_id:
        raise UsageError(
            f"{media.id} has no translation yet (`tapelog transcribe {media.id} --translate`)"
        )
    translation = archive.translation_segments(media.id)
    if not translation:
        raise UsageError(f"{media.id} was translated and no speech was found: nothing to export")
    if text == "translation":
        return translation, None
    return translation, archive.segments(media.id) or None


def export_transcript(
    archive: Archive,
    media_id: str,
    path: str | Path,
    fmt: str,
    *,
    tc: str | None = None,
    timecodes: bool = True,
    side_by_side: bool = True,
    include_sensitive: bool = False,
    redact: bool = False,
    max_chars: int = MAX_CHARS,
    speakers: bool = True,
    text: str | None = None,
) -> ExportResult:
    """Write ``media_id``'s current transcript as ``fmt`` (see ``write_transcript``).

    ``max_chars``: characters a subtitle line holds; ``speakers``: name who speaks.

    ``tc``: ``"source"`` or ``"running"``; None is each format's default (running
    time for SRT/WebVTT, source timecode for text and JSON).
    """
    from tapelog.archive.sensitivity import sensitive_map

    media = archive.get_media(media_id)
    segments, original = texts_for(archive, media, text, side_by_side)
    if not segments and media.transcript_status == STATUS_DONE:
        raise UsageError(f"{media_id} was transcribed and no speech was found: nothing to export")
    if not segments and not media.info.has_audio:
        raise UsageError(f"{media_id} has no audio: there is no transcript to export")
    if not segments:
        raise UsageError(f"{media_id} has no transcript yet (run `tapelog transcribe {media_id}`)")
    return write_transcript(
        media,
        segments,
        path,
        fmt,
        speakers=archive.speaker_names(media_id),
        original=original,
        sensitive=sensitive_map(archive).of(media_id),
        sensitivity=Sensitivity.from_flags(include_sensitive, redact),
        timecodes=timecodes,
        tc=tc,
        style=SubtitleStyle(max_chars=max_chars, speakers=speakers),
        translated=text_kind(media, text, side_by_side) != "original",
    )
