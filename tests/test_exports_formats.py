"""Each timeline format checked point by point, with golden values (issue 14).

Hand-made media records (no files needed: the writers are pure) at every rate an
editor meets: 23.976, 25, 29.97 DF, 50, 59.94 DF, no timecode, no picture. Times are
compared as exact frame counts and ``Fraction`` seconds; OpenTimelineIO reads back
only what its readers get right (EDL events, FCP 7 XML), never FCPXML.
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from tapelog.archive.exports import write_markers, write_selects
from tapelog.archive.exports.common import Passage
from tapelog.archive.exports.fcpxml import format_name
from tapelog.archive.exports.timeline import read_back
from tapelog.archive.models import MediaRecord
from tapelog.media.info import AudioStreamInfo, MediaInfo
from tapelog.media.timecode import FrameRate, frames_to_timecode, timecode_to_frames

from tests.fcpxml_reader import read_fcpxml, secs
from tests.test_exports import edl_locators


def media(
    name: str = "interview.mov",
    *,
    mid: str = "m1",
    fps: tuple[int, int] | None = (25, 1),
    tc: str | None = "10:00:00:00",
    drop: bool = False,
    duration: float = 22.0,
    video: bool = True,
    channels: int = 1,
    size: tuple[int, int] = (1920, 1080),
    reel: str | None = None,
) -> MediaRecord:
    info = MediaInfo(
        path=f"/footage/{name}",
        container="mov",
        duration=duration,
        size_bytes=1,
        audio_streams=[AudioStreamInfo(0, "pcm", channels, 48000)] if channels else [],
        video_codec="h264" if video else None,
        width=size[0] if video else None,
        height=size[1] if video else None,
        fps_num=fps[0] if fps and video else None,
        fps_den=fps[1] if fps and video else None,
        start_timecode=tc if video else None,
        drop_frame=drop,
        reel=reel,
    )
    return MediaRecord(mid, info.path, "f", info, "2026-01-01")


def passage(m: MediaRecord, start: float, end: float, **kw) -> Passage:
    return Passage(m, start, end, **{"text": "words", "themes": ["police"], **kw})


# (media, first frame of the file, frame the marker at 12.52 s falls in)
RATES = {
    "23.976": (dict(fps=(24000, 1001), tc="01:00:00:00"), 86400, 300),
    "25": (dict(fps=(25, 1), tc="10:00:00:00"), 900000, 313),
    "29.97DF": (dict(fps=(30000, 1001), tc="00:59:59;00", drop=True), 107862, 375),
    "50": (dict(fps=(50, 1), tc="10:00:00:00"), 1800000, 626),
    "59.94DF": (dict(fps=(60000, 1001), tc="10:00:00;00", drop=True), 2157840, 750),
    "no timecode": (dict(fps=(25, 1), tc=None), 0, 313),
}


def _edl_lines(text: str) -> list[str]:
    """The lines of an EDL a person reads (not the file URL for OpenTimelineIO)."""
    return [x for x in text.splitlines() if not x.startswith("* FROM CLIP: ")]


# -- FCPXML ----------------------------------------------------------------------------


@pytest.mark.parametrize("rate", list(RATES))
def test_fcpxml_golden_times(tmp_path: Path, rate: str) -> None:
    kw, first, at = RATES[rate]
    m = media(**kw)
    fr = FrameRate(*kw["fps"])
    fd = Fraction(fr.den, fr.num)
    out = tmp_path / "m.fcpxml"
    write_markers([m], [passage(m, 12.52, 13.9)], out, "fcpxml")
    root = ET.parse(out).getroot()
    if kw["tc"]:
        drop = kw.get("drop", False)
        assert first == timecode_to_frames(kw["tc"], fr, drop)  # the golden is right
    (fmt,) = root.iter("format")
    assert secs(fmt.get("frameDuration")) == fd
    (asset,) = root.iter("asset")
    assert secs(asset.get("start")) == first * fd  # the media's own timecode
    length = math.ceil(22.0 * fr.num / fr.den)  # the frame 22.0 s falls in counts
    assert secs(asset.get("duration")) == length * fd
    browser, clip = root.iter("asset-clip")  # one browser clip, one on the spine
    for c in (browser, clip):
        assert secs(c.get("start")) == first * fd
        assert c.get("tcFormat") == ("DF" if kw.get("drop") else "NDF")
    (marker, _) = root.iter("marker")  # on the browser clip and on the timeline clip
    assert secs(marker.get("start")) == (first + at) * fd
    assert marker.get("completed") is None
    sequence = root.find("./library/event/project/sequence")
    assert sequence is not None and sequence.get("tcFormat") == clip.get("tcFormat")
    (read,) = read_fcpxml(out)
    assert read.source_range.start_time.value == first
    assert [mk.marked_range.start_time.value for mk in read.markers] == [first + at]


def test_fcpxml_format_names() -> None:
    assert format_name(1920, 1080, FrameRate(25)) == "FFVideoFormat1080p25"
    assert format_name(1280, 720, FrameRate(60000, 1001)) == "FFVideoFormat720p5994"
    assert format_name(3840, 2160, FrameRate(24000, 1001)) == "FFVideoFormat3840x2160p2398"
    assert format_name(160, 120, FrameRate(25)) is None  # custom: Final Cut has no name
    assert format_name(1920, 1080, FrameRate(12)) is None


def test_fcpxml_structure(tmp_path: Path) -> None:
    """Library/event wrapper, one browser clip per file, no empty attributes."""
    m = media(size=(1280, 720), fps=(50, 1))
    wav = media("sound.wav", mid="m2", video=False, channels=2)
    out = tmp_path / "s.fcpxml"
    passages = [passage(m, 1.0, 2.0), passage(m, 5.0, 6.0), passage(wav, 0.5, 1.5)]
    write_selects("two quotes", passages, out, "fcpxml")
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n')
    root = ET.fromstring(text)
    assert root.get("version") == "1.9"
    event = root.find("./library/event")
    assert event is not None and event.get("name") == "selects two quotes"
    browser = event.findall("asset-clip")
    assert [c.get("name") for c in browser] == ["interview.mov", "sound.wav"]
    assert all(c.get("offset") is None for c in browser)
    spine = event.find("./project/sequence/spine")
    assert spine is not None and len(spine) == 3
    for element in root.iter():
        assert all(v.strip() for v in element.attrib.values()), element.tag
    (fmt,) = root.iter("format")  # the wav adds none; the sequence uses the picture's
    assert (fmt.get("name"), fmt.get("width"), fmt.get("height")) == (
        "FFVideoFormat720p50", "1280", "720",
    )  # fmt: skip
    assets = {a.get("name"): a for a in root.iter("asset")}
    assert assets["sound.wav"].get("format") is None
    assert assets["sound.wav"].get("audioChannels") == "2"
    # Offsets: each clip starts where the one before ended, on the sequence's frames.
    offsets = [secs(c.get("offset")) for c in spine]
    durations = [secs(c.get("duration")) for c in spine]
    assert offsets == [0, durations[0], durations[0] + durations[1]]
    assert all((d * 50).denominator == 1 for d in durations)


def test_fcpxml_validates_against_apples_dtd(tmp_path: Path) -> None:
    """Apple's DTD is not ours to ship: set TAPELOG_FCPXML_DTD to FCPXMLv1_9.dtd."""
    dtd_path = os.environ.get("TAPELOG_FCPXML_DTD")
    if not dtd_path:
        pytest.skip("TAPELOG_FCPXML_DTD not set (Apple's FCPXMLv1_9.dtd)")
    from lxml import etree

    dtd = etree.DTD(dtd_path)
    for n, (kw, _first, _at) in enumerate(RATES.values()):
        m = media(**kw)
        wav = media("s.wav", mid="m2", video=False)
        out = tmp_path / f"{n}.fcpxml"
        write_selects("x", [passage(m, 1.0, 3.0), passage(wav, 0, 1)], out, "fcpxml")
        assert dtd.validate(etree.parse(str(out))), dtd.error_log.filter_from_errors()


