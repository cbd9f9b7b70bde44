"""Runaway windows: what transcribe.guard calls a loop, and what it lets through."""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.transcribe.guard import check, most_repeated, vocabulary_items

RUNAWAY_EN = (
    "We were in 18 million. And then we went to 18 million. And then we went to "
    "18 million. And then we went to 18 million. We went to the meeting in 18 million."
)
LOOP_ZH = "我们每天都在找他" * 6


@pytest.mark.parametrize("text, seconds", [(RUNAWAY_EN, 12.0), (LOOP_ZH, 4.0)])
def test_loops_are_caught(text, seconds):
    verdict = check(text, seconds)
    assert verdict.bad and verdict.reason


def test_too_many_words_for_the_time_is_a_runaway():
    text = "this was by the time we got over a few years ago so it was passed in twenty"
    assert check(text, 1.5).bad
    assert not check(text, 6.0).bad


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("My son Liu Jingjun was taken from the alley behind our room.", 3.5),
        ("A man called and asked for 50,000 yuan.", 2.6),
        ("我的儿子刘晶军在太原被人拐走了。我们每天晚上都在网上寻找他。", 8.0),
        ("Yes. Yes. Every single day.", 2.0),
        ("", 1.0),
    ],
)
def test_ordinary_speech_passes(text, seconds):
    assert not check(text, seconds).bad


def test_most_repeated_counts_words_or_characters():
    assert most_repeated("to go to the meeting to go to the meeting to go to") == 3
    assert most_repeated("我们每天我们每天我们每天") == 3


def test_a_window_that_reads_the_names_back_is_caught():
    vocab = vocabulary_items("赵明轩、黄子涵、张浩然、罗润、刘景军、罗仁、邓宇欣。")
    assert check(
        "罗润、刘天晨、赵明贤、蔡亚、白约、黄子涵、罗仁、邓宇欣、王晨、赵晨。", 10, None, vocab
    ).bad
    assert not check("我的儿子刘景军在太原被人拐走了。", 4, None, vocab).bad
    en = vocabulary_items("Zhao Mingxuan, Mingxuan, Hefei, Huang Zihan, Zihan, Nanning.")
    assert check("Zhao Mingxuan, Hefei, Huang Zihan, Nanning.", 4, None, en).bad
    assert not check("This is the story of Zhao Mingxuan, who was found in Hefei.", 4, None, en).bad


class Counting:
    """CTranslate2's Whisper behind faster-whisper, counting what it is asked to do:
    encoder runs, and per decode its prompt and the tokens it wrote."""

    def __init__(self, model) -> None:
        self._model = model
        self.encodes = 0
        self.decodes: list[tuple[list[int], int]] = []

    def encode(self, *args, **kwargs):
        self.encodes += 1
        return self._model.encode(*args, **kwargs)

    def generate(self, features, prompts, **kwargs):
        out = self._model.generate(features, prompts, **kwargs)
        self.decodes.append((list(prompts[0]), len(out[0].sequences_ids[0])))
        return out

    def __getattr__(self, name):
        return getattr(self._model, name)


VOCAB_ZH = (
    "赵明轩、黄子涵、张浩然、邓宇轩、王晓雨、乐乐、罗润、刘景军、赵明贤、罗仁、刘建军、张浩洋。"
)


