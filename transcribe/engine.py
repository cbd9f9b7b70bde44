"""Speech engines behind one small interface; faster-whisper is the one we ship.

The archive only needs "audio in, segments out, lazily": the caller saves each segment
as it comes (so a killed run keeps its work) and may stop early. Keeping that interface
this small is what lets another engine (whisper.cpp, a server) be added later.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np
from tapelog.archive.errors import ModelError, TranscriptionError, UsageError
from tapelog.transcribe.checks import DEVICES, batch_size_for, check_language, check_options
from tapelog.transcribe.device import CUDA_LIBRARIES, missing_cuda_libraries, resolve_device
from tapelog.transcribe.guard import check, vocabulary_items
from tapelog.transcribe.models import resolve_model
from tapelog.transcribe.types import (
    DETECT_WINDOWS,
    SURE_LANGUAGE,
    Segment,
    TranscribeOptions,
    TranscriptionInfo,
    Word,
)
from tapelog.transcribe.windows import (
    MAX_BIASED_TOKENS,
    PREVIOUS_TOKENS,
    TOKENS_PER_S,
    WINDOW_S,
    Guard,
    WindowWatch,
)

SAMPLE_RATE = 16000
SEED = 1234
__all__ = ["CUDA_LIBRARIES", "DEVICES", "SAMPLE_RATE", "SEED", "Engine", "FasterWhisperEngine",
           "check_language", "check_options", "get_engine", "missing_cuda_libraries",
           "resolve_device"]  # fmt: skip


class Engine(Protocol):
    name: str

    def transcribe(
        self, audio: np.ndarray, options: TranscribeOptions, offset: float = 0.0,
        runaway: str = "redo",
    ) -> tuple[TranscriptionInfo, Iterator[Segment]]:  # fmt: skip
        """Transcribe float32 16 kHz mono ``audio``; segment times are shifted by ``offset``.

        With names given to Whisper, a window that runs away is decoded again without
        them (``runaway="redo"``), or (``"skip"``: the caller has a plain decode of it,
        as the second look does) given the plain pass's decode of that window when the
        engine still holds it, else left out; ``"drop"``: left out (a clip of a file whose
        plain transcript the caller holds)."""
        ...

    def detect_language(self, audio: np.ndarray) -> tuple[str, float]:
        """The language spoken in ``audio`` and the engine's confidence (0-1)."""
        ...

    def language_probabilities(self, audio: np.ndarray) -> list[tuple[str, float]]:
        """Every language with its probability for ``audio``, most probable first."""
        ...


