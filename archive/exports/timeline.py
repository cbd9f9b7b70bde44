"""Editors' timelines: the layout shared by CMX3600 EDL and FCP 7 XML, and the writers.

Each clip's source range sits at the media's own source timecode and exact frame rate,
and markers sit on the frames their passages start in (``plans``), so a marker for
10:00:42:13 is on frame 13 in Premiere, Resolve, Avid and Final Cut alike. Who writes
each format, and why:

* EDL: this module lays the clips out on an OpenTimelineIO timeline and ``edl``
  writes the CMX3600 text itself (reels, record-time locators, ASCII). An EDL holds
  timecode labels at ONE rate: 29.97/59.94 non-drop labels are the same frame counts
  as 30/60 labels, so NDF NTSC clips are written at the nominal rate; mixed rates in
  one EDL are refused. The events of one shot are one edit with a channel code
  (``B`` = V+A1, ``AA/V``, ``A``, ``AA``); an EDL holds at most two audio channels.
* FCP 7 XML: OpenTimelineIO's adapter writes it from this timeline and ``fcp7``
  finishes it as Premiere writes it. Its clip markers count frames from the first
  frame of the media (as clipitem in/out do), not from its timecode, so they are
  given media-relative here; drop-frame is declared through the file's ``timecode``
  metadata. One mono track per channel, as FCP 7 and Premiere lay a file's channels
  out (a stereo interview is A1 + A2), each clipitem naming its ``sourcetrack``.
* FCPXML: written by ``fcpxml`` from the plans directly (OpenTimelineIO dropped its
  adapter as unmaintained, and it was wrong for us).

Audio-only files (no picture) are on the audio tracks alone, with a gap on the video.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import opentimelineio as otio
from opentimelineio import opentime
from tapelog.archive.errors import ExportError, UsageError
from tapelog.archive.exports import fcp7
from tapelog.archive.exports.common import (
    DEFAULT_RATE,
    write_text,
)
from tapelog.archive.exports.edl import edl_string
from tapelog.archive.exports.fcpxml import fcpxml_string
from tapelog.archive.exports.plans import (
    ClipPlan,
    ClipTiming,
    audio_channels,
    marker_comment,
    marker_text,
)
from tapelog.archive.exports.textsafe import clean, one_line
from tapelog.archive.models import MediaRecord
from tapelog.media.timecode import FrameRate

# Format -> the OpenTimelineIO adapter that reads it back (FCPXML: none is right).
FORMATS = {"edl": "cmx_3600", "fcp7": "fcp_xml", "fcpxml": ""}

MARKER_COLORS = {
    "tag": otio.schema.MarkerColor.BLUE,
    "link": otio.schema.MarkerColor.YELLOW,
    "select": otio.schema.MarkerColor.GREEN,
}
EDL_NAME_MAX = 120
FCPX_VALUE_MAX = 250
NOTE_MAX = 2000  # a marker comment past this is not read in a marker window
EDL_AUDIO_MAX = 2  # CMX3600 channel codes name A1 and A2
EDL_META = "tapelog_edl"  # timeline metadata: the EDL's one rate and drop-frame flag
AUDIO_META = "tapelog"  # media reference metadata: what the file holds
AUDIO_ROLE = "dialogue"


def _edl_rate(timings: list[ClipTiming]) -> tuple[FrameRate, bool]:
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
        return FrameRate(rate.nominal), False
    return rate, drop


def build_timeline(name: str, plans: list[ClipPlan], fmt: str) -> otio.schema.Timeline:
    """The OTIO timeline for ``plans`` laid end to end, shaped for ``fmt``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown timeline format '{fmt}' (edl, fcp7, fcpxml)")
    timings = [ClipTiming.of(p.media) for p in plans]
    edl_rate: float | None = None
    timeline = otio.schema.Timeline(name=name)
    if fmt == "edl":
        rate, drop = _edl_rate(timings)
        edl_rate = rate.fps
        timeline.metadata[EDL_META] = {"num": rate.num, "den": rate.den, "drop": drop}
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    lanes = [audio_lanes(p.media, fmt) for p in plans]
    audio = [
        otio.schema.Track(name=f"A{n}", kind=otio.schema.TrackKind.Audio)
        for n in range(1, max(lanes, default=0) + 1)
    ]
    for plan, timing, own in zip(plans, timings, lanes, strict=True):
        clip = _clip(plan, timing, edl_rate or timing.otio_rate, fmt)
        on_video = plan.media.info.has_video or not own
        video.append(clip if on_video else _gap(clip))
        for n, track in enumerate(audio, 1):
            track.append(_audio_clip(clip, n, fmt) if n <= own else _gap(clip))
    timeline.tracks.append(video)
    timeline.tracks.extend(audio)
    return timeline


