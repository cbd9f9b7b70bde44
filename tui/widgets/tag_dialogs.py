"""Tagging dialogs: tag a span with themes, people and cases; pick a tag from a list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tapelog.tui.fuzzy import Choice, resolve
from tapelog.tui.widgets.dialogs import DIALOG_CSS
from tapelog.tui.widgets.fuzzy_input import FuzzyInput
from tapelog.tui.widgets.ordered_input import OrderedInput
from tapelog.tui.widgets.virtual_list import Formatter, VirtualList
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


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
            yield Label(title, classes="title", markup=False)
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
            yield OrderedInput(value=init.note, id="tag-note")
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
            yield Label(self.title_text, classes="title", markup=False)
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
