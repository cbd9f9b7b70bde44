"""A text box with a fuzzy dropdown from a vocabulary (themes, people, cases).

Comma-separated values are allowed; the dropdown completes the value being typed.
Up/Down move in the dropdown, Tab takes the highlighted choice.
"""

from __future__ import annotations

from rich.text import Text
from tapelog.tui.fuzzy import Choice, fuzzy_matches, resolve
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


class _TypedAheadInput(Input):
    """An Input that hands on the keys it gets after the focus has left it.

    Textual gives each key to the widget focused when the key arrives: typed ahead (or
    over a slow SSH link, where keys come in one packet), "sc<Tab><Tab>Lu" put "Lu"
    in the themes box though the two Tabs had moved on to the next field."""

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused  # now, not ``has_focus``: that follows later
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        if event.key == "tab" and isinstance(self.parent, FuzzyInput):
            # In order with the letters before and after it: as a binding it ran only
            # once this box had taken every key queued behind it.
            event.stop()
            event.prevent_default()
            self.parent.action_complete()
            return
        await super()._on_key(event)


class FuzzyInput(Vertical):
    DEFAULT_CSS = """
    FuzzyInput { height: auto; }
    FuzzyInput > OptionList { height: auto; max-height: 4; display: none; border: none;
        padding: 0 1; background: $surface; }
    FuzzyInput.-open > OptionList { display: block; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "Next choice", show=False),
        Binding("up", "move(-1)", "Previous choice", show=False),
        Binding("tab", "complete", "Complete", show=False),
    ]

    def __init__(
        self,
        choices: list[Choice],
        *,
        placeholder: str = "",
        value: str = "",
        multiple: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.choices = choices
        self.multiple = multiple
        self._placeholder = placeholder
        self._value = value
        self._shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        yield _TypedAheadInput(value=self._value, placeholder=self._placeholder)
        yield OptionList()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def values(self) -> list[str]:
        parts = self.value.split(",") if self.multiple else [self.value]
        return [p.strip() for p in parts if p.strip()]

    def _token(self) -> str:
        return self.value.rsplit(",", 1)[-1].strip() if self.multiple else self.value.strip()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        token = self._token()
        exact = resolve(token, self.choices) is not None
        self._shown = fuzzy_matches(token, self.choices) if token and not exact else []
        options = self.query_one(OptionList)
        options.clear_options()
        for c in self._shown:
            # Text, not markup: a case sheet's name is shown as it is ("x[/]y" was a
            # markup error that closed the TUI).
            label = (
                Text(c.label) if c.label == c.key else Text.assemble(c.label, ("  " + c.key, "dim"))
            )
            options.add_option(Option(label))
        if self._shown:
            options.highlighted = 0
        self.set_class(bool(self._shown) and self.input.has_focus, "-open")

    def on_descendant_blur(self) -> None:
        self.remove_class("-open")

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if not self._shown:
            self.screen.focus_next() if delta > 0 else self.screen.focus_previous()
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self._shown) - 1, current + delta))

    def action_complete(self) -> None:
        options = self.query_one(OptionList)
        shown, index = self._shown, options.highlighted
        token = self._token()
        if not shown and token and resolve(token, self.choices) is None:
            # Typed ahead: the Tab came before the dropdown was drawn for the keys
            # before it. Take the best match, as the dropdown would have offered it.
            shown, index = fuzzy_matches(token, self.choices), 0
        elif not self.has_class("-open"):
            shown = []
        if not shown or index is None:
            self.screen.focus_next()
            return
        chosen = shown[index]
        if self.multiple:
            head = self.value.rsplit(",", 1)[0] if "," in self.value else ""
            new = (head + ", " if head else "") + chosen.label
        else:
            new = chosen.label
        self.input.value = new
        self.input.cursor_position = len(new)
        self._shown = []
        self.remove_class("-open")