def _gap(clip: otio.schema.Clip) -> otio.schema.Gap:
    """Nothing, for as long as ``clip``: what a track has where another has the shot."""
    return otio.schema.Gap(source_range=opentime.TimeRange(duration=clip.duration()))


def audio_lanes(media: MediaRecord, fmt: str) -> int:
    """Audio tracks ``media``'s sound takes in ``fmt`` (see the module docstring)."""
    channels = audio_channels(media)
    if fmt == "fcpxml":
        # A Final Cut clip carries its own sound; only a file without picture needs
        # a lane of its own.
        return 0 if media.info.has_video or not channels else 1
    if fmt == "edl":
        return min(channels, EDL_AUDIO_MAX)
    return channels


def _audio_clip(clip: otio.schema.Clip, channel: int, fmt: str) -> otio.schema.Clip:
    """The sound of ``clip``'s file, channel ``channel``: same file and range.

    Markers stay only where there is no picture to carry them (a sound-only file).
    """
    sound = copy.deepcopy(clip)
    if clip.media_reference.metadata.get(AUDIO_META, {}).get("has_video"):
        # The picture carries the markers; on its linked sound too, Premiere and
        # Resolve list each marker once per track.
        del sound.markers[:]
    if fmt == "fcp7":
        sound.metadata["fcp_xml"] = {
            "sourcetrack": {"mediatype": "audio", "trackindex": str(channel)}
        }
    return sound


def _clip(plan: ClipPlan, timing: ClipTiming, rate: float, fmt: str) -> otio.schema.Clip:
    media = plan.media
    start, end = timing.span(plan)
    first = timing.first_frame

    def rt(frames: int) -> opentime.RationalTime:
        return opentime.RationalTime(frames, rate)

    available = opentime.TimeRange(rt(first), rt(timing.length))
    ref = otio.schema.ExternalReference(
        target_url=Path(media.path).absolute().as_uri(), available_range=available
    )
    ref.name = clean(media.name)
    info = media.info
    ref.metadata[AUDIO_META] = {
        "has_video": bool(info.has_video),
        "audio_channels": audio_channels(media),
        "audio_sources": len(info.audio_streams),
        "audio_rate": int(info.sample_rate or 0),
        "width": int(info.width or 0),
        "height": int(info.height or 0),
        "reel": clean(info.reel or ""),
    }
    if fmt == "fcp7":
        tc_rate = {"timebase": str(timing.rate.nominal), "ntsc": _ntsc(timing.rate)}
        ref.metadata["fcp_xml"] = {
            "timecode": {"rate": tc_rate, "displayformat": "DF" if timing.drop_frame else "NDF"}
        }
    clip = otio.schema.Clip(
        name=clean(media.name),
        media_reference=ref,
        source_range=opentime.TimeRange(rt(first + start), rt(end - start)),
    )
    if media.info.reel:
        clip.metadata["cmx_3600"] = {"reel": media.info.reel}
    for p in plan.markers:
        m_start, m_end = timing.marker_span(p, start, end)
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
            marker.metadata["fcp_xml"] = {"comment": one_line(marker_comment(p), NOTE_MAX)}
        clip.markers.append(marker)
    return clip


