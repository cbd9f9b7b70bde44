"""The second look for names at the default settings, through the real CLI and Whisper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MEDIA, SAMPLES, run_cli


def _show(archive: Path, media_id: str) -> dict:
    out = run_cli("show", media_id, "--json", archive=archive)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.slow
def test_transcribe_all_with_no_flag_looks_again_for_the_case_names(tmp_path: Path) -> None:
    archive = tmp_path / "a"
    for kind in ("cases", "people"):
        res = run_cli(kind, "import", str(SAMPLES / f"{kind}_from_seeds.csv"), archive=archive)
        assert res.returncode == 0, res.stderr
    res = run_cli("import", str(MEDIA / "two_channel_interview.mov"), archive=archive)
    assert res.returncode == 0, res.stderr
    res = run_cli("transcribe", "--all", archive=archive)
    assert res.returncode == 0, res.stderr
    shown = _show(archive, "m1")
    given = shown["names_given"]
    # The names went to a second look, not to the first pass (which changed other words).
    assert given["hotwords"] is None and given["prompt"] is None
    assert {"Luo Run", "Peng Gaofeng", "Le Le"} <= set(given["second_look"])
    assert not any("\u4e00" <= c <= "\u9fff" for n in given["second_look"] for c in n)
    text = " ".join(s["text"] for s in shown["segments"])
    assert "Peng Gaofeng" in text and "Le Le" in text
    # Asked not to: no second look, and show says so.
    res = run_cli("transcribe", "m1", "--force", "--no-vocab-from-cases", archive=archive)
    assert res.returncode == 0, res.stderr
    assert _show(archive, "m1")["names_given"]["second_look"] == []
    # The names pass alone, without transcribing again (after a crew tagged the file).
    res = run_cli("transcribe", "m1", "--names-again", archive=archive)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("m1\tnames given: ") and "Peng Gaofeng" in res.stdout
    again = _show(archive, "m1")
    assert {"Luo Run", "Peng Gaofeng", "Le Le"} <= set(again["names_given"]["second_look"])
    assert "Peng Gaofeng" in " ".join(s["text"] for s in again["segments"])
    bad = run_cli("transcribe", "m1", "--names-again", "--force", archive=archive)
    assert bad.returncode == 2 and "runs alone" in bad.stderr and "Traceback" not in bad.stderr


def test_the_setting_takes_auto_true_false(tmp_path: Path) -> None:
    archive = tmp_path / "a"
    assert run_cli("config", "vocab_from_cases", "auto", archive=archive).returncode == 0
    bad = run_cli("config", "vocab_from_cases", "yes", archive=archive)
    assert bad.returncode != 0 and "auto, true or false" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_which_files_get_a_second_look(tmp_path: Path) -> None:
    from tapelog.archive import cases as C
    from tapelog.archive.second_look import names_for
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import TranscribeOptions

    data = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"
    archive = Archive.open(tmp_path / "a")
    [res] = archive.import_paths([MEDIA / "mandarin_zh.wav"])
    en, zh = TranscribeOptions(language="en"), TranscribeOptions(language="zh")
    assert names_for(archive, res.id, en) == ""  # no case records: nothing to look for
    C.import_records(archive, data / "cases.csv", "cases")
    english = names_for(archive, res.id, en)
    assert "Liu Jingjun" in english and "刘景军" not in english  # letters for English
    assert "刘景军" in names_for(archive, res.id, zh)  # auto: English and Mandarin
    assert names_for(archive, res.id, TranscribeOptions(language="ja")) == ""  # unmeasured
    assert names_for(archive, res.id, TranscribeOptions(task="translate")) == ""
    assert names_for(archive, res.id, TranscribeOptions(language="en", hotwords="X Y")) == ""
    assert names_for(archive, res.id, TranscribeOptions(language="en", names="")) == ""
    archive.set_setting("vocab_from_cases", "true")
    assert "刘景军" in names_for(archive, res.id, zh)
    archive.set_setting("vocab_from_cases", "false")
    assert names_for(archive, res.id, en) == ""
    archive.close()


def test_hostile_case_sheets_give_a_bounded_sensible_vocabulary(tmp_path: Path) -> None:
    """1-character names, names that are English words, names only in characters, and
    10,000 cases: the names for an English file stay within Whisper's prompt, start with
    the file's own case, and leave out what cannot help."""
    from tapelog.archive import cases as C
    from tapelog.archive.models import Case
    from tapelog.archive.second_look import names_for
    from tapelog.archive.service import Archive
    from tapelog.transcribe.guard import vocabulary_items
    from tapelog.transcribe.types import TranscribeOptions

    from bench.bench_linking import generate_cases

    archive = Archive.open(tmp_path / "a")
    [res] = archive.import_paths([MEDIA / "interview_liu.mov"])
    hostile = [
        Case("Z-1", "A"),  # one character
        Case("Z-2", "", "罗润"),  # characters only
        Case("Z-3", "Run"),  # an English word
        Case("Z-4", "Liu Jingjun", aliases=["Jingjun"]),
    ]
    sheet = tmp_path / "cases.json"
    sheet.write_text(json.dumps({"cases": [c.to_dict() for c in generate_cases(10_000) + hostile]}))
    C.import_records(archive, sheet, "cases")
    C.add_tag(archive, res.id, 1.0, 2.0, cases=["Z-4"])  # the file is about Z-4
    names = names_for(archive, res.id, TranscribeOptions(language="en"))
    items = vocabulary_items(names)
    assert len(names) <= 610 and items[:2] == ["Liu Jingjun", "Jingjun"]
    assert "A" not in items and "罗润" not in items and "Run" not in items
    archive.close()


