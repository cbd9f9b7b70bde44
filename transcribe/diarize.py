"""Who speaks when on ONE track (diarization), offline.

Speech is found with the Silero VAD that faster-whisper already ships (ONNX), cut into
1.5 s windows (0.6 s apart), each window turned into a voice vector
(``transcribe.embedders``), and the windows grouped by voice: agglomerative clustering
on cosine distance, to a given number of speakers or, when not given, until the closest
groups are further apart than the embedder's threshold. Every 10 ms of speech then goes
to the group most of its windows belong to, and turns shorter than 0.3 s join their
neighbours. Labels are ``S1``, ``S2``... in order of first appearance; each comes with
its voice print (the mean of its windows), which the archive matches to named voices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform
from tapelog.archive.errors import UsageError
from tapelog.transcribe.embedders import HOP, SR, fbank, get_embedder
from tapelog.transcribe.types import Segment

WINDOW_S = 1.5
# Windows overlap less for CAM++: each window costs ~0.25 CPU-s there (bench/).
SHIFT_S = {"campp": 1.0, "spectral": 0.6}
MIN_TURN_S = 0.3
MIN_SPEECH_S = 1.0  # less speech than this: nothing to tell apart
MAX_SPEAKERS = 8
# The silhouette a split into speakers must beat, else one speaker (tuned on bench/diar).
THRESHOLD = {"campp": 0.2, "spectral": 0.2}


STAGES = ("finding speech", "listening to voices", "grouping voices")


@dataclass
class Turn:
    speaker: str
    start: float
    end: float


@dataclass
class Diarization:
    turns: list[Turn]
    prints: dict[str, list[float]] = field(default_factory=dict)  # label -> voice print
    embedder: str = ""
    speech_s: float = 0.0

    @property
    def speakers(self) -> list[str]:
        return list(self.prints)


def speech_regions(audio: np.ndarray) -> list[tuple[float, float]]:
    """Seconds of speech, by faster-whisper's Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    opts = VadOptions(threshold=0.5, min_silence_duration_ms=250, speech_pad_ms=60)
    stamps = get_speech_timestamps(np.asarray(audio, dtype=np.float32), opts)
    return [(s["start"] / SR, s["end"] / SR) for s in stamps]


def windows_for(regions: list[tuple[float, float]], shift: float) -> list[tuple[float, float]]:
    out = []
    for start, end in regions:
        t = start
        while t + WINDOW_S < end:
            out.append((t, t + WINDOW_S))
            t += shift
        if end - t > 0.3 or not out or out[-1][1] < start:
            out.append((max(start, end - WINDOW_S), end))
    return out


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


def _frames_to_turns(frame_labels: np.ndarray, step: float) -> list[tuple[int, float, float]]:
    runs: list[list] = []
    for i, lab in enumerate(frame_labels):
        if runs and runs[-1][0] == lab and runs[-1][2] == i:
            runs[-1][2] = i + 1
        else:
            runs.append([int(lab), i, i + 1])
    # Short runs between speech take the label of the longer neighbour.
    for r in range(len(runs)):
        lab, a, b = runs[r]
        if lab >= 0 and (b - a) * step < MIN_TURN_S:
            near = [runs[j] for j in (r - 1, r + 1) if 0 <= j < len(runs) and runs[j][0] >= 0]
            if near:
                runs[r][0] = max(near, key=lambda x: x[2] - x[1])[0]
    turns: list[tuple[int, float, float]] = []
    for lab, a, b in runs:
        if lab < 0:
            continue
        if turns and turns[-1][0] == lab and abs(turns[-1][2] - a * step) < 1e-6:
            turns[-1] = (lab, turns[-1][1], b * step)
        else:
            turns.append((lab, a * step, b * step))
    return turns


@dataclass
class Listened:
    """What one pass over the audio heard: speech, windows and their voice vectors.
    Grouping them (``group``) is cheap, so a caller can try several speaker counts."""

    duration: float
    regions: list[tuple[float, float]]
    windows: list[tuple[float, float]]
    frames: list[tuple[int, int]]
    fbank: np.ndarray
    emb: np.ndarray
    embedder: str
    portable: bool

    @property
    def speech(self) -> float:
        return round(sum(b - a for a, b in self.regions), 2)


def listen(audio: np.ndarray, embedder: str = "spectral", say=None) -> Listened:
    say = say or (lambda _stage: None)
    say(STAGES[0])
    regions = speech_regions(audio)
    model = get_embedder(embedder)
    duration = len(audio) / SR
    if sum(b - a for a, b in regions) < MIN_SPEECH_S:
        empty = np.zeros((0, 80), dtype=np.float32)
        return Listened(duration, regions, [], [], empty, empty, model.name, model.portable)
    wins = windows_for(regions, SHIFT_S[model.name])
    say(STAGES[1])
    fb = fbank(audio)
    idx = [(int(a * SR / HOP), max(int(a * SR / HOP) + 2, int(b * SR / HOP))) for a, b in wins]
    emb = model.embed(fb, idx)
    return Listened(duration, regions, wins, idx, fb, emb, model.name, model.portable)


