"""A given name Whisper spelled right with its family name heard as English words
(``archive.given_heard``). The lines are tiny.en's own from the natural-voice sets, with
the probabilities it gave its words."""

from __future__ import annotations

from tests.test_name_heard import LUO, bench_index, line, suggested  # noqa: F401


def test_the_family_name_heard_as_words_before_a_given_name_spelled_right(bench_index):  # noqa: F811
    """natural14's "Now you will run phones his mother" (Luo Run, "you" 0.66): in an
    interview about Luo Run, the span links; out of one, nothing does."""
    said = [line(0.0, "Now you will run phones his mother on Sundays.", {"you": 0.66})]
    assert suggested(bench_index, said) == []
    assert suggested(bench_index, said, context=[LUO]) == [(0, LUO, "you will run")]
    # "Liu will run" (0.00 for "Liu"), and the given name first: "run the U" for Run Luo.
    said = [line(0.0, "His son, Liu will run as a student now.", {"Liu": 0.0}),
            line(3.0, "Now run the U of studies in a big city.", {"the": 0.44, "U": 0.57})]  # fmt: skip
    assert [m[:2] for m in suggested(bench_index, said, context=[LUO])] == [(0, LUO), (1, LUO)]


def test_sure_words_or_the_word_alone_said_as_a_word_do_not_link(bench_index):  # noqa: F811
    """Words Whisper was sure of are words, and the given name written as the word it
    is links alone only when Whisper was unsure of it ("When run came home", 0.29)."""
    sure = [line(0.0, "We will run posters in the paper."), line(3.0, "We run a shop.")]
    assert suggested(bench_index, sure, context=[LUO]) == []
    alone = [line(0.0, "When run came home, he did not know us.", {"run": 0.29})]
    assert suggested(bench_index, alone, context=[LUO]) == [(0, LUO, "run")]
    assert suggested(bench_index, alone) == []
