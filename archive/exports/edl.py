"""CMX 3600 EDLs written here, from the timeline ``timeline.build_timeline`` lays out.

OpenTimelineIO's CMX writer left reels blank for names without ASCII letters, wrote
locators at source timecode, and passed newlines and non-ASCII through. This writer
follows the files Avid and Resolve write (OpenTimelineIO's ``screening_example.edl``
from Avid, ``premiere_example.edl``):

* ``001  AX       AA/V  C        10:00:00:00 10:00:22:00 00:00:00:00 00:00:22:00``:
  event number, reel (8 characters), channels (5), ``C`` (cut), source in/out,
  record in/out. Every event has a reel: the file's tape name made upper-case
  ASCII, or ``AX`` (the usual "no tape") with the clip name in ``* FROM CLIP NAME:``.
* ``* LOC: 00:00:12:13 BLUE    10:00:12:13 THEME: SCAM: THEN THE SCAM...``:
  locators at **record** timecode, inside their event, as Avid and Resolve read
  them; the source timecode leads the text. A CMX locator has no duration. Each
  line stays within 80 characters.
* Everything is printable ASCII on one line: Chinese as pinyin, accents dropped,
  control characters and newlines removed (a newline in a file name can no longer
  start an event of its own).
* ``* FROM CLIP:`` names the file as a ``file://`` URL (percent-encoded, so ASCII and
  exact), which OpenTimelineIO reads back.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import opentimelineio as otio
from tapelog.archive.errors import ExportError
from tapelog.archive.exports.textsafe import ascii_text, reel_name
from tapelog.media.timecode import FrameRate, frames_to_timecode

LINE_MAX = 80
NO_REEL = "AX"
# Tracks present in one EDL event -> its channel code.
EDL_CHANNELS = {
    ("V",): "V",
    ("V", "A1"): "B",
    ("V", "A1", "A2"): "AA/V",
    ("V", "A2"): "A2/V",
    ("A1",): "A",
    ("A1", "A2"): "AA",
    ("A2",): "A2",
}
# OpenTimelineIO's marker colours -> Avid's locator colours.
LOC_COLORS = {"RED", "GREEN", "BLUE", "CYAN", "MAGENTA", "YELLOW", "BLACK", "WHITE"}
REEL_META = "cmx_3600"


@dataclass
class Event:
    """One edit: a span of one file at one place on the record side, on some tracks."""

    clip: otio.schema.Clip
    record_in: int
    channels: list[str] = field(default_factory=list)

    @property
    def source_in(self) -> int:
        return round(self.clip.source_range.start_time.value)

    @property
    def length(self) -> int:
        return round(self.clip.source_range.duration.value)


def edl_string(timeline: otio.schema.Timeline, rate: FrameRate, drop: bool, note: str = "") -> str:
    """The CMX 3600 text of ``timeline`` (clip times in frames at ``rate``)."""
    events = _events(timeline)
    lines = []
    title = ascii_text(timeline.name, 70)
    if title:
        lines.append(f"TITLE: {title}")
    lines += ["FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME", ""]

    def tc(frames: int) -> str:
        return frames_to_timecode(frames, rate, drop)

    for n, ev in enumerate(events, 1):
        code = EDL_CHANNELS.get(tuple(ev.channels))
        if code is None:
            raise ExportError(f"an EDL event cannot be on tracks {'+'.join(ev.channels)}")
        src, rec = ev.source_in, ev.record_in
        times = f"{tc(src)} {tc(src + ev.length)} {tc(rec)} {tc(rec + ev.length)}"
        reel = _reel(ev.clip)
        lines.append(f"{n:03d}  {reel:<8} {code:<5} C        {times}")
        lines.append(_comment("* FROM CLIP NAME: ", ev.clip.name))
        url = getattr(ev.clip.media_reference, "target_url", "") or ""
        if url and url.isascii() and "\n" not in url:
            lines.append(f"* FROM CLIP: {url}")
        for marker in ev.clip.markers:
            lines.append(_locator(marker, ev, tc))
    if note:
        # Readers reject comments before the first event; after the last one they are
        # that event's comments, which every reader keeps or skips.
        head = "* TAPELOG NOTE: "
        lines += [head + part for part in textwrap.wrap(ascii_text(note), LINE_MAX - len(head))]
    return "\n".join(lines) + "\n"


def _events(timeline: otio.schema.Timeline) -> list[Event]:
    """The edits of every track, the clips of one shot (same file, times) merged."""
    found: dict[tuple[int, int, int, str], Event] = {}
    audio_n = 0
    for track in timeline.tracks:
        if track.kind == otio.schema.TrackKind.Audio:
            audio_n += 1
            channel = f"A{audio_n}"
        else:
            channel = "V"
        position = 0
        for item in track:
            length = round(item.duration().value)
            if isinstance(item, otio.schema.Clip):
                url = getattr(item.media_reference, "target_url", "") or item.name
                ev = Event(item, position)
                key = (position, ev.source_in, ev.length, url)
                found.setdefault(key, ev).channels.append(channel)
            position += length
    return sorted(found.values(), key=lambda e: (e.record_in, e.source_in))


def _reel(clip: otio.schema.Clip) -> str:
    """The file's tape name as a CMX reel, or ``AX``: never blank."""
    tape = clip.metadata.get(REEL_META, {}).get("reel")
    return reel_name(tape) or NO_REEL


def _comment(head: str, text: str) -> str:
    return head + (ascii_text(text, LINE_MAX - len(head)) or "-")


def _locator(marker: otio.schema.Marker, ev: Event, tc) -> str:
    """``* LOC: <record tc> <COLOUR> <source tc> <TEXT>`` within 80 characters."""
    start = round(marker.marked_range.start_time.value)
    at = ev.record_in + min(max(0, start - ev.source_in), ev.length - 1)
    color = str(marker.color).upper()
    color = color if color in LOC_COLORS else "RED"
    head = f"* LOC: {tc(at)} {color:<7} {tc(start)} "
    text = ascii_text(marker.name, LINE_MAX - len(head)).upper()
    return (head + text).rstrip()
