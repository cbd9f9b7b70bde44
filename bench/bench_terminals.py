"""Many terminals on one host: five TUIs and CLI writers on one archive while it transcribes.

Five TUI processes (Textual's headless driver) each open the same interview and, in
turns, move the cursor and tag a line through the tag dialog. Two CLI processes tag the
same file in a loop and one `tapelog transcribe` runs on a long take. Each tag's theme
carries the wall-clock time it was written; each TUI notes when another's tag first
appears on its screen ("visible after"). At the end every tag is counted: lost writes
must be 0.

Keystroke to screen is timed as a terminal sees it: the key is handed to the app as the
terminal driver hands it over, and the clock stops at the first frame the app draws with
the cursor moved (Pilot's ``press`` is not used for these keys: it also waits until the
process has been idle for a while, which on a busy machine is most of what it measures).
Beside the wall time, each TUI reports the CPU its UI thread spent per key, and the
longest stretches its event loop was busy without a break (``ui_busy``: what a key
pressed at the wrong moment waits for, whatever the machine's load). ``--profile``
writes a CPU profile of the first TUI's UI thread (bench/out/terminals-ui.prof) and
puts its top functions in the JSON. ``--cases N`` adds N case records (a real archive
has thousands), which every screen's vocabulary of cases and people covers.

    .venv/bin/python bench/bench_terminals.py [--keys 40 --tags 4 --cases 20000 --profile]
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
sys.path.insert(0, str(REPO))

from bench.common import load, machine  # noqa: E402

TUI = r"""
import asyncio, cProfile, io, json, pstats, sys, time
sys.path.insert(0, sys.argv[1])
from tapelog.archive.service import Archive
from tapelog.tui.app import TapelogApp
from tapelog.tui.widgets.confirm import ConfirmDialog
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import events
from textual.pilot import Pilot

# On a crowded machine (this bench runs niced among other sessions) a headless app can
# wait more than Pilot's 30 s for CPU; that is the machine, not a lost key: wait on.
_wait = Pilot._wait_for_screen
Pilot._wait_for_screen = lambda self, timeout=600.0: _wait(self, timeout)

root, me, keys, tags, interval, prof_out = (
    sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
    sys.argv[7])

async def watch_loop(busy):
    # CPU the UI thread spends between two 10 ms ticks: a long one is the loop blocked.
    while True:
        c = time.thread_time()
        await asyncio.sleep(0.01)
        busy.append(time.thread_time() - c)

