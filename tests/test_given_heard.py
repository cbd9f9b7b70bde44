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
    # The name said alone, as unsure as tiny.en was of it in the natural voice (natural26's
    # nz05: 0.58; the bench's 0.41-0.81), links; the verb within a sentence (0.72 at the
    # least of 42 said, bench/bench_lone_given.py) does not.
    later = [line(0.0, "Later run asked for his old name back.", {"run": 0.64})]
    assert suggested(bench_index, later, context=[LUO]) == [(0, LUO, "run")]
    verb = [line(0.0, "He saw the man run into the alley.", {"run": 0.72})]
    assert suggested(bench_index, verb, context=[LUO]) == []
    # ... or where the sentence says a name comes: natural12's nurse, "The boy they
    # brought and said his name was run." (0.92 for "run").
    cued = [line(0.0, "The boy they brought and said his name was run.", {"run": 0.92})]
    assert suggested(bench_index, cued, context=[LUO]) == [(0, LUO, "run")]
    assert suggested(bench_index, cued) == []
    sure = [line(0.0, "The boy they brought said he would run.", {"run": 0.92})]
    assert suggested(bench_index, sure, context=[LUO]) == []
    # ... or makes it the subject of a verb: natural20's nt02, "Now run is learning to
    # cook his mother's dishes." (0.83). A verb is not followed by "is"; a noun after
    # "the" or "to" is no name.
    subject = [line(0.0, "Now run is learning to cook his mother's dishes.", {"run": 0.83})]
    assert suggested(bench_index, subject, context=[LUO]) == [(0, LUO, "run")]
    assert suggested(bench_index, subject) == []
    nouns = [line(0.0, "The run was long, and to run is good for him.", {"run": 0.83})]
    assert suggested(bench_index, nouns, context=[LUO]) == []


def test_weak_signs_of_one_case_on_two_lines_tie_the_file(bench_index):  # noqa: F811
    """natural's na02: Luo Run heard as "You were run" and "the U will run", and nothing
    else tied the file; each sign alone is too weak, two lines of them tie it to him
    (``archive.named_weakly``), and then both link. One line of them does not."""
    said = [line(0.0, "You were run was three years old.", {"You": 0.52}),
            line(4.0, "We had come to find work.", {}),
            line(8.0, "Today, the U will run visits us every spring.", {"the": 0.11, "U": 0.32})]  # fmt: skip
    assert [m[:2] for m in suggested(bench_index, said)] == [(0, LUO), (2, LUO)]
    assert suggested(bench_index, said[:2]) == []
    # The same words three times are one sign, not three: over an hour of talk, a phrase
    # said often ("job in") sounded like a name on a 60-case sheet.
    same = [line(4.0 * k, "You were run was three years old.", {"You": 0.52}) for k in range(3)]
    assert suggested(bench_index, same) == []


def test_on_a_large_sheet_words_are_not_matched_by_sound_against_it(bench_index):  # noqa: F811
    """Against thousands of names, ordinary words sound like some name: on a sheet over
    ``SMALL_SHEET`` only spelled signs tie a file."""
    from tapelog.archive.linking import NameIndex

    from bench.bench_linking import generate_cases
    from tests.test_name_heard import bench_index_cases

    big = NameIndex(bench_index_cases() + generate_cases(300), [])
    said = [line(0.0, "You were run was three years old.", {"You": 0.52}),
            line(8.0, "Today, the U will run visits us every spring.", {"the": 0.11, "U": 0.32})]  # fmt: skip
    assert suggested(big, said) == []
    assert [m[:2] for m in suggested(big, said, context=[LUO])] == [(0, LUO), (1, LUO)]


def test_weak_signs_of_two_cases_as_often_tie_neither(bench_index):  # noqa: F811
    """Two cases with weak signs as often: which one the file is about is not known."""
    said = [line(0.0, "You were run was three years old.", {"You": 0.52}),
            line(8.0, "Today, the U will run visits us every spring.", {"the": 0.11, "U": 0.32}),
            line(12.0, "Later I met Jane Haoran at the station.", {"Jane": 0.3}),
            line(16.0, "Then Chang Haoran wrote to us.", {"Chang": 0.2})]  # fmt: skip
    assert [m[:2] for m in suggested(bench_index, said[:2])] == [(0, LUO), (1, LUO)]
    assert suggested(bench_index, said) == []