# -- a marker at the last frame --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["edl", "fcp7", "fcpxml"])
def test_marker_at_the_last_frame_stays_in_its_clip(tmp_path: Path, fmt: str) -> None:
    m = media(duration=22.0)  # 550 frames at 25 fps: the last is 549
    out = tmp_path / f"m.{fmt}"
    write_markers([m], [passage(m, 21.99, 22.0)], out, fmt)
    if fmt == "edl":
        (loc,) = edl_locators(out.read_text())
        assert loc[:3] == ("00:00:21:24", "BLUE", "10:00:21:24")
        return
    clip = read_fcpxml(out)[0] if fmt == "fcpxml" else list(read_back(out, fmt).find_clips())[0]
    (mk,) = clip.markers
    start = mk.marked_range.start_time.value
    assert start == (900000 if fmt == "fcpxml" else 0) + 549
    assert mk.marked_range.duration.value == 1


# -- EDL ----------------------------------------------------------------------------


def test_edl_reels_and_ascii(tmp_path: Path) -> None:
    chinese = media("采访 刘 第二条 #1.mov", mid="m1")
    taped = media("b.mov", mid="m2", reel="a001/x-long-tape")
    out = tmp_path / "x.edl"
    write_selects("x", [passage(chinese, 1, 2), passage(taped, 1, 2)], out, "edl")
    text = out.read_text(encoding="ascii")  # nothing else in it
    events = re.findall(r"^(\d{3})  (.{8}) (.{5}) C {8}", text, re.M)
    assert [(r.strip(), c.strip()) for _n, r, c in events] == [("AX", "B"), ("A001_X_L", "B")]
    assert "* FROM CLIP NAME: cai fang liu di er tiao #1.mov" in text
    assert max(len(line) for line in _edl_lines(text)) <= 80
    tl = read_back(out, "edl", rate=25)
    assert len(list(tl.video_tracks()[0].find_clips())) == 2


