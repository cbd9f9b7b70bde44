"""Search at scale and the cost of small writes, on synthetic archives.

Measures, on a synthetic archive of ``--hours`` hours (600 segments an hour):
open time (a fresh process opening the archive and checking the index is fresh),
p50/p95 latency of exact and fuzzy queries, peak memory; the time of two small
writes (renaming a speaker, adding a tag) at 10 hours and at ``--hours`` hours, as
ratios; and link suggestion for one hour (``archive.cases.suggest_links`` on one media
file) with the seed cases plus ``--cases`` generated case records in the archive, in a
fresh process (first call: name index built; second call: index cached).

    .venv/bin/python bench/bench_search.py --hours 1000
    .venv/bin/python bench/bench_search.py --hours 10000 --root /tmp/tl10k/archive --keep
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, machine
from bench.synth import build

REPO = Path(__file__).resolve().parent.parent

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
t0, c0 = time.perf_counter(), time.process_time()
from tapelog.archive.service import Archive
t_imp = time.perf_counter()
a = Archive.open(sys.argv[1])
a.sync_index()
t_sync = time.perf_counter()
a.index.count()  # a full read of the index's row table: what "checked" costs
opened = time.perf_counter() - t0
out = {"open_s": opened, "open_cpu_s": time.process_time() - c0,
       "open_after_imports_s": time.perf_counter() - t_imp,
       "open_without_count_s": t_sync - t0, "count_s": time.perf_counter() - t_sync}
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
from tapelog.archive.service import Archive
a = Archive.open(sys.argv[1])
times = []
for i in range(int(sys.argv[2])):
    t = time.perf_counter()
    a.rename_speaker("CH1", f"Interviewer {i}", media_id="m1")
    times.append(time.perf_counter() - t)
times.sort()
print(times[len(times) // 2] * 1000)
"""

TAG = r"""
import sys, time
from tapelog.archive.cases import add_tag, delete_tag
from tapelog.archive.service import Archive
a = Archive.open(sys.argv[1])
times = []
for i in range(int(sys.argv[2])):
    t = time.perf_counter()
    tag = add_tag(a, "m1", 60.0 + i, 70.0 + i, themes=["bench"], note=f"bench {i}", new_themes=True)
    times.append(time.perf_counter() - t)
    delete_tag(a, tag.id)
times.sort()
print(times[len(times) // 2] * 1000)
"""

CASES = r"""
import sys
sys.path.insert(0, sys.argv[3])
from tapelog.archive.cases import import_cases, import_people, list_cases
from tapelog.archive.service import Archive
from bench.bench_linking import generate_cases
a = Archive.open(sys.argv[1])
n = int(sys.argv[2])
if len(list_cases(a)) < n:
    import_cases(a, sys.argv[3] + "/samples/cases_from_seeds.csv")
    import_people(a, sys.argv[3] + "/samples/people_from_seeds.csv")
    with a.store.transaction():
        a.store.table("cases").insert_multiple(c.to_dict() for c in generate_cases(n))
print(len(list_cases(a)))
"""

LINKS = r"""
import json, sys, time
from tapelog.archive.cases import suggest_links
from tapelog.archive.service import Archive
t0 = time.perf_counter()
a = Archive.open(sys.argv[1])
t1 = time.perf_counter()
first = suggest_links(a, ["m1"])
t2 = time.perf_counter()
second = suggest_links(a, ["m1"])
t3 = time.perf_counter()
print(json.dumps({"open_s": t1 - t0, "first_s": t2 - t1, "second_s": t3 - t2,
                  "suggestions": len(first), "suggestions_again": len(second)}))
"""


