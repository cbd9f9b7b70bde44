"""End to end: the real ``tapelog`` console script in tmux, typing a search."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_tui_support import build_ui_archive

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=True, timeout=20
    ).stdout


def _wait_for(session: str, text: str, timeout: float = 180.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def test_search_in_tmux(tmp_path: Path) -> None:
    root = tmp_path / "tmux-archive"
    build_ui_archive(root).close()
    exe = Path(sys.executable).with_name("tapelog")
    session = f"tapelog-test-{os.getpid()}"
    env = f"TAPELOG_ARCHIVE={root} TERM=xterm-256color"
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", f"env {env} {exe}")
    try:
        _wait_for(session, "Library · 4 files")
        _tmux("send-keys", "-t", session, "2")
        _wait_for(session, "Type to search")
        for key in "fujian":
            _tmux("send-keys", "-t", session, key)
        screen = _wait_for(session, "1 hit")
        assert "Luo Run disappeared in Fujian" in screen
        assert "01:00:04:12" in screen  # the camera's own timecode
        # Down and Enter in one write, as typed ahead or over a slow SSH link: the focus
        # must move to the results before Enter is read, so Enter opens the passage.
        _tmux("send-keys", "-t", session, "Down", "Enter")
        screen = _wait_for(session, "6 lines")
        assert "two_channel_interview.mov" in screen
        _tmux("send-keys", "-t", session, "C-q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = subprocess.run(["tmux", "has-session", "-t", session], capture_output=True)
            if alive.returncode != 0:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("tapelog did not quit on Ctrl+Q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
