"""Names an English model wrote as English words, matched by sound in their interview's
context (``archive.name_heard``, ``archive.name_sound``). The lines are tiny.en's own,
from the names bench's natural-voice set, with the probabilities it gave its words."""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive.caseio import read_cases, read_people
from tapelog.archive.linking import NameIndex, find_mentions
from tapelog.archive.name_sound import (
    english_code,
    heard_code,
    name_code,
    pinyin_code,
    sound_similarity,
)
from tapelog.transcribe.types import Segment, Word

KUNMING, LUO, ZHAO = "B-2015-KM-005", "C-2009-GZ-002", "B-2008-HF-006"
ZHENGZHOU = "B-2012-ZZ-004"


@pytest.fixture(scope="module")
def bench_index() -> NameIndex:
    data = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"
    cases, _ = read_cases(data / "cases.csv")
    people, _ = read_people(data / "people.csv")
    return NameIndex(cases, people)


def line(start: float, text: str, unsure: dict[str, float] | None = None) -> Segment:
    """A line with a word per token, each as sure as ``unsure`` says (else 0.99)."""
    unsure = unsure or {}
    words = []
    for k, w in enumerate(text.split()):
        bare = w.strip(".,!?")
        words.append(Word(start + k * 0.3, start + (k + 1) * 0.3, " " + w, unsure.get(bare, 0.99)))
    return Segment(start, start + 0.3 * len(words), text, words)


def suggested(index: NameIndex, segs: list[Segment], context=()) -> list[tuple[int, str, str]]:
    return sorted(
        (m.segment, m.target_id, m.mention) for m in find_mentions(index, segs, context=context)
    )


def test_sound_codes_fold_what_an_english_ear_confuses():
    # Pinyin as heard: q and zh are affricates, x a sibilant; the buzzed i of zhi.
    assert pinyin_code("qiang") == "jian" and pinyin_code("xiao") == "siao"
    assert name_code("Kunming") == "konmin" and name_code("Liu Zhiqiang") == "liojojian"
    # English spelling as said: soft c and g, silent final e, a letter said alone.
    assert english_code("cedar") == english_code("Sedar")
    assert english_code("Luigi") == "loiji" and english_code("T") == "ti"
    # Whisper's words are English even where they happen to spell pinyin ("you").
    assert heard_code(["zio", "you"]) == "sioio"


def test_similar_sounds_score_higher_than_other_words():
    kunming = name_code("Kunming")
    assert sound_similarity(heard_code(["coniming"]), kunming) >= 0.9
    assert sound_similarity(heard_code(["morning"]), kunming) < 0.8
    lijuan = name_code("Lijuan")
    assert sound_similarity(heard_code(["le", "juan"]), lijuan) >= 0.9
    assert sound_similarity(heard_code(["the", "river"]), lijuan) < 0.6
    assert sound_similarity("", lijuan) == 0.0


def test_a_name_heard_as_english_words_links_in_its_interview(bench_index):
    about = line(0.0, "My daughter is Wang Xiaoyu.")
    said = [
        about,
        line(3.0, "She was lost at a market in coniming.", {"coniming": 0.45}),
        line(6.0, "Zio, you had a scar above her eye.", {"Zio": 0.14}),
    ]
    got = suggested(bench_index, said)
    assert got == [(0, KUNMING, "Wang Xiaoyu"), (1, KUNMING, "coniming"), (2, KUNMING, "Zio, you")]
    # Without the interview being about her, the same words are nobody's.
    assert suggested(bench_index, said[1:]) == []
    # Tagged with the case, they are hers.
    assert [g[2] for g in suggested(bench_index, said[1:], context=[KUNMING])] == [
        "coniming",
        "Zio, you",
    ]


def test_words_whisper_was_sure_of_are_the_words(bench_index):
    """ "so you" sounds as near Xiaoyu as "Zio, you" does; Whisper was sure of it."""
    about = line(0.0, "My daughter is Wang Xiaoyu.")
    sure = [
        about,
        line(3.0, "So you want to know about Kunming market.", {}),
        line(6.0, "She was coming home.", {}),
        line(9.0, "She helped me answer the message.", {}),
    ]
    assert [g[0] for g in suggested(bench_index, sure)] == [0, 1]  # the place, as written
    # Unsure, "coming" after "in" where the place was said is the place.
    unsure = [about, line(3.0, "We met at the market in coming.", {"coming": 0.11})]
    assert suggested(bench_index, unsure)[1] == (1, KUNMING, "coming")


def test_short_names_and_names_whisper_knew_are_not_matched_by_sound(bench_index):
    """Zhao Dewei's given name is three sounds (t-o-i): "the", "to" and "day" are as
    near. A capitalised pinyin word is a name Whisper knew: another case's place."""
    about = line(0.0, "Zhao Mingxuan was found last year.")
    said = [
        about,
        line(3.0, "He gave blood to the police that day.", {"the": 0.28, "to": 0.42, "day": 0.5}),
    ]
    assert suggested(bench_index, said) == [(0, ZHAO, "Zhao Mingxuan")]
    about = line(0.0, "Zhang Haoran was lost in 2012.")
    said = [about, line(3.0, "We met parents in Guangzhou.", {"Guangzhou": 0.72})]
    assert suggested(bench_index, said) == [(0, ZHENGZHOU, "Zhang Haoran")]


def test_numbers_and_sentence_ends_bound_a_span(bench_index):
    # tiny.en on sparse3's sr03 for "120 yuan": the unit after a number is no name.
    about = line(0.0, "My son Liu Jingjun was taken.")
    money = line(3.0, "It costs about 100 and 10 to you and each time.", {"to": 0.3, "you": 0.2})
    assert [g[0] for g in suggested(bench_index, [about, money])] == [0]
    # Not after a number, the same words sound like Taiyuan (which is why it is a rule).
    said = [about, line(3.0, "It costs about to you and each time.", {"to": 0.3, "you": 0.2})]
    assert suggested(bench_index, said)[-1] == (1, "C-2010-TY-001", "to you and")
    about = line(0.0, "I am Luo An Xin.")
    said = [about, line(3.0, "It cost 8000 UN. Zen was there.", {"UN": 0.3, "Zen": 0.3})]
    assert [g[0] for g in suggested(bench_index, said)] == [0]
    said = [about, line(3.0, "I am the UN Zen, and my son was taken.", {"UN": 0.39, "Zen": 0.38})]
    assert suggested(bench_index, said)[-1] == (1, LUO, "UN Zen")


def test_a_word_near_a_decoy_is_matched_by_sound_with_the_interviews_case(bench_index):
    """natural3's nc02: "Yuchuin" (Yu-xuan, capitalised, at 0.90) is a mishearing of
    the decoy Deng Yuxin's name by letters, which needs a context it does not have; by
    sound it is the child the interview is about."""
    said = [
        line(0.0, "I took Deng Yuxuan to the park every afternoon."),
        line(3.0, "If Yuchuin hears this, come home.", {"Yuchuin": 0.9}),
    ]
    assert suggested(bench_index, said) == [
        (0, "B-2013-CD-008", "Deng Yuxuan"),
        (1, "B-2013-CD-008", "Yuchuin"),
    ]