def _py(code: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return proc.stdout.strip().splitlines()[-1]


def _archive(root: Path, hours: int) -> dict:
    """Build the synthetic archive at ``root`` unless it is there already."""
    if (root / "transcripts").is_dir():
        return {"reused": True}
    return build(root, hours)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--hours", type=int, default=1000)
    ap.add_argument("--small-hours", type=int, default=10)
    ap.add_argument("--cases", type=int, default=10_000, help="generated case records")
    ap.add_argument("--root", type=Path, help="the big archive here (reused if built)")
    ap.add_argument("--keep", action="store_true", help="keep --root afterwards")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    started = machine()
    tmp = Path(tempfile.mkdtemp(prefix="tapelog-bench-"))
    big = args.root or tmp / "big"
    small = tmp / "small"
    try:
        t = time.perf_counter()
        built = _archive(big, args.hours)
        build(small, args.small_hours)
        build_s = time.perf_counter() - t
        for root in (small, big):
            _py(CASES, str(root), str(args.cases), str(REPO))
        probe = json.loads(_py(PROBE, str(big), json.dumps(EXACT), json.dumps(FUZZY)))
        probe2 = json.loads(_py(PROBE, str(big), json.dumps(EXACT[:1]), json.dumps(FUZZY[:1])))
        load_mid = load()
        # Small writes: small and big archives interleaved, three rounds, medians.
        w_small, w_big, g_small, g_big = [], [], [], []
        for _ in range(3):
            w_small.append(float(_py(RENAME, str(small), "30")))
            w_big.append(float(_py(RENAME, str(big), "30")))
            g_small.append(float(_py(TAG, str(small), "20")))
            g_big.append(float(_py(TAG, str(big), "20")))
        links_small = json.loads(_py(LINKS, str(small)))
        links_big = json.loads(_py(LINKS, str(big)))
        store_kb = sum(f.stat().st_size for f in (big / "store").glob("*.json")) / 1024
        media_kb = (big / "store" / "media.json").stat().st_size / 1024
        index_mb = sum(f.stat().st_size for f in (big / "index").glob("*")) / 2**20
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if args.root and not args.keep:
            shutil.rmtree(args.root, ignore_errors=True)
    med = statistics.median
    result = {
        "machine": started,
        "load_1min_mid": load_mid,
        "load_1min_end": load(),
        "hours": args.hours,
        "segments": args.hours * 600,
        "cases": args.cases,
        "build": built,
        "build_total_s": build_s,
        **probe,
        "open_s_second_process": probe2["open_s"],
        "rename_ms_small": med(w_small),
        "rename_ms_big": med(w_big),
        "rename_ratio": med(w_big) / med(w_small),
        "rename_rounds": {"small": w_small, "big": w_big},
        "tag_ms_small": med(g_small),
        "tag_ms_big": med(g_big),
        "tag_ratio": med(g_big) / med(g_small),
        "tag_rounds": {"small": g_small, "big": g_big},
        "links_small": links_small,
        "links_big": links_big,
        "store_kb_big": store_kb,
        "media_table_kb_big": media_kb,
        "index_mb_big": index_mb,
        "bench_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(markdown(result, args.small_hours))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


def markdown(r: dict, small_hours: int) -> str:
    hours = r["hours"]
    b = r["build"]
    build_line = (
        "reused" if b.get("reused") else
        f"{b['write_s']:.1f} s write + {b['index_build_s']:.1f} s index"
    )  # fmt: skip
    lb, ls = r["links_big"], r["links_small"]
    lines = [
        f"## Search over {hours} hours ({hours * 600:,} segments)",
        "",
        "| figure | value | goal |",
        "|---|---|---|",
        f"| build (one-off) | {build_line} | - |",
        f"| open (fresh process, index checked): 1st / 2nd process, CPU of the 1st "
        f"| {r['open_s']:.2f} / {r['open_s_second_process']:.2f} s, {r['open_cpu_s']:.2f} s CPU "
        "| < 2 s |",
        f"| of which imports + open + index sync / count(*) of the index rows (1st process) "
        f"| {r['open_without_count_s']:.2f} / {r['count_s']:.2f} s | - |",
    ]
    for mode, goal in (("exact", 50), ("fuzzy", 200)):
        m = r[mode]
        lines.append(
            f"| {mode} p50 / p95 (max) | {m['p50_ms']:.1f} / {m['p95_ms']:.1f} "
            f"({m['max_ms']:.0f}) ms | p95 < {goal} ms |"
        )
    lines += [
        f"| peak memory (search process) | {r['peak_rss_mb']:.0f} MB | - |",
        f"| rename a speaker at {small_hours} h / {hours} h | {r['rename_ms_small']:.1f} / "
        f"{r['rename_ms_big']:.1f} ms, ratio {r['rename_ratio']:.2f} | ratio ~1 |",
        f"| add a tag at {small_hours} h / {hours} h | {r['tag_ms_small']:.1f} / "
        f"{r['tag_ms_big']:.1f} ms, ratio {r['tag_ratio']:.2f} | ratio ~1 |",
        f"| link suggestions for 1 h (600 segments) vs {r.get('cases', 10000):,}+ cases, "
        f"first (name index built) / again, at {hours} h "
        f"| {lb['first_s'] * 1000:.0f} / {lb['second_s'] * 1000:.0f} ms "
        f"(at {small_hours} h: {ls['first_s'] * 1000:.0f} / {ls['second_s'] * 1000:.0f} ms) "
        "| < 1 s |",
        f"| store files / media table / index at {hours} h | {r['store_kb_big']:.0f} KB / "
        f"{r['media_table_kb_big']:.0f} KB / {r['index_mb_big']:.0f} MB | - |",
        "",
        f"Load average (1 min): {r['machine']['load_1min']} at start, {r['load_1min_mid']} "
        f"after the searches, {r['load_1min_end']} at the end.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
