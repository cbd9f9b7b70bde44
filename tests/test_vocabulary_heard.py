"""A second look's names at a large case sheet: the interview's, chosen by what its
plain pass heard, not the sheet's first cases (issue 12, bad input: 10,000 cases)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from tapelog.archive.linking import NameIndex, heard_targets
from tapelog.archive.models import Case
from tapelog.transcribe.types import Segment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.names_score import build_archive, extra_cases  # noqa: E402

WANG = "B-2015-KM-005"  # Wang Xiaoyu, lost in Kunming (the names bench's sheet)
LIU = "C-2010-TY-001"  # Liu Jingjun, taken in Taiyuan


def segs(*texts: str) -> list[Segment]:
    return [Segment(float(i), float(i) + 1, t) for i, t in enumerate(texts)]


@pytest.fixture(scope="module")
def big_index() -> NameIndex:
    cases = [
        *extra_cases(2000),
        Case(
            WANG,
            "Wang Xiaoyu",
            "王晓雨",
            aliases=["Xiaoyu"],
            missing_place="Kunming",
            parents=["Wang Hongmei"],
        ),  # fmt: skip
        Case("B-X-1", "Wang Xiaoyun", "王晓云"),  # one syllable away
        Case(LIU, "Liu Jingjun", "刘景军", aliases=["Jingjun"], missing_place="Taiyuan"),
        *[Case(f"P-{i}", f"Chen Ming{i}", missing_place="Guangzhou") for i in range(6)],
    ]
    return NameIndex(cases, [])


# en05's plain tiny.en pass, word for word: no name the scanner knows
EN05 = (
    "I am Wang Pongme, the mother of Wang Nairoyu.",
    "She disappeared from a market in coming in September.",
    "Nairoyu liked to sing songs from the television.",
    "We hope Nairoyu Wang will find this film one day.",
)


def test_the_case_a_plain_pass_named_comes_first(big_index: NameIndex) -> None:
    heard = segs("We hope Xiaoyu Wang will find this film.", "Xiaoyu liked to sing songs.")
    found = heard_targets(big_index, heard)
    assert found[0] == WANG
    assert len(found) <= 3  # the decoy may come with it; none of the 2,000 others


def test_a_case_the_plain_pass_only_nearly_named_is_not_chosen(big_index: NameIndex) -> None:
    """ "Wang Nairoyu" sounds near Wang Xiaoyu, and with 10,000 cases as near to others
    ("Lil Jing-jong" was nearer Li Jinghong than Liu Jingjun, and Whisper given Li
    Jinghong wrote it four times): a sound alone chooses no case, nor does a place."""
    assert heard_targets(big_index, segs(*EN05)) == []
    jing = segs("My suddenly jing-jong was taken.", "If you see Lil Jing-jong, please call us.")
    assert heard_targets(big_index, jing) == []
    assert heard_targets(big_index, segs(*["We went to Guangzhou."] * 5)) == []


def test_everyday_mandarin_words_that_sound_like_given_names_choose_nothing(
    big_index: NameIndex,
) -> None:
    # 回家, 有一, 那年 each sound like a generated child's given name
    heard = segs("我们每年都回家,那年有一个人说他知道孩子在哪里。")
    assert heard_targets(big_index, heard) == []
    # a name in characters, even a homophone, does
    assert heard_targets(big_index, segs("王小雨那年四岁。"))[0] == WANG


def test_a_place_alone_chooses_no_case(big_index: NameIndex) -> None:
    assert heard_targets(big_index, segs("We took the train to Guangzhou.")) == []
    assert heard_targets(big_index, segs("She was lost in Kunming.")) == []
    assert heard_targets(big_index, segs("Wang Xiaoyu was lost in Kunming.")) == [WANG]


def test_a_large_sheet_gives_an_english_second_look_the_interviews_names(
    tmp_path: Path,
) -> None:
    """2,000 cases listed before the interview's: the names given are those its plain
    transcript nearly heard, within the prompt; a small sheet still gives every name."""
    from tapelog.archive.vocabulary import vocab_for_media
    from tapelog.transcribe.guard import vocabulary_items

    archive, ids = build_archive(tmp_path / "a", only=["en05_wang_mother"], extra=2000)
    mid = ids["en05_wang_mother"]
    heard = segs(*EN05[:2], "Xiaoyu liked to sing songs from the television.")
    before = vocabulary_items(vocab_for_media(archive, mid, language="en"))
    assert "Wang Xiaoyu" not in before  # the sheet's first cases fill the prompt
    names = vocabulary_items(vocab_for_media(archive, mid, language="en", heard=heard))
    assert names[:2] == ["Wang Xiaoyu", "Xiaoyu"] and "Wang Hongmei" in names
    assert before[0] not in names and len(names) <= 12
    # nothing named: no names at all, rather than the sheet's first
    assert vocab_for_media(archive, mid, language="en", heard=segs(*EN05)) == ""
    archive.close()

    small, ids = build_archive(tmp_path / "b", only=["en05_wang_mother"])
    mid = ids["en05_wang_mother"]
    every = vocab_for_media(small, mid, language="en")
    assert vocab_for_media(small, mid, language="en", heard=heard) == every
    assert "Liu Jingjun" in every
    small.close()


def test_a_small_mandarin_sheet_with_places_still_gives_every_name(tmp_path: Path) -> None:
    """30 names in characters or fewer is a small sheet however many places and parents
    come with them: a Mandarin file is given them all, whatever its plain pass heard."""
    from tapelog.archive import cases as C
    from tapelog.archive.vocabulary import vocab_for_media

    archive, _ids = build_archive(tmp_path / "a", only=["-"])
    more = [Case(f"S-{i}", f"Ma Ping{i}", f"马平{'一二三四五六七八九十'[i % 10]}{i}",
                 missing_place=f"城{i}") for i in range(15)]  # fmt: skip
    sheet = tmp_path / "more.json"
    sheet.write_text(json.dumps({"cases": [c.to_dict() for c in more]}), encoding="utf-8")
    C.import_records(archive, sheet, "cases")
    [res] = archive.import_paths([ROOT / "bench" / "data" / "names" / "zh01_zhang.ogg"])
    every = vocab_for_media(archive, res.id, language="zh")
    assert "张浩然" in every and "马平一0" in every
    assert (
        vocab_for_media(archive, res.id, language="zh", heard=segs("我们借了两万块钱。")) == every
    )
    archive.close()
