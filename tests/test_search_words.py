"""Search as an editor types it: numbers as words or digits, hits on the words, pinyin.

Real SQLite FTS5 indexes in temp dirs; the lines and word timings are the shapes
Whisper writes (a leading space on each word, punctuation on the word before it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive.errors import UsageError
from tapelog.archive.index import IndexRow, SearchIndex
from tapelog.archive.searchtext import analyse, pinyin_query, split_pinyin, terms
from tapelog.transcribe.types import Word


def words_of(text: str, start: float, step: float = 0.4) -> list[Word]:
    """Whisper-like words: each word ``step`` seconds long, one after the other."""
    out = []
    for i, w in enumerate(text.split()):
        out.append(Word(start + i * step, start + (i + 1) * step - 0.05, (" " if i else "") + w))
    return out


LINES = [
    "He asked us for 50,000 yuan, then he hung up.",
    "It was 10:30 in the morning when we got to the station.",
    "On April 11 the police finally came.",
    "That was in 2010, the year everything changed.",
    "He said he would pay two thousand ten yuan for the boy.",
    "I remember ten thirty exactly, the bus left late.",
    "We printed ten thousand leaflets and gave them out.",
    "I came to grab my son from the school gate that day.",
]


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path)
    rows = [
        IndexRow("m1", i, 10.0 * i, 10.0 * i + 8, "CH1", "en", t, words_of(t, 10.0 * i))
        for i, t in enumerate(LINES)
    ]
    ix.replace_media("m1", "s1", rows)
    yield ix
    ix.close()


@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("fifty thousand yuan", 0),
        ("50,000 yuan", 0),
        ("50000", 0),
        ("ten thirty in the morning", 1),
        ("April eleventh", 2),
        ("April 11th", 2),
        ("in twenty ten", 3),
        ("two thousand ten", 3),
        ("2010 yuan", 4),  # the line says "two thousand ten yuan"
        ("10:30 exactly", 5),  # the line says "ten thirty exactly"
        ("10,000 leaflets", 6),
    ],
)
@pytest.mark.parametrize("fuzzy", [False, True])
def test_numbers_and_words_find_each_other(
    index: SearchIndex, query: str, line: int, fuzzy: bool
) -> None:
    search = index.search_fuzzy if fuzzy else index.search_exact
    hits = search(query, limit=5)
    assert hits and hits[0].seg_index == line, [(h.seg_index, h.text) for h in hits]


def test_a_hit_carries_the_times_and_text_of_the_matched_words(index: SearchIndex) -> None:
    [hit] = index.search_exact("grab my son")
    words = words_of(LINES[7], 70.0)
    assert hit.match.timed
    assert hit.match.start == pytest.approx(words[3].start, abs=0.01)  # "grab" is word 4
    assert hit.match.end == pytest.approx(words[5].end, abs=0.01)
    assert hit.text[hit.match.lo : hit.match.hi] == "grab my son"
    assert hit.start == 70.0  # the line's own bounds are kept too
    # Spoken numbers map back to the digits as written, and their words' times.
    [hit] = index.search_exact("fifty thousand yuan")
    assert hit.text[hit.match.lo : hit.match.hi] == "50,000 yuan,"[:11]
    assert hit.match.start == pytest.approx(words_of(LINES[0], 0.0)[4].start, abs=0.01)


def test_a_fuzzy_hit_is_placed_on_the_misspelt_words(index: SearchIndex) -> None:
    hits = index.search_fuzzy("grab my sonn")
    assert hits[0].seg_index == 7
    assert hits[0].text[hits[0].match.lo : hits[0].match.hi] == "grab my son"
    assert hits[0].match.start == pytest.approx(71.2, abs=0.01)


def test_lines_without_word_times_keep_the_line_bounds(tmp_path: Path) -> None:
    """Archives transcribed before word timestamps: the line's bounds, said plainly."""
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", [IndexRow("m1", 0, 5.0, 9.0, None, "en", LINES[7])])
    [hit] = ix.search_exact("grab my son")
    assert (hit.match.start, hit.match.end, hit.match.timed) == (5.0, 9.0, False)
    assert hit.text[hit.match.lo : hit.match.hi] == "grab my son"  # still highlighted
    # Words that do not spell the line (a hand-edited file) give no timing, not a wrong one.
    bad = words_of("something else entirely said here", 5.0)
    ix.replace_media("m1", "s2", [IndexRow("m1", 0, 5.0, 9.0, None, "en", LINES[7], bad)])
    [hit] = ix.search_exact("grab my son")
    assert not hit.match.timed and hit.match.start == 5.0
    ix.close()


@pytest.mark.parametrize("query", ['"', "***", "?!.,;:", "", "   ", "—…“”", "()[]{}"])
def test_queries_with_no_words_are_a_usage_error(index: SearchIndex, query: str) -> None:
    with pytest.raises(UsageError, match="no words"):
        index.search_exact(query)
    with pytest.raises(UsageError, match="no words"):
        index.search_fuzzy(query)


@pytest.mark.parametrize(
    "query",
    [
        'police" OR "a',
        "police*",
        "NEAR(police came)",
        "police AND came",
        "police NOT came",
        "{text}: police",
        "^police",
        "police came -- ;DROP TABLE segments",
    ],
)
def test_fts_and_regex_syntax_is_read_as_words(index: SearchIndex, query: str) -> None:
    for search in (index.search_exact, index.search_fuzzy):
        search(query)  # never an SQLite syntax error
    assert index.count() == len(LINES)


