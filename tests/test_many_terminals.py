"""Many terminals on one host: five TUIs and CLI writers on one archive at once.

Each TUI is its own process driven by Textual's Pilot (as a person over SSH would
type): it opens an interview, tags lines through the tag dialog, then waits until its
own screen shows every tag written by everyone. Meanwhile CLI processes tag and correct
the same file. Nothing may be lost, and every screen must catch up with the others.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli
from tests.test_tui_support import build_ui_archive

TUIS = 5
TAGS_EACH = 3
CLI_WRITERS = 2

TUI_SCRIPT = r"""
import asyncio, json, sys, time
sys.path.insert(0, sys.argv[1])
from tapelog.archive.service import Archive
from tapelog.tui.app import TapelogApp
from textual.pilot import Pilot

# Pilot gives up after 30 s of a busy screen: with five TUIs on a loaded 2-core box that
# is a slow machine, not a bug. The hang guard below is the loop's own 300 s.
Pilot._wait_for_screen.__defaults__ = (600.0,)

root, me, each, expected = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

async def main():
    archive = Archive.open(root)
    app = TapelogApp(archive, watch_interval=0.2)
    out = {"tui": me, "typed": 0}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")  # the first interview
        await pilot.pause()
        screen = app.screen
        for i in range(each):
            await pilot.press("home", *["down"] * (i % 4), "g")
            await pilot.pause()
            await pilot.press(*f"tui{me}n{i}")
            await pilot.press("ctrl+s")
            await pilot.pause()
            out["typed"] += 1
        # Wait (a hang guard, not a timing) until this screen shows everyone's tags.
        t0 = time.monotonic()
        while len(screen.tags) < expected and time.monotonic() - t0 < 300:
            await pilot.pause(0.2)
        out["shown"] = len(screen.tags)
        out["caught_up_s"] = round(time.monotonic() - t0, 2)
    archive.close()
    print(json.dumps(out))

asyncio.run(main())
"""


def _cli_writer(root: Path, n: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("tapelog")
    script = " && ".join(
        f"{exe} --archive {root} tag m1 {2.0 + i} {2.5 + i} --theme cli{n}w{i} >/dev/null"
        for i in range(TAGS_EACH)
    )
    script += f" && {exe} --archive {root} correct m1 0 3 'corrected by writer {n}' >/dev/null"
    return subprocess.Popen(["bash", "-c", script], stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_five_tuis_and_cli_writers_lose_nothing_and_see_each_other(tmp_path):
    archive = build_ui_archive(tmp_path / "shared")
    root = archive.root
    before = len(archive.store.table("tags").search(lambda d: d.get("media_id") == "m1"))
    from tapelog.archive.cases import add_theme

    for name in [f"tui{n}n{i}" for n in range(TUIS) for i in range(TAGS_EACH)] + [
        f"cli{n}w{i}" for n in range(CLI_WRITERS) for i in range(TAGS_EACH)
    ]:
        add_theme(archive, name)  # the crew's vocabulary, made before the session
    archive.close()
    expected = before + TUIS * TAGS_EACH + CLI_WRITERS * TAGS_EACH
    tuis = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                TUI_SCRIPT,
                str(REPO),
                str(root),
                str(n),
                str(TAGS_EACH),
                str(expected),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(TUIS)
    ]
    writers = [_cli_writer(root, n) for n in range(CLI_WRITERS)]
    for w in writers:
        _out, err = w.communicate(timeout=900)
        assert w.returncode == 0, err
    reports = []
    for p in tuis:
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-2000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))

    from tapelog.archive.cases import list_tags
    from tapelog.archive.service import Archive

    a = Archive.open(root)
    themes = {t for tag in list_tags(a, media_id="m1") for t in tag.themes}
    for n in range(TUIS):
        for i in range(TAGS_EACH):
            assert f"tui{n}n{i}" in themes, f"TUI {n}'s tag {i} was lost"
    for n in range(CLI_WRITERS):
        for i in range(TAGS_EACH):
            assert f"cli{n}w{i}" in themes, f"CLI writer {n}'s tag {i} was lost"
    assert len(list_tags(a, media_id="m1")) == expected
    texts = {c.text for c in a.corrections("m1")}
    assert texts == {f"corrected by writer {n}" for n in range(CLI_WRITERS)}
    a.close()
    # Every screen caught up with everyone else's writes.
    assert [r["shown"] for r in reports] == [expected] * TUIS, reports
    assert run_cli("check", archive=root).returncode == 0
