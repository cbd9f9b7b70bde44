"""Who speaks when on ONE track (diarization), offline.

Speech is found with the Silero VAD that faster-whisper already ships (ONNX), cut into
1.5 s windows (0.6 s apart), each window turned into a cheap spectral voice vector
(``transcribe.embedders``), and the windows grouped by voice
(``transcribe.diarize_groups``). Every 10 ms of speech then goes to the group most of
its windows belong to, and turns shorter than 0.3 s join their neighbours. Labels are
``S1``, ``S2``... in order of first appearance.

Each speaker comes with a voice print, which the archive matches to named voices. With
CAM++ (portable across files) the print is made from a sample of the speaker's windows
(``PRINT_WINDOWS``, the ones most typical of the group, spread over the file): a cost
per speaker rather than per hour. When that sample splits into two voices
(``print_agreement``: the spectral vectors joined two people CAM++ tells apart), the
speaker is split on CAM++ vectors of all its windows (``split_mixed``), unless the
number of speakers was given. Grouping every window by CAM++ as well (``group_by``)
cost ~4x a tiny.en transcription for no better DER on two voices (BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from tapelog.archive.errors import UsageError
from tapelog.transcribe.diarize_groups import MAX_SPEAKERS, cluster, merge_by_bic
from tapelog.transcribe.embedders import HOP, SR, Embedder, fbank, get_embedder
from tapelog.transcribe.types import Segment

WINDOW_S = 1.5
# Windows overlap less for CAM++: each window costs ~0.25 CPU-s there (bench/).
SHIFT_S = {"campp": 1.0, "spectral": 0.6}
MIN_TURN_S = 0.3
MIN_SPEECH_S = 1.0  # less speech than this: nothing to tell apart
# CAM++ windows per speaker for its print (bench/bench_diarize.py: matching precision
# and recall as with every window, at a fixed cost per speaker).
PRINT_WINDOWS = 12
# CAM++ windows per speaker kept for the archive's window-by-window check against known
# voices (``archive.voice_windows``): evenly spread over ALL the speaker's windows, not
# the print's (the half nearest the group's centre, which in a speaker holding two
# people can be mostly the one who talks less). Up to 12 more CAM++ windows a speaker.
CHECK_WINDOWS = 12
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
    # label -> whether the windows a sampled print was made of are one voice
    # (``print_agreement``): low when one speaker holds two people. Only for prints
    # made by another embedder than the grouping's (CAM++).
    agreement: dict[str, float] = field(default_factory=dict)
    # label -> unit vectors of ``CHECK_WINDOWS`` windows spread over the speaker (CAM++):
    # the archive checks them one by one against a known voice (``archive.voices``),
    # which catches a speaker holding two voices that ``agreement`` does not split.
    windows: dict[str, np.ndarray] = field(default_factory=dict)

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
    group_by: str = "spectral",
    step: Callable[[str], None] | None = None,
) -> Diarization:
    """Speaker turns of 16 kHz mono ``audio``, grouped by ``group_by``'s vectors, with
    prints by ``embedder``. ``step`` is called between stages (for progress, and to
    cancel by raising)."""
    if speakers is not None and not 1 <= speakers <= MAX_SPEAKERS:
        raise UsageError(f"the number of speakers must be 1 to {MAX_SPEAKERS}")
    heard = listen(audio, group_by, step)
    if step:
        step(STAGES[2])
    voice = None if embedder == heard.embedder else get_embedder(embedder)
    return group(heard, speakers, voice)


def group(
    heard: Listened, speakers: int | None = None, voice: Embedder | None = None
) -> Diarization:
    """Turns and voice prints from what ``listen`` heard: prints are the mean of the
    grouping vectors, or, with ``voice``, of that embedder on a sample of each group."""
    name = voice.name if voice else heard.embedder
    if not heard.windows:
        return Diarization([], {}, name, heard.speech)
    scored = heard.emb
    if not heard.portable:  # file-relative features: standardise within the file
        scored = (scored - scored.mean(0)) / (scored.std(0) + 1e-6)
    labels = cluster(scored, speakers, THRESHOLD[heard.embedder])
    if speakers is None:
        labels = merge_by_bic(heard.fbank, heard.frames, labels)
    vectors = WindowVectors(heard, voice) if voice is not None else None
    if vectors is not None and speakers is None and vectors.voice.portable:
        labels = split_mixed(scored, labels, vectors)
    raw = _frames_to_turns(_frame_labels(heard, labels), 0.01)
    order: dict[int, str] = {}
    for lab, _a, _b in raw:
        order.setdefault(lab, f"S{len(order) + 1}")
    turns = [Turn(order[lab], round(a, 3), round(b, 3)) for lab, a, b in raw]
    agreement: dict[str, float] = {}
    kept: dict[str, np.ndarray] = {}
    if voice is None:
        centres = {lab: heard.emb[labels == lab].mean(axis=0) for lab in order}
    else:
        assert vectors is not None
        windows = {lab: vectors.of(_sample(np.flatnonzero(labels == lab), scored)) for lab in order}
        centres = {lab: w.mean(axis=0) for lab, w in windows.items()}
        agreement = {order[lab]: round(print_agreement(w), 4) for lab, w in windows.items()}
        kept = {
            order[lab]: _unit(vectors.of(_spread(np.flatnonzero(labels == lab)))).astype(np.float32)
            for lab in order
        }
    prints = {order[lab]: [round(float(v), 5) for v in c] for lab, c in centres.items()}
    return Diarization(turns, prints, name, heard.speech, agreement, kept)


def _frame_labels(heard: Listened, labels: np.ndarray, step_s: float = 0.01) -> np.ndarray:
    """The group of each 10 ms of speech (most windows over it), -1 where none speaks."""
    n = int(np.ceil(heard.duration / step_s))
    votes = np.zeros((n, labels.max() + 1), dtype=np.float32)
    for (a, b), lab in zip(heard.windows, labels, strict=True):
        votes[int(a / step_s) : int(b / step_s), lab] += 1
    speech_mask = np.zeros(n, dtype=bool)
    for a, b in heard.regions:
        speech_mask[int(a / step_s) : int(b / step_s)] = True
    return np.where(speech_mask & (votes.sum(1) > 0), votes.argmax(1), -1)


class WindowVectors:
    """``voice``'s vector of each window, made once however often it is asked for
    (CAM++ is the cost: ~0.035 CPU-s a window)."""

    def __init__(self, heard: Listened, voice: Embedder) -> None:
        self.heard, self.voice = heard, voice
        self.done: dict[int, np.ndarray] = {}

    def of(self, rows: np.ndarray) -> np.ndarray:
        need = [int(i) for i in rows if int(i) not in self.done]
        if need:
            emb = self.voice.embed(self.heard.fbank, [self.heard.frames[i] for i in need])
            self.done.update(zip(need, emb, strict=True))
        return np.stack([self.done[int(i)] for i in rows])


def _sample(rows: np.ndarray, scored: np.ndarray) -> np.ndarray:
    """The windows of a group its print is made of: at most ``PRINT_WINDOWS`` of the
    half nearest the group's centre (least likely to hold another voice or a turn
    change), evenly spread over time (one sentence is not the whole voice)."""
    dist = np.linalg.norm(scored[rows] - scored[rows].mean(axis=0), axis=1)
    near = np.sort(rows[np.argsort(dist)[: max(1, (len(rows) + 1) // 2)]])
    take = np.linspace(0, len(near) - 1, min(PRINT_WINDOWS, len(near)))
    return near[np.round(take).astype(int)]


def _spread(rows: np.ndarray, n: int = CHECK_WINDOWS) -> np.ndarray:
    """At most ``n`` of a group's windows, evenly over all of them (in time order)."""
    return rows[np.unique(np.round(np.linspace(0, len(rows) - 1, min(n, len(rows)))).astype(int))]


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


