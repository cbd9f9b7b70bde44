"""Speakers from microphone channels.

Documentary sound often puts the interviewer and the subject on separate lavalier
mics, recorded to separate channels. When the channels really carry different
content, the channel that is loudest over a segment (over its words, when word
timestamps exist) is that segment's speaker: ``CH1``, ``CH2``... Dual-mono of one
microphone (the same signal twice) gives no speakers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tapelog.transcribe.types import Segment


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


def _dominance(
    envelopes: np.ndarray, spans: list[tuple[float, float]], frame_s: float
) -> tuple[int, float]:
    """The loudest channel over ``spans`` and how much louder it is than the next."""
    n = envelopes.shape[1]
    energy = np.zeros(envelopes.shape[0])
    for start, end in spans:
        i0 = max(0, int(start / frame_s))
        i1 = min(n, max(i0 + 1, int(np.ceil(end / frame_s))))
        if i0 < n:
            energy += (envelopes[:, i0:i1] ** 2).sum(axis=1)
    order = np.argsort(energy)[::-1]
    top, second = energy[order[0]], energy[order[1]] if len(order) > 1 else 0.0
    return int(order[0]), float(top / second) if second > 0 else float("inf")


WEAK = 3.0  # a word barely louder on another channel may be bleed, not a turn


def _runs(labels: list[str], ratios: list[float]) -> list[tuple[str, int, int]]:
    """(label, first, last) runs of equal labels. A lone word between two runs of the
    same speaker, and only weakly louder on its own channel, is bleed (a cough, a mic
    touch) rather than a turn, and joins them."""
    labels = list(labels)
    for i in range(1, len(labels) - 1):
        if labels[i - 1] == labels[i + 1] != labels[i] and ratios[i] < WEAK:
            labels[i] = labels[i - 1]
    runs: list[tuple[str, int, int]] = []
    for i, lab in enumerate(labels):
        if runs and runs[-1][0] == lab:
            runs[-1] = (lab, runs[-1][1], i)
        else:
            runs.append((lab, i, i))
    return runs


def assign_speakers(
    segments: list[Segment], envelopes: np.ndarray, frame_s: float
) -> list[Segment]:
    """Label each segment with the channel that dominates it (``CH1``...).

    Whisper's segments do not respect turns (a prompt can make one segment of a whole
    exchange), so with word timestamps each word is given its channel and a segment is
    split where the speaker changes: every line an editor sees has one speaker.
    """
    if envelopes.ndim != 2 or envelopes.shape[0] < 2:
        return segments

    def who(start: float, end: float) -> tuple[str, float]:
        ch, ratio = _dominance(envelopes, [(start, end)], frame_s)
        return f"CH{ch + 1}", ratio

    return label_segments(segments, who)


def label_segments(
    segments: list[Segment], who: Callable[[float, float], tuple[str, float]]
) -> list[Segment]:
    """Give every segment the speaker ``who(start, end)`` names (label, strength),
    word by word where words have times, splitting a segment where the speaker
    changes. A lone word weaker than ``WEAK`` between two runs of one speaker joins them."""
    out = []
    for seg in segments:
        if not seg.words:
            out.append(
                _with(seg, seg.start, seg.end, seg.text, seg.words, who(seg.start, seg.end)[0])
            )
            continue
        found = [who(w.start, w.end) for w in seg.words]
        runs = _runs([f[0] for f in found], [f[1] for f in found])
        if len(runs) == 1:
            out.append(_with(seg, seg.start, seg.end, seg.text, seg.words, runs[0][0]))
            continue
        for n, (label, first, last) in enumerate(runs):
            words = seg.words[first : last + 1]
            start = seg.start if n == 0 else words[0].start
            end = seg.end if n == len(runs) - 1 else words[-1].end
            text = "".join(w.word for w in words).strip()
            out.append(_with(seg, start, end, text, words, label))
    return out


def _with(seg: Segment, start, end, text, words, label: str) -> Segment:
    return Segment(
        start=start,
        end=end,
        text=text,
        words=words,
        speaker=label,
        avg_logprob=seg.avg_logprob,
        no_speech_prob=seg.no_speech_prob,
    )