def test_edl_a_newline_in_a_file_name_injects_nothing(tmp_path: Path) -> None:
    evil = media("a\n002  EVIL     V     C        00:00:00:00 00:00:01:00.mov")
    out = tmp_path / "x.edl"
    write_markers([evil], [passage(evil, 1, 2, note="x\r\n003  BAD")], out, "edl")
    text = out.read_text(encoding="ascii")
    assert re.findall(r"^\d{3} ", text, re.M) == ["001 "]
    assert "EVIL" in text  # kept, on the comment line


def test_edl_locators_at_record_time(tmp_path: Path) -> None:
    m = media(fps=(30000, 1001), tc="00:59:59;00", drop=True, duration=120.0)
    out = tmp_path / "x.edl"
    write_selects("x", [passage(m, 1.0, 61.0), passage(m, 70.0, 72.0)], out, "edl")
    text = out.read_text()
    assert "FCM: DROP FRAME" in text

    # 1.0 s is frame 29 of the file, 61.0 s ends in frame 1828: the first event is
    # 1800 frames, so the second quote (70.0 s: frame 2097) starts the record side at
    # frame 1800, which drop-frame labels 00:01:00;02.
    def label(frames: int) -> str:
        return frames_to_timecode(frames, FrameRate(30000, 1001), True)

    locs = edl_locators(text)
    assert [(rec, src) for rec, _c, src, _t in locs] == [
        (label(0), label(107862 + 29)),
        (label(1800), label(107862 + 2097)),
    ]
    assert locs[1][:3] == ("00:01:00;02", "BLUE", "01:01:08;29")


