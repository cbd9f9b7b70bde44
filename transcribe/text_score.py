"""How likely Whisper finds each of several texts for one stretch of audio.

Decoding gives the one text Whisper's search settled on. To choose between texts we
already have (two children's names one syllable apart, written in the same line), the
decoder is forced through each text's tokens over the same audio: the pass that
faster-whisper runs for word timestamps (``WhisperModel.find_alignment``), which also
gives each token's probability. The sum of their logs is the text's log-probability;
the texts differ only where they differ, so the difference of two sums is how much
likelier the audio makes one wording than the other.

No prompt is given: told the names first, the decoder leaned to whichever came first
in the prompt (natural12, natural8: with the names as a prompt, one of four said names
came out the wrong way; without, none).
"""

from __future__ import annotations

import math

import numpy as np
from tapelog.archive.errors import TranscriptionError

SAMPLE_RATE = 16000
MAX_S = 29.0  # one Whisper window (30 s) with room for the margins
_BATCH = 8  # texts scored together (each needs the window's encoder output copied)
_FLOOR = 1e-9  # a probability of 0 (rounded) still counts, as a very large cost


def text_log_probs(model, audio: np.ndarray, texts: list[str], language: str | None) -> list[float]:
    """log P(text | audio) for each of ``texts`` (natural log), in order.

    ``model`` is a faster-whisper ``WhisperModel``; ``audio`` 16 kHz mono, at most one
    window long (``MAX_S``). An empty text scores minus infinity."""
    import ctranslate2
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    if not texts:
        return []
    if len(audio) == 0 or len(audio) > MAX_S * SAMPLE_RATE:
        raise TranscriptionError(f"a stretch to score must be 0-{MAX_S:.0f} s of audio")
    multilingual = model.model.is_multilingual
    tokenizer = Tokenizer(
        model.hf_tokenizer,
        multilingual,
        task="transcribe",
        language=(language or "en") if multilingual else "en",
    )
    tokens = [tokenizer.encode(" " + " ".join(t.split())) if t.strip() else [] for t in texts]
    features = model.feature_extractor(audio)
    frames = min(features.shape[-1], model.feature_extractor.nb_max_frames)
    try:
        padded = np.ascontiguousarray(pad_or_trim(features[:, :frames])[None], dtype=np.float32)
        encoded = np.array(
            model.model.encode(ctranslate2.StorageView.from_array(padded), to_cpu=True)
        )
        scored = []
        for k in range(0, len(tokens), _BATCH):
            part = [t for t in tokens[k : k + _BATCH] if t]
            if not part:
                continue
            batch = ctranslate2.StorageView.from_array(np.repeat(encoded, len(part), axis=0))
            results = model.model.align(
                batch, list(tokenizer.sot_sequence), part, [frames] * len(part)
            )
            for result in results:
                scored.append(sum(math.log(max(p, _FLOOR)) for p in result.text_token_probs))
    except Exception as exc:  # the engine's own errors, one message
        raise TranscriptionError(f"could not score the texts: {exc}") from exc
    it = iter(scored)
    return [next(it) if t else -math.inf for t in tokens]
