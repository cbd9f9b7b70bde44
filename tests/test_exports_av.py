"""Exports with sound and subtitles at source timecode (issue 5 audit).

Timelines (EDL, FCP 7 XML, FCPXML) of media with sound carry the sound: read back with
OpenTimelineIO and parsed as text, the audio is there with the video's in/out and the
same file. SRT/WebVTT honour ``tc="source"``: cue times are the file's timecode labels.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from tapelog.archive.exports import (
    export_markers,
    export_selects,
    export_transcript,
    write_transcript,
)
from tapelog.archive.exports.subtitles import SubtitleStyle
from tapelog.archive.exports.timeline import read_back
from tapelog.archive.models import STATUS_DONE, MediaRecord, SelectionItem, Tag, TranscriptRecord
from tapelog.archive.selections import add_items
from tapelog.archive.transcripts import transcript_path, write_segments
from tapelog.media.info import MediaInfo
from tapelog.media.timecode import timecode_to_frames
from tapelog.transcribe.types import Segment

from tests.fcpxml_reader import read_fcpxml

SEGMENTS = [
    Segment(1.0, 6.2, "My son was taken from the alley.", speaker="CH1"),
    Segment(12.52, 13.9, "A man asked for fifty thousand yuan."),
]


def _transcript(archive, media_id: str, segs) -> None:
    with archive.store.transaction():
        tid = archive.store.next_id("tr")
        rec = TranscriptRecord(
            id=tid,
            media_id=media_id,
            model="tiny.en",
            options={"task": "transcribe"},
            created="2024-01-01T00:00:00",
            status=STATUS_DONE,
            language="en",
        )
        archive.store.table("transcripts").insert(rec.to_dict())
        media = archive.get_media(media_id)
        media.transcript_id = tid
        media.transcript_status = STATUS_DONE
        archive.store.table("media").upsert(media.to_dict(), lambda d: d["id"] == media_id)
    write_segments(transcript_path(archive.root, media_id, tid), segs)


@pytest.fixture
def av(archive, media_dir: Path):
    """m1 interview_liu (25 fps, 10:00:00:00, mono), m2 two_channel (23.976, stereo),
    m3 dropframe (29.97 DF, 00:59:59;00, mono), m4 mandarin_zh.wav (mono, no picture),
    m5 no_audio.mp4 (25 fps, no sound, no timecode)."""
    names = [
        "interview_liu.mov",
        "two_channel_interview.mov",
        "dropframe_2997.mov",
        "mandarin_zh.wav",
        "no_audio.mp4",
    ]
    results = archive.import_paths([media_dir / n for n in names])
    assert [r.id for r in results] == ["m1", "m2", "m3", "m4", "m5"]
    _transcript(archive, "m1", SEGMENTS)
    _transcript(archive, "m3", [Segment(1.0, 2.5, "Drop frame test.")])
    _transcript(archive, "m4", [Segment(0.4, 5.0, "My son was abducted in Taiyuan.")])
    with archive.store.transaction():
        for tag in (
            Tag("t1", "m1", 12.52, 13.9, themes=["scam"]),
            Tag("t2", "m1", 6.2, 9.0, themes=["police"]),
        ):
            archive.store.table("tags").insert(tag.to_dict())
    return archive


# -- subtitles at source timecode -----------------------------------------------------


def _cue_times(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^(\d\d:\d\d:\d\d[,.]\d{3}) --> (\d\d:\d\d:\d\d[,.]\d{3})$", text, re.M)


def test_srt_and_vtt_at_source_timecode(av, tmp_path: Path) -> None:
    export_transcript(av, "m1", tmp_path / "src.srt", "srt", tc="source")
    # 12.52 s is frame 313 = 10:00:12:13 -> 13/25 s; 13.9 s ends inside frame 347, so the
    # cue ends on the label of frame 348, 10:00:13:23 -> 23/25 s = 920 ms.
    assert _cue_times((tmp_path / "src.srt").read_text()) == [
        ("10:00:01,000", "10:00:06,200"),
        ("10:00:12,520", "10:00:13,920"),
    ]
    export_transcript(av, "m1", tmp_path / "src.vtt", "vtt", tc="source")
    assert _cue_times((tmp_path / "src.vtt").read_text())[1] == ("10:00:12.520", "10:00:13.920")
    # Running time is unchanged, and stays the default for subtitles.
    export_transcript(av, "m1", tmp_path / "run.srt", "srt", tc="running")
    export_transcript(av, "m1", tmp_path / "default.srt", "srt")
    run = (tmp_path / "run.srt").read_text()
    assert _cue_times(run)[1] == ("00:00:12,520", "00:00:13,900")
    assert (tmp_path / "default.srt").read_text() == run


def test_srt_drop_frame_uses_the_labels_own_seconds(av, tmp_path: Path) -> None:
    result = export_transcript(av, "m3", tmp_path / "df.srt", "srt", tc="source")
    # 1.0 s into 00:59:59;00 at 29.97 is frame 29: 00:59:59;29 -> 29/30 s = 967 ms;
    # 2.5 s ends inside frame 74, so the cue ends on frame 75: 01:00:01;15 -> 500 ms.
    assert _cue_times((tmp_path / "df.srt").read_text()) == [("00:59:59,967", "01:00:01,500")]
    assert not result.notes


def test_subtitles_across_dropped_labels(tmp_path: Path) -> None:
    """Past a minute boundary DF labels skip ;00 and ;01: the label, not frames/29.97."""
    info = MediaInfo(
        path="/x/df.mov",
        container="mov",
        duration=10.0,
        size_bytes=1,
        fps_num=30000,
        fps_den=1001,
        start_timecode="00:00:59;00",
        drop_frame=True,
    )
    media = MediaRecord("m9", "/x/df.mov", "f", info, "2024-01-01")
    out = tmp_path / "df.srt"
    # 1.1 s is frame 32: 30 frames after 00:00:59;00 comes 00:01:00;02, so 00:01:00;04
    # (4/30 s = 133 ms, not the real time 1.1 s after the start). 1.2 s ends inside frame 35:
    # out on frame 36, 00:01:00;08 -> 267 ms.
    exact = SubtitleStyle(min_duration=0.0)  # the clock alone, no minimum time on screen
    write_transcript(media, [Segment(1.1, 1.2, "x")], out, "srt", tc="source", style=exact)
    assert _cue_times(out.read_text()) == [("00:01:00,133", "00:01:00,267")]
    # By default a cue stays a second on screen: to 2.1 s, inside frame 62, so out on
    # frame 63: 00:01:01;05.
    write_transcript(media, [Segment(1.1, 1.2, "x")], out, "srt", tc="source")
    assert _cue_times(out.read_text()) == [("00:01:00,133", "00:01:01,167")]


def test_subtitles_without_source_timecode_say_running_time(av, tmp_path: Path) -> None:
    result = export_transcript(av, "m4", tmp_path / "zh.srt", "srt", tc="source")
    assert _cue_times((tmp_path / "zh.srt").read_text()) == [("00:00:00,400", "00:00:05,000")]
    assert any("no source timecode" in n and "running time" in n for n in result.notes)
    quiet = export_transcript(av, "m4", tmp_path / "zh2.srt", "srt")
    assert not any("source timecode" in n for n in quiet.notes)


# -- timelines with sound ---------------------------------------------------------------


def _url(archive, media_id: str) -> str:
    return Path(archive.get_media(media_id).path).absolute().as_uri()


def _ranges(track: otio.schema.Track) -> list[tuple[str, int, int]]:
    """(file, source in, duration) of each clip on ``track``, in frames."""
    return [
        (
            c.media_reference.target_url,
            round(c.source_range.start_time.value),
            round(c.source_range.duration.value),
        )
        for c in track.find_clips()
    ]


def _events(text: str) -> list[tuple[str, str, str]]:
    """(event number, channel code, source in) of each CMX3600 event line."""
    return re.findall(r"^(\d{3})  \S+\s+(\S+)\s+C\s+(\S+) ", text, re.M)


def test_edl_events_carry_sound(av, tmp_path: Path) -> None:
    out = tmp_path / "m1.edl"
    export_markers(av, ["m1"], out, "edl")
    text = out.read_text()
    assert _events(text) == [("001", "B", "10:00:00:00")]  # V + A1: a mono interview
    assert text.count("* LOC: 00:00:12:13 BLUE    10:00:12:13") == 1  # one shot, markers once
    tl = read_back(out, "edl", rate=25)
    (video,) = tl.video_tracks()
    (a1,) = tl.audio_tracks()
    assert _ranges(video) == _ranges(a1) == [(_url(av, "m1"), 900000, 550)]

    stereo = tmp_path / "m2.edl"
    export_markers(av, ["m2"], stereo, "edl")
    assert _events(stereo.read_text()) == [("001", "AA/V", "01:00:00:00")]
    tl = read_back(stereo, "edl", rate=24000 / 1001)
    assert [t.name for t in tl.tracks] == ["V", "A1", "A2"]
    assert len({tuple(_ranges(t)) for t in tl.tracks}) == 1  # same file, in and out

    drop = tmp_path / "m3.edl"
    export_markers(av, ["m3"], drop, "edl")
    assert _events(drop.read_text()) == [("001", "B", "00:59:59;00")]
    tl = read_back(drop, "edl", rate=30000 / 1001)
    start = timecode_to_frames("00:59:59;00", 29.97, True)
    assert _ranges(tl.video_tracks()[0]) == _ranges(tl.audio_tracks()[0])
    assert _ranges(tl.audio_tracks()[0]) == [(_url(av, "m3"), start, 180)]


def test_edl_selects_with_an_audio_only_file(av, tmp_path: Path) -> None:
    add_items(av, "mix", [SelectionItem("m1", 12.52, 13.9), SelectionItem("m4", 0.4, 5.0)])
    out = tmp_path / "mix.edl"
    export_selects(av, "mix", out, "edl", handles=0.5)
    text = out.read_text()
    # The wav (no picture, no timecode: 25 fps from 00:00:00:00) is an audio-only event.
    assert _events(text) == [("001", "B", "10:00:12:00"), ("002", "A", "00:00:00:00")]
    tl = read_back(out, "edl", rate=25)
    (video,) = tl.video_tracks()
    (a1,) = tl.audio_tracks()
    # 12.02 .. 14.4 s: frames 300 .. 360; the wav 0 .. 5.5 s: 0 .. 138 (5.5 s = 137.5).
    assert _ranges(video) == [(_url(av, "m1"), 900000 + 300, 60)]
    assert _ranges(a1) == [(_url(av, "m1"), 900000 + 300, 60), (_url(av, "m4"), 0, 138)]
    # The wav follows the interview on the record side, in the sound track only.
    assert a1.range_of_child(list(a1.find_clips())[1]).start_time.value == 60


def _seq(root: ET.Element) -> ET.Element:
    (seq,) = root.iter("sequence")
    return seq


def test_fcp7_sound_is_linked_clipitems_per_channel(av, tmp_path: Path) -> None:
    out = tmp_path / "all.xml"
    export_markers(av, ["m1", "m2", "m4", "m5"], out, "fcp7")
    seq = _seq(ET.parse(out).getroot())
    video = seq.findall("./media/video/track")
    audio = seq.findall("./media/audio/track")
    assert len(video) == 1 and len(audio) == 2  # the stereo interview needs two tracks
    items = {c.get("id"): c for c in seq.iter("clipitem")}
    files = {f.get("id"): f for f in seq.iter("file") if f.find("pathurl") is not None}

    def file_of(item: ET.Element) -> ET.Element:
        return files[item.find("file").get("id")]

    def span(item: ET.Element) -> tuple[str, ...]:
        return tuple(item.findtext(k) for k in ("start", "end", "in", "out"))

    channels = {
        f.findtext("name"): f.findtext("./media/audio/channelcount") for f in files.values()
    }
    assert channels == {
        "interview_liu.mov": "1",
        "two_channel_interview.mov": "2",
        "mandarin_zh.wav": "1",
        "no_audio.mp4": None,  # no sound: no <audio> in its file
    }
    stereo_file = next(
        f for f in files.values() if f.findtext("name") == "two_channel_interview.mov"
    )
    assert stereo_file.findtext("./media/audio/samplecharacteristics/samplerate") == "48000"
    for v in video[0].findall("clipitem"):
        name = file_of(v).findtext("name")
        links = [lk.findtext("linkclipref") for lk in v.findall("link")]
        sounds = [items[i] for i in links if items[i] is not v]
        expected = {"interview_liu.mov": 1, "two_channel_interview.mov": 2, "no_audio.mp4": 0}
        assert len(sounds) == expected[name], name
        for n, a in enumerate(sounds, 1):
            assert file_of(a) is file_of(v)  # same file
            assert span(a) == span(v)  # same place and same in/out
            assert a.findtext("./sourcetrack/mediatype") == "audio"
            assert a.findtext("./sourcetrack/trackindex") == str(n)
            assert v.get("id") in [lk.findtext("linkclipref") for lk in a.findall("link")]
    wav = [a for a in audio[0].findall("clipitem") if not a.findall("link")]
    assert [file_of(a).findtext("name") for a in wav] == ["mandarin_zh.wav"]

    tl = read_back(out, "fcp7")
    (v1,) = tl.video_tracks()
    a1, a2 = tl.audio_tracks()
    pictures = dict((url, (start, dur)) for url, start, dur in _ranges(v1))
    for url, start, dur in _ranges(a1) + _ranges(a2):
        if url != _url(av, "m4"):
            assert pictures[url] == (start, dur)
    assert [u for u, _, _ in _ranges(a2)] == [_url(av, "m2")]
    assert _url(av, "m4") in [u for u, _, _ in _ranges(a1)]
    assert _url(av, "m4") not in pictures


def test_fcp7_selects_sound_keeps_in_and_out(av, tmp_path: Path) -> None:
    add_items(av, "best", [SelectionItem("m1", 12.52, 13.9)])
    out = tmp_path / "best.xml"
    export_selects(av, "best", out, "fcp7", handles=1.0)
    tl = read_back(out, "fcp7")
    (v1,) = tl.video_tracks()
    (a1,) = tl.audio_tracks()
    # 11.52 .. 14.9 s: frames 288 .. 373 of the file.
    assert _ranges(v1) == _ranges(a1) == [(_url(av, "m1"), 900000 + 288, 85)]
    (picture,) = v1.find_clips()
    (sound,) = a1.find_clips()
    assert [m.marked_range.start_time.value for m in picture.markers] == [313]
    assert list(sound.markers) == []  # once, on the picture: NLEs list a marker per track


def test_fcpxml_clips_carry_their_sound(av, tmp_path: Path) -> None:
    out = tmp_path / "all.fcpxml"
    export_markers(av, ["m1", "m2", "m4", "m5"], out, "fcpxml")
    root = ET.parse(out).getroot()
    assets = {a.get("name"): a for a in root.iter("asset")}
    assert {k: a.get("hasAudio") for k, a in assets.items()} == {
        "interview_liu.mov": "1",
        "two_channel_interview.mov": "1",
        "mandarin_zh.wav": "1",
        "no_audio.mp4": None,
    }
    assert {k: a.get("hasVideo") for k, a in assets.items()} == {
        "interview_liu.mov": "1",
        "two_channel_interview.mov": "1",
        "mandarin_zh.wav": None,
        "no_audio.mp4": "1",
    }
    assert assets["two_channel_interview.mov"].get("audioChannels") == "2"
    assert assets["two_channel_interview.mov"].get("audioRate") == "48000"
    assert assets["interview_liu.mov"].find("media-rep").get("src") == _url(av, "m1")
    spine = root.find("./library/event/project/sequence/spine")
    clips = {c.get("name"): c for c in spine}
    liu = clips["interview_liu.mov"]
    assert liu.tag == "asset-clip" and liu.get("audioRole") == "dialogue"
    assert liu.get("ref") == assets["interview_liu.mov"].get("id")
    assert Fraction(liu.get("start").rstrip("s")) * 25 == 900000
    assert Fraction(liu.get("duration").rstrip("s")) * 25 == 550
    scam = next(m for m in liu.iter("marker") if m.get("value").startswith("theme: scam"))
    assert Fraction(scam.get("start").rstrip("s")) * 25 == timecode_to_frames("10:00:12:13", 25)
    # No sound: a clip of picture only, no audio role.
    silent = clips["no_audio.mp4"]
    assert silent.tag == "asset-clip" and silent.get("audioRole") is None
    # The wav has no picture: a clip of sound on the spine, with its role.
    wav = clips["mandarin_zh.wav"]
    assert wav.get("audioRole") == "dialogue" and wav.get("format") is None

    single = tmp_path / "m1.fcpxml"
    export_markers(av, ["m1"], single, "fcpxml")
    (clip,) = read_fcpxml(single)
    assert clip.media_reference.target_url == _url(av, "m1")
    assert (clip.source_range.start_time.value, clip.source_range.duration.value) == (900000, 550)
