"""Spans of tagged passages: search filters, sensitive passages, a case's passages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tapelog.archive.records import get_case, get_person
from tapelog.archive.tag_index import entry, tag_index, themes_used
from tapelog.archive.tags import list_tags
from tapelog.archive.themes import no_such_theme, resolve_theme, under_theme

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def tag_spans(
    archive: Archive,
    case: str | None = None,
    person: str | None = None,
    theme: str | None = None,
) -> dict[str, list[tuple[float, float]]]:
    """media_id -> merged (start, end) spans of tags matching every filter given.

    Unknown case/person ids and themes raise ``NotFoundError`` (a typo in a search
    filter should not look like "no results").
    """
    if case is not None:
        get_case(archive, case)
    if person is not None:
        get_person(archive, person)
    if theme is not None:
        found = resolve_theme(archive, theme)
        if found is None:
            raise no_such_theme(archive, theme, "see `tapelog themes list`")
        theme = found
    given = [(k, v) for k, v in (("case", case), ("person", person), ("theme", theme)) if v]
    if len(given) == 1:
        indexed = _indexed(archive, *given[0])
        if indexed is not None:
            return indexed
    out: dict[str, list[tuple[float, float]]] = {}
    for t in list_tags(archive, case=case, person=person, theme=theme):
        out.setdefault(t.media_id, []).append((t.start, t.end))
    return {mid: _merge(spans) for mid, spans in out.items()}


def _indexed(archive: Archive, kind: str, key: str) -> dict[str, list[tuple[float, float]]] | None:
    """One filter's spans from the tag index (``tag_index``); None if it is damaged."""
    index = tag_index(archive)
    keys = [t for t in themes_used(index) if under_theme(t, key)] if kind == "theme" else [key]
    try:
        rows = [row for k in keys for row in entry(index, kind, k)]
    except ValueError:
        return None
    out: dict[str, list[tuple[float, float]]] = {}
    for mid, start, end in rows:
        out.setdefault(mid, []).append((start, end))
    return {mid: _merge(spans) for mid, spans in out.items()}


def case_passages(archive: Archive, case_id: str) -> list[dict[str, Any]]:
    """Every tagged passage naming the case, across the archive, with its text."""
    get_case(archive, case_id)
    out = []
    segs_cache: dict[str, list[Any]] = {}
    media = {m.id: m for m in archive.list_media()}
    for t in list_tags(archive, case=case_id):
        m = media.get(t.media_id)
        if m is None:
            continue
        segs = segs_cache.setdefault(t.media_id, archive.segments(t.media_id))
        text = " ".join(s.text.strip() for s in segs if s.start < t.end and s.end > t.start)
        out.append(
            {
                "tag_id": t.id,
                "media_id": t.media_id,
                "path": m.path,
                "start": t.start,
                "end": t.end,
                "source_timecode": archive.source_timecode(m, t.start),
                "text": text,
                "note": t.note,
                "themes": t.themes,
                "source": t.source,
                "link_id": t.link_id,
            }
        )
    return out
