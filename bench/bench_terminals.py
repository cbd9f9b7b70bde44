"""Many terminals on one host: five TUIs and CLI writers on one archive while it transcribes.

Five TUI processes (Textual's headless driver, driven by Pilot) each open the same
interview and, in turns, move the cursor (the time from a key until the list is redrawn
is "keystroke to screen") and tag a line through the tag dialog. Two CLI processes tag
the same file in a loop and one `tapelog transcribe` runs on a long take. Each tag's
theme carries the wall-clock time it was written; each TUI notes when another's tag
first appears on its screen ("visible after"). At the end every tag is counted: lost
writes must be 0.

    .venv/bin/python bench/bench_terminals.py [--keys 40 --tags 4]
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
import asyncio, json, sys, time
sys.path.insert(0, sys.argv[1])
from tapelog.archive.service import Archive
from tapelog.tui.app import TapelogApp
from tapelog.tui.widgets.confirm import ConfirmDialog
from tapelog.tui.widgets.virtual_list import VirtualList
from textual.pilot import Pilot

# On a crowded machine (this bench runs niced among other sessions) a headless app can
# wait more than Pilot's 30 s for CPU; that is the machine, not a lost key: wait on.
_wait = Pilot._wait_for_screen
Pilot._wait_for_screen = lambda self, timeout=600.0: _wait(self, timeout)

root, me, keys, tags = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

async def main():
    archive = Archive.open(root)
    app = TapelogApp(archive, watch_interval=2.0)
    lat, cpu, seen, visible = [], [], set(), []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        lst = screen.query_one(VirtualList)
        def note():
            now = time.time()
            for t in screen.tags:
                for th in t.themes:
                    if th.startswith("w") and "t" in th and th not in seen:
                        seen.add(th)
                        if not th.startswith(f"w{me}x"):
                            visible.append(now - int(th.rsplit("t", 1)[1]) / 1000)
        for i in range(keys):
            key = "down" if (i // 3) % 2 == 0 else "up"
            before = lst.cursor
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press(key)
            while lst.cursor == before and time.perf_counter() - t0 < 5:
                await pilot.pause(0.005)
            await pilot.pause()
            lat.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
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
            await pilot.pause(0.2)
            note()
    archive.close()
    print(json.dumps({"lat": lat, "cpu": cpu, "visible": visible}))

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


def run(keys: int, tags: int, cli_tags: int, work: Path) -> dict:
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
    exe = Path(sys.executable).with_name("tapelog")
    load_before = load()
    transcriber = subprocess.Popen(
        [str(exe), "--archive", str(root), "transcribe", long_id, "--model", "tiny.en"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(3)
    tuis = [
        subprocess.Popen(
            [sys.executable, "-c", TUI, str(REPO), str(root), str(n), str(keys), str(tags)],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(5)
    ]
    writers = [_cli_writer(root, n, cli_tags) for n in range(2)]
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
    written = [f"w{n}x{i}" for n in range(5) for i in range(tags)]
    lost_tui = [w for w in written if not any(t.startswith(w + "t") for t in themes)]
    lost_cli = [
        f"c{n}x{i}" for n in range(2) for i in range(cli_tags)
        if not any(t.startswith(f"c{n}x{i}t") for t in themes)
    ]  # fmt: skip
    lat = [x for o in outs for x in o["lat"]]
    cpu = [x for o in outs for x in o["cpu"]]
    vis = [x for o in outs for x in o["visible"]]
    return {
        "machine": machine(), "load_before": load_before, "load_after": load(),
        "tuis": 5, "keys_each": keys, "tui_tags_each": tags, "cli_writers": 2,
        "cli_tags_each": cli_tags, "transcribing_throughout": still_transcribing,
        "keystroke_ms": {"p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95), "max": _pct(lat, 1.0),
                         "n": len(lat)},
        "keystroke_cpu_ms": {"p50": _pct(cpu, 0.5), "p95": _pct(cpu, 0.95)},
        "tui_tags_visible_in_other_tuis_ms": {"p50": _pct(vis, 0.5), "p95": _pct(vis, 0.95),
                                              "n": len(vis)},
        "tags_before": before, "lost_writes": len(lost_tui) + len(lost_cli),
        "lost": lost_tui + lost_cli,
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keys", type=int, default=40)
    ap.add_argument("--tags", type=int, default=4)
    ap.add_argument("--cli-tags", type=int, default=5)
    ap.add_argument("--out", "--json", type=Path, default=REPO / "bench" / "out" / "terminals.json")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tapelog-terminals-"))
    try:
        result = run(args.keys, args.tags, args.cli_tags, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
