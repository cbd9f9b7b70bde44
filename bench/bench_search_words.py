"""Search as editors type it: recall of generated queries, latency and indexing cost.

Builds a synthetic archive of ``--hours`` hours (``bench.synth``, word timestamps on
every line, as Whisper archives have) plus the benchmark interviews
(``bench/data/interviews.json``: the sample interviews' lines and lines shaped like
the issue's unseen interview, with digits, times, dates and Mandarin homophones).
From the interviews it generates editor queries: first words of a line, a phrase
from the middle, numbers said as words (num2words: "50,000" as "fifty thousand"),
misspellings (fuzzy), misheard names, and for Mandarin the pinyin with and without
tones, homophone characters and romanised names. Windows that are one of the
synthetic archive's stock phrases are skipped: they match thousands of identical
synthetic lines, which no ranking can tell apart.

Each code version runs in a fresh process on the same archive: it builds its index
(the index version differs, so each builds its own: the indexing cost), then runs
every query twice (recall@10 from the first round, latency over both).
``--before DIR`` is a checkout of the code to compare with (``git archive REV``).

    .venv/bin/python bench/bench_search_words.py --hours 1000 --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, machine

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "interviews.json"

PROBE = r"""
import json, resource, sys, time
from tapelog.archive.service import Archive
root, queries = sys.argv[1], json.load(open(sys.argv[2]))
t0, c0 = time.perf_counter(), time.process_time()
a = Archive.open(root)
a.sync_index()
out = {"index_s": time.perf_counter() - t0, "index_cpu_s": time.process_time() - c0}
targets = {}
for n, q in enumerate(queries):
    mid = q["media_id"]
    targets[n] = (mid, q["seg"])
times = {"exact": [], "fuzzy": []}
found = []
for rnd in range(2):
    for n, q in enumerate(queries):
        t = time.perf_counter()
        try:
            hits = a.search(q["query"], fuzzy=q["fuzzy"], limit=10)
        except Exception as exc:
            hits = []
        times["fuzzy" if q["fuzzy"] else "exact"].append(time.perf_counter() - t)
        if rnd == 0:
            ids = [(h.media_id, h.seg_index) for h in hits]
            ok = targets[n] in ids
            if q.get("accept"):  # any line with the name is the right answer
                ok = ok or any(q["accept"] in h.text for h in hits)
            found.append(ok)
for mode, ts in times.items():
    ts.sort()
    out[mode] = {"n": len(ts), "p50_ms": ts[len(ts) // 2] * 1000,
                 "p95_ms": ts[max(0, int(len(ts) * 0.95) - 1)] * 1000, "max_ms": ts[-1] * 1000}
out["found"] = found
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def add_interviews(root: Path, first_id: int) -> list[dict]:
    """The benchmark interviews as media + transcripts; returns their lines with ids."""
    from tapelog.archive.models import MediaRecord, TranscriptRecord
    from tapelog.archive.service import Archive, now_iso
    from tapelog.archive.transcripts import transcript_path
    from tapelog.media.info import AudioStreamInfo, MediaInfo

    from bench.synth import _words

    data = json.loads(DATA.read_text(encoding="utf-8"))["interviews"]
    archive = Archive.open(root)
    lines, media_docs, tr_docs = [], [], []
    for k, interview in enumerate(data):
        mid, tid = f"m{first_id + k}", f"tr{first_id + k}"
        segs = []
        for i, text in enumerate(interview["lines"]):
            start, end = 2.0 + i * 7.0, 2.0 + i * 7.0 + 6.0
            segs.append({"start": start, "end": end, "text": text,
                         "words": _words(text, start, end), "speaker": "CH1"})  # fmt: skip
            lines.append({"media_id": mid, "seg": i, "text": text,
                          "language": interview["language"]})  # fmt: skip
        info = MediaInfo(
            path=f"/footage/interviews/I{k:02d}.wav", container="wav", duration=len(segs) * 7.0,
            size_bytes=1, audio_streams=[AudioStreamInfo(0, "pcm_s16le", 1, 48000)],
        )  # fmt: skip
        media_docs.append(MediaRecord(
            id=mid, path=info.path, fingerprint=f"interview:{k}", info=info,
            imported_at=now_iso(), transcript_id=tid, transcript_status="done",
            language=interview["language"]).to_dict())  # fmt: skip
        tr_docs.append(TranscriptRecord(
            id=tid, media_id=mid, model="base", options={"task": "transcribe"},
            created=now_iso(), status="done", language=interview["language"],
            segment_count=len(segs), duration=len(segs) * 7.0, speakers=["CH1"]).to_dict())  # fmt: skip
        path = transcript_path(root, mid, tid)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in segs))
    with archive.store.transaction():
        archive.store.table("media").insert_multiple(media_docs)
        archive.store.table("transcripts").insert_multiple(tr_docs)
    archive.close()
    return lines


