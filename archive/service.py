"""The Archive: one object the CLI and the TUI call for everything a crew does.

It composes the store (small records), the transcript files, the search index and the
media/transcribe packages. Methods that take long accept ``progress`` and ``cancel``
(``archive.progress``) and never print.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tapelog.archive.errors import (
    MediaError,
    NoAudioError,
    NotFoundError,
    TapelogError,
    UsageError,
)
from tapelog.archive.index import IndexRow, RawHit, SearchIndex
from tapelog.archive.models import (
    STATUS_DONE,
    STATUS_FAILED,
    STATUS_NO_AUDIO,
    STATUS_NONE,
    STATUS_PARTIAL,
    Correction,
    MediaRecord,
    SpeakerName,
    TranscriptRecord,
)
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tapelog.archive.store import Store
from tapelog.archive.transcripts import (
    TRANSCRIPTS_DIR,
    SegmentWriter,
    apply_corrections,
    read_segments,
    transcript_path,
    write_segments,
)
from tapelog.transcribe.types import Segment, TranscribeOptions
from tinydb import Query

MEDIA_EXTENSIONS = {
    ".mov", ".mp4", ".m4v", ".mxf", ".mkv", ".avi", ".mts", ".m2ts", ".webm", ".3gp",
    ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus", ".aif", ".aiff", ".bwf",
}  # fmt: skip

Q = Query()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class ImportResult:
    path: str
    status: str  # imported / already-imported / failed
    id: str | None = None
    error: str | None = None
    relinked: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "relinked": self.relinked,
        }


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


@dataclass
class TranscribeResult:
    media_id: str
    transcript_id: str | None
    status: str
    segments: int = 0
    resumed_from: float = 0.0
    language: str | None = None
    unplaced_corrections: int = 0
    error: str | None = None


class Archive:
    """An archive directory: store, transcripts and search index."""

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

    # -- settings ------------------------------------------------------------------

    SETTINGS = {
        "vocab_from_cases": ("false", "bias Whisper with case and people names by default"),
        "model": ("tiny.en", "default Whisper model for English"),
        "model_multilingual": ("base", "default model for other languages and translation"),
        "player": ("", "external player command (mpv, ffplay, vlc); empty: find one"),
    }

    def settings(self) -> dict[str, str]:
        """Per-archive settings (kept in the store, so they travel with the archive)."""
        out = {k: default for k, (default, _help) in self.SETTINGS.items()}
        for doc in self.store.table("meta").search(
            Q.key.test(lambda k: str(k).startswith("setting:"))
        ):
            out[doc["key"].removeprefix("setting:")] = str(doc["value"])
        return out

    def setting(self, key: str) -> str:
        return self.settings()[self._setting_key(key)]

    def set_setting(self, key: str, value: str) -> None:
        key = self._setting_key(key)
        if key == "vocab_from_cases" and value.lower() not in ("true", "false"):
            raise UsageError("vocab_from_cases is true or false")
        with self.store.transaction():
            self.store.table("meta").upsert(
                {"key": f"setting:{key}", "value": value}, Q.key == f"setting:{key}"
            )

    def _setting_key(self, key: str) -> str:
        key = key.replace("-", "_")
        if key not in self.SETTINGS:
            raise UsageError(f"no setting '{key}' (settings: {', '.join(self.SETTINGS)})")
        return key

    # -- media ---------------------------------------------------------------------

    def list_media(self) -> list[MediaRecord]:
        recs = [MediaRecord.from_dict(d) for d in self.store.table("media").all()]
        recs.sort(key=lambda m: _id_key(m.id))
        return recs

    def get_media(self, media_id: str) -> MediaRecord:
        doc = self.store.table("media").get(Q.id == media_id)
        if doc is None:
            raise NotFoundError(f"no media with id '{media_id}' (see `tapelog list`)")
        return MediaRecord.from_dict(doc)

    def _save_media(self, media: MediaRecord) -> None:
        with self.store.transaction():
            self.store.table("media").upsert(media.to_dict(), Q.id == media.id)

    def expand_paths(self, paths: Sequence[str | Path], recursive: bool = False) -> list[Path]:
        """Files to import: explicit files as given, media files inside folders."""
        out: list[Path] = []
        for raw in paths:
            p = Path(raw).expanduser()
            if p.is_dir():
                walker = p.rglob("*") if recursive else p.iterdir()
                found = sorted(
                    f
                    for f in walker
                    if f.is_file()
                    and f.suffix.lower() in MEDIA_EXTENSIONS
                    and not f.name.startswith(".")
                )
                out.extend(found)
            else:
                out.append(p)
        return out

    def import_paths(
        self,
        paths: Sequence[str | Path],
        *,
        recursive: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[ImportResult]:
        """Probe and fingerprint each file and record it; one result per file.

        A file already in the archive (same content, any name or folder) is not added
        twice; if its recorded path no longer exists, the record is relinked to the new
        place. A file that cannot be read is reported as failed; the others go on.
        """
        from tapelog.media.fingerprint import fingerprint
        from tapelog.media.probe import probe

        files = self.expand_paths(paths, recursive)
        results: list[ImportResult] = []
        for n, path in enumerate(files):
            if cancel is not None:
                cancel.check()
            report(progress, ProgressEvent("import", n, len(files), "files", str(path)))
            shown = str(path)
            try:
                info = probe(path)
                fp = fingerprint(path)
            except TapelogError as exc:
                results.append(ImportResult(shown, "failed", error=str(exc)))
                continue
            abspath = str(path.resolve())
            with self.store.transaction():
                existing = self.store.table("media").get(Q.fingerprint == fp)
                if existing is not None:
                    media = MediaRecord.from_dict(existing)
                    relinked = False
                    if media.path != abspath and not Path(media.path).exists():
                        media.path = abspath
                        self.store.table("media").upsert(media.to_dict(), Q.id == media.id)
                        relinked = True
                    results.append(
                        ImportResult(shown, "already-imported", id=media.id, relinked=relinked)
                    )
                    continue
                media = MediaRecord(
                    id=self.store.next_id("m"),
                    path=abspath,
                    fingerprint=fp,
                    info=info,
                    imported_at=now_iso(),
                    transcript_status=STATUS_NONE if info.has_audio else STATUS_NO_AUDIO,
                )
                self.store.table("media").insert(media.to_dict())
            results.append(ImportResult(shown, "imported", id=media.id))
        report(progress, ProgressEvent("import", len(files), len(files), "files"))
        return results

    def relink(self, folder: str | Path, *, recursive: bool = True) -> list[tuple[str, str]]:
        """Find moved files by fingerprint under ``folder``; returns (media_id, new path)."""
        from tapelog.media.fingerprint import fingerprint

        missing = {m.fingerprint: m for m in self.list_media() if not Path(m.path).exists()}
        moved: list[tuple[str, str]] = []
        if not missing:
            return moved
        for path in self.expand_paths([folder], recursive=recursive):
            try:
                fp = fingerprint(path)
            except TapelogError:
                continue
            media = missing.pop(fp, None)
            if media is None:
                continue
            media.path = str(path.resolve())
            self._save_media(media)
            moved.append((media.id, media.path))
            if not missing:
                break
        return moved

    def media_path(self, media: MediaRecord) -> Path:
        """The media's file, or a clear error if it was moved or deleted."""
        path = Path(media.path)
        if not path.exists():
            raise MediaError(
                f"the file of {media.id} is missing (moved or deleted?); "
                "use `tapelog relink FOLDER` to find it",
                path=str(path),
            )
        return path

    # -- transcripts -----------------------------------------------------------------

    def transcripts(self, media_id: str) -> list[TranscriptRecord]:
        docs = self.store.table("transcripts").search(Q.media_id == media_id)
        recs = [TranscriptRecord.from_dict(d) for d in docs]
        recs.sort(key=lambda t: t.created)
        return recs

    def get_transcript(self, transcript_id: str) -> TranscriptRecord:
        doc = self.store.table("transcripts").get(Q.id == transcript_id)
        if doc is None:
            raise NotFoundError(f"no transcript with id '{transcript_id}'")
        return TranscriptRecord.from_dict(doc)

    def raw_segments(self, media_id: str, transcript_id: str | None = None) -> list[Segment]:
        """Segments as the engine produced them (no corrections)."""
        if transcript_id is None:
            media = self.get_media(media_id)
            transcript_id = media.transcript_id or self._latest_partial(media_id)
            if transcript_id is None:
                return []
        return read_segments(transcript_path(self.root, media_id, transcript_id))

    def _latest_partial(self, media_id: str) -> str | None:
        partial = [t for t in self.transcripts(media_id) if t.status == STATUS_PARTIAL]
        return partial[-1].id if partial else None

    def corrections(self, media_id: str) -> list[Correction]:
        docs = self.store.table("corrections").search(Q.media_id == media_id)
        return sorted((Correction.from_dict(d) for d in docs), key=lambda c: c.created)

    def segments(self, media_id: str) -> list[Segment]:
        """The current transcript with human corrections applied."""
        segs, _unplaced = apply_corrections(self.raw_segments(media_id), self.corrections(media_id))
        return segs

    def unplaced_corrections(self, media_id: str) -> list[Correction]:
        """Corrections no segment of the current transcript covers (kept, never dropped)."""
        _segs, unplaced = apply_corrections(self.raw_segments(media_id), self.corrections(media_id))
        return unplaced

    def correct_segment(self, media_id: str, start: float, end: float, text: str) -> Correction:
        """Store a corrected line as a new version; the old text stays in history."""
        text = " ".join(text.split())
        if not text:
            raise UsageError("a corrected line cannot be empty")
        current = [s for s in self.segments(media_id) if s.start < end and s.end > start]
        original = " ".join(s.text for s in current)
        media = self.get_media(media_id)
        with self.store.transaction():
            corr = Correction(
                id=self.store.next_id("c"),
                media_id=media_id,
                start=float(start),
                end=float(end),
                text=text,
                original=original,
                created=now_iso(),
                transcript_id=media.transcript_id,
            )
            self.store.table("corrections").insert(corr.to_dict())
        return corr

    def all_segments_iter(self) -> Iterator[tuple[str, Segment]]:
        for media in self.list_media():
            for seg in self.segments(media.id):
                yield media.id, seg

    def transcribe(
        self,
        media_id: str,
        options: TranscribeOptions,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> TranscribeResult:
        """Transcribe one media file, saving each segment as it comes.

        An interrupted run of the same model and task is resumed after its last saved
        segment. On success the new transcript becomes current; older versions and
        every human correction are kept (corrections re-apply where times match).
        """
        from tapelog.media.audio import load_audio, load_audio_and_envelopes
        from tapelog.transcribe.engine import get_engine
        from tapelog.transcribe.lines import split_sentences
        from tapelog.transcribe.speakers import assign_speakers, channels_differ

        media = self.get_media(media_id)
        if not media.info.has_audio:
            raise NoAudioError("has no audio stream to transcribe", path=media.path)
        path = self.media_path(media)
        options = self.choose_model(media_id, options, cancel)
        engine = get_engine(options)
        record = self._resumable(media_id, options)
        if record is None:
            with self.store.transaction():
                record = TranscriptRecord(
                    id=self.store.next_id("tr"),
                    media_id=media_id,
                    model=options.model,
                    options=options.to_dict(),
                    created=now_iso(),
                    status=STATUS_PARTIAL,
                    language=options.language,
                    duration=media.info.duration,
                )
                self.store.table("transcripts").insert(record.to_dict())
                fresh = self.get_media(media_id)
                if fresh.transcript_status != STATUS_DONE:
                    fresh.transcript_status = STATUS_PARTIAL
                    self.store.table("media").upsert(fresh.to_dict(), Q.id == media_id)
        file = transcript_path(self.root, media_id, record.id)
        writer = SegmentWriter(file)
        try:
            done = list(writer.existing)
            offset = done[-1].end if done else 0.0
            env = None
            if media.info.channels >= 2:
                # One decode gives Whisper's mono and the speaker pass's envelopes.
                audio, env = load_audio_and_envelopes(path, frame_s=0.02, cancel=cancel)
            else:
                audio = load_audio(path, cancel=cancel)
            total = len(audio) / 16000.0
            run_options = options
            if record.language and not options.language:
                # Resuming: keep the language detected on the first run.
                run_options = TranscribeOptions(
                    **{**options.to_dict(), "language": record.language}
                )
            started = time.monotonic()
            report(progress, ProgressEvent("transcribe", offset, total, "s", media.name))
            info, segs = engine.transcribe(audio[int(offset * 16000) :], run_options, offset=offset)
            if record.language is None and info.language:
                record.language = info.language
                record.language_probability = info.language_probability
                with self.store.transaction():
                    self.store.table("transcripts").upsert(record.to_dict(), Q.id == record.id)
            for whole in segs:
                if cancel is not None:
                    cancel.check()
                for seg in split_sentences(whole):
                    writer.append(seg)
                    done.append(seg)
                elapsed = time.monotonic() - started
                rate = (seg.end - offset) / elapsed if elapsed > 0 else 0
                eta = (total - seg.end) / rate if rate > 0 else None
                report(
                    progress,
                    ProgressEvent("transcribe", seg.end, total, "s", media.name, eta=eta),
                )
            if cancel is not None:
                cancel.check()
        finally:
            writer.close()
        # Speakers: separate microphones on separate channels.
        speakers: list[str] = []
        if env is not None and done and channels_differ(env):
            done = assign_speakers(done, env, 0.02)
            write_segments(file, done)
            speakers = sorted({s.speaker for s in done if s.speaker})
        report(progress, ProgressEvent("transcribe", total, total, "s", media.name, eta=0))
        with self.store.transaction():
            record.status = STATUS_DONE
            record.finished = now_iso()
            record.segment_count = len(done)
            record.duration = total
            record.speakers = speakers
            self.store.table("transcripts").upsert(record.to_dict(), Q.id == record.id)
            fresh = self.get_media(media_id)
            fresh.transcript_id = record.id
            fresh.transcript_status = STATUS_DONE
            fresh.language = record.language
            fresh.error = None
            self.store.table("media").upsert(fresh.to_dict(), Q.id == media_id)
        unplaced = len(self.unplaced_corrections(media_id))
        return TranscribeResult(
            media_id,
            record.id,
            STATUS_DONE,
            segments=len(done),
            resumed_from=offset,
            language=record.language,
            unplaced_corrections=unplaced,
        )

    def mark_failed(self, media_id: str, error: str) -> None:
        with self.store.transaction():
            media = self.get_media(media_id)
            if media.transcript_status != STATUS_DONE:
                media.transcript_status = (
                    STATUS_PARTIAL if self._latest_partial(media_id) else STATUS_FAILED
                )
            media.error = error
            self.store.table("media").upsert(media.to_dict(), Q.id == media_id)

    def choose_model(
        self,
        media_id: str,
        options: TranscribeOptions,
        cancel: CancelToken | None = None,
    ) -> TranscribeOptions:
        """Resolve ``model="auto"``: English model for English speech, else multilingual.

        The default English model (tiny.en) cannot hear that an interview is in Mandarin;
        it writes English-sounding nonsense. So the multilingual model listens to the
        first 30 s (about a second of work) and the run uses the model that fits, with
        the detected language. A resumed run keeps the language its first part found.
        Other model names are returned unchanged.
        """
        from tapelog.transcribe.types import AUTO_MODEL

        if options.model != AUTO_MODEL:
            return options
        settings = self.settings()
        english, multilingual = settings["model"], settings["model_multilingual"]
        language = options.language
        if options.task == "translate":
            return replace(options, model=multilingual)
        if language is None:
            partial = [t for t in self.transcripts(media_id) if t.status == STATUS_PARTIAL]
            if partial and partial[-1].language:
                language = partial[-1].language
        if language is None:
            from tapelog.media.audio import load_audio
            from tapelog.transcribe.engine import get_engine

            media = self.get_media(media_id)
            if not media.info.has_audio:
                raise NoAudioError("has no audio stream to transcribe", path=media.path)
            head = load_audio(self.media_path(media), cancel=cancel, max_seconds=30)
            engine = get_engine(replace(options, model=multilingual, language=None))
            language, _probability = engine.detect_language(head)
        if language == "en":
            return replace(options, model=english, language="en")
        return replace(options, model=multilingual, language=language)

    def _resumable(self, media_id: str, options: TranscribeOptions) -> TranscriptRecord | None:
        """An interrupted run with the same model and task, to continue."""
        for rec in reversed(self.transcripts(media_id)):
            if rec.status != STATUS_PARTIAL:
                continue
            same = (
                rec.model == options.model
                and rec.options.get("task") == options.task
                and (options.language is None or rec.language in (None, options.language))
            )
            if same:
                return rec
        return None

    # -- speakers --------------------------------------------------------------------

    def speaker_names(self, media_id: str) -> dict[str, str]:
        docs = self.store.table("speakers").search(Q.media_id == media_id)
        return {d["label"]: d["name"] for d in docs}

    def all_speaker_names(self) -> dict[tuple[str, str], str]:
        return {(d["media_id"], d["label"]): d["name"] for d in self.store.table("speakers").all()}

    def rename_speaker(self, old: str, new: str, media_id: str | None = None) -> int:
        """Name a speaker; returns how many (media, label) pairs now carry the new name.

        With ``media_id``, ``old`` is a label (``CH1``) or the current name in that file.
        Without it, every speaker named ``old`` anywhere in the archive is renamed, so a
        name given once is kept consistent across interviews.
        """
        new = new.strip()
        if not new:
            raise UsageError("a speaker name cannot be empty")
        table = self.store.table("speakers")
        with self.store.transaction():
            if media_id is not None:
                self.get_media(media_id)
                names = self.speaker_names(media_id)
                label = next((lb for lb, nm in names.items() if nm == old), None) or old
                labels = self._labels(media_id)
                if label not in labels and label not in names:
                    raise NotFoundError(
                        f"no speaker '{old}' in {media_id} (speakers: "
                        f"{', '.join(sorted(labels | set(names))) or 'none'})"
                    )
                rec = SpeakerName(media_id, label, new)
                table.upsert(rec.to_dict(), (Q.media_id == media_id) & (Q.label == label))
                return 1
            matches = table.search(Q.name == old)
            if not matches:
                raise NotFoundError(f"no speaker named '{old}' in this archive")
            table.update({"name": new}, Q.name == old)
            return len(matches)

    def _labels(self, media_id: str) -> set[str]:
        media = self.get_media(media_id)
        if media.transcript_id:
            rec = self.get_transcript(media.transcript_id)
            if rec.speakers:
                return set(rec.speakers)
        return {s.speaker for s in self.raw_segments(media_id) if s.speaker}

    def speaker_display(self, media_id: str, label: str | None) -> str | None:
        if label is None:
            return None
        return self.speaker_names(media_id).get(label, label)

    # -- timecode --------------------------------------------------------------------

    def source_timecode(self, media: MediaRecord, seconds: float) -> str | None:
        """The camera's own timecode at ``seconds`` into the file, if it has one."""
        info = media.info
        if not info.start_timecode or not info.fps_num or not info.fps_den:
            return None
        try:
            from tapelog.media.timecode import source_timecode
        except ImportError:  # pragma: no cover - module lands with the exports work
            return None
        return source_timecode(
            seconds, info.start_timecode, info.fps_num, info.fps_den, info.drop_frame
        )

    # -- search ----------------------------------------------------------------------

    def _index_signature(self, media: MediaRecord, corr_sig: str) -> str | None:
        tid = media.transcript_id or self._latest_partial(media.id)
        if tid is None:
            return None
        # A plain string path: pathlib costs 25 us a file, a quarter second at 10,000.
        file = os.path.join(self._transcripts_root, media.id, f"{tid}.jsonl")
        try:
            st = os.stat(file)
        except FileNotFoundError:
            return None
        return f"{tid}:{st.st_size}:{st.st_mtime_ns}:{media.language}:{corr_sig}"

    def sync_index(
        self,
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
        for d in self.store.table("corrections").all():
            corr.setdefault(d["media_id"], []).append(d["created"])
        wanted: dict[str, tuple[MediaRecord, str]] = {}
        # The cached parse (read-only here): open and the first search share one parse.
        for media in self._media_by_id().values() if only is None else only:
            cs = corr.get(media.id, [])
            sig = self._index_signature(media, f"{len(cs)}:{max(cs) if cs else ''}")
            if sig is not None:
                wanted[media.id] = (media, sig)
        have = self.index.signatures()
        changed = 0
        stale = [mid for mid, (_m, sig) in wanted.items() if force or have.get(mid) != sig]
        for n, mid in enumerate(stale):
            report(progress, ProgressEvent("index", n, len(stale), "files", mid))
            media, sig = wanted[mid]
            rows = [
                IndexRow(mid, i, s.start, s.end, s.speaker, media.language, s.text)
                for i, s in enumerate(self.segments(mid))
            ]
            self.index.replace_media(mid, sig, rows)
            changed += 1
        for mid in set(have) - set(wanted) if only is None else ():
            self.index.remove_media(mid)
            changed += 1
        self._synced_at = time.monotonic()
        return changed

    def _maybe_sync(self) -> None:
        """Sync when the store changed; every 5 s, re-check files still being transcribed.

        A transcription appends segments to its JSONL file without touching the store
        until it ends, so only partial transcripts can change behind an unchanged store;
        re-checking all 10,000 files of a big archive would cost half a second a query.
        """
        sig = self.store.signature("media", "transcripts", "corrections")
        if sig != self._sync_sig:
            self.sync_index()
            self._sync_sig = sig
        elif time.monotonic() - self._synced_at > 5.0:
            partial = [
                m for m in self._media_by_id().values() if m.transcript_status == STATUS_PARTIAL
            ]
            self.sync_index(only=partial)

    def _cached(self, key: str, tables: tuple[str, ...], build: Callable[[], Any]) -> Any:
        """``build()`` reused until one of ``tables`` changes (read-only results only)."""
        sig = self.store.signature(*tables)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == sig:
            return hit[1]
        value = build()
        self._cache[key] = (sig, value)
        return value

    def _media_by_id(self) -> dict[str, MediaRecord]:
        """Media records by id for read-only lookups (search parses 10,000 of them once)."""
        return self._cached("media", ("media",), lambda: {m.id: m for m in self.list_media()})

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
    ) -> list[SearchHit]:
        """Search every transcript; ``spans`` restricts hits to tagged passages."""
        if limit < 1:
            raise UsageError("--limit must be at least 1")
        self._maybe_sync()
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
            names = self._cached("speakers", ("speakers",), self.all_speaker_names)
            wanted = set(speakers)
            label_filter = wanted | {lb for (_m, lb), nm in names.items() if nm in wanted}
        fn = self.index.search_fuzzy if fuzzy else self.index.search_exact
        raw = fn(
            query,
            limit=limit,
            media_ids=media_ids,
            speakers=label_filter,
            languages=languages,
            accept=accept,
        )
        media_by_id = self._media_by_id()
        names = self._cached("speakers", ("speakers",), self.all_speaker_names)
        sensitive = self._cached("sensitive", ("people", "tags"), self._sensitive_spans)
        hits = []
        for h in raw:
            media = media_by_id.get(h.media_id)
            if media is None:
                continue
            before, after = self.index.neighbours(h.media_id, h.seg_index)
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
                    source_timecode=self.source_timecode(media, h.start),
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

    def _sensitive_spans(self) -> dict[str, list[tuple[float, float, list[str]]]]:
        try:
            from tapelog.archive.cases import sensitive_spans
        except ImportError:  # pragma: no cover - lands with the cases work
            return {}
        return sensitive_spans(self)


def _id_key(media_id: str) -> tuple[str, int]:
    head = media_id.rstrip("0123456789")
    tail = media_id[len(head) :]
    return (head, int(tail) if tail else 0)


def transcript_status_of(media: MediaRecord) -> str:
    return media.transcript_status or (STATUS_DONE if media.transcript_id else STATUS_NONE)


__all__ = [
    "Archive",
    "ImportResult",
    "SearchHit",
    "TranscribeResult",
    "STATUS_FAILED",
]
