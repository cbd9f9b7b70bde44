"""Exports with sound and subtitles at source timecode (issue 5 audit).

Timelines (EDL, FCP 7 XML, FCPXML) of media with sound carry the sound: read back with
OpenTimelineIO and parsed as text, the audio is there with the video's in/out and the
same file. SRT/WebVTT honour ``tc="source"``: cue times are the file's timecode labels.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.exports import export_transcript, write_transcript
from archive.models import STATUS_DONE, MediaRecord, TranscriptRecord
from archive.transcripts import transcript_path, write_segments
from media.info import MediaInfo
from transcribe.types import Segment

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
    write_transcript(media, [Segment(1.1, 1.2, "x")], out, "srt", tc="source")
    assert _cue_times(out.read_text()) == [("00:01:00,133", "00:01:00,267")]


def test_subtitles_without_source_timecode_say_running_time(av, tmp_path: Path) -> None:
    result = export_transcript(av, "m4", tmp_path / "zh.srt", "srt", tc="source")
    assert _cue_times((tmp_path / "zh.srt").read_text()) == [("00:00:00,400", "00:00:05,000")]
    assert any("no source timecode" in n and "running time" in n for n in result.notes)
    quiet = export_transcript(av, "m4", tmp_path / "zh2.srt", "srt")
    assert not any("source timecode" in n for n in quiet.notes)
