"""A yes/no question, asked before the TUI does something a crew may not have meant."""

from __future__ import annotations

from tapelog.tui.widgets.dialogs import DIALOG_CSS
from textual.app import ComposeResult
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
            yield Label(self.title_text, classes="title")
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
