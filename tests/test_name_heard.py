"""Names an English model wrote as English words, matched by sound in their interview's
context (``archive.name_heard``, ``archive.name_sound``). The lines are tiny.en's own,
from the names bench's natural-voice set, with the probabilities it gave its words."""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive import names as N
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


def bench_index_cases() -> list:
    data = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"
    return read_cases(data / "cases.csv")[0]


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
    # Without the interview being about her, one line of such words is nobody's; two
    # lines of them, written two ways, are a sign of her case (``archive.named_weakly``).
    assert suggested(bench_index, said[1:2]) == []
    assert suggested(bench_index, said[2:]) == []
    assert [g[2] for g in suggested(bench_index, said[1:])] == ["coniming", "Zio, you"]
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


# -- a family name heard right, the given name as English words ---------------------


def test_a_family_name_beside_unsure_words_links_its_nearest_child(bench_index):
    """tiny.en on natural's na06 and natural2's nb06, in interviews naming several
    families: the family name right, the given name as English words. No context is
    needed; the family name spelled right is the sign."""
    said = [
        line(0.0, "I help families like that of Zhang Hay Warren.", {"Hay": 0.49, "Warren": 0.29}),
        line(3.0, "I worked on the case of Huang Zan.", {"Zan": 0.31}),
    ]
    assert suggested(bench_index, said) == [
        (0, ZHENGZHOU, "Zhang Hay Warren"),
        (1, "B-2011-NN-007", "Huang Zan"),
    ]
    # The mother heard as words links too, the whole of what was said for her name.
    said.append(line(6.0, "Her mother, Juan Le Juan, came.", {"Juan": 0.5, "Le": 0.42}))
    assert suggested(bench_index, said)[-1] == (2, "B-2011-NN-007", "Juan Le Juan")
    # Words Whisper was sure of beside a family name are the words (capitalised in the
    # middle of a sentence, they are not words it was sure of).
    assert suggested(bench_index, [line(0.0, "I asked Zhang how ran the shop.")]) == []
    unsure = line(0.0, "I asked Zhang how ran the shop.", {"how": 0.3})
    assert suggested(bench_index, [unsure]) == [(0, ZHENGZHOU, "Zhang how ran")]


def test_a_given_name_said_in_the_possessive_is_heard_without_its_s(bench_index):
    """natural13's nm06: "Huang Zihan's mother sends us photos" came out as "Wang Huang
    Zanz mother" (0.14, 0.13, 0.55): the possessive s run into the given name, 0.78 from
    Huang Zihan with it, 0.89 without. Without the s it links; a family name's other
    words ending in s (a plural, "Huang boys") do not sound like a child of the family."""
    heard = line(0.0, "Wang Huang Zanz mother sends us photos.",
                 {"Wang": 0.14, "Huang": 0.13, "Zanz": 0.55})  # fmt: skip
    assert suggested(bench_index, [heard]) == [(0, "B-2011-NN-007", "Huang Zanz")]
    plural = line(0.0, "The Huang boys came.", {"Huang": 0.2, "boys": 0.3})
    assert suggested(bench_index, [plural]) == []


def test_a_made_up_pinyin_word_beside_a_family_name_is_a_given_name_heard_wrong(bench_index):
    """natural10's nj04: "Huang Zahan" (0.00, 0.10) for Huang Zihan. "Zahan" splits as
    pinyin (za-han) but names nobody, and Whisper was unsure of it: a sound it made up,
    compared by sound like any other. Written as surely as a name it knew, such a word is
    another child's given name, which the scanner judges."""
    heard = line(0.0, "Huang Zahan would be in university now.", {"Huang": 0.0, "Zahan": 0.1})
    assert suggested(bench_index, [heard]) == [(0, "B-2011-NN-007", "Huang Zahan")]
    sure = line(0.0, "Huang Zahan would be in university now.", {"Huang": 0.0})
    assert suggested(bench_index, [sure]) == []
    # With the file tied to the Huangs, the mother heard as words links in her line.
    said = [
        heard,
        line(3.0, "My name is Wang Lee Juan.", {"Wang": 0.03, "Lee": 0.26, "Juan": 0.42}),
    ]
    assert suggested(bench_index, said)[-1][:2] == (1, "B-2011-NN-007")


