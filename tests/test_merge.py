"""The second look's merge: names taken from the biased decode, nothing else."""

from __future__ import annotations

from tapelog.transcribe.merge import merge_names
from tapelog.transcribe.types import Segment, Word


def seg(start: float, *words: str, step: float = 0.4) -> Segment:
    """A segment whose words are ``step`` s apart from ``start``."""
    ws = [
        Word(start + i * step, start + (i + 1) * step - 0.05, " " + w) for i, w in enumerate(words)
    ]
    return Segment(start, ws[-1].end, "".join(w.word for w in ws).strip(), ws, speaker="CH2")


NAMES = ["Luo Run", "Lou Run", "Guangzhou", "Le Le", "Luo An Xin", "Liu Jingjun"]


def test_a_misheard_name_is_taken_from_the_second_look():
    plain = [seg(0.0, "Our", "son,", "Hugo", "Run", "was", "three.")]
    second = [seg(0.0, "Our", "son", "Luo", "Run", "was", "three.")]
    merged, changed = merge_names(plain, second, NAMES)
    assert merged[0].text == "Our son, Luo Run was three."
    assert changed == 1 and merged[0].speaker == "CH2"


def test_words_that_are_not_names_stay_as_the_plain_pass_heard_them():
    plain = [seg(0.0, "for", "12,000", "yuan."), seg(2.0, "in", "Wang", "Joo", "for", "work.")]
    second = [seg(0.0, "for", "12,000", "Yuoyuan."), seg(2.0, "in", "Guangzhou", "for", "work.")]
    second[1].words[1].end = 3.15  # "Guangzhou" is said over "Wang Joo"
    merged, changed = merge_names(plain, second, NAMES)
    assert merged[0].text == "for 12,000 yuan."  # not a name: the plain words
    assert merged[1].text == "in Guangzhou for work."  # a name: the second look's
    assert changed == 1


def test_a_name_inside_a_garbled_stretch_is_spliced_in_by_time():
    plain = [seg(0.0, "My", "suddenly", "jing", "-jong", "was", "taken.")]
    second = [seg(0.0, "My", "son", "Liu", "Jingjun", "was", "taken.")]
    merged, _ = merge_names(plain, second, NAMES)
    assert "Liu Jingjun was taken." in merged[0].text
    assert merged[0].text.startswith("My")


def test_short_name_words_that_are_english_words_are_not_taken_alone():
    plain = [seg(0.0, "we", "ran", "home")]
    second = [seg(0.0, "we", "Run", "home")]  # "Run" is a word of "Luo Run"
    merged, changed = merge_names(plain, second, NAMES)
    assert merged[0].text == "we ran home" and changed == 0


def test_chinese_names_by_their_characters():
    plain = [seg(0.0, "我的", "儿子", "刘晶军", "走丢了")]
    second = [seg(0.0, "我的", "儿子", "刘景军", "走丢了")]
    merged, _ = merge_names(plain, second, ["刘景军", "罗润"])
    assert merged[0].text == "我的 儿子 刘景军 走丢了"


def test_nothing_to_merge_without_names_or_words():
    plain = [seg(0.0, "Hugo", "Run")]
    assert merge_names(plain, [seg(0.0, "Luo", "Run")], []) == (plain, 0)
    bare = [Segment(0.0, 1.0, "Hugo Run")]
    assert merge_names(bare, [seg(0.0, "Luo", "Run")], NAMES) == (bare, 0)


def test_a_stretch_made_of_words_of_two_names_is_no_name():
    # Given Wang Xiaoyu and Huang Zihan, Whisper wrote "Wang Zihan" over "works as a".
    plain = [seg(0.0, "Mingxuan", "now", "works", "as", "a", "cook.")]
    second = [seg(0.0, "Mingxuan", "now", "Wang", "Zihan,", "cook.")]
    merged, changed = merge_names(plain, second, ["Wang Xiaoyu", "Huang Zihan", "Mingxuan"])
    assert merged[0].text == "Mingxuan now works as a cook." and changed == 0
