"""Two children one syllable apart: the name said, by the audio (archive.name_twins).

natural12's mother (bench/data/names_natural12/nl06_liu.ogg, a natural voice) names her
son Liu Jingjun and, of another family, Liu Jianjun, whose case is also on the sheet.
The second look wrote "Liu Jingjun" for both; the real tiny.en model, forced through
each line with each name, says which was said.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tapelog.transcribe.types import Segment, Word

DATA = Path(__file__).resolve().parent.parent / "bench" / "data" / "names_natural12"
OWN, TWIN = "C-2010-TY-001", "D-2011-YC-101"
# What the second look gives Whisper for her interview: her own case's names.
GIVEN = ["Liu Jingjun", "Jingjun", "Liu Jing Jun", "Taiyuan", "Liu Zhiqiang"]

# natural13's mother, 20.3-47.6 s, as the second look left it (tiny.en's word times):
# her daughter Wang Xiaoyu, five lines of talk, then "A girl called Wang Xiaoyun went
# missing in Lanzhou too" with "went" lost.
NM01_LINES = [
    [('My', 20.31, 20.51), ('daughter', 20.51, 20.91), ('Wang', 20.91, 21.19), ('Xiaoyu', 21.21, 21.71), ('was', 21.61, 21.91), ('for', 21.91, 22.21), ('when', 22.21, 22.43), ('she', 22.43, 22.57), ('was', 22.57, 22.79), ('taken.', 22.79, 23.19)],
    [('We', 23.87, 24.07), ('meet', 24.07, 24.31), ('once', 24.31, 24.59), ('a', 24.59, 24.75), ('month', 24.75, 24.93), ('in', 24.93, 25.17), ('a', 25.17, 25.33), ('small', 25.33, 25.59), ('tea', 25.59, 25.81), ('house', 25.81, 26.09), ('near', 26.09, 26.27), ('the', 26.27, 26.51), ('station.', 26.51, 26.91)],
    [('Some', 27.57, 27.85), ('of', 27.85, 28.01), ('the', 28.01, 28.17), ('parents', 28.17, 28.41), ('have', 28.41, 28.69), ('been', 28.69, 28.81), ('looking', 28.81, 29.15), ('for', 29.15, 29.39), ('20', 29.39, 29.73), ('years.', 29.73, 30.25)],
    [('Nobody', 30.93, 31.25), ('in', 31.25, 31.63), ('our', 31.63, 31.83), ('village', 31.83, 32.15), ('had', 32.15, 32.41), ('a', 32.41, 32.53), ('phone', 32.53, 32.69), ('with', 32.69, 32.95), ('a', 32.95, 33.09), ('camera', 33.09, 33.35), ('back', 33.35, 33.71), ('then.', 33.71, 34.13)],
    [('We', 34.65, 34.81), ('kept', 34.81, 35.05), ('this', 35.05, 35.33), ('close', 35.33, 35.73), ('and', 35.73, 35.93), ('a', 35.93, 36.05), ('box', 36.05, 36.33), ('under', 36.33, 36.63), ('the', 36.63, 36.87), ('bed.', 36.87, 37.15)],
    [('The', 37.81, 37.99), ('school', 37.99, 38.21), ('in', 38.21, 38.33), ('our', 38.33, 38.57), ('street', 38.57, 38.89), ('still', 38.89, 39.19), ('has', 39.19, 39.39), ('his', 39.39, 39.59), ('name', 39.59, 39.81), ('on', 39.81, 39.97), ('a', 39.97, 40.11), ('list.', 40.11, 40.49)],
    [('A', 41.21, 41.31), ('girl', 41.31, 41.57), ('called', 41.57, 41.87), ('Wang Xiaoyun', 41.87, 42.79), ('missing', 42.79, 43.13), ('in', 43.13, 43.35), ('Landju', 43.35, 43.73), ('2.', 43.73, 44.09)],
    [('I', 44.71, 44.81), ('wrote', 44.81, 45.05), ('letters', 45.05, 45.35), ('to', 45.35, 45.65), ('three', 45.65, 45.85), ('newspapers', 45.85, 46.31), ('and', 46.31, 46.77), ('one', 46.77, 46.97), ('of', 46.97, 47.05), ('them', 47.05, 47.29), ('answered.', 47.29, 47.63)],
]  # fmt: skip


def _archive(root: Path):
    from tapelog.archive import cases as C
    from tapelog.archive.service import Archive

    archive = Archive.open(root)
    C.import_records(archive, DATA / "cases.csv", "cases")
    C.import_records(archive, DATA / "people.csv", "people")
    return archive


def _line(start: float, words: list[tuple[str, float, float]]) -> Segment:
    ws = [Word(start=a, end=b, word=" " + w, probability=0.9) for w, a, b in words]
    return Segment(start=start, end=ws[-1].end, text=" ".join(w for w, _a, _b in words), words=ws)


def _lines() -> list[Segment]:
    """Three lines as the second look left them, "Jingjun" in each: her son (20.4-22.6
    s; 42.1-44.4 s) and the other family's boy (63.2-66.2 s), with tiny.en's times."""
    son = _line(20.37, [("Our", 20.37, 20.55), ("son", 20.55, 20.79), ("Liu", 20.79, 20.99),
                        ("Jingjun", 20.99, 21.35), ("was", 21.53, 21.63), ("born", 21.63, 21.83),
                        ("in", 21.83, 22.01), ("the", 22.01, 22.21), ("spring.", 22.21, 22.57)])  # fmt: skip
    again = _line(42.07, [("People", 42.07, 42.35), ("in", 42.35, 42.46), ("Taiyuan", 42.46, 42.84),
                          ("still", 43.09, 43.31), ("ask", 43.31, 43.53), ("about", 43.53, 43.91),
                          ("Jingjun.", 43.91, 44.43)])  # fmt: skip
    other = _line(63.17, [("Another", 63.17, 63.45), ("family", 63.45, 63.81), ("lost", 63.81, 64.04),
                          ("Liu", 64.04, 64.28), ("Jingjun,", 64.28, 64.94), ("a", 65.35, 65.51),
                          ("different", 65.51, 65.77), ("boy.", 65.77, 66.23)])  # fmt: skip
    return [son, again, other]


def test_a_name_has_as_twins_the_sheets_names_one_syllable_away(tmp_path: Path) -> None:
    from tapelog.archive import cases as C
    from tapelog.archive.name_twins import twins_of

    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        own = index.by_id[("case", OWN)]
        assert twins_of(index, "Liu Jingjun", own) == ["Liu Jianjun"]
        assert twins_of(index, "Jingjun", own) == ["Jianjun"]
        assert twins_of(index, "liu jingjun", own) == ["liu jianjun"]  # as written
        # The other way round too; a name with no twin on the sheet has none.
        assert twins_of(index, "Liu Jianjun", index.by_id[("case", TWIN)]) == ["Liu Jingjun"]
        assert twins_of(index, "Peng Gaofeng", index.by_id[("case", "C-2009-GD-003")]) == []
        # Not pinyin: nothing to vary.
        assert twins_of(index, "Bob Smith", own) == []
    finally:
        archive.close()


def test_the_audio_chooses_the_twin_said_and_the_link_follows(tmp_path: Path) -> None:
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.name_twins import MARGIN, check_twins
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.text_score import text_log_probs
    from tapelog.transcribe.types import TranscribeOptions

    audio = load_audio(DATA / "nl06_liu.ogg")
    model = get_engine(TranscribeOptions(model="tiny.en", cpu_threads=2)).model  # type: ignore[attr-defined]
    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        lines = _lines()
        before = find_mentions(index, lines)
        assert [m.target_id for m in before] == [OWN, OWN, OWN]  # the wrong link, as it was
        scored: list[list[str]] = []

        def score(clip, texts):
            scored.append(texts)
            return text_log_probs(model, clip, texts, "en")

        after, checks = check_twins(index, lines, before, score, audio, GIVEN)
        son = "Our son Liu Jingjun was born in the spring."
        # Her son's two lines fit in one window: one encoder pass scores both names in
        # their lines; the other boy's line, then his name alone, where its twin led.
        # A full name is also scored against its case's other names with its family
        # name (``kin_of``: her husband, Liu Zhiqiang).
        assert scored == [
            [f"{son} People in Taiyuan still ask about Jingjun.",
             "Our son Liu Jianjun was born in the spring. People in Taiyuan still ask about Jingjun.",
             "Our son Liu Zhiqiang was born in the spring. People in Taiyuan still ask about Jingjun.",
             f"{son} People in Taiyuan still ask about Jianjun."],
            ["Another family lost Liu Jingjun, a different boy.", "Another family lost Liu Jianjun, a different boy.",
             "Another family lost Liu Zhiqiang, a different boy."],
            ["Liu Jingjun", "Liu Jianjun"],
        ]  # fmt: skip
        assert after[:2] == lines[:2]  # her son: kept, word for word
        assert after[2].text == "Another family lost Liu Jianjun, a different boy."
        assert [w.word for w in after[2].words][3:5] == [" Liu", " Jianjun,"]
        assert [(w.start, w.end) for w in after[2].words] == [
            (w.start, w.end) for w in lines[2].words
        ]
        [kept, kept_again, changed] = checks
        assert (kept.written, kept.chosen) == ("Liu Jingjun", "Liu Jingjun") and kept.margin > 0
        assert (kept_again.written, kept_again.chosen) == ("Jingjun", "Jingjun")
        assert (changed.written, changed.chosen) == ("Liu Jingjun", "Liu Jianjun")
        assert changed.margin >= MARGIN
        assert [m.target_id for m in find_mentions(index, after)] == [OWN, OWN, TWIN]
    finally:
        archive.close()


def test_a_name_is_judged_by_its_own_words_not_the_line_around_it(tmp_path: Path) -> None:
    """natural13's mother: "A girl called Wang Xiaoyun went missing in Lanzhou too",
    which the second look left as "... Wang Xiaoyun missing in Landju 2." ("went"
    lost). Scored in its window (with her daughter's line), "Wang Xiaoyu" came out
    likelier; alone, over the name's own audio, it does not, and the name stays."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.name_twins import MARGIN, check_twins
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.text_score import text_log_probs
    from tapelog.transcribe.types import TranscribeOptions

    audio = load_audio(DATA.parent / "names_natural13" / "nm01_wang.ogg")
    model = get_engine(TranscribeOptions(model="tiny.en", cpu_threads=2)).model  # type: ignore[attr-defined]
    lines = [_line(ws[0][1], ws) for ws in NM01_LINES]
    given = ["Wang Xiaoyu", "Xiaoyu", "Kunming", "Wang Hongmei", "Wang Xiaoyun", "Lanzhou"]
    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        mentions = find_mentions(index, lines)
        assert [m.target_id for m in mentions] == ["B-2015-KM-005", "D-2014-LZ-104"]

        def score(clip, texts):
            return text_log_probs(model, clip, texts, "en")

        after, [daughter, girl] = check_twins(index, lines, mentions, score, audio, given)
        assert after == lines
        assert (daughter.written, daughter.chosen) == ("Wang Xiaoyu", "Wang Xiaoyu")
        assert (girl.written, girl.chosen) == ("Wang Xiaoyun", "Wang Xiaoyun")
        assert girl.margin <= -MARGIN  # in its window the twin led; alone it did not
    finally:
        archive.close()


def test_a_twin_whisper_wrote_without_being_told_is_left_as_heard(tmp_path: Path) -> None:
    """The other boy's name written right (Whisper was never given it) is not checked:
    it heard it. Only names it was told may have been written because it was told."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.name_twins import check_twins

    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        other = _lines()[2]
        heard = replace(other, text=other.text.replace("Jingjun", "Jianjun"), words=[
            replace(w, word=w.word.replace("Jingjun", "Jianjun")) for w in other.words])  # fmt: skip
        mentions = find_mentions(index, [heard])
        assert [m.target_id for m in mentions] == [TWIN]

        def score(clip, texts):
            raise AssertionError("nothing to score")

        after, checks = check_twins(index, [heard], mentions, score, None, GIVEN)
        assert after == [heard] and checks == []
    finally:
        archive.close()


def test_a_line_with_broken_times_is_not_looked_at(tmp_path: Path) -> None:
    """A transcript from an imported archive may hold any times: NaN, negative, a word
    that ends before it starts. Such a line is left as it is, nothing cut by them."""
    import math

    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.name_twins import check_twins

    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        good = _lines()[2]
        bad = [
            replace(good, words=[replace(w, start=math.nan) if w.word == " Liu" else w
                                 for w in good.words]),
            replace(good, start=-5.0),
            replace(good, words=[replace(w, end=w.start - 1) if w.word == " Jingjun," else w
                                 for w in good.words]),
        ]  # fmt: skip

        def score(clip, texts):
            raise AssertionError("nothing to score")

        for line in bad:
            after, checks = check_twins(
                index, [line], find_mentions(index, [line]), score, np.zeros(16000), GIVEN
            )
            assert after == [line] and checks == []
    finally:
        archive.close()


def test_scoring_refuses_more_than_one_window_and_scores_an_empty_text_lowest() -> None:
    import math

    import numpy as np
    from tapelog.archive.errors import TranscriptionError
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.text_score import text_log_probs
    from tapelog.transcribe.types import TranscribeOptions

    model = get_engine(TranscribeOptions(model="tiny.en", cpu_threads=2)).model  # type: ignore[attr-defined]
    with pytest.raises(TranscriptionError):
        text_log_probs(model, np.zeros(16000 * 40, dtype=np.float32), ["words"], "en")
    got = text_log_probs(model, np.zeros(16000, dtype=np.float32), ["", "words", " "], "en")
    assert got[0] == -math.inf and got[2] == -math.inf and math.isfinite(got[1])
    assert text_log_probs(model, np.zeros(16000, dtype=np.float32), [], "en") == []


@pytest.mark.slow
def test_the_second_look_writes_the_twin_said_and_show_says_so(tmp_path: Path) -> None:
    """The mother's whole interview at the defaults: the second look writes "Liu
    Jingjun" over the other boy's name too, and the check puts "Liu Jianjun" back (on
    some CPUs the look writes "Liu Jianjun" itself, and the check keeps it; on one AMD
    EPYC the written name scored 0.42 above its twin there, and the wrong name stayed:
    the decodes differ by CPU, so the test holds the link to what the check measured);
    ``show --json``'s names_given lists what was checked, and the own names given."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.name_twins import MARGIN
    from tapelog.archive.second_look import names_for, names_given, second_look
    from tapelog.transcribe.types import TranscribeOptions

    archive = _archive(tmp_path / "a")
    try:
        [res] = archive.import_paths([DATA / "nl06_liu.ogg"])
        options = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2, names="")
        archive.transcribe(res.id, options)
        look = second_look(
            archive, res.id, names_for(archive, res.id, TranscribeOptions(language="en"))
        )
        assert look is not None
        twins = names_given(archive.get_transcript(archive.get_media(res.id).transcript_id))[
            "twins"
        ]
        flipped = [t for t in twins if t[2] != t[3]]
        assert [t[2:4] for t in flipped] in ([], [["Liu Jingjun", "Liu Jianjun"]])
        [said] = [t for t in twins if 63.0 < t[0] < 66.2]  # the other boy's line: checked
        kept = said[3] == "Liu Jianjun"
        assert kept or (said[2:4] == ["Liu Jingjun", "Liu Jingjun"] and said[4] > -MARGIN)
        found = find_mentions(C.name_index(archive), archive.segments(res.id))
        there = {m.target_id for m in found if 63.0 < m.match_start < 66.2}
        assert there == ({TWIN} if kept else {OWN})  # the link is what the check chose
        # The look at her own case's names line by line (archive.own_look, tested in
        # test_own_look.py) was given her husband's name, and show says so.
        given = names_given(archive.get_transcript(archive.get_media(res.id).transcript_id))
        assert "Liu Zhiqiang" in given["own_look"]
        assert given["own_look_led"] is False  # her son's name, heard, ties the file
    finally:
        archive.close()


