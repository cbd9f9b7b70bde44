"""Word times for a corrected line: Whisper aligns the given text to the line's audio.

A line corrected by hand used to lose its word timestamps, so an editor had nothing to
cut on after a correction. Whisper's cross-attention tells which audio frames each text
token attends to (the same dynamic-time-warping pass faster-whisper uses for its own
word timestamps, ``WhisperModel.find_alignment``), and that works for any text we give
it, not only for what the model decoded: the corrected words get their own times. It is
offline (the same local model files) and costs one encoder pass of the line's audio.
"""

from __future__ import annotations

import numpy as np
from tapelog.archive.errors import TranscriptionError
from tapelog.transcribe.types import Word

SAMPLE_RATE = 16000
MAX_LINE_S = 29.0  # one Whisper window (30 s) with room for the margins


def align_words(
    model, audio: np.ndarray, text: str, language: str | None, offset: float = 0.0
) -> list[Word]:
    """Words of ``text`` with times in ``audio`` (16 kHz mono), shifted by ``offset``.

    ``model`` is a faster-whisper ``WhisperModel``. Returns [] for audio longer than one
    window or text with no tokens: the caller keeps the line's own bounds then.
    """
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    text = " ".join(text.split())
    if not text or len(audio) == 0 or len(audio) > MAX_LINE_S * SAMPLE_RATE:
        return []
    multilingual = model.model.is_multilingual
    tokenizer = Tokenizer(
        model.hf_tokenizer,
        multilingual,
        task="transcribe",
        language=(language or "en") if multilingual else "en",
    )
    tokens = tokenizer.encode(" " + text)
    if not tokens:
        return []
    features = model.feature_extractor(audio)
    frames = min(features.shape[-1], model.feature_extractor.nb_max_frames)
    try:
        encoder_output = model.encode(pad_or_trim(features[:, :frames]))
        [found] = model.find_alignment(tokenizer, [tokens], encoder_output, frames)
    except Exception as exc:  # the engine's own errors, one message
        raise TranscriptionError(f"could not align the corrected line: {exc}") from exc
    duration = len(audio) / SAMPLE_RATE
    words = []
    for w in found:
        start = min(max(float(w["start"]), 0.0), duration)
        end = min(max(float(w["end"]), start), duration)
        words.append(
            Word(
                start=round(start + offset, 3),
                end=round(end + offset, 3),
                word=w["word"],
                probability=round(float(w["probability"]), 4),
            )
        )
    return words
