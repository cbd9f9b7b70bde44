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
from tapelog.archive.library import _id_key
from tapelog.archive.models import STATUS_PARTIAL, MediaRecord
from tapelog.archive.paths import is_safe_id, transcript_file
from tapelog.archive.progress import ProgressCallback, ProgressEvent, report
from tapelog.archive.sensitive_cache import search_sensitive_map

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

# The tables whose change may change what the index must hold.
SYNC_TABLES = ("media", "transcripts", "corrections")


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
    # The matched words: what selects, clips and markers cut on (``start``/``end`` are
    # the whole line's). Without word times (older transcripts) they are the line's
    # bounds and ``word_timed`` is False. ``match_lo:match_hi`` are characters of text.
    match_start: float = 0.0
    match_end: float = 0.0
    match_lo: int = 0
    match_hi: int = 0
    word_timed: bool = False
    context_before: list[str] = field(default_factory=list)
    context_after: list[str] = field(default_factory=list)

    @property
    def quote(self) -> str:
        """The matched words as written (the whole line if they cannot be placed)."""
        return self.text[self.match_lo : self.match_hi].strip() or self.text.strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "media_id": self.media_id,
            "path": self.path,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "match_start": round(self.match_start, 3),
            "match_end": round(self.match_end, 3),
            "match_text": self.quote,
            "word_timed": self.word_timed,
            "source_timecode": self.source_timecode,
            "speaker": self.speaker,
            "text": self.text,
            "score": self.score,
            "context": self.context,
            "context_before": self.context_before,
            "context_after": self.context_after,
            "language": self.language,
            "flags": self.flags,
        }


def index_signature(archive: Archive, media: MediaRecord, corr_sig: str) -> str | None:
    tid = media.transcript_id or latest_partial(archive, media.id)
    if tid is None:
        return None
    # A plain string path: pathlib costs 25 us a file, a quarter second at 10,000.
    if not (is_safe_id(media.id) and is_safe_id(tid)):
        return None  # a hostile or damaged record: never looked up; `check` names it
    file = transcript_file(archive._transcripts_root, media.id, tid)
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
    in another process may be appending to while the store itself is unchanged. A
    full sync remembers the store's signature from before it read anything, so the
    next search does not check every file again (0.4 s at 10,000 files) unless the
    store changed since.
    """
    before = archive.store.signature(*SYNC_TABLES) if only is None else None
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
            IndexRow(mid, i, s.start, s.end, s.speaker, media.language, s.text, s.words)
            for i, s in enumerate(archive.segments(mid))
        ]
        archive.index.replace_media(mid, sig, rows)
        changed += 1
    for mid in set(have) - set(wanted) if only is None else ():
        archive.index.remove_media(mid)
        changed += 1
    archive._synced_at = time.monotonic()
    if before is not None:
        archive._sync_sig = before
    return changed


def _maybe_sync(archive: Archive) -> tuple[Any, ...]:
    """Sync when the store changed; every 5 s, re-check files still being transcribed.

    A transcription appends segments to its JSONL file without touching the store
    until it ends, so only partial transcripts can change behind an unchanged store;
    re-checking all 10,000 files of a big archive would cost half a second a query.
    Returns the signature of the media table it saw (``_media_of``).
    """
    sig = archive.store.signature(*SYNC_TABLES)
    if sig != archive._sync_sig:
        archive.sync_index()
        archive._sync_sig = sig
    elif time.monotonic() - archive._synced_at > 5.0:
        partial = [
            m for m in media_by_id(archive).values() if m.transcript_status == STATUS_PARTIAL
        ]
        archive.sync_index(only=partial)
    return tuple(e for e in sig if e[0] == "media" or str(e[0]).startswith("media/"))


def _media_of(archive: Archive, media_sig: tuple[Any, ...]) -> dict[str, MediaRecord]:
    """The parsed media records, checked against the signature the sync just took.

    The store's signature stats every shard file (1,000 of the media table's at 10,000
    files, ~7 ms): taken once per search, not once more for the records' cache.
    """
    hit = archive._cache.get("media")
    if hit is not None and hit[0] == media_sig:
        return hit[1]
    return media_by_id(archive)


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
    sort: str = "score",
    context: int = 1,
) -> list[SearchHit]:
    """Search every transcript; ``spans`` restricts hits to tagged passages.

    ``speakers`` are names or labels, each applying to the files it belongs to: a
    name matches the (file, label) pairs it was given to, a label only files where
    that label has no name. Every filter narrows the lines before the text is matched
    (``index_scope``). ``sort="time"`` orders the best ``limit`` hits by file and time;
    ``context`` lines before and after each hit come with it.
    """
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    if sort not in ("score", "time"):
        raise UsageError(f"sort by score or time, not '{sort}'")
    media_sig = _maybe_sync(archive)
    keys = None
    if speakers is not None:
        keys = _speaker_keys(archive, set(speakers), media_ids)
    raw = archive.index.search(
        query,
        fuzzy=fuzzy,
        limit=limit,
        media_ids=media_ids,
        speakers=keys,
        languages=languages,
        spans=spans,
    )
    hits = _hits(archive, raw, context, _media_of(archive, media_sig)) if raw else []
    if sort == "time":
        hits.sort(key=lambda x: (_id_key(x.media_id), x.match_start))
    return hits


def _hits(
    archive: Archive, raw: list[RawHit], context: int, by_id: dict[str, MediaRecord]
) -> list[SearchHit]:
    """The index's hits as an editor sees them: file, names, flags, context lines."""
    names = cached(archive, "speakers", ("speakers",), archive.all_speaker_names)
    # Which hits are sensitive: the one rule (``sensitivity``), as every export uses it.
    sensitive = search_sensitive_map(archive)
    hits = []
    for h in raw:
        media = by_id.get(h.media_id)
        if media is None:
            continue
        before, after = archive.index.context(h.media_id, h.seg_index, context)
        match = h.match
        hits.append(
            SearchHit(
                media_id=h.media_id,
                path=media.path,
                start=h.start,
                end=h.end,
                source_timecode=archive.source_timecode(media, match.start if match else h.start),
                speaker=names.get((h.media_id, h.speaker), h.speaker) if h.speaker else None,
                text=h.text,
                score=h.score,
                context=" ".join(t for t in (*before[-1:], h.text, *after[:1]) if t),
                seg_index=h.seg_index,
                language=h.language,
                flags=sensitive.flags(h.media_id, h.start, h.end),
                match_start=match.start if match else h.start,
                match_end=match.end if match else h.end,
                match_lo=match.lo if match else 0,
                match_hi=match.hi if match else len(h.text),
                word_timed=bool(match and match.timed),
                context_before=before,
                context_after=after,
            )
        )
    return hits


def _speaker_keys(
    archive: Archive, wanted: set[str], media_ids: Iterable[str] | None
) -> list[tuple[str, str]]:
    """(file, label) pairs for speaker names or labels: a name is per file.

    A name given on one file must not pull in another file's unnamed ``CH1``; a bare
    label matches the files where that label has not been named.
    """
    names = cached(archive, "speakers", ("speakers",), archive.all_speaker_names)
    keys = {(m, lb) for (m, lb), nm in names.items() if nm in wanted}
    labels = wanted - set(names.values())
    if labels:
        ids = list(media_ids) if media_ids is not None else list(media_by_id(archive))
        keys |= {(m, lb) for m in ids for lb in labels if (m, lb) not in names}
    return sorted(keys)
