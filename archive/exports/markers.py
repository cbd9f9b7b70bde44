"""Markers per clip: tags, accepted links and selections, for the editor's bins.

Each media file becomes one clip spanning the whole file at its source timecode; each
passage becomes a marker on the frame it starts in, named for its themes, people and
cases, with the quote as its comment (EDL locators and FCPXML markers have only a
name, so the quote goes there, shortened).

Sensitive passages are left out unless asked. Redaction can hide a marker's words but
not the shot it points an editor to, so on these timelines a passage to redact is left
out like any other and the note says why. (Each clip still spans its whole file, in
every mode: the markers are what point at a passage.) Included at the user's request,
a marker's name and comment lead with its flags (``[MINOR]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tapelog.archive.errors import UsageError
from tapelog.archive.exports.common import (
    ExportResult,
    Passage,
    Sensitivity,
    timeline_passage,
)
from tapelog.archive.exports.plans import ClipPlan
from tapelog.archive.exports.records import PassageBuilder, media_passages
from tapelog.archive.exports.timeline import FORMATS, write_plans
from tapelog.archive.models import MediaRecord, Selection

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def marker_plans(
    media: Sequence[MediaRecord],
    passages: Sequence[Passage],
) -> list[ClipPlan]:
    """One whole-file clip per media, with the passages that fall in it as markers."""
    plans = []
    for m in media:
        marks = sorted((p for p in passages if p.media_id == m.id), key=lambda p: p.start)
        plans.append(ClipPlan(m, 0.0, float(m.info.duration or 0.0), marks))
    return plans


def write_markers(
    media: Sequence[MediaRecord],
    passages: Sequence[Passage],
    path: str | Path,
    fmt: str,
    *,
    sensitivity: Sensitivity | None = None,
    name: str = "tapelog markers",
) -> ExportResult:
    """Write markers for explicit records (the pure core of ``export_markers``)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown marker format '{fmt}' (edl, fcp7, fcpxml)")
    if not media:
        raise UsageError("no media to export markers for")
    sens = sensitivity or Sensitivity()
    # Markers sit on whole clips: the footage is on the editor's timeline whatever we
    # do, so a redacted passage keeps its marker, with the words and flagged names
    # hidden: "[REDACTED: MINOR]" on that span warns the editor off it.
    kept = sens.apply(list(passages), footage=False)
    plans = marker_plans(media, [timeline_passage(p) for p in kept])
    out = write_plans(name, plans, path, fmt, sens.note)
    return sens.fill(ExportResult(str(out), fmt, items=len(kept)))


def export_markers(
    archive: Archive,
    media_ids: Sequence[str],
    path: str | Path,
    fmt: str,
    *,
    selection: Selection | None = None,
    include_tags: bool = True,
    include_links: bool = True,
    include_sensitive: bool = False,
    redact: bool = False,
) -> ExportResult:
    """Markers for ``media_ids`` from their tags, accepted links and a selection."""
    builder = PassageBuilder(archive)
    media = [builder.media(mid) for mid in dict.fromkeys(media_ids)]
    passages: list[Passage] = []
    for m in media:
        passages.extend(
            media_passages(builder, m.id, include_tags=include_tags, include_links=include_links)
        )
        if selection is not None:
            for item in selection.items:
                if item.media_id == m.id:
                    passages.append(
                        builder.passage(
                            m.id, item.start, item.end, kind="select",
                            text=builder.own_text(m.id, item.start, item.end, item.text),
                            note=item.note or selection.name,
                        )
                    )  # fmt: skip
    return write_markers(
        media,
        passages,
        path,
        fmt,
        sensitivity=Sensitivity.from_flags(include_sensitive, redact),
        name=f"tapelog markers {' '.join(m.id for m in media)}",
    )