@pytest.mark.slow
def test_the_second_look_reuses_the_plain_passs_encoder_output(tmp_path: Path) -> None:
    """The second look decodes the same windows as the plain pass: Whisper's encoder
    (on Mandarin ~40% of a plain decode's CPU) runs for the plain pass only. The
    sample's one window reads the names back: it is handed the plain decode, so the
    transcript stays the plain one and the window is reported."""
    from tapelog.archive.second_look import second_look
    from tapelog.archive.service import Archive
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    from tests.test_guard import VOCAB_ZH, Counting

    archive = Archive.open(tmp_path / "a")
    [res] = archive.import_paths([MEDIA / "mandarin_zh.wav"])
    options = TranscribeOptions(model="base", language="zh", cpu_threads=2, names="")
    engine = get_engine(options)
    counting = Counting(engine.model.model)
    engine.model.model = counting
    try:
        archive.transcribe(res.id, options)
        plain = [s.text for s in archive.segments(res.id)]
        encodes = counting.encodes
        assert encodes >= 1
        look = second_look(archive, res.id, VOCAB_ZH)
        assert look is not None and counting.encodes == encodes  # not one encoder run
        assert [r[2] for r in look.redone] == ["reads the names back"]
        assert [s.text for s in archive.segments(res.id)] == plain
    finally:
        engine.model.model = counting._model
        archive.close()


@pytest.mark.slow
def test_an_english_second_look_reuses_the_first_windows_encoder_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """en05 (51 s, two of Whisper's windows, tiny.en): the second look's first window
    is the plain pass's, its encoder output reused (both were encoded again before);
    the second starts where the names decode's sentence ends (one runs across the
    plain pass's seam), so it is encoded. The names still come in. (The check of twins'
    names after it encodes the stretches it scores, and the look at the own names the
    lines it decodes: left out here, tested in tests/test_name_twins.py and
    tests/test_own_look.py.)"""
    from tapelog.archive import name_twins, own_look
    from tapelog.archive.second_look import names_for, second_look
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    from bench.names_score import build_archive
    from tests.test_guard import Counting

    monkeypatch.setattr(name_twins, "look_at_twins", lambda _a, _m, segments, *_r: (segments, []))
    monkeypatch.setattr(own_look, "look_at_own_names", lambda _a, _m, segs, *_r: (segs, None))
    archive, ids = build_archive(tmp_path / "a", ["en05_wang_mother"])
    mid = ids["en05_wang_mother"]
    options = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2, names="")
    engine = get_engine(options)
    counting = Counting(engine.model.model)
    engine.model.model = counting
    try:
        archive.transcribe(mid, options)
        encodes = counting.encodes
        assert encodes == 2
        vocabulary = names_for(archive, mid, TranscribeOptions(language="en"))
        look = second_look(archive, mid, vocabulary)
        assert look is not None and counting.encodes - encodes <= 1
        text = " ".join(s.text for s in archive.segments(mid))
        assert "Wang Xiaoyu" in text  # tiny.en alone: "Wang Nairoyu"
    finally:
        engine.model.model = counting._model
        archive.close()


NAMES_DATA = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"


def test_a_runaway_window_is_looked_at_again_with_the_names_it_sounds_like() -> None:
    """What tiny.en wrote for en05's first window, against the case sheet's names: the
    few that sound like its words come first, nothing far off is given."""
    from tapelog.archive.second_look import near_names

    names = ["Zhao Mingxuan", "Hefei", "Wang Xiaoyu", "Xiaoyu", "Kunming", "Wang Hongmei",
             "Peng Gaofeng", "Luo Run", "Liu Jingjun", "Taiyuan", "刘景军"]  # fmt: skip
    heard = "I am Wang Pongme, the mother of Wang Nairoyu. She disappeared from a market in coming"
    chosen = near_names(names, heard)
    assert {"Wang Hongmei", "Wang Xiaoyu"} <= set(chosen)
    assert not {"Peng Gaofeng", "Luo Run", "Liu Jingjun", "Taiyuan", "刘景军"} & set(chosen)
    assert near_names(names, "The bus ticket cost ninety five yuan.") == []


@pytest.mark.slow
def test_a_line_decoded_under_a_wrong_timestamp_is_timed_again_on_the_plain_words() -> None:
    """Given a few names, tiny.en wrote en05's first 8 s of speech as one line at
    21.6-30 s; spliced by those times, "Hongmei" landed beside "Pongme". The words it
    shares with the plain pass place it, and it is aligned again there."""
    from tapelog.archive.second_look import _timed
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import Segment, TranscribeOptions, Word

    options = TranscribeOptions(model="tiny.en", language="en")
    engine = get_engine(options)
    audio = load_audio(NAMES_DATA / "en05_wang_mother.ogg")
    plain_text = "I am Wang Pongme, the mother of Wang Nairoyu."
    times = [0.21, 0.87, 0.97, 1.35, 2.21, 2.27, 2.53, 2.73, 3.07]
    heard = [Word(t, t + 0.3, " " + w) for t, w in zip(times, plain_text.split(), strict=True)]
    text = "I am Wang Hongmei, the mother of Wang Xiaoyu."
    wrong = [Word(21.65 + i * 0.9, 22.2 + i * 0.9, " " + w) for i, w in enumerate(text.split())]
    seg = Segment(21.65, 29.97, text, words=wrong)
    timed = _timed(engine, audio, seg, heard, options)
    assert timed is not None and timed.end < 5.0, timed
    hongmei = next(w for w in timed.words if w.word.strip() == "Hongmei,")
    assert 1.0 < hongmei.start < 2.3, hongmei
    assert [w.word for w in timed.words] == [w.word for w in wrong]  # punctuation kept
    # A line the plain pass shares no word with is not placed at all.
    stray = Segment(21.65, 29.97, "Hello there", words=[Word(21.65, 22.0, " Hello")])
    assert _timed(engine, audio, stray, heard, options) is None


