"""One clock: the CLI and every TUI view show the same time the same way.

A crew logs in the camera's timecode: `tags list`, `links suggest`, the tag dialog and
the TUI's notifications used to show running time (``0:00:42.5``) while the library
and search showed timecode, and a file was ``0:01:35.0`` long in the CLI and
``0:01:34`` in the TUI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tapelog.tui.app import TapelogApp
from tapelog.tui.screens.interview import InterviewScreen
from tapelog.tui.screens.library import LibraryScreen
from tapelog.tui.widgets.tag_dialogs import TagDialog
from tapelog.tui.widgets.virtual_list import VirtualList

from tests.conftest import run_cli
from tests.test_tui_support import build_ui_archive

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def ui_archive(tmp_path: Path):
    a = build_ui_archive(tmp_path / "ui-archive")
    yield a
    a.close()


def _cli_lengths(root: Path, *extra: str) -> dict[str, str]:
    out = run_cli("list", *extra, archive=root)
    assert out.returncode == 0, out.stderr
    return {line.split()[0]: line.split()[1] for line in out.stdout.splitlines()}


def test_cli_lists_speak_timecode_and_running_time_on_request(ui_archive) -> None:
    root = ui_archive.root
    assert _cli_lengths(root) == {
        "m1": "00:00:22:00",  # 25 fps, timecode 10:00:00:00
        "m2": "00:00:23:23",  # 24 s at 23.976: 575 whole frames
        "m3": "0:00:03.0",  # 25 fps but no timecode: running time
        "m4": "0:00:05.0",  # no timecode: running time
    }
    assert _cli_lengths(root, "--time", "running")["m2"] == "0:00:24.0"
    tags = run_cli("tags", "list", archive=root)
    assert tags.stdout.split("\t")[2] == "10:00:08:22-10:00:11:15", tags.stdout
    tags = run_cli("tags", "list", "--time", "running", archive=root)
    assert tags.stdout.split("\t")[2] == "0:00:08.9-0:00:11.6", tags.stdout
    links = run_cli("links", "list", archive=root)
    assert "\t01:00:04:12\t" in links.stdout, links.stdout
    shown = run_cli("show", "m1", archive=root)
    assert "[10:00:08:22] The police did not help us at first." in shown.stdout
    # What a list shows can be typed back.
    tag = run_cli("tag", "m1", "10:00:08:22", "0:00:11.6", "--note", "again", archive=root)
    assert tag.returncode == 0 and "10:00:08:22-10:00:11:15" in tag.stdout, tag.stderr
    bad = run_cli("tags", "list", "--time", "wall", archive=root)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


async def test_tui_shows_what_the_cli_shows_and_toggles(ui_archive) -> None:
    root = ui_archive.root
    cli = _cli_lengths(root)
    app = TapelogApp(ui_archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        vlist = screen.query_one(VirtualList)
        for i, row in enumerate(vlist.items):
            drawn = screen._format(row, i, 100).plain
            assert f" {cli[row.media.id]} " in drawn, (drawn, cli[row.media.id])
        await pilot.press("enter")  # interview m1
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        interview = app.screen
        assert isinstance(interview, InterviewScreen)
        assert interview.timecode(2) == "10:00:08:22"
        assert "00:00:22:00" in str(interview.query_one("#iv-title").render())
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert interview.timecode(2) == "0:00:08.9"
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("down", "down", "g")  # tag the third line
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TagDialog)
        assert re.search(r"10:00:08:22-10:00:11:15", dialog.span_text), dialog.span_text
