"""A corrected line gets word times again: its words aligned to the line's audio.

Called after a correction is stored (CLI ``correct``, the TUI's line editor, in a
worker), and for the corrections made before alignment existed (``words: []``) by
``realign_all`` (``tapelog realign``), one line at a time with progress and cancel. The correction is kept whatever happens here: when the media is missing,
has no audio, or the line is longer than one Whisper window, it simply has no aligned
words and search falls back to the line's bounds for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from tapelog.archive.errors import Cancelled, TapelogError
from tapelog.archive.models import Correction
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

MARGIN_S = 0.3  # audio either side of the line: words said a little early or late
Q = Query()


def alignment_model(archive: Archive, media_id: str) -> str:
    """The model that wrote the transcript (it heard this voice), else the default."""
    media = archive.get_media(media_id)
    if media.transcript_id:
        try:
            model = archive.get_transcript(media.transcript_id).model
        except TapelogError:
            model = ""
        if model and model != "auto":
            return model
    settings = archive.settings()
    return settings["model"] if (media.language or "en") == "en" else settings["model_multilingual"]


def align_correction(
    archive: Archive, corr: Correction, *, cancel: CancelToken | None = None
) -> Correction:
    """Align ``corr``'s text to its audio and store the words; returns the updated record.

    Raises TapelogError (missing media, no audio, model not installed) with the
    correction itself already stored and unchanged.
    """
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.align import MAX_LINE_S, align_words
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    media = archive.get_media(corr.media_id)
    start = max(0.0, corr.start - MARGIN_S)
    seconds = corr.end + MARGIN_S - start
    if seconds > MAX_LINE_S:
        return corr
    audio = load_audio(archive.media_path(media), cancel=cancel, offset=start, max_seconds=seconds)
    engine = get_engine(TranscribeOptions(model=alignment_model(archive, corr.media_id)))
    model = cast(Any, engine).model  # the faster-whisper engine's own model
    words = align_words(model, audio, corr.text, media.language, offset=start)
    if not words:
        return corr
    updated = replace(corr, words=[w.__dict__.copy() for w in words])
    with archive.store.transaction():
        archive.store.table("corrections").update({"words": updated.words}, Q.id == corr.id)
    return updated


@dataclass
class RealignReport:
    """What a bulk re-alignment did: lines given word times, kept without, failures."""

    aligned: list[str] = field(default_factory=list)
    unaligned: list[str] = field(default_factory=list)  # too long, or no words heard
    failed: list[tuple[str, str]] = field(default_factory=list)  # (correction id, why)


def unaligned_corrections(archive: Archive, media_id: str | None = None) -> list[Correction]:
    """Corrections without word times: made before alignment existed, or with --no-align."""
    table = archive.store.table("corrections")
    docs = table.search(Q.media_id == media_id) if media_id else table.all()
    found = [Correction.from_dict(d) for d in docs if not d.get("words")]
    return sorted(found, key=lambda c: (c.media_id, c.start))


def realign_all(
    archive: Archive,
    *,
    media_id: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> RealignReport:
    """Align every correction that has no word times; one line at a time, cancellable.

    Each line is stored as soon as it is aligned, so a cancelled or interrupted run
    keeps what it did and the next run carries on with the rest. A line that cannot
    be aligned (media missing, no audio) is reported and the run goes on.
    """
    todo = unaligned_corrections(archive, media_id)
    out = RealignReport()
    for n, corr in enumerate(todo):
        if cancel is not None:
            cancel.check()
        report(progress, ProgressEvent("align", n, len(todo), "lines", corr.id))
        try:
            done = align_correction(archive, corr, cancel=cancel)
        except Cancelled:
            raise
        except TapelogError as exc:
            out.failed.append((corr.id, str(exc)))
            continue
        (out.aligned if done.words else out.unaligned).append(corr.id)
    report(progress, ProgressEvent("align", len(todo), len(todo), "lines"))
    return out