def test_two_children_of_a_family_as_near_link_neither():
    """The decoy is the point: "Zhang Hay Warren" is as near Zhang Haoran as Zhang
    Haoren (0.87 each); with only one of them on the sheet it is that one."""
    from tapelog.archive.models import Case

    heard = [line(0.0, "That was Zhang Hay Warren.", {"Hay": 0.49, "Warren": 0.29})]
    one = NameIndex([Case("K-1", "Zhang Haoran")], [])
    assert suggested(one, heard) == [(0, "K-1", "Zhang Hay Warren")]
    two = NameIndex([Case("K-1", "Zhang Haoran"), Case("K-2", "Zhang Haoren")], [])
    assert suggested(two, heard) == []


def test_in_a_file_naming_many_cases_once_sounds_match_only_those_named_again():
    """A list read out names many children once each: matching unsure words by sound
    with all of them made "and the" Yang Tao in an hour naming 150 cases."""
    from tapelog.archive.models import Case

    kids = [Case(f"K-{i}", n, missing_place=p) for i, (n, p) in enumerate([
        ("Wang Xiaoyu", "Kunming, Yunnan"), ("Liu Jingjun", "Taiyuan, Shanxi"),
        ("Deng Yuxuan", "Chengdu, Sichuan"), ("Peng Lele", "Shenzhen, Guangdong"),
    ])]  # fmt: skip
    ix = NameIndex(kids, [])
    listed = [line(float(i), f"We also help {c.child_name}.") for i, c in enumerate(kids)]
    market = line(9.0, "She was lost at a market in coniming.", {"coniming": 0.4})
    assert [g[1] for g in suggested(ix, [*listed, market])] == ["K-0", "K-1", "K-2", "K-3"]
    again = line(8.0, "Xiaoyu Wang is still missing.")
    assert [g[1] for g in suggested(ix, [*listed, again, market])][-1] == "K-0"


@pytest.mark.parametrize(
    "text",
    [
        "Zhang",  # a family name and nothing after it
        "Zhang, Zhang. Zhang; Zhang!",
        "Zhang 12 34 Hay",
        "Zhang Hay-Warren-Haoran",
        "I 我 Zhang 浩 Hay",
        "ZHANG HAY WARREN",
        "Zhang \\x00 ../../etc/passwd Hay",
        "Huang " + "Zan " * 2000,
        "Ⅻ ﬁ Zhang ǅ Hay ß",  # folding changes the length: offsets on the folded text
        "",
    ],
)
def test_hostile_transcript_text_links_nothing_wrong_and_never_crashes(bench_index, text):
    unsure = {w: 0.1 for w in text.split()}
    segs = [line(0.0, "My daughter is Wang Xiaoyu."), line(3.0, text, unsure)]
    for m in find_mentions(bench_index, segs, context=[KUNMING]):
        assert 0.0 <= m.score <= 1.0 and m.target_id


def test_a_stored_suggestion_says_it_was_matched_by_sound(archive, media_dir: Path) -> None:
    """The reviewer is told which suggestions came from how the words sound: the CLI's
    "(sounds like ...)", `links suggest --json`'s ``by_sound``, the TUI's review pane."""
    from click.testing import CliRunner
    from tapelog.archive import cases as C
    from tapelog.archive.models import Case
    from tapelog.cli.main import cli

    from tests.test_link_words import put_transcript

    [res] = archive.import_paths([media_dir / "silence.wav"])
    C.upsert_case(archive, Case(case_id="K-ZZ", child_name="Zhang Haoran"))
    heard = line(0.0, "I help the family of Zhang Hay Warren.", {"Hay": 0.49, "Warren": 0.29})
    spelled = line(3.0, "Zhang Haoran was six.")
    put_transcript(archive, res.id, [heard, spelled])
    links = sorted(C.suggest_links(archive), key=lambda x: x.start)
    assert [(x.mention, x.by_sound) for x in links] == [
        ("Zhang Hay Warren", True),
        ("Zhang Haoran", False),
    ]
    root = str(archive.root)
    archive.close()
    out = CliRunner().invoke(cli, ["--archive", root, "links", "suggest"])
    assert out.exit_code == 0, out.output
    assert "(sounds like Zhang Haoran)" in out.output and "(Zhang Haoran)" in out.output


