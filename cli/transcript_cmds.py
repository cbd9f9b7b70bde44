"""Reading and correcting transcripts: `show`, `correct`, and the `speakers` group."""

from __future__ import annotations

import click
from tapelog.archive.clock import Clock
from tapelog.archive.errors import TapelogError, UsageError
from tapelog.archive.paths import shown_path
from tapelog.archive.statuses import TranscriptStatus
from tapelog.cli.common import (
    archive_option,
    emit,
    json_option,
    media_time,
    open_archive,
    time_option,
)
from tapelog.cli.terminal import field


def register(group: click.Group) -> None:
    from tapelog.cli import voice_cmds

    group.add_command(show_cmd)
    group.add_command(correct_cmd)
    group.add_command(speakers_group)
    voice_cmds.register(speakers_group)


@click.command("show")
@click.argument("media_id")
@click.option("--words", is_flag=True, help="Show word timestamps.")
@click.option("--corrections", is_flag=True, help="Also list corrections and unplaced ones.")
@click.option(
    "--translation", is_flag=True, help="The English translation (kept beside the original)."
)
@time_option
@archive_option
@json_option
@click.pass_context
def show_cmd(
    ctx: click.Context,
    media_id: str,
    words: bool,
    corrections: bool,
    translation: bool,
    time_mode: str,
    as_json: bool,
) -> None:
    """Show a media file's transcript (or, with --translation, its English translation)."""
    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    clock = Clock.of(media, time_mode)
    if translation and not media.translation_id:
        raise UsageError(
            f"{media_id} has no translation yet (`tapelog transcribe {media_id} --translate`)"
        )
    segs = archive.translation_segments(media_id) if translation else archive.segments(media_id)
    names = archive.speaker_names(media_id)
    rows = [
        {
            "start": round(s.start, 3),
            "end": round(s.end, 3),
            "source_timecode": archive.source_timecode(media, s.start),
            "speaker": names.get(s.speaker, s.speaker) if s.speaker else None,
            "text": s.text,
            "words": [
                {"start": w.start, "end": w.end, "word": w.word, "probability": w.probability}
                for w in s.words
            ],
        }
        for s in segs
    ]
    unplaced = (
        archive.unplaced_corrections(media_id)
        if (corrections or as_json) and not translation
        else []
    )

    def text() -> None:
        _print_transcript(archive, media, rows, unplaced, clock, words, corrections, translation)

    emit(
        as_json,
        {
            "id": media.id,
            "path": media.path,
            "language": "en" if translation else media.language,
            "transcript_status": media.transcript_status,
            "translation": translation,
            "translation_id": media.translation_id,
            "names_given": _names_given(archive, media),
            "segments": rows,
            "unplaced_corrections": [c.to_dict() for c in unplaced],
        },
        text,
    )


def _print_transcript(
    archive, media, rows, unplaced, clock, words: bool, corrections: bool, translation: bool
) -> None:
    """The transcript as text: a header, a line per segment, then corrections if asked."""
    what = "English translation" if translation else media.transcript_status
    click.echo(
        f"{media.id}  {shown_path(media.path)}  {clock.length(media.info.duration)}  "
        f"tc {media.info.start_timecode or '-'}  "
        f"{'en' if translation else media.language or '-'}  {what}"
    )
    if media.translation_id and not translation:
        click.echo(
            f"(an English translation is beside it: `tapelog show {media.id} --translation`)"
        )
    if translation and not rows:
        click.echo("(translated: no speech found)")
    elif not rows and media.transcript_status == TranscriptStatus.DONE:
        click.echo("(transcribed: no speech found)")
    elif not rows:
        click.echo(
            "(no audio: nothing to transcribe)"
            if not media.info.has_audio
            else f"(no transcript yet: `tapelog transcribe {media.id}`)"
        )
    for r in rows:
        tc = clock.at(r["start"])
        who = f"{field(r['speaker'])}: " if r["speaker"] else ""
        click.echo(f"[{tc}] {who}{field(r['text'])}")
        if words and r["words"]:
            click.echo(
                "    " + " ".join(f"{w['word'].strip()}@{w['start']:.2f}" for w in r["words"])
            )
    if corrections and not translation:
        for c in archive.corrections(media.id):
            click.echo(f"correction {c.id} {clock.at(c.start)}: {c.original!r} -> {c.text!r}")
    for c in unplaced:
        click.echo(f"unplaced correction {c.id} at {clock.at(c.start)}: {field(c.text)}")


