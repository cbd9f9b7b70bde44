"""The help screen: every key binding, read from the screens themselves so it stays true."""

from __future__ import annotations

from tapelog.tui.widgets.dialogs import DIALOG_CSS
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def describe_bindings(sections: list[tuple[str, list]]) -> str:
    lines = []
    for title, bindings in sections:
        lines.append(f"[b]{title}[/b]")
        for b in bindings:
            if not isinstance(b, Binding):
                b = Binding(*b)
            keys = ", ".join(k.strip() for k in b.key.split(","))
            lines.append(f"  {keys:<22} {b.description or b.action}")
        lines.append("")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    HelpScreen { align: center middle; }
    HelpScreen .dialog { height: 100%; width: 78; }
    HelpScreen VerticalScroll { height: 1fr; }
    """
    )
    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close")]

    def __init__(self, sections: list[tuple[str, list]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label("tapelog keys (Esc closes · Ctrl+P lists every action)", classes="title")
            yield Static(describe_bindings(self.sections), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
