"""Commands for media files: import, list, relink, audio, and the archive's settings."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click
from tapelog.archive.clock import Clock
from tapelog.archive.errors import UsageError
from tapelog.archive.paths import shown_path
from tapelog.archive.settings import SETTINGS, setting_key
from tapelog.archive.statuses import ImportStatus, TranscriptStatus, words
from tapelog.cli.common import (
    StderrProgress,
    archive_option,
    emit,
    json_option,
    open_archive,
    time_option,
)


def register(group: click.Group) -> None:
    for command in (import_cmd, list_cmd, relink_cmd, audio_cmd, config_cmd):
        group.add_command(command)


def _is_archive_import(paths: tuple[str, ...]) -> bool:
    import tarfile

    if len(paths) == 3 and Path(paths[1]).is_file():
        with contextlib.suppress(OSError):
            return tarfile.is_tarfile(paths[1])
    if not Path("archive").exists():
        raise UsageError("usage: tapelog import archive FILE DEST (an empty folder)")
    return False


@click.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--recursive", "-r", is_flag=True, help="Descend into sub-folders.")
@archive_option
@json_option
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[str, ...], recursive: bool, as_json: bool) -> None:
    """Import camera files (or folders of them) into the archive.

    `tapelog import archive FILE DEST` is `tapelog archive import FILE DEST` (the pair of
    `tapelog export archive`) when FILE is a tar file, even beside a folder named
    `archive`.
    """
    if paths[0] == "archive" and _is_archive_import(paths):
        from tapelog.cli.admin_cmds import archive_import_cmd

        ctx.invoke(archive_import_cmd, file=paths[1], dest=paths[2], as_json=as_json)
        return
    archive = open_archive(ctx)
    # A bar on a terminal; in a script or a log, stderr keeps one line per failed file.
    progress = StderrProgress("import") if not as_json and sys.stderr.isatty() else None
    results = archive.import_paths(list(paths), recursive=recursive, progress=progress)
    if progress:
        progress.finish()

    def text() -> None:
        for r in results:
            if r.status == ImportStatus.FAILED:
                click.echo(f"tapelog: {r.error}", err=True)
            else:
                click.echo(r.describe())
        if not results:
            folders = [p for p in paths if Path(p).expanduser().is_dir()]
            hint = ""
            if folders and not recursive:
                # Camera cards keep clips in subfolders (PRIVATE/M4ROOT/CLIP, DCIM/...).
                hint = "; clips in subfolders need --recursive"
            where = f" in {', '.join(folders)}" if folders else ""
            click.echo(f"tapelog: no media files found{where}{hint}", err=True)

    emit(as_json, [r.to_dict() for r in results], text)
    if not results or any(r.status == ImportStatus.FAILED for r in results):
        ctx.exit(1)


@click.command("list")
@click.option(
    "--status",
    type=click.Choice(words(TranscriptStatus)),
    default=None,
    help="Only media with this transcript status.",
)
@time_option
@archive_option
@json_option
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None, time_mode: str, as_json: bool) -> None:
    """List media files with duration, timecode, language and transcript status."""
    archive = open_archive(ctx)
    media = archive.list_media()
    if status:
        media = [m for m in media if m.transcript_status == status]
    rows = [
        {
            "id": m.id,
            "path": m.path,
            "duration": round(m.info.duration, 3),
            "channels": m.info.channels,
            "source_timecode": m.info.start_timecode,
            "fps": round(m.info.fps, 3) if m.info.fps else None,
            "language": m.language,
            "transcript_status": m.transcript_status,
        }
        for m in media
    ]

    def text() -> None:
        if not rows and status:
            click.echo(f"no media with transcript status '{status}'", err=True)
        elif not rows:
            click.echo("no media yet: `tapelog import PATH`", err=True)
        for r, m in zip(rows, media, strict=True):
            length = Clock.of(m, time_mode).length(m.info.duration)
            click.echo(
                f"{r['id']:6} {length:>11} ch{r['channels']} "
                f"{r['source_timecode'] or '--:--:--:--':12} {r['language'] or '--':3} "
                f"{r['transcript_status']:9} {shown_path(m.name)}"
            )

    emit(as_json, rows, text)


@click.command("relink")
@click.argument("folder", type=click.Path(file_okay=False))
@archive_option
@click.pass_context
def relink_cmd(ctx: click.Context, folder: str) -> None:
    """Find moved media files under FOLDER by their content."""
    archive = open_archive(ctx)
    moved = archive.relink(folder)
    for mid, path in moved:
        click.echo(f"{mid}\t{shown_path(path)}")
    if not moved:
        click.echo("no missing media found there", err=True)


@click.command("audio")
@click.argument("media_id")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--channel", type=int, default=None, help="Only this channel (1-based).")
@archive_option
@click.pass_context
def audio_cmd(ctx: click.Context, media_id: str, output: str, channel: int | None) -> None:
    """Extract 16 kHz mono WAV audio (for Whisper or listening)."""
    from tapelog.media.audio import extract_wav

    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    if channel is not None and not 1 <= channel <= max(1, media.info.channels):
        raise UsageError(f"{media_id} has {media.info.channels} channel(s); no channel {channel}")
    progress = StderrProgress(media.name)
    extract_wav(
        archive.media_path(media),
        output,
        channel=None if channel is None else channel - 1,
        progress=progress,
    )
    progress.finish()
    click.echo(output)


@click.command("config")
@click.argument("key", required=False)
@click.argument("value", required=False)
@archive_option
@json_option
@click.pass_context
def config_cmd(ctx: click.Context, key: str | None, value: str | None, as_json: bool) -> None:
    """Show or set per-archive settings, such as `config vocab_from_cases true`."""
    archive = open_archive(ctx)
    if key is not None and value is not None:
        archive.set_setting(key, value)
    settings = archive.settings()
    if key is not None:
        settings = {setting_key(key): settings[setting_key(key)]}

    def text() -> None:
        for k, v in settings.items():
            click.echo(f"{k} = {v}\t# {SETTINGS[k][1]}")

    emit(as_json, settings, text)
