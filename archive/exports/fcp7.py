"""FCP 7 XML (xmeml) as Premiere and Resolve read it: OpenTimelineIO's file, finished.

OpenTimelineIO's ``fcp_xml`` writer gets times, files and markers right but leaves
out what Premiere writes in every file of its own (OpenTimelineIO's
``premiere_example.xml``) and what Resolve needs to open it:

* the prologue ``<?xml version="1.0" encoding="UTF-8"?>`` and ``<!DOCTYPE xmeml>``;
* a filled sequence ``<format>``: ``samplecharacteristics`` with the rate, width and
  height of its first picture (Resolve ignores a file whose format is empty);
* each file's ``<video>`` with its own width and height, its ``<audio>`` with sample
  rate and channels (a file without sound has none);
* one ``<rate>`` per clipitem (the writer repeats it on audio clipitems);
* the tape name as ``<reel><name>`` inside the file's ``<timecode>``;
* the clipitems of one shot linked (picture and each channel of sound), which the
  writer drops.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import opentimelineio as otio
from tapelog.archive.exports.textsafe import clean

FILE_META = "tapelog"  # media reference metadata: what the file holds (``timeline._clip``)
PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n'
DEFAULT_SIZE = (1920, 1080)


@dataclass(frozen=True)
class FileInfo:
    """What a file holds, from its media reference's metadata."""

    has_video: bool
    channels: int
    sources: int
    rate: int
    width: int = 0
    height: int = 0
    reel: str = ""


def files_by_url(timeline: otio.schema.Timeline) -> dict[str, FileInfo]:
    out = {}
    for clip in timeline.find_clips():
        ref = clip.media_reference
        meta = ref.metadata.get(FILE_META) if ref is not None else None
        if meta and hasattr(ref, "target_url"):
            out[ref.target_url] = FileInfo(
                bool(meta["has_video"]),
                int(meta["audio_channels"]),
                int(meta["audio_sources"]),
                int(meta["audio_rate"]),
                int(meta.get("width") or 0),
                int(meta.get("height") or 0),
                clean(meta.get("reel") or ""),
            )
    return out


def finish(text: str, files: dict[str, FileInfo]) -> str:
    """The adapter's ``text`` with everything listed in the module docstring."""
    root = ET.fromstring(text)
    for file_e in root.iter("file"):
        found = files.get(file_e.findtext("pathurl") or "")
        if found is not None:
            _fill_file(file_e, found)
    for item in root.iter("clipitem"):
        for extra in item.findall("rate")[1:]:
            item.remove(extra)
    for sequence in root.iter("sequence"):
        _fill_format(sequence, files)
        _link_clipitems(sequence)
    return xml_text(root)


def _characteristics(parent: ET.Element, rate: ET.Element | None, w: int, h: int) -> None:
    chars = ET.SubElement(parent, "samplecharacteristics")
    if rate is not None:
        chars.append(_copy(rate))
    for tag, value in (
        ("width", str(w)), ("height", str(h)), ("anamorphic", "FALSE"),
        ("pixelaspectratio", "square"), ("fielddominance", "none"),
    ):  # fmt: skip
        ET.SubElement(chars, tag).text = value


def _copy(element: ET.Element) -> ET.Element:
    return ET.fromstring(ET.tostring(element))


def _fill_file(file_e: ET.Element, found: FileInfo) -> None:
    media_e = file_e.find("media")
    if media_e is None:
        media_e = ET.SubElement(file_e, "media")
    video_e = media_e.find("video")
    if found.has_video and found.width and found.height:
        if video_e is None:
            video_e = ET.SubElement(media_e, "video")
        _characteristics(video_e, file_e.find("rate"), found.width, found.height)
    timecode = file_e.find("timecode")
    if timecode is not None and found.reel:
        ET.SubElement(ET.SubElement(timecode, "reel"), "name").text = found.reel
    audio_e = media_e.find("audio")
    if not found.channels:
        if audio_e is not None and found.has_video:
            media_e.remove(audio_e)
        return
    if audio_e is None:
        audio_e = ET.SubElement(media_e, "audio")
    if found.rate:
        chars = ET.SubElement(audio_e, "samplecharacteristics")
        ET.SubElement(chars, "depth").text = "16"
        ET.SubElement(chars, "samplerate").text = str(found.rate)
    ET.SubElement(audio_e, "channelcount").text = str(found.channels)


def _fill_format(sequence: ET.Element, files: dict[str, FileInfo]) -> None:
    """The sequence's format: its rate, and the size of its first picture."""
    video = sequence.find("./media/video")
    if video is None:
        return
    fmt = video.find("format")
    if fmt is None:
        fmt = ET.Element("format")
        video.insert(0, fmt)
    for child in list(fmt):
        fmt.remove(child)
    width, height = DEFAULT_SIZE
    for url in (e.text or "" for e in sequence.iter("pathurl")):
        found = files.get(url)
        if found is not None and found.has_video and found.width and found.height:
            width, height = found.width, found.height
            break
    _characteristics(fmt, sequence.find("rate"), width, height)


def _link_clipitems(sequence: ET.Element) -> None:
    """Link the video and audio clipitems of one shot (same file, same place)."""
    shots: dict[tuple[str, str, str], list[tuple[ET.Element, str, int, int]]] = {}
    for kind in ("video", "audio"):
        for t, track in enumerate(sequence.findall(f"./media/{kind}/track"), 1):
            for c, item in enumerate(track.findall("clipitem"), 1):
                file_e = item.find("file")
                file_id = file_e.get("id", "") if file_e is not None else ""
                if file_id:
                    key = (file_id, item.findtext("start", ""), item.findtext("end", ""))
                    shots.setdefault(key, []).append((item, kind, t, c))
    for members in shots.values():
        if len(members) < 2:
            continue
        for item, _kind, _t, _c in members:
            for other, kind, t, c in members:
                link = ET.SubElement(item, "link")
                ET.SubElement(link, "linkclipref").text = other.get("id")
                ET.SubElement(link, "mediatype").text = kind
                ET.SubElement(link, "trackindex").text = str(t)
                ET.SubElement(link, "clipindex").text = str(c)
                if kind == "audio":
                    ET.SubElement(link, "groupindex").text = "1"


def xml_text(root: ET.Element) -> str:
    """``root`` indented, after Premiere's prologue."""
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    ET.indent(root, space="    ")
    return PROLOGUE + ET.tostring(root, encoding="unicode") + "\n"
