"""The terminal UI at scale: launch to first paint, keystroke to search results, memory.

On the synthetic archive (``bench/synth.py``, 600 segments an hour; 1,000 hours by
default) it measures, each in a fresh process:

* launch to first paint: the real ``tapelog`` console script started in tmux (100x30)
  until the Library's rows are on the terminal (skipped without tmux), and the same
  in-process with Textual's headless driver (imports + archive open + first render);
* list scrolling: in the Library (one row per media file), the time from a key
  (PageDown, Down, End, Home) until the list is redrawn, p50 and max;
* keystroke to results: the last key of a query typed into the Search screen until
  its results are drawn (includes the 0.2 s debounce that keeps typing smooth), for
  exact and fuzzy queries, p50 and max;
* peak memory (max RSS) of the headless process after the searches.

    .venv/bin/python bench/bench_tui.py --hours 1000 [--root DIR]
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

EXACT = ["police did not help", "scam calls", "Liu Jingjun", "baby turtle", "DNA database"]
FUZZY = ["Lou Run", "scam cals", "survelance camera"]

PROBE = r"""
import time
t0 = time.perf_counter()
import asyncio, json, resource, sys
sys.path.insert(0, sys.argv[2])
from tapelog.archive.service import Archive
from tapelog.tui.app import TapelogApp
from tapelog.tui.screens.search import SearchScreen

EXACT, FUZZY = json.loads(sys.argv[3]), json.loads(sys.argv[4])

async def main():
    out = {}
    app = TapelogApp(Archive.open(sys.argv[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        out["first_paint_s"] = time.perf_counter() - t0
        vlist = app.screen.query_one("VirtualList")
        out["media_rows"] = len(vlist.items)
        scroll, scroll_cpu = {}, {}
        # f12 is bound to nothing here: the floor of Pilot's idle detection.
        for key, n in (("f12", 10), ("pagedown", 20), ("down", 20), ("end", 3), ("home", 3)):
            times, cpu = [], []
            for _ in range(n):
                t, c = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await pilot.pause()
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                if key == "end":
                    await pilot.press("home")
                    await pilot.pause()
            scroll[key] = times
            scroll_cpu[key] = cpu
        out["scroll_cpu"] = scroll_cpu
        await pilot.press("end")
        await pilot.pause()
        out["scroll"] = scroll
        out["cursor_after_end"] = vlist.cursor
        await pilot.press("home")
        await pilot.pause()
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        for mode, queries in (("exact", EXACT), ("fuzzy", FUZZY)):
            if mode == "fuzzy":
                await pilot.press("ctrl+f")
            lat, core = [], []
            for q in queries:
                await pilot.press("ctrl+u")
                await pilot.press(*q[:-1])
                t_key = time.perf_counter()
                await pilot.press(q[-1])
                while not (screen.last_query == q and screen.results_at > t_key):
                    await pilot.pause(0.005)
                lat.append(screen.results_at - t_key)
                core.append(screen.last_elapsed)
            out[mode] = {"key_to_results_s": lat, "search_s": core}
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))

asyncio.run(main())
"""


def tmux_first_paint(root: Path) -> float | None:
    """Seconds from starting ``tapelog`` in tmux until the Library rows are drawn."""
    if shutil.which("tmux") is None:
        return None
    exe = Path(sys.executable).with_name("tapelog")
    session = f"tapelog-bench-{os.getpid()}"
    t0 = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
         f"env TAPELOG_ARCHIVE={root} {exe}"],
        check=True,
    )  # fmt: skip
    try:
        while time.perf_counter() - t0 < 120:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if "Library ·" in screen and "A0000.mov" in screen:
                return time.perf_counter() - t0
            time.sleep(0.02)
        return None
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--hours", type=int, default=1000)
    ap.add_argument("--root", type=Path, help="reuse/keep the synthetic archive here")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--paint-repeat", type=int, default=3, help="tmux launches (median)")
    args = ap.parse_args()

    from bench.common import load
    from bench.synth import build

    tmp = None
    root = args.root
    if root is None:
        tmp = tempfile.mkdtemp(prefix="tapelog-bench-tui-")
        root = Path(tmp) / "archive"
    try:
        if not (root / "transcripts").is_dir():
            build(root, args.hours)
        figures_load = load()
        paints = [tmux_first_paint(root) for _ in range(args.paint_repeat)]
        paints = [p for p in paints if p is not None]
        paint = statistics.median(paints) if paints else None
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, str(root), str(REPO), json.dumps(EXACT),
             json.dumps(FUZZY)],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        figures["tmux_first_paint_s"] = paint
        figures["tmux_first_paint_runs"] = paints
        figures["load_1min"] = figures_load
        figures["hours"] = args.hours
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    def ms(x: float) -> str:
        return f"{x * 1000:.0f} ms"

    print(f"### TUI on the synthetic {args.hours}-hour archive ({args.hours * 600:,} segments)\n")
    print("| measure | value |")
    print("|---|---|")
    if paint is not None:
        runs = ", ".join(ms(p) for p in paints)
        print(f"| launch to first paint, real `tapelog` in tmux, median ({runs}) | {ms(paint)} |")
    print(f"| launch to first paint, headless (imports + open + render) | "
          f"{ms(figures['first_paint_s'])} |")  # fmt: skip
    for mode in ("exact", "fuzzy"):
        lat = figures[mode]["key_to_results_s"]
        core = figures[mode]["search_s"]
        print(
            f"| keystroke to results, {mode} (incl. 0.2 s debounce), p50 / max | "
            f"{ms(statistics.median(lat))} / {ms(max(lat))} |"
        )
        print(f"| of which the search itself, {mode}, p50 | {ms(statistics.median(core))} |")
    for key, times in figures["scroll"].items():
        cpu = figures["scroll_cpu"][key]
        what = "no-op key (f12), Pilot's idle-detection floor" if key == "f12" else key
        print(
            f"| Library list, {what}: key to redrawn and idle, wall p50 / max; CPU p50 / max "
            f"({len(times)} presses) | {ms(statistics.median(times))} / {ms(max(times))}; "
            f"{ms(statistics.median(cpu))} / {ms(max(cpu))} |"
        )
    print(f"| peak memory (max RSS) | {figures['max_rss_mb']:.0f} MB |")
    print(f"\nLoad average (1 min): {figures['load_1min']} before, {load()} after.")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
