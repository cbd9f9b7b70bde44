"""The interview's own names, line by line (archive.own_look): which lines are decoded
again, and what the real tiny.en writes there given only the interview's case names."""

from __future__ import annotations

from pathlib import Path

from tapelog.transcribe.types import Segment, Word

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


def _line(words: list[tuple[str, float, float, float]]) -> Segment:
    ws = [Word(start=a, end=b, word=" " + w, probability=p) for w, a, b, p in words]
    return Segment(ws[0].start, ws[-1].end, "".join(w.word for w in ws).strip(), ws)


def test_only_unsure_lines_outside_the_closer_look_and_the_names_found_are_decoded():
    from tapelog.archive.own_look import MINP, own_lines

    sure = _line([("We", 0.0, 0.2, 0.99), ("went", 0.2, 0.5, 0.95), ("home.", 0.5, 0.9, 0.9)])
    unsure = _line([("They", 2.0, 2.2, 0.31), ("allowed", 2.2, 2.6, 0.29), ("toys.", 2.6, 3.0, 1)])
    looked = _line([("Lill", 4.0, 4.3, 0.39), ("was", 4.3, 4.5, 0.97), ("taken.", 4.5, 5.0, 1)])
    named = _line([("Peng", 6.0, 6.3, 0.2), ("Gaofeng.", 6.3, 6.9, 0.3)])
    beside = _line([("Peng", 8.0, 8.3, 0.2), ("Gaofeng", 8.3, 8.9, 0.3), ("waits.", 8.9, 9.2, 0.5)])
    just = _line([("Leo", 10.0, 10.3, MINP - 0.03), ("was", 10.3, 10.5, 0.95)])
    lines = own_lines(
        [sure, unsure, looked, named, beside, just],
        found=[(6.0, 6.9), (8.0, 8.9)],
        looked=[(3.9, 5.1)],
    )
    # Not the sure line, nor the one base looked at, nor a name found (with a word
    # beside it); the unsure line and one just under MINP are.
    assert [(s.start, s.end) for s in lines] == [(2.0, 3.0), (10.0, 10.5)]


