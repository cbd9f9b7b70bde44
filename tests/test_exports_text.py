"""Words in exports: subtitles cut as broadcasters ask, each line credited to its voice.

Subtitles: at most 42 characters a line (``--max-chars``), two lines a cue, at least
1 s and at most 7 s on screen, the speaker named at each change (``--no-speakers``).
Quotes where several people speak credit each line (issue 14: "Mr. Liu: What did the
police say?" credited the interviewer's question to the subject).
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tapelog.archive.errors import UsageError
from tapelog.archive.exports import export_dossier, export_markers, export_selects
from tapelog.archive.exports.subtitles import SubtitleStyle, cues_for
from tapelog.archive.exports.transcripts import Line, write_transcript
from tapelog.archive.models import Case, SelectionItem, SpeakerName, Tag
from tapelog.archive.selections import add_items
from tapelog.transcribe.types import Segment

from tests.conftest import run_cli
from tests.test_exports import _transcript
from tests.test_exports_formats import media

LONG = (
    "Then the scam calls started, a man asked for fifty thousand yuan and said he knew "
    "where our son was, and we believed him because we wanted to believe anyone at all."
)


def _srt(text: str) -> list[tuple[float, float, list[str]]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        times = re.findall(r"(\d\d):(\d\d):(\d\d),(\d{3})", lines[1])
        start, end = (
            (int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000) for h, m, s, ms in times
        )
        out.append((start, end, lines[2:]))
    return out


def test_long_lines_become_cues_of_two_short_lines(tmp_path: Path) -> None:
    m = media()
    out = tmp_path / "t.srt"
    write_transcript(
        m, [Segment(10.0, 24.0, LONG, speaker="CH1")], out, "srt", speakers={"CH1": "Mr. Liu"}
    )
    cues = _srt(out.read_text(encoding="utf-8"))
    assert len(cues) >= 2
    for start, end, lines in cues:
        assert 1 <= len(lines) <= 2
        assert all(len(x) <= 42 for x in lines)
        assert 1.0 <= end - start <= 7.0 + 1e-6
    assert cues[0][2][0].startswith("Mr. Liu: Then the scam")
    assert sum(x.startswith("Mr. Liu:") for _s, _e, ls in cues for x in ls) == 1
    assert cues[0][0] == 10.0 and cues[-1][1] >= 24.0  # the last may stay its second
    assert " ".join(x for _s, _e, ls in cues for x in ls) == f"Mr. Liu: {LONG}"


def test_max_chars_and_no_speakers(tmp_path: Path) -> None:
    m = media()
    out = tmp_path / "t.vtt"
    segs = [Segment(1.0, 9.0, LONG, speaker="CH1"), Segment(9.0, 12.0, "Yes.", speaker="CH2")]
    style = SubtitleStyle(max_chars=30, speakers=False)
    write_transcript(m, segs, out, "vtt", speakers={"CH1": "Mr. Liu"}, style=style)
    text = out.read_text(encoding="utf-8")
    body = [x for x in text.splitlines()[2:] if x and "-->" not in x]
    assert all(len(x) <= 30 for x in body)
    assert "Mr. Liu" not in text and "CH2" not in text
    with pytest.raises(UsageError, match="--max-chars"):
        SubtitleStyle(max_chars=3)


def test_cue_durations_stay_between_one_and_seven_seconds() -> None:
    lines = [
        Line(Segment(0.0, 0.3, "Hm."), "Hm."),  # too short: stretched to 1 s
        Line(Segment(0.5, 0.7, "Yes."), "Yes."),  # too short, but the next starts at 0.5
        Line(Segment(5.0, 25.0, "Slow."), "Slow."),  # too long for its words: 7 s
    ]
    cues = cues_for(lines)
    assert [(c.start, round(c.end, 3)) for c in cues] == [(0.0, 0.5), (0.5, 1.5), (5.0, 12.0)]


def test_speaker_named_at_each_change_only() -> None:
    segs = [("A", "One."), ("A", "Two."), ("B", "Three."), ("A", "Four.")]
    lines = [Line(Segment(n * 2.0, n * 2.0 + 2, t), t, who) for n, (who, t) in enumerate(segs)]
    shown = [" ".join(c.lines) for c in cues_for(lines)]
    assert shown == ["A: One.", "Two.", "B: Three.", "A: Four."]


def test_chinese_without_spaces_is_cut_by_characters() -> None:
    text = "我的儿子刘景军在二零零七年从我们家后面的小巷里被人带走了我们找了他很多年一直没有放弃"
    (cue, *rest) = cues_for([Line(Segment(0, 6, text), text)], SubtitleStyle(max_chars=16))
    assert all(len(x) <= 16 for c in (cue, *rest) for x in c.lines)
    assert "".join(x for c in (cue, *rest) for x in c.lines) == text


def test_cli_subtitle_options(transcribed_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.srt"
    r = run_cli(
        "export", "transcript", "m1", "-o", str(out), "--max-chars", "32", "--no-speakers",
        archive=transcribed_archive,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    for _s, _e, lines in _srt(out.read_text(encoding="utf-8")):
        assert len(lines) <= 2 and all(len(x) <= 32 for x in lines)
    r = run_cli("export", "transcript", "m1", "-o", str(out), "--max-chars", "5",
                archive=transcribed_archive)  # fmt: skip
    assert r.returncode == 2 and "--max-chars" in r.stderr and "Traceback" not in r.stderr


# -- speaker credit per line -------------------------------------------------------------

INTERVIEW = [
    Segment(1.0, 3.0, "What did the police say?", speaker="CH1"),
    Segment(3.0, 6.0, "They said to wait for three days.", speaker="CH2"),
    Segment(6.0, 8.0, "And then?", speaker="CH1"),
]


@pytest.fixture
def talk(archive, media_dir: Path):
    (res,) = archive.import_paths([media_dir / "interview_liu.mov"])
    _transcript(archive, res.id, INTERVIEW)
    with archive.store.transaction():
        db = archive.store.table
        db("cases").insert(Case("C1", child_name="Liu Jingjun").to_dict())
        db("tags").insert(Tag("t1", res.id, 1.0, 8.0, themes=["police"], cases=["C1"]).to_dict())
        for label, name in (("CH1", "Interviewer"), ("CH2", "Mr. Liu")):
            db("speakers").insert(SpeakerName(res.id, label, name).to_dict())
    add_items(archive, "q", [SelectionItem(res.id, 1.0, 8.0)])
    return archive


CREDITED = (
    "Interviewer: What did the police say? / Mr. Liu: They said to wait for three days."
    " / Interviewer: And then?"
)


def test_markers_credit_each_line(talk, tmp_path: Path) -> None:
    out = tmp_path / "m.xml"
    export_markers(talk, ["m1"], out, "fcp7")
    comments = [e.text for e in ET.parse(out).getroot().iter("comment")]
    assert comments == [CREDITED]
    assert "Mr. Liu: What did" not in out.read_text(encoding="utf-8")


def test_selects_and_dossier_credit_each_line(talk, tmp_path: Path) -> None:
    export_selects(talk, "q", tmp_path / "q.csv", "csv")
    (row,) = [r for r in csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8"))]
    assert row["quote"] == CREDITED and row["speaker"] == ""
    export_dossier(talk, "C1", tmp_path / "c.md", "md")
    md = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "Interviewer: What did the police say? / Mr. Liu: They said" in md
    assert "Mr. Liu: What did" not in md


def test_one_voice_keeps_the_speaker_apart(talk, tmp_path: Path) -> None:
    add_items(talk, "one", [SelectionItem("m1", 3.0, 6.0)])
    export_selects(talk, "one", tmp_path / "one.csv", "csv")
    (row,) = [r for r in csv.DictReader((tmp_path / "one.csv").open(encoding="utf-8"))]
    assert row["quote"] == "They said to wait for three days."
    assert row["speaker"] == "Mr. Liu"


def test_plain_text_keeps_one_line_per_segment(tmp_path: Path) -> None:
    m = media()
    segs = [Segment(1.0, 2.0, "a\nb\x01c", speaker="CH1"), Segment(2.0, 3.0, "d")]
    out = tmp_path / "t.txt"
    write_transcript(m, segs, out, "txt", speakers={"CH1": "Mr.\nLiu"})
    body = out.read_text(encoding="utf-8").splitlines()[2:]
    assert body == ["[10:00:01:00] Mr. Liu: a bc", "[10:00:02:00] d"]


def test_cues_start_when_their_first_word_is_spoken() -> None:
    """With word timestamps a cue starts on its first word, not at a share of the line."""
    from tapelog.transcribe.types import Word

    words = "My son was taken from the alley behind our room in the spring of 2007 and we"
    words += " searched every street of Taiyuan for him until the winter came"
    tokens = words.split()
    # The first ten words in the first two seconds, the rest slowly over eight.
    times = [i * 0.2 for i in range(10)] + [2.0 + i * 0.5 for i in range(len(tokens) - 10)]
    seg = Segment(0.0, 10.0, words)
    seg.words = [Word(t, t + 0.2, f" {w}") for t, w in zip(times, tokens, strict=True)]
    cues = cues_for([Line(seg, seg.text)])
    assert len(cues) == 2
    first_of_second = cues[1].lines[0].split()[0]
    index = next(i for i, w in enumerate(tokens) if w == first_of_second and i >= 10)
    assert cues[1].start == pytest.approx(times[index])
    assert cues[0].end == cues[1].start
    # Without the words (or once corrected), the time is shared by characters.
    plain = cues_for([Line(Segment(0.0, 10.0, words), words)])
    assert plain[1].start != pytest.approx(times[index])
