"""Transcription options checked before anything is loaded or touched: a language
Whisper knows, a task the model can do, a device, beam and batch sizes."""

from __future__ import annotations

from tapelog.archive.errors import UsageError
from tapelog.transcribe.models import is_english_only
from tapelog.transcribe.types import TranscribeOptions

DEVICES = ("auto", "cpu", "cuda")


def check_language(code: str) -> str:
    """A Whisper language code, lower-cased; anything else is a usage error up front.

    Checked before any file is touched: an unknown code used to fail inside the engine,
    leaving the media marked partially transcribed with nothing transcribed.
    """
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    clean = code.strip().lower()
    if clean not in _LANGUAGE_CODES:
        raise UsageError(
            f"unknown language '{code}': use a Whisper code such as en, zh, yue, es "
            "(or leave it out to detect)"
        )
    return clean


def check_options(options: TranscribeOptions) -> None:
    """Refuse combinations the model cannot do, before loading anything."""
    if options.language:
        check_language(options.language)
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
    if options.device not in DEVICES:
        raise UsageError(f"unknown device '{options.device}' (auto, cpu or cuda)")
    if options.beam_size < 1:
        raise UsageError("beam size must be at least 1")
    if options.batch_size < 0:
        raise UsageError("batch size must be 0 (sequential) or more")
    if options.batch_size > 0 and not options.vad:
        # faster-whisper's batched pipeline cuts the audio at VAD pauses; without VAD it
        # needs fixed windows, and on 30 s windows it dropped most of the words
        # (WER 34-75% vs 14-26% sequential, bench/bench_whisper_matrix.py).
        raise UsageError("batched decoding needs VAD; drop --no-vad or the batch size")