def test_a_parents_name_heard_as_english_words_is_written_given_the_own_names(tmp_path):
    """natural12's mother (a natural voice): "My husband is Liu Zhiqiang." came out of
    every look as "My husband is living -shaking." Her son's name, strongly heard
    elsewhere, ties the file to his case; tiny.en, given only that case's names for
    the line, writes her husband's, and the link follows. The real model, the real
    audio; the sheet holds Liu Jianjun, a case one syllable away, which stays unlinked."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.own_look import look_at_own_names
    from tapelog.archive.service import Archive
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    folder = DATA / "names_natural12"
    archive = Archive.open(tmp_path / "a")
    try:
        C.import_records(archive, folder / "cases.csv", "cases")
        [res] = archive.import_paths([folder / "nl06_liu.ogg"])
        husband = _line([("My", 0.62, 0.82, 0.58), ("husband", 0.82, 1.22, 0.99),
                         ("is", 1.22, 1.47, 0.98), ("living", 1.47, 1.73, 0.24),
                         ("-shaking.", 1.73, 2.13, 0.43)])  # fmt: skip
        son = _line([("Our", 20.37, 20.55, 0.9), ("son", 20.55, 20.79, 0.9),
                     ("Liu", 20.79, 20.99, 0.9), ("Jingjun", 20.99, 21.35, 0.9),
                     ("was", 21.53, 21.63, 0.9), ("born", 21.63, 21.83, 0.9),
                     ("in", 21.83, 22.01, 0.9), ("the", 22.01, 22.21, 0.9),
                     ("spring.", 22.21, 22.57, 0.9)])  # fmt: skip
        segments = [husband, son]
        index = C.name_index(archive)
        before = find_mentions(index, segments)
        assert [m.target_id for m in before] == ["C-2010-TY-001"]  # the son only
        audio = load_audio(folder / "nl06_liu.ogg")
        options = TranscribeOptions(model="tiny.en", language="en")
        merged, look = look_at_own_names(
            archive, res.id, segments, audio, get_engine(options), options
        )
        assert look is not None
        assert look.names[:2] == ["Liu Jingjun", "Jingjun"] and "Liu Zhiqiang" in look.names
        assert look.lines == [(0.62, 2.13)]  # the son's line was sure: not decoded
        assert "Liu Zhiqiang" in merged[0].text and merged[1].text == son.text
        after = find_mentions(index, merged)
        assert [(m.target_id, m.mention) for m in after if m.start < 10] == [
            ("C-2010-TY-001", "Liu Zhiqiang")
        ]
        assert all(m.target_id == "C-2010-TY-001" for m in after)
    finally:
        archive.close()


def test_a_file_tied_to_no_case_gets_the_names_its_weak_signs_point_at(tmp_path):
    """natural24's nx01 (a natural voice, a file tied to nothing): "Hongmei still walks
    to the market" came out as "Homme still walks", and the only name spelled was
    "Xiaoyu", one syllable from another child's (Wang Xiaoyun, on the sheet): too weak
    to link alone. Its case is the one the weak signs point at; given that case's
    names, tiny.en writes "Hongmei", and the two weak signs tie the file."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions, weak_leads
    from tapelog.archive.own_look import look_at_own_names
    from tapelog.archive.service import Archive
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    folder = DATA / "names_natural24"
    archive = Archive.open(tmp_path / "a")
    try:
        C.import_records(archive, folder / "cases.csv", "cases")
        [res] = archive.import_paths([folder / "nx01_hongmei.ogg"])
        market = _line([("Homme", 0.24, 0.96, 0.68), ("still", 0.96, 1.24, 0.84),
                        ("walks", 1.24, 1.5, 0.99), ("to", 1.5, 1.66, 0.98),
                        ("the", 1.66, 1.84, 1.0), ("market", 1.84, 2.1, 0.99),
                        ("every", 2.1, 2.46, 1.0), ("Sunday.", 2.46, 2.82, 0.99)])  # fmt: skip
        fruit = _line([("She", 23.82, 24.06, 0.99), ("asks", 24.06, 24.4, 0.77),
                       ("the", 24.4, 24.6, 1.0), ("fruit", 24.6, 24.86, 0.69),
                       ("sellers", 24.86, 25.1, 0.83), ("if", 25.1, 25.32, 0.99),
                       ("they", 25.32, 25.54, 1.0), ("remember", 25.54, 25.84, 0.73),
                       ("Xiaoyu.", 25.86, 27.08, 0.24)])  # fmt: skip
        segments = [market, fruit]
        index = C.name_index(archive)
        assert find_mentions(index, segments) == []  # "Xiaoyu" alone: crowded
        assert weak_leads(index, segments)[:1] == ["B-2015-KM-005"]
        audio = load_audio(folder / "nx01_hongmei.ogg")
        options = TranscribeOptions(model="tiny.en", language="en")
        merged, look = look_at_own_names(
            archive, res.id, segments, audio, get_engine(options), options
        )
        assert look is not None and look.led
        assert look.to_dict()["led"] is True
        assert look.names[:2] == ["Wang Xiaoyu", "Xiaoyu"] and "Wang Hongmei" in look.names
        assert merged[0].text.startswith("Hongmei still walks")
        after = find_mentions(index, merged)
        assert [(m.target_id, m.mention) for m in after] == [
            ("B-2015-KM-005", "Hongmei"),
            ("B-2015-KM-005", "Xiaoyu"),
        ]
    finally:
        archive.close()


def test_a_file_with_no_sign_of_a_case_is_not_looked_at(tmp_path):
    """Given the names of a case chosen by the sound of a line, tiny.en wrote as many
    wrong names as right ones: with no case the transcript names, even weakly, nothing
    is decoded."""
    from tapelog.archive import cases as C
    from tapelog.archive.own_look import look_at_own_names
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import TranscribeOptions

    folder = DATA / "names_natural12"
    archive = Archive.open(tmp_path / "a")
    try:
        C.import_records(archive, folder / "cases.csv", "cases")
        [res] = archive.import_paths([folder / "nl06_liu.ogg"])
        husband = _line([("My", 0.62, 0.82, 0.58), ("husband", 0.82, 1.22, 0.99),
                         ("is", 1.22, 1.47, 0.98), ("living", 1.47, 1.73, 0.24),
                         ("-shaking.", 1.73, 2.13, 0.43)])  # fmt: skip

        class Deaf:
            def transcribe(self, *args, **kwargs):
                raise AssertionError("nothing is to be decoded")

        options = TranscribeOptions(model="tiny.en", language="en")
        merged, look = look_at_own_names(
            archive,
            res.id,
            [husband],
            None,
            Deaf(),
            options,  # type: ignore[arg-type]
        )
        assert look is None and merged == [husband]
    finally:
        archive.close()