def test_digits_only_long_and_mixed_script_queries(index: SearchIndex) -> None:
    assert [h.seg_index for h in index.search_exact("2010")] == [3, 4]
    assert index.search_exact("11")[0].seg_index == 2
    long = "the police finally came " * 2500  # 10,000 characters and more
    assert len(long) > 10_000
    index.search_exact(long)  # only the first words count; no error, no hang
    index.search_fuzzy(long)
    assert index.search_exact("police 晶军 came") == []


def test_analyse_keeps_where_each_term_came_from() -> None:
    text = "He asked for 50,000 yuan at 10:30am on April 11th."
    got = [(t.text, text[t.lo : t.hi]) for t in analyse(text)]
    assert ("50000", "50,000") in got and ("11", "11th") in got
    assert ("30", "30am") in got and ("am", "30am") in got
    assert terms("nineteen ninety five") == ["1995"]
    assert terms("ten thirty") == ["10", "30"]  # a time, not the year 1030
    assert terms("I was ten. Thirty years later")[2:4] == ["10", "30"]
    assert terms("Zoë’s café") == ["zoes", "cafe"]
    assert terms("刘晶军") == ["刘", "晶", "军"]


# -- Chinese ------------------------------------------------------------------------


@pytest.fixture
def zh_index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path)
    lines = ["天地玄皇，宇宙洪荒。", "天地玄黄，宇宙洪荒。", "我的儿子刘晶军在太原被人拐走了。"]
    rows = [IndexRow("z1", i, 5.0 * i, 5.0 * i + 4, None, "zh", t) for i, t in enumerate(lines)]
    ix.replace_media("z1", "s1", rows)
    yield ix
    ix.close()


def test_homophones_are_found_below_the_exact_characters(zh_index: SearchIndex) -> None:
    hits = zh_index.search_exact("玄黄")
    assert [h.seg_index for h in hits] == [1, 0]  # exact first, then the homophone
    assert hits[0].score > hits[1].score
    assert hits[1].text[hits[1].match.lo : hits[1].match.hi] == "玄皇"


@pytest.mark.parametrize("query", ["xuan huang", "xuánhuáng", "xuan2 huang2", "Xuan Huang"])
def test_pinyin_with_or_without_tones_finds_characters(zh_index: SearchIndex, query) -> None:
    assert {h.seg_index for h in zh_index.search_exact(query)} == {0, 1}


def test_a_romanised_name_finds_it_in_characters(zh_index: SearchIndex) -> None:
    for query in ("Jingjun", "Liu Jingjun", "jing jun"):
        [hit] = zh_index.search_exact(query)
        assert "晶军" in hit.text[hit.match.lo : hit.match.hi]
    assert zh_index.search_fuzzy("Jingjun")[0].seg_index == 2


def test_pinyin_reading_of_queries() -> None:
    assert split_pinyin("jingjun") == ["jing", "jun"]
    assert split_pinyin("street") is None
    assert pinyin_query("the street") is None
    assert pinyin_query("he") is None  # one syllable: an English word far more often
    assert pinyin_query("玄黄") == ["xuan", "huang"]
    assert pinyin_query("jīng jūn") == ["jing", "jun"]


def test_characters_pypinyin_does_not_know_are_kept_as_they_are(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", [IndexRow("m1", 0, 0.0, 1.0, None, "zh", "他说𤣽字")])
    assert [h.seg_index for h in ix.search_exact("𤣽")] == [0]
    assert [h.seg_index for h in ix.search_fuzzy("𤣽字")] == [0]
    ix.close()


# -- Chinese numerals and "oh" --------------------------------------------------------


def test_chinese_numerals_and_digits_are_the_same_terms() -> None:
    assert terms("五万") == terms("5万") == terms("50,000") == terms("fifty thousand") == ["50000"]
    assert terms("一九九五年") == ["1995", "年"] and terms("1995") == ["1995"]
    assert terms("两千") == ["2000"] and terms("二十三") == ["23"]
    assert terms("一个人") == ["一", "个", "人"]  # a lone 一 is "a", not a number
    assert terms("千万不要") == ["千", "万", "不", "要"]  # "by all means", not 10,000,000
    text = "他们要五万块钱"
    [num] = [t for t in analyse(text, "zh") if t.text == "50000"]
    assert text[num.lo : num.hi] == "五万"  # highlighted and timed as written


def test_oh_between_numbers_is_a_zero() -> None:
    assert terms("ten oh five") == terms("10:05") == ["10", "05"]
    assert terms("nineteen oh five") == terms("1905") == ["1905"]
    assert terms("at ten o five") == ["at", "10", "05"]
    assert terms("oh I see") == ["oh", "i", "see"]  # not a number
    assert terms("oh five of them") == ["oh", "5", "of", "them"]  # no number before it


def test_chinese_numerals_find_digits_and_words_across_languages(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("z1", "s1", [IndexRow("z1", 0, 0.0, 4.0, None, "zh", "他们要五万块钱。")])
    ix.replace_media(
        "m1", "s1", [IndexRow("m1", 0, 0.0, 4.0, None, "en", "He asked for 50,000 yuan.")]
    )
    for query in ("五万", "fifty thousand", "50,000"):
        found = {h.media_id for h in ix.search_exact(query)}
        assert found == {"z1", "m1"}, query
    [hit] = ix.search_exact("五万块", limit=5)
    assert hit.media_id == "z1" and hit.text[hit.match.lo : hit.match.hi] == "五万块"
    ix.close()