@pytest.mark.slow
def test_a_case_sheet_alone_still_gets_the_names_of_a_window_that_ran_away(
    tmp_path: Path,
) -> None:
    """en05 with the case sheet and no people sheet, at the defaults: given all 45 names,
    its first window repeated itself and the look kept the plain decode ("Wang Pongme",
    "Wang Nairoyu"), so no name of that window was found. Looked at again with the names
    it sounds like, the mother and the child are heard, in place. (On an AMD EPYC
    without AVX-512 the window ran away in one run and not in another, and both times
    the plain words stayed; the first line then links to her case by sound, and the test
    asks for one or the other.)"""
    archive = tmp_path / "a"
    assert (
        run_cli("cases", "import", str(NAMES_DATA / "cases.csv"), archive=archive).returncode == 0
    )
    res = run_cli("import", str(NAMES_DATA / "en05_wang_mother.ogg"), archive=archive)
    assert res.returncode == 0, res.stderr
    res = run_cli("transcribe", "--all", archive=archive)
    assert res.returncode == 0, res.stderr
    shown = _show(archive, "m1")
    first = shown["segments"][0]["text"]
    written = "Wang Hongmei" in first and "Wang Xiaoyu" in first
    assert not written or ("Pongme" not in first and "Nairoyu" not in first), first
    assert run_cli("links", "suggest", archive=archive).returncode == 0
    listed = run_cli("links", "list", archive=archive).stdout
    assert "B-2015-KM-005" in listed and "Wang Xiaoyun" not in listed  # not the decoy
    if not written:  # the plain words stayed: the line still names her case, by sound
        rows = json.loads(run_cli("links", "list", "--json", archive=archive).stdout)
        end = shown["segments"][0]["end"]
        first_line = [r for r in rows if r["start"] < end and r["target_id"] == "B-2015-KM-005"]
        assert first_line, (first, listed)


def test_the_retry_leaves_the_rest_of_a_file_that_kept_running_away_alone() -> None:
    """After two runaways the rest of a file goes without names ("the rest"): those
    windows are not looked at again one by one, and one window is looked at once."""
    import numpy as np
    from tapelog.archive.second_look import _retry_runaways
    from tapelog.transcribe.types import Segment, TranscribeOptions, Word

    plain = [Segment(30.0, 33.0, "Wang Nairoyu", words=[Word(30.0, 31.0, " Wang"),
                                                        Word(31.0, 33.0, " Nairoyu")])]  # fmt: skip
    skipped = [(30.0 + 30 * i, 60.0 + 30 * i, "the rest") for i in range(40)]
    options = TranscribeOptions(model="tiny.en", language="en")
    out, retried = _retry_runaways(
        np.zeros(16000 * 1300, dtype=np.float32), options, skipped, plain, plain, ["Wang Xiaoyu"]
    )
    assert retried == [] and out == plain


def _line(text: str, start: float, probs: dict[str, float] | None = None):
    """A transcript line with a word every 0.4 s (probability 0.9 unless ``probs``)."""
    from tapelog.transcribe.types import Segment, Word

    words = [
        Word(start + 0.4 * i, start + 0.4 * i + 0.35, " " + w, (probs or {}).get(w, 0.9))
        for i, w in enumerate(text.split())
    ]
    return Segment(words[0].start, words[-1].end, text, words)


def test_a_closer_look_gives_base_only_the_names_of_the_interviews_own_case(
    tmp_path: Path,
) -> None:
    """The case the transcript names strongly (Zhang Haoran, twice) is its own; the
    decoy one syllable away (Zhang Haoyang), never said, is not, and none of its names
    is given: base cannot write a decoy the interview is not about. A case named once
    by its crowded given name alone is not the interview's either."""
    from tapelog.archive import cases as C
    from tapelog.archive.closer_look import case_names, own_cases
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.records import get_case

    from bench.names_score import build_archive

    archive, _ids = build_archive(tmp_path / "a", only=["-"])
    try:
        index = C.name_index(archive)
        segs = [
            _line("Our boy Zhang Haoran went missing on the first of June.", 0.0),
            _line("We were at the train station in Canju with our bags.", 6.0),
            _line("People still send us photographs of boys like Zhang Haoran.", 12.0),
            _line("Last month we printed posters for Yuxuan.", 18.0),
        ]
        own = own_cases(find_mentions(index, segs))
        assert own == ["B-2012-ZZ-004"]
        names = case_names([get_case(archive, c) for c in own])
        assert names == ["Zhang Haoran", "Haoran", "Zhengzhou", "Zhang Jianguo"]
        assert own_cases(find_mentions(index, segs[1:2])) == []  # no name: no case
        # A title, a name under four letters, characters: never given.
        liu = case_names([get_case(archive, "C-2010-TY-001"), get_case(archive, "C-2009-GD-003")])
        assert "Mrs. Liu" not in liu and "刘景军" not in liu and "Le Le" in liu
        assert "Le" not in liu
    finally:
        archive.close()


