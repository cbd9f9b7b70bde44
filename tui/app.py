"""The tapelog terminal UI: ``run_app(archive)`` opens it on an open Archive.

Screens are thin views over ``archive.service.Archive``; long work runs in thread
workers that post messages back (``tui.messages``). Errors a user can cause
(``TapelogError``) are shown as dialogs, never as a traceback.
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING, Any

from tapelog.archive.clock import TimeMode
from tapelog.archive.errors import TapelogError
from tapelog.archive.store import TABLES
from tapelog.transcribe.types import TranscribeOptions
from tapelog.tui.control_codes import show_control_codes
from tapelog.tui.messages import ArchiveChanged, OpenPassage, ShowError
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.screens.help import HelpScreen
from tapelog.tui.screens.interview import InterviewScreen
from tapelog.tui.screens.library import LibraryScreen
from tapelog.tui.screens.links import LinksScreen
from tapelog.tui.screens.records import RecordsScreen
from tapelog.tui.screens.search import FilterDialog, SearchScreen
from tapelog.tui.screens.voices import VoicesScreen
from tapelog.tui.widgets.dialogs import ErrorDialog
from tapelog.tui.widgets.tag_dialogs import TagListDialog
from tapelog.tui.widgets.transcribe_dialog import TranscribeChoice
from textual import actions, events
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

WATCH_INTERVAL_S = 2.0  # how often the store's files are checked for outside changes

SCREEN_NAMES = {
    "library": "Library",
    "search": "Search",
    "links": "Link review",
    "records": "Cases & people",
    "voices": "Voice review",
}


class TapelogCommands(Provider):
    """Every action of the app and of the current screen, for the command palette."""

    def _commands(self) -> list[tuple[str, str, object]]:
        app = self.app
        assert isinstance(app, TapelogApp)
        out: list[tuple[str, str, object]] = []
        for mode, title in SCREEN_NAMES.items():
            out.append((f"Go to {title}", f"Show the {title} screen", partial(app.goto, mode)))
        out.append(("Help: key bindings", "List every key", app.action_help))
        out.append(("Quit tapelog", "Leave the terminal UI", app.action_quit))
        screen = self.screen
        title = (
            SCREEN_NAMES.get(app.current_mode, "")
            if not isinstance(screen, InterviewScreen)
            else "Interview"
        )
        seen = set()
        for binding in screen.BINDINGS:
            b = binding if isinstance(binding, Binding) else Binding(*binding)
            if b.action in seen or not b.description:
                continue
            _target, name, params = actions.parse(b.action)
            if not screen.check_action(name, params):
                continue  # e.g. "Delete tag" on a line without a tag
            seen.add(b.action)
            keys = b.key.split(",")[0]
            out.append(
                (
                    f"{title}: {b.description}",
                    f"key {keys}",
                    partial(screen.run_action, b.action),
                )
            )
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]


class TapelogApp(App):
    """Library, interview, search, link review, cases and people, keyboard first."""

    TITLE = "tapelog"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {TapelogCommands}
    MODES = {
        "library": LibraryScreen,
        "search": SearchScreen,
        "links": LinksScreen,
        "records": RecordsScreen,
        "voices": VoicesScreen,
    }
    DEFAULT_MODE = "library"
    BINDINGS = [
        Binding("f2,1", "goto('library')", "Library"),
        Binding("f3,2,slash", "goto('search')", "Search"),
        Binding("f4,3", "goto('links')", "Links"),
        Binding("f5,4", "goto('records')", "Cases"),
        Binding("f6,5", "goto('voices')", "Voices"),
        Binding("f1,question_mark", "help", "Help"),
        Binding("ctrl+t", "toggle_clock", "Timecode/running time", show=False),
        Binding("q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        archive: Archive,
        *,
        transcribe_options: TranscribeOptions | None = None,
        watch_interval: float = WATCH_INTERVAL_S,
    ):
        show_control_codes()  # no name from the archive reaches the terminal as a sequence
        super().__init__()
        self.archive = archive
        self.watch_interval = watch_interval
        self._store_signature: tuple[object, ...] | None = None
        # The queue's options: these (beam size, threads...) with the user's choice of
        # model, language, translation and case-name vocabulary applied per file.
        self.transcribe_options = transcribe_options or TranscribeOptions()
        model = os.environ.get("TAPELOG_MODEL") or (
            transcribe_options.model if transcribe_options else "auto"
        )
        vocab = _archive_setting(archive, "vocab_from_cases", "false").lower() == "true"
        self.transcribe_choice = TranscribeChoice(model=model, vocab_from_cases=vocab)
        # Every time on every screen: the file's source timecode, or running time (Ctrl+T).
        self.time_mode = TimeMode.SOURCE

    def on_mount(self) -> None:
        self._store_signature = self._signature()
        self.set_interval(self.watch_interval, self._watch_store)

    # -- keys typed ahead

    async def on_event(self, event: events.Event) -> None:
        """A key typed ahead of a screen that opened meanwhile goes to that screen.

        Textual hands each key to the widget focused when the key arrives; keys it does
        not use come back up to the app for its bindings. Over SSH keys come in one
        packet: "g" and the theme typed straight after it all went to the interview's
        list, "g" opened the tag dialog, and the theme came back up to the app, which
        only looked for bindings (a "u" there would have been Undo). Such a key, back
        from a screen that is no longer the one shown, is handed to the new screen's
        focused field as if typed now, in order."""
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        if not event.is_forwarded:
            event._tapelog_screen = self.screen  # type: ignore[attr-defined]
        try:
            if getattr(event, "_tapelog_screen", self.screen) is not self.screen:
                self.post_message(events.Key(event.key, event.character))
                return
            await super().on_event(event)
        finally:
            source = getattr(event, "_tapelog_input", None) if event.is_forwarded else None
            if source is not None:
                source.key_returned()  # ``OrderedInput``: keys after it may run in place

    # -- changes made by other processes

    def _signature(self) -> tuple[object, ...] | None:
        try:
            return self.archive.store.signature(*TABLES)
        except OSError:
            return None

    def _watch_store(self) -> None:
        """Polled: when the store's files changed, the screen on view reloads."""
        signature = self._signature()
        if signature is None or signature == self._store_signature:
            return
        self._store_signature = signature
        screen = next(
            (s for s in reversed(self.screen_stack) if isinstance(s, TapelogScreen)), None
        )
        if screen is not None:
            screen.post_message(ArchiveChanged(external=True))

    # -- navigation

    def goto(self, mode: str) -> None:
        self.switch_mode(mode)

    def action_goto(self, mode: str) -> None:
        if self.current_mode != mode:
            self.switch_mode(mode)
        elif isinstance(self.screen, InterviewScreen):
            self.screen.action_stop()
            self.pop_screen()

    def action_toggle_clock(self) -> None:
        running = self.time_mode == TimeMode.SOURCE
        self.time_mode = TimeMode.RUNNING if running else TimeMode.SOURCE
        for screen in self.screen_stack:
            if isinstance(screen, TapelogScreen):
                screen.clock_changed()
        shown = "running time from each file's start" if running else "each file's source timecode"
        self.notify(f"Times shown as {shown} (Ctrl+T switches)", timeout=3)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        sections = [("Everywhere", self.BINDINGS + [Binding("ctrl+p", "palette", "Commands")])]
        screens: list[tuple[str, type[Screen[Any]]]] = [
            ("Library", LibraryScreen),
            ("Interview", InterviewScreen),
            ("Interview: tag list (t)", TagListDialog),
            ("Search", SearchScreen),
            ("Search filters", FilterDialog),
            ("Link review", LinksScreen),
            ("Cases & people", RecordsScreen),
            ("Voice review", VoicesScreen),
        ]
        for title, cls in screens:
            sections.append((title, list(cls.BINDINGS)))
        from tapelog.tui.widgets.virtual_list import VirtualList

        sections.append(("Lists", list(VirtualList.BINDINGS)))
        self.push_screen(HelpScreen(sections))

    # -- messages from screens and workers

    def on_open_passage(self, message: OpenPassage) -> None:
        screen = self.screen
        if isinstance(screen, InterviewScreen) and screen.media_id == message.media_id:
            screen.jump_to(message.start)
            return
        self.push_screen(InterviewScreen(message.media_id, message.start))

    def on_show_error(self, message: ShowError) -> None:
        self.show_error(message.message, message.title)

    def show_error(self, text: str, title: str = "Error") -> None:
        top = self.screen
        if isinstance(top, ErrorDialog) and top.message == text:
            return
        self.push_screen(ErrorDialog(text, title))

    def on_archive_changed(self, message: ArchiveChanged) -> None:
        """Lists on other screens reload when they are shown again (on_screen_resume).

        The watcher sees this process's writes too, a moment later: the screen then
        reloads once more, keeping its cursor and selection, which costs little.
        """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, TapelogError):
            self.show_error(str(error))
        else:
            self.show_error(f"unexpected error (please report it): {error!r}", "Bug")


def _archive_setting(archive: Archive, key: str, default: str) -> str:
    try:
        return archive.setting(key) or default
    except (AttributeError, TapelogError):
        return default


def run_app(archive: Archive) -> None:
    """Open the terminal UI on ``archive`` (what ``tapelog`` and ``tapelog tui`` call)."""
    TapelogApp(archive).run()