async def main():
    archive = Archive.open(root)
    app = TapelogApp(archive, watch_interval=interval)
    lat, cpu, seen, visible, busy = [], [], set(), [], []
    probe = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        lst = screen.query_one(VirtualList)
        display = app._display

        shown = {"tags": None}

        def frame(scr, renderable):
            display(scr, renderable)
            if renderable is not None and "before" in probe and lst.cursor != probe["before"]:
                probe.pop("before")
                probe["t"], probe["cpu"] = time.perf_counter(), time.thread_time()
            if screen.tags is not shown["tags"]:  # others' tags, noted as they are drawn
                shown["tags"] = screen.tags
                note()

        app._display = frame
        def note():
            now = time.time()
            for t in screen.tags:
                for th in t.themes:
                    if th.startswith("w") and "t" in th and th not in seen:
                        seen.add(th)
                        if not th.startswith(f"w{me}x"):
                            visible.append(now - int(th.rsplit("t", 1)[1]) / 1000)
        prof = cProfile.Profile(time.thread_time) if prof_out else None
        ticker = asyncio.create_task(watch_loop(busy))
        if prof:
            prof.enable()
        for i in range(keys):
            key = "down" if (i // 3) % 2 == 0 else "up"
            await asyncio.sleep(0.3)  # a person's pace between keys
            probe.clear()
            probe["before"] = lst.cursor
            t0, c0 = time.perf_counter(), time.thread_time()
            app._driver.send_message(events.Key(key, None))
            while "t" not in probe and time.perf_counter() - t0 < 600:  # a hang guard
                await asyncio.sleep(0.005)  # the frame's time is taken when it is drawn
            lat.append(probe.get("t", float("nan")) - t0)
            cpu.append(probe.get("cpu", float("nan")) - c0)
            note()
            if tags and i % max(1, keys // tags) == 0 and i // max(1, keys // tags) < tags:
                n = i // max(1, keys // tags)
                await pilot.press("g")
                await pilot.pause()
                await pilot.press(*f"w{me}x{n}t{int(time.time() * 1000)}")
                await pilot.press("ctrl+s")
                await pilot.pause()
                if isinstance(app.screen, ConfirmDialog):  # "a new theme?": yes
                    await pilot.press("y")
                    await pilot.pause()
        t_end = time.monotonic()
        while time.monotonic() - t_end < 8:  # let the last writes of others arrive
            await asyncio.sleep(0.2)
            note()
        if prof:
            prof.disable()
            prof.dump_stats(prof_out)
        ticker.cancel()
    archive.close()
    top = ""
    if prof:
        s = io.StringIO()
        pstats.Stats(prof_out, stream=s).sort_stats("cumulative").print_stats(30)
        top = s.getvalue()
    print(json.dumps({"lat": lat, "cpu": cpu, "visible": visible, "busy": busy, "profile": top}))

asyncio.run(main())
"""


def _cli_writer(root: Path, n: int, count: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("tapelog")
    lines = [
        f"{exe} --archive {root} tag m1 {2.0 + i % 10} {2.5 + i % 10} "
        f'--theme "c{n}x{i}t$(date +%s%3N)" --new-theme >/dev/null'
        for i in range(count)
    ]
    return subprocess.Popen(["bash", "-c", " && ".join(lines)])


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else float("nan")


def _add_cases(root: Path, n: int) -> None:
    from tapelog.archive.record_import import import_cases
    from tapelog.archive.service import Archive

    from bench.bench_writes import write_sheet

    sheet = root.parent / "cases.csv"
    write_sheet(sheet, n)
    a = Archive.open(root)
    import_cases(a, sheet)
    a.close()


def run(args: argparse.Namespace, work: Path) -> dict:
    from tapelog.archive.tags import list_tags

    from bench.bench_cluster import make_long
    from tests.test_tui_support import build_ui_archive

    a = build_ui_archive(work / "archive")
    long = make_long(work, 120.0)
    a.import_paths([long])
    long_id = a.list_media()[-1].id
    before = len(list_tags(a))
    a.close()
    root = work / "archive"
    if args.cases:
        _add_cases(root, args.cases)
    exe = Path(sys.executable).with_name("tapelog")
    load_before = load()
    transcriber = subprocess.Popen(
        [str(exe), "--archive", str(root), "transcribe", long_id, "--model", "tiny.en"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(3)
    prof = args.out.with_name("terminals-ui.prof") if args.profile else ""
    tuis = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                TUI,
                str(REPO),
                str(root),
                str(n),
                str(args.keys),
                str(args.tags),
                str(args.interval),
                str(prof) if n == 0 else "",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(args.tuis)
    ]
    writers = [_cli_writer(root, n, args.cli_tags) for n in range(2)]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in tuis]
    for w in writers:
        w.wait()
    still_transcribing = transcriber.poll() is None
    transcriber.terminate()
    transcriber.wait()
    from tapelog.archive.service import Archive

    a = Archive.open(root)
    themes = {t for tag in list_tags(a) for t in tag.themes}
    a.close()
    written = [f"w{n}x{i}" for n in range(args.tuis) for i in range(args.tags)]
    lost_tui = [w for w in written if not any(t.startswith(w + "t") for t in themes)]
    lost_cli = [
        f"c{n}x{i}" for n in range(2) for i in range(args.cli_tags)
        if not any(t.startswith(f"c{n}x{i}t") for t in themes)
    ]  # fmt: skip
    lat = [x for o in outs for x in o["lat"]]
    cpu = [x for o in outs for x in o["cpu"]]
    vis = [x for o in outs for x in o["visible"]]
    busy = [x for o in outs for x in o["busy"]]
    if args.profile:
        args.out.with_name("terminals-ui-profile.txt").write_text(outs[0]["profile"])
    return {
        "machine": machine(), "load_before": load_before, "load_after": load(),
        "tuis": args.tuis, "keys_each": args.keys, "tui_tags_each": args.tags, "cli_writers": 2,
        "cli_tags_each": args.cli_tags, "extra_cases": args.cases,
        "watch_interval_s": args.interval, "transcribing_throughout": still_transcribing,
        "keystroke_ms": {"p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95), "max": _pct(lat, 1.0),
                         "n": len(lat)},
        "keystroke_ui_cpu_ms": {"p50": _pct(cpu, 0.5), "p95": _pct(cpu, 0.95),
                                "max": _pct(cpu, 1.0)},
        "ui_busy_ms": {"p99": _pct(busy, 0.99), "p999": _pct(busy, 0.999), "max": _pct(busy, 1.0),
                       "over_100ms": sum(1 for b in busy if b > 0.1), "ticks": len(busy)},
        "tui_tags_visible_in_other_tuis_ms": {"p50": _pct(vis, 0.5), "p95": _pct(vis, 0.95),
                                              "n": len(vis)},
        "tags_before": before, "lost_writes": len(lost_tui) + len(lost_cli),
        "lost": lost_tui + lost_cli,
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tuis", type=int, default=5)
    ap.add_argument("--keys", type=int, default=40)
    ap.add_argument("--tags", type=int, default=4)
    ap.add_argument("--cli-tags", type=int, default=5)
    ap.add_argument("--cases", type=int, default=0, help="extra case records in the archive")
    ap.add_argument("--interval", type=float, default=2.0, help="the TUI's watch interval (s)")
    ap.add_argument("--profile", action="store_true", help="CPU profile of TUI 0's UI thread")
    ap.add_argument("--out", "--json", type=Path, default=REPO / "bench" / "out" / "terminals.json")
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tapelog-terminals-"))
    try:
        result = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
