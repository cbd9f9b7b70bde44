"""What every export shares: atomic writes, passages, timecode columns and sensitivity.

An export is handed to people outside the archive (editors, producers, researchers),
so two things matter more than anywhere else: a half-written file must never replace a
good one (temp file + ``os.replace``), and passages about minors or people who spoke
off the record must not leak by default. ``Sensitivity`` decides per passage; every
export reports how many passages it left out, redacted or (when asked) included, so
the file and the CLI can say so. A redacted passage hides its words and the flagged
people's names; a timeline cannot redact a shot, so there it is left out instead. An
included one carries its flags where a reader sees them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tapelog.archive.errors import ExportError, UsageError
from tapelog.archive.models import SENSITIVE_FLAGS, MediaRecord
from tapelog.media.timecode import FrameRate, running_time, source_frame, source_timecode
from tapelog.transcribe.types import Segment

TC_SOURCE = "source"
TC_RUNNING = "running"
TC_MODES = (TC_SOURCE, TC_RUNNING)

# Sensitivity modes: leave passages out, replace their words, or keep them.
OMIT = "omit"
REDACT = "redact"
INCLUDE = "include"
SENSITIVITY_MODES = (OMIT, REDACT, INCLUDE)

# Audio-only files have no frame rate; editors' timelines still need one.
DEFAULT_RATE = FrameRate(25)


# -- writing -----------------------------------------------------------------------


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not thread-safe
# once the TUI's workers run. mkstemp makes 0600 files; an editor's EDL or clip on shared
# storage must be as readable as any file they save (0644 under the usual umask 022).
_FILE_MODE = 0o666 & ~_read_umask()


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temp path next to ``path``; on success it replaces ``path`` in one step.

    The temp file sits in the target folder so ``os.replace`` is a rename on the same
    file system; on any error it is removed and the old file (if any) is untouched.
    """
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError("is a folder; give a file name", path=str(target))
    if not folder.is_dir():
        raise ExportError(f"folder {folder} does not exist", path=str(target))
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=folder
        )
    except OSError as exc:
        raise ExportError(f"cannot write here ({exc.strerror or exc})", path=str(target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            mode = target.stat().st_mode & 0o7777  # overwriting keeps the file's mode
        except FileNotFoundError:
            mode = _FILE_MODE
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        raise ExportError(f"cannot write ({exc.strerror or exc})", path=str(target)) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) atomically."""
    target = Path(path).expanduser()
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    return target


def write_sequence(timeline: Any, path: str | Path, fmt: str, note: str | None = None) -> Path:
    """Write an OTIO timeline as ``fmt`` with ``note`` where its readers keep comments.

    ``timeline.write_timeline`` turns every ``--`` into ``-`` (an XML comment cannot
    hold ``--``), which made the EDL's note name a ``-include-sensitive`` option that
    does not exist. An EDL comment line can hold anything, so its note is added here;
    an XML comment names the option in words instead.
    """
    from tapelog.archive.exports.timeline import timeline_string, write_timeline

    if not note:
        return write_timeline(timeline, path, fmt)
    note = " ".join(note.split())
    if fmt != "edl":
        return write_timeline(timeline, path, fmt, note=xml_comment_note(note))
    # Readers reject comments before the first event; after the last one they are
    # that event's comments, which every reader keeps or skips.
    text = timeline_string(timeline, fmt).rstrip("\n") + f"\n* TAPELOG NOTE: {note}\n"
    return write_text(path, text)


def xml_comment_note(note: str) -> str:
    """``note`` as an XML comment may hold it: no ``--``, so options named in words."""
    note = note.replace("use --include-sensitive", "use the include-sensitive option")
    return note.replace("--", "-")


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


def _passages(n: int) -> str:
    return f"{n} sensitive passage{'s' if n != 1 else ''}"


def sensitivity_note(
    omitted: int, redacted: int, included: int = 0, withheld: int = 0
) -> str | None:
    """One line saying what was held back or kept, for the file and for the terminal.

    ``withheld`` counts the passages of ``omitted`` that were to be redacted but put
    picture and sound on a timeline, which no text can redact.
    """
    parts = []
    if omitted - withheld > 0:
        parts.append(f"{_passages(omitted - withheld)} left out")
    if withheld:
        parts.append(f"redaction cannot hide footage: {_passages(withheld)} left out")
    if redacted:
        parts.append(f"{_passages(redacted)} redacted")
    if parts:
        return (
            "; ".join(parts)
            + " (people flagged minor/off-record/no-release; use --include-sensitive to keep them)"
        )
    if included:
        return (
            f"{_passages(included)} included at your request"
            " (people flagged minor/off-record/no-release; each is marked with its flags)"
        )
    return None


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


def speaker_for(segments: Sequence[Segment], start: float, end: float) -> str | None:
    """The speaker label who says most of ``start..end``."""
    talk: dict[str, float] = {}
    for s in segments:
        if s.speaker and s.start < end and s.end > start:
            talk[s.speaker] = talk.get(s.speaker, 0.0) + min(s.end, end) - max(s.start, start)
    return max(talk, key=lambda k: talk[k]) if talk else None


# -- sensitivity -------------------------------------------------------------------

Span = tuple[float, float, list[str]]


def overlapping_flags(spans: Iterable[Span], start: float, end: float) -> list[str]:
    found = {f for s, e, flags in spans if start < e and end > s for f in flags}
    return sorted(found)


def redaction_text(flags: Sequence[str]) -> str:
    return f"[redacted: {', '.join(flags)}]"


REDACTED_NAME = "[redacted]"


def name_key(text: str) -> str:
    """How names are compared for redaction: case and spacing do not count."""
    return " ".join(text.split()).casefold()


def redact_names(p: Passage) -> None:
    """Hide the flagged people's names (and their cases' child names) in ``p``'s tags.

    Without ``p.hide`` (a passage not made by ``PassageBuilder``) nobody can tell
    which of its people are flagged, so every person's name is hidden.
    """
    if p.hide is None:
        p.people = [REDACTED_NAME for _ in p.people]
        return
    hide = p.hide
    p.people = [hide.get(name_key(x), x) for x in p.people]
    p.cases = [hide.get(name_key(x), x) for x in p.cases]
    if p.speaker:
        p.speaker = hide.get(name_key(p.speaker), p.speaker)


@dataclass
class Sensitivity:
    """Applies one mode to passages and counts what it did."""

    mode: str = OMIT
    omitted: int = 0
    redacted: int = 0
    included: int = 0
    withheld: int = 0

    def __post_init__(self) -> None:
        if self.mode not in SENSITIVITY_MODES:
            raise UsageError(f"unknown sensitivity mode '{self.mode}' (omit/redact/include)")

    @classmethod
    def from_flags(cls, include_sensitive: bool = False, redact: bool = False) -> Sensitivity:
        return cls(INCLUDE if include_sensitive else REDACT if redact else OMIT)

    def keep(self, flags: Sequence[str]) -> bool:
        """False (and counted) when a passage with ``flags`` is left out.

        A sensitive passage kept because the user asked is counted too, so the export
        can say so.
        """
        if flags and self.mode == OMIT:
            self.omitted += 1
            return False
        if flags and self.mode == INCLUDE:
            self.included += 1
        return True

    def text(self, text: str, flags: Sequence[str]) -> str:
        """The text to show for a kept passage (redacted when asked)."""
        if flags and self.mode == REDACT:
            self.redacted += 1
            return redaction_text(flags)
        return text

    def apply(self, passages: Iterable[Passage], *, footage: bool = False) -> list[Passage]:
        """The passages to export, sensitive ones left out or redacted (in place).

        ``footage``: the export lays each passage's picture and sound on a timeline
        (EDL / FCP XML). Words can be redacted there but the shot cannot, so a passage
        to redact is left out instead, and counted as ``withheld``.
        """
        out = []
        for p in passages:
            if p.flags and footage and self.mode == REDACT:
                self.omitted += 1
                self.withheld += 1
                continue
            if not self.keep(p.flags):
                continue
            if p.flags and self.mode == REDACT:
                p.text = self.text(p.text, p.flags)
                p.note = ""
                p.redacted = True
                redact_names(p)
            out.append(p)
        return out

    @property
    def note(self) -> str | None:
        return sensitivity_note(self.omitted, self.redacted, self.included, self.withheld)

    def fill(self, result: ExportResult) -> ExportResult:
        result.omitted += self.omitted
        result.redacted += self.redacted
        result.included += self.included
        result.withheld += self.withheld
        if self.note and self.note not in result.notes:
            result.notes.append(self.note)
        return result


def sensitive_spans_from(
    tags: Iterable[Any], people_flags: dict[str, list[str]]
) -> dict[str, list[Span]]:
    """media_id -> (start, end, flags) of tags naming a person with a sensitive flag."""
    out: dict[str, list[Span]] = {}
    for tag in tags:
        flags = sorted(
            {f for pid in tag.people for f in people_flags.get(pid, []) if f in SENSITIVE_FLAGS}
        )
        if flags:
            out.setdefault(tag.media_id, []).append((tag.start, tag.end, flags))
    return out


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