def test_a_word_whisper_made_up_counts_as_unsure_however_sure_it_says_it_was(bench_index):
    """natural5's "in coniming" (0.62) and natural4's "Wang xio you" (0.65, 0.70): words
    tiny.en's vocabulary spells in pieces are made up from sounds; "coming" is a word."""
    about = line(0.0, "My daughter is Wang Xiaoyu.")
    said = [about, line(3.0, "She was taken from a market and coniming.", {"coniming": 0.62})]
    assert suggested(bench_index, said)[-1] == (1, KUNMING, "coniming")
    said = [about, line(3.0, "She was taken from a market and coming.", {"coming": 0.62})]
    assert suggested(bench_index, said) == [(0, KUNMING, "Wang Xiaoyu")]
    poster = line(0.0, "We printed the name Wang xio you on every poster.", {"xio": 0.65})
    assert suggested(bench_index, [poster]) == [(0, KUNMING, "Wang xio you")]


def test_a_file_named_after_the_child_is_about_that_case(archive, media_dir: Path, tmp_path):
    """A crew that names a file "Luo Run father.wav" has said what it is about: the
    place alone and words that sound like the father's name then link, as they would
    in a tagged interview; in a file named otherwise they do not."""
    import shutil

    from tapelog.archive import cases as C
    from tapelog.archive.links import media_context
    from tapelog.archive.models import Case

    from tests.test_link_words import put_transcript

    C.upsert_case(archive, Case(case_id=LUO, child_name="Luo Run", parents=["Luo An Xin"],
                                missing_place="bus station, Guangdong"))  # fmt: skip
    named = tmp_path / "Luo_Run father.wav"
    other = tmp_path / "interview 2.wav"
    shutil.copy(media_dir / "silence.wav", named)
    shutil.copy(media_dir / "mandarin_zh.wav", other)  # other content: another file
    lines = [
        line(0.0, "We had come to Guangdong to find work."),
        line(3.0, "I am the UN Zen, and my son was taken.", {"UN": 0.39, "Zen": 0.38}),
    ]
    ids = {}
    for path in (named, other):
        [res] = archive.import_paths([path])
        put_transcript(archive, res.id, lines)
        ids[path.name] = res.id
    assert media_context(archive, ids[named.name]) == {LUO}
    assert media_context(archive, ids[other.name]) == set()
    by_media = {}
    for x in C.suggest_links(archive):
        by_media.setdefault(x.media_id, []).append((x.mention, x.by_sound))
    assert sorted(by_media[ids[named.name]]) == [("Guangdong", False), ("UN Zen", True)]
    assert ids[other.name] not in by_media


def test_a_given_name_and_the_childs_place_together_name_the_case(bench_index):
    """natural7's journalist: "Jingjun" (another child, Liu Jianjun, is a syllable away)
    and "Taiyuan" (a city holds many cases) each need context; both in one file are it."""
    given = line(0.0, "I first wrote about Jingjun 10 years ago.")
    place = line(60.0, "His mother told me about the alley in Taiyuan.")
    liu = "C-2010-TY-001"
    assert suggested(bench_index, [given]) == []
    assert suggested(bench_index, [place]) == []
    assert suggested(bench_index, [given, place]) == [(0, liu, "Jingjun"), (1, liu, "Taiyuan")]
    # Another case's place ties nothing: Kunming is Wang Xiaoyu's.
    other = line(60.0, "His mother told me about the market in Kunming.")
    assert suggested(bench_index, [given, other]) == []
    # A given name two children on the sheet share is neither's, with or without a place.
    from tapelog.archive.models import Case

    shared = NameIndex([*bench_index_cases(), Case("X-1", "Zhao Jingjun", aliases=["Jingjun"],
                                                    missing_place="Datong, Shanxi")], [])  # fmt: skip
    assert suggested(shared, [given, place]) == []


