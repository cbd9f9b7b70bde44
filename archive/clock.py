"""One clock for every list, view, notification and dialog: what a crew reads off a file.

A crew logs and talks in the camera's timecode, so a point in a file is shown as the
source timecode of the frame it falls in (``10:00:42:13``) wherever the file has one,
and a length as a count of frames (``00:01:34:24``). Files without timecode (sound
recorders, phones) and anyone who asks for it (``--time running``) get running time
from the start of the file, ``H:MM:SS.s``. Both are floored: to the frame a moment
falls in, or to the tenth of a second, so a value never rounds up into a minute that
has not begun (599.99 s is ``0:09:59.9``, never ``0:09:60.0``) and a file is the same
length in the CLI and the TUI. Every input takes either form (``parse``).

Exports keep their own clocks (milliseconds for subtitles, exclusive out points for
editors): see ``archive.exports.common``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from tapelog.archive.errors import TapelogError, UsageError
from tapelog.media.timecode import (
    FrameRate,
    frames_to_timecode,
    parse_media_time,
    timecode_to_frames,
)

# Float seconds a hair below a tenth (42.5 stored as 42.49999999) still mean that tenth.
_TENTH_EPSILON = 1e-6


class TimeMode(StrEnum):
    """How a time is shown: the file's own timecode, or time from the file's start."""

    SOURCE = "source"
    RUNNING = "running"


def running_clock(seconds: float | None) -> str:
    """``H:MM:SS.s`` from the start of a file, floored to the tenth; ``-`` for no time."""
    if seconds is None or not math.isfinite(seconds):
        return "-"
    tenths = math.floor(max(0.0, float(seconds)) * 10 + _TENTH_EPSILON)
    s, tenth = divmod(tenths, 10)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}.{tenth}"


@dataclass(frozen=True)
class Clock:
    """The clock of one file: its rate and first label, and how times are shown."""

    mode: TimeMode = TimeMode.SOURCE
    rate: FrameRate | None = None
    start_frame: int = 0
    drop_frame: bool = False
    start_tc: str | None = None
    duration: float | None = None

    @classmethod
    def of(cls, media: object | None, mode: TimeMode | str = TimeMode.SOURCE) -> Clock:
        """The clock of ``media`` (a MediaRecord, or None for a plain running clock)."""
        mode = time_mode(mode)
        info = getattr(media, "info", None)
        if info is None:
            return cls(mode)
        duration = info.duration
        tc, num, den = info.start_timecode, info.fps_num, info.fps_den
        if not tc or not num or not den:
            return cls(mode, duration=duration)
        try:
            rate = FrameRate(int(num), int(den))
            drop = bool(info.drop_frame) and rate.is_drop_frame
            start = timecode_to_frames(tc, rate, drop)
        except UsageError:  # a damaged label: the file is shown in running time
            return cls(mode, duration=duration)
        return cls(mode, rate, start, drop, tc, duration)

    @property
    def timecode(self) -> bool:
        """Whether times are shown as source timecode (the file has it, and it is asked)."""
        return self.rate is not None and self.mode == TimeMode.SOURCE

    def at(self, seconds: float | None) -> str:
        """A point in the file: the label of the frame it falls in, or running time."""
        if seconds is None or not math.isfinite(seconds):
            return "-"
        if not self.timecode:
            return running_clock(seconds)
        assert self.rate is not None
        frame = self.start_frame + self.rate.frame_at(max(0.0, seconds))
        return frames_to_timecode(frame, self.rate, self.drop_frame)

    def length(self, seconds: float | None) -> str:
        """A length: whole frames counted as timecode (``00:01:34:24``), or running time."""
        if seconds is None or not math.isfinite(seconds):
            return "-"
        if not self.timecode:
            return running_clock(seconds)
        assert self.rate is not None
        return frames_to_timecode(self.rate.frame_at(max(0.0, seconds)), self.rate, self.drop_frame)

    def end(self, seconds: float | None) -> str:
        """An out point, exclusive as editors read it: the first frame (or tenth) after
        a passage, unless it ends exactly on one. A one-frame tag is ``X-X+1``, never
        ``X-X``; a typed out point shows as typed."""
        if seconds is None or not math.isfinite(seconds):
            return "-"
        seconds = max(0.0, seconds)
        if not self.timecode:
            tenths = math.ceil(seconds * 10 - _TENTH_EPSILON)
            return running_clock(tenths / 10)
        assert self.rate is not None
        frame = self.rate.frame_at(seconds)
        if abs(self.rate.seconds_at(frame) - seconds) > _TENTH_EPSILON:
            frame += 1
        return frames_to_timecode(self.start_frame + frame, self.rate, self.drop_frame)

    def span(self, start: float, end: float) -> str:
        """``in-out`` of a passage: its first frame, and the exclusive out point."""
        return f"{self.at(start)}-{self.end(end)}"

    def parse(self, text: str) -> float:
        """Seconds into the file from seconds, ``H:MM:SS.s`` or one of its timecodes."""
        return parse_media_time(
            text,
            self.start_tc if self.rate else None,
            self.rate.num if self.rate else None,
            self.rate.den if self.rate else None,
            self.drop_frame,
            duration=self.duration,
        )


class Clocks(dict[str, Clock]):
    """Each file's clock by media id, looked up once for a whole list."""

    def __init__(self, archive: object, mode: TimeMode | str = TimeMode.SOURCE) -> None:
        super().__init__()
        self.archive, self.mode = archive, time_mode(mode)

    def __missing__(self, media_id: str) -> Clock:
        try:
            clock = Clock.of(self.archive.get_media(media_id), self.mode)  # type: ignore[attr-defined]
        except TapelogError:  # a record naming a file no longer here: running time
            clock = Clock.of(None, self.mode)
        self[media_id] = clock
        return clock


def time_mode(value: TimeMode | str | None) -> TimeMode:
    """``source``/``running`` as a TimeMode; anything else is refused in one line."""
    if value is None:
        return TimeMode.SOURCE
    try:
        return TimeMode(str(value).strip().lower())
    except ValueError:
        raise UsageError(f"unknown time mode '{value}' (source or running)") from None


def time_label(media: object | None, seconds: float | None, mode: TimeMode | str = "source") -> str:
    """A point in ``media`` as a crew reads it (see ``Clock.at``)."""
    return Clock.of(media, mode).at(seconds)


def length_label(
    media: object | None, seconds: float | None, mode: TimeMode | str = "source"
) -> str:
    """A length in ``media`` as a crew reads it (see ``Clock.length``)."""
    return Clock.of(media, mode).length(seconds)


def parse_time_input(media: object | None, text: str) -> float:
    """Seconds into ``media`` from anything a crew types: seconds, running time, timecode."""
    return Clock.of(media).parse(text)


__all__ = [
    "Clock",
    "Clocks",
    "TimeMode",
    "length_label",
    "parse_time_input",
    "running_clock",
    "time_label",
    "time_mode",
]
