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
    check_batch(options)


# Batch size by model when the crew gives none, chosen on the names benchmark
# (BENCHMARKS.md, "Batched decoding"); a model not listed decodes sequentially.
DEFAULT_BATCH: dict[str, int] = {"tiny.en": 0, "base": 0}
MAX_BATCH = 64


def check_batch(options: TranscribeOptions) -> None:
    """A batch size the pipeline can run, asked for where it can be used."""
    size = options.batch_size
    if size is None or size == 0:
        return
    if not 0 < size <= MAX_BATCH:
        raise UsageError(f"batch size must be auto, 0 (sequential) or 1-{MAX_BATCH}, not {size}")
    if not options.vad:
        # faster-whisper's batched pipeline cuts the audio at VAD pauses; without VAD it
        # needs fixed windows, and on 30 s windows it dropped most of the words
        # (WER 34-75% vs 14-26% sequential, bench/bench_whisper_matrix.py).
        raise UsageError("batched decoding needs VAD; drop --no-vad or the batch size")
    if options.hotwords or options.initial_prompt:
        # The loop guard (transcribe.guard) redoes a runaway window; the batched
        # pipeline decodes windows together and has no window to redo.
        raise UsageError(
            "batched decoding cannot guard names given to Whisper against loops; "
            "drop --hotwords/--prompt or the batch size"
        )


def batch_size_for(options: TranscribeOptions) -> int:
    """The batch size a run uses: the crew's, else the model's default. Sequential
    (0) by default where the batched pipeline cannot run: without VAD, and with
    names given to Whisper (the loop guard needs one window at a time)."""
    if options.batch_size is not None:
        return options.batch_size
    if not options.vad or options.hotwords or options.initial_prompt:
        return 0
    return DEFAULT_BATCH.get(options.model, 0)
