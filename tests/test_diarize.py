"""Who speaks when on one track: real audio from the generated set (bench/data/diar)
and the committed samples; the spectral embedder (no weights) unless said."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tapelog.archive.errors import UsageError
from tapelog.media.audio import load_audio
from tapelog.transcribe.diarize import Turn, diarize, merge_with_channels, turn_labeller
from tapelog.transcribe.embedders import available, choose
from tapelog.transcribe.speakers import label_segments
from tapelog.transcribe.types import Segment, Word

from bench.der import der, read_rttm

REPO = Path(__file__).resolve().parent.parent
DIAR = REPO / "bench" / "data" / "diar"
MEDIA = REPO / "samples" / "media"
TRUTH = {c["file"]: c for c in json.loads((DIAR / "truth.json").read_text())["conversations"]}


def _der(name: str, d) -> float:
    ref = read_rttm((DIAR / name.replace(".ogg", ".rttm")).read_text())
    return der(ref, [(t.speaker, t.start, t.end) for t in d.turns]).rate


@pytest.mark.parametrize("name", ["conv01.ogg", "conv04.ogg"])  # clean; music under it
def test_two_voices_found_and_told_apart(name):
    d = diarize(load_audio(DIAR / name))
    assert d.speakers == ["S1", "S2"]
    assert _der(name, d) < 0.15
    assert set(d.prints) == {"S1", "S2"} and len(d.prints["S1"]) > 10


def test_given_number_of_speakers():
    d = diarize(load_audio(DIAR / "conv07.ogg"), speakers=3)
    assert len(d.speakers) == 3
    assert _der("conv07.ogg", d) < 0.15


def test_one_voice_is_one_speaker():
    # Clustering alone split this one voice in four (by what it says); delta-BIC joins it.
    assert diarize(load_audio(MEDIA / "interview_liu.mov")).speakers == ["S1"]


def test_silence_music_and_tiny_files_give_nobody():
    assert diarize(load_audio(MEDIA / "silence.wav")).turns == []
    t = np.arange(16000 * 6) / 16000
    music = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * 0.05
    assert len(diarize(music.astype(np.float32)).speakers) <= 1
    short = load_audio(DIAR / "conv01.ogg")[: int(1.5 * 16000)]
    assert len(diarize(short).speakers) <= 1
    assert diarize(np.zeros(100, dtype=np.float32)).turns == []


def test_bad_speaker_counts_and_models_are_usage_errors():
    with pytest.raises(UsageError):
        diarize(np.zeros(16000, dtype=np.float32), speakers=0)
    with pytest.raises(UsageError):
        diarize(np.zeros(16000, dtype=np.float32), speakers=99)
    if "campp" not in available():
        with pytest.raises(UsageError, match="voices"):
            choose("campp")
    assert choose("spectral") == "spectral"


def _seg(start, end, words):
    return Segment(start, end, " ".join(w[2] for w in words), [Word(*w) for w in words])


def test_lines_split_where_the_voice_changes():
    turns = [Turn("S1", 0.0, 2.0), Turn("S2", 2.1, 4.0)]
    seg = _seg(
        0.0,
        4.0,
        [(0.1, 0.9, " Who"), (1.0, 1.9, " helped?"), (2.2, 3.0, " Peng"), (3.1, 3.9, " did.")],
    )
    out = label_segments([seg], turn_labeller(turns))
    assert [(s.speaker, s.text) for s in out] == [("S1", "Who helped?"), ("S2", "Peng did.")]


def test_channels_kept_and_a_third_voice_added():
    segs = [
        Segment(0, 5, "a", speaker="CH1"),
        Segment(5, 10, "b", speaker="CH2"),
        Segment(10, 15, "c", speaker="CH2"),
        Segment(15, 20, "d", speaker="CH1"),
    ]
    two = [Turn("S1", 0, 5), Turn("S2", 5, 15), Turn("S1", 15, 20)]
    assert [s.speaker for s in merge_with_channels(segs, two)] == ["CH1", "CH2", "CH2", "CH1"]
    # The camera mic (CH2) hears the interviewer and a third person the lav does not.
    three = [Turn("S1", 0, 5), Turn("S2", 5, 10), Turn("S3", 10, 15), Turn("S1", 15, 20)]
    assert [s.speaker for s in merge_with_channels(segs, three)] == ["CH1", "CH2", "S3", "CH1"]


@pytest.mark.skipif("campp" not in available(), reason="the [voices] extra is not installed")
def test_campp_voice_prints_carry_across_files():
    """The same person in two files sounds alike to CAM++, another person does not."""
    from tapelog.archive.voices import MATCH_THRESHOLD, _cos

    a = diarize(load_audio(DIAR / "conv03.ogg"), embedder="campp", speakers=2)
    b = diarize(load_audio(DIAR / "conv05.ogg"), embedder="campp", speakers=2)

    def who(d, name):
        ref = read_rttm((DIAR / name.replace(".ogg", ".rttm")).read_text())
        out = {}
        for label in d.prints:
            talk = {}
            for t in d.turns:
                for r, s, e in ref:
                    if t.speaker == label and s < t.end and e > t.start:
                        talk[r] = talk.get(r, 0) + min(e, t.end) - max(s, t.start)
            out[max(talk, key=talk.get)] = d.prints[label]
        return out

    pa, pb = who(a, "conv03.ogg"), who(b, "conv05.ogg")
    assert _cos(pa["Peng_Gaofeng"], pb["Peng_Gaofeng"]) >= MATCH_THRESHOLD
    assert _cos(pa["Sun_Haiyang"], pb["Xing_Dan"]) < MATCH_THRESHOLD
    assert _cos(pa["Sun_Haiyang"], pb["Peng_Gaofeng"]) < MATCH_THRESHOLD


def test_prints_cost_a_sample_of_windows_per_speaker():
    """With a second embedder for prints, only ``PRINT_WINDOWS`` windows per speaker
    go through it, and at most ``CHECK_WINDOWS`` more for the archive's window check
    (a cost per speaker, not per hour); turns come from the grouping."""
    from tapelog.transcribe.diarize import CHECK_WINDOWS, PRINT_WINDOWS, group, listen
    from tapelog.transcribe.embedders import SpectralEmbedder

    class Counting(SpectralEmbedder):
        name = "counted"
        seen = 0

        def embed(self, fb, windows):
            Counting.seen += len(windows)
            return super().embed(fb, windows)

    heard = listen(load_audio(DIAR / "conv01.ogg"))
    alone = group(heard)
    d = group(heard, voice=Counting())
    assert len(heard.windows) > 4 * PRINT_WINDOWS
    assert 0 < Counting.seen <= (PRINT_WINDOWS + CHECK_WINDOWS) * len(d.speakers)
    assert d.embedder == "counted" and d.turns == alone.turns and set(d.prints) == {"S1", "S2"}


@pytest.mark.skipif("campp" not in available(), reason="the [voices] extra is not installed")
def test_two_voices_grouped_as_one_are_split_by_campp():
    """conv08 (Sun Haiyang, Peng Gaofeng, Luo Run): the spectral grouping hears Peng
    and Luo as one speaker (DER ~31%); their CAM++ windows split in two, so with CAM++
    prints the speaker is split, and every print left is one voice."""
    from tapelog.transcribe.diarize import CHECK_WINDOWS, ONE_VOICE

    audio = load_audio(DIAR / "conv08.ogg")
    alone = diarize(audio)
    d = diarize(audio, embedder="campp")
    assert len(alone.speakers) == 2 and _der("conv08.ogg", alone) > 0.25
    assert len(d.speakers) == 3 and _der("conv08.ogg", d) < 0.05
    assert set(d.agreement) == set(d.prints)
    assert all(a >= ONE_VOICE for a in d.agreement.values()), d.agreement
    # Windows spread over each speaker are kept, as unit vectors, for the archive's
    # window-by-window check against known voices.
    assert set(d.windows) == set(d.prints)
    for w in d.windows.values():
        assert 3 <= len(w) <= CHECK_WINDOWS and w.shape[1] == len(d.prints["S1"])
        assert np.allclose(np.linalg.norm(w, axis=1), 1.0, atol=1e-4)
    # Told the number of speakers, nothing is split.
    assert len(diarize(audio, embedder="campp", speakers=2).speakers) == 2


def test_print_agreement_tells_one_voice_from_two():
    from tapelog.transcribe.diarize import MIN_PART, print_agreement

    rng = np.random.default_rng(7)
    one, two = rng.normal(size=192), rng.normal(size=192)
    same = one + 0.5 * rng.normal(size=(12, 192))
    both = np.vstack([one + 0.5 * rng.normal(size=(6, 192)), two + 0.5 * rng.normal(size=(6, 192))])
    stray = np.vstack([same[:10], two + 0.5 * rng.normal(size=(MIN_PART - 1, 192))])
    assert print_agreement(both) < 0.5 < 0.7 < print_agreement(same)
    assert print_agreement(stray) == 1.0  # a window or two of another voice is not a voice
    assert print_agreement(same[:4]) == 1.0  # too few to split