class FasterWhisperEngine:
    """faster-whisper (CTranslate2) on the CPU."""

    name = "faster-whisper"

    def __init__(
        self, model: str, compute_type: str = "int8", cpu_threads: int = 0, device: str = "cpu"
    ) -> None:
        from faster_whisper import WhisperModel

        self.model_name = model
        self.device = resolve_device(device)
        path = resolve_model(model)
        is_hub_name = path == model and not os.path.isdir(path)
        # A hub name is looked up in the local Hugging Face cache only: tapelog works
        # offline, and a download attempt on a machine whose network drops packets can
        # stall for a long time before failing. TAPELOG_ALLOW_DOWNLOAD=1 opts in.
        allow_download = is_hub_name and os.environ.get("TAPELOG_ALLOW_DOWNLOAD") == "1"
        try:
            self.model = WhisperModel(
                path,
                device=self.device,
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                local_files_only=not allow_download,
            )
        except Exception as exc:  # hub errors, missing files: many types, one message
            if not is_hub_name:
                raise ModelError(f"model '{model}' cannot be loaded: {_first_line(exc)}") from exc
            if "Invalid model size" in str(exc):  # faster-whisper: a name it does not know
                raise ModelError(
                    f"unknown model '{model}': use tiny.en, base, a local CTranslate2 model "
                    "directory, or a Whisper model name such as small.en"
                ) from exc
            hint = "" if allow_download else " (set TAPELOG_ALLOW_DOWNLOAD=1 to download it)"
            raise ModelError(
                f"model '{model}' is not available offline{hint}; use tiny.en, base, "
                "or a local CTranslate2 model directory"
            ) from exc
        self._batched = None
        self.watch = WindowWatch(self.model)

    def detect_language(self, audio: np.ndarray) -> tuple[str, float]:
        """The spoken language of ``audio`` (its first 30 s) and Whisper's confidence."""
        language, probability = self.language_probabilities(audio)[0]
        return language, probability

    def language_probabilities(self, audio: np.ndarray) -> list[tuple[str, float]]:
        """Every language Whisper knows with its probability for ``audio``, most probable
        first (``archive.language_choice`` chooses among the crew's): the mean over its
        30 s windows, ``DETECT_WINDOWS`` at most. One window of espeak-ng's Mandarin was
        Thai at 0.68 on one CPU (zh 0.21) and Mandarin at 0.36 in the next; faster-whisper
        keeps the last window's figures only, so the windows are asked one by one; only
        when the first is unsure (under ``SURE_LANGUAGE``), as each costs an encoder run
        and Silero's voice detection (0.3 s CPU for one window, 2.3 s for three, base)."""
        if not self.model.model.is_multilingual:
            raise UsageError(f"model '{self.model_name}' is English-only and cannot tell languages")
        window = 30 * SAMPLE_RATE
        starts = [a for a in range(0, max(len(audio), 1), window)][:DETECT_WINDOWS]
        # A last piece under 10 s says little; it counts only when it is all there is.
        starts = [a for a in starts if a == 0 or len(audio) - a >= 10 * SAMPLE_RATE]
        total: dict[str, float] = {}
        asked = 0
        for a in starts:
            try:
                _language, _probability, every = self.model.detect_language(
                    audio=audio[a : a + window], vad_filter=True
                )
            except Exception as exc:
                if asked:
                    continue  # a later window without speech: the earlier ones stand
                raise TranscriptionError(f"language detection failed: {_first_line(exc)}") from exc
            asked += 1
            for code, p in every:
                total[str(code)] = total.get(str(code), 0.0) + float(p)
            if asked == 1 and every and float(every[0][1]) >= SURE_LANGUAGE:
                break  # sure from the first window (most speech): no more encoder runs
        ranked = [(code, p / asked) for code, p in total.items()]
        return sorted(ranked, key=lambda x: -x[1])

    def _pipeline(self):
        """faster-whisper's batched pipeline over the same loaded model, made once."""
        if self._batched is None:
            from faster_whisper import BatchedInferencePipeline

            self._batched = BatchedInferencePipeline(self.model)
        return self._batched

    def transcribe(
        self, audio: np.ndarray, options: TranscribeOptions, offset: float = 0.0,
        runaway: str = "redo",
    ) -> tuple[TranscriptionInfo, Iterator[Segment]]:  # fmt: skip
        check_options(options)
        if not self.model.model.is_multilingual and (
            options.task == "translate" or options.language not in (None, "en")
        ):
            # A directory does not say ".en" in its name; the loaded model knows.
            raise UsageError(
                f"model '{self.model_name}' is English-only: it can neither translate nor "
                "transcribe other languages; use --model base"
            )
        duration = len(audio) / SAMPLE_RATE
        if len(audio) < SAMPLE_RATE // 10:
            # Nothing left to hear (a resumed run at the very end, or an empty file).
            info = TranscriptionInfo(options.language, None, offset + duration, self.model_name)
            return info, iter(())
        kwargs: dict[str, Any] = dict(
            language=options.language,
            task=options.task,
            beam_size=options.beam_size,
            vad_filter=options.vad,
            initial_prompt=options.initial_prompt,
            hotwords=options.hotwords,
            word_timestamps=options.word_timestamps,
        )
        try:
            # Whisper falls back to sampling (temperature > 0) on windows it decodes
            # badly; a fixed seed makes a re-run of the same audio give the same text.
            import ctranslate2

            ctranslate2.set_random_seed(SEED)
            batch = batch_size_for(options)
            guarded = bool(options.hotwords or options.initial_prompt) and not batch
            if guarded:
                # One decode per window with the names (no temperature fallback), and
                # no more tokens than speech can hold: a window that runs away is cut
                # short, then redone without them (transcribe.guard).
                kwargs["temperature"] = 0.0
                kwargs["condition_on_previous_text"] = False  # a loop cannot carry on
                budget = self._token_budget(options, duration)
                if budget:
                    kwargs["max_new_tokens"] = budget
            if not guarded:
                self.watch.new_file()  # the windows kept are this file's (the second look's)
            if batch > 0:
                segments, info = self._pipeline().transcribe(audio, batch_size=batch, **kwargs)
            else:
                segments, info = self.model.transcribe(audio, **kwargs)
        except Exception as exc:
            raise TranscriptionError(f"the speech engine failed: {_first_line(exc)}") from exc
        result = TranscriptionInfo(
            language=info.language,
            language_probability=info.language_probability,
            duration=offset + duration,
            model=self.model_name,
        )
        if guarded:
            names = vocabulary_items(options.hotwords) + vocabulary_items(options.initial_prompt)
            guarded_run = self._guarded(
                segments, audio, names, offset, result, runaway, options.word_timestamps
            )
            return result, guarded_run
        return result, self._segments(segments, offset)

    def _token_budget(self, options: TranscribeOptions, duration: float) -> int | None:
        """Tokens a window decoded with names may write: no more than speech can hold
        (8 a second), within what Whisper's 448 leave after the names (None: too little
        room left to cap it safely)."""
        used = 8  # start-of-transcript, language, task, timestamps
        for text in (options.hotwords, options.initial_prompt):
            if text:
                ids = self.model.hf_tokenizer.encode(" " + text.strip(), add_special_tokens=False)
                used += min(len(ids.ids), 223) + 1  # faster-whisper keeps at most 223
        room = 448 - used
        wanted = min(MAX_BIASED_TOKENS, int(TOKENS_PER_S * min(duration, WINDOW_S)) + 16)
        budget = min(wanted, room)
        return budget if budget >= 32 else None

    def _guarded(
        self, first, audio: np.ndarray, names: list[str], offset: float,
        info: TranscriptionInfo, runaway: str, words: bool,
    ) -> Iterator[Segment]:  # fmt: skip
        """The biased run's segments, each window judged as it is decoded
        (``transcribe.windows``): a runaway window is decoded again without the names on
        the same encoder output (``info.redone``), or, for the second look
        (``runaway="skip"``), given the plain pass's decode of it (``info.skipped``).
        After ``MAX_RUNAWAYS`` the rest goes without the names. A segment that still
        looks like a loop is dropped: no loop reaches the transcript."""
        guard = Guard(names, runaway, words=words)
        events = info.skipped if runaway in ("skip", "drop") else info.redone
        total = offset + len(audio) / SAMPLE_RATE
        it, last_end = iter(first), offset
        recent: list[str] = []  # the last segments' texts: one said again is a loop

        def note(until: int) -> None:
            for reason, seconds in guard.events[len(events) : until]:
                end = min(total, last_end + seconds)
                events.append((round(last_end, 3), round(end, 3), reason))

        while True:
            self.watch.guarding(guard)
            try:
                raw = next(it)
            except StopIteration:
                break
            except Exception as exc:
                raise TranscriptionError(f"the speech engine failed: {_first_line(exc)}") from exc
            finally:
                self.watch.guarding(None)
            note(len(guard.events))
            seg = _convert(raw, offset)
            said_again = seg is not None and seg.text in recent and _long_line(seg.text)
            if seg is None or check(seg.text, seg.end - seg.start).bad or said_again:
                continue  # a loop, within a segment or across them ("Yes." twice is speech)
            recent = [*recent[-2:], seg.text]
            guard.previous = [*guard.previous, *(raw.tokens or [])][-PREVIOUS_TOKENS:]
            last_end = seg.end
            yield seg
        note(len(guard.events))

    @staticmethod
    def _segments(raw, offset: float) -> Iterator[Segment]:
        for seg in _raw(raw):
            out = _convert(seg, offset)
            if out is not None:
                yield out


