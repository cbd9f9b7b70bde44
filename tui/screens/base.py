"""What every tapelog screen shares: the archive, and errors shown as dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tapelog.archive.errors import TapelogError
from tapelog.tui.messages import ArchiveChanged, ShowError
from textual.screen import Screen

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tapelog.tui.app import TapelogApp

T = TypeVar("T")


class TapelogScreen(Screen):
    @property
    def tapelog(self) -> TapelogApp:
        return self.app  # type: ignore[return-value]

    @property
    def archive(self) -> Archive:
        return self.tapelog.archive

    def guard(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a quick archive call; a TapelogError becomes a dialog, not a crash."""
        try:
            return fn(*args, **kwargs)
        except TapelogError as exc:
            self.post_message(ShowError(str(exc)))
            return None

    def attempt(self, fn: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
        """Like ``guard`` for writes whose result does not matter: True if it worked."""
        try:
            fn(*args, **kwargs)
        except TapelogError as exc:
            self.post_message(ShowError(str(exc)))
            return False
        return True

    def reload(self) -> None:
        """Re-read what this screen shows from the archive (after a write)."""

    def refresh_from_archive(self) -> None:
        """The archive changed elsewhere: reload, keeping the cursor on the same item."""
        self.reload()

    def on_archive_changed(self, message: ArchiveChanged) -> None:
        if message.external:
            self.refresh_from_archive()
