"""Exact source timecode: the camera's own frame labels, at the file's exact frame rate.

Editors find a quote by the timecode burnt into their source monitor, so a passage at
10:00:42:13 must land on frame 13, not 12 or 14, hours into a file, at 23.976 and at
29.97 drop-frame alike. So rates are kept as exact fractions (30000/1001, never 29.97),
seconds become frames by flooring the exact product (with a tiny tolerance for float
noise, since 0.28 * 25 is 7.000000000000001 and 0.29 * 100 is 28.999999999999996).

The label arithmetic is SMPTE's: labels count frames at the nominal rate (30 for
29.97), and drop-frame skips the first 2 labels (4 at 59.94) of every minute not
divisible by ten. It is written out here rather than borrowed from OpenTimelineIO's
``opentime`` so that listing or searching an archive never loads OpenTimelineIO (a
third of a CLI command's start-up); tests/test_timecode.py checks it frame by frame
against ``opentime``, the code the EDL/XML adapters use, so labels and exports
cannot disagree. Labels that cannot exist (``00:01:00;00`` in drop-frame, frame 25
at 25 fps) are refused; the odd rates of phones and webcams (15, 12.5, 100 fps) have
only non-drop labels.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from tapelog.archive.errors import UsageError

# A frame boundary computed from float seconds may come out a hair below the integer.
_FRAME_EPSILON = 1e-6

# Rates within this relative distance of an NTSC rate are that rate (probes report
# 2997/100 or 29.97002997 for what the camera wrote as 30000/1001).
_NTSC_SNAP = 1e-4
_NTSC_BASES = (24, 30, 48, 60, 120)

_TC_RE = re.compile(r"^\s*(\d{1,2})[:;.](\d{2})[:;.](\d{2})([:;.,])(\d{2,3})\s*$")


@dataclass(frozen=True)
class FrameRate:
    """A frame rate as an exact fraction ``num/den`` frames per second."""

    num: int
    den: int = 1

    def __post_init__(self) -> None:
        if self.num <= 0 or self.den <= 0:
            raise UsageError(f"not a frame rate: {self.num}/{self.den}")
        frac = Fraction(self.num, self.den)
        for base in _NTSC_BASES:
            ntsc = Fraction(base * 1000, 1001)
            if frac != ntsc and abs(frac / ntsc - 1) < _NTSC_SNAP:
                frac = ntsc
                break
        object.__setattr__(self, "num", frac.numerator)
        object.__setattr__(self, "den", frac.denominator)

    @classmethod
    def of(cls, value: FrameRate | Fraction | float | int | str | tuple[int, int]) -> FrameRate:
        """A rate from ``25``, ``29.97``, ``"30000/1001"``, ``(24000, 1001)`` or a rate."""
        if isinstance(value, FrameRate):
            return value
        if isinstance(value, tuple):
            return cls(int(value[0]), int(value[1]))
        if isinstance(value, Fraction):
            return cls(value.numerator, value.denominator)
        if isinstance(value, str):
            try:
                frac = Fraction(value.strip())
            except (ValueError, ZeroDivisionError):
                raise UsageError(f"not a frame rate: '{value}'") from None
            return cls(frac.numerator, frac.denominator)
        if isinstance(value, int):
            return cls(value, 1)
        if isinstance(value, float) and math.isfinite(value) and value > 0:
            # 29.97 means 30000/1001: snapped in __post_init__.
            frac = Fraction(value).limit_denominator(1001)
            return cls(frac.numerator, frac.denominator)
        raise UsageError(f"not a frame rate: {value!r}")

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.num, self.den)

    @property
    def fps(self) -> float:
        return self.num / self.den

    @property
    def nominal(self) -> int:
        """Frames per timecode second: 30 for 29.97, 24 for 23.976."""
        return max(1, round(self.fraction))

    @property
    def is_drop_frame(self) -> bool:
        """Whether this rate is drop-frame by default (29.97 and 59.94)."""
        return self.fraction in (Fraction(30000, 1001), Fraction(60000, 1001))

    @property
    def dropped_per_minute(self) -> int:
        """Labels skipped at the start of each minute not divisible by ten (2 or 4)."""
        return 2 * self.nominal // 30 if self.is_drop_frame else 0

    def frames_per_day(self, drop_frame: bool) -> int:
        """Frames in 24 hours of labels (timecode wraps at midnight)."""
        per_day = 24 * 3600 * self.nominal
        if drop_frame:
            per_day -= 24 * 54 * self.dropped_per_minute
        return per_day

    def frame_at(self, seconds: float) -> int:
        """The frame ``seconds`` falls in (floored, float noise forgiven)."""
        exact = Fraction(seconds) * self.fraction
        return math.floor(exact + Fraction(_FRAME_EPSILON))

    def seconds_at(self, frame: int) -> float:
        """The time frame ``frame`` starts."""
        return float(Fraction(frame) / self.fraction)

    def __str__(self) -> str:
        return f"{self.num}/{self.den}" if self.den != 1 else str(self.num)


def _rate(rate: FrameRate | float | int | str | tuple[int, int]) -> FrameRate:
    return FrameRate.of(rate)


def _check_drop(rate: FrameRate, drop_frame: bool) -> None:
    if drop_frame and not rate.is_drop_frame:
        raise UsageError(f"drop-frame timecode needs 29.97 or 59.94 fps, not {rate} fps")


def parse_timecode(tc: str) -> tuple[int, int, int, int, bool]:
    """``(hours, minutes, seconds, frames, drop_frame_separator)`` of a label."""
    m = _TC_RE.match(tc or "")
    if not m:
        raise UsageError(f"not a timecode: '{tc}' (expected HH:MM:SS:FF or HH:MM:SS;FF)")
    h, mi, s, sep, f = int(m[1]), int(m[2]), int(m[3]), m[4], int(m[5])
    drop = sep in ";.," or ";" in tc
    return h, mi, s, f, drop


def timecode_to_frames(
    tc: str, rate: FrameRate | float | int | str, drop_frame: bool | None = None
) -> int:
    """Frames since 00:00:00:00 of the label ``tc``.

    ``drop_frame`` None: drop-frame when the label says so (``;`` before the frames).
    Labels that cannot exist (frame 25 at 25 fps, ``00:01:00;00`` in drop-frame) raise
    ``UsageError`` instead of silently meaning another frame.
    """
    fr = _rate(rate)
    h, mi, s, f, sep_drop = parse_timecode(tc)
    drop = sep_drop if drop_frame is None else drop_frame
    _check_drop(fr, drop)
    if mi > 59 or s > 59 or f >= fr.nominal or h > 23:
        raise UsageError(f"not a valid timecode at {fr} fps: '{tc}'")
    if drop and s == 0 and mi % 10 != 0 and f < fr.dropped_per_minute:
        raise UsageError(f"'{tc}' does not exist in drop-frame timecode (those labels are skipped)")
    frames = ((h * 60 + mi) * 60 + s) * fr.nominal + f
    if drop:
        minutes = h * 60 + mi
        frames -= fr.dropped_per_minute * (minutes - minutes // 10)
    return frames


def frames_to_timecode(
    frames: int, rate: FrameRate | float | int | str, drop_frame: bool | None = None
) -> str:
    """The label of frame ``frames`` (counted from 00:00:00:00); wraps at 24 hours.

    ``drop_frame`` None: drop-frame for 29.97 and 59.94, as cameras default to.
    """
    fr = _rate(rate)
    drop = fr.is_drop_frame if drop_frame is None else drop_frame
    _check_drop(fr, drop)
    frames = int(frames)
    if frames < 0:
        raise UsageError(f"a timecode cannot be negative (frame {frames})")
    frames %= fr.frames_per_day(drop)
    if drop:
        frames = _with_dropped_labels(frames, fr)
    s_total, f = divmod(frames, fr.nominal)
    mi_total, s = divmod(s_total, 60)
    h, mi = divmod(mi_total, 60)
    return f"{h:02d}:{mi:02d}:{s:02d}{';' if drop else ':'}{f:02d}"


def _with_dropped_labels(frames: int, fr: FrameRate) -> int:
    """Frame ``frames`` as a count of labels, the skipped ones included (drop-frame)."""
    dropped = fr.dropped_per_minute
    per_minute = fr.nominal * 60 - dropped
    per_ten_minutes = per_minute * 10 + dropped  # the tenth minute keeps all its labels
    tens, rest = divmod(frames, per_ten_minutes)
    skipped = 9 * dropped * tens
    if rest > dropped:
        skipped += dropped * ((rest - dropped) // per_minute)
    return frames + skipped


def source_frame(
    seconds: float,
    start_tc: str | None,
    fps_num: int | None,
    fps_den: int | None,
    drop_frame: bool = False,
) -> int | None:
    """The absolute frame number (label count since midnight) at ``seconds`` into a file.

    None when the file has no usable timecode or frame rate.
    """
    if not start_tc or not fps_num or not fps_den:
        return None
    try:
        fr = FrameRate(int(fps_num), int(fps_den))
        start = timecode_to_frames(start_tc, fr, drop_frame if fr.is_drop_frame else False)
    except UsageError:
        return None
    return start + fr.frame_at(max(0.0, float(seconds)))


def source_timecode(
    seconds: float,
    start_tc: str | None,
    fps_num: int | None,
    fps_den: int | None,
    drop_frame: bool = False,
) -> str | None:
    """The camera's label of the frame ``seconds`` into a file: start timecode + offset.

    The offset is floored to the frame it falls in. None when the file has no
    timecode or frame rate (or its start timecode is not a valid label).
    """
    frame = source_frame(seconds, start_tc, fps_num, fps_den, drop_frame)
    if frame is None:
        return None
    fr = FrameRate(int(fps_num or 0), int(fps_den or 0))
    return frames_to_timecode(frame, fr, drop_frame and fr.is_drop_frame)


def running_time(seconds: float) -> str:
    """``HH:MM:SS.mmm`` from the start of the file (for files without timecode)."""
    ms = max(0, round(float(seconds) * 1000))
    s, ms = divmod(ms, 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


_SECONDS_RE = re.compile(r"^\d+(?:\.\d*)?$|^\.\d+$")
_CLOCK_RE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d*)?)$")


def parse_time(text: str) -> float:
    """Seconds from ``42.5``, ``MM:SS(.mmm)`` or ``HH:MM:SS(.mmm)``.

    Raises ``UsageError`` for anything else, negative times included.
    """
    raw = (text or "").strip()
    if raw.startswith("-"):
        raise UsageError(f"time cannot be negative: '{text}'")
    if _SECONDS_RE.match(raw):
        return float(raw)
    m = _CLOCK_RE.match(raw)
    if m:
        h = int(m[1]) if m[1] else 0
        mi, s = int(m[2]), float(m[3])
        if mi > 59 or s >= 60:
            raise UsageError(f"not a time: '{text}' (minutes and seconds must be below 60)")
        return h * 3600 + mi * 60 + s
    raise UsageError(f"not a time: '{text}' (use seconds, MM:SS or HH:MM:SS.mmm)")


def parse_media_time(
    text: str,
    start_tc: str | None,
    fps_num: int | None,
    fps_den: int | None,
    drop_frame: bool = False,
    duration: float | None = None,
) -> float:
    """Seconds into a file from a running time or one of its source timecodes.

    A four-part label (``10:00:42:13``) is the camera's timecode: the seconds at which
    that frame starts. Anything else goes through ``parse_time``. With ``duration``, a
    timecode outside the file is refused naming the file's range: an hour off (a typo,
    or the previous card's timecode) would otherwise read as a point hours in.
    """
    if not _TC_RE.match(text or ""):
        return parse_time(text)
    if not start_tc or not fps_num or not fps_den:
        raise UsageError(f"'{text}' is a timecode but this file has no source timecode")
    fr = FrameRate(int(fps_num), int(fps_den))
    drop = drop_frame and fr.is_drop_frame
    start = timecode_to_frames(start_tc, fr, drop)
    frame = timecode_to_frames(text, fr, drop)
    if frame < start:
        # The label may be past midnight in a file that crosses it.
        frame += fr.frames_per_day(drop)
    seconds = fr.seconds_at(frame - start)
    if duration and seconds > duration + 1 / float(fr.fps):
        last = frames_to_timecode(start + fr.frame_at(duration), fr, drop)
        raise UsageError(f"timecode {text} is not in this file: it runs from {start_tc} to {last}")
    return seconds


__all__ = [
    "FrameRate",
    "frames_to_timecode",
    "parse_media_time",
    "parse_time",
    "parse_timecode",
    "running_time",
    "source_frame",
    "source_timecode",
    "timecode_to_frames",
]
