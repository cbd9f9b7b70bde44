"""Editors' timelines through OpenTimelineIO: CMX3600 EDL, FCP 7 XML and FCPXML.

Each clip's source range sits at the media's own source timecode and exact frame rate,
and markers sit on the frames their passages start in, so a marker for 10:00:42:13 is
on frame 13 in Premiere, Resolve, Avid and Final Cut alike. The writing is done by
OTIO's adapters; this module only builds the timeline and works around what the
adapters cannot express, each workaround named where it is made:

* CMX3600 holds timecode labels at ONE rate. 29.97/59.94 non-drop labels are the same
  frame counts as 30/60 labels, so NDF NTSC clips are written at the nominal rate;
  mixed rates in one EDL are refused. The ``FCM`` line the writer omits is added.
* FCP 7 XML clip markers count frames from the first frame of the media (as clipitem
  in/out do), not from its timecode; the adapter writes marker values verbatim, so
  they are given media-relative here. Drop-frame is declared through the file's
  ``timecode`` metadata, which the adapter reads.
* The FCPXML adapter looks frame durations up in a table keyed by 23.98/29.97/59.94
  that exact NTSC rates (30000/1001 as a float) miss; the exact rates are added to it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio
from opentimelineio import opentime

from archive.errors import ExportError, UsageError
from archive.exports.common import (
    DEFAULT_RATE,
    Passage,
    frames_ceil,
    rate_of,
    write_text,
)
from archive.models import MediaRecord
from media.timecode import FrameRate, source_frame

FORMATS = {"edl": "cmx_3600", "fcp7": "fcp_xml", "fcpxml": "fcpx_xml"}
EXTENSIONS = {"edl": ".edl", "fcp7": ".xml", "fcpxml": ".fcpxml"}

MARKER_COLORS = {
    "tag": otio.schema.MarkerColor.BLUE,
    "link": otio.schema.MarkerColor.YELLOW,
    "select": otio.schema.MarkerColor.GREEN,
}
EDL_NAME_MAX = 120
FCPX_VALUE_MAX = 250


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

    @property
    def otio_rate(self) -> float:
        return self.rate.fps


def _edl_rate(timings: list[ClipTiming]) -> tuple[float, bool]:
    """The single rate (and drop-frame flag) an EDL of these clips is written at."""
    kinds = {(t.rate, t.drop_frame) for t in timings}
    if len(kinds) > 1:
        listed = ", ".join(sorted(f"{r}{' DF' if d else ''}" for r, d in kinds))
        raise ExportError(
            f"an EDL holds one frame rate but these clips have several ({listed}); "
            "export them separately or use --format fcp7/fcpxml"
        )
    rate, drop = kinds.pop() if kinds else (DEFAULT_RATE, False)
    if rate.is_drop_frame and not drop:
        return float(rate.nominal), False
    return rate.fps, drop


def marker_text(p: Passage, limit: int) -> str:
    """``label: quote`` on one line, cut to ``limit`` characters."""
    text = " ".join(f"{p.label}: {p.text}".split()) if p.text else p.label
    return text if len(text) <= limit else text[: limit - 1] + "…"


def marker_comment(p: Passage) -> str:
    parts = []
    if p.speaker:
        parts.append(f"{p.speaker}:")
    if p.text:
        parts.append(p.text)
    if p.note:
        parts.append(f"({p.note})")
    return " ".join(parts)


def build_timeline(name: str, plans: list[ClipPlan], fmt: str) -> otio.schema.Timeline:
    """The OTIO timeline for ``plans`` laid end to end, shaped for ``fmt``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown timeline format '{fmt}' (edl, fcp7, fcpxml)")
    timings = [ClipTiming.of(p.media) for p in plans]
    edl_rate: float | None = None
    if fmt == "edl":
        edl_rate, _drop = _edl_rate(timings)
    timeline = otio.schema.Timeline(name=name)
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    # EDLs carry one video track only; audio-only files ride on it as events.
    split_audio = fmt != "edl" and any(not p.media.info.has_video for p in plans)
    for plan, timing in zip(plans, timings, strict=True):
        rate = edl_rate or timing.otio_rate
        clip = _clip(plan, timing, rate, fmt)
        on_audio = split_audio and not plan.media.info.has_video
        (audio if on_audio else video).append(clip)
        gap = otio.schema.Gap(source_range=opentime.TimeRange(duration=clip.duration()))
        (video if on_audio else audio).append(gap)
    timeline.tracks.append(video)
    if split_audio:
        timeline.tracks.append(audio)
    return timeline


