"""Search on the realistic archive (``bench/realistic.py``): exact, fuzzy, every filter.

Queries are drawn from the archive itself (seeded): phrases of 2-3 words from random
lines, people's names as a case sheet spells them, numbers said as words ("fifty
thousand" for "50,000"), names in pinyin that Mandarin lines hold in characters; fuzzy
queries are the same with a letter changed, dropped or doubled in each long word.
Filtered queries run with ``--case``, ``--person``, ``--theme`` (tagged spans),
``--speaker`` (a name given on some files) and ``--media``, half with words the
passages hold and half with common words that are absent from them but frequent
elsewhere (matching first and filtering after read the whole index for those).

Each figure is measured in one fresh process per archive, three rounds, wall and CPU
(this process) per query; the load average is recorded with it. A filtered query's
time is the whole of it: finding the tagged spans (``tag_spans``), then the search.

    nice .venv/bin/python bench/bench_search_real.py /work/benchdata/h1000 [--json F]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, machine

SPOKEN = [("fifty thousand", "50,000"), ("ten thirty", "10:30"), ("nineteen ninety five", "1995"),
          ("twenty thousand", "20,000"), ("two thousand ten", "2010")]  # fmt: skip
ABSENT = ["the police did", "we went to the", "it was not"]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    how = rng.randrange(3)
    if how == 0:
        return word[:i] + word[i + 1 :]
    if how == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiouy") + word[i + 1 :]


def queries(root: Path, seed: int = 7) -> dict[str, list]:
    """Exact, fuzzy and filtered queries drawn from what the archive holds."""
    rng = random.Random(seed)
    db = sqlite3.connect(root / "index" / "search.sqlite")
    n = db.execute("SELECT max(id) FROM segments").fetchone()[0]
    phrases = []
    while len(phrases) < 20:
        text = db.execute("SELECT text FROM segments WHERE id = ? AND language = 'en'",
                          (rng.randint(1, n),)).fetchone()  # fmt: skip
        if not text:
            continue
        words = [w.strip(",.?") for w in text[0].split()]
        k = rng.choice((2, 3))
        if len(words) > k:
            i = rng.randrange(len(words) - k)
            phrases.append(" ".join(words[i : i + k]))
    from tapelog.archive.records import list_people
    from tapelog.archive.service import Archive
    from tapelog.archive.tags import list_tags

    archive = Archive.open(root)
    names = [p.name for p in rng.sample(list_people(archive), 5)]
    exact = phrases + names + [s for s, _d in SPOKEN] + [names[0].split()[1], "Liu Jingjun"]
    fuzzy = [" ".join(_typo(rng, w) for w in q.split()) for q in phrases + names]
    tags = [t.to_dict() for t in list_tags(archive)]
    archive.close()
    with_case = [t for t in tags if t["cases"]]
    with_person = [t for t in tags if t["people"]]
    filtered = []
    for kind, pool in (("case", with_case), ("person", with_person), ("theme", tags)):
        for t in rng.sample(pool, 3):
            value = {"case": t["cases"], "person": t["people"], "theme": t["themes"]}[kind][0]
            line = db.execute(
                "SELECT text FROM segments WHERE media_id = ? AND start >= ? ORDER BY start",
                (t["media_id"], t["start"]),
            ).fetchone()
            present = " ".join(line[0].split()[:2]).strip(",.?") if line else "the"
            filtered += [(kind, value, present), (kind, value, rng.choice(ABSENT))]
    media = [f"m{rng.randint(1, n // 600)}" for _ in range(3)]
    for mid in media:
        filtered += [("media", mid, rng.choice(phrases)), ("media", mid, rng.choice(ABSENT))]
    for q in rng.sample(phrases, 3) + ABSENT:
        filtered.append(("speaker", "Interviewer", q))
    return {"exact": exact, "fuzzy": fuzzy, "filtered": filtered}


PROBE = r"""
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from tapelog.archive.service import Archive
from tapelog.archive.spans import tag_spans
a = Archive.open(sys.argv[1])
a.sync_index()
out = {"open_s": time.perf_counter() - t0, "open_cpu_s": time.process_time() - c0}
qs = json.loads(sys.argv[2])