def test_a_trimmed_window_is_encoded_for_its_sound_and_ten_seconds_more():
    """The own look decodes one short line at a time; Whisper pads each to 30 s and the
    encoder was most of its cost. Within ``trimmed`` the real tiny.en encoder is given
    the line's sound and TRIM_PAD_FRAMES after it; outside, the whole window."""
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions
    from tapelog.transcribe.windows import TRIM_PAD_FRAMES

    options = TranscribeOptions(model="tiny.en", language="en", vad=False, word_timestamps=True)
    engine = get_engine(options)
    audio = load_audio(DATA / "names_natural12" / "nl06_liu.ogg")
    clip = audio[int(0.37 * 16000) : int(2.38 * 16000)]  # "My husband is ..."
    seen: list[int] = []
    real = engine.watch._encode

    def encode(features):
        seen.append(features.shape[-1])
        return real(features)

    engine.watch._encode = encode
    try:
        _info, plain = engine.transcribe(clip, options)
        plain = list(plain)
        with engine.watch.trimmed():
            _info, short = engine.transcribe(clip, options)
            short = list(short)
    finally:
        engine.watch._encode = real
    assert seen[0] == 3000
    assert 200 + TRIM_PAD_FRAMES <= seen[1] <= 202 + TRIM_PAD_FRAMES + 2

    # The words, and their times, as the whole window gives them (but for a capital or a
    # stop: on one AMD EPYC the trimmed window wrote "my ... king", the whole "My ... king.").
    def folded(segs):
        return [w.word.strip(" .,?!").lower() for s in segs for w in s.words]

    assert folded(short) == folded(plain)
    short_words = [w for s in short for w in s.words]
    plain_words = [w for s in plain for w in s.words]
    assert all(abs(a.start - b.start) < 0.15 for a, b in zip(short_words, plain_words, strict=True))


def test_what_the_decode_wrote_in_a_lines_padding_is_not_offered():
    """en04 (espeak-ng): given Zhang Haoran's case's names, tiny.en wrote "Zhang" in the
    quarter second before a line ("And journalist wrote ..."), and the merge put it in
    front of the line. Only the words heard within the line are offered."""
    from tapelog.archive.closer_look import Stretch
    from tapelog.archive.own_look import _within

    got = [_line([("Zhang", 33.6, 33.8, 0.3), ("And", 33.85, 33.85, 0.9),
                  ("journalist", 33.85, 34.17, 0.9), ("Haoran", 38.2, 38.5, 0.4)])]  # fmt: skip
    [kept] = _within(got, Stretch(33.85, 38.23, "unsure word"))
    assert [w.word.strip() for w in kept.words] == ["And", "journalist"]
    assert (kept.start, kept.end, kept.text) == (33.85, 34.17, "And journalist")
    assert _within(got, Stretch(40.0, 41.0, "unsure word")) == []


def test_a_line_with_broken_times_is_not_decoded():
    """An imported archive's transcript may hold any times (its names pass runs with
    `transcribe --names-again`): NaN, negative, reversed, a line longer than a window.
    Such a line is not cut into a clip; the others are."""
    import math

    from tapelog.archive.own_look import own_lines

    def unsure(start: float, end: float) -> Segment:
        return _line(
            [("They", start, (start + end) / 2, 0.3), ("allowed", (start + end) / 2, end, 0.3)]
        )

    good = unsure(40.0, 41.0)
    broken = [unsure(0.0, 1.0), unsure(2.0, 3.0), unsure(4.0, 5.0), unsure(6.0, 39.0)]
    broken[0].words[0].start = math.nan
    broken[1].words[0].start = -3.0
    broken[2].words[1].end = 4.1  # ends before it starts
    lines = own_lines([*broken, good], found=[])
    assert [(s.start, s.end) for s in lines] == [(40.0, 41.0)]