def test_a_closer_look_goes_only_where_a_near_miss_remains() -> None:
    """Lines with a capitalised word Whisper made of pieces ("Canju"), two unsure words
    in a row, or words that sound like one of the names are looked at; an ordinary line
    (a known capitalised word, one unsure word, a sentence's first word) and a line
    whose only odd word is a name already found are not."""
    from tapelog.archive.closer_look import pack, suspect_stretches

    names = ["Zhang Haoran", "Haoran", "Zhengzhou", "Zhang Jianguo"]
    canju = _line("We were at the train station in Canju with our bags.", 0.0)
    monday = _line("We went to the police station again on Monday and waited.", 6.0)
    unsure = _line("His father turned on New York with his job.", 12.0, {"turned": 0.1, "on": 0.05})
    one = _line("The most ticket to the next province cost 95 yuan.", 18.0, {"ticket": 0.1})
    found = _line("Venyukshun was watching him that afternoon.", 24.0)
    sounds = _line("We drove to Jengjo in the night.", 30.0)
    segs = [canju, monday, unsure, one, found, sounds]
    got = suspect_stretches(segs, names, [(24.0, 24.35)])
    assert [(s.start, s.why.split()[0]) for s in got] == [
        (0.0, "made-up"),
        (12.0, "unsure"),
        (30.0, "made-up"),
    ]
    # A capitalised word within a sentence that Whisper was unsure of: a name heard as
    # an English one (natural23's "His father, Lydia King," for Liu Zhiqiang, 0.18).
    # Looked at last (``unsure_name_stretches``), where no other sign took the line.
    from tapelog.archive.closer_look import Stretch, unsure_name_stretches

    lydia = _line("His father, Lydia King, asks that every day.", 0.0, {"Lydia": 0.18})
    assert suspect_stretches([lydia], names, []) == []
    assert unsure_name_stretches([lydia], names, [])[0].why == "unsure name 'Lydia'"
    assert unsure_name_stretches([lydia], names, [], [Stretch(0.0, 1.0, "x")]) == []
    sure = _line("His father, Lydia King, asks that every day.", 0.0, {"Lydia": 0.6})
    assert unsure_name_stretches([sure], names, []) == []
    # Not a word of the names given, nor a short word.
    for said in ("His father, Zhang Jianguo, asks.", "His father, UN King, asks.",
                 "My daughter, Zihan was taken on a Sunday."):  # fmt: skip
        # (a pinyin word is a name already: natural20's "My daughter, Zhang (0.24)")
        low = _line(said, 0.0, {"Zhang": 0.1, "UN": 0.1, "Zihan": 0.24})
        assert unsure_name_stretches([low], names, []) == []
    # The names' own words are no near-miss, wherever they are.
    assert suspect_stretches([_line("He was lost in Zhengzhou that day.", 0.0)], names, []) == []
    # A line that sounds like a name without a made-up word: lower case.
    low = _line("we drove to jengjo in the night.", 0.0)
    assert suspect_stretches([low], names, [])[0].why == "sounds like Zhengzhou"
    # Packed into 28 s windows, within the budget (the rest waits for none).
    windows = pack(got, budget_s=10.0)
    assert [[s.start for s in w] for w in windows] == [[0.0, 12.0]]


