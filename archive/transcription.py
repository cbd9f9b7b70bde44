"""Running Whisper on a media file: model choice, resume, progress and the final record."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tapelog.archive.corrections import latest_partial
from tapelog.archive.errors import NoAudioError, UsageError
from tapelog.archive.models import (
    STATUS_DONE,
    STATUS_FAILED,
    STATUS_NO_AUDIO,
    STATUS_PARTIAL,
    TranscriptRecord,
)
from tapelog.archive.progress import (
    Cancelled,
    CancelToken,
    ProgressCallback,
    ProgressEvent,
    report,
)
from tapelog.transcribe.types import DETECT_SECONDS, TranscribeOptions
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
    A cluster run (``archive.cluster_run``) saves through the same job.
    """
    from tapelog.archive.transcription_job import TranscriptionJob
    from tapelog.transcribe.engine import get_engine

    media = archive.get_media(media_id)
    if not media.info.has_audio:
        raise NoAudioError("has no audio stream to transcribe", path=media.path)
    archive.media_path(media)
    options = archive.choose_model(media_id, options, cancel)
    engine = get_engine(options)
    job = TranscriptionJob.begin(archive, media_id, options, cancel=cancel)
    try:
        report(progress, ProgressEvent("transcribe", job.offset, job.total, "s", media.name))
        info, segs = engine.transcribe(job.remaining_audio, job.options, offset=job.offset)
        job.set_language(info)
        for whole in segs:
            if cancel is not None:
                cancel.check()
            job.save(whole, progress)
        if cancel is not None:
            cancel.check()
    finally:
        job.close()
    return job.finish(progress, cancel=cancel)


def _wants_voices(options: TranscribeOptions, done: list, by_channel: bool) -> bool:
    """Diarize a single track; where channels already answer, only when the crew says
    there are more voices than channels (a lav plus a camera mic with a third voice)."""
    if not options.diarize or options.speakers == 1:
        return False
    if not by_channel:
        return True
    channels = {s.speaker for s in done if s.speaker}
    return options.speakers is not None and options.speakers > len(channels)


def _diarize(archive, name, audio, options, progress, cancel):
    from tapelog.transcribe.diarize import STAGES, diarize
    from tapelog.transcribe.embedders import choose

    stage = iter(range(1, len(STAGES) + 1))

    def step(what: str) -> None:
        if cancel is not None:
            cancel.check()
        report(
            progress,
            ProgressEvent("speakers", next(stage), len(STAGES), "steps", f"{name}: {what}"),
        )

    embedder = choose(archive.setting("voice_model"))
    return diarize(audio, speakers=options.speakers, embedder=embedder, step=step)


def _label_voices(done: list, diar, by_channel: bool) -> list:
    from tapelog.transcribe.diarize import merge_with_channels, turn_labeller
    from tapelog.transcribe.speakers import label_segments

    if by_channel:
        return merge_with_channels(done, diar.turns)
    return label_segments(done, turn_labeller(diar.turns))


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
    Other model names are kept. The batch size left to the model becomes that model's
    (``transcribe.checks.batch_size_for``), so the transcript records what ran.
    """
    from tapelog.transcribe.checks import batch_size_for

    chosen = _choose(archive, media_id, options, cancel)
    # The record says what ran: the model's batch size when the crew gave none.
    return replace(chosen, batch_size=batch_size_for(chosen))


def _choose(
    archive: Archive, media_id: str, options: TranscribeOptions, cancel: CancelToken | None
) -> TranscribeOptions:
    from tapelog.archive import language_choice as L
    from tapelog.transcribe.types import AUTO_MODEL

    if options.model != AUTO_MODEL:
        if L.asks_for_the_archives_language(archive, options):
            # A multilingual model the crew named, and the crew's list of languages: the
            # language is chosen among them, as on the cluster (cluster_run._options).
            language = _resumed_language(archive, media_id)
            if language is None:
                try:
                    language = _detect(archive, media_id, options, cancel)
                except UsageError:  # an English-only model by another name: as before
                    language = None
            return replace(options, language=language)
        return options
    settings = archive.settings()
    english, multilingual = settings["model"], settings["model_multilingual"]
    language = options.language
    if options.task == "translate":
        return replace(options, model=multilingual)
    if language is None:
        language = _resumed_language(archive, media_id)
    if language is None:
        language = _detect(archive, media_id, replace(options, model=multilingual), cancel)
    if language == "en":
        return replace(options, model=english, language="en")
    return replace(options, model=multilingual, language=language)


def _resumed_language(archive: Archive, media_id: str) -> str | None:
    """The language an interrupted run of this file found: a resumed run keeps it."""
    partial = [t for t in archive.transcripts(media_id) if t.status == STATUS_PARTIAL]
    return partial[-1].language if partial and partial[-1].language else None


def _detect(
    archive: Archive, media_id: str, options: TranscribeOptions, cancel: CancelToken | None
) -> str:
    """The file's language: the crew's one language when the archive lists only one,
    else Whisper's detection on its first windows, chosen among the archive's languages
    (``archive.language_choice``)."""
    from tapelog.archive import language_choice as L

    listed = L.listed_languages(archive)
    if len(listed) == 1:
        return listed[0]  # nothing to tell apart: no detection, no multilingual load
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine

    media = archive.get_media(media_id)
    if not media.info.has_audio:
        raise NoAudioError("has no audio stream to transcribe", path=media.path)
    head = load_audio(archive.media_path(media), cancel=cancel, max_seconds=DETECT_SECONDS)
    engine = get_engine(replace(options, language=None))
    return L.detect(archive, engine, head).language


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
