"""Speech engines behind one small interface; faster-whisper is the one we ship.

The archive only needs "audio in, segments out, lazily": the caller saves each segment
as it comes (so a killed run keeps its work) and may stop early. Keeping that interface
this small is what lets another engine (whisper.cpp, a server) be added later.
"""

from __future__ import annotations

import dataclasses
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
from tapelog.transcribe.types import Segment, TranscribeOptions, TranscriptionInfo, Word

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
        them (``runaway="redo"``), or left out (``"skip"``: the caller has a plain
        decode of it, as the second look does)."""
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
        _budget_per_window(self.model)

    def detect_language(self, audio: np.ndarray) -> tuple[str, float]:
        """The spoken language of ``audio`` (its first 30 s) and Whisper's confidence."""
        language, probability = self.language_probabilities(audio)[0]
        return language, probability

    def language_probabilities(self, audio: np.ndarray) -> list[tuple[str, float]]:
        """Every language Whisper knows with its probability for ``audio``'s first 30 s,
        most probable first (``archive.language_choice`` chooses among the crew's)."""
        if not self.model.model.is_multilingual:
            raise UsageError(f"model '{self.model_name}' is English-only and cannot tell languages")
        try:
            _language, _probability, every = self.model.detect_language(
                audio=audio[: 30 * SAMPLE_RATE], vad_filter=True
            )
        except Exception as exc:
            raise TranscriptionError(f"language detection failed: {_first_line(exc)}") from exc
        return [(str(code), float(p)) for code, p in every]

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
            plain = {**kwargs, "language": info.language, "hotwords": None, "initial_prompt": None}
            for key in ("temperature", "max_new_tokens", "condition_on_previous_text"):
                plain.pop(key, None)
            biased = {**kwargs, "language": info.language}
            return result, self._guarded(segments, audio, biased, plain, offset, result, runaway)
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
        self, first, audio: np.ndarray, biased: dict, plain: dict, offset: float,
        info: TranscriptionInfo, runaway: str,
    ) -> Iterator[Segment]:  # fmt: skip
        """The biased run's segments; a window that runs away is decoded again without
        the vocabulary (``info.redone`` lists them), then the biased run resumes. After
        ``MAX_RUNAWAYS`` the rest of the file is decoded without it: names that keep
        pulling Whisper off would otherwise cost a wasted window each time.

        ``runaway="skip"`` (the second look, which has the plain decode already):
        a runaway window is left out instead of decoded again (``info.skipped``), and
        after ``MAX_RUNAWAYS`` the run stops."""
        total = len(audio) / SAMPLE_RATE
        names = vocabulary_items(biased.get("hotwords")) + vocabulary_items(
            biased.get("initial_prompt")
        )
        pos, it = 0.0, first
        while True:
            redo = None
            for raw in _raw(it):
                verdict = check(raw.text, raw.end - raw.start, raw.compression_ratio, names)
                if verdict.bad:
                    redo = (pos + float(raw.start), verdict.reason)
                    break
                seg = _convert(raw, offset + pos)
                if seg is not None:
                    yield seg
            if redo is None:
                return
            start, reason = redo
            if start - pos < 1.0:
                start = pos  # the run's first window: redo it from where it began
            end = min(total, start + WINDOW_S)
            out: list[Segment] = []
            if runaway == "skip":
                info.skipped.append((round(offset + start, 3), round(offset + end, 3), reason))
                resume, done = end, len(info.skipped)
            else:
                out, resume = self._plain_window(
                    audio, start, end, total, plain, offset, biased.get("max_new_tokens")
                )
                info.redone.append((round(offset + start, 3), round(offset + resume, 3), reason))
                done = len(info.redone)
            yield from out
            if resume >= total - 0.1:
                return
            pos = max(resume, start + 1.0)
            if done >= MAX_RUNAWAYS:
                if runaway == "skip":
                    return
                rest, _info = self.model.transcribe(_slice(audio, pos, total), **plain)
                info.redone.append((round(offset + pos, 3), round(offset + total, 3), "the rest"))
                yield from self._segments(rest, offset + pos)
                return
            it, _info = self.model.transcribe(_slice(audio, pos, total), **biased)

    def _plain_window(
        self, audio: np.ndarray, start: float, end: float, total: float, plain: dict,
        offset: float, budget: int | None,
    ) -> tuple[list[Segment], float]:  # fmt: skip
        """A runaway window decoded without the names, and where the biased run resumes:
        its end, or the start of its last sentence when the window cut it.

        Decoded once (temperature 0, within the token budget); only if that too looks
        like a loop, with Whisper's fallback to sampling. Measured on the names bench's
        Mandarin: the fallback on a runaway's silent tail took 4-6 decodes of up to 448
        tokens each, most of what made names cost 3x plain (BENCHMARKS.md)."""
        once = {**plain, "temperature": 0.0, "condition_on_previous_text": False}
        if budget:
            once["max_new_tokens"] = budget
        out: list[Segment] = []
        for kwargs in (once, plain):
            segs, _info = self.model.transcribe(_slice(audio, start, end), **kwargs)
            out = [s for s in (_convert(r, offset + start) for r in _raw(segs)) if s is not None]
            if not any(check(s.text, s.end - s.start).bad for s in out):
                break
        resume = end
        if end < total and out and out[-1].end - offset > end - 1.0 and len(out) > 1:
            resume = out.pop().start - offset  # cut mid-sentence: decode it again
        return out, resume

    @staticmethod
    def _segments(raw, offset: float) -> Iterator[Segment]:
        for seg in _raw(raw):
            out = _convert(seg, offset)
            if out is not None:
                yield out


def _budget_per_window(model) -> None:
    """Cap a guarded decode's tokens by the window's own length, not the file's.

    faster-whisper applies one ``max_new_tokens`` to every window; the budget is
    8 tokens a second of the *file* (200 at most), so the short last window of a
    file (under a second after VAD) could still write 200 tokens. Measured on the names
    bench: in every English second look that window repeated itself up to the cap,
    about half of the second look's tokens. The window's length is read from its
    features (``pad_or_trim`` pads them with zeros) as they go to the encoder.
    Only decodes that carry a budget (the guarded ones) are touched."""
    encode, generate = model.encode, model.generate_with_fallback
    seconds: list[float] = [WINDOW_S]

    def encode_window(features):
        frames = np.flatnonzero(
            np.any(np.asarray(features).reshape(-1, features.shape[-1]), axis=0)
        )
        seconds[0] = (int(frames[-1]) + 1) / 100.0 if frames.size else WINDOW_S  # 10 ms frames
        return encode(features)

    def generate_window(encoder_output, prompt, tokenizer, options):
        if options.max_new_tokens:
            cap = max(32, int(TOKENS_PER_S * seconds[0]) + 16)
            if cap < options.max_new_tokens:
                options = dataclasses.replace(options, max_new_tokens=cap)
        return generate(encoder_output, prompt, tokenizer, options)

    model.encode = encode_window
    model.generate_with_fallback = generate_window


WINDOW_S = 30.0  # Whisper's window: what a runaway spoils at most
MAX_RUNAWAYS = 2  # then the rest of the file goes without the names
# Tokens a biased window may write: 8 a second of audio is far above speech (English
# ~4, Mandarin ~6), and 200 leaves room in Whisper's 448 for the 224 of the names.
TOKENS_PER_S = 8
MAX_BIASED_TOKENS = 200


def _slice(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    return audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]


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
