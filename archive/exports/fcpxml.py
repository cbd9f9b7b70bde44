"""FCPXML 1.9 written here: Final Cut Pro and DaVinci Resolve read it.

OpenTimelineIO dropped its FCPXML adapter as unmaintained, and it was wrong for us
(browser clips without ``start``, a format without name or size, no ``tcFormat``, no
library/event, ``uid=""``, markers as to-do items). This writer follows Apple's DTD
for version 1.9 and the files Final Cut writes (OpenTimelineIO's ``fcpx_*.fcpxml``
samples):

* ``resources``: one ``format`` per picture format, with ``frameDuration``, ``width``,
  ``height`` and, where Final Cut has one for that size and rate, its ``name``
  (``FFVideoFormat1080p25``); one ``asset`` per file with ``start`` at the file's
  timecode (``36000s`` for 10:00:00:00), its duration, picture and sound, and a
  ``media-rep`` naming the file.
* ``library`` > ``event``: one browser ``asset-clip`` per file (the whole file, with
  its markers when the export is of markers), then the ``project`` whose ``sequence``
  lays the clips end to end on its ``spine``.
* Every time is an exact rational number of seconds on its clip's frame grid
  (``901063/25s``), never a float; a clip's ``start`` is the media's timecode plus its
  in point, its ``duration`` a whole number of the sequence's frames.
* ``tcFormat`` DF/NDF on the sequence and every clip; ``marker`` with ``start``,
  ``duration`` (one frame at least, so a marker at the last frame stays in its clip),
  ``value`` and ``note``, never ``completed`` (which makes a to-do item).
* No empty attribute is written; text passes through ``textsafe.clean``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from tapelog.archive.exports.common import DEFAULT_RATE
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

VERSION = "1.9"
VALUE_MAX = 250
NOTE_MAX = 2000  # a marker note past this is not read in a marker window
AUDIO_ROLE = "dialogue"
# Final Cut's names for its progressive formats: FFVideoFormat<size>p<rate>.
_RATE_CODES = {
    (24000, 1001): "2398", (24, 1): "24", (25, 1): "25", (30000, 1001): "2997",
    (30, 1): "30", (50, 1): "50", (60000, 1001): "5994", (60, 1): "60",
}  # fmt: skip
_SIZE_CODES = {(1920, 1080): "1080", (1280, 720): "720"}
_NAMED_SIZES = {
    (640, 480), (960, 540), (960, 720), (1280, 1080), (1440, 1080), (2048, 1024),
    (2048, 1080), (2048, 1152), (2048, 1556), (3840, 2160), (4096, 2048), (4096, 2160),
    (4096, 2304), (4096, 3112), (1080, 1920), (720, 576), (720, 486),
}  # fmt: skip
DEFAULT_SIZE = (1920, 1080)


def seconds(value: Fraction) -> str:
    """An FCPXML time: ``0s``, ``36000s``, ``901063/25s``, ``1001/30000s``."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator}s"
    return f"{value.numerator}/{value.denominator}s"


def frame_duration(rate: FrameRate) -> Fraction:
    return Fraction(rate.den, rate.num)


def format_name(width: int, height: int, rate: FrameRate) -> str | None:
    """Final Cut's name for a progressive format, or None where it has none (custom)."""
    code = _RATE_CODES.get((rate.num, rate.den))
    if code is None:
        return None
    size = _SIZE_CODES.get((width, height))
    if size is None and (width, height) not in _NAMED_SIZES:
        return None
    return f"FFVideoFormat{size or f'{width}x{height}'}p{code}"


@dataclass(frozen=True)
class Format:
    rate: FrameRate
    width: int
    height: int

    @classmethod
    def of(cls, media: MediaRecord | None, rate: FrameRate) -> Format:
        info = media.info if media is not None else None
        if info is None or not info.width or not info.height:
            return cls(rate, *DEFAULT_SIZE)
        return cls(rate, int(info.width), int(info.height))


class _Doc:
    """Builds the document: resources first, ids ``r1``, ``r2``... in order of use."""

    def __init__(self) -> None:
        self.root = ET.Element("fcpxml", version=VERSION)
        self.resources = ET.SubElement(self.root, "resources")
        self.formats: dict[Format, str] = {}
        self.assets: dict[str, str] = {}
        self._n = 0

    def _id(self) -> str:
        self._n += 1
        return f"r{self._n}"

    def format(self, fmt: Format) -> str:
        if fmt not in self.formats:
            ref = self.formats[fmt] = self._id()
            attrs = {"id": ref}
            name = format_name(fmt.width, fmt.height, fmt.rate)
            if name:
                attrs["name"] = name
            attrs["frameDuration"] = seconds(frame_duration(fmt.rate))
            attrs["width"], attrs["height"] = str(fmt.width), str(fmt.height)
            ET.SubElement(self.resources, "format", attrs)
        return self.formats[fmt]

    def asset(self, media: MediaRecord, timing: ClipTiming) -> str:
        """The asset of ``media`` (once per file), its start at the file's timecode."""
        if media.id in self.assets:
            return self.assets[media.id]
        fd = frame_duration(timing.rate)
        ref = self.assets[media.id] = self._id()
        info = media.info
        attrs = {"id": ref, "name": clip_name(media)}
        attrs["start"] = seconds(timing.first_frame * fd)
        attrs["duration"] = seconds(timing.length * fd)
        if info.has_video:
            attrs["hasVideo"] = "1"
            attrs["format"] = self.format(Format.of(media, timing.rate))
            attrs["videoSources"] = "1"
        channels = audio_channels(media)
        if channels:
            attrs["hasAudio"] = "1"
            attrs["audioSources"] = str(max(1, len(info.audio_streams)))
            attrs["audioChannels"] = str(channels)
            if info.sample_rate:
                attrs["audioRate"] = str(int(info.sample_rate))
        asset = ET.Element("asset", attrs)
        src = Path(media.path).absolute().as_uri()
        ET.SubElement(asset, "media-rep", kind="original-media", src=src)
        self.resources.append(asset)
        return ref


