"""Exports on a real archive of the sample media: every timeline read back with OTIO.

Transcripts are written as files the way a finished run leaves them (no Whisper here:
the words are the sample scripts', with known times), tags/people/cases as store
records; everything else (probe, import, ffmpeg cuts, OTIO adapters) is real.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from tapelog.archive.errors import ExportError, NotFoundError, UsageError
from tapelog.archive.exports import (
    export_clip,
    export_dossier,
    export_markers,
    export_selects,
    export_transcript,
)
from tapelog.archive.exports.timeline import read_back
from tapelog.archive.models import (
    STATUS_DONE,
    Case,
    Person,
    SelectionItem,
    Tag,
    TranscriptRecord,
)
from tapelog.archive.selections import (
    add_items,
    delete_selection,
    get_selection,
    list_selections,
    remove_item,
    rename_selection,
)
from tapelog.archive.transcripts import transcript_path, write_segments
from tapelog.media.probe import probe
from tapelog.media.timecode import FrameRate, timecode_to_frames
from tapelog.transcribe.types import Segment, Word

from tests.conftest import run_cli
from tests.fcpxml_reader import read_fcpxml

LIU = [
    Segment(
        1.0, 6.2, "My son Liu Jingjun was taken from the alley behind our room.", speaker="CH1"
    ),
    Segment(6.2, 9.0, "The police did not help us at first.", speaker="CH1"),
    Segment(9.0, 14.0, "Then the scam calls started, a man asked for fifty thousand yuan."),
    Segment(14.0, 20.0, "We gave our blood to the DNA database <script>alert(1)</script>."),
]
LIU[1].words = [Word(6.2, 6.5, " The"), Word(6.5, 7.0, " police"), Word(7.0, 9.0, " help")]


def edl_locators(text: str) -> list[tuple[str, str, str, str]]:
    """(record tc, colour, source tc, text) of each ``* LOC:`` line of an EDL."""
    return re.findall(r"^\* LOC: (\S+) (\w+) +(\S+) ?(.*)$", text, re.M)


def _transcript(archive, media_id: str, segs, *, task: str = "transcribe", current=True) -> str:
    with archive.store.transaction():
        tid = archive.store.next_id("tr")
        rec = TranscriptRecord(
            id=tid,
            media_id=media_id,
            model="tiny.en",
            options={"task": task},
            created=f"2024-01-01T00:00:0{len(archive.transcripts(media_id))}",
            status=STATUS_DONE,
            language="en" if task == "translate" else "zh",
        )
        archive.store.table("transcripts").insert(rec.to_dict())
        if current:
            media = archive.get_media(media_id)
            media.transcript_id = tid
            media.transcript_status = STATUS_DONE
            archive.store.table("media").upsert(media.to_dict(), lambda d: d["id"] == media_id)
    write_segments(transcript_path(archive.root, media_id, tid), segs)
    return tid


@pytest.fixture
def arch(archive, media_dir: Path):
    """m1 interview_liu (25 fps, 10:00:00:00), m2 two_channel (23.976), m3 dropframe."""
    names = ["interview_liu.mov", "two_channel_interview.mov", "dropframe_2997.mov"]
    results = archive.import_paths([media_dir / n for n in names] + [media_dir / "mandarin_zh.wav"])
    assert [r.id for r in results] == ["m1", "m2", "m3", "m4"]
    _transcript(archive, "m1", LIU)
    _transcript(archive, "m3", [Segment(0.5, 3.0, "Drop frame test.")])
    with archive.store.transaction():
        archive.store.table("cases").insert(
            Case("C1", child_name="Liu Jingjun", notes="<b>bold</b> & more").to_dict()
        )
        archive.store.table("people").insert(
            Person("P1", name="Liu Father", cases=["C1"], role="parent").to_dict()
        )
        archive.store.table("people").insert(
            Person("P2", name="Little Sister", flags=["minor"]).to_dict()
        )
        tags = [
            Tag("t1", "m1", 12.52, 13.9, themes=["scam"], cases=["C1"], note="the <ransom>"),
            Tag("t2", "m1", 6.2, 9.0, themes=["police"], people=["P1"]),
            Tag("t3", "m1", 14.0, 20.0, people=["P2"], cases=["C1"]),  # sensitive: minor
            Tag("t4", "m3", 1.0, 2.0, themes=["drop"]),
        ]
        for t in tags:
            archive.store.table("tags").insert(t.to_dict())
    return archive


# -- markers -------------------------------------------------------------------------


def test_edl_markers_read_back_on_their_frames(arch, tmp_path: Path) -> None:
    out = tmp_path / "m1.edl"
    result = export_markers(arch, ["m1"], out, "edl")
    assert result.items == 2 and result.omitted == 1
    text = out.read_text()
    assert "FCM: NON-DROP FRAME" in text
    assert "sensitive passage left out" in text
    # 12.52 s into a 10:00:00:00 file at 25 fps is 10:00:12:13: frame 13. Locators
    # are at record time (the clip starts the record side at 00:00:00:00), the
    # source label leading their text.
    locs = edl_locators(text)
    assert [(rec, src) for rec, _c, src, _t in locs] == [
        ("00:00:06:05", "10:00:06:05"),
        ("00:00:12:13", "10:00:12:13"),
    ]
    assert locs[1][3].startswith("THEME: SCAM; CASE: C1 LIU JINGJUN: THE")
    assert max(len(line) for line in text.splitlines()) <= 80
    # OpenTimelineIO reads the event right (its locators are another matter).
    tl = read_back(out, "edl", rate=25)
    (clip,) = list(tl.video_tracks()[0].find_clips())
    assert clip.source_range.start_time.value == timecode_to_frames("10:00:00:00", 25)
    assert clip.source_range.duration.value == 550  # 22 s


def test_edl_drop_frame_and_mixed_rates(arch, tmp_path: Path) -> None:
    out = tmp_path / "m3.edl"
    export_markers(arch, ["m3"], out, "edl")
    text = out.read_text()
    assert "FCM: DROP FRAME" in text
    assert "00:59:59;00 01:00:05;00" in text  # 180 frames of DF crossing the hour
    # 1.0 s at 29.97 is frame 29: 00:59:59;29, record 00:00:00;29.
    assert re.search(r"\* LOC: 00:00:00;29 BLUE    00:59:59;29 THEME: DROP", text)
    tl = read_back(out, "edl", rate=30000 / 1001)
    (clip,) = list(tl.video_tracks()[0].find_clips())
    assert clip.source_range.start_time.value == timecode_to_frames("00:59:59;00", 29.97, True)
    assert clip.source_range.duration.value == 180
    with pytest.raises(ExportError, match="one frame rate"):
        export_markers(arch, ["m1", "m2"], tmp_path / "mixed.edl", "edl")


def test_fcp7_markers_round_trip(arch, tmp_path: Path) -> None:
    out = tmp_path / "all.xml"
    result = export_markers(arch, ["m1", "m2", "m3"], out, "fcp7", include_sensitive=True)
    assert result.items == 4 and result.omitted == 0
    tl = read_back(out, "fcp7")
    clips = {c.name: c for c in tl.video_tracks()[0].find_clips()}
    assert set(clips) == {"interview_liu.mov", "two_channel_interview.mov", "dropframe_2997.mov"}
    liu = clips["interview_liu.mov"]
    assert liu.source_range.start_time.value == 900000
    assert liu.source_range.duration.value == pytest.approx(550, abs=1)
    # FCP 7 clip markers count from the first frame of the media.
    starts = sorted(m.marked_range.start_time.value for m in liu.markers)
    assert starts == [6 * 25 + 5, 12 * 25 + 13, 14 * 25]
    comments = " ".join(m.metadata["fcp_xml"].get("comment", "") for m in liu.markers)
    assert "fifty thousand" in comments
    two = clips["two_channel_interview.mov"]
    # One sequence timebase: the other clips' lengths come back within a frame.
    assert two.source_range.start_time.value == 86400  # 01:00:00:00 at 23.976
    assert two.source_range.start_time.rate == pytest.approx(24000 / 1001)
    drop = clips["dropframe_2997.mov"]
    assert drop.source_range.start_time.value == timecode_to_frames("00:59:59;00", 29.97, True)
    root = ET.parse(out).getroot()
    formats = {e.text for e in root.iter("displayformat")}
    assert formats == {"DF", "NDF"}


def test_fcpxml_markers_exact_times(arch, tmp_path: Path) -> None:
    out = tmp_path / "all.fcpxml"
    export_markers(arch, ["m1", "m3"], out, "fcpxml")
    root = ET.parse(out).getroot()
    durations = {f.get("frameDuration") for f in root.iter("format")}
    assert durations == {"1/25s", "1001/30000s"}

    def secs(v: str) -> Fraction:
        return Fraction(v.rstrip("s"))

    marks = {m.get("value"): secs(m.get("start")) for m in root.iter("marker")}
    scam = next(v for k, v in marks.items() if k.startswith("theme: scam"))
    assert scam * 25 == timecode_to_frames("10:00:12:13", 25)
    drop = next(v for k, v in marks.items() if k.startswith("theme: drop"))
    assert drop * Fraction(30000, 1001) == timecode_to_frames("00:59:59;29", 29.97, True)
    # OpenTimelineIO's FCPXML reader truncates float seconds and reads NTSC rates as
    # integers (29.97 -> 29): an exact reader of our own judges instead.
    single = tmp_path / "m1.fcpxml"
    export_markers(arch, ["m1"], single, "fcpxml")
    (clip,) = read_fcpxml(single)
    assert clip.name == "interview_liu.mov"
    assert clip.source_range.start_time.value == 900000
    assert clip.source_range.duration.value == 550
    got = sorted(m.marked_range.start_time.value for m in clip.markers)
    want = [timecode_to_frames(tc, 25) for tc in ("10:00:06:05", "10:00:12:13")]
    assert got == want


def test_marker_redaction(arch, tmp_path: Path) -> None:
    """The clip is on the timeline anyway: the marker stays as a warning, words hidden."""
    out = tmp_path / "r.xml"
    result = export_markers(arch, ["m1"], out, "fcp7", redact=True)
    assert result.redacted == 1 and result.omitted == 0 and result.items == 3
    text = out.read_text()
    assert "[redacted: minor]" in text
    assert "DNA database" not in text
    assert "redacted (people flagged" in text


def test_unwritable_path_is_a_clear_error(arch, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_markers(arch, ["m1"], tmp_path / "no" / "such" / "x.edl", "edl")
    good = tmp_path / "keep.edl"
    good.write_text("old")
    with pytest.raises(NotFoundError):
        export_markers(arch, ["m99"], good, "edl")
    assert good.read_text() == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".keep")]


# -- selections and selects --------------------------------------------------------


def test_selections_crud(arch) -> None:
    sel = add_items(arch, "police", [SelectionItem("m1", 6.2, 9.0)])
    assert sel.items[0].text == "The police did not help us at first."
    add_items(arch, "police", [SelectionItem("m2", 4.52, 9.33, text="Luo Run disappeared")])
    assert [s.name for s in list_selections(arch)] == ["police"]
    rename_selection(arch, "police", "cops")
    assert len(get_selection(arch, "cops").items) == 2
    remove_item(arch, "cops", 2)
    assert len(get_selection(arch, "cops").items) == 1
    with pytest.raises(UsageError):
        add_items(arch, "cops", [SelectionItem("m1", 9.0, 8.0)])
    with pytest.raises(NotFoundError):
        add_items(arch, "cops", [SelectionItem("m99", 1.0, 2.0)])
    delete_selection(arch, "cops")
    with pytest.raises(NotFoundError, match="no selection"):
        get_selection(arch, "cops")


def test_selects_sequence_with_clamped_handles(arch, tmp_path: Path) -> None:
    add_items(arch, "best", [SelectionItem("m1", 0.5, 3.0), SelectionItem("m1", 12.52, 13.9)])
    out = tmp_path / "best.edl"
    export_selects(arch, "best", out, "edl", handles=1.0)
    tl = read_back(out, "edl", rate=25)
    clips = list(tl.video_tracks()[0].find_clips())
    ranges = [(c.source_range.start_time.value, c.source_range.duration.value) for c in clips]
    # First: 0.5 - 1 clamps to the file start (frame 0) .. 4.0 s; second 11.52 .. 14.9 s.
    assert ranges == [(900000, 100), (900000 + 288, 373 - 288)]
    # Each quote's locator at record time: 0.5 s in the first event (from 00:00:00:00),
    # 1 s into the second (which starts at record 00:00:04:00).
    locs = [(rec, src) for rec, _c, src, _t in edl_locators(out.read_text())]
    assert locs == [("00:00:00:12", "10:00:00:12"), ("00:00:05:00", "10:00:12:13")]
    xml = tmp_path / "best.xml"
    export_selects(arch, "best", xml, "fcp7", handles=100.0)
    (first, second) = list(read_back(xml, "fcp7").video_tracks()[0].find_clips())
    assert first.source_range.duration.value == 550  # clamped to the whole 22 s file


def test_selects_lists_for_producers(arch, tmp_path: Path) -> None:
    add_items(arch, "list", [SelectionItem("m1", 12.52, 13.9), SelectionItem("m1", 15.0, 16.0)])
    result = export_selects(arch, "list", tmp_path / "s.csv", "csv")
    assert result.items == 1 and result.omitted == 1  # the second overlaps the minor's tag
    rows = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8")))
    assert rows[0]["file"] == "interview_liu.mov"
    assert rows[0]["tc_in"] == "10:00:12:13"
    assert rows[0]["tc_out"] == "10:00:13:23"  # 13.9 s ends inside frame 22: out is 23
    assert "fifty thousand" in rows[0]["quote"]
    assert "theme: scam" in rows[0]["tags"] and "C1 Liu Jingjun" in rows[0]["tags"]
    assert rows[-1]["#"] == "note" and "left out" in rows[-1]["quote"]
    export_selects(arch, "list", tmp_path / "s.md", "md", tc="running")
    md = (tmp_path / "s.md").read_text()
    assert "| 1 | interview\\_liu.mov | 00:00:12.520 |" in md or "00:00:12.520" in md
    export_selects(arch, "list", tmp_path / "s.docx", "docx", include_sensitive=True)
    from docx import Document

    doc = Document(str(tmp_path / "s.docx"))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "10:00:15:00" in cells and any("DNA database" in c for c in cells)


# -- transcripts ---------------------------------------------------------------------


def _parse_srt(text: str) -> list[tuple[str, str, str]]:
    cues = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        start, end = lines[1].split(" --> ")
        cues.append((start, end, "\n".join(lines[2:])))
    return cues


def test_srt_and_vtt_parse_back(arch, tmp_path: Path) -> None:
    export_transcript(arch, "m1", tmp_path / "t.srt", "srt")
    cues = _parse_srt((tmp_path / "t.srt").read_text())
    assert len(cues) == 3  # the minor's passage is left out
    assert cues[0][:2] == ("00:00:01,000", "00:00:06,200")
    # The speaker is named when the voice changes, not again on their next line.
    assert cues[0][2].startswith("CH1: My son Liu Jingjun")
    assert cues[1][2] == "The police did not help us at first."
    export_transcript(arch, "m1", tmp_path / "t.vtt", "vtt", redact=True)
    vtt = (tmp_path / "t.vtt").read_text()
    assert vtt.startswith("WEBVTT\n")
    times = re.findall(r"^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})$", vtt, re.M)
    assert times[-1] == ("00:00:14.000", "00:00:20.000")
    assert "[redacted: minor]" in vtt and "NOTE 1 sensitive passage redacted" in vtt


def test_exports_are_readable_like_any_saved_file(arch, tmp_path: Path) -> None:
    """Not mkstemp's 0600: an EDL on shared storage must open on the editor's machine."""
    import os

    old = os.umask(0o022)
    try:
        export_transcript(arch, "m1", tmp_path / "t.srt", "srt")
    finally:
        os.umask(old)
    from tapelog.archive.exports import common

    assert (tmp_path / "t.srt").stat().st_mode & 0o777 == common._FILE_MODE
    assert common._FILE_MODE & 0o044  # group and others may read under the usual umask
    (tmp_path / "t.srt").chmod(0o640)
    export_transcript(arch, "m1", tmp_path / "t.srt", "srt")  # overwriting keeps the mode
    assert (tmp_path / "t.srt").stat().st_mode & 0o777 == 0o640


def test_txt_and_json(arch, tmp_path: Path) -> None:
    export_transcript(arch, "m1", tmp_path / "t.txt", "txt", include_sensitive=True)
    txt = (tmp_path / "t.txt").read_text()
    assert "[10:00:06:05] CH1: The police did not help us at first." in txt
    export_transcript(arch, "m1", tmp_path / "n.txt", "txt", timecodes=False)
    assert "\nCH1: The police" in (tmp_path / "n.txt").read_text()
    export_transcript(arch, "m1", tmp_path / "t.json", "json", tc="running")
    doc = json.loads((tmp_path / "t.json").read_text())
    seg = doc["segments"][1]
    assert seg["tc_in"] == "00:00:06.200"
    assert [w["word"] for w in seg["words"]] == [" The", " police", " help"]
    assert doc["start_timecode"] == "10:00:00:00" and doc["fps"] == [25, 1]


def test_translation_side_by_side(arch, tmp_path: Path) -> None:
    _transcript(arch, "m4", [Segment(0.4, 5.0, "我的儿子刘晶军在太原被人拐走了。")])
    tr = _transcript(
        arch, "m4", [Segment(0.4, 5.0, "My son was abducted in Taiyuan.")], task="translate",
        current=False,
    )  # fmt: skip
    with arch.store.transaction():  # the translation sits beside the original
        media = arch.get_media("m4")
        media.translation_id = tr
        arch.store.table("media").upsert(media.to_dict(), lambda d: d["id"] == "m4")
    export_transcript(arch, "m4", tmp_path / "t.srt", "srt")
    (cue,) = _parse_srt((tmp_path / "t.srt").read_text(encoding="utf-8"))
    assert cue[2] == "My son was abducted in Taiyuan.\n我的儿子刘晶军在太原被人拐走了。"
    result = export_transcript(arch, "m4", tmp_path / "t.txt", "txt")
    assert "side by side" in " ".join(result.notes)
    assert "00:00:00.400" in (tmp_path / "t.txt").read_text(encoding="utf-8")


# -- clips ---------------------------------------------------------------------------


def test_clip_duration_and_timecode(arch, tmp_path: Path) -> None:
    result = export_clip(arch, "m1", 6.2, 9.0, tmp_path, handles=0.5)
    path = Path(result.path)
    assert path.name == "interview_liu_10-00-05-17.mov"
    info = probe(path)
    # 5.7 .. 9.5 s widened to whole frames: frames 142 .. 237 inclusive = 96 frames.
    assert info.duration == pytest.approx(96 / 25, abs=0.021)
    assert info.start_timecode == "10:00:05:17"
    wav = export_clip(arch, "m4", 1.0, 2.5, tmp_path / "zh.wav")
    assert probe(wav.path).duration == pytest.approx(1.5, abs=0.001)
    df = export_clip(arch, "m3", 1.0, 2.0, tmp_path / "df.mov")
    dinfo = probe(df.path)
    assert dinfo.start_timecode == "00:59:59;29" and dinfo.drop_frame
    rate = FrameRate(30000, 1001)
    assert dinfo.duration == pytest.approx(rate.seconds_at(60 - 29), abs=0.02)


def test_clip_refuses_sensitive_and_bad_input(arch, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="sensitive"):
        export_clip(arch, "m1", 15.0, 16.0, tmp_path / "x.mov")
    with pytest.raises(UsageError):
        export_clip(arch, "m1", 5.0, 4.0, tmp_path / "x.mov")
    with pytest.raises(UsageError, match="past the end"):
        export_clip(arch, "m1", 50.0, 60.0, tmp_path / "x.mov")
    assert not list(tmp_path.glob("*.mov"))


# -- dossier -------------------------------------------------------------------------


def test_dossier_escapes_and_lists_passages(arch, tmp_path: Path) -> None:
    result = export_dossier(arch, "C1", tmp_path / "c.html", "html", include_sensitive=True)
    assert result.items == 2
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page
    assert "10:00:12:13" in page and "Liu Father" in page
    export_dossier(arch, "C1", tmp_path / "c.md", "md")
    md = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "DNA database" not in md and "1 sensitive passage left out" in md
    assert "fifty thousand yuan" in md and "\\<ransom\\>" in md
    with pytest.raises(NotFoundError):
        export_dossier(arch, "C404", tmp_path / "x.md", "md")


# -- CLI -----------------------------------------------------------------------------


def test_cli_exports(arch, tmp_path: Path) -> None:
    root = arch.root
    r = run_cli("selections", "add", "reel1", "m1", "10:00:12:13", "13.9", archive=root)
    assert r.returncode == 0, r.stderr
    r = run_cli("selections", "show", "reel1", "--json", archive=root)
    shown = json.loads(r.stdout)
    assert shown["items"][0]["tc_in"] == "10:00:12:13"
    out = tmp_path / "sel.edl"
    r = run_cli("export", "selects", "reel1", "--format", "edl", "-o", str(out), archive=root)
    assert r.returncode == 0, r.stderr
    assert "10:00:12:13" in out.read_text()
    r = run_cli("export", "markers", "m1", "-o", str(tmp_path / "m.xml"), archive=root)
    assert r.returncode == 0 and "left out" in r.stderr
    r = run_cli("export", "dossier", "C9", "--format", "md", "-o", "x.md", archive=root)
    assert r.returncode == 1 and r.stderr.startswith("tapelog: no case with id 'C9'")
    r = run_cli("export", "transcript", "m1", "-o", str(tmp_path / "t.weird"), archive=root)
    assert r.returncode == 2 and "--format" in r.stderr


def test_intra_only_picture_is_stream_copied_frame_exact(arch, tmp_path: Path) -> None:
    """MJPEG (like ProRes/DNxHD) has a keyframe on every frame: copied, yet frame-exact."""
    from tapelog.media.ffmpeg_bin import ffmpeg_exe

    src = tmp_path / "A001_C003.mov"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
         "testsrc=size=160x90:rate=25:duration=4", "-f", "lavfi", "-i",
         "sine=frequency=440:sample_rate=48000:duration=4", "-c:v", "mjpeg", "-q:v", "5",
         "-c:a", "pcm_s16le", "-timecode", "14:20:00:00", str(src)],
        check=True,
    )  # fmt: skip
    [res] = arch.import_paths([src])
    result = export_clip(arch, res.id, 1.0, 2.0, tmp_path / "out.mov")
    assert any("stream-copied" in n for n in result.notes), result.notes
    info = probe(result.path)
    assert info.video_codec == "mjpeg"  # not re-encoded to H.264
    assert info.start_timecode == "14:20:01:00"
    assert info.duration == pytest.approx(1.0, abs=0.021)
    # An .mp4 cannot hold MJPEG pictures: there the clip is re-encoded.
    mp4 = export_clip(arch, res.id, 1.0, 2.0, tmp_path / "out.mp4")
    assert probe(mp4.path).video_codec == "h264"
