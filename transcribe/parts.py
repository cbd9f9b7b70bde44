"""Cutting a long recording into parts at silences, and joining the parts' transcripts.

A 3-hour vérité take is one Whisper run of hours on one core; cut into parts it runs on
many workers at once. A cut in the middle of a word would lose or double that word,
so each cut is placed in the middle of a pause that Silero VAD (shipped inside
faster-whisper) found near the wanted length. The parts do not overlap and a pause
holds no words, so the join is the parts' segments in order, each kept inside its
own part (Whisper may stamp a last word a little past the end of the audio it got).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tapelog.transcribe.types import Segment, Word

SAMPLE_RATE = 16000
# A cut is looked for this far either side of the wanted place (fraction of a part).
SEARCH_FRACTION = 0.5
MIN_PAUSE_MS = 300


@dataclass(frozen=True)
class Part:
    """Samples ``[start, end)`` of the decoded audio; ``at_silence``: cut in a pause."""

    start: int
    end: int
    at_silence: bool = True

    @property
    def start_s(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return self.end / SAMPLE_RATE


def speech_spans(audio: np.ndarray) -> list[tuple[int, int]]:
    """Where there is speech, in samples (Silero VAD, short pauses kept as pauses)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    opts = VadOptions(min_silence_duration_ms=MIN_PAUSE_MS, speech_pad_ms=100)
    return [(int(s["start"]), int(s["end"])) for s in get_speech_timestamps(audio, opts)]


def split_at_silences(
    audio: np.ndarray, part_seconds: float, speech: list[tuple[int, int]] | None = None
) -> list[Part]:
    """Parts of about ``part_seconds``, each cut in the middle of the pause nearest its
    wanted place; a stretch with no pause at all is cut at the wanted place (marked)."""
    n = len(audio)
    size = int(part_seconds * SAMPLE_RATE)
    if size <= 0 or n <= size * (1 + SEARCH_FRACTION):
        return [Part(0, n)]
    if speech is None:
        speech = speech_spans(audio)
    gaps = _pauses(speech, n)
    parts: list[Part] = []
    start = 0
    while n - start > size * (1 + SEARCH_FRACTION):
        want = start + size
        window = int(size * SEARCH_FRACTION)
        near = [(abs(mid - want), mid) for mid in gaps if abs(mid - want) <= window and mid > start]
        if near:
            cut, ok = min(near)[1], True
        else:
            cut, ok = want, False
        parts.append(Part(start, cut, ok))
        start = cut
    parts.append(Part(start, n))
    return parts


def _pauses(speech: list[tuple[int, int]], n: int) -> list[int]:
    """The middle of each pause between speech (and of the silence before and after)."""
    mids = []
    prev_end = 0
    for s, e in speech:
        if s > prev_end:
            mids.append((prev_end + s) // 2)
        prev_end = max(prev_end, e)
    if prev_end < n:
        mids.append((prev_end + n) // 2)
    return [m for m in mids if 0 < m < n]


def clamp_to_part(segments: list[Segment], start_s: float, end_s: float) -> list[Segment]:
    """A part's segments kept inside the part, so parts join without overlap."""
    out = []
    for seg in segments:
        if seg.start >= end_s:
            continue  # nothing of it is in this part's audio
        words = [
            Word(max(w.start, start_s), min(w.end, end_s), w.word, w.probability)
            for w in seg.words
            if w.start < end_s
        ]
        s0 = max(seg.start, start_s)
        out.append(
            Segment(
                start=round(s0, 3),
                end=round(max(s0, min(seg.end, end_s)), 3),
                text=seg.text,
                words=words,
                speaker=seg.speaker,
                avg_logprob=seg.avg_logprob,
                no_speech_prob=seg.no_speech_prob,
            )
        )
    return out


def join_parts(parts: list[list[Segment]]) -> list[Segment]:
    """The parts' segments, in order, as one transcript (times never go backwards)."""
    out: list[Segment] = []
    for segs in parts:
        for seg in segs:
            if out and seg.start < out[-1].end:
                seg = Segment(
                    out[-1].end, max(out[-1].end, seg.end), seg.text, seg.words,
                    seg.speaker, seg.avg_logprob, seg.no_speech_prob,
                )  # fmt: skip
            out.append(seg)
    return out