def _names_given(archive, media) -> dict | None:
    """Which names Whisper was given for the current transcript (None: no transcript)."""
    from tapelog.archive.second_look import names_given

    if not media.transcript_id:
        return None
    return names_given(archive.get_transcript(media.transcript_id))


@click.group("speakers")
def speakers_group() -> None:
    """List and name speakers (CH1... per microphone channel, S1... per voice on one
    track); named voices are suggested in other files (voices, matches, accept)."""


@speakers_group.command("list")
@click.argument("media_id", required=False)
@archive_option
@json_option
@click.pass_context
def speakers_list(ctx: click.Context, media_id: str | None, as_json: bool) -> None:
    """Speakers of one media file, or every named speaker."""
    archive = open_archive(ctx)
    rows = []
    media_ids = [media_id] if media_id else [m.id for m in archive.list_media()]
    for mid in media_ids:
        names = archive.speaker_names(mid)
        counts: dict[str, int] = {}
        for s in archive.segments(mid):
            if s.speaker:
                counts[s.speaker] = counts.get(s.speaker, 0) + 1
        for label in sorted(set(counts) | set(names)):
            rows.append(
                {
                    "media_id": mid,
                    "label": label,
                    "name": names.get(label),
                    "segments": counts.get(label, 0),
                }
            )

    def text() -> None:
        if not rows:
            click.echo(
                "no speakers (transcribe first; silence, music or too little speech gives none)",
                err=True,
            )
        for r in rows:
            click.echo(
                f"{r['media_id']}\t{field(r['label'])}\t{field(r['name'] or '-')}\t"
                f"{r['segments']} lines"
            )

    emit(as_json, rows, text)


@speakers_group.command("rename")
@click.argument("old")
@click.argument("new")
@click.option("--media", "media_id", default=None, help="Name a label (CH1) in this media file.")
@archive_option
@click.pass_context
def speakers_rename(ctx: click.Context, old: str, new: str, media_id: str | None) -> None:
    """Name a speaker: `--media m1 CH2 "Peng Gaofeng"`, or rename OLD to NEW everywhere."""
    archive = open_archive(ctx)
    n = archive.rename_speaker(old, new, media_id=media_id)
    click.echo(f"renamed {n} speaker{'s' if n != 1 else ''} to {new}")


@click.command("correct")
@click.argument("media_id")
@click.argument("start")
@click.argument("end")
@click.argument("text")
@click.option(
    "--align/--no-align",
    default=True,
    show_default=True,
    help="Give the corrected words their own times from the audio (about a second).",
)
@archive_option
@click.pass_context
def correct_cmd(
    ctx: click.Context, media_id: str, start: str, end: str, text: str, align: bool = True
) -> None:
    """Correct the transcript line(s) between START and END (kept as a new version)."""
    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    s, e = media_time(start, media), media_time(end, media)
    if e <= s:
        raise UsageError("END must be after START")
    corr = archive.correct_segment(media_id, s, e, text)
    click.echo(f"{corr.id}\t{corr.original!r} -> {corr.text!r}")
    if align:
        from tapelog.archive.realign import align_correction

        try:
            corr = align_correction(archive, corr)
        except TapelogError as exc:
            click.echo(f"kept without word times: {exc}", err=True)
            return
        if not corr.words:
            click.echo("kept without word times: the line is too long to align", err=True)
