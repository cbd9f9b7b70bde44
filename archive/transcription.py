"""Running Whisper on a media file: model choice, resume, progress and the final record."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tapelog.archive.corrections import latest_partial
from tapelog.archive.errors import NoAudioError
from tapelog.archive.library import now_iso
from tapelog.archive.models import (
    STATUS_DONE,
    STATUS_FAILED,
    STATUS_NO_AUDIO,
    STATUS_PARTIAL,
    TranscriptRecord,
)
from tapelog.archive.paths import writable_transcript_path
from tapelog.archive.progress import (
    Cancelled,
    CancelToken,
    ProgressCallback,
    ProgressEvent,
    report,
)
from tapelog.archive.transcripts import SegmentWriter, write_segments
from tapelog.transcribe.types import TranscribeOptions
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

Q = Query()


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


def run_second_look(
    archive: Archive,
    media_id: str,
    options: TranscribeOptions,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> None:
    """The names pass after a finished transcription (``archive.second_look``): with the
    names the crew asked for, or those the archive's case records give by default. A
    failure keeps the plain transcript and is noted on it; cancelling stops here too."""
    from tapelog.archive.errors import TapelogError
    from tapelog.archive.second_look import names_for, note_failure, second_look

    names = names_for(archive, media_id, options)
    if not names:
        return
    try:
        second_look(archive, media_id, names, progress=progress, cancel=cancel)
    except Cancelled:
        raise
    except TapelogError as exc:
        note_failure(archive, media_id, names, str(exc))


def transcribe(
    archive: Archive,
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

    media = archive.get_media(media_id)
    if not media.info.has_audio:
        raise NoAudioError("has no audio stream to transcribe", path=media.path)
    path = archive.media_path(media)
    options = archive.choose_model(media_id, options, cancel)
    engine = get_engine(options)
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
            if fresh.transcript_status != STATUS_DONE:
                fresh.transcript_status = STATUS_PARTIAL
                archive.store.table("media").upsert(fresh.to_dict(), Q.id == media_id)
    # Checked before anything is created: ids from the store, links on the way.
    file = writable_transcript_path(archive.root, media_id, record.id)
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
            run_options = TranscribeOptions(**{**options.to_dict(), "language": record.language})
        started = time.monotonic()
        report(progress, ProgressEvent("transcribe", offset, total, "s", media.name))
        info, segs = engine.transcribe(audio[int(offset * 16000) :], run_options, offset=offset)
        if record.language is None and info.language:
            record.language = info.language
            record.language_probability = info.language_probability
            with archive.store.transaction():
                archive.store.table("transcripts").upsert(record.to_dict(), Q.id == record.id)
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
    if not done:
        # Silence has no language: whatever Whisper guessed for it is not one.
        record.language = record.language_probability = None
    with archive.store.transaction():
        record.status = STATUS_DONE
        record.finished = now_iso()
        record.segment_count = len(done)
        record.duration = total
        record.speakers = speakers
        archive.store.table("transcripts").upsert(record.to_dict(), Q.id == record.id)
        fresh = archive.get_media(media_id)
        fresh.transcript_id = record.id
        fresh.transcript_status = STATUS_DONE
        fresh.language = record.language
        fresh.error = None
        archive.store.table("media").upsert(fresh.to_dict(), Q.id == media_id)
    run_second_look(archive, media_id, options, progress=progress, cancel=cancel)
    unplaced = len(archive.unplaced_corrections(media_id))
    return TranscribeResult(
        media_id,
        record.id,
        STATUS_DONE,
        segments=len(done),
        resumed_from=offset,
        language=record.language,
        unplaced_corrections=unplaced,
    )


def mark_failed(archive: Archive, media_id: str, error: str) -> None:
    with archive.store.transaction():
        media = archive.get_media(media_id)
        if not media.info.has_audio:
            # Nothing was tried and nothing can be: the file stays "no-audio" everywhere.
            media.transcript_status = STATUS_NO_AUDIO
        elif media.transcript_status != STATUS_DONE:
            media.transcript_status = (
                STATUS_PARTIAL if latest_partial(archive, media_id) else STATUS_FAILED
            )
        media.error = error
        archive.store.table("media").upsert(media.to_dict(), Q.id == media_id)


def choose_model(
    archive: Archive,
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
    settings = archive.settings()
    english, multilingual = settings["model"], settings["model_multilingual"]
    language = options.language
    if options.task == "translate":
        return replace(options, model=multilingual)
    if language is None:
        partial = [t for t in archive.transcripts(media_id) if t.status == STATUS_PARTIAL]
        if partial and partial[-1].language:
            language = partial[-1].language
    if language is None:
        from tapelog.media.audio import load_audio
        from tapelog.transcribe.engine import get_engine

        media = archive.get_media(media_id)
        if not media.info.has_audio:
            raise NoAudioError("has no audio stream to transcribe", path=media.path)
        head = load_audio(archive.media_path(media), cancel=cancel, max_seconds=30)
        engine = get_engine(replace(options, model=multilingual, language=None))
        language, _probability = engine.detect_language(head)
    if language == "en":
        return replace(options, model=english, language="en")
    return replace(options, model=multilingual, language=language)


def _resumable(
    archive: Archive, media_id: str, options: TranscribeOptions
) -> TranscriptRecord | None:
    """An interrupted run with the same model and task, to continue."""
    for rec in reversed(archive.transcripts(media_id)):
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
