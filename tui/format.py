"""Small text helpers for rows: ETAs and fixed-width columns (times: ``archive.clock``)."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from tapelog.tui.control_codes import shown


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return "ETA --"
    s = max(0, int(seconds))
    return f"ETA {s // 60}:{s % 60:02d}" if s < 3600 else f"ETA {s // 3600}h{s % 3600 // 60:02d}"


# Line breaks as a return sign, tabs as a space: one character each.
_ONE_LINE = str.maketrans({"\n": "\u21b5", "\r": "\u21b5", "\t": " "})


def one_line(text: str) -> str:
    """Free text in a one-line row: its line breaks as ↵ and its tabs as spaces, one
    character for one, so offsets into it (a search hit's marked words) stay right.
    A tag's note typed with a line break at the command line, or an imported archive's
    text, drew its second line over the rows around it."""
    return text.translate(_ONE_LINE)


def col(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells, on one line (CJK names take
    two cells; a control character its picture's one, as it is shown:
    ``tui.control_codes``; a line break ↵, ``one_line``)."""
    if width <= 0:
        return ""
    text = shown(one_line(text))
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
