"""Speakers from microphone channels.

Documentary sound often puts the interviewer and the subject on separate lavalier
mics, recorded to separate channels. When the channels really carry different
content, the channel that is loudest over a segment (over its words, when word
timestamps exist) is that segment's speaker: ``CH1``, ``CH2``... Dual-mono of one
microphone (the same signal twice) gives no speakers.
"""

from __future__ import annotations

import numpy as np

from transcribe.types import Segment


def channels_differ(envelopes: np.ndarray) -> bool:
    """Whether 2+ channels carry different content (not one mic copied or a silent pair)."""
    if envelopes.ndim != 2 or envelopes.shape[0] < 2 or envelopes.shape[1] == 0:
        return False
    active = envelopes[:, envelopes.max(axis=0) > 1e-4]
    if active.shape[1] < 10:
        return False
    levels = active.mean(axis=1)
    loud = np.argsort(levels)[::-1][:2]
    a, b = active[loud[0]], active[loud[1]]
    if levels[loud[1]] < 1e-4:
        return False  # a single live channel: nobody to tell apart
    corr = float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else 1.0
    ratio = float(levels[loud[0]] / max(levels[loud[1]], 1e-9))
    # Same mic twice: the energies move together at the same level.
    return not (corr > 0.98 and ratio < 1.5)


def _dominant(envelopes: np.ndarray, spans: list[tuple[float, float]], frame_s: float) -> int:
    n = envelopes.shape[1]
    energy = np.zeros(envelopes.shape[0])
    for start, end in spans:
        i0 = max(0, int(start / frame_s))
        i1 = min(n, max(i0 + 1, int(np.ceil(end / frame_s))))
        if i0 < n:
            energy += (envelopes[:, i0:i1] ** 2).sum(axis=1)
    return int(np.argmax(energy))


def assign_speakers(
    segments: list[Segment], envelopes: np.ndarray, frame_s: float
) -> list[Segment]:
    """Label each segment with the channel that dominates it (``CH1``...)."""
    if envelopes.ndim != 2 or envelopes.shape[0] < 2:
        return segments
    out = []
    for seg in segments:
        spans = [(w.start, w.end) for w in seg.words] or [(seg.start, seg.end)]
        ch = _dominant(envelopes, spans, frame_s)
        out.append(
            Segment(
                start=seg.start,
                end=seg.end,
                text=seg.text,
                words=seg.words,
                speaker=f"CH{ch + 1}",
                avg_logprob=seg.avg_logprob,
                no_speech_prob=seg.no_speech_prob,
            )
        )
    return out
