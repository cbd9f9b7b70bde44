"""Editor-sized lines: long segments split at sentence ends, and at speaker changes."""

from __future__ import annotations

import numpy as np
from tapelog.transcribe.lines import split_sentences
from tapelog.transcribe.speakers import assign_speakers
from tapelog.transcribe.types import Segment, Word


def _seg(words: list[tuple[float, float, str]]) -> Segment:
    ws = [Word(s, e, w) for s, e, w in words]
    return Segment(ws[0].start, ws[-1].end, "".join(w.word for w in ws).strip(), ws)


def test_long_segment_splits_after_sentence_ends() -> None:
    seg = _seg(
        [(0, 1, " My"), (1, 2, " son."), (3, 4, " The"), (4, 12, " police?"), (13, 14, " Yes")]
    )
    lines = split_sentences(seg, max_s=10)
    assert [ln.text for ln in lines] == ["My son.", "The police?", "Yes"]
    assert [(ln.start, ln.end) for ln in lines] == [(0, 2), (3, 12), (13, 14)]


def test_short_or_wordless_segments_are_kept() -> None:
    short = _seg([(0, 1, " Hi."), (1, 2, " There.")])
    assert split_sentences(short, max_s=10) == [short]
    bare = Segment(0, 30, "A long line. Without words.")
    assert split_sentences(bare, max_s=10) == [bare]


def test_segment_spanning_two_speakers_is_split_at_the_turn() -> None:
    frame = 0.1
    env = np.zeros((2, 100))
    env[0, 0:30] = 0.5  # interviewer 0-3 s on channel 1
    env[1, 30:80] = 0.5  # subject 3-8 s on channel 2
    env[0, 55] = 0.9  # a cough on channel 1 in the middle of the answer
    seg = _seg(
        [
            (0.2, 1.0, " When"),
            (1.0, 2.8, " did?"),
            (3.1, 4.0, " In"),
            (5.4, 5.7, " 2007"),
            (6.0, 7.5, " yes."),
        ]
    )
    out = assign_speakers([seg], env, frame)
    assert [(s.speaker, s.text) for s in out] == [("CH1", "When did?"), ("CH2", "In 2007 yes.")]
    assert out[0].start == seg.start and out[-1].end == seg.end


def test_english_only_model_given_as_a_directory_refuses_other_languages() -> None:
    import pytest
    from tapelog.archive.errors import UsageError
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.models import resolve_model
    from tapelog.transcribe.types import TranscribeOptions

    path = resolve_model("tiny.en")  # a directory: its name does not say ".en"
    options = TranscribeOptions(model=path, language="zh")
    engine = get_engine(TranscribeOptions(model=path))
    with pytest.raises(UsageError, match="English-only"):
        engine.transcribe(np.zeros(16000, dtype=np.float32), options)