def test_a_parents_given_name_alone_is_not_checked_against_a_child_one_syllable_away() -> None:
    """natural12's nurse: base wrote "An Xin" (Luo An Xin, the father) over "Luo An Xin",
    and it was forced against the decoy child Deng Yuxin's "Yu Xin" and lost. A parent's
    given name alone is weak (it links only in the interview about the case) and is not
    twinned; the child's own names still are."""
    from tapelog.archive.linking import NameIndex, find_mentions
    from tapelog.archive.models import Case
    from tapelog.archive.name_twins import _items, twins_of

    index = NameIndex([Case("L-1", "Luo Run", parents=["Luo An Xin"]),
                       Case("D-1", "Deng Yuxin"), Case("D-2", "Luo Ren")], [])  # fmt: skip
    segs = [_line(0.0, [("His", 0.0, 0.2), ("father,", 0.2, 0.6), ("An", 0.7, 0.9),
                        ("Xin,", 0.9, 1.2), ("came.", 1.3, 1.5)]),
            _line(3.0, [("Luo", 3.0, 3.3), ("Run", 3.3, 3.6), ("came.", 3.6, 3.9)])]  # fmt: skip
    mentions = find_mentions(index, segs, context=["L-1"])
    assert [m.mention for m in mentions] == ["An Xin", "Luo Run"]
    items = _items(index, segs, mentions, {"anxin", "luorun"})
    # The child's full name has its twin, and its father's full name (``kin_of``).
    assert [(it.written, it.twins) for it in items] == [("Luo Run", ["Luo Ren", "Luo An Xin"])]
    assert twins_of(index, "Yu Xin", index.by_id[("case", "D-1")]) == []  # no "An Xin"


