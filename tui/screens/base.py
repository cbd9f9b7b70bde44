"""What every tapelog screen shares: the archive, and errors shown as dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tapelog.archive.clock import Clock, Clocks, TimeMode
from tapelog.archive.errors import TapelogError
from tapelog.tui.messages import ArchiveChanged, ShowError
from tapelog.tui.widgets.footer_fit import fit_footer
from textual import events, on
from textual.binding import ActiveBinding
from textual.screen import Screen

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tapelog.tui.app import TapelogApp

T = TypeVar("T")


class TapelogScreen(Screen):
    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """What the footer shows: cut to the terminal's width by priority
        (``tui.widgets.footer_fit``), so the voice review and help stay in view."""
        app = self.app
        stack = app.screen_stack
        here = f"goto('{app.current_mode}')" if stack and stack[0] is self else None
        return fit_footer(super().active_bindings, app.size.width, app.get_key_display, here)

    @on(events.Resize)
    def _footer_fits_width(self, _event: events.Resize) -> None:
        self.refresh_bindings()  # the footer is cut to the new width

    @property
    def tapelog(self) -> TapelogApp:
        return self.app  # type: ignore[return-value]

    @property
    def archive(self) -> Archive:
        return self.tapelog.archive

    @property
    def time_mode(self) -> TimeMode:
        return getattr(self.app, "time_mode", TimeMode.SOURCE)

    def clock(self, media: Any) -> Clock:
        """``media``'s clock in the app's time mode (source timecode unless toggled)."""
        return Clock.of(media, self.time_mode)

    @property
    def clocks(self) -> Clocks:
        """Clocks by media id for a list of many files (new when the mode or archive changes)."""
        cached: Clocks | None = getattr(self, "_clocks", None)
        if cached is None or cached.mode != self.time_mode:
            cached = Clocks(self.archive, self.time_mode)
            self._clocks: Clocks | None = cached
        return cached

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

    def clock_changed(self) -> None:
        """The app's time mode changed: every time on this screen is drawn again."""
        from tapelog.tui.widgets.virtual_list import VirtualList

        self.reload()
        for vlist in self.query(VirtualList):
            vlist.refresh()

    def refresh_from_archive(self) -> None:
        """The archive changed elsewhere: reload, keeping the cursor on the same item."""
        self.reload()

    def outside_change(self) -> None:
        """Another process changed the store (the app's watcher saw it)."""
        self.refresh_from_archive()

    def on_archive_changed(self, message: ArchiveChanged) -> None:
        self._clocks = None  # a relinked file may have another timecode
        if message.external:
            self.outside_change()