def test_a_pending_suggestion_reads_as_the_current_code_says(archive, media_dir) -> None:
    """A suggestion stored before ("sounds like Luorun", from an older version) reads
    "Luo Run" once `links suggest` finds it again, its review state kept."""
    from tapelog.archive import cases as C
    from tapelog.archive.models import Case

    from tests.test_link_words import put_transcript

    [res] = archive.import_paths([media_dir / "silence.wav"])
    C.upsert_case(archive, Case(case_id=LUO, child_name="Luo Run"))
    said = [line(0.0, "Now you will run phones his mother.", {"you": 0.66})]
    put_transcript(archive, res.id, said)
    from tapelog.archive.tags import add_tag

    add_tag(archive, res.id, 0.0, 1.0, cases=[LUO])
    [link] = C.suggest_links(archive)
    assert (link.mention, link.matched, link.by_sound) == ("you will run", "Luo Run", True)
    table = archive.store.table("links")
    with archive.store.transaction():
        table.update({"matched": "Luorun"}, doc_ids=[table.all()[0].doc_id])
    [again] = C.suggest_links(archive)
    assert again.link_id == link.link_id and again.matched == "Luo Run"


def test_a_given_name_spelled_right_and_its_names_heard_as_words_tie_the_file(bench_index):  # noqa: F811
    """natural8's nh04: "Mingxuan" written once (0.14); nothing else tied the file. The
    spelled name points at one case, and that case's names are compared by sound as a
    tied file's are: a line where his father's name was heard as words ties it, and
    both link. Neither line alone does; nor do the same words with no name spelled
    (against the whole sheet only names of six sounds or more are compared).

    nh04's own second line, "Now y'all make sure it" (for Zhao Mingxuan), tied it once
    only because "Now y'all" sounded like Anhui, the province after "Hefei, Anhui" on
    the sheet: a sign that named the right case by chance. A case's place is now its
    city (``names.place_name``; "one in" sounded like Henan and linked a line that named
    nobody), and that line is no sign."""
    zhao = "B-2008-HF-006"
    spelled = line(0.0, "Friends call him Mingxuan.", {"Mingxuan": 0.14})
    heard = line(4.0, "His father Joe Dewey drove the truck.", {"Joe": 0.31, "Dewey": 0.42})
    talk = line(8.0, "We had come to find work.")
    assert [m[:2] for m in suggested(bench_index, [spelled, talk, heard])] == [(0, zhao), (2, zhao)]
    assert suggested(bench_index, [spelled, talk]) == []
    assert suggested(bench_index, [talk, heard]) == []
    province = line(4.0, "Now y'all make sure it helps other families.",
                    {"y'all": 0.13, "make": 0.19, "sure": 0.49})  # fmt: skip
    assert suggested(bench_index, [spelled, talk, province]) == []


def test_weak_signs_on_two_lines_tie_a_second_case_from_unsure_words(bench_index):  # noqa: F811
    """natural12's nurse names Wang Xiaoyu once, spelled, and Luo Run's family only as
    "you'll run" and "His father, Leo, and then" (Luo An Xin). The file is tied to
    Wang Xiaoyu; Luo Run's signs on two lines tie it to him too, and both link. Words
    Whisper was sure of are no sign for a second case, even a word it made up or
    capitalised ("on a Sunday afternoon" sounded like a generated case's name)."""
    wang = "B-2015-KM-005"
    said = [line(0.0, "I remember the search for Wang Xiaoyu.", {}),
            line(4.0, "Later we learned he was the you'll run from the bus station case.",
                 {"you'll": 0.42}),
            line(9.0, "His father, Leo, and then came the same night.",
                 {"Leo": 0.49, "then": 0.39})]  # fmt: skip
    assert [m[:2] for m in suggested(bench_index, said)] == [(0, wang), (1, LUO), (2, LUO)]
    assert [m[:2] for m in suggested(bench_index, said[:2])] == [(0, wang)]
    sure = [*said[:2], line(9.0, "His father, Lowanshin, came the same night.")]
    assert [m[:2] for m in suggested(bench_index, sure)] == [(0, wang)]
