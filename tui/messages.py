"""Messages the TUI posts between screens and from worker threads.

Workers never touch widgets: they post one of these (``post_message`` is thread-safe)
and the screen updates itself on the UI thread.
"""

from __future__ import annotations

from typing import Any

from tapelog.archive.progress import ProgressEvent
from textual.message import Message


class ShowError(Message):
    """A TapelogError to show in a dialog (from any screen or thread)."""

    def __init__(self, message: str, title: str = "Error") -> None:
        super().__init__()
        self.message = message
        self.title = title


class OpenPassage(Message):
    """Open the interview view of ``media_id`` at ``start`` seconds."""

    def __init__(self, media_id: str, start: float = 0.0) -> None:
        super().__init__()
        self.media_id = media_id
        self.start = start


class ArchiveChanged(Message):
    """Something was written (import, transcript, tag, link): lists should reload.

    Screens post it after their own writes (they have reloaded already). The app posts
    it with ``external=True`` to the screen on view when the store changed under it
    (another ``tapelog`` process, a worker): that screen reloads, keeping its cursor.
    """

    def __init__(self, external: bool = False) -> None:
        super().__init__()
        self.external = external


class ImportFinished(Message):
    def __init__(self, results: list[Any]) -> None:
        super().__init__()
        self.results = results


class TranscribeProgress(Message):
    def __init__(self, media_id: str, event: ProgressEvent) -> None:
        super().__init__()
        self.media_id = media_id
        self.event = event


class TranscribeFinished(Message):
    """One queued file ended: ``status`` is done / cancelled / failed."""

    def __init__(self, media_id: str, status: str, detail: str = "") -> None:
        super().__init__()
        self.media_id = media_id
        self.status = status
        self.detail = detail


class OptionsChecked(Message):
    """The transcription options were tried (the model loaded, or ``error`` says why not)."""

    def __init__(self, choice: Any, options: Any, error: str | None = None) -> None:
        super().__init__()
        self.choice = choice
        self.options = options
        self.error = error


class SearchFinished(Message):
    def __init__(self, serial: int, query: str, hits: list[Any], elapsed: float) -> None:
        super().__init__()
        self.serial = serial
        self.query = query
        self.hits = hits
        self.elapsed = elapsed