def split_mixed(scored: np.ndarray, labels: np.ndarray, vectors: WindowVectors) -> np.ndarray:
    """Split each group whose print holds two voices (``print_agreement`` under
    ``ONE_VOICE``): the two parts of its print's windows are the seeds, and every
    window of the group (through ``vectors``, CAM++) goes to the nearer one. The
    spectral grouping joins voices CAM++ tells apart (two men of one pitch); a split
    that leaves a part under ``MIN_PART`` windows is not made."""
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = labels.copy()
    for lab in np.unique(labels):
        rows = np.flatnonzero(labels == lab)
        sample = _unit(vectors.of(_sample(rows, scored)))
        if print_agreement(sample) >= ONE_VOICE:
            continue
        parts = fcluster(linkage(sample, method="ward"), 2, criterion="maxclust")
        seeds = _unit(np.stack([sample[parts == k].mean(axis=0) for k in (1, 2)]))
        side = np.argmax(_unit(vectors.of(rows)) @ seeds.T, axis=1)
        if min(int((side == 0).sum()), int((side == 1).sum())) >= MIN_PART:
            labels[rows[side == 1]] = labels.max() + 1
    return np.unique(labels, return_inverse=True)[1]


MIN_PART = 3  # windows: a smaller part is a stray window or a turn change, not a voice
# Print agreement under which a speaker holds two voices (bench/data/diar: two people
# 0.69-0.76, one 0.82-0.93); archive.voices.MIN_AGREEMENT holds back what is left.
ONE_VOICE = 0.79


def print_agreement(windows: np.ndarray) -> float:
    """Whether a print's windows are one voice: split them in two the way they differ
    most (Ward), and how alike the two parts sound (cosine of their means); 1.0 when
    one part has fewer than ``MIN_PART`` windows. One person's parts differ by what is
    said (0.82-0.93 on bench/data/diar); when the grouping put two people in one
    speaker the split finds them (0.69-0.76) and the print, their mean, sounds like
    neither or like the wrong one. (The mean cosine of each window to the print told
    them apart by 0.002 there: too close to use.)"""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(windows) < 2 * MIN_PART:
        return 1.0
    unit = windows / np.maximum(np.linalg.norm(windows, axis=1, keepdims=True), 1e-9)
    parts = fcluster(linkage(unit, method="ward"), 2, criterion="maxclust")
    a, b = unit[parts == 1], unit[parts == 2]
    if min(len(a), len(b)) < MIN_PART:
        return 1.0
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    return float(ca @ cb / max(float(np.linalg.norm(ca) * np.linalg.norm(cb)), 1e-9))


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
