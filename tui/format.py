"""Small text helpers for rows: ETAs and fixed-width columns (times: ``archive.clock``)."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from tapelog.tui.control_codes import shown


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return "ETA --"
    s = max(0, int(seconds))
    return f"ETA {s // 60}:{s % 60:02d}" if s < 3600 else f"ETA {s // 3600}h{s % 3600 // 60:02d}"


def col(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (CJK names take two cells; a
    control character its picture's one, as it is shown: ``tui.control_codes``)."""
    if width <= 0:
        return ""
    text = shown(text)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