@pytest.mark.slow
def test_base_hears_the_place_tiny_en_made_up_and_nothing_else_changes(tmp_path: Path) -> None:
    """en04 at the defaults: tiny.en writes "in Canju" for "in Zhengzhou" with or without
    the names; base, given the four names of the case the interview is about, hears
    Zhengzhou there, and it links to that case. The line it also looked at ("turned on
    New York": unsure words) gets no name, and no decoy is suggested."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.second_look import names_for, names_given, second_look
    from tapelog.transcribe.types import TranscribeOptions

    from bench.names_score import build_archive

    archive, ids = build_archive(tmp_path / "a", ["en04_zhang_mother"])
    mid = ids["en04_zhang_mother"]
    try:
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en", names=""))
        plain = archive.segments(mid)
        assert not any("Zhengzhou" in s.text for s in plain)
        look = second_look(archive, mid, names_for(archive, mid, TranscribeOptions(language="en")))
        assert look is not None and look.closer is not None
        assert look.closer["names"] == ["Zhang Haoran", "Haoran", "Zhengzhou", "Zhang Jianguo"]
        segs = archive.segments(mid)
        [station] = [s for s in segs if "train station" in s.text]
        [before] = [s for s in plain if "train station" in s.text]
        assert "Zhengzhou" in station.text
        # The line's other words are the plain pass's ("bags", or "mags" on some CPUs).
        assert set(station.text.split()) - {"Zhengzhou"} <= set(before.text.split())
        found = find_mentions(C.name_index(archive), segs)
        assert any(m.target_id == "B-2012-ZZ-004" and "Zhengzhou" in m.mention for m in found)
        assert not [m for m in found if m.target_id.startswith("D-")]
        # Lines with no near-miss are the plain pass's, word for word.
        assert [s.text for s in segs if "seconds" in s.text or "kilometers" in s.text] == [
            s.text for s in plain if "seconds" in s.text or "kilometers" in s.text
        ]
        assert "Zhang Jianguo" not in " ".join(s.text for s in segs)  # base heard no name
        # show --json / the TUI say which names base was given.
        given = names_given(archive.get_transcript(archive.get_media(mid).transcript_id))
        assert given["closer_look"] == ["Zhang Haoran", "Haoran", "Zhengzhou", "Zhang Jianguo"]
    finally:
        archive.close()


def test_a_lone_name_the_second_look_spliced_in_stays_only_if_base_hears_it(
    tmp_path: Path,
) -> None:
    """en07 from a case sheet alone: the second look spliced "Zhao Mingxuan" (another
    child) over "enemies" in an interview about Huang Zihan. A name the plain pass had,
    or a lone name in an interview that names no case twice, is not doubted; a doubted
    name base writes again stays, one base does not is undone, and with no decode from
    base (it ran away) nothing is undone."""
    from dataclasses import replace

    from tapelog.archive import cases as C
    from tapelog.archive.closer_look import Stretch
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.lone_names import judge, lone_splices
    from tapelog.transcribe.types import Word

    from bench.names_score import build_archive

    plain = [
        _line("Our daughter Huang Zihan was born in 2007.", 0.0),
        _line("Her mother Huang Lijuan was cooking dinner.", 5.0),
        _line("A reward of one hundred thousand new enemies still offered.", 10.0),
        _line("We met Peng Gaofeng at a meeting.", 16.0),
    ]
    enemies = plain[2].words[7]
    spliced = [Word(enemies.start, enemies.start + 0.2, " Zhao", 0.1),
               Word(enemies.start + 0.2, enemies.end, " Mingxuan", 0.1)]  # fmt: skip
    words = plain[2].words[:7] + spliced + plain[2].words[8:]
    merged = [*plain[:2], replace(plain[2], words=words, text="".join(w.word for w in words))]
    merged.append(plain[3])
    archive, _ids = build_archive(tmp_path / "a", only=["-"])
    try:
        index = C.name_index(archive)
        doubts = lone_splices(find_mentions(index, merged), merged, plain)
        assert [d.name for d in doubts] == ["Zhao Mingxuan"]  # not Peng Gaofeng: plain's
        alone = [plain[3], merged[2]]  # no case named twice: a volunteer's list of cases
        assert lone_splices(find_mentions(index, alone), alone, plain) == []
    finally:
        archive.close()
    window = [Stretch(10.0, 14.0, "lone name")]
    yuan = [_line("A reward of one hundred thousand yuan is still offered.", 10.0)]
    undone, n = judge(list(merged), plain, doubts, yuan, window)
    assert n == 1 and "enemies" in undone[2].text and "Zhao" not in undone[2].text
    assert [s.text for s in undone[:2]] == [s.text for s in merged[:2]]
    heard = [_line("A reward of one hundred thousand Zhao Mingxuan still offered.", 10.0)]
    assert judge(list(merged), plain, doubts, heard, window) == (merged, 0)
    assert judge(list(merged), plain, doubts, [], window) == (merged, 0)
    elsewhere = [Stretch(0.0, 4.0, "made-up word")]
    assert judge(list(merged), plain, doubts, yuan, elsewhere) == (merged, 0)


def test_base_writes_no_name_over_a_name_already_found() -> None:
    """The seed interview: given several cases' names, base wrote "Jingjun, help us"
    where the transcript had "Peng Gaofeng, Penghefengheldtas", and the merge put
    Jingjun (another case) in place of the found "Peng". A found name stays, and base's
    words over it (or within half a second, where its times differ) are not offered;
    elsewhere in the stretch its names still are."""
    from tapelog.archive.closer_look import Stretch, splice
    from tapelog.transcribe.merge import merge_names

    names = ["Liu Jingjun", "Jingjun", "Peng Gaofeng", "Le Le"]
    current = [_line("Who helped you? Peng Gaofeng, Penghefengheldtas, in Taewen.", 0.0)]
    looked = [_line("Who helped you? Jingjun, help us, in Jingjun.", 0.0)]
    window = [Stretch(0.0, 3.0, "made-up word")]
    found = current[0].words[3:5]  # Peng Gaofeng, linked already

    merged, n = merge_names(
        current, splice(current, looked, window, keep=lambda w: w in found), names
    )
    assert "Peng Gaofeng" in merged[0].text and merged[0].text.count("Jingjun") == 1
    assert merged[0].text.endswith("in Jingjun.") and n == 1  # "Taewen": no name yet
    # Without the rule the found name is overwritten.
    merged, _n = merge_names(current, splice(current, looked, window), names)
    assert "Peng Gaofeng" not in merged[0].text


def test_a_closer_look_stops_when_the_crew_cancels(tmp_path: Path) -> None:
    """Cancelling during the closer look stops the work (it is not one of the failures
    that leave the transcript as merged and go on)."""
    import numpy as np
    from tapelog.archive.closer_look import look_closer
    from tapelog.archive.progress import Cancelled, CancelToken
    from tapelog.transcribe.types import TranscribeOptions

    from bench.names_score import build_archive

    archive, _ids = build_archive(tmp_path / "a", only=["-"])
    segs = [
        _line("Our boy Zhang Haoran went missing on the first of June.", 0.0),
        _line("We were at the train station in Canju with our bags.", 6.0),
        _line("People still send us photographs of boys like Zhang Haoran.", 12.0),
    ]
    token = CancelToken()
    token.cancel()
    try:
        with pytest.raises(Cancelled):
            look_closer(archive, "m1", segs, np.zeros(16000 * 20, dtype=np.float32),
                        TranscribeOptions(language="en"), token)  # fmt: skip
    finally:
        archive.close()


def test_a_large_chinese_sheet_gives_mandarin_no_second_look_by_default(tmp_path: Path) -> None:
    """With 2,000 more cases in characters, every window got 75 names and base wrote a
    case nobody named (吕勇怡) into zh08; given a file's own one or two names alone, base
    read them back at the ends of windows. Past a small sheet, Mandarin gets no second
    look at ``auto`` (``true`` still gives it); English keeps its own case's names."""
    import sys

    from tapelog.archive import cases as C
    from tapelog.archive.second_look import names_for
    from tapelog.archive.service import Archive
    from tapelog.transcribe.guard import vocabulary_items
    from tapelog.transcribe.types import TranscribeOptions

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.names_score import build_archive

    archive, _ids = build_archive(tmp_path / "a", only=["-"], extra=40)
    [res] = archive.import_paths([MEDIA / "采访 罗润 父亲.wav"])  # its file name names 罗润
    zh = TranscribeOptions(language="zh")
    assert names_for(archive, res.id, zh) == ""
    english = names_for(archive, res.id, TranscribeOptions(language="en"))
    # too many to give whole: the file's own case (its file name), not the sheet's first
    assert "Luo Run" in english and "Liu Jingjun" not in english
    archive.set_setting("vocab_from_cases", "true")
    assert "罗润" in names_for(archive, res.id, zh)
    archive.set_setting("vocab_from_cases", "auto")
    # --vocab-from-cases for this run: chosen after the plain pass too, the file's case
    forced = TranscribeOptions(language="en", names="Yuan Pingfeng, Jiang Fengyu.")
    assert vocabulary_items(names_for(archive, res.id, forced))[:2] == ["Luo Run", "Lou Run"]
    assert names_for(archive, res.id, TranscribeOptions(language="en", names="")) == ""
    small = Archive.open(tmp_path / "b")
    data = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"
    C.import_records(small, data / "cases.csv", "cases")
    [one] = small.import_paths([MEDIA / "mandarin_zh.wav"])
    assert "王晓雨" in names_for(small, one.id, zh)  # a small sheet: every name
    archive.close()
    small.close()


