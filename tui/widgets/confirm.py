"""A yes/no question, asked before the TUI does something a crew may not have meant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tapelog.tui.widgets.dialogs import DIALOG_CSS
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ConfirmDialog(ModalScreen[bool]):
    """``message`` with a yes and a no; y/Enter on yes says yes, n/Esc says no."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ConfirmDialog { align: center middle; }
    ConfirmDialog Horizontal { height: auto; }
    ConfirmDialog Button { margin: 0 1 0 0; }
    """
    )
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, message: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title", markup=False)
            yield Static(self.message, id="confirm-message", markup=False)
            with Horizontal():
                yield Button(self.yes, variant="primary", id="yes")
                yield Button(self.no, id="no")
            yield Label("y / n · Esc is no", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def ask_new_themes(
    app: App,
    archive: Any,
    themes: list[str],
    proceed: Callable[[bool], None],
    back: Callable[[], None],
) -> None:
    """Tag with ``themes``: ``proceed(False)`` when all are known; otherwise ask first.

    A misspelled theme must not quietly start a theme of its own (the core refuses it),
    so the crew is shown the closest existing themes and chooses: add the new theme
    (``proceed(True)``) or go ``back`` to the tag dialog to fix it.
    """
    from tapelog.archive.themes import closest_themes, unknown_themes

    unknown = unknown_themes(archive, themes)
    if not unknown:
        proceed(False)
        return
    lines = []
    for theme in unknown:
        close = closest_themes(archive, theme)
        near = f" (closest: {', '.join(close)})" if close else ""
        lines.append(f"“{theme}” is not a theme yet{near}.")
    lines.append("Add it as a new theme, or go back and pick an existing one?")
    dialog = ConfirmDialog("New theme?", "\n".join(lines), yes="Add new theme", no="Back")
    app.push_screen(dialog, lambda yes: proceed(True) if yes else back())
