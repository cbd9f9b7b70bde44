"""Speech engines behind one small interface; faster-whisper is the one we ship.

The archive only needs "audio in, segments out, lazily": the caller saves each segment
as it comes (so a killed run keeps its work) and may stop early. Keeping that interface
this small is what lets another engine (whisper.cpp, a server) be added later.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Protocol

import numpy as np

from archive.errors import ModelError, TranscriptionError, UsageError
from transcribe.models import is_english_only, resolve_model
from transcribe.types import Segment, TranscribeOptions, TranscriptionInfo, Word

SAMPLE_RATE = 16000


class Engine(Protocol):
    name: str

    def transcribe(
        self, audio: np.ndarray, options: TranscribeOptions, offset: float = 0.0
    ) -> tuple[TranscriptionInfo, Iterator[Segment]]:
        """Transcribe float32 16 kHz mono ``audio``; segment times are shifted by ``offset``."""
        ...


def check_options(options: TranscribeOptions) -> None:
    """Refuse combinations the model cannot do, before loading anything."""
    if options.task not in ("transcribe", "translate"):
        raise UsageError(f"unknown task '{options.task}' (transcribe or translate)")
    if is_english_only(options.model):
        if options.task == "translate":
            raise UsageError(
                f"model '{options.model}' is English-only and cannot translate; use --model base"
            )
        if options.language and options.language != "en":
            raise UsageError(
                f"model '{options.model}' is English-only; for language "
                f"'{options.language}' use --model base"
            )
    if options.beam_size < 1:
        raise UsageError("beam size must be at least 1")


class FasterWhisperEngine:
    """faster-whisper (CTranslate2) on the CPU."""

    name = "faster-whisper"

    def __init__(self, model: str, compute_type: str = "int8", cpu_threads: int = 0) -> None:
        from faster_whisper import WhisperModel

        self.model_name = model
        path = resolve_model(model)
        try:
            self.model = WhisperModel(
                path,
                device="cpu",
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                local_files_only=False,
            )
        except ValueError as exc:
            raise ModelError(f"model '{model}' cannot be loaded: {exc}") from exc
        except Exception as exc:  # hub errors, missing files: many types, one message
            raise ModelError(
                f"model '{model}' is not available offline; use tiny.en, base, "
                "or a local CTranslate2 model directory"
                if path == model
                else f"model '{model}' cannot be loaded: {str(exc).splitlines()[0]}"
            ) from exc

    def transcribe(
        self, audio: np.ndarray, options: TranscribeOptions, offset: float = 0.0
    ) -> tuple[TranscriptionInfo, Iterator[Segment]]:
        check_options(options)
        duration = len(audio) / SAMPLE_RATE
        if len(audio) < SAMPLE_RATE // 10:
            # Nothing left to hear (a resumed run at the very end, or an empty file).
            info = TranscriptionInfo(options.language, None, offset + duration, self.model_name)
            return info, iter(())
        try:
            segments, info = self.model.transcribe(
                audio,
                language=options.language,
                task=options.task,
                beam_size=options.beam_size,
                vad_filter=options.vad,
                initial_prompt=options.initial_prompt,
                hotwords=options.hotwords,
                word_timestamps=options.word_timestamps,
            )
        except Exception as exc:
            raise TranscriptionError(f"the speech engine failed: {exc}") from exc
        result = TranscriptionInfo(
            language=info.language,
            language_probability=info.language_probability,
            duration=offset + duration,
            model=self.model_name,
        )
        return result, self._segments(segments, offset)

    @staticmethod
    def _segments(raw, offset: float) -> Iterator[Segment]:
        for seg in raw:
            text = seg.text.strip()
            if not text:
                continue
            words = [
                Word(
                    start=round(w.start + offset, 3),
                    end=round(w.end + offset, 3),
                    word=w.word,
                    probability=round(w.probability, 4),
                )
                for w in (seg.words or [])
            ]
            yield Segment(
                start=round(seg.start + offset, 3),
                end=round(seg.end + offset, 3),
                text=text,
                words=words,
                avg_logprob=seg.avg_logprob,
                no_speech_prob=seg.no_speech_prob,
            )


_ENGINES: dict[tuple[str, str, int], FasterWhisperEngine] = {}
_LOCK = threading.Lock()


def get_engine(options: TranscribeOptions) -> Engine:
    """A loaded engine for these options, reused in-process (loading costs ~1 s)."""
    check_options(options)
    key = (options.model, options.compute_type, options.cpu_threads)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = FasterWhisperEngine(options.model, options.compute_type, options.cpu_threads)
            _ENGINES[key] = engine
        return engine
