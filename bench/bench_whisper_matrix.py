"""Whisper settings on this machine: speed and word error rate, to choose the defaults.

For each combination of model (tiny.en, base), compute type (int8, float32), beam size
(1, 5), VAD (on, off) and decoding (sequential, faster-whisper's batched pipeline), this
transcribes one English test track through tapelog's engine
(``transcribe.engine.FasterWhisperEngine``, word timestamps on, ``--threads`` CPU
threads) and reports:

* speed as "x real time" (audio seconds per processing second) and the real-time
  factor RTF (processing / audio; lower is faster), model load excluded;
* word error rate (jiwer) against the scripts in ``samples/SCRIPTS.md``, after the same
  normalisation on both sides (lowercase, no punctuation, numbers as words, "Mr." as
  "mister"), so that "2010" and "two thousand ten" count as the same words.

The test track is the two English sample interviews (``interview_liu.mov`` then
``two_channel_interview.mov`` downmixed, 0.5 s of silence between) repeated
``--loops`` times (2: ~93 s). One track instead of two short files because the batched
pipeline only batches when the audio has several VAD chunks, and 20 s files time too
noisily; the reference is the two scripts (for the two-channel file, its turns in order)
repeated the same way.

With base in ``--models``, the Mandarin sample (``mandarin_zh.wav``, 10.5 s, once: looped
copies in one 30 s window made Whisper transcribe the first copy only) runs too, best of
at least 3 runs, sequential decoding only (one VAD chunk: nothing to batch), with
``language="zh"`` (base hears espeak's Mandarin voice as Thai when left to detect);
its error rate is the character error rate (CER) against the characters in
``samples/SCRIPTS.md``. Each row also records CPU time (process time, all threads) and
the load average, because this machine is shared and has 2 cores.

    .venv/bin/python -m bench.bench_whisper_matrix            # the full matrix, ~8 min
    .venv/bin/python -m bench.bench_whisper_matrix --quick    # defaults' neighbours only
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SAMPLES = REPO / "samples" / "media"
SCRIPTS = REPO / "samples" / "SCRIPTS.md"
SR = 16000

# -- references and normalisation (shared with bench_vocab_wer) ------------------------


def references() -> dict[str, str]:
    """What each English sample says, read from samples/SCRIPTS.md (the one source)."""
    text = SCRIPTS.read_text(encoding="utf-8")
    out: dict[str, str] = {}
    m = re.search(r"^## interview_liu\.mov[^\n]*\n+(.+?)\n", text, re.M)
    if not m:
        raise SystemExit("samples/SCRIPTS.md: no script for interview_liu.mov")
    out["interview_liu.mov"] = m.group(1).strip()
    section = text.split("## two_channel_interview.mov", 1)[1].split("\n## ", 1)[0]
    turns = [
        row.split("|")[6].strip() for row in section.splitlines() if re.match(r"\|\s*\d+\s*\|", row)
    ]
    if not turns:
        raise SystemExit("samples/SCRIPTS.md: no turns for two_channel_interview.mov")
    out["two_channel_interview.mov"] = " ".join(turns)
    zh = text.split("## mandarin_zh.wav", 1)[1].split("\n## ", 1)[0]
    chars = [ln.strip() for ln in zh.splitlines() if re.search(r"[\u4e00-\u9fff]", ln)]
    if chars:
        out["mandarin_zh.wav"] = chars[-1]
    return out


def cer_zh(reference: str, hypothesis: str) -> float:
    """Character error rate over Chinese characters and letters (punctuation dropped)."""
    import jiwer

    def keep(t: str) -> str:
        return "".join(c for c in t if c.isalnum())

    ref, hyp = keep(reference), keep(hypothesis)
    if not hyp:
        return 1.0
    return float(jiwer.cer(ref, hyp))


_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
    *("seventeen", "eighteen", "nineteen"),
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """0..999,999 in words ("two thousand ten"), as espeak-ng read the scripts."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    if n < 1_000_000:
        rest = n % 1000
        head = number_words(n // 1000) + " thousand"
        return head + ("" if rest == 0 else " " + number_words(rest))
    return str(n)


def normalise(text: str) -> str:
    """Lowercase words without punctuation; digits spelled out; "mr" as "mister"."""
    text = text.lower()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 50,000 -> 50000
    text = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " ", text)
    text = re.sub(r"[^\w\s']|_", " ", text).replace("'", "")
    words = ["mister" if w == "mr" else w for w in text.split()]
    return " ".join(words)


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    ref, hyp = normalise(reference), normalise(hypothesis)
    if not hyp:
        return 1.0
    return float(jiwer.wer(ref, hyp))


