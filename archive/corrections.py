"""Transcript versions of a media file and the human corrections laid over them.

The segment files themselves are ``archive.transcripts``; this module picks the current
version (or the latest partial one) and applies the corrections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.library import now_iso
from tapelog.archive.models import STATUS_PARTIAL, Correction, TranscriptRecord
from tapelog.archive.transcripts import apply_corrections, read_segments, transcript_path
from tapelog.transcribe.types import Segment
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

Q = Query()


def transcripts(archive: Archive, media_id: str) -> list[TranscriptRecord]:
    docs = archive.store.table("transcripts").search(Q.media_id == media_id)
    recs = [TranscriptRecord.from_dict(d) for d in docs]
    recs.sort(key=lambda t: t.created)
    return recs


def get_transcript(archive: Archive, transcript_id: str) -> TranscriptRecord:
    doc = archive.store.table("transcripts").get(Q.id == transcript_id)
    if doc is None:
        raise NotFoundError(f"no transcript with id '{transcript_id}'")
    return TranscriptRecord.from_dict(doc)


def raw_segments(
    archive: Archive, media_id: str, transcript_id: str | None = None
) -> list[Segment]:
    """Segments as the engine produced them (no corrections)."""
    if transcript_id is None:
        media = archive.get_media(media_id)
        transcript_id = media.transcript_id or latest_partial(archive, media_id)
        if transcript_id is None:
            return []
    return read_segments(transcript_path(archive.root, media_id, transcript_id))


def translation_segments(archive: Archive, media_id: str) -> list[Segment]:
    """The current English translation (empty when there is none); corrections are
    made to the words spoken and are not laid over it."""
    media = archive.get_media(media_id)
    if not media.translation_id:
        return []
    return read_segments(transcript_path(archive.root, media_id, media.translation_id))


def latest_partial(archive: Archive, media_id: str) -> str | None:
    partial = [t for t in archive.transcripts(media_id) if t.status == STATUS_PARTIAL]
    return partial[-1].id if partial else None


def corrections(archive: Archive, media_id: str) -> list[Correction]:
    docs = archive.store.table("corrections").search(Q.media_id == media_id)
    return sorted((Correction.from_dict(d) for d in docs), key=lambda c: c.created)


def segments(archive: Archive, media_id: str) -> list[Segment]:
    """The current transcript with human corrections applied."""
    segs, _unplaced = apply_corrections(
        archive.raw_segments(media_id), archive.corrections(media_id)
    )
    return segs


def unplaced_corrections(archive: Archive, media_id: str) -> list[Correction]:
    """Corrections no segment of the current transcript covers (kept, never dropped)."""
    _segs, unplaced = apply_corrections(
        archive.raw_segments(media_id), archive.corrections(media_id)
    )
    return unplaced


def correct_segment(
    archive: Archive, media_id: str, start: float, end: float, text: str
) -> Correction:
    """Store a corrected line as a new version; the old text stays in history."""
    text = " ".join(text.split())
    if not text:
        raise UsageError("a corrected line cannot be empty")
    current = [s for s in archive.segments(media_id) if s.start < end and s.end > start]
    original = " ".join(s.text for s in current)
    media = archive.get_media(media_id)
    with archive.store.transaction():
        corr = Correction(
            id=archive.store.next_id("c"),
            media_id=media_id,
            start=float(start),
            end=float(end),
            text=text,
            original=original,
            created=now_iso(),
            transcript_id=media.transcript_id,
        )
        archive.store.table("corrections").insert(corr.to_dict())
    return corr
