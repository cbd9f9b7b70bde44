"""Every benchmark in one go: JSON and Markdown in bench/out/, a summary table at the end.

    .venv/bin/python bench/run_all.py            # full sizes (about 15 min, +7 to build 10,000 h)
    .venv/bin/python bench/run_all.py --quick    # small sizes, a smoke run (about 4 min)
    .venv/bin/python bench/run_all.py --only search tui --big-root /tmp/tl10k/archive

The benches run one after another (never in parallel: this machine has 2 cores and the
timings would share them), each in its own process, each writing
``bench/out/<name>.json`` (figures) and ``bench/out/<name>.md`` (its Markdown table).
The synthetic archives (1,000 and 10,000 hours at full size) are built once under
``--work`` (default: a temp dir), shared by the search and TUI benches, and deleted at
the end unless ``--keep``; ``--big-root`` reuses an archive already built.
The summary gives every figure from the earlier issues with its goal, as ratios where
two things are compared, and the load average beside the timings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))

from bench.common import load, machine  # noqa: E402

NAMES = ("transcribe", "matrix", "vocab", "linking", "search", "search-big", "tui", "tui-big",
         "search-words", "align", "diarize", "cli-start", "writes", "links-suggest",
         "names", "names-sparse", "names-natural", "names-held-out", "second-look")  # fmt: skip


def plan(args: argparse.Namespace, work: Path) -> dict[str, list[str]]:
    """The command line of each bench (module and arguments), at full or quick size."""
    q = args.quick
    hours, big = (100, 1000) if q else (1000, 10000)
    small_root = str(work / f"archive-{hours}")
    big_root = str(args.big_root or work / f"archive-{big}")
    models = ["tiny.en"] if q else ["tiny.en", "base"]
    return {
        "transcribe": ["bench.bench_transcribe", "--models", *models,
                       "--repeat", "1" if q else "3", "--seconds", "48" if q else "144"],
        "matrix": ["bench.bench_whisper_matrix", "--models", "tiny.en", "base",
                   *(["--quick", "--loops", "1"] if q else [])],
        "vocab": ["bench.bench_vocab_wer", "--models", *models],
        "linking": ["bench.bench_linking", "--cases", "2000" if q else "10000"],
        "search": ["bench.bench_search", "--hours", str(hours), "--root", small_root, "--keep",
                   "--cases", "2000" if q else "10000"],
        "search-big": ["bench.bench_search", "--hours", str(big), "--root", big_root, "--keep",
                       "--cases", "2000" if q else "10000"],
        "tui": ["bench.bench_tui", "--hours", str(hours), "--root", small_root],
        "tui-big": ["bench.bench_tui", "--hours", str(big), "--root", big_root],
        # Its own archive (word timestamps on every line); --before DIR compares code.
        "search-words": ["bench.bench_search_words", "--hours", str(hours)],
        "align": ["bench.bench_align", "--models", *models, "--rounds", "1" if q else "3"],
        "diarize": ["bench.bench_diarize", *(["--embedders", "spectral"] if q else [])],
        # Past one machine (issue 17): Dask, merging archives, five terminals at once.
        "cluster": ["bench.bench_cluster", "--long-seconds", "60" if q else "180"],
        "merge": ["bench.bench_merge", "--hours", "50" if q else "500"],
        "cluster-overhead": ["bench.bench_cluster", "--overhead", "--rounds", "1" if q else "2"],
        "terminals": ["bench.bench_terminals", "--cases", "20000",
                      *(["--keys", "12", "--tags", "1"] if q else [])],
        # Whole `tapelog` processes on the search bench's archive (built if not there).
        "cli-start": ["bench.bench_cli_start", "--hours", str(hours), "--root", small_root,
                      "--rounds", "11" if q else "21"],
        # Its own two archives (10 media vs 10,000; --quick: 1,000), through the API.
        "writes": ["bench.bench_writes", *(["--quick", "--rounds", "15"] if q else [])],
        # Its own archive: 1 h against 200,000 cases (--quick: 20,000); the first run
        # builds the name index (minutes at 200,000), the next ones reuse it.
        "links-suggest": ["bench.bench_links_suggest", "--no-edit",
                          "--cases", "20000" if q else "200000"],
        # Whisper afresh at the defaults and plain tiny.en (quick: one file per language).
        "names": ["bench.bench_names", "bench", "--out", str(work / "names"),
                  *(["--quick"] if q else [])],
        # Long interviews that name someone once a minute; what the second look costs
        # against transcribing with base (quick: one file).
        "names-sparse": ["bench.bench_names", "bench", "--set", "sparse", "--out",
                         str(work / "names_sparse"), *(["--only", "sp01_liu_long"] if q else [])],
        # English in a natural voice (Piper), the set closest to a crew's interviews.
        "names-natural": ["bench.bench_names", "bench", "--set", "natural", "--out",
                          str(work / "names_natural"), *(["--only", "na04_zhao"] if q else [])],
        # natural25: made 2026-12-02 10:23, and no rule read off it (BENCHMARKS.md,
        # "The own look in a file tied to nothing"; natural26, newer, had rules read
        # off it): the nearest figure to interviews the rules were not chosen on.
        "names-held-out": ["bench.bench_names", "bench", "--set", "natural25", "--out",
                           str(work / "names_natural25"),
                           *(["--only", "ny05_june"] if q else [])],
        "second-look": ["bench.bench_second_look", "--set", "sparse",
                        *(["--only", "sp01_liu_long"] if q else [])],
    }  # fmt: skip


def run(name: str, argv: list[str]) -> dict:
    """One bench in a fresh process; its JSON figures, with wall time and load around it."""
    js, md = OUT / f"{name}.json", OUT / f"{name}.md"
    before = load()
    t0 = time.perf_counter()
    print(f"== {name}: python -m {' '.join(argv)}", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [sys.executable, "-m", *argv, "--json", str(js)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - t0
    command = "python -m " + " ".join(argv)
    md.write_text(f"<!-- {command} -->\n\n{proc.stdout}", encoding="utf-8")
    print(proc.stdout, flush=True)
    if proc.returncode != 0 or not js.exists():
        print(f"!! {name} failed ({proc.returncode})", file=sys.stderr, flush=True)
        return {"failed": proc.returncode, "command": command}
    data = json.loads(js.read_text())
    data["_run"] = {"command": command, "seconds": seconds, "load_before": before,
                    "load_after": load()}  # fmt: skip
    js.write_text(json.dumps(data, indent=2))
    return data


# -- the summary ------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{x:+.1%}"


def summary(res: dict[str, dict]) -> list[tuple[str, str, str, str]]:
    """(figure, value, goal, load) rows for whatever ran."""
    rows: list[tuple[str, str, str, str]] = []

    def ld(name: str) -> str:
        r = res[name]["_run"]
        return f"{r['load_before']:.2f} -> {r['load_after']:.2f}"

    ok = {k: v for k, v in res.items() if "failed" not in v}
    if "transcribe" in ok:
        for m in ok["transcribe"]["models"]:
            for kind in ("cpu", "wall"):
                k = m[kind]
                rows.append((
                    f"tapelog transcribe vs raw faster-whisper, {m['model']}, {kind} time: "
                    f"RTF {k['rtf_tapelog']:.3f} vs {k['rtf_raw']:.3f}",
                    f"overhead {_pct(k['overhead_end_to_end'])} "
                    f"(after load {_pct(k['overhead_work'])})",
                    "< 10%", ld("transcribe"),
                ))  # fmt: skip
    if "matrix" in ok:
        en = [r for r in ok["matrix"]["rows"] if r.get("track", "en") == "en"]
        default = dict(compute_type="int8", beam_size=5, vad=True, batch_size=0,
                       word_timestamps=True)  # fmt: skip
        for model in dict.fromkeys(r["model"] for r in en):
            mine = [r for r in en if r["model"] == model]
            d = next((r for r in mine if all(r[k] == v for k, v in default.items())), None)
            fastest = min(mine, key=lambda r: r["cpu_rtf"])
            best = min(mine, key=lambda r: (r["wer"], r["cpu_rtf"]))
            if d:
                rows.append((f"matrix {model}: current defaults (int8, beam 5, VAD, sequential)",
                             f"CPU RTF {d['cpu_rtf']:.3f}, WER {d['wer']:.1%}", "-",
                             ld("matrix")))  # fmt: skip
            for label, r in (("fastest", fastest), ("lowest WER", best)):
                rows.append((
                    f"matrix {model}: {label} ({r['compute_type']}, beam {r['beam_size']}, "
                    f"VAD {'on' if r['vad'] else 'off'}, "
                    f"{'batched' if r['batch_size'] else 'sequential'})",
                    f"CPU RTF {r['cpu_rtf']:.3f}, WER {r['wer']:.1%}", "-", ld("matrix"),
                ))  # fmt: skip
        zh = [r for r in ok["matrix"]["rows"] if r.get("track") == "zh"]
        if zh:
            best = min(zh, key=lambda r: (r["wer"], r["cpu_rtf"]))
            rows.append((f"matrix base, Mandarin (language zh): lowest CER ({best['compute_type']}, "
                         f"beam {best['beam_size']}, VAD {'on' if best['vad'] else 'off'})",
                         f"CER {best['wer']:.1%}, CPU RTF {best['cpu_rtf']:.3f}", "-",
                         ld("matrix")))  # fmt: skip
    if "vocab" in ok:
        for s in ok["vocab"]["summary"]:
            rows.append((f"names heard right, {s['model']}, {s['condition']}",
                         f"{s['name_recall']:.0%} (WER {s['wer']:.1%})", "higher with vocab",
                         ld("vocab")))  # fmt: skip
    if "linking" in ok:
        lk = ok["linking"]
        t = lk["timing"]
        rows.append(("linking precision / recall", f"{lk['precision']:.3f} / {lk['recall']:.3f}",
                     "-", ld("linking")))  # fmt: skip
        rows.append((f"link suggestions, 1 h (1,000 segments) vs {lk['cases']:,} cases: build + scan",
                     f"{t['build_s'] * 1000:.0f} + {t['scan_s'] * 1000:.0f} = "
                     f"{t['total_s'] * 1000:.0f} ms", "< 1 s", ld("linking")))  # fmt: skip
    for name in ("search", "search-big"):
        if name not in ok:
            continue
        s = ok[name]
        h = f"{s['hours']:,} h"
        lb = s["links_big"]
        rows += [
            (f"search {h}: open (fresh process)", f"{s['open_s']:.2f} s", "< 2 s", ld(name)),
            (f"search {h}: exact p50 / p95", f"{s['exact']['p50_ms']:.1f} / "
             f"{s['exact']['p95_ms']:.1f} ms", "p95 < 50 ms", ld(name)),
            (f"search {h}: fuzzy p50 / p95", f"{s['fuzzy']['p50_ms']:.1f} / "
             f"{s['fuzzy']['p95_ms']:.1f} ms", "p95 < 200 ms", ld(name)),
            (f"search {h}: peak memory", f"{s['peak_rss_mb']:.0f} MB", "-", ld(name)),
            (f"rename a speaker, 10 h vs {h}", f"{s['rename_ms_small']:.1f} vs "
             f"{s['rename_ms_big']:.1f} ms, ratio {s['rename_ratio']:.2f}", "ratio ~1", ld(name)),
            (f"add a tag, 10 h vs {h}", f"{s['tag_ms_small']:.1f} vs {s['tag_ms_big']:.1f} ms, "
             f"ratio {s['tag_ratio']:.2f}", "ratio ~1", ld(name)),
            (f"link suggestions for 1 h in the {h} archive ({s['cases']:,}+ cases), "
             "first / cached", f"{lb['first_s'] * 1000:.0f} / {lb['second_s'] * 1000:.0f} ms",
             "< 1 s", ld(name)),
        ]  # fmt: skip
        if "index_build_s" in s["build"]:
            rows.append((f"search {h}: index build (one-off)",
                         f"{s['build']['index_build_s']:.0f} s", "-", ld(name)))  # fmt: skip
    if "cli-start" in ok:
        c = ok["cli-start"]
        for key, label, goal in (
            ("help", "tapelog --help", "-"),
            ("search", "tapelog search QUERY", "p50 < 200 ms"),
            ("fuzzy", "tapelog search --fuzzy QUERY", "-"),
        ):
            m = c[key]
            rows.append((f"whole process, {c['archive']}: {label} (wall p50 / p95, CPU p50)",
                         f"{m['p50_ms']:.0f} / {m['p95_ms']:.0f} ms, {m['cpu_p50_ms']:.0f} ms CPU",
                         goal, ld("cli-start")))  # fmt: skip
    for name in ("tui", "tui-big"):
        if name not in ok:
            continue
        t = ok[name]
        h = f"{t['hours']:,} h"

        def med(xs: list[float]) -> float:
            return sorted(xs)[len(xs) // 2]

        paint = t.get("tmux_first_paint_s")
        rows += [
            (f"TUI {h}: launch to first paint, tmux / headless",
             f"{paint:.2f} / {t['first_paint_s']:.2f} s" if paint else
             f"- / {t['first_paint_s']:.2f} s", "-", ld(name)),
            (f"TUI {h}: keystroke to results exact / fuzzy p50 (incl. 0.2 s debounce)",
             f"{med(t['exact']['key_to_results_s']) * 1000:.0f} / "
             f"{med(t['fuzzy']['key_to_results_s']) * 1000:.0f} ms", "-", ld(name)),
            (f"TUI {h}: Library PageDown, wall (Pilot floor {med(t['scroll']['f12']) * 1000:.0f}"
             " ms) / CPU p50",
             f"{med(t['scroll']['pagedown']) * 1000:.0f} / "
             f"{med(t['scroll_cpu']['pagedown']) * 1000:.0f} ms", "-", ld(name)),
            (f"TUI {h}: peak memory", f"{t['max_rss_mb']:.0f} MB", "-", ld(name)),
        ]  # fmt: skip
    rows += _writes_rows(ok, ld)
    if "links-suggest" in ok:
        ls = ok["links-suggest"]
        rows.append((f"tapelog links suggest, 1 h vs {ls['cases']:,} cases, whole process: "
                     "first / index reused, wall (CPU)",
                     f"{ls['first']['wall_s']:.1f} s ({ls['first']['cpu_s']:.1f} s) / "
                     f"{ls['reused']['wall_s_median']:.2f} s ({ls['reused']['cpu_s_median']:.2f} s)",
                     "reused < 1 s", ld("links-suggest")))  # fmt: skip
    rows += _names_rows(ok, ld)
    if "second-look" in ok:
        t = ok["second-look"]["total"]
        rows.append(("second look vs transcribing again with base, sparse set, CPU",
                     f"{t['second_look_cpu'] / t['base_cpu']:.2f}x (decoded "
                     f"{t['decoded_s'] / t['duration']:.0%} of the audio)", "well under 1x",
                     ld("second-look")))  # fmt: skip
    return rows


def _names_rows(ok: dict[str, dict], ld) -> list[tuple[str, str, str, str]]:
    """The names benchmark, transcribed afresh at the defaults (bench_names bench)."""
    f: dict = ok["names"]["figures"] if "names" in ok else {}
    rows: list[tuple[str, str, str, str]] = []
    en, plain, zh = f.get("default/en"), f.get("tiny.en/en"), f.get("default/zh")
    if en:
        vs = f" vs {plain['nonname_error']:.1%} plain" if plain else ""
        rows.append((f"names bench, English, defaults ({en['files']} files): recall / precision "
                     "/ decoy links / non-name WER vs plain tiny.en",
                     f"{en['recall']:.2f} / {en['precision']:.2f} / {en['decoy_links']} / "
                     f"{en['nonname_error']:.1%}{vs}", ">= 0.9 / >= 0.95 / 0 / no worse",
                     ld("names")))  # fmt: skip
    if en and plain:
        rows.append(("names bench, English: CPU, defaults (plain + second look) vs plain",
                     f"{en['cpu_rtf'] / plain['cpu_rtf']:.2f}x", "-", ld("names")))  # fmt: skip
    if zh:
        rows.append((f"names bench, Mandarin, defaults ({zh['files']} files): recall / precision "
                     "/ CER / files with a loop", f"{zh['recall']:.2f} / {zh['precision']:.2f} / "
                     f"{zh['nonname_error']:.1%} / {zh['loops']}", "- / - / - / 0",
                     ld("names")))  # fmt: skip
    for name, what in (("names-sparse", "long interviews (espeak-ng)"),
                       ("names-natural", "natural voice (Piper)"),
                       ("names-held-out", "natural voice, held out (natural25)")):  # fmt: skip
        g = ok.get(name, {}).get("figures", {})
        en, plain = g.get("default/en"), g.get("tiny.en/en")
        if en:
            vs = f" vs {plain['nonname_error']:.1%} plain" if plain else ""
            rows.append((f"names, English, {what}, defaults ({en['files']} files): recall / "
                         "precision / decoy links / non-name WER vs plain tiny.en",
                         f"{en['recall']:.2f} / {en['precision']:.2f} / {en['decoy_links']} / "
                         f"{en['nonname_error']:.1%}{vs}", ">= 0.9 / >= 0.95 / 0 / no worse",
                         ld(name)))  # fmt: skip
    return rows


def _writes_rows(ok: dict[str, dict], ld) -> list[tuple[str, str, str, str]]:
    """Small writes big vs small (bench_writes), and the big case sheet's import."""
    if "writes" not in ok:
        return []
    w, rows = ok["writes"], []
    b = w["sizes"]["big"]
    size = f"{b['tags']:,} tags, {b['media']:,} media, {b['cases']:,} cases vs 100, 10, 1,000"
    for op, r in w["writes"].items():
        rows.append((f"{op}, {size}: ratio of medians (CPU ratio)",
                     f"{r['ratio']:.2f} ({r['cpu_ratio']:.2f}); {r['small_ms']:.1f} vs "
                     f"{r['big_ms']:.1f} ms", "<= 1.3", ld("writes")))  # fmt: skip
    imp = w["build"]["big"]
    rows.append((f"tapelog cases import, {b['cases']:,} cases (CSV): wall (CPU) / peak memory",
                 f"{imp['import_seconds']:.0f} s ({imp['import_cpu_seconds']:.0f} s) / "
                 f"{imp['import_peak_rss_mb']:.0f} MB", "< 60 s, < 500 MB", ld("writes")))  # fmt: skip
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    ap.add_argument("--only", nargs="+", choices=NAMES, help="run only these benches")
    ap.add_argument("--work", type=Path, help="where to build the synthetic archives")
    ap.add_argument("--big-root", type=Path, help="reuse this big synthetic archive")
    ap.add_argument("--keep", action="store_true", help="keep the synthetic archives")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="tapelog-bench-all-"))
    work.mkdir(parents=True, exist_ok=True)
    started = machine()
    t0 = time.perf_counter()
    results: dict[str, dict] = {}
    try:
        for name, argv in plan(args, work).items():
            if args.only and name not in args.only:
                continue
            results[name] = run(name, argv)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            # A --big-root given by the caller is theirs to delete.
    total = time.perf_counter() - t0
    rows = summary(results)
    lines = [
        f"# tapelog benchmarks, {started['date']} ({'quick' if args.quick else 'full'} run, "
        f"{total / 60:.0f} min; {started['cores']} cores, Python {started['python']})",
        "",
        "| figure | value | goal | load (1 min) before -> after |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]
    failed = [n for n, r in results.items() if "failed" in r]
    if failed:
        lines += ["", f"FAILED: {', '.join(failed)}"]
    text = "\n".join(lines)
    print(text)
    (OUT / "summary.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "summary.json").write_text(
        json.dumps(
            {
                "machine": started,
                "seconds": total,
                "quick": args.quick,
                "failed": failed,
                "rows": rows,
            },
            indent=2,
        )  # fmt: skip
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
