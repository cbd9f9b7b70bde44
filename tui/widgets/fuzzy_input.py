"""A text box with a fuzzy dropdown from a vocabulary (themes, people, cases).

Comma-separated values are allowed; the dropdown completes the value being typed.
Up/Down move in the dropdown, Tab takes the highlighted choice.
"""

from __future__ import annotations

from rich.text import Text
from tapelog.tui.fuzzy import Choice, fuzzy_matches, resolve
from tapelog.tui.widgets.ordered_input import OrderedInput
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


class _TypedAheadInput(OrderedInput):
    """The box of a ``FuzzyInput``: Tab, Up and Down work its dropdown in the order
    typed. As the dropdown's bindings they ran only once the box had taken every key
    queued behind them: typed ahead (over SSH keys come in one packet), "sc<Tab><Tab>Lu"
    completed nothing and put "Lu" in the themes box."""

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        moves = {"tab": None, "down": 1, "up": -1}
        if event.key in moves and focused is self and isinstance(self.parent, FuzzyInput):
            # In order with the letters before and after it: as bindings they ran
            # only once this box had taken every key queued behind them.
            event.stop()
            event.prevent_default()
            delta = moves[event.key]
            if delta is None:
                self.parent.action_complete()
            else:
                self.parent.action_move(delta)
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
        self._options_for: str | None = None  # the value the dropdown was made for

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
        self.show_options()

    def show_options(self) -> None:
        """The dropdown for the box's value as it is now, once per value: a key typed
        ahead (Tab, Up, Down) asks for it before the box's change message has come."""
        value = self.input.value
        if value == self._options_for:
            return
        self._options_for = value
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
        # The focus as it is now (``has_focus`` follows it a message later).
        self.set_class(bool(self._shown) and self.screen.focused is self.input, "-open")

    def on_descendant_blur(self) -> None:
        self.remove_class("-open")

    def action_move(self, delta: int) -> None:
        self.show_options()
        options = self.query_one(OptionList)
        if not self._shown:
            self.screen.focus_next() if delta > 0 else self.screen.focus_previous()
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self._shown) - 1, current + delta))

    def action_complete(self) -> None:
        self.show_options()
        options = self.query_one(OptionList)
        if not self._shown or options.highlighted is None or not self.has_class("-open"):
            self.screen.focus_next()
            return
        chosen = self._shown[options.highlighted]
        if self.multiple:
            head = self.value.rsplit(",", 1)[0] if "," in self.value else ""
            new = (head + ", " if head else "") + chosen.label
        else:
            new = chosen.label
        self.input.value = new
        self.input.cursor_position = len(new)
        self._shown = []
        self.remove_class("-open")
