"""What the command line prints, made safe for the terminal it prints to.

File names come from camera cards and shared drives, and transcripts, case sheets and
imported archives from other people; the CLI prints them. A name holding an escape
sequence ("clip\\x1b]2;...\\x07.mov") was passed to the terminal as it was, which then
ran it: it set the window title, and other sequences recolour, move the cursor or, in
some terminals, write files or answer with text typed into the shell. Every line the
CLI writes goes through ``visible``: a control character is written as its escape,
``\\u001b``, which a person can read and which is valid inside a JSON string (so
``--json`` output stays JSON and reads back the same). Tab, newline and carriage return
(the progress bar's) pass. The TUI does not print through here: Textual draws with
its own sequences on the original streams, and Rich drops control characters from text.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# C0 controls but tab, newline and carriage return; DEL and the C1 controls (a single
# byte 0x9b starts a sequence in some terminals); bidirectional overrides, which
# reorder what a person reads (an "exe.mov" shown as "vom.exe").
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every control character written as ``\\uXXXX``."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def field(text: object) -> str:
    """Free text (a tag's note, a speaker's name, a transcript's words) as one field of
    a tab-separated line: its tabs and line breaks written as ``\\t``, ``\\n``, ``\\r``,
    the rule file names follow (``archive.paths.shown_path``). A note typed with a
    line break, or an imported archive's, split `tapelog tags`' lines for a script."""
    from tapelog.archive.paths import shown_path

    return shown_path(str(text))


class VisibleText:
    """A text stream that writes what it is given through ``visible``.

    It offers no ``buffer``: click would write to a stream's binary buffer directly
    when the text stream's encoding does not suit it, past this one."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self._stream, name)


@contextmanager
def visible_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` through ``VisibleText`` while it lasts."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = VisibleText(out)
    sys.stderr = VisibleText(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
