"""Text from the archive never reaches the terminal as a control sequence.

A camera card's file called ``take\\x1b]2;PWNED\\x07.wav``, shown in the library, set the
terminal's window title (found in tmux, 2026-12-01): Rich and Textual drop only five
control characters from text (BEL, BS, VT, FF, CR), and ESC is not one of them, so
the rest of an escape sequence went to the terminal as it was. A file name, a line of
a transcript, a case sheet's name or an imported archive's note may hold one, and each
of the 160-odd places the TUI shows such text passes through a Rich ``Text`` or a
Textual ``Content``.

Both build their text through one translation table each, meant for exactly this
("strip control codes that may break output"). ``show_control_codes`` adds the rest
of the control characters to both tables, as the Unicode symbols that picture them
(ESC as "␛", BEL as "␇"; the C1 controls and the bidirectional overrides as "�"), so
a crew sees that a name holds one. The five the libraries drop stay dropped; tab and
newline, which they lay out, pass. Why not escape at each place: one missed place is
the hole, and the tables are where every place already goes.

The tables are the libraries' own (``rich.control``, ``textual.content``), not an API:
``show_control_codes`` checks that Text and Content now picture ESC and raises if a
new release has moved them, and ``tests/test_tui_control_codes.py`` drives the TUI
with such names (Pilot, and the real terminal in tmux).
"""

from __future__ import annotations

from tapelog.archive.errors import TapelogError

# C0 controls but tab and newline (the libraries' five are theirs to drop), DEL, C1,
# and the bidirectional embeddings, overrides and isolates.
_KEEP = {0x09, 0x0A}
_C0 = {c: chr(0x2400 + c) for c in range(0x20) if c not in _KEEP}
_OTHER = {
    0x7F: "\u2421",
    **{c: "\ufffd" for c in range(0x80, 0xA0)},
    **{c: "\ufffd" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
PICTURES: dict[int, str] = {**_C0, **_OTHER}


_DROPPED = {7, 8, 11, 12, 13}  # what Rich and Textual drop themselves
_TABLE = {**PICTURES, **{c: None for c in _DROPPED}}


def shown(text: str) -> str:
    """``text`` as Rich and Textual will show it once ``show_control_codes`` has run:
    for measuring it first (``tui.format.col`` pads to a width)."""
    return text.translate(_TABLE)


class ControlCodesError(TapelogError):
    """Rich or Textual no longer build text through the table this extends: the TUI
    does not start (one line, as every error), rather than show names unguarded."""


def show_control_codes() -> None:
    """Make Rich's ``Text`` and Textual's ``Content`` picture every control character
    (idempotent; the libraries' own five are still dropped)."""
    import rich.control
    import rich.text
    import textual.content

    for module in (rich.control, textual.content):
        table = getattr(module, "_CONTROL_STRIP_TRANSLATE", None)
        if not isinstance(table, dict):
            raise ControlCodesError(
                f"{module.__name__} has no control-code table; "
                "install the versions pyproject.toml names"
            )
        for code, picture in PICTURES.items():
            table.setdefault(code, picture)
    if (
        rich.text.Text("a\x1b]2;t\x07b").plain != "a\u241b]2;tb"
        or textual.content.Content("a\x1bb").plain != "a\u241bb"
    ):
        raise ControlCodesError(
            "this Rich or Textual release shows escape characters in text as they are; "
            "install the versions pyproject.toml names"
        )
