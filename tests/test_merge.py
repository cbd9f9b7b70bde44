"""The second look's merge: names taken from the biased decode, nothing else."""

from __future__ import annotations

from dataclasses import replace

from tapelog.archive.own_look import heard_well
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


def zh(start: float, chars: str, step: float = 0.25) -> Segment:
    """A Mandarin line with a word time per character, as base gives it."""
    ws = [Word(start + i * step, start + (i + 1) * step - 0.02, c) for i, c in enumerate(chars)]
    return Segment(start, ws[-1].end, chars, ws)


def test_a_name_stays_whole_in_the_line_whose_words_it_replaces():
    """base on zh09: plain "...小時。" | "黃子涵是..." and the second look "...小时黄子涵是"
    in one line. The stretch "時。黃" starts in the first line; taken whole there, "黄" ended
    that line and "子涵" began the next, and no line held the name. Each plain word stays
    in its line, and the name's character goes where the one it replaces was."""
    plain = [zh(0.0, "只睡三四個小時。"), zh(2.25, "黃子涵是在南寧丟的")]
    second = [zh(0.0, "只睡三四个小时黄子涵是在南宁丢的", step=0.25)]
    second[0].words[7] = Word(2.2, 2.48, "黄")  # said where plain's 黃 is (2.25-2.48)
    for k, w in enumerate(second[0].words[8:], start=8):
        second[0].words[k] = Word(w.start + 0.25, w.end + 0.25, w.word)
    merged, changed = merge_names(plain, second, ["黄子涵", "刘景军"])
    assert changed == 1
    assert [s.text for s in merged] == ["只睡三四個小時。", "黄子涵是在南寧丟的"]
    # A name said where plain heard nothing goes beside the nearest plain word.
    gap = [zh(0.0, "我找"), zh(3.0, "的爸爸")]
    said = [zh(0.0, "我找刘景军的爸爸")]
    said[0].words[2:5] = [Word(2.2, 2.4, "刘"), Word(2.4, 2.6, "景"), Word(2.6, 2.9, "军")]
    said[0].words[5:] = [Word(3.0 + 0.25 * i, 3.23 + 0.25 * i, c) for i, c in enumerate("的爸爸")]
    merged, _ = merge_names(gap, said, ["黄子涵", "刘景军"])
    assert [s.text for s in merged] == ["我找", "刘景军的爸爸"]


def test_the_rest_of_a_hyphenated_word_goes_with_the_part_a_name_replaced():
    plain = [seg(0.0, "We", "lived", "in", "Taeun", "I", "worked.")]
    plain[0].words[4] = Word(1.6, 1.75, "-Man,")  # tiny.en's "Taeun-Man," in two words
    plain[0].words[5] = Word(1.95, 2.3, " I")
    second = [seg(0.0, "We", "lived", "in", "Taiyuan,", "I", "worked.")]
    merged, changed = merge_names(plain, second, ["Taiyuan"])
    assert merged[0].text == "We lived in Taiyuan, I" and changed == 1


def test_a_name_said_twice_in_a_row_is_not_taken():
    """Whisper given the names repeated one over words it heard plainly (the sparse
    set: "Nanning, Nanning" for "the mother of"): a stutter, not a name heard."""
    plain = [seg(0.0, "I", "am", "Huangli", "Wang,", "the", "mother", "of", "a", "girl.")]
    second = [seg(0.0, "I", "am", "Huangli", "Wang,", "Nanning,", "Nanning,", "a", "girl.")]
    merged, changed = merge_names(plain, second, [*NAMES, "Nanning", "Huang Zihan"])
    assert merged[0].text == plain[0].text and changed == 0
    # A name that says a word twice is no stutter.
    plain = [seg(0.0, "His", "son", "Lillugin's", "still", "missing.")]
    second = [seg(0.0, "His", "son", "Le", "Le", "is", "still", "missing.")]
    merged, changed = merge_names(plain, second, NAMES)
    assert "Le Le" in merged[0].text and changed == 1
    # ... said twice, not four times: tiny.en given Peng Gaofeng's names wrote "Le, Le,
    # Le, Le, three." over "Leo was three." (natural6's nf06), losing "was".
    plain = [seg(0.0, "Leo", "was", "three.")]
    second = [seg(0.0, "Le,", "Le,", "Le,", "Le,", "three.")]
    merged, changed = merge_names(plain, second, NAMES)
    assert merged[0].text == "Leo was three." and changed == 0


def test_a_name_read_back_after_a_sentence_replaces_nothing_and_is_not_taken():
    """natural10's officer: base, given the case's names, ended a window with "Hefei,"
    (probability 0.00) after "...had given blood years before.", where nothing more
    was said; it linked a place nobody named there. A name added after a full stop
    replaces no word heard and is not taken; one heard in place of words is."""
    plain = [seg(0.0, "He", "had", "given", "blood", "years", "before.")]
    second = [seg(0.0, "He", "had", "given", "blood", "years", "before.", "Guangzhou,")]
    merged, changed = merge_names(plain, second, NAMES)
    assert merged[0].text == "He had given blood years before." and changed == 0
    # Within a sentence an added name is taken, as before (Whisper had dropped it).
    plain = [seg(0.0, "We", "lived", "in", "for", "years.")]
    second = [seg(0.0, "We", "lived", "in", "Guangzhou", "for", "years.")]
    merged, changed = merge_names(plain, second, NAMES)
    assert merged[0].text == "We lived in Guangzhou for years." and changed == 1