def test_a_given_name_and_its_place_heard_as_a_made_up_word_in_its_line(bench_index):
    """natural8's volunteer, after the second look: "Xiaoyu" spelled right (the decoy
    Wang Xiaoyun is a syllable away) and "coniming" (Kunming, a word tiny.en made up)
    in one line. The place by sound counts only in the given name's own line."""
    heard = line(0.0, "Her girls, Xiaoyu, you vanished in coniming.", {"coniming": 0.58})
    assert suggested(bench_index, [heard]) == [(0, KUNMING, "Xiaoyu")]  # one per line
    # The place in another line, by sound only: not enough for the place alone ...
    given = line(0.0, "Her girl Xiaoyu vanished one morning.")
    place = line(30.0, "It was a market in coniming.", {"coniming": 0.58})
    assert suggested(bench_index, [place]) == []
    # ... but with the given name in another line, two signs of one case in a file
    # nothing else ties: it is hers (``archive.named_weakly``).
    assert suggested(bench_index, [given, place]) == [(0, KUNMING, "Xiaoyu"),
                                                      (1, KUNMING, "coniming")]  # fmt: skip
    # Real words Whisper was sure of are no place heard ("coming": a word it knows).
    sure = line(0.0, "Her girl Xiaoyu was coming home.")
    assert suggested(bench_index, [sure]) == []


def test_a_place_spelled_right_and_a_name_of_its_case_heard_in_its_line(bench_index):
    """natural19's volunteer, naming three families: "we drove to Nanning to meet Wang Le
    Juan" (Huang Lijuan, the mother of Nanning's Huang Zihan; 0.09, 0.22, 0.34). The
    place alone is said in passing, the words alone sound like many names; in one
    line they name the case."""
    nanning = "B-2011-NN-007"
    heard = line(0.0, "On Tuesday, we drove to Nanning to meet Wang Le Juan.",
                 {"Nanning": 0.54, "Wang": 0.09, "Le": 0.22, "Juan": 0.34})  # fmt: skip
    assert suggested(bench_index, [heard]) == [(0, nanning, "Nanning")]  # one per line
    # The place without the name: said in passing, nothing.
    alone = line(0.0, "On Tuesday, we drove to Nanning to meet a lawyer.", {"Nanning": 0.54})
    assert suggested(bench_index, [alone]) == []
    # Unsure words beside it that sound like none of its case's names: nothing.
    other = line(0.0, "On Tuesday, we drove to Nanning to meet Wang Bo Tao.",
                 {"Nanning": 0.54, "Wang": 0.09, "Bo": 0.22, "Tao": 0.34})  # fmt: skip
    assert suggested(bench_index, [other]) == []
    # (On two lines the two are weak signs of one case that tie a file nothing else
    # ties, as before: ``archive.named_weakly``.)
    place = line(0.0, "On Tuesday, we drove to Nanning.", {"Nanning": 0.54})
    name = line(30.0, "We met Wang Le Juan at the station.",
                {"Wang": 0.09, "Le": 0.22, "Juan": 0.34})  # fmt: skip
    assert [g[1] for g in suggested(bench_index, [place, name])] == [nanning, nanning]
    # Words Whisper was sure of are no name heard ("to meet a Lee one").
    sure = line(0.0, "On Tuesday, we drove to Nanning to meet Lee Juan.")
    assert suggested(bench_index, [sure]) == []


def test_a_place_and_a_given_name_with_its_family_heard_as_words_in_its_line(bench_index):
    """natural2's nb06, an officer naming three families: "And the boy from Guangdong,
    Liu (0.01) will (0.54) run, was found." Only Luo Run's case holds Guangdong; the
    given name spelled right with its family name heard as words ("Liu will") is as
    much a name of his case in the place's line as words that sound like one."""
    luo = "C-2009-GZ-002"
    said = line(0.0, "And the boy from Guangdong, Liu will run, was found.",
                {"Guangdong": 0.83, "Liu": 0.01, "will": 0.54})  # fmt: skip
    assert [(si, t) for si, t, _m in suggested(bench_index, [said])] == [(0, luo)]
    # The same words without the place: a given name that is an English word, in a
    # file about nobody, links nothing.
    bare = line(0.0, "And the boy, Liu will run, was found.", {"Liu": 0.01, "will": 0.54})
    assert suggested(bench_index, [bare]) == []


