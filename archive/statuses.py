"""Every status word tapelog shows or stores, in one place, spelled once.

A crew reads these words in the CLI, the TUI and exported files: a file without audio
is ``no-audio`` everywhere, never ``failed`` in one view. Each set is a ``StrEnum``, so
a status compares equal to its word (``"done" == TranscriptStatus.DONE``) and stored
records and JSON output keep the plain words they always had.
"""

from __future__ import annotations

from enum import StrEnum


class TranscriptStatus(StrEnum):
    """Where a media file's transcript stands (``tapelog list``, the library)."""

    NONE = "none"  # imported, not transcribed
    PARTIAL = "partial"  # a run was interrupted; ``transcribe`` resumes it
    DONE = "done"
    FAILED = "failed"
    NO_AUDIO = "no-audio"  # nothing to transcribe: never "failed"


class QueueStatus(StrEnum):
    """A file in the TUI's transcription queue (shown in the library's Status column)."""

    QUEUED = "queued"
    RUNNING = "running"
    CANCELLED = "cancelled"


class ImportStatus(StrEnum):
    """What importing one path did."""

    IMPORTED = "imported"
    ALREADY_IMPORTED = "already-imported"  # same content as a file already in the archive
    FAILED = "failed"


class LinkStatus(StrEnum):
    """A name heard in a transcript, matched to a case or person, under review."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CaseStatus(StrEnum):
    """Where a missing-child case stands (from the case sheet)."""

    MISSING = "missing"
    FOUND = "found"
    REUNITED = "reunited"
    UNKNOWN = "unknown"


def words(kind: type[StrEnum]) -> list[str]:
    """The words of one set, in order (for click choices and filters)."""
    return [s.value for s in kind]


__all__ = [
    "CaseStatus",
    "ImportStatus",
    "LinkStatus",
    "QueueStatus",
    "TranscriptStatus",
    "words",
]
