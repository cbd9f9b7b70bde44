"""The Mandarin closer look: which stretches sound near a name, and what base writes
there given only those names (real base on the names bench's natural voice)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive.caseio import read_cases, read_people
from tapelog.archive.closer_look_zh import suspects
from tapelog.archive.name_index import NameIndex
from tapelog.transcribe.types import Segment, Word

DATA = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"


@pytest.fixture(scope="module")
def index() -> NameIndex:
    cases, _ = read_cases(DATA / "cases.csv")
    people, _ = read_people(DATA / "people.csv")
    return NameIndex(cases, people)


def line(start: float, text: str, step: float = 0.25) -> Segment:
    words = [Word(start + i * step, start + (i + 1) * step, c) for i, c in enumerate(text)]
    return Segment(start, start + len(text) * step, text, words)


def about(index: NameIndex, *case_ids: str) -> set[int]:
    return {index.by_id[("case", c)] for c in case_ids}


def test_a_name_heard_as_other_characters_is_a_suspect(index: NameIndex) -> None:
    """zh09: base wrote 動椅宣 (dong yi xuan) for 邓宇轩 (deng yu xuan): every syllable
    starts as the name's and one is the same. A full name needs no context."""
    [s] = suspects([line(18.0, "動椅宣的爸爸在成都開出租車")], index, set())
    assert s.names == ["邓宇轩"] and s.run == "動椅宣"
    assert s.start == pytest.approx(15.5) and s.end == pytest.approx(21.25)  # 2.5 s pads


def test_names_written_right_and_ordinary_words_are_not(index: NameIndex) -> None:
    # The decoy written right (刘建军, one syllable from 刘景军) is what was said.
    assert suspects([line(0.0, "另一个孩子刘建军是在运城丢的")], index, set()) == []
    # The child's homophone is linked already; rare readings do not count (學 hua).
    assert suspects([line(0.0, "我的儿子劉景君在太原张学人")], index, set()) == []
    # A doubled name (乐乐) would be near every 了: never looked for.
    ctx = about(index, "C-2009-GD-003")
    assert suspects([line(0.0, "说看到了一个很像他的孩子")], index, ctx) == []


def test_a_large_sheet_looks_only_for_the_interviews_own_cases(index: NameIndex) -> None:
    """With 2,000 more cases, nearly every run of characters started like some name
    (年有一, 寫了我) and base wrote one of them, 吕勇怡, where nobody named it: past a
    small sheet a full name is looked for only when the interview is about its case."""
    said = [line(18.0, "動椅宣的爸爸在成都開出租車")]
    assert suspects(said, index, set(), everyone=False) == []
    [s] = suspects(said, index, about(index, "B-2013-CD-008"), everyone=False)
    assert s.names == ["邓宇轩"]


def test_a_given_name_alone_needs_the_interview_to_be_about_it(index: NameIndex) -> None:
    """zh06: 錦錦 (jin jin) for 景军 (jing jun). Two syllables sharing initials are common
    in speech, so only a case the interview is about is looked for."""
    said = [line(20.0, "我們每天晚上都在網上找錦錦")]
    assert suspects(said, index, set()) == []
    [s] = suspects(said, index, about(index, "C-2010-TY-001"))
    assert s.names == ["刘景军"] and s.run == "錦錦"


@pytest.mark.slow
def test_base_hears_the_name_given_only_the_names_near_it(tmp_path: Path) -> None:
    """zh09 end to end at the defaults: the second look (every name) kept 動椅宣 and
    動國滑; the closer look, given 邓宇轩 alone on that stretch, writes the child's name
    and the sentence links to the case (6 of 6 with the rest; 3 of 6 before)."""
    import json

    from bench import bench_names
    from bench.names_score import score_setting, summarise

    bench_names.main(["run", "--setting", "default", "--only", "zh09_volunteer",
                      "--out", str(tmp_path), "--threads", "2"])  # fmt: skip
    got = summarise(score_setting(tmp_path / "default", "zh"))
    assert got["recall"] == 1.0 and got["precision"] == 1.0 and got["decoy_links"] == 0, got
    saved = json.loads((tmp_path / "default" / "zh09_volunteer.json").read_text("utf-8"))
    closer = saved["options"]["second_look"]["closer_look"]
    assert closer["names"] == ["邓宇轩"] and closer["changed"] >= 1