def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    r = fn()
    return r, (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000

t, c = time.perf_counter(), time.process_time()
a.search("xylophone", fuzzy=True, limit=20)
out["first_fuzzy_s"] = time.perf_counter() - t
out["first_fuzzy_cpu_s"] = time.process_time() - c
for mode in ("exact", "fuzzy", "filtered"):
    wall, cpu, spans_ms, spans_cpu, hits = [], [], [], [], 0
    for _round in range(3):
        for q in qs[mode]:
            if mode == "filtered":
                kind, value, text = q
                spans, ws, cs = timed(lambda: tag_spans(a, **{kind: value})
                                      if kind in ("case", "person", "theme") else None)
                kw = {"spans": spans} if spans is not None else {}
                if kind == "media":
                    kw = {"media_ids": [value]}
                if kind == "speaker":
                    kw = {"speakers": [value]}
                r, w, c = timed(lambda: a.search(text, limit=20, **kw))
                spans_ms.append(ws)
                spans_cpu.append(cs)
                w += ws  # the whole filtered search: finding the spans, then the text
                c += cs
            else:
                r, w, c = timed(lambda: a.search(q, fuzzy=(mode == "fuzzy"), limit=20))
            wall.append(w); cpu.append(c); hits += len(r)
    def pct(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(len(xs) * p))]
    out[mode] = {"p50_ms": pct(wall, 0.5), "p95_ms": pct(wall, 0.95), "max_ms": max(wall),
                 "cpu_p50_ms": pct(cpu, 0.5), "cpu_p95_ms": pct(cpu, 0.95), "hits": hits,
                 "n": len(wall)}
    if spans_ms:
        out[mode]["spans_p95_ms"] = pct(spans_ms, 0.95)
        out[mode]["spans_cpu_p95_ms"] = pct(spans_cpu, 0.95)
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run(root: Path) -> dict:
    qs = queries(root)
    before = load()
    proc = subprocess.run([sys.executable, "-c", PROBE, str(root), json.dumps(qs)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    built = json.loads((root / "realistic.json").read_text())
    return out | {"archive": built, "load_before": before, "load_after": load(), "queries": qs}


def markdown(r: dict) -> str:
    b = r["archive"]
    lines = [
        f"| {b['hours']:,} h ({b['segments']:,} lines, {b['distinct_terms']:,} terms) "
        f"| open + sync {r['open_s']:.2f} s (CPU {r.get('open_cpu_s', 0):.2f} s), first fuzzy "
        f"{r['first_fuzzy_s'] * 1000:.0f} ms (CPU {r.get('first_fuzzy_cpu_s', 0) * 1000:.0f} ms) |",
    ]
    for mode in ("exact", "fuzzy", "filtered"):
        m = r[mode]
        extra = (
            f" (spans included; spans alone wall p95 {m['spans_p95_ms']:.1f} ms, CPU p95 "
            f"{m['spans_cpu_p95_ms']:.1f} ms)"
            if "spans_cpu_p95_ms" in m
            else ""
        )
        lines.append(
            f"| {mode} ({m['n']} runs): wall p50 / p95 (max) | {m['p50_ms']:.1f} / "
            f"{m['p95_ms']:.1f} ({m['max_ms']:.0f}) ms; CPU p50 / p95 {m['cpu_p50_ms']:.1f} / "
            f"{m['cpu_p95_ms']:.1f} ms{extra} |"
        )
    lines.append(f"| load (1 min) before / after | {r['load_before']} / {r['load_after']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("roots", type=Path, nargs="+")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results = {"machine": machine(), "runs": [run(root) for root in args.roots]}
    for r in results["runs"]:
        print(markdown(r))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
