"""A name Whisper cut at a line's end (``archive.split_names``), read whole by the
linking. The lines are tiny.en's own, from natural20's nt01, with its probabilities."""

from __future__ import annotations

from tapelog.archive.linking import find_mentions
from tapelog.archive.name_sound import heard_code, name_code, pinyin_code, sound_similarity
from tapelog.archive.split_names import rejoined
from tapelog.transcribe.types import Segment, Word

from tests.test_name_heard import bench_index, line  # noqa: F401  (fixture)

KUNMING = "B-2015-KM-005"
PHOTO = "Have you ever seen a photo of Wang"
AFTER = "Zaioui? There are more than 400 of them in a drawer."


def cut(first: str = PHOTO, then: str = AFTER, gap: float = 0.0, **kw) -> list[Segment]:
    a = line(35.1, "is news. I have kept every ticket. " + first, {"Wang": 0.85})
    b = line(a.end + gap, then, {"Zaioui": 0.39, "There": 0.73})
    b.speaker = kw.get("speaker")
    return [a, b]


def test_the_next_lines_first_words_finish_the_name_in_the_line_it_began():
    a, b = rejoined(cut())
    assert a.text.endswith("a photo of Wang Zaioui?")
    assert b.text.strip().startswith("There are more")
    assert [w.word.strip() for w in a.words][-2:] == ["Wang", "Zaioui?"]
    assert a.end == a.words[-1].end and b.start == b.words[0].start
    # The transcript the caller holds is not changed: only the linking's view.
    assert cut()[0].text.endswith("of Wang")


def test_a_name_cut_at_a_lines_end_links(bench_index):  # noqa: F811
    found = {(m.segment, m.target_id, m.mention) for m in find_mentions(bench_index, cut())}
    assert (0, KUNMING, "Wang Zaioui") in found
    assert not {f for f in found if f[1] != KUNMING}  # not Wang Xiaoyun, a syllable away


def test_a_line_that_ends_a_sentence_or_a_gap_or_a_voice_keeps_its_cut():
    for segs in (
        cut(first=PHOTO + "."),  # the sentence ended
        cut(gap=2.5),  # a pause: another sentence
        cut(speaker="S2"),  # another voice
        cut(first="Have you ever seen a photo. Wang"),  # a word that begins its sentence
        cut(then="there are more than 400 of them."),  # sure, lowercase: no name
    ):
        assert [s.text for s in rejoined(segs)] == [s.text for s in segs]
    one = cut(then="Zaioui?")  # never the whole next line
    assert [s.text for s in rejoined(one)] == [s.text for s in one]


def test_lines_without_word_times_keep_their_bounds():
    a = Segment(0.0, 2.0, "Have you ever seen a photo of Wang")
    b = Segment(2.2, 4.0, "Zaioui? There are more.")
    x, y = rejoined([a, b])
    assert x.text.endswith("Wang Zaioui?") and (x.start, x.end, y.start, y.end) == (0, 2, 2.2, 4)


def test_y_and_w_are_glides_in_pinyin_as_heard():
    # "wang" is uang and "yang" iang: tiny.en's "Wang" (o-a-n) is the pinyin's Wang.
    assert pinyin_code("wang") == heard_code(["wang"]) == "oan"
    assert pinyin_code("yang") == "ian" and pinyin_code("yu") == "io" and pinyin_code("wu") == "o"
    assert name_code("Wang Xiaoyu") == "oansiaoio"
    heard = heard_code(["wang", "zaioui"])
    assert sound_similarity(heard, name_code("Wang Xiaoyu")) >= 0.85
    assert sound_similarity(heard, name_code("Wang Xiaoyun")) <= 0.8


def test_hostile_lines_are_read_without_crashing():
    odd = [Segment(0.0, 1.0, ""), Segment(1.0, 2.0, "   "), Segment(2.0, 3.0, "A B"),
           Segment(3.0, 3.5, "Ä"), Segment(3.5, 4.0, "?"), Segment(-1.0, 0.0, "Wang"),
           Segment(0.0, 1.0, "x Wang", [Word(0, 1, " x", 0.1)]), Segment(1.0, 2.0, "Zai.")]  # fmt: skip
    assert len(rejoined(odd)) == len(odd)