# -- FCP 7 XML -------------------------------------------------------------------------


def test_fcp7_as_premiere_writes_it(tmp_path: Path) -> None:
    m = media(reel="A001", channels=2, fps=(24000, 1001), tc="01:00:00:00")
    out = tmp_path / "x.xml"
    write_markers([m], [passage(m, 1.0, 2.0)], out, "fcp7")
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n')
    root = ET.fromstring(text)
    chars = root.find("./project/children/sequence/media/video/format/samplecharacteristics")
    assert chars is not None
    assert (chars.findtext("width"), chars.findtext("height")) == ("1920", "1080")
    assert (chars.findtext("rate/timebase"), chars.findtext("rate/ntsc")) == ("24", "TRUE")
    for item in root.iter("clipitem"):
        assert len(item.findall("rate")) == 1
    assert [e.text for e in root.iter("name") if e.text == "A001"] == ["A001"]
    reel = root.find(".//file/timecode/reel/name")
    assert reel is not None and reel.text == "A001"
    video = root.find(".//file/media/video/samplecharacteristics")
    assert video is not None and video.findtext("width") == "1920"
    clip = list(read_back(out, "fcp7").find_clips())[0]
    assert clip.source_range.start_time.value == 86400  # the whole file, from 01:00:00:00
    (mk,) = clip.markers  # FCP 7 counts clip markers from the file's first frame
    assert mk.marked_range.start_time.value == 23  # 1.0 s at 23.976: frame 23


# -- hostile text everywhere ---------------------------------------------------------

HOSTILE = "ctl\x01\x0b\x1f\x7f emoji 😀 rtl \u202eעברית\u202c new\nline \r\n" + "n" * 10000


@pytest.mark.parametrize("fmt", ["edl", "fcp7", "fcpxml", "csv", "md", "docx"])
def test_hostile_text_gives_a_valid_file(tmp_path: Path, fmt: str) -> None:
    m = media("😀 \u202e名字\x01.mov", reel="\x01")
    p = passage(
        m, 1.0, 2.0, text=HOSTILE, note=HOSTILE, speaker=HOSTILE, themes=[HOSTILE],
        people=[HOSTILE], cases=[HOSTILE],
    )  # fmt: skip
    out = tmp_path / f"x.{fmt}"
    write_selects("sel\x01\n", [p], out, fmt)
    if fmt == "docx":
        from docx import Document

        assert Document(str(out)).tables
        return
    text = out.read_text(encoding="utf-8")
    assert "\x01" not in text and "\x0b" not in text
    if fmt in ("fcp7", "fcpxml"):
        ET.fromstring(text)
    if fmt == "edl":
        assert text.isascii() and max(len(x) for x in _edl_lines(text)) <= 80
        assert re.findall(r"^\d{3} ", text, re.M) == ["001 "]