def _clip(plan: ClipPlan, timing: ClipTiming, rate: float, fmt: str) -> otio.schema.Clip:
    media = plan.media
    start = timing.frame(plan.start)
    end = max(start + 1, timing.end_frame(plan.end))
    first = timing.first_frame

    def rt(frames: int) -> opentime.RationalTime:
        return opentime.RationalTime(frames, rate)

    available = opentime.TimeRange(rt(first), rt(timing.length))
    ref = otio.schema.ExternalReference(
        target_url=Path(media.path).absolute().as_uri(), available_range=available
    )
    ref.name = media.name
    if fmt == "fcp7":
        tc_rate = {"timebase": str(timing.rate.nominal), "ntsc": _ntsc(timing.rate)}
        ref.metadata["fcp_xml"] = {
            "timecode": {"rate": tc_rate, "displayformat": "DF" if timing.drop_frame else "NDF"}
        }
    clip = otio.schema.Clip(
        name=media.name,
        media_reference=ref,
        source_range=opentime.TimeRange(rt(first + start), rt(end - start)),
    )
    if media.info.reel:
        clip.metadata["cmx_3600"] = {"reel": media.info.reel}
    for p in plan.markers:
        m_start = min(max(timing.frame(p.start), start), end - 1)
        m_end = min(max(timing.end_frame(p.end), m_start + 1), end)
        # FCP 7 clip markers count from the media's first frame, not its timecode.
        origin = 0 if fmt == "fcp7" else first
        marker = otio.schema.Marker(
            name=marker_text(p, EDL_NAME_MAX if fmt == "edl" else FCPX_VALUE_MAX)
            if fmt != "fcp7"
            else p.label,
            marked_range=opentime.TimeRange(rt(origin + m_start), rt(m_end - m_start)),
            color=MARKER_COLORS.get(p.kind, otio.schema.MarkerColor.RED),
        )
        marker.comment = marker_comment(p)
        if fmt == "fcp7":
            marker.metadata["fcp_xml"] = {"comment": marker_comment(p)}
        clip.markers.append(marker)
    return clip


def _ntsc(rate: FrameRate) -> str:
    return "TRUE" if rate.den == 1001 else "FALSE"


def _register_fcpx_rates() -> None:
    """Teach the FCPXML adapter the exact NTSC rates (see the module docstring)."""
    # OTIO loads the adapter as its own module object: patch the one it uses.
    with contextlib.suppress(Exception):
        table = otio.adapters.from_name("fcpx_xml").module().FRAMERATE_FRAMEDURATION
        table.setdefault(24000 / 1001, "1001/24000s")
        table.setdefault(30000 / 1001, "1001/30000s")
        table.setdefault(48000 / 1001, "1001/48000s")
        table.setdefault(60000 / 1001, "1001/60000s")


def timeline_string(timeline: otio.schema.Timeline, fmt: str, note: str | None = None) -> str:
    """The file contents for ``timeline`` in ``fmt`` (with ``note`` as a comment)."""
    adapter = FORMATS[fmt]
    if fmt == "fcpxml":
        _register_fcpx_rates()
    try:
        if fmt == "edl":
            text = _edl_string(timeline)
        else:
            text = otio.adapters.write_to_string(timeline, adapter_name=adapter)
    except (otio.exceptions.OTIOError, ValueError, KeyError) as exc:
        raise ExportError(f"OpenTimelineIO could not write {fmt}: {exc}") from None
    if note:
        text = _add_note(text, fmt, note)
    return text


def _edl_string(timeline: otio.schema.Timeline) -> str:
    from otio_cmx3600_adapter import cmx_3600

    clips = list(timeline.find_clips())
    rate = clips[0].source_range.start_time.rate if clips else DEFAULT_RATE.fps
    text = cmx_3600.write_to_string(timeline, rate=rate, style="avid")
    # Non-drop NTSC clips were given their nominal rate, so an NTSC rate here is DF.
    drop = FrameRate.of(rate).is_drop_frame
    fcm = "FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME"
    lines = text.splitlines()
    at = 1 if lines and lines[0].startswith("TITLE:") else 0
    lines.insert(at, fcm)
    return "\n".join(lines) + "\n"


def _add_note(text: str, fmt: str, note: str) -> str:
    note = " ".join(note.split()).replace("--", "-")
    if fmt == "edl":
        # Readers reject comments before the first event; after the last one they are
        # that event's comments, which every reader keeps or skips.
        return text.rstrip("\n") + f"\n* TAPELOG NOTE: {note}\n"
    head, sep, rest = text.partition("?>")
    if not sep:
        return f"<!-- tapelog: {note} -->\n{text}"
    return f"{head}?>\n<!-- tapelog: {note} -->{rest}"


def write_timeline(
    timeline: otio.schema.Timeline, path: str | Path, fmt: str, note: str | None = None
) -> Path:
    """Write ``timeline`` atomically; ExportError with the reason on failure."""
    return write_text(path, timeline_string(timeline, fmt, note))


def read_back(path: str | Path, fmt: str, rate: float | None = None) -> otio.schema.Timeline:
    """Read an exported file with OpenTimelineIO (for checks and tests)."""
    kwargs = {"rate": rate} if fmt == "edl" and rate else {}
    return otio.adapters.read_from_file(str(path), adapter_name=FORMATS[fmt], **kwargs)