def _ntsc(rate: FrameRate) -> str:
    return "TRUE" if rate.den == 1001 else "FALSE"


def timeline_string(timeline: otio.schema.Timeline, fmt: str, note: str | None = None) -> str:
    """The file contents for ``timeline`` in ``fmt`` (with ``note`` as a comment)."""
    if fmt not in ("edl", "fcp7"):
        raise UsageError(f"'{fmt}' is not written from an OpenTimelineIO timeline")
    adapter = FORMATS[fmt]
    try:
        if fmt == "edl":
            meta = timeline.metadata[EDL_META]
            rate = FrameRate(int(meta["num"]), int(meta["den"]))
            return edl_string(timeline, rate, bool(meta["drop"]), note or "")
        else:
            text = otio.adapters.write_to_string(timeline, adapter_name=adapter)
            text = fcp7.finish(text, fcp7.files_by_url(timeline))
    except (otio.exceptions.OTIOError, ValueError, KeyError, ET.ParseError) as exc:
        raise ExportError(f"OpenTimelineIO could not write {fmt}: {exc}") from None
    if note:
        text = _add_note(text, fmt, note)
    return text


def _add_note(text: str, fmt: str, note: str) -> str:
    note = " ".join(note.split()).replace("--", "-")
    for end in ("<!DOCTYPE xmeml>\n", "?>\n"):
        head, sep, rest = text.partition(end)
        if sep:
            return f"{head}{sep}<!-- tapelog: {note} -->\n{rest}"
    return f"<!-- tapelog: {note} -->\n{text}"


def write_timeline(
    timeline: otio.schema.Timeline, path: str | Path, fmt: str, note: str | None = None
) -> Path:
    """Write ``timeline`` atomically; ExportError with the reason on failure."""
    return write_text(path, timeline_string(timeline, fmt, note))


def write_sequence(
    timeline: otio.schema.Timeline, path: str | Path, fmt: str, note: str | None = None
) -> Path:
    """Write ``timeline`` as ``fmt`` with ``note`` where its readers keep comments.

    An XML comment cannot hold ``--``, which made the note name a
    ``-include-sensitive`` option that does not exist: there the option is named in
    words. An EDL comment line can hold it as it is.
    """
    if note:
        note = " ".join(note.split())
        if fmt != "edl":
            note = xml_comment_note(note)
    return write_timeline(timeline, path, fmt, note=note or None)


def xml_comment_note(note: str) -> str:
    """``note`` as an XML comment may hold it: no ``--``, so options named in words."""
    note = note.replace("use --include-sensitive", "use the include-sensitive option")
    return note.replace("--", "-")


def write_plans(
    name: str, plans: list[ClipPlan], path: str | Path, fmt: str, note: str | None = None
) -> Path:
    """Lay ``plans`` end to end as a ``fmt`` timeline and write it with ``note``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown timeline format '{fmt}' (edl, fcp7, fcpxml)")
    if fmt == "fcpxml":
        comment = xml_comment_note(" ".join(note.split())) if note else None
        return write_text(path, fcpxml_string(name, plans, comment))
    return write_sequence(build_timeline(clean(name), plans, fmt), path, fmt, note)


def read_back(path: str | Path, fmt: str, rate: float | None = None) -> otio.schema.Timeline:
    """Read an exported EDL or FCP 7 XML with OpenTimelineIO (for checks and tests).

    Not FCPXML: OpenTimelineIO's reader truncates NTSC rates and floors times.
    """
    if not FORMATS.get(fmt):
        raise UsageError(f"no reader for '{fmt}' here (OpenTimelineIO reads edl, fcp7)")
    kwargs = {"rate": rate} if fmt == "edl" and rate else {}
    return otio.adapters.read_from_file(str(path), adapter_name=FORMATS[fmt], **kwargs)