def test_words_as_near_two_families_names_as_each_other_name_neither(bench_index):
    """nb06 again, once it is about the Huangs and Luo Run: "the case of Juan (0.92)
    Zan (0.32)" for Huang Zihan sounds like Luo An Xin (0.80) as much as "Zan" does
    like Zihan (0.80). Which family is the question the sound cannot answer: neither
    links. About the Huangs alone, "Zan" is Zihan's."""
    huang, luo = "B-2011-NN-007", "C-2009-GZ-002"
    said = line(0.0, "I worked on the case of Juan Zan.", {"Zan": 0.32})
    assert suggested(bench_index, [said], context=[huang, luo]) == []
    assert suggested(bench_index, [said], context=[huang]) == [(0, huang, "Zan")]


# -- a whole name heard as English words, out of any context ------------------------


def test_a_whole_name_heard_as_unsure_words_links_when_one_name_is_clearly_nearest(bench_index):
    """natural9's ni06 and natural6's volunteer: "Juan Lee Juan" (0.17, 0.40, 0.31) for
    Huang Lijuan, in interviews about another family, no Huang spelled right. Every word
    unsure and the whole name's sound close is the sign; no context is needed."""
    heard = line(0.0, "Now I help parents like Juan Lee Juan read the messages they get.",
                 {"Juan": 0.17, "Lee": 0.4})  # fmt: skip
    assert suggested(bench_index, [heard]) == [(0, "B-2011-NN-007", "Juan Lee Juan")]
    # Two words are too short a sound to tell from talk ("Juan Lee": six sounds).
    short = line(0.0, "I met Juan Lee in the spring.", {"Juan": 0.17, "Lee": 0.4})
    assert suggested(bench_index, [short]) == []
    # A sure word in the span breaks it: "Juan" then "Lee Juan" are not the full name.
    half = line(0.0, "parents like Juan see Juan read.", {"Juan": 0.17})
    assert suggested(bench_index, [half]) == []


def test_a_given_name_said_twice_is_compared_by_sound_though_short(bench_index):
    """natural28's nb06, a neighbour in the interview about Peng Gaofeng: "Everyone on
    our street knew Lola (0.67)." for Le Le. Names under five letters are not compared
    by sound (they sound like too many words), but a syllable said twice is a sound of
    its own: "Lola" 0.9 from Lele. "Lola" splits as lo-la only through "lo", a syllable
    no name is made of (``names.name_syllables``), so it is no pinyin name Whisper knew.
    "Le" alone, a family name, is no Le Le: the doubled name has no family name in it."""
    peng = "C-2009-GD-003"
    said = line(0.0, "Everyone on our street knew Lola.", {"Lola": 0.67})
    assert suggested(bench_index, [said], context=[peng]) == [(0, peng, "Lola")]
    assert suggested(bench_index, [said]) == []
    # Words that only begin like it do not ("little", 0.53).
    little = line(0.0, "When little vanished, the street searched.", {"little": 0.3})
    assert suggested(bench_index, [little], context=[peng]) == []
    # natural19's volunteer: "we drove to Nanning to meet Wang Le Juan" (Huang Lijuan).
    wang = line(0.0, "On Tuesday we met Wang Le Juan.", {"Wang": 0.09, "Le": 0.22, "Juan": 0.34})
    assert all(m[1] != peng for m in suggested(bench_index, [wang], context=[peng]))
    assert N.name_syllables("lola") is None and N.split_syllables("lola") == ("lo", "la")
    assert N.name_syllables("guangzhou") == ("guang", "zhou")