def test_the_names_pass_alone_needs_a_finished_transcript(tmp_path: Path) -> None:
    from tapelog.archive.errors import UsageError
    from tapelog.archive.second_look import look_again
    from tapelog.archive.service import Archive

    archive = Archive.open(tmp_path / "a")
    [res] = archive.import_paths([MEDIA / "interview_liu.mov"])
    with pytest.raises(UsageError, match="not transcribed yet"):
        look_again(archive, res.id)
    out = run_cli("transcribe", res.id, "--names-again", archive=tmp_path / "a")
    assert out.returncode == 1 and "not transcribed yet" in out.stderr
    assert "Traceback" not in out.stderr
    archive.close()


def test_a_cancelled_names_pass_leaves_the_record_as_it_was(copy_archive: Path) -> None:
    """Cancelled (the TUI's `c`, Ctrl+C in the CLI), the names pass alone leaves the
    transcript and what its record says of the last look as they were; only a failure
    is noted."""
    from tapelog.archive.errors import Cancelled
    from tapelog.archive.progress import CancelToken
    from tapelog.archive.second_look import look_again
    from tapelog.archive.service import Archive

    res = run_cli("cases", "import", str(SAMPLES / "cases_from_seeds.csv"), archive=copy_archive)
    assert res.returncode == 0, res.stderr
    archive = Archive.open(copy_archive)
    try:
        media = next(m for m in archive.list_media() if m.name == "interview_liu.mov")
        before = archive.get_transcript(media.transcript_id)
        lines = archive.segments(media.id)
        token = CancelToken()
        token.cancel()
        with pytest.raises(Cancelled):
            look_again(archive, media.id, cancel=token)
        after = archive.get_transcript(media.transcript_id)
        assert after.options == before.options and "second_look" not in after.options
        assert archive.segments(media.id) == lines
    finally:
        archive.close()


def test_the_second_look_decodes_only_the_lines_where_a_name_may_be() -> None:
    """The lines that send the second look to a stretch: a near-miss of one of the
    names (made up, sounding like one with an odd word in it, two unsure words) or a
    word of a name ("Hugo Run": the rest of Luo Run is the second look's to write); an
    ordinary line is not, nor plain words that happen to sound like a short name. Each
    is decoded with the line either side; when those are most of the file, the whole
    file is. Chinese, or names only in characters: the whole file."""
    from tapelog.archive.closer_look import suspect_lines
    from tapelog.archive.second_look import clips_to_look

    names = ["Luo Run", "Lou Run", "Luo An Xin", "Zhang Haoran", "Haoran", "Zhengzhou", "Wuhan"]
    hugo = _line("Our son Hugo Run was three and a half years old.", 0.0)
    canju = _line("We were at the train station in Canju with our bags.", 5.0)
    sounds = _line("we drove to jengjo in the night.", 10.0)
    unsure = _line("The police pose that matters and found him.", 15.0, {"pose": 0.1, "that": 0.1})
    ordinary = _line("We borrowed twenty thousand yuan from our relatives on Monday.", 20.0)
    one = _line("The most ticket to the next province cost 95 yuan.", 25.0, {"most": 0.1})
    when = _line("I learned to use a computer when I was 45.", 30.0)  # "when I": Wuhan
    segs = [hugo, canju, sounds, unsure, ordinary, one, when]
    assert suspect_lines(segs, names) == [hugo, canju, sounds, unsure]
    assert clips_to_look(segs, names, "en") is None  # four lines of seven: the whole file
    talk = [_line(ordinary.text, 6.0 * k) for k in range(12)]
    talk[6] = _line(canju.text, 36.0)
    clips = clips_to_look(talk, names, "en")
    assert clips == [(talk[5].start - 0.3, talk[7].end + 0.3)]
    assert clips_to_look(talk, names, "zh") is None
    assert clips_to_look(talk, ["罗润", "张浩然"], "en") is None
    assert clips_to_look([_line(ordinary.text, 6.0 * k) for k in range(12)], names, "en") == []
    # A name heard as real words: an unsure capitalised word within a sentence, or a
    # line Whisper was unsure of throughout (sparse set: "James" for Jingjun, "The
    # parking can do for six kids." for "The park in Chengdu has six gates.").
    james = _line("When I closed my eyes I still see James on his red coat.", 0.0, {"James": 0.13})
    sure = _line("When I closed my eyes I still see James on his red coat.", 0.0)
    parking = "The parking can do for six kids."
    garbled = _line(parking, 0.0, {w: 0.3 for w in parking.split()})
    assert suspect_lines([james, garbled], names) == [james, garbled]
    assert suspect_lines([sure, _line(parking, 0.0)], names) == []