@pytest.mark.slow
def test_mandarin_with_forced_names_never_loops_and_costs_a_probe(tmp_path, monkeypatch) -> None:
    """The 10 s Mandarin sample with every case name in characters: before the guard,
    Whisper read the names back as a list and took 47-73 s. Now the names' decode
    stops after a probe of ``PROBE_TOKENS`` (it wrote 94 tokens, its whole budget,
    before), the window is redone without the names on the same encoder output (it
    was encoded again), once at temperature 0, and gives the plain decode's words."""
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import FasterWhisperEngine
    from tapelog.transcribe.types import TranscribeOptions
    from tapelog.transcribe.windows import PROBE_TOKENS

    from tests.conftest import MEDIA

    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    engine = FasterWhisperEngine("base", cpu_threads=2)
    counting = Counting(engine.model.model)
    engine.model.model = counting
    audio = load_audio(MEDIA / "mandarin_zh.wav")
    plain_opts = TranscribeOptions(model="base", language="zh")
    _info, plain = engine.transcribe(audio, plain_opts)
    plain_text = [s.text for s in plain]
    assert counting.encodes == 1
    sot_prev = engine.model.hf_tokenizer.token_to_id("<|startofprev|>")
    for field in ("hotwords", "initial_prompt"):
        counting.decodes.clear()
        info, segs = engine.transcribe(
            audio, TranscribeOptions(**{**plain_opts.to_dict(), field: VOCAB_ZH})
        )
        texts = [s.text for s in segs]
        assert all(not check(t, 10.0).bad for t in texts)
        assert info.redone and info.redone[0][2] == "reads the names back"
        assert texts == plain_text
        with_names = [n for prompt, n in counting.decodes if prompt[0] == sot_prev]
        without = [n for prompt, n in counting.decodes if prompt[0] != sot_prev]
        assert with_names and sum(with_names) <= PROBE_TOKENS + 1, counting.decodes
        # The redo: Whisper's fallback cut at 0.2 (the plain pass kept its 0.2 decode
        # here), not its four hotter decodes of up to 448 tokens each.
        assert 1 <= len(without) <= 2, counting.decodes
    assert counting.encodes == 1  # the one window was encoded once for all three runs
    # The second look has the plain decode already: the runaway window gets it, free.
    options = TranscribeOptions(**{**plain_opts.to_dict(), "hotwords": VOCAB_ZH})
    counting.decodes.clear()
    info, segs = engine.transcribe(audio, options, runaway="skip")
    assert [s.text for s in segs] == plain_text and info.redone == []
    assert [r[2] for r in info.skipped] == ["reads the names back"]
    assert len(counting.decodes) == 1 and counting.encodes == 1


def test_a_guarded_window_gets_the_budget_of_its_own_length() -> None:
    """The last window of a file is often under a second after VAD; with the file's
    budget (200 tokens) Whisper given names repeated itself up to it in every English
    second look. The budget now follows the window's frames (padding is zeros). A plain
    window that short is decoded once, at temperature 0, without the text before it
    (base's fallback spent 66 s of CPU on zh08's 0.8 s tail); a longer one is untouched."""
    from dataclasses import dataclass

    import numpy as np
    from tapelog.transcribe.windows import WindowWatch

    @dataclass
    class Options:  # the fields the wrapper reads, as faster-whisper names them
        max_new_tokens: int | None
        temperatures: tuple[float, ...] = (0.0, 0.2, 0.4)
        log_prob_threshold: float | None = -1.0
        compression_ratio_threshold: float | None = 2.4

    asked: list[tuple[int | None, tuple[float, ...], list[int]]] = []

    class Model:  # stands in for faster-whisper's WhisperModel at its two calls
        def encode(self, features):
            return features

        def generate_with_fallback(self, encoder_output, prompt, tokenizer, options):
            asked.append((options.max_new_tokens, options.temperatures, prompt))
            return "a decode", -2.5, 0.0, 1.1  # what the fallback would try again

    class Tokenizer:
        language, task, sot = 1, 2, 50258

    model = Model()
    WindowWatch(model)
    window = np.zeros((80, 3000), np.float32)
    window[:, :100] = 0.5  # one second of sound, then the padding
    before = [50361, 7, 8, 50258, 3]  # previous text, then the start of transcript
    model.encode(window)
    model.generate_with_fallback(None, before, Tokenizer(), Options(200))
    nothing = model.generate_with_fallback(None, before, Tokenizer(), Options(None))  # plain
    assert nothing[0].no_speech_prob == 1.0  # under Whisper's log-probability: no speech
    window[:, :3000] = 0.5  # a full 30 s window keeps the file's budget
    model.encode(window)
    model.generate_with_fallback(None, before, Tokenizer(), Options(200))
    model.generate_with_fallback(None, before, Tokenizer(), Options(None))
    fallback = (0.0, 0.2, 0.4)
    assert asked == [
        (32, fallback, before),  # guarded: its own budget
        (32, (0.0,), [50258, 3]),  # plain: once, at temperature 0, without the text before
        (200, fallback, before),
        (None, fallback, before),
    ]


