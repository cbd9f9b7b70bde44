"""A family name said alone or after a title, in an interview about that family's case
(``archive.family_alone``). The lines are tiny.en's own from natural22, with the
probabilities it gave its words."""

from __future__ import annotations

from tests.test_name_heard import bench_index, line, suggested  # noqa: F401

PENG = "C-2009-GD-003"  # Le Le; his father Peng Gaofeng
WANG = "B-2015-KM-005"  # Wang Xiaoyu; her mother Wang Hongmei
ZHANG = "B-2012-ZZ-004"  # Zhang Haoran
ZHANG_DECOY = "D-2012-XA-103"  # Zhang Haoyang, the decoy


def test_a_family_name_alone_or_titled_links_in_a_file_about_that_family(bench_index):  # noqa: F811
    """nv06: "Since then, Peng has met hundreds of families." (Peng 0.02); nv01: "Mrs.
    Wang keeps her room as it was." Each links in a file about that case, and only
    there: a family name alone names thousands of people."""
    peng = [line(0.0, "Since then, Peng has met hundreds of families.", {"Peng": 0.02})]
    assert suggested(bench_index, peng) == []
    assert suggested(bench_index, peng, context=[PENG]) == [(0, PENG, "Peng")]
    wang = [line(0.0, "Mrs. Wang keeps her room as it was.")]
    assert suggested(bench_index, wang) == []
    assert suggested(bench_index, wang, context=[WANG]) == [(0, WANG, "Mrs. Wang")]
    # The file about another family: Wang is not its name.
    assert suggested(bench_index, wang, context=[PENG]) == []


def test_a_family_name_two_cases_of_the_file_share_links_neither(bench_index):  # noqa: F811
    """A volunteer's interview about two Zhang families: "Mr. Zhang" could be either."""
    said = [line(0.0, "Mr. Zhang drove us to the station.")]
    assert suggested(bench_index, said, context=[ZHANG]) == [(0, ZHANG, "Mr. Zhang")]
    assert suggested(bench_index, said, context=[ZHANG, ZHANG_DECOY]) == []


def test_a_longer_name_or_a_family_name_that_is_an_english_word_does_not(bench_index):  # noqa: F811
    """A man called "Wang Li" is someone else; "Le" (Le Le's doubled given name) is no family name;
    a family name that is an English word needs a title."""
    other = [line(0.0, "Then Wang Li from the village called us.")]
    assert suggested(bench_index, other, context=[WANG]) == []
    doubled = [line(0.0, "In Le Havre we met the others.")]
    assert suggested(bench_index, doubled, context=[PENG]) == []


def test_a_family_name_in_a_line_naming_another_case_does_not_link(bench_index):  # noqa: F811
    """natural10's reporter, about several families: "Her daughter, Zhang was taken in
    Nanning." tiny.en wrote "Zhang" for Zihan; Nanning is Huang Zihan's place, so the
    line is about her, not Zhang Haoran's family."""
    said = [line(0.0, "Her daughter, Zhang was taken in Nanning.")]
    nanning = "B-2011-NN-007"
    assert suggested(bench_index, said, context=[ZHANG, nanning]) == [(0, nanning, "Nanning")]
    # The same words without the other case's place: Zhang's family.
    alone = [line(0.0, "Her daughter, Zhang was taken that day.")]
    assert suggested(bench_index, alone, context=[ZHANG, nanning]) == [(0, ZHANG, "Zhang")]


def test_a_family_name_said_as_an_english_word_needs_a_title(bench_index):  # noqa: F811
    """natural27's na02, about the Wangs and the Zhangs: the second look wrote "Wang (0.00)
    man asked for 8,000 yuan" for "One man asked". Said like "one", Wang alone is as
    weak as a family name spelled like an English word; "Mrs. Wang" still links."""
    said = [line(0.0, "Wang man asked for 8,000 you and before he would say anything.",
                 {"Wang": 0.0})]  # fmt: skip
    assert suggested(bench_index, said, context=[WANG, ZHANG]) == []
    titled = [line(0.0, "Mrs. Wang asked for nothing.")]
    assert suggested(bench_index, titled, context=[WANG, ZHANG]) == [(0, WANG, "Mrs. Wang")]
