"""Progress reporting and cancellation for long work (probing, transcription, export).

Core functions take an optional ``progress`` callback and ``cancel`` token instead of
printing or reading keys, so the CLI can draw a progress bar and the TUI can post
messages from a worker thread without the core knowing either exists.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from tapelog.archive.errors import Cancelled


@dataclass(frozen=True)
class ProgressEvent:
    """How far one piece of work has come.

    ``done`` and ``total`` are in ``unit`` (audio seconds for transcription, files for
    an import); ``total`` is None when unknown. ``eta`` is seconds left, if known.
    """

    task: str
    done: float
    total: float | None
    unit: str = "s"
    item: str = ""
    eta: float | None = None
    message: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))


ProgressCallback = Callable[[ProgressEvent], None]


class CancelToken:
    """A thread-safe flag that long work checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if cancellation was asked for."""
        if self._event.is_set():
            raise Cancelled("cancelled")


def report(progress: ProgressCallback | None, event: ProgressEvent) -> None:
    """Call ``progress`` if given; a failing callback must not kill the work."""
    if progress is None:
        return
    # A UI hiccup must never lose a transcript.
    with contextlib.suppress(Exception):
        progress(event)
