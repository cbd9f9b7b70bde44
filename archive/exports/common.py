"""What every export shares: atomic writes, passages and timecode columns.

An export is handed to people outside the archive (editors, producers, researchers),
so two things matter more than anywhere else: a half-written file must never replace a
good one (temp file + ``os.replace``), and passages about minors or people who spoke
off the record must not leak by default. Which passages are sensitive and what an
export does with them is decided in ``tapelog.archive.sensitivity`` alone (the names
re-exported here are that module's).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tapelog.archive import atomic
from tapelog.archive.errors import ExportError, UsageError
from tapelog.archive.exports.textsafe import clean
from tapelog.archive.models import MediaRecord
from tapelog.archive.sensitivity import (
    INCLUDE,
    OMIT,
    REDACT,
    REDACTED_NAME,
    SENSITIVITY_MODES,
    Sensitivity,
    Span,
    flags_for,
    name_key,
    redact_names,
    redaction_text,
    sensitivity_note,
)
from tapelog.media.timecode import FrameRate, running_time, source_frame, source_timecode
from tapelog.transcribe.types import Segment

__all__ = [
    "INCLUDE",
    "OMIT",
    "REDACT",
    "REDACTED_NAME",
    "SENSITIVITY_MODES",
    "ExportResult",
    "Passage",
    "Sensitivity",
    "Span",
    "flags_for",
    "name_key",
    "redact_names",
    "redaction_text",
    "sensitivity_note",
]

TC_SOURCE = "source"
TC_RUNNING = "running"
TC_MODES = (TC_SOURCE, TC_RUNNING)

# Audio-only files have no frame rate; editors' timelines still need one.
DEFAULT_RATE = FrameRate(25)


# -- writing -----------------------------------------------------------------------


# An editor's EDL or clip on shared storage must be as readable as any file they save
# (0644 under the usual umask 022); overwriting keeps the old file's mode.
_FILE_MODE = atomic.DEFAULT_MODE


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temp path next to ``path``; on success it replaces ``path`` in one step.

    The temp file is created exclusively (``archive.atomic``: a random name, never
    through a link planted in a shared folder) and keeps the target's extension, so
    ffmpeg and the docx writer pick the right format. On any error it is removed and
    the old file (if any) is untouched.
    """
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError("is a folder; give a file name", path=str(target))
    if not folder.is_dir():
        raise ExportError(f"folder {folder} does not exist", path=str(target))
    try:
        with atomic.atomic_output(target, suffix=f".part{target.suffix}") as tmp:
            yield tmp
    except OSError as exc:
        raise ExportError(f"cannot write ({exc.strerror or exc})", path=str(target)) from None


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) atomically."""
    target = Path(path).expanduser()
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    return target


# -- results -----------------------------------------------------------------------


@dataclass
class ExportResult:
    """What an export wrote, and what it held back."""

    path: str
    format: str
    items: int = 0
    omitted: int = 0
    redacted: int = 0
    notes: list[str] = field(default_factory=list)
    included: int = 0  # sensitive passages kept because the user asked
    withheld: int = 0  # of ``omitted``: asked to redact, but footage cannot be

    @property
    def sensitivity_note(self) -> str | None:
        return sensitivity_note(self.omitted, self.redacted, self.included, self.withheld)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "items": self.items,
            "omitted": self.omitted,
            "redacted": self.redacted,
            "included": self.included,
            "notes": self.notes,
        }


# -- passages ----------------------------------------------------------------------


@dataclass
class Passage:
    """A span of one media file that an export shows: a tag, a link, a select."""

    media: MediaRecord
    start: float
    end: float
    text: str = ""
    speaker: str | None = None
    themes: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    note: str = ""
    kind: str = "tag"  # tag / link / select
    flags: list[str] = field(default_factory=list)  # sensitive flags it overlaps
    redacted: bool = False
    # What a redaction must hide besides the words: names shown in people, cases or
    # speaker (as ``name_key``) -> what to show instead. None: not known, so every
    # person's name is hidden.
    hide: dict[str, str] | None = None
    # ``text`` names who says each line (``A: ... / B: ...``): more than one voice.
    credited: bool = False

    def __post_init__(self) -> None:
        # Text from anywhere (transcripts, corrections, notes, sheets): one line each,
        # nothing an XML or DOCX file cannot hold (see ``textsafe``).
        self.text = clean(self.text)
        self.note = clean(self.note)
        self.speaker = clean(self.speaker) or None if self.speaker is not None else None
        self.themes = [clean(x) for x in self.themes]
        self.people = [clean(x) for x in self.people]
        self.cases = [clean(x) for x in self.cases]

    @property
    def media_id(self) -> str:
        return self.media.id

    @property
    def tags_text(self) -> str:
        """``theme: x; person: y; case: z`` for one column."""
        parts = []
        if self.themes:
            parts.append("theme: " + ", ".join(self.themes))
        if self.people:
            parts.append("person: " + ", ".join(self.people))
        if self.cases:
            parts.append("case: " + ", ".join(self.cases))
        return "; ".join(parts)

    @property
    def label(self) -> str:
        """A short marker name: what the passage is about, led by its flags if kept."""
        about = self.tags_text or self.note or self.kind
        if self.redacted:
            return f"{about} [redacted]"
        return f"{self.flag_tag} {about}" if self.flags else about

    @property
    def flag_mark(self) -> str:
        """``⚠ minor, no-release`` for a sensitive passage shown in full, else ``""``."""
        return f"⚠ {', '.join(self.flags)}" if self.flags and not self.redacted else ""

    @property
    def flag_tag(self) -> str:
        """``[MINOR, NO-RELEASE]``: the ASCII mark for timelines (EDL is ASCII)."""
        return f"[{', '.join(self.flags).upper()}]" if self.flags else ""


def timeline_passage(p: Passage) -> Passage:
    """``p`` as a timeline marker shows it: a kept sensitive passage's comment says so.

    The marker's name already leads with the flags (``Passage.label``); FCP 7 shows
    the comment apart from the name, so the flags go there too (through the note).
    """
    if not p.flags or p.redacted:
        return p
    return dataclasses.replace(p, note=f"{p.flag_tag} {p.note}".strip())


def quote_for(segments: Sequence[Segment], start: float, end: float) -> str:
    """The transcript words spoken between ``start`` and ``end`` (overlapping lines)."""
    lines = [s.text.strip() for s in segments if s.start < end and s.end > start]
    return " ".join(t for t in lines if t)


UNNAMED = "(unnamed)"
CREDIT_SEP = " / "


def credited_quote(
    segments: Sequence[Segment], start: float, end: float, names: dict[str, str]
) -> tuple[str, bool]:
    """The words spoken in ``start..end``, each line credited when several voices speak.

    One voice: the plain words (the export names the speaker apart). Several: each
    line led by its speaker (``Interviewer: What did the police say? / Mr. Liu: ...``),
    so a question is never credited to the person who answers it. A line without a
    speaker label is credited to ``(unnamed)``. Returns the text and whether credited.
    """
    lines = [s for s in segments if s.start < end and s.end > start and s.text.strip()]
    voices = {s.speaker or None for s in lines}
    if len(voices) <= 1:
        return " ".join(s.text.strip() for s in lines), False
    parts: list[tuple[str, str]] = []
    for s in lines:
        who = names.get(s.speaker, s.speaker) if s.speaker else UNNAMED
        text = s.text.strip()
        if parts and parts[-1][0] == who:
            parts[-1] = (who, f"{parts[-1][1]} {text}")
        else:
            parts.append((who, text))
    return CREDIT_SEP.join(f"{who}: {text}" for who, text in parts), True


def speaker_for(segments: Sequence[Segment], start: float, end: float) -> str | None:
    """The speaker label who says most of ``start..end``."""
    talk: dict[str, float] = {}
    for s in segments:
        if s.speaker and s.start < end and s.end > start:
            talk[s.speaker] = talk.get(s.speaker, 0.0) + min(s.end, end) - max(s.start, start)
    return max(talk, key=lambda k: talk[k]) if talk else None


# -- timecode columns --------------------------------------------------------------


def rate_of(media: MediaRecord) -> FrameRate | None:
    info = media.info
    if not info.fps_num or not info.fps_den:
        return None
    try:
        return FrameRate(int(info.fps_num), int(info.fps_den))
    except UsageError:
        return None


def has_source_tc(media: MediaRecord) -> bool:
    return source_frame(0.0, *_tc_args(media)) is not None


def _tc_args(media: MediaRecord) -> tuple[str | None, int | None, int | None, bool]:
    info = media.info
    return info.start_timecode, info.fps_num, info.fps_den, bool(info.drop_frame)


def time_label(media: MediaRecord, seconds: float, mode: str = TC_SOURCE) -> str:
    """Source timecode (``10:00:42:13``) when asked and known, else running time."""
    if mode not in TC_MODES:
        raise UsageError(f"unknown timecode mode '{mode}' (source/running)")
    if mode == TC_SOURCE:
        tc = source_timecode(seconds, *_tc_args(media))
        if tc is not None:
            return tc
    return running_time(seconds)


def end_label(media: MediaRecord, seconds: float, mode: str = TC_SOURCE) -> str:
    """The out point of a passage ending at ``seconds``: the first frame after it.

    Editors' out points are exclusive, so a passage ending inside frame 40 ends at the
    label of frame 41.
    """
    if mode == TC_SOURCE and has_source_tc(media):
        rate = rate_of(media)
        assert rate is not None
        frames = frames_ceil(rate, seconds)
        return time_label(media, rate.seconds_at(frames), mode)
    return running_time(seconds)


def frames_ceil(rate: FrameRate, seconds: float) -> int:
    """Frames up to and including the one ``seconds`` falls inside (exclusive end)."""
    frame = rate.frame_at(seconds)
    return frame if abs(rate.seconds_at(frame) - seconds) < 1e-6 else frame + 1


def safe_name(text: str) -> str:
    """A file-name-safe version of a timecode or clip name."""
    bad = '<>:;"/\\|?*\n\r\t'
    out = "".join("-" if c in bad else c for c in text).strip(" .")
    return out or "clip"
