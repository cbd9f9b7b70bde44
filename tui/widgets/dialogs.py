"""Modal dialogs: errors, input and records (tagging, import and transcription have their own).

Each dialog returns plain values through ``dismiss``; the calling screen hands them to
the Archive, so no dialog writes anything itself.
"""

from __future__ import annotations

from tapelog.tui.fuzzy import Choice
from tapelog.tui.widgets.fuzzy_input import FuzzyInput
from tapelog.tui.widgets.ordered_input import OrderedInput
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

DIALOG_CSS = """
.dialog { width: 72; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $panel; padding: 0 1; }
.dialog .title { text-style: bold; width: 100%; background: $primary 30%; padding: 0 1; }
.dialog .hint { color: $text-muted; }
.dialog Input { margin: 0; border: none; height: 1; padding: 0 1; background: $boost; }
.dialog Input:focus { border: none; background: $accent 30%; }
.dialog Label { margin-top: 0; }
"""


class ErrorDialog(ModalScreen[None]):
    """A TapelogError's message; Enter or Escape closes it."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ErrorDialog { align: center middle; }
    ErrorDialog .dialog { border: thick $error; }
    ErrorDialog .title { background: $error 40%; }
    """
    )
    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, message: str, title: str = "Error") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title", markup=False)
            yield Static(self.message, id="error-message", markup=False)
            yield Button("OK", variant="error", id="ok")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class InputDialog(ModalScreen[str | None]):
    """One line of text (a corrected line, a speaker's name, a selection's name)."""

    DEFAULT_CSS = DIALOG_CSS + "InputDialog { align: center middle; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        hint: str = "Enter to save, Esc to cancel",
        choices: list[Choice] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title", markup=False)
            if self.choices is not None:
                yield FuzzyInput(self.choices, value=self.value, multiple=False)
            else:
                yield OrderedInput(value=self.value)
            yield Label(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RecordDialog(ModalScreen[dict[str, str] | None]):
    """Edit the fields of a case or person record; lists are `;`-separated."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    RecordDialog { align: center middle; }
    RecordDialog VerticalScroll { height: auto; max-height: 16; }
    RecordDialog .field { color: $text-muted; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, title: str, fields: dict[str, str], readonly: tuple[str, ...] = ()):
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.readonly = readonly

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title", markup=False)
            with VerticalScroll():
                for key, value in self.fields.items():
                    yield Label(key, classes="field", markup=False)
                    yield OrderedInput(
                        value=value, id=f"field-{key}", disabled=key in self.readonly
                    )
            yield Label("Ctrl+S saves · Esc cancels · lists separated by ;", classes="hint")

    def on_mount(self) -> None:
        for inp in self.query(Input):
            if not inp.disabled:
                inp.focus()
                break

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        self.dismiss({k: self.query_one(f"#field-{k}", Input).value for k in self.fields})

    def action_cancel(self) -> None:
        self.dismiss(None)
