"""The transcription options dialog: model, language, translation, case-name vocabulary."""

from __future__ import annotations

from dataclasses import dataclass

from tapelog.tui.fuzzy import Choice
from tapelog.tui.widgets.dialogs import DIALOG_CSS
from tapelog.tui.widgets.fuzzy_input import FuzzyInput
from tapelog.tui.widgets.ordered_input import OrderedInput
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label


@dataclass
class TranscribeChoice:
    """What the user picked for the transcription queue (``auto``: archive settings)."""

    model: str = "auto"  # auto, tiny.en, base, a Whisper name or a model directory
    language: str = "auto"  # auto (detect) or a code such as en, zh
    translate: bool = False  # to English
    vocab_from_cases: bool = False  # bias Whisper with case and people names
    batch_size: str = "auto"  # auto (the model's), 0 (one window at a time) or N


class TranscribeOptionsDialog(ModalScreen[TranscribeChoice | None]):
    """Model, language, translation and case-name vocabulary for the queue."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    TranscribeOptionsDialog { align: center middle; }
    TranscribeOptionsDialog Checkbox { border: none; padding: 0; height: 1; margin: 0;
        background: $panel; }
    TranscribeOptionsDialog Checkbox:focus { border: none; background: $accent 30%; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Apply")]

    def __init__(self, current: TranscribeChoice, models: list[Choice], auto_hint: str) -> None:
        super().__init__()
        self.current = current
        self.models = models
        self.auto_hint = auto_hint

    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical(classes="dialog"):
            yield Label("Transcription options (for the queue)", classes="title")
            yield Label("Model: auto, tiny.en, base, a Whisper name or a model folder")
            yield FuzzyInput(self.models, value=c.model, multiple=False, id="opt-model")
            yield Label(self.auto_hint, classes="hint")
            yield Label("Language: auto (detect) or a code such as en, zh, es")
            yield OrderedInput(value=c.language, id="opt-language")
            yield Label("Batch size: auto (the model's), 0 (one window at a time) or 1-64")
            yield OrderedInput(value=c.batch_size, id="opt-batch")
            yield Checkbox("Translate to English", c.translate, id="opt-translate")
            yield Checkbox(
                "Bias Whisper with case and people names", c.vocab_from_cases, id="opt-vocab"
            )
            yield Label(
                "Space toggles · Ctrl+S or Enter in a text box applies · Esc", classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#opt-model Input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(
            TranscribeChoice(
                model=self.query_one("#opt-model", FuzzyInput).value.strip() or "auto",
                language=self.query_one("#opt-language", Input).value.strip().lower() or "auto",
                translate=self.query_one("#opt-translate", Checkbox).value,
                vocab_from_cases=self.query_one("#opt-vocab", Checkbox).value,
                batch_size=self.query_one("#opt-batch", Input).value.strip().lower() or "auto",
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
