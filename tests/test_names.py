"""Name keys: folding, pinyin syllables, heteronym readings, sound keys."""

from __future__ import annotations

from tapelog.archive import names as N


def test_fold_and_tokens_ignore_case_tones_hyphens_and_punctuation():
    assert N.tokens("Liú Jing-jun, 刘晶军!") == ["liu", "jing", "jun", "刘", "晶", "军"]
    assert N.compact("LIU  Jing-Jun") == N.compact("liu jingjun") == "liujingjun"
    assert N.fold("Lü") == "lv"


def test_split_syllables_finds_pinyin_and_refuses_english():
    assert N.split_syllables("jingjun") == ("jing", "jun")
    assert N.split_syllables("anxin") == ("an", "xin")
    assert N.split_syllables("gaofeng") == ("gao", "feng")
    assert N.split_syllables("xian") == ("xian",)  # fewest syllables, not xi-an
    assert N.split_syllables("hello") is None
    assert N.split_syllables("") is None


def test_both_word_orders_give_the_same_keys():
    assert N.order_variants("Liu Jingjun") == N.order_variants("Jingjun Liu")
    assert N.name_parts("Luo An Xin") == (["luo"], ["an", "xin"])
    assert N.name_parts("Mr. Liu") == (["liu"], [])  # a title names no given name


def test_heteronym_surnames_give_every_reading():
    assert {"zeng", "ceng"} <= set(N.han_readings("曾"))
    assert {"shan", "dan"} <= set(N.han_readings("单"))
    seqs = N.syllables_of("曾晶军")
    assert ("zeng", "jing", "jun") in seqs and ("ceng", "jing", "jun") in seqs


def test_homophone_characters_share_syllables():
    assert N.syllables_of("刘晶军") == [("liu", "jing", "jun")]
    assert ("liu", "jing", "jun") in N.syllables_of("刘景军")  # 景 also reads ying


def test_sound_key_merges_mishearings_but_not_other_names():
    assert N.sound_key("Lou Run") == N.sound_key("Luo Run")
    assert N.sound_key("Zhang Wei") == N.sound_key("Zang Wei")
    assert N.sound_key("Liu Jianjun") != N.sound_key("Liu Jingjun")
    assert N.phon("jing") == N.phon("jin") and N.phon("jian") != N.phon("jing")