def test_within_its_budget_the_least_sure_lines_are_decoded_first():
    """On an espeak-ng voice nearly every line has an unsure word: the look decodes at
    most MAX_SHARE of the file, its least sure lines first, in time order."""
    from tapelog.archive.closer_look import PAD_S
    from tapelog.archive.own_look import own_lines

    def line(start: float, prob: float) -> Segment:
        return _line([("Some", start, start + 1, prob), ("words.", start + 1, start + 2, 0.9)])

    lines = [line(0.0, 0.7), line(5.0, 0.1), line(10.0, 0.5), line(15.0, 0.3)]
    two = 2 * (2.0 + 2 * PAD_S)  # room for two lines and their padding
    chosen = own_lines(lines, found=[], budget_s=two)
    assert [s.start for s in chosen] == [5.0, 15.0]
    assert [s.start for s in own_lines(lines, found=[], budget_s=0.1)] == [5.0]  # one, at least
    assert len(own_lines(lines, found=[])) == 4


def test_lines_base_decoded_without_a_name_get_a_budget_of_their_own():
    """A line base's closer look decoded and wrote no name in is decoded again, in its
    own budget (TRIED_SHARE): tiny.en given such a line alone and its case's names
    wrote 10 of 12 names missed there. A line where base wrote a name stays as base
    wrote it, and the other lines keep their budget: in one budget with them, a long
    stretch base had tried took natural2's nb03's and lost "Lele"."""
    from tapelog.archive.closer_look import PAD_S
    from tapelog.archive.own_look import MAX_SHARE, TRIED_SHARE, lines_to_look_at

    def line(start: float, length: float, prob: float) -> Segment:
        return _line([("Some", start, start + 1, prob), ("words.", start + 1, start + length, 0.9)])

    seconds = 100.0
    share = MAX_SHARE * seconds  # room in the main budget for the unsure line alone
    fresh = line(0.0, share - 2 * PAD_S, 0.5)
    tried = line(30.0, 4.0, 0.1)  # base decoded it and wrote no name: the least sure
    named = _line([("Luo", 50.0, 50.4, 0.9), ("Run", 50.4, 50.8, 0.9),
                   ("was", 50.8, 51.0, 0.3), ("found.", 51.0, 51.5, 0.9)])  # fmt: skip
    too_long = line(70.0, TRIED_SHARE * seconds, 0.2)  # base tried it; past its budget
    chosen = lines_to_look_at(
        [fresh, tried, named, too_long],
        found=[(50.0, 50.8)],
        looked=[(29.0, 35.0), (49.0, 52.0), (69.0, 81.0)],
        seconds=seconds,
    )
    assert [s.start for s in chosen] == [0.0, 30.0]
    # As in the main budget, the least sure line is decoded however short the file.
    assert [s.start for s in lines_to_look_at([tried], [], [(29.0, 35.0)], 0.0)] == [30.0]
    assert lines_to_look_at([named], [(50.0, 50.8)], [(49.0, 52.0)], seconds) == []