def test_unsure_words_that_sound_like_a_name_send_the_second_look_there() -> None:
    """A natural voice's names tiny.en wrote as English words ("Zio, you had a scar
    above her eye." for Xiaoyu; natural8's volunteer: "Her girls, Iowa, you vanished in
    coniming." for "Her girl Xiaoyu vanished in Kunming."): no capital made up, no two
    unsure words in a row, so only the sound of its unsure words says a name may be
    there. Plain words Whisper was sure of do not count, however they sound ("so
    you" like Xiaoyu, "so that we" like Zhao Dewei), nor a number's unit ("10 to you
    and" for "twenty yuan" sounds like Taiyuan)."""
    from tapelog.archive.closer_look import suspect_lines

    names = ["Wang Xiaoyu", "Xiaoyu", "Kunming", "Zhao Dewei", "Taiyuan", "Le Le"]
    zio = _line("Zio, you had a scar above her eye.", 0.0, {"Zio,": 0.45})
    kunming = _line("She was lost at a market in coniming.", 5.0, {"coniming.": 0.62})
    sure = _line("So you had a scar above her eye.", 10.0)  # real words, sure
    dewei = _line("My mother came to live with us so that we could keep searching.", 15.0)
    money = _line("It cost 10 to you and each time.", 20.0, {"to": 0.3, "you": 0.3})
    lola = _line("He still looks for Lola every day.", 25.0, {"Lola": 0.3})  # Lele
    segs = [zio, kunming, sure, dewei, money, lola]
    assert suspect_lines(segs, names) == [zio, kunming, lola]
    assert suspect_lines([sure, dewei, money], ["Zhao Dewei", "Taiyuan", "Xiaoyu"]) == []


def test_base_is_asked_about_sure_words_that_sound_like_the_interviews_own_names() -> None:
    """natural9's Peng Gaofeng: tiny.en wrote "I am paying gay thing." and "Gave thing
    Peng is the name on every poster.", sure of the words; given his case's names, base
    wrote "Peng Gaofeng" and "Gaofeng, Peng". Such lines go to base after the other
    signs, in what budget they leave; a line already taken, with no such run, or with
    one too short to tell from talk ("lily" sounds just like Lele), not."""
    from tapelog.archive.closer_look import Stretch, sounding_stretches

    names = ["Le Le", "Lele", "Peng Lele", "Peng Gaofeng"]
    paying = _line("I am paying gay thing.", 0.0)
    gave = _line("Gave thing Peng is the name on every poster.", 5.0)
    plain = _line("We went to every hospital in the city that first week.", 10.0)
    lily = _line("She bought a lily for the table.", 15.0)  # "lily": Lele, too short
    spelled = _line("I am Peng Gaofeng.", 20.0)
    found = [(spelled.words[2].start, spelled.words[3].end)]  # the name found there
    got = sounding_stretches([paying, gave, plain, lily, spelled], names, found)
    assert [(s.start, s.end) for s in got] == [(paying.start, paying.end), (gave.start, gave.end)]
    taken = [Stretch(paying.start, paying.end, "made-up word")]
    got = sounding_stretches([paying, gave, plain], names, [], taken)
    assert [(s.start, s.end) for s in got] == [(gave.start, gave.end)]
    # Shorter runs count where Whisper was unsure of a word in them: natural10's "Liz,
    # she king is my name." (0.06) for Liu Zhiqiang, seven sounds. Sure, they do not.
    names = ["Liu Zhiqiang", "Liu Jingjun"]
    liz = _line("Liz, she king is my name.", 0.0, {"Liz,": 0.06})
    sure_liz = _line("Liz, she king is my name.", 5.0)
    got = sounding_stretches([liz, sure_liz], names, [])
    assert [(s.start, s.end) for s in got] == [(liz.start, liz.end)]


SPARSE_DATA = NAMES_DATA.parent / "names_sparse"


@pytest.mark.slow
def test_a_sparse_interview_is_looked_at_only_where_a_name_may_be(tmp_path: Path) -> None:
    """The first 52 s of a sparse interview (bench/data/names_sparse): a name in the
    first line ("Lijingjang" for Liu Jingjun), then talk. The second look decodes the
    first lines alone with the names and writes the name; every line after them is the
    plain pass's, word for word and time for time."""
    import wave

    import numpy as np
    from tapelog.archive.second_look import second_look
    from tapelog.archive.service import Archive
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.types import TranscribeOptions

    clip = load_audio(SPARSE_DATA / "sp01_liu_long.ogg", max_seconds=52.0)
    path = tmp_path / "liu_father_long.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((np.clip(clip, -1, 1) * 32767).astype("<i2").tobytes())
    archive = Archive.open(tmp_path / "a")
    try:
        [res] = archive.import_paths([path])
        options = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2, names="")
        archive.transcribe(res.id, options)
        plain = archive.segments(res.id)
        look = second_look(archive, res.id, "Liu Jingjun, Jingjun, Taiyuan, Liu Zhiqiang.")
        assert look is not None and look.clips is not None and len(look.clips) == 1
        [[a, b]] = look.clips
        assert a < 1.0 and b < 15.0  # the first line and the one after it
        after = archive.segments(res.id)
        assert "Liu Jingjun" in after[0].text
        assert [s for s in after if s.start > b] == [s for s in plain if s.start > b]
    finally:
        archive.close()


