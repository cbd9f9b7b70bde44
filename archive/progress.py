"""Progress reporting and cancellation for long work (probing, transcription, export).

Core functions take an optional ``progress`` callback and ``cancel`` token instead of
printing or reading keys, so the CLI can draw a progress bar and the TUI can post
messages from a worker thread without the core knowing either exists.
"""

from __future__ import annotations

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
    """Call ``progress`` if given.

    An exception from the callback is raised, not swallowed: a bug in a progress bar
    must show. It loses nothing: a transcription has saved each segment as it came
    and resumes after the last one.
    """
    if progress is not None:
        progress(event)
