"""An exact FCPXML reader for the tests (OpenTimelineIO's truncates rates and floors).

It reads the spine of the first project into OpenTimelineIO clips whose times are
whole frames at each clip's own rate (from its format's ``frameDuration``, or the
sequence's for a clip without picture), computed with ``Fraction``: a time that is
not on the frame grid fails the test instead of being rounded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
from opentimelineio import opentime


def secs(value: str | None) -> Fraction:
    assert value and value.endswith("s"), value
    return Fraction(value[:-1])


def frames(value: str | None, fd: Fraction) -> int:
    """``value`` in frames of duration ``fd``: exact, or the test fails."""
    n = secs(value) / fd
    assert n.denominator == 1, f"{value} is not on the {fd}s frame grid"
    return int(n)


def read_fcpxml(path: str | Path) -> list[otio.schema.Clip]:
    root = ET.parse(path).getroot()
    formats = {f.get("id"): secs(f.get("frameDuration")) for f in root.iter("format")}
    assets = {a.get("id"): a for a in root.iter("asset")}
    sequence = root.find("./library/event/project/sequence")
    assert sequence is not None
    seq_fd = formats[sequence.get("format")]
    out = []
    for item in sequence.find("spine") or []:
        asset = assets[item.get("ref")]
        fd = formats.get(asset.get("format"), seq_fd)
        rate = float(1 / fd)
        start = frames(item.get("start"), fd)
        length = secs(item.get("duration")) / fd
        ref = otio.schema.ExternalReference(target_url=asset.find("media-rep").get("src"))
        clip = otio.schema.Clip(
            name=item.get("name"),
            media_reference=ref,
            source_range=opentime.TimeRange(
                opentime.RationalTime(start, rate), opentime.RationalTime(round(length), rate)
            ),
        )
        for m in item.findall("marker"):
            marker = otio.schema.Marker(
                name=m.get("value"),
                marked_range=opentime.TimeRange(
                    opentime.RationalTime(frames(m.get("start"), fd), rate),
                    opentime.RationalTime(frames(m.get("duration"), fd), rate),
                ),
            )
            marker.comment = m.get("note", "")
            clip.markers.append(marker)
        out.append(clip)
    return out
