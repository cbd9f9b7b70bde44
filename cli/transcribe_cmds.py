"""Transcribing media: `tapelog transcribe` (on this machine or a Dask cluster)."""

from __future__ import annotations

from typing import Any

import click
from tapelog.archive.clock import Clock
from tapelog.archive.errors import Cancelled, TapelogError, UsageError
from tapelog.archive.statuses import TranscriptStatus
from tapelog.archive.transcribe_choice import (
    options_for_media,
    transcribe_options,
    vocab_from_cases_default,
)
from tapelog.cli.common import (
    StderrProgress,
    archive_option,
    emit,
    json_option,
    open_archive,
)
from tapelog.cli.transcribe_cluster import cluster_options, run_on_cluster, use_cluster


def register(group: click.Group) -> None:
    group.add_command(transcribe_cmd)


def _has_done(media, translate: bool) -> bool:
    """Whether the work asked (a transcript, or its translation) was done before."""
    if translate:
        return bool(media.translation_id)
    return media.transcript_status == TranscriptStatus.DONE


def _wants_more(archive, media, translate: bool) -> bool:
    """Whether a done file still has work asked of it: a run to resume, or a translation.

    An interrupted ``--force`` run leaves a partial transcript beside the done one; a
    translation of a file transcribed in its own language is a new transcript, not a
    redo, so neither needs ``--force``.
    """
    task = "translate" if translate else "transcribe"
    records = archive.transcripts(media.id)
    if any(
        t.status == TranscriptStatus.PARTIAL and t.options.get("task", "transcribe") == task
        for t in records
    ):
        return True
    # The translation is kept beside the original: each is done (or not) on its own.
    return translate and not media.translation_id


@click.command("transcribe")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every media file not yet fully transcribed.")
@click.option("--model", default=None, help="tiny.en, base, a hub name or a model directory.")
@click.option("--language", default=None, help="Language code (default: detect).")
@click.option("--translate", is_flag=True, help="Translate to English.")
@click.option("--hotwords", default=None, help="Words to bias recognition towards (names).")
@click.option("--prompt", "initial_prompt", default=None, help="Initial prompt for Whisper.")
@click.option(
    "--vocab-from-cases/--no-vocab-from-cases",
    default=None,
    help="A second look for case/people names (default: the archive's setting, auto).",
)
@click.option("--beam-size", type=click.IntRange(1, 10), default=5, show_default=True)
@click.option(
    "--batch-size",
    default=None,
    metavar="N|auto",
    help="Windows decoded together (0: one at a time; default auto: the model's, measured).",
)
@click.option("--threads", type=click.IntRange(0, 64), default=0, help="CPU threads (0: all).")
@click.option("--compute-type", default="int8", show_default=True)
@click.option("--no-vad", is_flag=True, help="Do not skip silence with voice activity detection.")
@click.option("--no-diarize", is_flag=True, help="Do not tell voices apart on a single track.")
@click.option(
    "--speakers",
    "n_speakers",
    type=click.IntRange(1, 8),
    default=None,
    help="How many voices (default: found). More than the channels: voices within them too.",
)
@click.option("--force", is_flag=True, help="Transcribe again even if done.")
@click.option(
    "--names-again",
    is_flag=True,
    help="Only look again for case names in files already transcribed (after tagging "
    "them with their case), without transcribing them again.",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="cpu",
    show_default=True,
    help="Where Whisper runs (cuda: an NVIDIA GPU; auto: a GPU if found).",
)
@cluster_options
@archive_option
@json_option
@click.pass_context
def transcribe_cmd(
    ctx: click.Context,
    ids: tuple[str, ...],
    all_: bool,
    model: str | None,
    language: str | None,
    translate: bool,
    hotwords: str | None,
    initial_prompt: str | None,
    vocab_from_cases: bool | None,
    beam_size: int,
    batch_size: str | None,
    threads: int,
    compute_type: str,
    no_vad: bool,
    no_diarize: bool,
    n_speakers: int | None,
    force: bool,
    names_again: bool,
    device: str,
    as_json: bool,
    **cluster: Any,
) -> None:
    """Transcribe media offline with Whisper (resumes interrupted runs).

    With --workers N or --scheduler tcp://HOST:8786 the work runs on a Dask cluster;
    this command stays the only writer of the archive.
    """
    from tapelog.transcribe.types import TranscribeOptions

    if not ids and not all_:  # a usage error before any archive is opened
        what = "look at again" if names_again else "transcribe"
        raise UsageError(f"name media ids to {what}, or use --all")
    if names_again and (force or translate or use_cluster(cluster)):
        raise UsageError("--names-again runs alone: not with --force, --translate or a cluster")
    archive = open_archive(ctx)
    if names_again:
        _names_again(ctx, archive, ids, all_, vocab_from_cases, as_json)
        return
    targets = _targets(archive, ids, all_, force, translate)
    settings = archive.settings()
    if vocab_from_cases is None:
        vocab_from_cases = vocab_from_cases_default(settings)
    chosen = transcribe_options(
        settings,
        TranscribeOptions(
            vad=not no_vad,
            initial_prompt=initial_prompt,
            hotwords=hotwords,
            beam_size=beam_size,
            cpu_threads=threads,
            compute_type=compute_type,
            device=device,
            diarize=not no_diarize,
            speakers=n_speakers,
        ),
        model=model,
        language=language,
        translate=translate,
        batch_size=batch_size,
    )
    if not use_cluster(cluster):
        from tapelog.transcribe.engine import resolve_device

        resolve_device(device)  # here, before any file: a GPU that is not there says so once
    else:
        todo = [
            mid for mid in targets
            if force or archive.get_media(mid).transcript_status != "done"
            or _wants_more(archive, archive.get_media(mid), translate)
        ]  # fmt: skip
        if run_on_cluster(ctx, archive, todo, chosen, cluster, vocab_from_cases, as_json):
            return
    run = _Run(ctx, archive, chosen, vocab_from_cases, translate, force, as_json)
    results = [run.one(mid) for mid in targets]
    if as_json:
        emit(True, results)
    if not targets and not as_json:
        click.echo("nothing to transcribe", err=True)
    if run.failed:
        ctx.exit(1)