def clip_name(media: MediaRecord) -> str:
    return clean(media.name) or media.id


def _tc_format(drop: bool) -> str:
    return "DF" if drop else "NDF"


def _clip(
    doc: _Doc, plan: ClipPlan, timing: ClipTiming, offset: Fraction, seq_fd: Fraction
) -> tuple[ET.Element, Fraction]:
    """The ``asset-clip`` of ``plan`` at ``offset`` on the spine, and its duration."""
    media = plan.media
    fd = frame_duration(timing.rate)
    start, end = timing.span(plan)
    # On the sequence's frame grid: a whole number of its frames, at least one.
    duration = max(1, round((end - start) * fd / seq_fd)) * seq_fd
    attrs = {"ref": doc.asset(media, timing), "offset": seconds(offset), "name": clip_name(media)}
    attrs["start"] = seconds((timing.first_frame + start) * fd)
    attrs["duration"] = seconds(duration)
    if media.info.has_video:
        attrs["format"] = doc.format(Format.of(media, timing.rate))
    attrs["tcFormat"] = _tc_format(timing.drop_frame)
    if audio_channels(media):
        attrs["audioRole"] = AUDIO_ROLE
    clip = ET.Element("asset-clip", attrs)
    for p in plan.markers:
        m_start, m_end = timing.marker_span(p, start, end)
        marker = {"start": seconds((timing.first_frame + m_start) * fd)}
        marker["duration"] = seconds((m_end - m_start) * fd)
        marker["value"] = clean(marker_text(p, VALUE_MAX)) or p.kind
        note = one_line(marker_comment(p), NOTE_MAX)
        if note:
            marker["note"] = note
        ET.SubElement(clip, "marker", marker)
    return clip, duration


def fcpxml_string(name: str, plans: list[ClipPlan], note: str | None = None) -> str:
    """The FCPXML document laying ``plans`` end to end (see the module docstring)."""
    doc = _Doc()
    timings = [ClipTiming.of(p.media) for p in plans]
    lead = next(
        ((p, t) for p, t in zip(plans, timings, strict=True) if p.media.info.has_video), None
    )
    seq_rate = lead[1].rate if lead else DEFAULT_RATE
    seq_drop = lead[1].drop_frame if lead else False
    seq_format = doc.format(Format.of(lead[0].media if lead else None, seq_rate))
    seq_fd = frame_duration(seq_rate)
    title = clean(name) or "tapelog"
    library = ET.SubElement(doc.root, "library")
    event = ET.SubElement(library, "event", name=title)
    # Browser clips: each file once, whole; with its markers when a plan spans it all.
    browser: dict[str, ET.Element] = {}
    for plan, timing in zip(plans, timings, strict=True):
        whole = ClipPlan(plan.media, 0.0, float(plan.media.info.duration or 0.0))
        if timing.span(plan) == timing.span(whole):
            whole.markers = plan.markers
        elif plan.media.id in browser:
            continue
        clip, _ = _clip(doc, whole, timing, Fraction(0), frame_duration(timing.rate))
        del clip.attrib["offset"]
        browser[plan.media.id] = clip
    event.extend(browser.values())
    project = ET.SubElement(event, "project", name=title)
    offset = Fraction(0)
    clips = []
    for plan, timing in zip(plans, timings, strict=True):
        clip, duration = _clip(doc, plan, timing, offset, seq_fd)
        clips.append(clip)
        offset += duration
    seq = {"format": seq_format, "duration": seconds(offset), "tcStart": "0s"}
    seq.update(tcFormat=_tc_format(seq_drop), audioLayout="stereo", audioRate="48k")
    sequence = ET.SubElement(project, "sequence", seq)
    ET.SubElement(sequence, "spine").extend(clips)
    ET.indent(doc.root, space="    ")
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n'
    if note:
        head += f"<!-- tapelog: {clean(note).replace('--', '-')} -->\n"
    return head + ET.tostring(doc.root, encoding="unicode") + "\n"
