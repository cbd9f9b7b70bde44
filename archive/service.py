"""The Archive: one object the CLI and the TUI call for everything a crew does.

A thin facade: each method hands over to the module that holds the rule, named for
what it holds (``settings``, ``library`` for media import and relink, ``corrections``
for transcript versions, ``transcription``, ``speakers``, ``search``, ``caches``).
Methods that take long accept ``progress`` and ``cancel`` (``archive.progress``) and
never print. Cases, people, themes, tags and links are module functions over an
Archive (``archive.cases`` lists them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tapelog.archive import corrections, library, search, settings, speakers, transcription
from tapelog.archive.index import SearchIndex
from tapelog.archive.library import MEDIA_EXTENSIONS, ImportResult, now_iso
from tapelog.archive.models import STATUS_FAILED, Correction, MediaRecord, TranscriptRecord
from tapelog.archive.progress import CancelToken, ProgressCallback
from tapelog.archive.search import SearchHit
from tapelog.archive.store import Store
from tapelog.archive.transcription import TranscribeResult
from tapelog.archive.transcripts import TRANSCRIPTS_DIR
from tapelog.transcribe.types import Segment, TranscribeOptions


class Archive:
    """An archive directory: store, transcripts and search index."""

    SETTINGS = settings.SETTINGS

    def __init__(self, root: Path, store: Store) -> None:
        self.root = Path(root)
        self._transcripts_root = str(self.root / TRANSCRIPTS_DIR)
        self.store = store
        self.index = SearchIndex(self.root)
        self._synced_at = 0.0
        self._sync_sig: tuple[Any, ...] | None = None
        self._cache: dict[str, tuple[tuple[Any, ...], Any]] = {}

    @classmethod
    def open(cls, root: str | Path, create: bool = True) -> Archive:
        root = Path(root).expanduser()
        return cls(root, Store(root, create=create))

    def close(self) -> None:
        self.index.close()

    # -- settings --------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        return settings.settings(self)

    def setting(self, key: str) -> str:
        return settings.setting(self, key)

    def set_setting(self, key: str, value: str) -> None:
        return settings.set_setting(self, key, value)

    # -- library ---------------------------------------------------------------

    def list_media(self) -> list[MediaRecord]:
        return library.list_media(self)

    def get_media(self, media_id: str) -> MediaRecord:
        return library.get_media(self, media_id)

    def expand_paths(self, paths: Sequence[str | Path], recursive: bool = False) -> list[Path]:
        return library.expand_paths(self, paths, recursive)

    def import_paths(
        self,
        paths: Sequence[str | Path],
        *,
        recursive: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[ImportResult]:
        return library.import_paths(
            self, paths, recursive=recursive, progress=progress, cancel=cancel
        )

    def relink(self, folder: str | Path, *, recursive: bool = True) -> list[tuple[str, str]]:
        return library.relink(self, folder, recursive=recursive)

    def media_path(self, media: MediaRecord) -> Path:
        return library.media_path(self, media)

    def source_timecode(self, media: MediaRecord, seconds: float) -> str | None:
        return library.source_timecode(self, media, seconds)

    # -- corrections -----------------------------------------------------------

    def transcripts(self, media_id: str) -> list[TranscriptRecord]:
        return corrections.transcripts(self, media_id)

    def get_transcript(self, transcript_id: str) -> TranscriptRecord:
        return corrections.get_transcript(self, transcript_id)

    def raw_segments(self, media_id: str, transcript_id: str | None = None) -> list[Segment]:
        return corrections.raw_segments(self, media_id, transcript_id)

    def corrections(self, media_id: str) -> list[Correction]:
        return corrections.corrections(self, media_id)

    def segments(self, media_id: str) -> list[Segment]:
        return corrections.segments(self, media_id)

    def translation_segments(self, media_id: str) -> list[Segment]:
        return corrections.translation_segments(self, media_id)

    def unplaced_corrections(self, media_id: str) -> list[Correction]:
        return corrections.unplaced_corrections(self, media_id)

    def correct_segment(self, media_id: str, start: float, end: float, text: str) -> Correction:
        return corrections.correct_segment(self, media_id, start, end, text)

    # -- transcription ---------------------------------------------------------

    def transcribe(
        self,
        media_id: str,
        options: TranscribeOptions,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> TranscribeResult:
        return transcription.transcribe(self, media_id, options, progress=progress, cancel=cancel)

    def mark_failed(self, media_id: str, error: str) -> None:
        return transcription.mark_failed(self, media_id, error)

    def choose_model(
        self,
        media_id: str,
        options: TranscribeOptions,
        cancel: CancelToken | None = None,
    ) -> TranscribeOptions:
        return transcription.choose_model(self, media_id, options, cancel)

    # -- speakers --------------------------------------------------------------

    def speaker_names(self, media_id: str) -> dict[str, str]:
        return speakers.speaker_names(self, media_id)

    def all_speaker_names(self) -> dict[tuple[str, str], str]:
        return speakers.all_speaker_names(self)

    def rename_speaker(
        self, old: str, new: str, media_id: str | None = None, voice: bool = True
    ) -> int:
        return speakers.rename_speaker(self, old, new, media_id, voice)

    # -- search ----------------------------------------------------------------

    def sync_index(
        self,
        *,
        force: bool = False,
        progress: ProgressCallback | None = None,
        only: Sequence[MediaRecord] | None = None,
    ) -> int:
        return search.sync_index(self, force=force, progress=progress, only=only)

    def search(
        self,
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
        return search.search(
            self,
            query,
            fuzzy=fuzzy,
            limit=limit,
            media_ids=media_ids,
            spans=spans,
            speakers=speakers,
            languages=languages,
            sort=sort,
            context=context,
        )


__all__ = [
    "MEDIA_EXTENSIONS",
    "STATUS_FAILED",
    "Archive",
    "ImportResult",
    "SearchHit",
    "TranscribeResult",
    "now_iso",
]
