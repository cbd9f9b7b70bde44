"""Shared pieces of the click commands: the archive option, output, progress on stderr."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from tapelog.archive.clock import TimeMode
from tapelog.archive.progress import ProgressEvent
from tapelog.archive.statuses import words

ENV_ARCHIVE = "TAPELOG_ARCHIVE"


def default_archive_dir() -> Path:
    """Where the archive lives when neither --archive nor TAPELOG_ARCHIVE says."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("tapelog", appauthor=False)) / "archive"


def _remember_archive(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(dict)["archive"] = value
        root = ctx.find_root()
        root.ensure_object(dict)["archive"] = value


def archive_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--archive DIR`` on a command (also accepted before the command name)."""
    return click.option(
        "--archive",
        "archive_dir",
        metavar="DIR",
        expose_value=False,
        callback=_remember_archive,
        is_eager=True,
        help=f"Archive directory (env {ENV_ARCHIVE}).",
    )(fn)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")(
        fn
    )


def archive_dir(ctx: click.Context) -> Path:
    obj = ctx.find_root().obj or {}
    value = obj.get("archive") or os.environ.get(ENV_ARCHIVE)
    return Path(value).expanduser() if value else default_archive_dir()


# Commands that work on what an archive already holds (read it, or change its media,
# tags, links, speakers, selections): run on a mistyped --archive they must say there
# is no archive there, not quietly create an empty one and report "no media yet" or
# "no pending suggestions". Only commands that bring something in (import, cases and
# people import, themes add, config, demo, archive import, the TUI) start one.
NEEDS_ARCHIVE = {
    ("list",), ("show",), ("search",), ("check",), ("export",), ("backups",),
    ("restore",), ("reindex",), ("relink",), ("realign",), ("correct",), ("audio",),
    ("transcribe",), ("tag",), ("tags",), ("links",), ("speakers",), ("selections",),
    ("cases", "list"), ("cases", "show"), ("cases", "duplicates"), ("people", "list"),
    ("themes", "list"), ("themes", "delete"), ("themes", "merge"), ("themes", "rename"),
}  # fmt: skip


def _command_words(ctx: click.Context) -> tuple[str, ...]:
    words = []
    while ctx.parent is not None:
        words.append(ctx.info_name or "")
        ctx = ctx.parent
    return tuple(reversed(words))


def open_archive(ctx: click.Context, create: bool | None = None):
    from tapelog.archive.errors import StoreError
    from tapelog.archive.service import Archive

    if create is None:
        words = _command_words(ctx)
        create = not any(words[: len(c)] == c for c in NEEDS_ARCHIVE)
    try:
        archive = Archive.open(archive_dir(ctx), create=create)
    except StoreError as exc:
        if create or "no tapelog archive here" not in str(exc):
            raise
        raise StoreError(
            "no tapelog archive here (check --archive or TAPELOG_ARCHIVE; "
            "`tapelog import` starts one)",
            path=str(archive_dir(ctx)),
        ) from None
    ctx.call_on_close(archive.close)
    return archive


def emit(as_json: bool, data: Any, text: Callable[[], None] | None = None) -> None:
    """Print ``data`` as JSON, or call ``text`` to print it for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif text is not None:
        text()


def fmt_seconds(seconds: float | None) -> str:
    """Running time as H:MM:SS.s (progress, ETAs): the one clock's running form."""
    from tapelog.archive.clock import running_clock

    return running_clock(seconds)


def time_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--time source|running``: the file's own timecode (default) or time from its start."""
    return click.option(
        "--time",
        "time_mode",
        type=click.Choice(words(TimeMode)),
        default="source",
        show_default=True,
        help="Show times as the file's source timecode, or running time from its start.",
    )(fn)


class Seconds(click.ParamType):
    """A finite, non-negative number of seconds (``nan`` and ``inf`` parse as floats)."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        import math

        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"'{value}' is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds < 0:
            self.fail(f"'{value}' must be a number of seconds, 0 or more", param, ctx)
        return seconds


SECONDS = Seconds()
# Which timecode an export or listing shows: the camera's (source) or from zero (running).
TC_CHOICE = click.Choice(["source", "running"])


def media_time(text: str, media) -> float:
    """Seconds into ``media`` from seconds, ``H:MM:SS.s`` or its source timecode.

    Crews read times off the camera's timecode, so every command that takes a time in
    one file takes ``10:00:42:13`` too.
    """
    from tapelog.archive.clock import parse_time_input

    return parse_time_input(media, text)


class StderrProgress:
    """Progress on stderr: a redrawn bar on a terminal, a line now and then otherwise."""

    def __init__(self, label: str = "", stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.label = label
        self._last = 0.0
        self._last_fraction = -1.0
        self._drawn = False

    def __call__(self, event: ProgressEvent) -> None:
        now = time.monotonic()
        frac = event.fraction
        done = frac is not None and frac >= 1.0
        if self.tty:
            if now - self._last < 0.1 and not done:
                return
        elif not done and now - self._last < 10.0 and (frac or 0) - self._last_fraction < 0.25:
            return
        self._last = now
        self._last_fraction = frac or 0.0
        line = self._format(event)
        if self.tty:
            width = 100
            self.stream.write("\r" + line[:width].ljust(width))
            self._drawn = True
            if done:
                self.stream.write("\n")
                self._drawn = False
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _format(self, event: ProgressEvent) -> str:
        name = event.item or self.label
        if event.unit == "s" and event.total:
            frac = event.fraction or 0.0
            bar = "#" * int(frac * 24)
            eta = f" ETA {fmt_seconds(event.eta)}" if event.eta is not None else ""
            return (
                f"{name[:32]:32} [{bar:24}] {fmt_seconds(event.done)} / "
                f"{fmt_seconds(event.total)} ({frac:4.0%}){eta}"
            )
        total = f"/{event.total:.0f}" if event.total else ""
        return f"{event.task} {event.done:.0f}{total} {event.unit} {name}"

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