# -- the test track ---------------------------------------------------------------------


def english_track(loops: int) -> tuple[np.ndarray, str]:
    """The two English samples, 0.5 s apart, ``loops`` times; and the matching reference."""
    from tapelog.media.audio import load_audio

    refs = references()
    names = ["interview_liu.mov", "two_channel_interview.mov"]
    gap = np.zeros(SR // 2, dtype=np.float32)
    parts: list[np.ndarray] = []
    for name in names:
        parts += [load_audio(SAMPLES / name), gap]
    once = np.concatenate(parts)
    reference = " ".join(refs[n] for n in names)
    return np.concatenate([once] * loops), " ".join([reference] * loops)


def mandarin_track(loops: int = 1) -> tuple[np.ndarray, str]:
    """``mandarin_zh.wav`` ``loops`` times, 0.5 s apart; and the matching characters."""
    from tapelog.media.audio import load_audio

    once = np.concatenate([load_audio(SAMPLES / "mandarin_zh.wav"), np.zeros(SR // 2, np.float32)])
    return np.concatenate([once] * loops), references()["mandarin_zh.wav"] * loops


# -- the matrix ---------------------------------------------------------------------------


@dataclass
class Row:
    model: str
    compute_type: str
    beam_size: int
    vad: bool
    batch_size: int
    word_timestamps: bool
    seconds: float
    audio_seconds: float
    wer: float
    segments: int
    cpu_seconds: float = 0.0
    track: str = "en"
    language: str | None = None
    load_1min: float = 0.0
    text: str = ""

    @property
    def speed(self) -> float:
        return self.audio_seconds / self.seconds

    @property
    def rtf(self) -> float:
        return self.seconds / self.audio_seconds

    @property
    def cpu_rtf(self) -> float:
        return self.cpu_seconds / self.audio_seconds


def run_one(engine, audio: np.ndarray, reference: str, track: str = "en", **settings) -> Row:
    from tapelog.transcribe.types import TranscribeOptions

    from bench.common import load

    options = TranscribeOptions(
        model=engine.model_name,
        compute_type=settings["compute_type"],
        cpu_threads=settings["threads"],
        beam_size=settings["beam_size"],
        vad=settings["vad"],
        batch_size=settings["batch_size"],
        word_timestamps=settings["word_timestamps"],
        language="zh" if track == "zh" else None,
    )
    load_before = load()
    t0, c0 = time.perf_counter(), time.process_time()
    _info, segs = engine.transcribe(audio, options)
    segments = list(segs)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    text = " ".join(s.text for s in segments)
    error = cer_zh(reference, text) if track == "zh" else wer(reference, text)
    return Row(
        model=engine.model_name,
        compute_type=options.compute_type,
        beam_size=options.beam_size,
        vad=options.vad,
        batch_size=options.batch_size,
        word_timestamps=options.word_timestamps,
        seconds=seconds,
        audio_seconds=len(audio) / SR,
        wer=error,
        segments=len(segments),
        cpu_seconds=cpu,
        track=track,
        language=options.language,
        load_1min=load_before,
        text=text,
    )


def zh_combos(quick: bool) -> list[dict]:
    """Mandarin rows: sequential only (one VAD chunk per loop, nothing to batch)."""
    if quick:
        return [dict(compute_type="int8", beam_size=5, vad=True, batch_size=0,
                     word_timestamps=True)]  # fmt: skip
    return [
        dict(compute_type=c, beam_size=b, vad=v, batch_size=0, word_timestamps=True)
        for c, b, v in itertools.product(("int8", "float32"), (1, 5), (True, False))
    ]


def combos(quick: bool, batch: int) -> list[dict]:
    """Every combination, or (``--quick``) the defaults and each one-setting change."""
    full = [
        dict(compute_type=c, beam_size=b, vad=v, batch_size=k, word_timestamps=True)
        for c, b, v, k in itertools.product(("int8", "float32"), (1, 5), (True, False), (0, batch))
        # Batched without VAD is refused by the engine: on fixed 30 s windows it dropped
        # most words (WER 34-75% in the first run of this benchmark).
        if v or not k
    ]
    base = dict(compute_type="int8", beam_size=5, vad=True, batch_size=0, word_timestamps=True)
    changes = [
        {},
        {"compute_type": "float32"},
        {"beam_size": 1},
        {"vad": False},
        {"batch_size": batch},
        {"word_timestamps": False},
        {"beam_size": 1, "batch_size": batch},
    ]
    if quick:
        return [{**base, **ch} for ch in changes]
    # The full product keeps word timestamps on (tapelog needs them); two extra rows
    # show what they cost on the defaults.
    return full + [
        {**base, "word_timestamps": False},
        {**base, "beam_size": 1, "word_timestamps": False},
    ]


def markdown(rows: list[Row], loads: dict[tuple[str, str], float], audio_s: float) -> str:
    lines = [
        f"English test track: the two English samples x loops, {audio_s:.0f} s of audio; "
        "RTF = processing s / audio s (model load excluded; lower is faster), CPU RTF = "
        "CPU s (all threads) / audio s. Mandarin rows (track zh): `mandarin_zh.wav`, "
        "language zh, error = CER.",
        "",
        "| track | model | compute | beam | VAD | decoding | word ts | RTF (wall) | CPU RTF "
        "| WER / CER | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        decoding = f"batched {r.batch_size}" if r.batch_size else "sequential"
        lines.append(
            f"| {r.track} | {r.model} | {r.compute_type} | {r.beam_size} "
            f"| {'on' if r.vad else 'off'} | {decoding} | {'yes' if r.word_timestamps else 'no'} "
            f"| {r.rtf:.3f} | {r.cpu_rtf:.3f} | {r.wer:.1%} | {r.load_1min:.2f} |"
        )
    lines += ["", "| model | compute | load s |", "|---|---|---|"]
    lines += [f"| {m} | {c} | {s:.2f} |" for (m, c), s in loads.items()]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    ap.add_argument("--loops", type=int, default=2, help="times the two samples repeat")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8, help="batch size of the batched rows")
    ap.add_argument("--repeat", type=int, default=1, help="runs per row (best time)")
    ap.add_argument("--quick", action="store_true", help="defaults and one-change rows only")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from tapelog.transcribe.engine import FasterWhisperEngine

    from bench.common import machine

    started = machine()

    audio, reference = english_track(args.loops)
    zh_audio, zh_reference = mandarin_track()
    audio_s = len(audio) / SR
    print(f"test track {audio_s:.1f} s, {len(reference.split())} reference words", file=sys.stderr)
    rows: list[Row] = []
    loads: dict[tuple[str, str], float] = {}
    started = time.perf_counter()
    for model in args.models:
        settings = combos(args.quick, args.batch)
        zh_settings = [] if model.endswith(".en") else zh_combos(args.quick)
        for compute in dict.fromkeys(s["compute_type"] for s in settings):
            t0 = time.perf_counter()
            engine = FasterWhisperEngine(model, compute_type=compute, cpu_threads=args.threads)
            loads[(model, compute)] = time.perf_counter() - t0
            # Warm-up: the first decode pays one-off allocations.
            run_one(engine, audio[: 5 * SR], reference, threads=args.threads, **settings[0])
            jobs = [("en", s) for s in settings if s["compute_type"] == compute]
            jobs += [("zh", s) for s in zh_settings if s["compute_type"] == compute]
            for track, s in jobs:
                a, ref = (zh_audio, zh_reference) if track == "zh" else (audio, reference)
                runs = [
                    run_one(engine, a, ref, track=track, threads=args.threads, **s)
                    for _ in range(max(args.repeat, 3) if track == "zh" else args.repeat)
                ]
                row = runs[0]
                row.seconds = min(r.seconds for r in runs)  # best of N: the machine is shared
                row.cpu_seconds = min(r.cpu_seconds for r in runs)
                rows.append(row)
                print(
                    f"{track} {model} {compute} beam{s['beam_size']} vad={s['vad']} "
                    f"batch={s['batch_size']} wt={s['word_timestamps']}: "
                    f"RTF {row.rtf:.3f} (CPU {row.cpu_rtf:.3f}), error {row.wer:.1%}, "
                    f"load {row.load_1min}",
                    file=sys.stderr,
                )
            del engine
    print(f"total {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(markdown(rows, loads, audio_s))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "machine": started,
                    "audio_seconds": audio_s,
                    "threads": args.threads,
                    "loads": {f"{m} {c}": s for (m, c), s in loads.items()},
                    "rows": [
                        {**r.__dict__, "speed": r.speed, "rtf": r.rtf, "cpu_rtf": r.cpu_rtf}
                        for r in rows
                    ],
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