def test_a_units_doubt_and_an_abbreviations_spend_no_budget():
    """natural26's nz04 (tied to Huang Zihan's case) spent its budget on "It costs
    about 120 you and each time" (yuan: a unit, where the merge takes no name) and "for
    a DNA test" (0.17), not on "Where is the hand now" (Zihan, 0.41)."""
    from tapelog.archive.closer_look import PAD_S
    from tapelog.archive.own_look import own_lines

    where = _line([("Where", 0.2, 0.5, 0.41), ("is", 0.5, 0.7, 0.6), ("the", 0.7, 0.9, 0.83),
                   ("hand", 0.9, 1.2, 0.85), ("now.", 1.2, 1.6, 0.95)])  # fmt: skip
    costs = _line([("It", 19.7, 19.9, 0.99), ("costs", 19.9, 20.2, 0.91),
                   ("about", 20.2, 20.5, 0.99), ("120", 20.5, 21.0, 0.81),
                   ("you", 21.0, 21.2, 0.31), ("and", 21.2, 21.4, 0.46),
                   ("each", 21.4, 21.6, 1.0), ("time.", 21.6, 22.0, 1.0)])  # fmt: skip
    dna = _line([("She", 45.1, 45.3, 0.99), ("went", 45.3, 45.6, 1.0), ("for", 45.6, 45.8, 0.98),
                 ("a", 45.8, 45.9, 0.99), ("DNA", 45.9, 46.4, 0.17),
                 ("test.", 46.4, 46.8, 1.0)])  # fmt: skip
    budget = 2.0 + 2 * PAD_S  # room for one short line
    assert [s.start for s in own_lines([where, costs, dna], found=[], budget_s=budget)] == [0.2]
    # Nothing else unsure in them: not looked at, whatever the budget.
    assert [s.start for s in own_lines([where, costs, dna], found=[])] == [0.2]
    # A year is no quantity: what follows it may be a name ("In 2012 Yuxuan was three").
    year = _line([("In", 60.0, 60.2, 0.99), ("2012", 60.2, 60.8, 0.95),
                  ("you", 60.8, 61.0, 0.3), ("soon", 61.0, 61.3, 0.4),
                  ("was", 61.3, 61.5, 0.99), ("three.", 61.5, 61.9, 0.99)])  # fmt: skip
    assert [s.start for s in own_lines([year], found=[])] == [60.0]


def test_lines_written_back_to_back_are_looked_at_a_few_at_a_time():
    """natural20's nt01: tiny.en wrote the whole file as fourteen lines of 5-7 s with no
    pause between them, glued into one 79 s "utterance" no look could decode, so
    "I'm Hane, as I always use mother" (Hongmei, Xiaoyu's mother) was never looked at.
    Glued up to ``GLUE_S``, the unsure line is decoded again; the sure ones are not."""
    from tapelog.archive.closer_look import GLUE_S, _utterances
    from tapelog.archive.own_look import own_lines

    def talk(start: float, first: str, p: float) -> Segment:
        words = [(first, start, start + 0.5, p)]
        words += [(f"w{k}", start + 0.5 + k * 0.5, start + 1.0 + k * 0.5, 0.99) for k in range(11)]
        return _line(words)

    lines = [talk(6.0 * k, "Hane," if k == 0 else "and", 0.28 if k == 0 else 0.99)
             for k in range(14)]  # fmt: skip
    units = _utterances(lines)
    assert len(units) > 1 and all(u[-1].end - u[0].start <= GLUE_S for u in units)
    assert sum(len(u) for u in units) == len(lines)
    got = own_lines(lines, found=[], budget_s=16.0)
    assert len(got) == 1 and got[0].start == 0.0 and got[0].end <= GLUE_S
    # A sentence Whisper cut in two with no pause is still one utterance.
    cut = [_line([("a", 0.0, 0.3, 0.9), ("parking", 0.3, 0.8, 0.4)]),
           _line([("chain.", 0.8, 1.2, 0.3)])]  # fmt: skip
    assert [len(u) for u in _utterances(cut)] == [2]


def test_show_says_when_the_own_names_came_from_weak_signs() -> None:
    """``show --json`` says which names the own look was given, and whether they were
    the case the weak signs of a file tied to nothing point at (a crew reading a wrong
    name there knows where it came from)."""
    from types import SimpleNamespace

    from tapelog.archive.second_look import names_given

    look = {"own_look": {"names": ["Wang Xiaoyu", "Xiaoyu"], "led": True, "lines": []}}
    given = names_given(SimpleNamespace(options={"second_look": look}))
    assert given["own_look"] == ["Wang Xiaoyu", "Xiaoyu"] and given["own_look_led"] is True
    old = {"own_look": {"names": ["Luo Run"], "lines": []}}  # a transcript from before
    assert names_given(SimpleNamespace(options={"second_look": old}))["own_look_led"] is False
    assert names_given(SimpleNamespace(options={}))["own_look_led"] is False