def test_csv_cells_never_run_as_formulas(tmp_path: Path) -> None:
    import csv

    m = media("=cmd.mov")
    ps = [
        passage(m, 1, 2, text='=HYPERLINK("http://x")', note="+1", speaker="@me"),
        passage(m, 3, 4, text="-2+3", note="\uff1dSUM(A1)"),
    ]
    out = tmp_path / "x.csv"
    write_selects("x", ps, out, "csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["quote"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["file"] == "'=cmd.mov" and rows[0]["speaker"] == "'@me"
    assert rows[0]["note"] == "'+1"
    assert rows[1]["quote"] == "'-2+3" and rows[1]["note"] == "'\uff1dSUM(A1)"


def test_file_name_of_255_bytes(tmp_path: Path) -> None:
    name = "é" * 124 + "名" + ".mov"  # 248 + 3 + 4 bytes: the most a file system allows
    assert len(name.encode()) == 255
    m = media(name)
    for fmt in ("edl", "fcp7", "fcpxml"):
        out = tmp_path / f"x.{fmt}"
        write_markers([m], [passage(m, 1, 2)], out, fmt)
        text = out.read_text(encoding="utf-8")
        if fmt == "edl":
            assert max(len(x) for x in _edl_lines(text)) <= 80
        else:
            ET.fromstring(text)


def test_ascii_for_edl_comments() -> None:
    from tapelog.archive.exports.textsafe import ascii_text, reel_name

    assert ascii_text("采访 罗润 父亲.wav") == "cai fang luo run fu qin.wav"
    assert ascii_text("Café “quoted” — 10…") == 'Cafe "quoted" - 10...'
    assert ascii_text("a\nb\x01c  d") == "a bc d"
    assert reel_name("采访") == "CAI_FANG" and reel_name("😀") == ""


@pytest.mark.parametrize("rate", list(RATES))
def test_edl_and_fcp7_golden_frames(tmp_path: Path, rate: str) -> None:
    kw, first, at = RATES[rate]
    m = media(**kw)
    fr = FrameRate(*kw["fps"])
    drop = kw.get("drop", False)
    edl = tmp_path / "m.edl"
    write_markers([m], [passage(m, 12.52, 13.9)], edl, "edl")
    text = edl.read_text()
    assert ("FCM: DROP FRAME" in text) is drop
    nominal = fr if drop or fr.den == 1 else FrameRate(fr.nominal)  # NDF NTSC: same labels
    label = frames_to_timecode
    (loc,) = edl_locators(text)
    assert loc[:3] == (label(at, nominal, drop), "BLUE", label(first + at, nominal, drop))
    assert f" C        {label(first, nominal, drop)} " in text
    xml = tmp_path / "m.xml"
    write_markers([m], [passage(m, 12.52, 13.9)], xml, "fcp7")
    (clip,) = list(read_back(xml, "fcp7").video_tracks()[0].find_clips())
    assert clip.source_range.start_time.value == first
    assert [mk.marked_range.start_time.value for mk in clip.markers] == [at]
    tc = ET.parse(xml).getroot().find(".//file/timecode")
    assert tc is not None and tc.findtext("displayformat") == ("DF" if drop else "NDF")


def test_no_picture_in_every_format(tmp_path: Path) -> None:
    wav = media("sound.wav", video=False, channels=2, duration=6.0)
    for fmt in ("edl", "fcp7", "fcpxml"):
        out = tmp_path / f"s.{fmt}"
        write_markers([wav], [passage(wav, 1.0, 2.0)], out, fmt)
        text = out.read_text(encoding="utf-8")
        if fmt == "edl":
            assert re.search(r"^001  AX       AA    C        00:00:00:00 00:00:06:00 ", text, re.M)
        elif fmt == "fcp7":
            tl = read_back(out, "fcp7")
            assert [len(list(t.find_clips())) for t in tl.audio_tracks()] == [1, 1]
            assert not list(tl.video_tracks()[0].find_clips())
        else:
            (clip,) = read_fcpxml(out)
            assert clip.source_range.duration.value == 150  # 6 s at the default 25 fps


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_hostile_case_sheet_in_the_dossier(archive, tmp_path: Path, fmt: str) -> None:
    from tapelog.archive.exports import export_dossier
    from tapelog.archive.models import Case, Person

    with archive.store.transaction():
        archive.store.table("cases").insert(
            Case(
                "C1", child_name="Li\x01u\nJing", notes=HOSTILE, extra={"x\x02": HOSTILE}
            ).to_dict()
        )
        archive.store.table("people").insert(
            Person("P1", name="Fa\x0bther", cases=["C1"]).to_dict()
        )
    out = tmp_path / f"c.{fmt}"
    export_dossier(archive, "C1", out, fmt)
    text = out.read_text(encoding="utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    assert "Liu Jing" in text and "Father" in text
    if fmt == "html":
        assert "\u202e" in text  # right-to-left text is kept, escaped by nothing: it is text
