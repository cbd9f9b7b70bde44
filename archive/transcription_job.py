"""One media file's transcription as the archive sees it: record, resume point, saving.

Whoever runs the speech engine (this process, or workers of a Dask cluster), this is
the only code that writes a transcription into the archive, in the one process that
owns the archive: it opens or resumes the transcript record, decodes the audio, saves
each segment durably as it arrives (so a killed run resumes after the last one) and
finally marks the transcript done. Splitting it out of ``Archive.transcribe`` lets a
cluster run keep many files in flight while each is saved exactly as a local run is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from tapelog.archive.errors import NoAudioError
from tapelog.archive.models import STATUS_DONE, STATUS_PARTIAL, TranscriptRecord
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tapelog.archive.transcripts import SegmentWriter, write_segments
from tapelog.transcribe.types import Segment, TranscribeOptions, TranscriptionInfo
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tapelog.archive.transcription import TranscribeResult

Q = Query()
SAMPLE_RATE = 16000


@dataclass
class TranscriptionJob:
    archive: Archive
    media_id: str
    name: str
    options: TranscribeOptions
    record: TranscriptRecord
    writer: SegmentWriter
    audio: np.ndarray
    env: np.ndarray | None
    offset: float
    total: float
    done: list[Segment] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def begin(
        cls,
        archive: Archive,
        media_id: str,
        options: TranscribeOptions,
        *,
        cancel: CancelToken | None = None,
    ) -> TranscriptionJob:
        """Open (or resume) the transcript of one file and decode its audio.

        ``options`` must be resolved already (``Archive.choose_model``).
        """
        from tapelog.archive.library import now_iso
        from tapelog.archive.transcription import _resumable
        from tapelog.media.audio import load_audio, load_audio_and_envelopes

        media = archive.get_media(media_id)
        if not media.info.has_audio:
            raise NoAudioError("has no audio stream to transcribe", path=media.path)
        path = archive.media_path(media)
        record = _resumable(archive, media_id, options)
        if record is None:
            with archive.store.transaction():
                record = TranscriptRecord(
                    id=archive.store.next_id("tr"),
                    media_id=media_id,
                    model=options.model,
                    options=options.to_dict(),
                    created=now_iso(),
                    status=STATUS_PARTIAL,
                    language=options.language,
                    duration=media.info.duration,
                )
                archive.store.table("transcripts").insert(record.to_dict())
                fresh = archive.get_media(media_id)
                if fresh.transcript_status != STATUS_DONE and options.task != "translate":
                    fresh.transcript_status = STATUS_PARTIAL
                    archive.store.table("media").upsert(fresh.to_dict(), Q.id == media_id)
        from tapelog.archive.paths import writable_transcript_path

        # Checked before anything is created: ids from the store, links on the way.
        writer = SegmentWriter(writable_transcript_path(archive.root, media_id, record.id))
        try:
            done = list(writer.existing)
            offset = done[-1].end if done else 0.0
            env = None
            if media.info.channels >= 2:
                # One decode gives Whisper's mono and the speaker pass's envelopes.
                audio, env = load_audio_and_envelopes(path, frame_s=0.02, cancel=cancel)
            else:
                audio = load_audio(path, cancel=cancel)
        except BaseException:
            writer.close()
            raise
        if record.language and not options.language:
            # Resuming: keep the language detected on the first run.
            options = TranscribeOptions(**{**options.to_dict(), "language": record.language})
        total = len(audio) / SAMPLE_RATE
        return cls(archive, media_id, media.name, options, record, writer, audio, env, offset,
                   total, done)  # fmt: skip

    @property
    def remaining_audio(self) -> np.ndarray:
        """The audio after the last saved segment (what is left to transcribe)."""
        return self.audio[int(self.offset * SAMPLE_RATE) :]

    def set_language(self, info: TranscriptionInfo) -> None:
        """Keep the language the engine found on the record (a resume reuses it)."""
        if self.record.language is None and info.language:
            self.record.language = info.language
            self.record.language_probability = info.language_probability
            with self.archive.store.transaction():
                self.archive.store.table("transcripts").upsert(
                    self.record.to_dict(), Q.id == self.record.id
                )

    def save(self, whole: Segment, progress: ProgressCallback | None = None) -> None:
        """Save one engine segment (split into sentences), durably, and report progress."""
        from tapelog.transcribe.lines import split_sentences

        for seg in split_sentences(whole):
            self.writer.append(seg)
            self.done.append(seg)
        elapsed = time.monotonic() - self.started
        rate = (whole.end - self.offset) / elapsed if elapsed > 0 else 0
        eta = (self.total - whole.end) / rate if rate > 0 else None
        report(
            progress, ProgressEvent("transcribe", whole.end, self.total, "s", self.name, eta=eta)
        )

    def close(self) -> None:
        self.writer.close()

    def finish(
        self, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
    ) -> TranscribeResult:
        """Assign speakers by channel, mark the transcript done and current, then the
        names pass (``archive.second_look``) where the crew's names ask for one."""
        from tapelog.archive.library import now_iso
        from tapelog.archive.transcription import (
            TranscribeResult,
            _diarize,
            _label_voices,
            _wants_voices,
            run_second_look,
        )
        from tapelog.transcribe.speakers import assign_speakers, channels_differ

        self.writer.close()
        archive, media_id, record, done = self.archive, self.media_id, self.record, self.done
        file = self.writer.path
        # Speakers: separate microphones on separate channels, voices on one track.
        by_channel = self.env is not None and bool(done) and channels_differ(self.env)
        if by_channel and self.env is not None:
            done = assign_speakers(done, self.env, 0.02)
        diar = None
        if done and _wants_voices(self.options, done, by_channel):
            diar = _diarize(archive, self.name, self.audio, self.options, progress, cancel)
            if diar.speakers:  # one voice is S1 too: it can be named and matched elsewhere
                done = _label_voices(done, diar, by_channel)
        if by_channel or (diar is not None and diar.speakers):
            write_segments(file, done)
        speakers = sorted({s.speaker for s in done if s.speaker})
        report(progress, ProgressEvent("transcribe", self.total, self.total, "s", self.name, eta=0))
        if not done:
            # Silence has no language: whatever Whisper guessed for it is not one.
            record.language = record.language_probability = None
        with archive.store.transaction():
            record.status = STATUS_DONE
            record.finished = now_iso()
            record.segment_count = len(done)
            record.duration = self.total
            record.speakers = speakers
            archive.store.table("transcripts").upsert(record.to_dict(), Q.id == record.id)
            fresh = archive.get_media(media_id)
            if self.options.task == "translate":
                # Beside the original, never in its place (show --translation, exports).
                fresh.translation_id = record.id
            else:
                fresh.transcript_id = record.id
                fresh.transcript_status = STATUS_DONE
                fresh.language = record.language
            fresh.error = None
            archive.store.table("media").upsert(fresh.to_dict(), Q.id == media_id)
        if diar is not None and diar.prints:
            from tapelog.archive import voices

            voices.save_file_prints(archive, media_id, record.id, diar, set(speakers))
            voices.suggest(archive, media_id)
        run_second_look(archive, media_id, self.options, progress=progress, cancel=cancel)
        unplaced = len(archive.unplaced_corrections(media_id))
        return TranscribeResult(
            media_id,
            record.id,
            STATUS_DONE,
            segments=len(done),
            resumed_from=self.offset,
            language=record.language,
            unplaced_corrections=unplaced,
        )