def test_a_name_in_the_possessive_run_together_is_heard_without_its_s(bench_index):
    """natural19's ns06, a volunteer's interview tied to Huang Zihan's case among
    others: "Zans (0.42) drawings are on the office wall." for "Zihan's drawings": 0.6
    from Zihan with the s, 0.8 without. A word Whisper knows ending in s is a plural
    ("hands"), not a name's possessive."""
    huang = "B-2011-NN-007"
    said = line(0.0, "Zans drawings are on the office wall.", {"Zans": 0.42})
    assert suggested(bench_index, [said], context=[huang]) == [(0, huang, "Zans")]
    plural = line(0.0, "Her hands are on the office wall.", {"hands": 0.42})
    assert suggested(bench_index, [plural], context=[huang]) == []


def test_words_after_a_name_cue_need_a_little_less_sound(bench_index):
    """natural11's nk04, a teacher in the interview about Zhao Mingxuan: "Nobody at the
    school knew his real name was Xiaomi (0.04) Xuan (0.46)": 0.77 from Zhao Mingxuan,
    under the 0.8 words alone need; the sentence says a name comes (0.75 then)."""
    zhao = "B-2008-HF-006"
    said = line(0.0, "Nobody at the school knew his real name was Xiaomi Xuan.",
                {"Xiaomi": 0.04, "Xuan": 0.46})  # fmt: skip
    assert suggested(bench_index, [said], context=[zhao]) == [(0, zhao, "Xiaomi Xuan")]
    # Without the cue, the same words are too far.
    plain = line(0.0, "Nobody at the school knew Xiaomi Xuan.", {"Xiaomi": 0.04, "Xuan": 0.46})
    assert suggested(bench_index, [plain], context=[zhao]) == []
    # And out of the interview about him, nothing.
    assert suggested(bench_index, [said]) == []


def test_an_s_glued_to_a_family_name_is_a_sound_not_a_word(bench_index):
    """natural12's nl01, a nurse in Luo Run's story: "the search for Wang's (0.66) I
    (0.40) owe (0.05) you economy" for "Wang Xiaoyu in Kunming". The s glued on is the
    x of Xiaoyu: with it the span is four words after the family name, one more than
    words beside a family name may be, and sounds like Wang Xiaoyu at 0.89 (Wang
    Xiaoyun, the decoy, 0.78)."""
    said = line(0.0, "I also remember the search for Wang's I owe you economy.",
                {"Wang's": 0.66, "I": 0.4, "owe": 0.05, "economy": 0.29})  # fmt: skip
    assert suggested(bench_index, [said]) == [(0, "B-2015-KM-005", "Wang's I owe you")]
    # Four words apart, not glued, are too many: "Wang, as I owe you" names nobody.
    apart = line(0.0, "the search for Wang as I owe you.", {"as": 0.3, "I": 0.4, "owe": 0.05})
    assert suggested(bench_index, [apart]) == []


def test_a_family_name_inside_a_whole_name_heard_as_words_is_a_given_names_syllable(
    bench_index,
):
    """natural2's nb06: "Her mother, Juan (0.53) Le (0.42) Juan (0.87), came to the
    station" for Huang Lijuan, in an interview about another family. "Le" is a family
    name (乐), but inside the span it stands where her given name's first syllable does;
    only a family name spelled first or last is the scanner's to judge."""
    said = line(0.0, "Her mother, Juan Le Juan, came to the station every week.",
                {"Juan": 0.53, "Le": 0.42})  # fmt: skip
    assert suggested(bench_index, [said]) == [(0, "B-2011-NN-007", "Juan Le Juan")]
    # At either end of the span it still stops it: "Le Juan" and "Juan Le" alone link
    # nothing here (the Le family holds no name on this sheet).
    first = line(0.0, "Her mother, Le Juan Juan, came to the station.", {"Juan": 0.53, "Le": 0.42})
    assert suggested(bench_index, [first]) == []


def test_a_whole_name_as_near_two_names_links_neither():
    """Another name of that family on the sheet as near: neither is linked (the margin
    ``family_spans`` asks for). A clearly nearer name of another common family the
    words sound like wins (Jiang Lijuan, 0.92 against 0.86). Families outside the
    common ones (``names.SURNAMES``) are not looked up."""
    from tapelog.archive.models import Case

    heard = [line(0.0, "parents like Juan Lee Juan read.", {"Juan": 0.17, "Lee": 0.4})]
    one = NameIndex([Case("K-1", "Huang Lijuan")], [])
    assert suggested(one, heard) == [(0, "K-1", "Juan Lee Juan")]
    two = NameIndex([Case("K-1", "Huang Lijuan"), Case("K-2", "Huang Lijian")], [])
    assert suggested(two, heard) == []
    other = NameIndex([Case("K-1", "Huang Lijuan"), Case("K-3", "Jiang Lijuan")], [])
    assert suggested(other, heard) == [(0, "K-3", "Juan Lee Juan")]  # 0.92 against 0.86