def test_with_sure_a_name_over_words_whisper_heard_well_is_not_taken():
    """The own look (``archive.own_look``) merges with ``sure=heard_well``: told only one
    case's names, tiny.en wrote "Le Le" over "live" (0.87); over an unsure word it still
    takes the name ("They allowed" at 0.3 for "Lele loved")."""
    plain = [seg(0.0, "My", "mother", "came", "to", "live", "with", "us.")]
    plain[0].words[4].probability = 0.87
    second = [seg(0.0, "My", "mother", "came", "to", "Le", "Le", "with", "us.", step=0.4)]
    second[0].words[4].end = 1.95  # "Le Le" said over "live"
    second[0].words[5].start, second[0].words[5].end = 1.96, 2.1
    assert merge_names(plain, second, NAMES, sure=heard_well) == (plain, 0)
    merged, changed = merge_names(plain, second, NAMES)
    assert "Le Le" in merged[0].text and changed == 1
    plain[0].words[4].probability = 0.3
    merged, changed = merge_names(plain, second, NAMES, sure=heard_well)
    assert "Le Le" in merged[0].text and changed == 1


def test_a_word_whisper_made_up_is_not_heard_well_however_sure():
    """The names bench's en05: tiny.en wrote "Nairoyu" (1.00) for Xiaoyu, and the second
    look's "Xiaoyu" there must be taken: a word Whisper's vocabulary has no token for is
    no word heard well. A real word as sure ("messages", 0.98) is kept."""
    plain = [seg(0.0, "Nairoyu", "liked", "to", "sing.")]
    second = [seg(0.0, "Xiaoyu", "liked", "to", "sing.")]
    assert heard_well(plain[0].words[0]) is False
    merged, changed = merge_names(plain, second, [*NAMES, "Xiaoyu"], sure=heard_well)
    assert merged[0].text == "Xiaoyu liked to sing." and changed == 1
    plain = [seg(0.0, "answer", "the", "messages", "tonight.")]
    plain[0].words[2].probability = 0.98
    second = [seg(0.0, "answer", "the", "Liu", "Jingjun", "tonight.", step=0.4)]
    second[0].words[2].start, second[0].words[2].end = 0.8, 1.0
    second[0].words[3].start, second[0].words[3].end = 1.0, 1.2
    assert heard_well(plain[0].words[2]) is True
    assert merge_names(plain, second, NAMES, sure=heard_well) == (plain, 0)


def test_no_name_is_taken_into_a_line_whisper_looped_in():
    """base on the names bench's espeak-ng Mandarin (zh01): "女傲喊是" four times in one
    line and "梗" line after line. Its second look put 罗润 into both; no one said it."""
    names = ["罗润", "张浩然"]
    said = ["我承諾", "喊是", "女傲", "喊是", "女傲", "喊是", "女傲", "喊是", "女傲", "喊"]
    plain = [replace(seg(15.1, *said), text="".join(said))]  # as Whisper writes Mandarin
    second = [seg(15.1, "我承諾", "罗润", *said[2:])]
    merged, changed = merge_names(plain, second, names)
    assert changed == 0 and "罗润" not in merged[0].text
    lines = [seg(34.5 + k, "梗") for k in range(5)]
    with_name = [*lines[:4], seg(38.5, "梗", "罗润")]
    assert merge_names(lines, with_name, names)[1] == 0
    # Two lines that read the same are no loop: the name goes in.
    two = [seg(30.0, "我死了梗"), seg(31.5, "他", "喊", "了")]
    named = [seg(30.0, "我死了梗"), seg(31.5, "他", "罗润", "了")]
    merged, changed = merge_names(two, named, names)
    assert changed == 1 and "罗润" in merged[1].text


def test_a_name_after_a_quantity_is_its_unit_and_not_taken():
    """natural2's "One man asked for 8,000 you and before he would say anything"
    (yuan): the own look, given Deng Yuxuan's names, wrote "8,000 Yuxuan", and the
    linking tied it to him. After a number, the words are its unit; after a year, a
    name may come."""
    names = ["Deng Yuxuan", "Yuxuan"]
    plain = [seg(0.0, "asked", "for", "8", ",000", "you", "and", "before")]
    second = [seg(0.0, "asked", "for", "8", ",000", "Yuxuan", "before")]
    second[0].words[4].end = 2.35  # "Yuxuan" is said over "you and"
    merged, changed = merge_names(plain, second, names)
    assert merged[0].text == plain[0].text and changed == 0
    words = [seg(0.0, "asked", "for", "twenty", "you", "and")]
    said = [seg(0.0, "asked", "for", "twenty", "Yuxuan")]
    said[0].words[3].end = 1.95
    assert merge_names(words, said, names) == (words, 0)
    dated = [seg(0.0, "In", "2012", "you", "and", "was", "three.")]
    named = [seg(0.0, "In", "2012", "Yuxuan", "was", "three.")]
    named[0].words[2].end = 1.55
    merged, changed = merge_names(dated, named, names)
    assert merged[0].text == "In 2012 Yuxuan was three." and changed == 1
    # natural5's ne02: "...when I was 45. Zihan loved to draw horses": a number ends
    # the sentence, and the name after it starts the next.
    aged = [seg(0.0, "was", "45.", "Zann", "loved", "horses.")]
    drew = [seg(0.0, "was", "45.", "Zihan", "loved", "horses.")]
    merged, changed = merge_names(aged, drew, ["Huang Zihan", "Zihan"])
    assert merged[0].text == "was 45. Zihan loved horses." and changed == 1
