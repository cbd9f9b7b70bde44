"""The records an engine produces: small dataclasses, JSON-friendly.

Kept free of faster-whisper types so the archive can store and reload them and another
engine can be added behind ``transcribe.engine.Engine``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0


@dataclass
class Segment:
    """One line of transcript. Times are seconds from the start of the media file."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None
    avg_logprob: float | None = None
    no_speech_prob: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        words = [Word(**w) for w in data.get("words") or []]
        return cls(
            start=float(data["start"]),
            end=float(data["end"]),
            text=data.get("text", ""),
            words=words,
            speaker=data.get("speaker"),
            avg_logprob=data.get("avg_logprob"),
            no_speech_prob=data.get("no_speech_prob"),
        )


# Whisper's language detection: at most this many 30 s windows of a file, averaged
# (``Engine.language_probabilities``); the audio read for it.
DETECT_WINDOWS = 3
DETECT_SECONDS = 30 * DETECT_WINDOWS
# A first window this sure of its language is not followed by more (English speech:
# 0.89-0.99 on the samples and the names bench; the espeak Mandarin heard as Thai 0.68).
SURE_LANGUAGE = 0.9

# The model name that means "the archive's English model for English speech, its
# multilingual model (with the language Whisper detects) for anything else".
AUTO_MODEL = "auto"


@dataclass
class TranscribeOptions:
    """What the user can choose for one run. None means the engine's default."""

    model: str = "tiny.en"
    language: str | None = None  # None: detect
    task: str = "transcribe"  # or "translate" (to English)
    vad: bool = True
    initial_prompt: str | None = None
    hotwords: str | None = None
    beam_size: int = 5
    cpu_threads: int = 0  # 0: all cores
    compute_type: str = "int8"
    word_timestamps: bool = True
    # None: the model's measured default (transcribe.checks.batch_size_for); 0: sequential
    # decoding; N: faster-whisper's batched pipeline, N windows at a time.
    batch_size: int | None = None
    # Names for the second look (archive.second_look): None lets the archive decide from
    # its case records and the vocab_from_cases setting; "" means none.
    names: str | None = None
    device: str = "cpu"  # cpu / cuda / auto (cuda where CTranslate2 finds a GPU and its libraries)
    diarize: bool = True  # tell voices apart on one track (transcribe.diarize)
    speakers: int | None = None  # how many voices, when the crew knows; None: found

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TranscriptionInfo:
    language: str | None
    language_probability: float | None
    duration: float
    model: str
    # Windows decoded again without the names given to Whisper (start, end, why):
    # filled while the segments are read (transcribe.guard).
    redone: list[tuple[float, float, str]] = field(default_factory=list)
    # Windows left out instead (the engine's ``runaway="skip"`` or ``"drop"``: the caller
    # has them plain).
    skipped: list[tuple[float, float, str]] = field(default_factory=list)