def test_the_encoder_output_is_kept_for_a_files_windows_only() -> None:
    """The same window's features give the encoder output kept; a plain pass of another
    file (``new_file``) empties it; no more than ``windows`` are kept."""
    import numpy as np
    from tapelog.transcribe.windows import WindowWatch

    class Model:
        runs = 0

        def encode(self, features):
            Model.runs += 1
            return object()

        def generate_with_fallback(self, *args):
            return None

    model = Model()
    watch = WindowWatch(model, windows=2)
    a, b, c = (np.full((80, 3000), v, np.float32) for v in (0.1, 0.2, 0.3))
    first = model.encode(a)
    assert model.encode(a.copy()) is first and Model.runs == 1
    model.encode(b), model.encode(c), model.encode(c)
    assert Model.runs == 4  # c was not kept: two windows at most
    watch.new_file()
    model.encode(a)
    assert Model.runs == 5 and watch.counts.hits == 1
    # Another thread (a second TUI worker on the same engine) has its own file: its
    # plain pass does not empty this thread's windows.
    import threading

    other = threading.Thread(target=lambda: (watch.new_file(), model.encode(b)))
    other.start()
    other.join()
    assert Model.runs == 6
    model.encode(a)  # still this thread's
    assert Model.runs == 6 and watch.counts.hits == 2


def test_a_probe_that_lists_names_is_caught_from_one_name() -> None:
    """A window's first tokens under names, as base wrote them on zh01: one name twice
    and made-up ones, listed with 、. Speech with one name, or a short 、 list, passes."""
    vocab = vocabulary_items(VOCAB_ZH)
    assert check("黄子涵、黄子涵、邓宇、刘宇、刘", 30, None, vocab).bad
    assert not check("我的儿子罗润、他的妈妈和我都在找他。", 4, None, vocab).bad
    assert not check("罗润、乐乐和小明都在学校里读书。", 3, None, vocab).bad


def test_a_short_answer_said_twice_is_speech_not_a_loop() -> None:
    """The guarded run drops a line said again word for word (a loop across segments),
    but "Yes." or "对。" twice in a row is what people say."""
    from tapelog.transcribe.engine import _long_line

    assert not _long_line("Yes.") and not _long_line("Okay, okay.") and not _long_line("对。")
    assert _long_line("we went to the police station") and _long_line("我们每天都在找孩子")


@pytest.mark.slow
def test_a_short_tail_is_decoded_once_and_junk_is_no_speech() -> None:
    """zh08 (natural voice, 60 s): base's fallback spent 66 s of CPU on its 0.8 s tail
    and wrote a sentence nobody said there (58.8-59.5 s). Decoded once, junk is no
    speech: the transcript ends with what was said."""
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    names = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"
    audio = load_audio(names / "zh08_peng.ogg")
    options = TranscribeOptions(model="base", language="zh", word_timestamps=True, vad=True)
    _info, segs = get_engine(options).transcribe(audio, options)
    segs = list(segs)
    assert segs and segs[-1].end <= 58.8, [(s.start, s.text) for s in segs[-2:]]
    assert "每年春節" in "".join(s.text for s in segs) or "每年春节" in "".join(
        s.text for s in segs
    )


def test_a_sentence_that_names_two_of_the_names_is_not_read_back():
    """Half of "I am Huang Lijuan, and I still live in Nanning" is names given; base's
    closer look wrote it on natural20's nt06, and this guard took it for the list read
    back, so the window was dropped. Words of its own make it a sentence."""
    en = vocabulary_items("Huang Zihan, Zihan, Nanning, Huang Lijuan.")
    assert not check("I am Huang Lijuan, and I still live in Nanning.", 3, None, en).bad
    assert check("Huang Lijuan in Nanning.", 3, None, en).bad  # no words of its own
    assert check("Huang Lijuan and Nanning and Huang Zihan.", 3, None, en).bad
