"""The import dialog: a folder tree and a path field that completes from the file system."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tapelog.tui.widgets.dialogs import DIALOG_CSS
from tapelog.tui.widgets.ordered_input import OrderedInput
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, Label


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
            yield OrderedInput(
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
