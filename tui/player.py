"""Playback through an external player, started at a time and stopped with a key.

Pure Python with no Textual import, so the player-finding rules can be tested and reused
without a terminal. tapelog never decodes video itself: editors already have mpv, ffplay
or VLC, and an external process keeps the UI responsive while the audio plays.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tapelog.archive.errors import TapelogError

PLAYER_ENV = "TAPELOG_PLAYER"
# Tried in this order: mpv starts fastest and seeks exactly; ffplay comes with ffmpeg.
KNOWN_PLAYERS = ("mpv", "ffplay", "cvlc", "vlc")


class PlayerNotFoundError(TapelogError):
    """No media player could be found to play a passage."""


@dataclass(frozen=True)
class Player:
    """A media player program: its kind decides how the start time is passed."""

    kind: str  # mpv / ffplay / vlc / custom
    argv: tuple[str, ...]  # the program and any fixed arguments

    def command(self, path: str | Path, start: float) -> list[str]:
        """The command line that plays ``path`` from ``start`` seconds."""
        start = max(0.0, float(start))
        path = str(path)
        if self.kind == "mpv":
            return [*self.argv, f"--start={start:.3f}", "--really-quiet", "--force-window=no", path]
        if self.kind == "ffplay":
            return [*self.argv, "-ss", f"{start:.3f}", "-autoexit", "-nodisp", "-loglevel",
                    "quiet", path]  # fmt: skip
        if self.kind == "vlc":
            return [*self.argv, f"--start-time={start:.3f}", "--play-and-exit", "--quiet", path]
        # A custom command: {path} and {start} placeholders, else start then path appended.
        args = list(self.argv)
        if any("{path}" in a or "{start}" in a for a in args):
            return [a.format(path=path, start=f"{start:.3f}") for a in args]
        return [*args, path]


def _kind_of(program: str) -> str:
    name = Path(program).name.lower()
    for suffix in (".exe",):
        name = name.removesuffix(suffix)
    if name == "mpv":
        return "mpv"
    if name == "ffplay":
        return "ffplay"
    if name in ("vlc", "cvlc"):
        return "vlc"
    return "custom"


def find_player(env: Mapping[str, str] | None = None, path: str | None = None) -> Player:
    """The player to use: ``$TAPELOG_PLAYER`` if set, else the first known one on PATH.

    ``TAPELOG_PLAYER`` is a program name or a full command (``"mpv --volume=50"``); it may
    use ``{path}`` and ``{start}`` placeholders for players tapelog does not know.
    Raises ``PlayerNotFoundError`` with what to install when nothing is found.
    """
    env = os.environ if env is None else env
    search = path if path is not None else env.get("PATH", os.defpath)
    configured = (env.get(PLAYER_ENV) or "").strip()
    if configured:
        argv = shlex.split(configured)
        program = shutil.which(argv[0], path=search) or (
            argv[0] if os.access(argv[0], os.X_OK) else None
        )
        if program is None:
            raise PlayerNotFoundError(
                f"{PLAYER_ENV}={configured!r}: '{argv[0]}' is not an executable program "
                "on PATH; install it or change the variable"
            )
        return Player(_kind_of(argv[0]), (program, *argv[1:]))
    for name in KNOWN_PLAYERS:
        program = shutil.which(name, path=search)
        if program:
            return Player(_kind_of(name), (program,))
    raise PlayerNotFoundError(
        "no media player found: install mpv, ffplay (ffmpeg) or VLC, "
        f"or set {PLAYER_ENV} to a player command"
    )


class Playback:
    """One running player process, and where in the file it should be by now.

    The position is estimated from the start time plus the wall-clock time elapsed,
    which is what the interview view needs to move its cursor along with the audio.
    """

    def __init__(self, player: Player, path: str | Path, start: float) -> None:
        self.player = player
        self.path = str(path)
        self.start = max(0.0, float(start))
        self._started_at = 0.0
        self._proc: subprocess.Popen[bytes] | None = None

    def play(self) -> None:
        if not Path(self.path).exists():
            raise PlayerNotFoundError(
                "the media file is missing (moved or deleted?); use `tapelog relink`",
                path=self.path,
            )
        try:
            self._proc = subprocess.Popen(
                self.player.command(self.path, self.start),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the terminal's Ctrl+C stays with tapelog
            )
        except OSError as exc:
            raise PlayerNotFoundError(
                f"cannot start {self.player.argv[0]}: {exc.strerror or exc}"
            ) from exc
        self._started_at = time.monotonic()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def position(self) -> float:
        """Seconds into the file the player should be at now."""
        if self._proc is None:
            return self.start
        return self.start + (time.monotonic() - self._started_at)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the player; kill it if it does not end within ``timeout``."""
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
