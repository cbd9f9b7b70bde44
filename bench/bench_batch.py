"""Whisper's own cost, sequential vs batched, on the names benchmark's audio (issue 15.6).

    .venv/bin/python -m bench.bench_batch --models tiny.en base --batch 8 [--json F]

The names bench (``bench_names run --setting M [--batch-size N]``) gives the words
(WER, names) of each decoding through the whole pipeline; its timings include
speaker separation and the archive. This times the engine alone on the same files,
model loaded once, sequential and batched interleaved file by file so both see the
same load: CPU seconds (this process, all threads) and wall seconds. The transcripts
go to ``--out`` (one folder per setting): ``bench_names score --out DIR`` gives their
name recall and non-name WER / CER.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import load  # noqa: E402
from bench.names_score import DATA, labels  # noqa: E402


def timed(engine, audio, options, iv: dict, dest: Path) -> tuple[float, float]:
    """CPU and wall seconds of one decode; its segments saved as bench_names saves
    them, so ``bench_names score --out`` scores the words (recall, non-name WER)."""
    c, w = time.process_time(), time.perf_counter()
    _info, segs = engine.transcribe(audio, options)
    segs = [s.to_dict() for s in segs]
    cpu, wall = time.process_time() - c, time.perf_counter() - w
    dest.mkdir(parents=True, exist_ok=True)
    got = {"interview": iv["name"], "wall_s": wall, "cpu_s": cpu, "duration": iv["duration"],
           "load": [load()], "options": options.to_dict(), "segments": segs}  # fmt: skip
    (dest / f"{iv['name']}.json").write_text(json.dumps(got, ensure_ascii=False))
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "names-engine")
    ap.add_argument("--only", nargs="*", default=None, help="interview names")
    args = ap.parse_args(argv)

    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import FasterWhisperEngine
    from tapelog.transcribe.types import TranscribeOptions

    out = []
    for model in args.models:
        engine = FasterWhisperEngine(model, cpu_threads=args.threads)
        tot = {"audio": 0.0, "seq_cpu": 0.0, "seq_wall": 0.0, "bat_cpu": 0.0, "bat_wall": 0.0}
        loads = [load()]
        for iv in labels()["interviews"]:
            if model.endswith(".en") and iv["language"] != "en":
                continue
            if args.only and iv["name"] not in args.only:
                continue
            audio = load_audio(DATA / iv["file"])
            opts = TranscribeOptions(model=model, language=iv["language"], batch_size=0,
                                     cpu_threads=args.threads)  # fmt: skip
            batched = TranscribeOptions(**{**opts.to_dict(), "batch_size": args.batch})
            sc, sw = timed(engine, audio, opts, iv, args.out / model)
            bc, bw = timed(engine, audio, batched, iv, args.out / f"{model}_batch{args.batch}")
            tot["audio"] += len(audio) / 16000
            tot["seq_cpu"] += sc
            tot["seq_wall"] += sw
            tot["bat_cpu"] += bc
            tot["bat_wall"] += bw
            loads.append(load())
        a = tot["audio"]
        row = {"model": model, "batch": args.batch, "audio_s": round(a, 1),
               "cpu_rtf": [tot["seq_cpu"] / a, tot["bat_cpu"] / a],
               "wall_rtf": [tot["seq_wall"] / a, tot["bat_wall"] / a],
               "cpu_speedup": tot["seq_cpu"] / tot["bat_cpu"],
               "wall_speedup": tot["seq_wall"] / tot["bat_wall"],
               "load": [min(loads), max(loads)]}  # fmt: skip
        out.append(row)
        print(f"{model}: {a:.0f} s of audio; CPU RTF sequential {row['cpu_rtf'][0]:.3f}, "
              f"batched {args.batch} {row['cpu_rtf'][1]:.3f} ({row['cpu_speedup']:.2f}x); wall "
              f"{row['wall_rtf'][0]:.3f} vs {row['wall_rtf'][1]:.3f} "
              f"({row['wall_speedup']:.2f}x); load {min(loads)}-{max(loads)}", flush=True)  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
