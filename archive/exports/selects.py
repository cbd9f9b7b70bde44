"""Selects: a saved selection of quotes as a sequence for the editor or a list for producers.

As a sequence (EDL / FCP 7 XML / FCPXML) each quote becomes a clip from its in to its
out point at source timecode, widened by ``handles`` seconds on each side but never
past the ends of the file, with a marker where the quote itself starts. As a list
(CSV / Markdown / DOCX) each row gives the file, source timecode in/out, speaker,
quote and tags, which is what a producer's paper edit needs.

Sensitive passages (people flagged minor/off-record/no-release) are left out unless
asked. Asked to redact, a list replaces the words and the flagged names; a sequence
cannot redact a shot, so there the passage is left out and the note says why. Asked
to include them, each carries its flags (``flags`` column, ``⚠ minor``, ``[MINOR]``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tapelog.archive.errors import ExportError, UsageError
from tapelog.archive.exports.common import (
    TC_SOURCE,
    ExportResult,
    Passage,
    Sensitivity,
    atomic_path,
    end_label,
    time_label,
    timeline_passage,
    write_text,
)
from tapelog.archive.exports.plans import ClipPlan
from tapelog.archive.exports.records import PassageBuilder
from tapelog.archive.exports.textsafe import clean, csv_cell
from tapelog.archive.exports.timeline import FORMATS, write_plans
from tapelog.archive.models import Selection

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

SEQUENCE_FORMATS = tuple(FORMATS)
LIST_FORMATS = ("csv", "md", "docx")
SELECT_FORMATS = SEQUENCE_FORMATS + LIST_FORMATS

COLUMNS = (
    "#", "file", "tc_in", "tc_out", "speaker", "quote", "tags", "note", "media_id", "flags",
)  # fmt: skip


def handle_bounds(p: Passage, handles: float) -> tuple[float, float]:
    """``start - handles .. end + handles`` clamped to the media's length."""
    if handles < 0:
        raise UsageError(f"handles cannot be negative ({handles})")
    duration = float(p.media.info.duration or 0.0)
    start = max(0.0, p.start - handles)
    end = p.end + handles
    if duration > 0:
        end = min(end, duration)
    return start, max(end, start)


def rows(passages: Sequence[Passage], tc: str = TC_SOURCE) -> list[dict[str, str]]:
    out = []
    for n, p in enumerate(passages, 1):
        out.append(
            {
                "#": str(n),
                "file": clean(p.media.name),
                "tc_in": time_label(p.media, p.start, tc),
                "tc_out": end_label(p.media, p.end, tc),
                "speaker": "" if p.credited else p.speaker or "",
                "quote": p.text,
                "tags": p.tags_text,
                "note": p.note,
                "media_id": p.media_id,
                "flags": ", ".join(p.flags),
                "mark": p.flag_mark,
            }
        )
    return out


def _quote_cell(row: dict[str, str]) -> str:
    """The quote led by ``⚠ minor`` when a sensitive passage is shown in full."""
    return f"{row['mark']} {row['quote']}".strip() if row["mark"] else row["quote"]


def _csv(table: list[dict[str, str]], note: str | None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in table:
        # Quotes, notes and file names come from anywhere: no cell runs as a formula.
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    if note:
        # A row a spreadsheet shows, not a comment it would choke on.
        writer.writerow({"#": "note", "quote": csv_cell(note)})
    return buf.getvalue()


def _md_cell(text: str) -> str:
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _markdown(name: str, table: list[dict[str, str]], note: str | None) -> str:
    lines = [f"# Selects: {_md_cell(name)}", ""]
    if note:
        lines += [f"> Note: {note}", ""]
    head = ("#", "File", "TC in", "TC out", "Speaker", "Quote", "Tags")
    keys = ("#", "file", "tc_in", "tc_out", "speaker", "quote", "tags")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for row in table:
        cells = {**row, "quote": _quote_cell(row)}
        lines.append("| " + " | ".join(_md_cell(cells[k]) for k in keys) + " |")
    return "\n".join(lines) + "\n"


def _docx(path: str | Path, name: str, table: list[dict[str, str]], note: str | None) -> Path:
    from docx import Document

    doc = Document()
    doc.add_heading(f"Selects: {name}", level=1)
    if note:
        doc.add_paragraph(f"Note: {note}")
    head = ("#", "File", "TC in", "TC out", "Speaker", "Quote", "Tags")
    keys = ("#", "file", "tc_in", "tc_out", "speaker", "quote", "tags")
    grid = doc.add_table(rows=1, cols=len(head))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, head, strict=True):
        cell.text = text
    for row in table:
        shown = {**row, "quote": _quote_cell(row)}
        cells = grid.add_row().cells
        for cell, key in zip(cells, keys, strict=True):
            cell.text = _xml_safe(shown[key])
    target = Path(path).expanduser()
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target


def _xml_safe(text: str) -> str:
    """Drop control characters that Word's XML cannot hold."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 32)


def write_selects(
    name: str,
    passages: Sequence[Passage],
    path: str | Path,
    fmt: str,
    *,
    handles: float = 0.0,
    tc: str = TC_SOURCE,
    sensitivity: Sensitivity | None = None,
) -> ExportResult:
    """Write explicit passages as selects (the pure core of ``export_selects``)."""
    if fmt not in SELECT_FORMATS:
        raise UsageError(f"unknown selects format '{fmt}' ({', '.join(SELECT_FORMATS)})")
    name = clean(name)
    sens = sensitivity or Sensitivity()
    kept = sens.apply(list(passages), footage=fmt in SEQUENCE_FORMATS)
    if not kept:
        raise ExportError(
            f"selection '{name}' has nothing to export" + (f" ({sens.note})" if sens.note else "")
        )
    note = sens.note
    if fmt in SEQUENCE_FORMATS:
        plans = []
        for p in kept:
            start, end = handle_bounds(p, handles)
            plans.append(ClipPlan(p.media, start, end, [timeline_passage(p)]))
        out = write_plans(f"selects {name}", plans, path, fmt, note)
    else:
        table = rows(kept, tc)
        if fmt == "csv":
            out = write_text(path, _csv(table, note))
        elif fmt == "md":
            out = write_text(path, _markdown(name, table, note))
        else:
            out = _docx(path, name, table, note)
    return sens.fill(ExportResult(str(out), fmt, items=len(kept)))


def selection_passages(archive: Archive, selection: Selection) -> list[Passage]:
    """Each item of a selection with its speaker, quote and the tags it overlaps."""
    builder = PassageBuilder(archive)
    out = []
    for item in selection.items:
        tags = builder.tags_overlapping(item.media_id, item.start, item.end)
        p = builder.passage(
            item.media_id,
            item.start,
            item.end,
            kind="select",
            text=builder.own_text(item.media_id, item.start, item.end, item.text),
            themes=sorted({t for tag in tags for t in tag.themes}),
            people_ids=sorted({x for tag in tags for x in tag.people}),
            case_ids=sorted({x for tag in tags for x in tag.cases}),
            note=item.note,
        )
        out.append(p)
    return out


def export_selects(
    archive: Archive,
    name: str,
    path: str | Path,
    fmt: str,
    *,
    handles: float = 0.0,
    tc: str = TC_SOURCE,
    include_sensitive: bool = False,
    redact: bool = False,
) -> ExportResult:
    from tapelog.archive.selections import get_selection

    selection = get_selection(archive, name)
    return write_selects(
        selection.name,
        selection_passages(archive, selection),
        path,
        fmt,
        handles=handles,
        tc=tc,
        sensitivity=Sensitivity.from_flags(include_sensitive, redact),
    )
