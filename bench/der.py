"""Diarization error rate (DER), the NIST way, on 10 ms frames.

DER = (missed speech + false alarm + speaker confusion) / reference speech, where
overlapping speech counts once per speaker, hypothesis labels are mapped one-to-one to
reference labels so that they agree the most (Hungarian assignment), and a collar of
0.25 s either side of every reference boundary is not scored (the usual allowance for
where a turn "really" starts). Written here, small and tested, rather than installing
pyannote.metrics (pandas, scikit-learn, sympy...) for one number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

STEP = 0.01

Turn = tuple[str, float, float]  # (speaker, start, end)


@dataclass
class DER:
    total: float  # seconds of scored reference speech (each speaker counts)
    missed: float
    false_alarm: float
    confusion: float

    @property
    def rate(self) -> float:
        if self.total == 0:
            return 0.0 if self.missed + self.false_alarm == 0 else 1.0
        return (self.missed + self.false_alarm + self.confusion) / self.total


def _matrix(turns: list[Turn], n: int) -> tuple[np.ndarray, list[str]]:
    labels = sorted({t[0] for t in turns})
    m = np.zeros((n, len(labels)), dtype=bool)
    for who, start, end in turns:
        m[int(round(start / STEP)) : int(round(end / STEP)), labels.index(who)] = True
    return m, labels


def der(reference: list[Turn], hypothesis: list[Turn], collar: float = 0.25) -> DER:
    """Score ``hypothesis`` against ``reference`` (labels need not share names)."""
    end = max([t[2] for t in reference + hypothesis], default=0.0)
    n = int(np.ceil(end / STEP)) + 1
    ref, _ = _matrix(reference, n)
    hyp, _ = _matrix(hypothesis, n)
    scored = np.ones(n, dtype=bool)
    c = int(round(collar / STEP))
    for _, start, stop in reference:
        for b in (int(round(start / STEP)), int(round(stop / STEP))):
            scored[max(0, b - c) : b + c] = False
    ref, hyp = ref[scored], hyp[scored]
    if ref.shape[1] and hyp.shape[1]:
        overlap = ref.T.astype(np.int64) @ hyp.astype(np.int64)
        rows, cols = linear_sum_assignment(-overlap)
        correct = np.zeros(len(ref), dtype=np.int64)
        for r, h in zip(rows, cols, strict=True):
            correct += ref[:, r] & hyp[:, h]
    else:
        correct = np.zeros(len(ref), dtype=np.int64)
    n_ref = ref.sum(axis=1)
    n_hyp = hyp.sum(axis=1)
    return DER(
        total=float(n_ref.sum()) * STEP,
        missed=float(np.maximum(n_ref - n_hyp, 0).sum()) * STEP,
        false_alarm=float(np.maximum(n_hyp - n_ref, 0).sum()) * STEP,
        confusion=float((np.minimum(n_ref, n_hyp) - correct).sum()) * STEP,
    )


def read_rttm(text: str) -> list[Turn]:
    turns = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            start, dur = float(parts[3]), float(parts[4])
            turns.append((parts[7], start, start + dur))
    return turns
