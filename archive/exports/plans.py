"""What a timeline is made of, in frames: clips of files, their timing and markers.

Shared by every timeline writer (OpenTimelineIO's for FCP 7 XML, ours for EDL and
FCPXML), so a passage lands on the same frame in each: the in point on the frame it
starts in, the out point after the frame it ends in, markers clamped inside their
clip and at least one frame long.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tapelog.archive.exports.common import DEFAULT_RATE, Passage, frames_ceil, rate_of
from tapelog.archive.models import MediaRecord
from tapelog.media.timecode import FrameRate, source_frame


@dataclass
class ClipPlan:
    """One clip to lay on the timeline: a span of a media file and its markers."""

    media: MediaRecord
    start: float  # seconds into the file (in point)
    end: float  # seconds into the file (out point, exclusive)
    markers: list[Passage] = field(default_factory=list)


@dataclass(frozen=True)
class ClipTiming:
    """A media file's timing in frames: its rate and where its labels start."""

    rate: FrameRate
    drop_frame: bool
    first_frame: int  # the label count of the file's first frame (0 without timecode)
    length: int  # frames in the file

    @classmethod
    def of(cls, media: MediaRecord) -> ClipTiming:
        rate = rate_of(media) or DEFAULT_RATE
        info = media.info
        drop = bool(info.drop_frame) and rate.is_drop_frame
        first = source_frame(0.0, info.start_timecode, rate.num, rate.den, drop) or 0
        length = max(1, frames_ceil(rate, max(0.0, float(info.duration or 0.0))))
        return cls(rate, drop, first, length)

    def frame(self, seconds: float) -> int:
        """Frames from the start of the file, clamped to the file."""
        return min(max(0, self.rate.frame_at(max(0.0, seconds))), self.length)

    def end_frame(self, seconds: float) -> int:
        return min(max(0, frames_ceil(self.rate, max(0.0, seconds))), self.length)

    def span(self, plan: ClipPlan) -> tuple[int, int]:
        """``plan``'s in and out frames from the file's start: at least one frame."""
        start = self.frame(plan.start)
        return start, max(start + 1, self.end_frame(plan.end))

    def marker_span(self, p: Passage, start: int, end: int) -> tuple[int, int]:
        """A marker's frames inside the clip ``start..end``: at least one frame long,
        so a passage at the last frame is a marker on the last frame."""
        m_start = min(max(self.frame(p.start), start), end - 1)
        return m_start, min(max(self.end_frame(p.end), m_start + 1), end)

    @property
    def otio_rate(self) -> float:
        return self.rate.fps


def audio_channels(media: MediaRecord) -> int:
    """Channels of sound in ``media``, all its audio streams together (0: silent)."""
    return sum(max(0, int(a.channels or 0)) for a in media.info.audio_streams)


def marker_text(p: Passage, limit: int) -> str:
    """``label: quote`` on one line, cut to ``limit`` characters."""
    text = " ".join(f"{p.label}: {p.text}".split()) if p.text else p.label
    return text if len(text) <= limit else text[: limit - 1] + "…"


def marker_comment(p: Passage) -> str:
    """``Speaker: words (note)``; words credited line by line name their own speakers."""
    parts = []
    if p.speaker and not p.credited:
        parts.append(f"{p.speaker}:")
    if p.text:
        parts.append(p.text)
    if p.note:
        parts.append(f"({p.note})")
    return " ".join(parts)