def test_a_childs_name_written_for_the_fathers_is_put_right_by_the_audio(tmp_path: Path) -> None:
    """natural23's nw03, "His father, Liu Zhiqiang, asks that every day.": base, given
    the case's names, wrote "Liu Jingjun" there (the son's). The case is right, the words
    are not; forced through the line, tiny.en finds "Liu Zhiqiang" likelier, and the
    words change while the link stays on the case."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.name_twins import MARGIN, check_twins, kin_of
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.text_score import text_log_probs
    from tapelog.transcribe.types import TranscribeOptions

    data = DATA.with_name("names_natural23")
    audio = load_audio(data / "nw03_jingjun.ogg")
    model = get_engine(TranscribeOptions(model="tiny.en", cpu_threads=2)).model  # type: ignore[attr-defined]
    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        assert kin_of(index, "Liu Jingjun", index.by_id[("case", OWN)]) == ["Liu Zhiqiang"]
        # Not the other way: a name of fewer tokens wins a likelihood for being short
        # ("Liu Zhiqiang is my name" came out as "Liu Jingjun" on natural10).
        assert kin_of(index, "Liu Zhiqiang", index.by_id[("case", OWN)]) == []
        line = _line(22.97, [("His", 22.97, 23.17), ("father,", 23.17, 23.61), ("Liu", 23.74, 23.82),
                             ("Jingjun,", 23.82, 24.24), ("asks", 24.75, 24.91), ("that", 24.91, 25.15),
                             ("every", 25.15, 25.35), ("day.", 25.35, 25.73)])  # fmt: skip
        before = find_mentions(index, [line])
        assert [m.target_id for m in before] == [OWN]

        def score(clip, texts):
            return text_log_probs(model, clip, texts, "en")

        after, [check] = check_twins(index, [line], before, score, audio, GIVEN)
        assert after[0].text == "His father, Liu Zhiqiang, asks that every day."
        assert (check.written, check.chosen) == ("Liu Jingjun", "Liu Zhiqiang")
        assert check.margin >= MARGIN
        assert [m.target_id for m in find_mentions(index, after)] == [OWN]
        # Her son's name, said, stays his (the first test's lines).
        kept, _checks = check_twins(index, _lines()[:1], find_mentions(index, _lines()[:1]),
                                    score, load_audio(DATA / "nl06_liu.ogg"), GIVEN)  # fmt: skip
        assert kept[0].text == _lines()[0].text
    finally:
        archive.close()
