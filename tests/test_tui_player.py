"""Finding and running an external player (tui.player is pure Python, no Textual)."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest
from tapelog.tui.player import Playback, Player, PlayerNotFoundError, find_player


def _exe(folder: Path, name: str, body: str = "sleep 30") -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_finds_first_known_player_on_path(tmp_path: Path) -> None:
    _exe(tmp_path, "vlc")
    _exe(tmp_path, "ffplay")
    player = find_player(env={}, path=str(tmp_path))
    assert player.kind == "ffplay"
    cmd = player.command("/x/a.mov", 12.5)
    assert cmd[0].endswith("ffplay") and cmd[1:3] == ["-ss", "12.500"] and cmd[-1] == "/x/a.mov"


def test_env_overrides_and_keeps_arguments(tmp_path: Path) -> None:
    _exe(tmp_path, "mpv")
    player = find_player(env={"TAPELOG_PLAYER": "mpv --volume=50"}, path=str(tmp_path))
    assert player.kind == "mpv"
    assert player.command("a.wav", 3)[1:3] == ["--volume=50", "--start=3.000"]


def test_custom_player_with_placeholders(tmp_path: Path) -> None:
    _exe(tmp_path, "myplay")
    env = {"TAPELOG_PLAYER": "myplay --from {start} {path}"}
    player = find_player(env=env, path=str(tmp_path))
    assert player.command("f.mov", 1.25)[1:] == ["--from", "1.250", "f.mov"]


def test_no_player_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlayerNotFoundError, match="install mpv, ffplay"):
        find_player(env={}, path=str(tmp_path))
    with pytest.raises(PlayerNotFoundError, match="TAPELOG_PLAYER='nosuch'"):
        find_player(env={"TAPELOG_PLAYER": "nosuch"}, path=str(tmp_path))


def test_playback_runs_detached_and_stops(tmp_path: Path) -> None:
    exe = _exe(tmp_path, "fakeplayer", 'echo "$@" > "$(dirname "$0")/args"; exec sleep 30')
    media = tmp_path / "clip.wav"
    media.write_bytes(b"RIFF")
    pb = Playback(Player("custom", (str(exe), "{start}", "{path}")), media, 4.0)
    pb.play()  # returns while the player (sleep 30) still runs: non-blocking
    try:
        assert pb.running
        for _ in range(50):
            if (tmp_path / "args").exists():
                break
            time.sleep(0.05)
        assert (tmp_path / "args").read_text().split() == ["4.000", str(media)]
        time.sleep(0.2)
        assert 4.15 < pb.position() < 6.0
    finally:
        pb.stop()
    assert not pb.running


def test_missing_media_file(tmp_path: Path) -> None:
    pb = Playback(Player("custom", (sys.executable,)), tmp_path / "gone.mov", 0)
    with pytest.raises(PlayerNotFoundError, match="missing"):
        pb.play()


def test_player_module_does_not_import_textual() -> None:
    import subprocess

    code = "import sys, tui.player; print('textual' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=os.getcwd()
    )
    assert out.stdout.strip() == "False", out.stderr