def _long_line(text: str) -> bool:
    """A line long enough that saying it again word for word is a loop, not an answer
    ("Yes.", "对。" twice in a row are speech): four words, or six Chinese characters."""
    han = sum(1 for c in text if "\u3400" <= c <= "\u9fff")
    return han >= 6 or len(text.split()) >= 4


def _raw(segments) -> Iterator:
    """faster-whisper's segments; decoding happens here, lazily: one error message."""
    it = iter(segments)
    while True:
        try:
            seg = next(it)
        except StopIteration:
            return
        except Exception as exc:
            raise TranscriptionError(f"the speech engine failed: {_first_line(exc)}") from exc
        yield seg


def _convert(seg, offset: float) -> Segment | None:
    text = seg.text.strip()
    if not text:
        return None
    words = [
        Word(
            start=round(float(w.start) + offset, 3),
            end=round(float(w.end) + offset, 3),
            word=w.word,
            probability=round(float(w.probability), 4),
        )
        for w in (seg.words or [])
    ]
    return Segment(
        start=round(float(seg.start) + offset, 3),
        end=round(float(seg.end) + offset, 3),
        text=text,
        words=words,
        avg_logprob=seg.avg_logprob,
        no_speech_prob=seg.no_speech_prob,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_ENGINES: dict[tuple[str, str, int, str], FasterWhisperEngine] = {}
_LOCK = threading.Lock()


def get_engine(options: TranscribeOptions) -> Engine:
    """A loaded engine for these options, reused in-process (loading costs ~1 s)."""
    check_options(options)
    key = (options.model, options.compute_type, options.cpu_threads, options.device)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = FasterWhisperEngine(
                options.model, options.compute_type, options.cpu_threads, options.device
            )
            _ENGINES[key] = engine
        return engine
