"""Modal dialogs: errors, input, a path picker, tagging, a tag list, records, transcription.

Each dialog returns plain values through ``dismiss``; the calling screen hands them to
the Archive, so no dialog writes anything itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tapelog.tui.fuzzy import Choice, resolve
from tapelog.tui.widgets.fuzzy_input import FuzzyInput
from tapelog.tui.widgets.virtual_list import Formatter, VirtualList
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, DirectoryTree, Input, Label, Static

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
            yield Label(self.title_text, classes="title")
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
            yield Label(self.title_text, classes="title")
            if self.choices is not None:
                yield FuzzyInput(self.choices, value=self.value, multiple=False)
            else:
                yield Input(value=self.value)
            yield Label(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PathSuggester(Suggester):
    """Completes a typed path from the file system (Right arrow accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, prefix = os.path.split(expanded)
        try:
            names = sorted(n for n in os.listdir(folder or ".") if n.startswith(prefix))
        except OSError:
            return None
        names = [n for n in names if not n.startswith(".") or prefix.startswith(".")]
        if not names:
            return None
        full = os.path.join(folder, names[0])
        if os.path.isdir(full):
            full += os.sep
        if value.startswith("~"):
            full = "~" + full[len(os.path.expanduser("~")) :]
        return full


@dataclass
class ImportRequest:
    path: str
    recursive: bool = True


class ImportDialog(ModalScreen[ImportRequest | None]):
    """A path to import: typed with completion, or picked in a directory tree."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ImportDialog { align: center middle; }
    ImportDialog DirectoryTree { height: 12; max-height: 50vh; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, start: str | Path | None = None) -> None:
        super().__init__()
        self.start = Path(start or Path.cwd())

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Import files or a folder (its sub-folders too)", classes="title")
            yield Input(
                value=str(self.start) + os.sep,
                placeholder="path to a file or folder",
                suggester=PathSuggester(),
                id="import-path",
            )
            yield DirectoryTree(str(self.start), id="import-tree")
            yield Label(
                "Enter imports · Right completes · Tab to the tree · Esc cancels",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one(Input).value = str(event.path)
        self.query_one(Input).focus()

    def on_directory_tree_directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one(Input).value = str(event.path) + os.sep

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if value:
            self.dismiss(ImportRequest(value))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class TagRequest:
    themes: list[str]
    people: list[str]
    cases: list[str]
    note: str


class TagDialog(ModalScreen[TagRequest | None]):
    """Tag a span: themes, people and cases with fuzzy autocomplete, and a note.

    With ``initial`` it edits a tag: the fields start with its themes, people and
    cases (shown by name) and its note.
    """

    DEFAULT_CSS = DIALOG_CSS + "TagDialog { align: center middle; }"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self,
        span_text: str,
        themes: list[Choice],
        people: list[Choice],
        cases: list[Choice],
        *,
        initial: TagRequest | None = None,
    ) -> None:
        super().__init__()
        self.span_text = span_text
        self.themes = themes
        self.people = people
        self.cases = cases
        self.initial = initial

    def _shown(self, keys: list[str], choices: list[Choice]) -> str:
        """Keys as the names a user typed, where the name leads back to the same key."""
        out = []
        for key in keys:
            label = next((c.label for c in choices if c.key == key), key)
            found = resolve(label, choices)
            out.append(label if found is not None and found.key == key else key)
        return ", ".join(out)

    def compose(self) -> ComposeResult:
        init = self.initial or TagRequest([], [], [], "")
        title = f"Edit tag {self.span_text}" if self.initial else f"Tag {self.span_text}"
        with Vertical(classes="dialog"):
            yield Label(title, classes="title")
            yield Label("Themes (comma-separated)")
            yield FuzzyInput(
                self.themes,
                id="tag-themes",
                placeholder="e.g. police response",
                value=", ".join(init.themes),
            )
            yield Label("People")
            yield FuzzyInput(
                self.people,
                id="tag-people",
                placeholder="name or id",
                value=self._shown(init.people, self.people),
            )
            yield Label("Cases")
            yield FuzzyInput(
                self.cases,
                id="tag-cases",
                placeholder="child's name or case id",
                value=self._shown(init.cases, self.cases),
            )
            yield Label("Note")
            yield Input(value=init.note, id="tag-note")
            yield Label("Tab completes · Enter on the note or Ctrl+S saves · Esc", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#tag-themes Input", Input).focus()

    def _keys(self, widget_id: str, choices: list[Choice]) -> list[str]:
        out = []
        for value in self.query_one(widget_id, FuzzyInput).values():
            found = resolve(value, choices)
            out.append(found.key if found else value)
        return out

    def action_save(self) -> None:
        request = TagRequest(
            themes=self._keys("#tag-themes", self.themes),
            people=self._keys("#tag-people", self.people),
            cases=self._keys("#tag-cases", self.cases),
            note=self.query_one("#tag-note", Input).value.strip(),
        )
        self.dismiss(request)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "tag-note":
            self.action_save()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class TagAction:
    """What to do with a tag chosen in the tag list: ``goto``, ``edit`` or ``delete``."""

    kind: str
    tag: Any


class TagListDialog(ModalScreen[TagAction | None]):
    """The tags of one interview; the calling screen does what the user picks."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    TagListDialog { align: center middle; }
    TagListDialog VirtualList { height: auto; max-height: 12; }
    """
    )
    BINDINGS = [
        Binding("enter", "act('goto')", "Go to"),
        Binding("e", "act('edit')", "Edit tag"),
        Binding("x,delete", "act('delete')", "Delete tag"),
        Binding("escape,t", "cancel", "Close"),
    ]

    def __init__(self, title: str, tags: list[Any], formatter: Formatter, cursor: int = 0) -> None:
        super().__init__()
        self.title_text = title
        self.tags = tags
        self.formatter = formatter
        self.start_cursor = cursor

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title")
            yield VirtualList(self.formatter, empty_text="No tags in this interview yet")
            yield Label("Enter goes to it · e edits · x deletes · Esc closes", classes="hint")

    def on_mount(self) -> None:
        vlist = self.query_one(VirtualList)
        vlist.set_items(self.tags, cursor=self.start_cursor)
        vlist.focus()

    def on_virtual_list_chosen(self, event: VirtualList.Chosen) -> None:
        event.stop()
        self.action_act("goto")

    def action_act(self, kind: str) -> None:
        tag = self.query_one(VirtualList).current
        if tag is not None:
            self.dismiss(TagAction(kind, tag))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class TranscribeChoice:
    """What the user picked for the transcription queue (``auto``: archive settings)."""

    model: str = "auto"  # auto, tiny.en, base, a Whisper name or a model directory
    language: str = "auto"  # auto (detect) or a code such as en, zh
    translate: bool = False  # to English
    vocab_from_cases: bool = False  # bias Whisper with case and people names


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
            yield Input(value=c.language, id="opt-language")
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
            )
        )

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
            yield Label(self.title_text, classes="title")
            with VerticalScroll():
                for key, value in self.fields.items():
                    yield Label(key, classes="field")
                    yield Input(value=value, id=f"field-{key}", disabled=key in self.readonly)
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
