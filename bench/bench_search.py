"""Search at scale and the cost of a small write, on synthetic archives.

Measures, on a synthetic archive of ``--hours`` hours (600 segments an hour):
open time (a fresh process opening the archive and checking the index is fresh),
p50/p95 latency of exact and fuzzy queries, peak memory; and the time of a small
write (renaming a speaker) at 10 hours and at ``--hours`` hours, as a ratio.

    .venv/bin/python bench/bench_search.py --hours 1000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import build  # noqa: E402

EXACT = [
    "the police did not help",
    "scam calls",
    "DNA database",
    "baby turtle",
    "Liu Jingjun",
    "southern Fujian",
    "ten thousand leaflets",
    "my wife blames herself",
    "surveillance camera",
    "one child policy",
]
FUZZY = [
    "Jingle",
    "polise did not help",
    "scam cals",
    "DNA databse",
    "Lou Run",
    "baby tortle",
    "Peng Gaofen",
    "survelance camera",
    "ten thousend leaflets",
    "Tai Yuan",
]

PROBE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from archive.service import Archive
a = Archive.open(sys.argv[1])
a.sync_index()
a.index.count()
opened = time.perf_counter() - t0
out = {"open_s": opened}
for mode, queries in (("exact", json.loads(sys.argv[2])), ("fuzzy", json.loads(sys.argv[3]))):
    times = []
    hits = 0
    for _round in range(3):
        for q in queries:
            t = time.perf_counter()
            r = a.search(q, fuzzy=(mode == "fuzzy"), limit=20)
            times.append(time.perf_counter() - t)
            hits += len(r)
    times.sort()
    out[mode] = {
        "p50_ms": times[len(times) // 2] * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "max_ms": times[-1] * 1000,
        "hits": hits,
    }
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

RENAME = r"""
import sys, time
from archive.service import Archive
a = Archive.open(sys.argv[1])
times = []
for i in range(int(sys.argv[2])):
    t = time.perf_counter()
    a.rename_speaker("CH1", f"Interviewer {i}", media_id="m1")
    times.append(time.perf_counter() - t)
times.sort()
print(times[len(times) // 2] * 1000)
"""


def _py(code: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return proc.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--hours", type=int, default=1000)
    ap.add_argument("--small-hours", type=int, default=10)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tapelog-bench-") as tmp:
        big = Path(tmp) / "big"
        small = Path(tmp) / "small"
        t = time.perf_counter()
        built = build(big, args.hours)
        build(small, args.small_hours)
        build_s = time.perf_counter() - t
        probe = json.loads(_py(PROBE, str(big), json.dumps(EXACT), json.dumps(FUZZY)))
        w_small = float(_py(RENAME, str(small), "30"))
        w_big = float(_py(RENAME, str(big), "30"))
        store_kb = sum(f.stat().st_size for f in (big / "store").glob("*.json")) / 1024
    result = {
        "hours": args.hours,
        "segments": args.hours * 600,
        "build": built,
        "build_total_s": build_s,
        **probe,
        "rename_ms_small": w_small,
        "rename_ms_big": w_big,
        "rename_ratio": w_big / w_small,
        "store_kb_big": store_kb,
        "bench_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(f"## Search over {args.hours} hours ({args.hours * 600:,} segments)\n")
    print("| figure | value | goal |")
    print("|---|---|---|")
    print(f"| index build (one-off) | {built['index_build_s']:.1f} s | - |")
    print(f"| open (fresh process, index checked) | {probe['open_s']:.2f} s | < 2 s |")
    for mode, goal in (("exact", 50), ("fuzzy", 200)):
        m = probe[mode]
        print(f"| {mode} p50 / p95 | {m['p50_ms']:.1f} / {m['p95_ms']:.1f} ms | p95 < {goal} ms |")
    print(f"| peak memory (search process) | {probe['peak_rss_mb']:.0f} MB | - |")
    print(
        f"| rename a speaker at {args.small_hours} h / {args.hours} h | "
        f"{w_small:.1f} / {w_big:.1f} ms (ratio {w_big / w_small:.2f}) | ratio ~1 |"
    )
    print(f"| store file at {args.hours} h | {store_kb:.0f} KB | - |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