def test_a_title_and_a_family_name_heard_wrong_link_in_the_interview(bench_index):
    """natural17's nq01: "Mrs. Lou (0.04) kept his school bag" for Mrs. Liu, the name the
    case lists for the mother. A title's full stop is no sentence end: the span is
    compared whole (0.92), in the interview about the case only."""
    liu = "C-2010-TY-001"
    said = [line(0.0, "Mrs. Lou kept his school bag by the door for years.", {"Lou": 0.04})]
    assert suggested(bench_index, said, context=[liu]) == [(0, liu, "Mrs. Lou")]
    assert suggested(bench_index, said) == []
    # A sentence's end still ends a span: "...the house. Lou..." is no title.
    ended = [line(0.0, "They sold the house. Lou kept his school bag.", {"Lou": 0.04})]
    assert suggested(bench_index, ended, context=[liu]) == []


def test_a_word_after_a_number_is_a_unit_not_a_name(bench_index):
    """natural6's mother of Deng Yuxuan: "strangers sent us money, about 3,000 Yuuan"
    (yuan, 0.01) linked him, a capitalised made-up word near "Yuxuan" in an interview
    about him. After a number, said or written, a word is the quantity's unit."""
    deng = "B-2013-CD-008"
    about = line(0.0, "Our son Deng Yuxuan was taken in a park.")
    money = line(10.0, "Strangers sent us money, about 3,000 Yuuan.", {"Yuuan": 0.01})
    assert suggested(bench_index, [about, money]) == [(0, deng, "Deng Yuxuan")]
    said = line(10.0, "Strangers sent us money, about three thousand Yuuan.", {"Yuuan": 0.01})
    assert suggested(bench_index, [about, said]) == [(0, deng, "Deng Yuxuan")]
    # The same word where a name stands is still heard as his.
    named = line(10.0, "Every night we pray for Yuuan to come home.", {"Yuuan": 0.01})
    assert suggested(bench_index, [about, named]) == [(0, deng, "Deng Yuxuan"),
                                                       (1, deng, "Yuuan")]  # fmt: skip


def test_a_province_after_the_city_is_not_listened_for():
    """natural26's nz02, a file about Zhang Haoran (missing from "Zhengzhou, Henan"):
    "some only wanted money" came out as "some only one in money" ("one", 0.4), and
    "one in" sounds like Henan (0.82), which linked his case to a line that names
    nobody. A case's place is the first part written as a name (``place_name``): the
    city, not the province said in passing after it."""
    from tapelog.archive import names as N
    from tapelog.archive.models import Case

    assert N.place_name("Zhengzhou, Henan") == "Zhengzhou"
    assert N.place_name("bus station, Guangdong") == "Guangdong"
    assert N.place_name("bus station, Guangdong", first=True) == ""
    assert N.place_name("Zhengzhou, Henan", first=True) == "Zhengzhou"
    assert N.place_name("outside his father's shop, southern China") == ""
    assert N.place_name("山西太原") == "山西太原" and N.place_name("") == ""
    ix = NameIndex([Case("K-HR", "Zhang Haoran", missing_place="Zhengzhou, Henan")], [])
    said = line(0.0, "Mr. Zhang Haoran drove a taxi.")
    money = line(5.0, "Most of the calls were kind, but some only one in money.", {"one": 0.4})
    city = line(9.0, "He has not been back to Zhengjo station since.", {"Zhengjo": 0.3})
    assert [g[1:] for g in suggested(ix, [said, money, city])] == [
        ("K-HR", "Zhang Haoran"), ("K-HR", "Zhengjo")
    ]  # fmt: skip
