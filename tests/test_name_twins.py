"""Two children one syllable apart: the name said, by the audio (archive.name_twins).

natural12's mother (bench/data/names_natural12/nl06_liu.ogg, a natural voice) names her
son Liu Jingjun and, of another family, Liu Jianjun, whose case is also on the sheet.
The second look wrote "Liu Jingjun" for both; the real tiny.en model, forced through
each line with each name, says which was said.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.transcribe.types import Segment, Word

DATA = Path(__file__).resolve().parent.parent / "bench" / "data" / "names_natural12"
OWN, TWIN = "C-2010-TY-001", "D-2011-YC-101"


def _archive(root: Path):
    from tapelog.archive import cases as C
    from tapelog.archive.service import Archive

    archive = Archive.open(root)
    C.import_records(archive, DATA / "cases.csv", "cases")
    C.import_records(archive, DATA / "people.csv", "people")
    return archive


def _line(start: float, words: list[tuple[str, float, float]]) -> Segment:
    ws = [Word(start=a, end=b, word=" " + w, probability=0.9) for w, a, b in words]
    return Segment(start=start, end=ws[-1].end, text=" ".join(w for w, _a, _b in words), words=ws)


def _lines() -> list[Segment]:
    """Three lines as the second look left them, "Jingjun" in each: her son (20.3-22.5
    s; 42.0-44.3 s) and the other family's boy (63.1-66.1 s), with times near tiny.en's."""
    son = _line(20.3, [("Our", 20.3, 20.5), ("son", 20.5, 20.8), ("Liu", 20.8, 21.0),
                       ("Jingjun", 21.0, 21.4), ("was", 21.4, 21.6), ("born", 21.6, 21.8),
                       ("in", 21.8, 21.9), ("the", 21.9, 22.0), ("spring.", 22.0, 22.5)])  # fmt: skip
    other = _line(63.1, [("Another", 63.1, 63.5), ("family", 63.5, 63.8), ("lost", 63.8, 64.0),
                         ("Liu", 64.0, 64.4), ("Jingjun,", 64.4, 64.9), ("a", 65.0, 65.1),
                         ("different", 65.1, 65.5), ("boy.", 65.5, 66.1)])  # fmt: skip
    again = _line(42.0, [("People", 42.0, 42.3), ("in", 42.3, 42.4), ("Taiyuan", 42.4, 42.9),
                         ("still", 42.9, 43.2), ("ask", 43.2, 43.4), ("about", 43.4, 43.8),
                         ("Jingjun.", 43.8, 44.3)])  # fmt: skip
    return [son, again, other]


def test_a_name_has_as_twins_the_sheets_names_one_syllable_away(tmp_path: Path) -> None:
    from tapelog.archive import cases as C
    from tapelog.archive.name_twins import twins_of

    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        own = index.by_id[("case", OWN)]
        assert twins_of(index, "Liu Jingjun", own) == ["Liu Jianjun"]
        assert twins_of(index, "Jingjun", own) == ["Jianjun"]
        assert twins_of(index, "liu jingjun", own) == ["liu jianjun"]  # as written
        # The other way round too; a name with no twin on the sheet has none.
        assert twins_of(index, "Liu Jianjun", index.by_id[("case", TWIN)]) == ["Liu Jingjun"]
        assert twins_of(index, "Peng Gaofeng", index.by_id[("case", "C-2009-GD-003")]) == []
        # Not pinyin: nothing to vary.
        assert twins_of(index, "Bob Smith", own) == []
    finally:
        archive.close()


def test_the_audio_chooses_the_twin_said_and_the_link_follows(tmp_path: Path) -> None:
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.name_twins import MARGIN, check_twins
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.text_score import text_log_probs
    from tapelog.transcribe.types import TranscribeOptions

    audio = load_audio(DATA / "nl06_liu.ogg")
    model = get_engine(TranscribeOptions(model="tiny.en", cpu_threads=2)).model  # type: ignore[attr-defined]
    archive = _archive(tmp_path / "a")
    try:
        index = C.name_index(archive)
        lines = _lines()
        before = find_mentions(index, lines)
        assert [m.target_id for m in before] == [OWN, OWN, OWN]  # the wrong link, as it was
        scored: list[list[str]] = []

        def score(clip, texts):
            scored.append(texts)
            return text_log_probs(model, clip, texts, "en")

        after, checks = check_twins(index, lines, before, score, audio)
        son = "Our son Liu Jingjun was born in the spring."
        # Her son's two lines fit in one window: one encoder pass scores both names.
        assert scored == [
            [f"{son} People in Taiyuan still ask about Jingjun.",
             "Our son Liu Jianjun was born in the spring. People in Taiyuan still ask about Jingjun.",
             f"{son} People in Taiyuan still ask about Jianjun."],
            ["Another family lost Liu Jingjun, a different boy.", "Another family lost Liu Jianjun, a different boy."],
        ]  # fmt: skip
        assert after[:2] == lines[:2]  # her son: kept, word for word
        assert after[2].text == "Another family lost Liu Jianjun, a different boy."
        assert [w.word for w in after[2].words][3:5] == [" Liu", " Jianjun,"]
        assert [(w.start, w.end) for w in after[2].words] == [
            (w.start, w.end) for w in lines[2].words
        ]
        [kept, kept_again, changed] = checks
        assert (kept.written, kept.chosen) == ("Liu Jingjun", "Liu Jingjun") and kept.margin > 0
        assert (kept_again.written, kept_again.chosen) == ("Jingjun", "Jingjun")
        assert (changed.written, changed.chosen) == ("Liu Jingjun", "Liu Jianjun")
        assert changed.margin >= MARGIN
        assert [m.target_id for m in find_mentions(index, after)] == [OWN, OWN, TWIN]
    finally:
        archive.close()


def test_scoring_refuses_more_than_one_window_and_scores_an_empty_text_lowest() -> None:
    import math

    import numpy as np
    from tapelog.archive.errors import TranscriptionError
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.text_score import text_log_probs
    from tapelog.transcribe.types import TranscribeOptions

    model = get_engine(TranscribeOptions(model="tiny.en", cpu_threads=2)).model  # type: ignore[attr-defined]
    with pytest.raises(TranscriptionError):
        text_log_probs(model, np.zeros(16000 * 40, dtype=np.float32), ["words"], "en")
    got = text_log_probs(model, np.zeros(16000, dtype=np.float32), ["", "words", " "], "en")
    assert got[0] == -math.inf and got[2] == -math.inf and math.isfinite(got[1])
    assert text_log_probs(model, np.zeros(16000, dtype=np.float32), [], "en") == []


@pytest.mark.slow
def test_the_second_look_writes_the_twin_said_and_show_says_so(tmp_path: Path) -> None:
    """The mother's whole interview at the defaults: the second look writes "Liu
    Jingjun" over the other boy's name too, and the check puts "Liu Jianjun" back;
    ``show --json``'s names_given lists what was checked."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.second_look import names_for, names_given, second_look
    from tapelog.transcribe.types import TranscribeOptions

    archive = _archive(tmp_path / "a")
    try:
        [res] = archive.import_paths([DATA / "nl06_liu.ogg"])
        options = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2, names="")
        archive.transcribe(res.id, options)
        look = second_look(
            archive, res.id, names_for(archive, res.id, TranscribeOptions(language="en"))
        )
        assert look is not None
        twins = names_given(archive.get_transcript(archive.get_media(res.id).transcript_id))[
            "twins"
        ]
        flipped = [t for t in twins if t[2] != t[3]]
        assert [t[2:4] for t in flipped] == [["Liu Jingjun", "Liu Jianjun"]]
        assert 63.0 < flipped[0][0] < 66.2
        found = find_mentions(C.name_index(archive), archive.segments(res.id))
        assert any(m.target_id == TWIN and 63.0 < m.match_start < 66.2 for m in found)
        assert not any(m.target_id == OWN and 63.0 < m.match_start < 66.2 for m in found)
    finally:
        archive.close()
