"""Keeping the search index in step with the store, and searching it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tapelog.archive.caches import cached, media_by_id
from tapelog.archive.corrections import latest_partial
from tapelog.archive.errors import UsageError
from tapelog.archive.index import IndexRow, RawHit
from tapelog.archive.models import STATUS_PARTIAL, MediaRecord
from tapelog.archive.progress import ProgressCallback, ProgressEvent, report

if TYPE_CHECKING:
    from tapelog.archive.service import Archive


@dataclass
class SearchHit:
    media_id: str
    path: str
    start: float
    end: float
    source_timecode: str | None
    speaker: str | None
    text: str
    score: float
    context: str = ""
    seg_index: int = 0
    language: str | None = None
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "media_id": self.media_id,
            "path": self.path,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "source_timecode": self.source_timecode,
            "speaker": self.speaker,
            "text": self.text,
            "score": self.score,
            "context": self.context,
            "language": self.language,
            "flags": self.flags,
        }


def index_signature(archive: Archive, media: MediaRecord, corr_sig: str) -> str | None:
    tid = media.transcript_id or latest_partial(archive, media.id)
    if tid is None:
        return None
    # A plain string path: pathlib costs 25 us a file, a quarter second at 10,000.
    file = os.path.join(archive._transcripts_root, media.id, f"{tid}.jsonl")
    try:
        st = os.stat(file)
    except FileNotFoundError:
        return None
    return f"{tid}:{st.st_size}:{st.st_mtime_ns}:{media.language}:{corr_sig}"


def sync_index(
    archive: Archive,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
    only: Sequence[MediaRecord] | None = None,
) -> int:
    """Bring the search index up to date with the store; returns media re-indexed.

    ``only`` re-checks just those media (and removes nothing): what a transcription
    in another process may be appending to while the store itself is unchanged.
    """
    corr: dict[str, list[str]] = {}
    for d in archive.store.table("corrections").all():
        corr.setdefault(d["media_id"], []).append(d["created"])
    wanted: dict[str, tuple[MediaRecord, str]] = {}
    # The cached parse (read-only here): open and the first search share one parse.
    for media in media_by_id(archive).values() if only is None else only:
        cs = corr.get(media.id, [])
        sig = index_signature(archive, media, f"{len(cs)}:{max(cs) if cs else ''}")
        if sig is not None:
            wanted[media.id] = (media, sig)
    have = archive.index.signatures()
    changed = 0
    stale = [mid for mid, (_m, sig) in wanted.items() if force or have.get(mid) != sig]
    for n, mid in enumerate(stale):
        report(progress, ProgressEvent("index", n, len(stale), "files", mid))
        media, sig = wanted[mid]
        rows = [
            IndexRow(mid, i, s.start, s.end, s.speaker, media.language, s.text)
            for i, s in enumerate(archive.segments(mid))
        ]
        archive.index.replace_media(mid, sig, rows)
        changed += 1
    for mid in set(have) - set(wanted) if only is None else ():
        archive.index.remove_media(mid)
        changed += 1
    archive._synced_at = time.monotonic()
    return changed


def _maybe_sync(archive: Archive) -> None:
    """Sync when the store changed; every 5 s, re-check files still being transcribed.

    A transcription appends segments to its JSONL file without touching the store
    until it ends, so only partial transcripts can change behind an unchanged store;
    re-checking all 10,000 files of a big archive would cost half a second a query.
    """
    sig = archive.store.signature("media", "transcripts", "corrections")
    if sig != archive._sync_sig:
        archive.sync_index()
        archive._sync_sig = sig
    elif time.monotonic() - archive._synced_at > 5.0:
        partial = [
            m for m in media_by_id(archive).values() if m.transcript_status == STATUS_PARTIAL
        ]
        archive.sync_index(only=partial)


def search(
    archive: Archive,
    query: str,
    *,
    fuzzy: bool = False,
    limit: int = 50,
    media_ids: Iterable[str] | None = None,
    spans: dict[str, list[tuple[float, float]]] | None = None,
    speakers: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
) -> list[SearchHit]:
    """Search every transcript; ``spans`` restricts hits to tagged passages."""
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    _maybe_sync(archive)
    if spans is not None:
        ids = set(spans) if media_ids is None else set(spans) & set(media_ids)
        media_ids = sorted(ids)

    def accept(hit: RawHit) -> bool:
        if spans is None:
            return True
        return any(hit.start < e and hit.end > s for s, e in spans.get(hit.media_id, ()))

    label_filter = None
    if speakers is not None:
        # Speakers are given by name or label; the index stores labels.
        names = cached(archive, "speakers", ("speakers",), archive.all_speaker_names)
        wanted = set(speakers)
        label_filter = wanted | {lb for (_m, lb), nm in names.items() if nm in wanted}
    fn = archive.index.search_fuzzy if fuzzy else archive.index.search_exact
    raw = fn(
        query,
        limit=limit,
        media_ids=media_ids,
        speakers=label_filter,
        languages=languages,
        accept=accept,
    )
    by_id = media_by_id(archive)
    names = cached(archive, "speakers", ("speakers",), archive.all_speaker_names)
    sensitive = cached(archive, "sensitive", ("people", "tags"), lambda: _sensitive_spans(archive))
    hits = []
    for h in raw:
        media = by_id.get(h.media_id)
        if media is None:
            continue
        before, after = archive.index.neighbours(h.media_id, h.seg_index)
        flags = sorted(
            {
                f
                for s, e, fl in sensitive.get(h.media_id, ())
                if h.start < e and h.end > s
                for f in fl
            }
        )
        hits.append(
            SearchHit(
                media_id=h.media_id,
                path=media.path,
                start=h.start,
                end=h.end,
                source_timecode=archive.source_timecode(media, h.start),
                speaker=names.get((h.media_id, h.speaker), h.speaker) if h.speaker else None,
                text=h.text,
                score=h.score,
                context=" ".join(t for t in (before, h.text, after) if t),
                seg_index=h.seg_index,
                language=h.language,
                flags=flags,
            )
        )
    return hits


def _sensitive_spans(archive: Archive) -> dict[str, list[tuple[float, float, list[str]]]]:
    try:
        from tapelog.archive.cases import sensitive_spans
    except ImportError:  # pragma: no cover - lands with the cases work
        return {}
    return sensitive_spans(archive)