def _names_again(ctx, archive, ids, all_: bool, vocab_from_cases, as_json: bool) -> None:
    """`transcribe --names-again`: the names pass alone (``second_look.look_again``) on
    each file named, or with --all on every transcribed file; a line a file."""
    from tapelog.archive.second_look import look_again

    if not ids and not all_:
        raise UsageError("name media ids to look at again, or use --all")
    if all_:
        targets = [m.id for m in archive.list_media() if m.transcript_status == "done"]
    else:
        targets = list(dict.fromkeys(ids))
        for mid in targets:
            archive.get_media(mid)
    rows, failed = [], False
    for mid in targets:
        progress = StderrProgress(archive.get_media(mid).name)
        try:
            look = look_again(archive, mid, vocab_from_cases, progress=progress)
        except KeyboardInterrupt:
            progress.finish()
            click.echo(f"tapelog: interrupted; {mid}'s transcript is as it was", err=True)
            ctx.exit(130)
        except Cancelled:
            raise
        except TapelogError as exc:
            progress.finish()
            failed = True
            click.echo(f"tapelog: {mid}: {exc}", err=True)
            rows.append({"media_id": mid, "error": str(exc)})
            continue
        progress.finish()
        names = look.names if look else []
        rows.append({"media_id": mid, "names": names, "changed": look.changed if look else 0})
        if not as_json:
            said = (
                f"names given: {', '.join(names)}; {look.changed} stretch(es) changed"
                if look
                else (
                    "no case names to look for: tag it with its case (or see `tapelog config vocab_from_cases`)"
                )
            )
            click.echo(f"{mid}\t{said}")
    if as_json:
        emit(True, rows)
    if failed:
        ctx.exit(1)


def _targets(archive, ids: tuple[str, ...], all_: bool, force: bool, translate: bool) -> list[str]:
    """The media ids to work on: those named (checked to exist), or with --all those
    with audio that still have work asked of them."""
    if not ids and not all_:
        raise UsageError("name media ids to transcribe, or use --all")
    if all_:
        return [
            m.id
            for m in archive.list_media()
            if m.info.has_audio
            and (force or not _has_done(m, translate) or _wants_more(archive, m, translate))
        ]
    targets = list(dict.fromkeys(ids))
    for mid in targets:
        archive.get_media(mid)
    return targets


class _Run:
    """One `transcribe` run on this machine: each file in turn, a result row per file."""

    def __init__(self, ctx, archive, chosen, vocab_from_cases, translate, force, as_json):
        self.ctx, self.archive, self.chosen = ctx, archive, chosen
        self.vocab_from_cases, self.translate = vocab_from_cases, translate
        self.force, self.as_json = force, as_json
        self.failed = False

    def one(self, mid: str) -> dict[str, Any]:
        """Transcribe one file (or say why not); a failure marks it and the run goes on."""
        archive, translate = self.archive, self.translate
        media = archive.get_media(mid)
        if not media.info.has_audio:
            # Say what is true, and leave the file "no-audio" (not "failed").
            self.failed = True
            click.echo(f"tapelog: {mid} has no audio: nothing to transcribe", err=True)
            return {"media_id": mid, "status": TranscriptStatus.NO_AUDIO}
        if (
            _has_done(media, translate)
            and not self.force
            and not _wants_more(archive, media, translate)
        ):
            if not self.as_json:
                done_what = "translated" if translate else "transcribed"
                click.echo(f"{mid}\talready {done_what} (use --force to redo)")
            return {"media_id": mid, "status": TranscriptStatus.DONE, "skipped": True}
        progress = StderrProgress(media.name)
        try:
            options = options_for_media(
                archive, mid, self.chosen, vocab_from_cases=self.vocab_from_cases
            )
            result = archive.transcribe(mid, options, progress=progress)
        except KeyboardInterrupt:
            progress.finish()
            click.echo(
                f"tapelog: interrupted; what was transcribed of {mid} is kept, "
                "run transcribe again to resume",
                err=True,
            )
            self.ctx.exit(130)
        except Cancelled:
            raise
        except TapelogError as exc:
            progress.finish()
            self.failed = True
            archive.mark_failed(mid, str(exc))
            click.echo(f"tapelog: {mid}: {exc}", err=True)
            return {"media_id": mid, "status": TranscriptStatus.FAILED, "error": str(exc)}
        progress.finish()
        if not self.as_json:
            _say_done(media, result)
        return {
            "media_id": mid,
            "status": result.status,
            "transcript_id": result.transcript_id,
            "segments": result.segments,
            "language": result.language,
            "resumed_from": result.resumed_from,
            "unplaced_corrections": result.unplaced_corrections,
        }


def _say_done(media, result) -> None:
    """One line for a transcribed file; a warning if corrections lost their line."""
    mid = media.id
    resumed = (
        f", resumed at {Clock.of(media).at(result.resumed_from)}" if result.resumed_from else ""
    )
    found = (
        f"{result.segments} segments, {result.language or '?'}"
        if result.segments
        else "no speech found"
    )
    click.echo(f"{mid}\t{found}{resumed}")
    if result.unplaced_corrections:
        click.echo(
            f"tapelog: {mid}: {result.unplaced_corrections} correction(s) no longer "
            "match a line; they are kept (see `tapelog show --corrections`)",
            err=True,
        )