def diarize(
    audio: np.ndarray,
    *,
    speakers: int | None = None,
    embedder: str = "spectral",
    step: Callable[[str], None] | None = None,
) -> Diarization:
    """Speaker turns of 16 kHz mono ``audio``. ``step`` is called between stages (for
    progress, and to cancel by raising)."""
    if speakers is not None and not 1 <= speakers <= MAX_SPEAKERS:
        raise UsageError(f"the number of speakers must be 1 to {MAX_SPEAKERS}")
    heard = listen(audio, embedder, step)
    if step:
        step(STAGES[2])
    return group(heard, speakers)


def group(heard: Listened, speakers: int | None = None) -> Diarization:
    """Turns and voice prints from what ``listen`` heard."""
    if not heard.windows:
        return Diarization([], {}, heard.embedder, heard.speech)
    emb = heard.emb
    scored = emb
    if not heard.portable:  # file-relative features: standardise within the file
        scored = (emb - emb.mean(0)) / (emb.std(0) + 1e-6)
    labels = cluster(scored, speakers, THRESHOLD[heard.embedder])
    if speakers is None:
        labels = merge_by_bic(heard.fbank, heard.frames, labels)
    step_s = 0.01
    n = int(np.ceil(heard.duration / step_s))
    votes = np.zeros((n, labels.max() + 1), dtype=np.float32)
    for (a, b), lab in zip(heard.windows, labels, strict=True):
        votes[int(a / step_s) : int(b / step_s), lab] += 1
    speech_mask = np.zeros(n, dtype=bool)
    for a, b in heard.regions:
        speech_mask[int(a / step_s) : int(b / step_s)] = True
    frame_labels = np.where(speech_mask & (votes.sum(1) > 0), votes.argmax(1), -1)
    raw = _frames_to_turns(frame_labels, step_s)
    order: dict[int, str] = {}
    for lab, _a, _b in raw:
        order.setdefault(lab, f"S{len(order) + 1}")
    turns = [Turn(order[lab], round(a, 3), round(b, 3)) for lab, a, b in raw]
    prints = {}
    for lab, name in order.items():
        centre = emb[labels == lab].mean(axis=0)
        prints[name] = [round(float(v), 5) for v in centre]
    return Diarization(turns, prints, heard.embedder, heard.speech)


def turn_labeller(turns: list[Turn]) -> Callable[[float, float], tuple[str, float]]:
    """``who(start, end)`` for ``speakers.label_segments``: the speaker of the turns
    that cover most of the span, and how clearly (most / next; 0 when no turn covers
    it and the nearest one is taken, so a lone stray word joins its neighbours)."""

    def who(start: float, end: float) -> tuple[str, float]:
        talk: dict[str, float] = {}
        for t in turns:
            if t.start < end and t.end > start:
                talk[t.speaker] = talk.get(t.speaker, 0.0) + min(t.end, end) - max(t.start, start)
        if not talk:
            mid = (start + end) / 2
            near = min(turns, key=lambda t: min(abs(t.start - mid), abs(t.end - mid)))
            return near.speaker, 0.0
        ranked = sorted(talk.values(), reverse=True)
        best = max(talk, key=lambda k: talk[k])
        return best, ranked[0] / ranked[1] if len(ranked) > 1 else float("inf")

    return who


MIN_EXTRA_VOICE_S = 3.0  # a voice the channels missed must speak this long to count


def merge_with_channels(segments: list[Segment], turns: list[Turn]) -> list[Segment]:
    """Channel labels (``CH1``...) kept where they answer, voices where they do not.

    A lav and a camera mic: the lav's wearer dominates CH1, and everybody near the
    camera shares CH2. Each channel is matched to the voice that speaks most on it;
    a line whose voice is the main voice of no channel, and who speaks at least
    ``MIN_EXTRA_VOICE_S`` in all, is a person the channels could not tell apart and
    gets that voice's label (``S3``). Two lavs and two voices: nothing changes.
    """
    if not turns:
        return segments
    who = turn_labeller(turns)
    voice_of = [who(s.start, s.end)[0] for s in segments]
    talk: dict[tuple[str, str], float] = {}
    total: dict[str, float] = {}
    for seg, voice in zip(segments, voice_of, strict=True):
        key = (seg.speaker or "", voice)
        talk[key] = talk.get(key, 0.0) + seg.end - seg.start
        total[voice] = total.get(voice, 0.0) + seg.end - seg.start
    main: dict[str, str] = {}
    for (ch, voice), secs in talk.items():
        if ch not in main or secs > talk[(ch, main[ch])]:
            main[ch] = voice
    mains = set(main.values())
    out = []
    for seg, voice in zip(segments, voice_of, strict=True):
        if voice not in mains and total[voice] >= MIN_EXTRA_VOICE_S:
            seg = replace(seg, speaker=voice)
        out.append(seg)
    return out
