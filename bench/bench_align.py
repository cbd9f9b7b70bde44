"""What it costs to give a corrected line its word times again (``archive.realign``).

For each line of the two English sample interviews (times and text from
samples/SCRIPTS.md, as corrected by a person), decode the line's audio with the same
margins ``align_correction`` uses and align the text with Whisper (tiny.en and base):
time per line and its ratio to the line's duration, wall and CPU, the model already
loaded (loading is reported apart: it happens once per session). Also reports how far
the aligned words' span lies from the line's scripted bounds.

    .venv/bin/python bench/bench_align.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, machine

REPO = Path(__file__).resolve().parent.parent
MEDIA = REPO / "samples" / "media"


def lines() -> list[tuple[Path, float, float, str]]:
    sys.path.insert(0, str(REPO))
    from tests.test_tui_support import LIU, TWO

    out = [(MEDIA / "interview_liu.mov", s, e, t) for s, e, t in LIU]
    out += [(MEDIA / "two_channel_interview.mov", s, e, t) for s, e, _sp, t in TWO]
    return out


def run(model: str, rounds: int) -> dict:
    from tapelog.archive.realign import MARGIN_S
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.align import align_words
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    t = time.perf_counter()
    engine = get_engine(TranscribeOptions(model=model))
    load_s = time.perf_counter() - t
    per_line, ratios, cpu_ratios, drift = [], [], [], []
    for rnd in range(rounds):
        for path, start, end, text in lines():
            w0, c0 = time.perf_counter(), time.process_time()
            at = max(0.0, start - MARGIN_S)
            audio = load_audio(path, offset=at, max_seconds=end + MARGIN_S - at)
            words = align_words(engine.model, audio, text, "en", offset=at)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            if rnd == 0 and path == MEDIA / "interview_liu.mov" and start == 1.0:
                continue  # the first call warms the encoder up: not a line's cost
            per_line.append(wall)
            ratios.append(wall / (end - start))
            cpu_ratios.append(cpu / (end - start))
            if words:
                drift.append(max(abs(words[0].start - start), abs(words[-1].end - end)))
    return {
        "model": model,
        "load_s": load_s,
        "lines": len(per_line),
        "median_s": statistics.median(per_line),
        "max_s": max(per_line),
        "median_ratio": statistics.median(ratios),
        "max_ratio": max(ratios),
        "median_cpu_ratio": statistics.median(cpu_ratios),
        "median_edge_drift_s": statistics.median(drift) if drift else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    started = machine()
    results = [run(m, args.rounds) for m in args.models]
    out = {"machine": started, "load_1min_end": load(), "results": results}
    print(markdown(out))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2))


def markdown(r: dict) -> str:
    rows = [
        "## Aligning a corrected line",
        "",
        "| model | load (once) | lines | per line median / max | ratio to line duration "
        "median / max (CPU median) | words' edges vs scripted bounds (median) |",
        "|---|---|---|---|---|---|",
    ]
    for x in r["results"]:
        drift = x["median_edge_drift_s"]
        rows.append(
            f"| {x['model']} | {x['load_s']:.2f} s | {x['lines']} | {x['median_s']:.2f} / "
            f"{x['max_s']:.2f} s | {x['median_ratio']:.2f} / {x['max_ratio']:.2f} "
            f"({x['median_cpu_ratio']:.2f}) | {drift:.2f} s |"
        )
    rows.append(
        f"\nLoad average (1 min): {r['machine']['load_1min']} at start, "
        f"{r['load_1min_end']} at the end."
    )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
