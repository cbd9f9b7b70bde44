"""Grouping voice vectors into speakers, for ``transcribe.diarize``.

Agglomerative clustering on cosine distance, to a given number of groups or, when not
given, to the cut with the best silhouette; then groups that one Gaussian over the
cepstral frames explains as well as two (delta-BIC) are joined, since clustering alone
splits one voice by what it says.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform

MAX_SPEAKERS = 8


def cluster(emb: np.ndarray, speakers: int | None, threshold: float) -> np.ndarray:
    """Group labels (0..k-1) for each row of ``emb``."""
    if len(emb) == 1 or speakers == 1:
        return np.zeros(len(emb), dtype=int)
    norm = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
    tree = linkage(norm, method="average", metric="cosine")
    if speakers:
        labels = fcluster(tree, t=min(speakers, len(emb)), criterion="maxclust")
    else:
        labels = _best_cut(norm, tree, threshold)
    return np.unique(labels, return_inverse=True)[1]


def _best_cut(norm: np.ndarray, tree: np.ndarray, threshold: float) -> np.ndarray:
    """The number of speakers, when not given: the cut with the best silhouette
    (how much closer each window is to its own group than to the next), or one
    speaker when no cut separates groups better than ``threshold``."""
    dist = squareform(pdist(norm, metric="cosine"))
    best, best_score = np.ones(len(norm), dtype=int), threshold
    for k in range(2, min(MAX_SPEAKERS, len(norm) // 3) + 1):
        labels = _absorb_small(norm, fcluster(tree, t=k, criterion="maxclust"), min_size=3)
        if len(np.unique(labels)) < k:
            continue
        score = _silhouette(dist, labels)
        if score > best_score:
            best, best_score = labels, score
    return best


def _silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    ks = np.unique(labels)
    mean_to = np.stack([dist[:, labels == k].mean(axis=1) for k in ks], axis=1)
    own = np.searchsorted(ks, labels)
    n_own = np.array([(labels == labels[i]).sum() for i in range(len(labels))])
    a = mean_to[np.arange(len(labels)), own] * n_own / np.maximum(n_own - 1, 1)
    other = mean_to.copy()
    other[np.arange(len(labels)), own] = np.inf
    b = other.min(axis=1)
    return float(np.mean((b - a) / np.maximum(np.maximum(a, b), 1e-9)))


def _absorb_small(norm: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    sizes = {k: int((labels == k).sum()) for k in np.unique(labels)}
    big = [k for k, n in sizes.items() if n >= min_size]
    if not big or len(big) == len(sizes):
        return labels
    centres = {k: norm[labels == k].mean(axis=0) for k in big}
    out = labels.copy()
    for i, lab in enumerate(labels):
        if sizes[lab] < min_size:
            out[i] = max(big, key=lambda k: float(norm[i] @ centres[k]))
    return out


BIC_MERGE = 0.3  # per-frame delta-BIC below which two groups are one voice


def merge_by_bic(fb: np.ndarray, idx: list[tuple[int, int]], labels: np.ndarray) -> np.ndarray:
    """Join groups that one Gaussian explains as well as two (the classic delta-BIC
    test on cepstral frames, per frame so long files are judged like short ones).

    Clustering alone splits one voice by what it says (a question, a long vowel);
    this catches that, whatever the embedder, and finds a single speaker as one."""
    from scipy.fft import dct

    cep = dct(fb, type=2, norm="ortho", axis=1)[:, 1:13]
    labels = labels.copy()
    while len(np.unique(labels)) > 1:
        groups = {k: _frames_of(cep, idx, labels, k) for k in np.unique(labels)}
        keys = sorted(groups)
        pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]]
        scores = [_delta_bic(groups[a], groups[b]) for a, b in pairs]
        best = int(np.argmin(scores))
        if scores[best] >= BIC_MERGE:
            break
        a, b = pairs[best]
        labels[labels == b] = a
    return np.unique(labels, return_inverse=True)[1]


def _frames_of(cep: np.ndarray, idx, labels: np.ndarray, k: int) -> np.ndarray:
    rows = np.zeros(len(cep), dtype=bool)
    for (a, b), lab in zip(idx, labels, strict=True):
        if lab == k:
            rows[a:b] = True
    x = cep[rows]
    return x[:: max(1, len(x) // 3000)]


def _delta_bic(x: np.ndarray, y: np.ndarray) -> float:
    if min(len(x), len(y)) < 2 * x.shape[1]:
        return -1.0  # too little to model: join it
    z = np.vstack([x, y])
    n, d = z.shape

    def logdet(m: np.ndarray) -> float:
        return float(np.linalg.slogdet(np.cov(m.T) + 1e-6 * np.eye(d))[1])

    penalty = 0.5 * (d + d * (d + 1) / 2) * np.log(n)
    gain = 0.5 * (n * logdet(z) - len(x) * logdet(x) - len(y) * logdet(y))
    return (gain - penalty) / n
