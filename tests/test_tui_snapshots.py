"""Snapshots of the main screens at 80x24 (pytest-textual-snapshot).

The archive is fixed (scripted transcripts, seed records); screens show file names,
never the temp path, so the pictures do not depend on where the test runs.
Update after an intended change: ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.tui.app import TapelogApp

from tests.test_tui_support import build_ui_archive

SIZE = (80, 24)


@pytest.fixture
def app(tmp_path: Path):
    archive = build_ui_archive(tmp_path / "snap-archive")
    yield TapelogApp(archive)
    archive.close()


async def _settle(pilot) -> None:
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_library(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE)


def test_interview(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, press=["down", "enter", "down", "down", "down"])


def test_search(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("2", *"luo")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_link_review(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, press=["3"])


def test_cases(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, press=["4", "end"])


def test_interview_tag_list(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, press=["enter", "down", "down", "t"])


def test_transcribe_options(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, press=["o", "tab", "tab", "tab", "space"])
