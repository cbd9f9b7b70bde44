"""How long a `tapelog` command takes as a whole process: start, imports, open, query, print.

A crew runs `tapelog search "scam calls"` and waits for the whole process, not for the
query (a few ms): Python's start, every module the command imports, opening the
archive and checking its index, the query, and printing. This times, each in a fresh
process, ``--rounds`` times (after one warm-up run that builds the index):

* ``python -c pass``: the interpreter alone (the floor);
* ``import tapelog.cli.main``: what every command pays before it runs;
* ``tapelog --help``, ``tapelog search QUERY`` and ``tapelog search --fuzzy QUERY``;

and lists, with ``python -X importtime``, the heavy modules a search imports.

    .venv/bin/python bench/bench_cli_start.py                  # a synthetic 1,000 h archive
    .venv/bin/python bench/bench_cli_start.py --hours 100      # quicker to build
    .venv/bin/python bench/bench_cli_start.py --root /work/benchdata/h1000  # an archive built before
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import children_cpu, load, machine
from bench.synth import build

QUERIES = ["scam calls", "the police did not help", "DNA database", "baby turtle"]
# Libraries a search has no use for; each costs tens of milliseconds to import.
HEAVY = ["opentimelineio", "numpy", "textual", "faster_whisper", "ctranslate2", "torch"]


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU: what a busy machine does not inflate)."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    if proc.returncode not in (0, 1):  # 1: "no matches" is fine
        raise SystemExit(f"{argv} failed: {proc.stderr.decode()[-500:]}")
    return wall, cpu


def _rounds(argvs: list[list[str]], rounds: int, env: dict[str, str]) -> dict[str, float]:
    """Runs each command in turn, ``rounds`` times; wall p50/p95/min and CPU p50, in ms."""
    runs = [_timed(argvs[i % len(argvs)], env) for i in range(rounds)]
    times = sorted(wall * 1000 for wall, _ in runs)
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "min_ms": times[0],
        "cpu_p50_ms": statistics.median(cpu * 1000 for _, cpu in runs),
        "runs": len(times),
    }


def _imports(root: Path, env: dict[str, str]) -> dict:
    """Cumulative import time of the top-level modules a search imports (-X importtime)."""
    code = (
        "import sys; from tapelog.cli.main import main; "
        f"main(['--archive', {str(root)!r}, 'search', {QUERIES[0]!r}])"
    )
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    own: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (p.strip() for p in line[len("import time:") :].split("|"))
        if cumulative.isdigit():
            own[name] = int(cumulative) / 1000
    top = sorted(
        ((n, ms) for n, ms in own.items() if n.startswith("tapelog.") or n in HEAVY),
        key=lambda x: -x[1],
    )
    return {
        "heavy_loaded": [n for n in HEAVY if n in own],
        "top_ms": top[:12],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--hours", type=int, default=1000, help="size of the synthetic archive")
    ap.add_argument("--root", type=Path, help="this archive (built here and kept if not there)")
    ap.add_argument("--query", action="append", help="search for this (repeatable)")
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    queries = args.query or QUERIES
    started = machine()
    tmp = Path(tempfile.mkdtemp(prefix="tl-clistart-"))
    root = args.root or tmp / "archive"
    built: dict = {"reused": True}
    try:
        if not (root / "store").is_dir():
            built = build(root, args.hours)
        env = {**os.environ, "TAPELOG_ARCHIVE": str(root)}
        # An installed tapelog has its bytecode compiled (pip does it at install), so
        # the runs may write and reuse .pyc files even where the shell says not to
        # (PYTHONDONTWRITEBYTECODE=1 here compiled ~40 modules again in every process).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        tapelog = str(Path(sys.executable).with_name("tapelog"))
        search = [[tapelog, "search", q] for q in queries]
        fuzzy = [[tapelog, "search", "--fuzzy", q] for q in queries]
        _timed(search[0], env)  # the first search may bring the index up to date
        result = {
            "machine": started,
            "archive": f"synthetic {args.hours} h" if "reused" not in built else str(root),
            "build": built,
            "python": _rounds([[sys.executable, "-c", "pass"]], args.rounds, env),
            "import_cli": _rounds(
                [[sys.executable, "-c", "import tapelog.cli.main"]], args.rounds, env
            ),
            "help": _rounds([[tapelog, "--help"]], args.rounds, env),
            "search": _rounds(search, args.rounds, env),
            "fuzzy": _rounds(fuzzy, args.rounds, env),
            "imports": _imports(root, env),
            "load_1min_end": load(),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(markdown(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


def markdown(r: dict) -> str:
    def row(label: str, m: dict, goal: str = "-") -> str:
        return (
            f"| {label} | {m['p50_ms']:.0f} / {m['p95_ms']:.0f} / {m['min_ms']:.0f} ms "
            f"| {m['cpu_p50_ms']:.0f} ms | {goal} |"
        )

    heavy = ", ".join(r["imports"]["heavy_loaded"]) or "none"
    top = ", ".join(f"{n} {ms:.0f}" for n, ms in r["imports"]["top_ms"][:6])
    return "\n".join(
        [
            f"## A `tapelog` command as a whole process ({r['archive']})",
            "",
            "| command (fresh process each run) | wall p50 / p95 / min | CPU p50 | goal |",
            "|---|---|---|---|",
            row("`python -c pass` (the interpreter alone)", r["python"]),
            row("`python -c 'import tapelog.cli.main'`", r["import_cli"]),
            row("`tapelog --help`", r["help"]),
            row("`tapelog search QUERY` (exact)", r["search"], "p50 < 200 ms"),
            row("`tapelog search --fuzzy QUERY`", r["fuzzy"]),
            "",
            f"Heavy libraries a search imports: {heavy}. Largest imports of a search "
            f"(cumulative ms, one `-X importtime` run): {top}.",
            "",
            f"Load average (1 min): {r['machine']['load_1min']} at start, "
            f"{r['load_1min_end']} at the end; {r['python']['runs']} runs of each.",
        ]
    )


if __name__ == "__main__":
    main()