# -- query generation -----------------------------------------------------------------

_NUM = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)?$|^(\d{1,2}):(\d{2})$")


def _spoken(word: str) -> str | None:
    """A number as said aloud ("50,000" -> "fifty thousand", "10:30" -> "ten thirty")."""
    from num2words import num2words

    m = _NUM.match(word)
    if not m:
        return None
    if m.group(3):
        return f"{num2words(int(m.group(3)))} {num2words(int(m.group(4)))}"
    n = int(m.group(1).replace(",", ""))
    if m.group(2):
        return num2words(n, to="ordinal")
    if 1900 <= n <= 2099:
        return num2words(n, to="year")
    return num2words(n).replace(",", "").replace("-", " ")


def _misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["double", "drop", "swap"])
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _stock(window: str) -> bool:
    from bench.synth import FILLER, NAMES, PHRASES

    w = window.lower()
    return any(w in p.lower() for p in PHRASES + NAMES) or all(x in FILLER for x in w.split())


def english_queries(lines: list[dict], rng: random.Random) -> list[dict]:
    out = []

    def add(line, query, fuzzy, kind, plain=None):
        if query and not _stock(plain or query):
            out.append({"query": query, "fuzzy": fuzzy, "kind": kind,
                        "media_id": line["media_id"], "seg": line["seg"]})  # fmt: skip

    for line in lines:
        words = [w.strip(".,?!") for w in line["text"].split()]
        add(line, " ".join(words[:4]), False, "first words")
        mid = max(0, len(words) // 2 - 1)
        add(line, " ".join(words[mid : mid + 3]), False, "middle phrase")
        add(line, " ".join(words), False, "whole line")
        long = [i for i, w in enumerate(words) if len(w) >= 5 and not w[0].isdigit()]
        if long:
            i = rng.choice(long)
            lo = max(0, i - 1)
            bad = [*words[lo:i], _misspell(words[i], rng), *words[i + 1 : i + 3]]
            add(line, " ".join(bad), True, "misspelt", " ".join(words[lo : i + 3]))
        for i, w in enumerate(words):
            spoken = _spoken(w)
            if spoken is None:
                continue
            window = [*words[max(0, i - 2) : i], spoken, *words[i + 1 : i + 2]]
            add(line, " ".join(window), False, "number as words")
            add(line, " ".join(window), True, "number as words (fuzzy)")
    return out


def chinese_queries(lines: list[dict]) -> list[dict]:
    from pypinyin import Style, lazy_pinyin

    out = []
    for line in lines:
        chars = [c for c in line["text"] if "\u4e00" <= c <= "\u9fff"]
        for lo in range(0, len(chars) - 3, 4):
            piece = "".join(chars[lo : lo + 4])
            for query, kind in (
                (piece, "characters"),
                (" ".join(lazy_pinyin(piece, style=Style.NORMAL)), "pinyin"),
                (" ".join(lazy_pinyin(piece, style=Style.TONE)), "pinyin with tone marks"),
                (" ".join(lazy_pinyin(piece, style=Style.TONE3)), "pinyin with tone numbers"),
            ):
                out.append({"query": query, "fuzzy": False, "kind": kind,
                            "media_id": line["media_id"], "seg": line["seg"]})  # fmt: skip
    by_text = {ln["text"]: ln for ln in lines}
    extra = [
        ("玄黄", "天地玄皇", "homophone characters"),
        ("Jingjun", "刘晶军", "romanised name"),
        ("Liu Jingjun", "刘晶军", "romanised name"),
        ("Luo Anxin", "罗安新", "romanised name"),
        ("Peng Gaofeng", "彭高峰", "romanised name"),
        ("Lele", "乐乐", "romanised name"),
    ]
    for query, inside, kind in extra:
        line = next(ln for t, ln in by_text.items() if inside in t)
        for fuzzy in (False, True):
            out.append({"query": query, "fuzzy": fuzzy, "kind": kind, "accept": inside[-2:],
                        "media_id": line["media_id"], "seg": line["seg"]})  # fmt: skip
    return out


def misheard_names(lines: list[dict]) -> list[dict]:
    pairs = [("Jingle", "Jingjun"), ("Lou Run", "Luo Run"), ("Peng Gaofen", "Peng Gaofeng"),
             ("Gao Feng", "Gaofeng"), ("Tai Yuan", "Taiyuan"), ("Fu Jian", "Fujian")]  # fmt: skip
    out = []
    for query, name in pairs:
        for line in lines:
            if name in line["text"]:
                # The synthetic lines say these names thousands of times: any line
                # with the name is a right answer.
                out.append({"query": query, "fuzzy": True, "kind": "misheard name",
                            "accept": name,
                            "media_id": line["media_id"], "seg": line["seg"]})  # fmt: skip
    return out


def generate(lines: list[dict], seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    en = [ln for ln in lines if ln["language"] == "en"]
    zh = [ln for ln in lines if ln["language"] == "zh"]
    return english_queries(en, rng) + chinese_queries(zh) + misheard_names(en)


# -- running ------------------------------------------------------------------------


def probe(code: Path | None, root: Path, queries: Path) -> dict:
    """One code version in a fresh process: index build, then every query twice."""
    env = None
    if code is not None:
        import os

        shim = Path(tempfile.mkdtemp(prefix="tapelog-code-"))
        (shim / "tapelog").symlink_to(code.resolve(), target_is_directory=True)
        env = dict(os.environ, PYTHONPATH=str(shim))
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), str(queries)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summary(queries: list[dict], found: list[bool]) -> dict:
    kinds: dict[str, list[bool]] = {}
    for q, ok in zip(queries, found, strict=True):
        kinds.setdefault(q["kind"], []).append(ok)
    return {
        "recall_at_10": sum(found) / len(found),
        "by_kind": {k: [sum(v), len(v)] for k, v in kinds.items()},
        "missed": [q["query"] for q, ok in zip(queries, found, strict=True) if not ok],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--hours", type=int, default=1000)
    ap.add_argument("--root", type=Path, help="build the archive here (reused if built)")
    ap.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    from bench.synth import build

    started = machine()
    tmp = Path(tempfile.mkdtemp(prefix="tapelog-words-"))
    root = args.root or tmp / "archive"
    try:
        t = time.perf_counter()
        lines_file = root / "bench-lines.json"
        if lines_file.exists():
            lines = json.loads(lines_file.read_text())
        else:
            build(root, args.hours, index=False, words=True)
            lines = add_interviews(root, args.hours + 1)
            lines_file.write_text(json.dumps(lines, ensure_ascii=False))
        build_s = time.perf_counter() - t
        queries = generate(lines)
        qfile = tmp / "queries.json"
        qfile.write_text(json.dumps(queries, ensure_ascii=False))
        runs = {}
        order = [("after", None)] + ([("before", args.before)] if args.before else [])
        for name, code in order:
            r = probe(code, root, qfile)
            r.update(summary(queries, r.pop("found")), load_after=load())
            runs[name] = r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if args.root is None:
            shutil.rmtree(root, ignore_errors=True)
    result = {"machine": started, "hours": args.hours, "queries": len(queries),
              "build_s": build_s, "runs": runs}  # fmt: skip
    print(markdown(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))


def markdown(r: dict) -> str:
    lines = [
        f"## Editor queries over {r['hours']} hours ({r['queries']} queries)",
        "",
        "| run | index build (wall / CPU) | recall@10 | exact p50 / p95 | fuzzy p50 / p95 | load after |",
        "|---|---|---|---|---|---|",
    ]
    for name, x in r["runs"].items():
        lines.append(
            f"| {name} | {x['index_s']:.0f} / {x['index_cpu_s']:.0f} s | {x['recall_at_10']:.3f} "
            f"| {x['exact']['p50_ms']:.1f} / {x['exact']['p95_ms']:.1f} ms "
            f"| {x['fuzzy']['p50_ms']:.1f} / {x['fuzzy']['p95_ms']:.1f} ms | {x['load_after']} |"
        )
    for name, x in r["runs"].items():
        kinds = ", ".join(f"{k} {a}/{b}" for k, (a, b) in x["by_kind"].items())
        lines += ["", f"{name}, found by kind: {kinds}."]
        if x["missed"]:
            lines.append(f"{name}, missed: " + "; ".join(f"“{m}”" for m in x["missed"][:40]))
    lines.append(f"\nLoad average (1 min) at start: {r['machine']['load_1min']}.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