# What `tapelog transcribe` gave the second look for sp03 with the sparse set's case
# sheet (`show --json`): every case's names, places and parents.
SHEET_NAMES = (
    "Zhao Mingxuan, Mingxuan, Hefei, Zhao Dewei, Huang Zihan, Zihan, Nanning, Huang Lijuan, "
    "Zhang Haoran, Haoran, Zhengzhou, Zhang Jianguo, Deng Yuxuan, Yuxuan, Chengdu, Deng Guohua, "
    "Wang Xiaoyu, Xiaoyu, Kunming, Wang Hongmei, Le Le, Peng Lele, Peng Gaofeng, Luo Run, "
    "Lou Run, Luo An Xin, Liu Jingjun, Jingjun, Taiyuan, Liu Zhiqiang, Mrs. Liu, Zhao Mingxian, "
    "Wuhan, Luo Ren, Shaoyang, Liu Jianjun, Yuncheng, Liu Baoshan, Zhang Haoyang, Xi'an, "
    "Zhang Li, Deng Yuxin, Guiyang, Wang Xiaoyun, Lanzhou."
)


@pytest.mark.slow
def test_a_clips_padding_after_its_last_line_is_not_decoded() -> None:
    """The first clip the second look takes of sp03 (0-7.69 s): Whisper's first window
    ends at the last word, 0.3 s before the clip does. Given the names, tiny.en wrote 25
    words a second into that rest, which the guard then threw away: now it is not
    decoded at all, and the clip's words are the same."""
    from dataclasses import replace

    import tapelog.transcribe.windows as W
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    clip = load_audio(SPARSE_DATA / "sp03_deng_long.ogg", max_seconds=7.69)
    options = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2, names="",
                                hotwords=SHEET_NAMES)  # fmt: skip
    engine = get_engine(options)
    info, segs = engine.transcribe(clip, options, runaway="drop")
    kept = [s.text for s in segs]
    assert kept and info.skipped == []
    tail, W.CLIP_TAIL_S = W.CLIP_TAIL_S, 0.0
    try:
        info, segs = engine.transcribe(clip, replace(options), runaway="drop")
        assert [s.text for s in segs] == kept and info.skipped  # decoded, and thrown away
    finally:
        W.CLIP_TAIL_S = tail


def _timed_line(words: list[tuple[str, float, float, float]]):
    from tapelog.transcribe.types import Segment, Word

    ws = [Word(a, b, " " + w, p) for w, a, b, p in words]
    return Segment(ws[0].start, ws[-1].end, " ".join(w for w, *_ in words), ws)


@pytest.mark.slow
def test_a_file_tied_to_no_case_gets_a_closer_look_with_the_case_its_place_points_at(
    tmp_path: Path,
) -> None:
    """natural20's nt06, tiny.en's own lines: the mother's name and her daughter's came
    out as "onely one" and "Juan Zam", and only "Nanning" was spelled, which ties no file
    alone. Base, given the names of the one case whose place that is, writes both
    (real audio, real base); the linking then finds them, and no other case."""
    from tapelog.archive import cases as C
    from tapelog.archive.closer_look import look_closer
    from tapelog.archive.linking import find_mentions, weak_leads
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.types import TranscribeOptions

    from bench.names_score import build_archive

    archive, _ids = build_archive(tmp_path / "a", only=["-"])
    folder = Path(__file__).resolve().parent.parent / "bench" / "data" / "names_natural20"
    segs = [
        _timed_line([("My", 0.24, 0.84, 0.53), ("daughter,", 0.84, 1.18, 0.99),
                     ("Zhang", 1.12, 1.46, 0.0), ("was", 1.66, 1.68, 0.99),
                     ("taken", 1.68, 1.96, 0.99), ("on", 1.96, 2.2, 1.0), ("a", 2.2, 2.36, 0.99),
                     ("Sunday.", 2.36, 2.72, 0.98)]),
        _timed_line([("I", 20.08, 20.26, 0.95), ("am", 20.26, 20.48, 0.98),
                     ("onely", 20.48, 20.92, 0.39), ("one,", 20.92, 21.18, 0.7),
                     ("and", 21.5, 21.58, 1.0), ("I", 21.58, 21.76, 0.99),
                     ("still", 21.76, 21.98, 1.0), ("live", 21.98, 22.18, 0.98),
                     ("in", 22.18, 22.36, 0.94), ("Nanning.", 22.36, 22.84, 0.63)]),
        _timed_line([("A", 40.2, 40.32, 0.95), ("man", 40.32, 40.54, 1.0),
                     ("called", 40.54, 40.84, 1.0), ("and", 40.84, 41.04, 0.97),
                     ("said", 41.04, 41.34, 1.0), ("Juan", 41.34, 41.72, 0.91),
                     ("Zam", 41.72, 41.96, 0.26), ("was", 41.96, 42.2, 0.98),
                     ("in", 42.2, 42.36, 0.99), ("another", 42.36, 42.66, 0.99),
                     ("city.", 42.66, 43.14, 1.0)]),
    ]  # fmt: skip
    nanning = "B-2011-NN-007"
    try:
        [res] = archive.import_paths([folder / "nt06_huang.ogg"])
        index = C.name_index(archive)
        assert {m.target_id for m in find_mentions(index, segs)} <= {nanning}
        assert weak_leads(index, segs)[:1] == [nanning]
        audio = load_audio(folder / "nt06_huang.ogg")
        options = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2)
        merged, look = look_closer(archive, res.id, segs, audio, options, plain=segs)
        assert look is not None and look.names[:2] == ["Huang Zihan", "Zihan"]
        found = find_mentions(index, merged)
        said = {m.mention for m in found if m.target_id == nanning}
        assert {"Huang Lijuan", "Huang Zihan"} <= said, [s.text for s in merged]
        assert {m.target_id for m in found} == {nanning}
    finally:
        archive.close()
