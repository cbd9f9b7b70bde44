"""``tapelog export ...``: thin wrappers over archive.exports.

Scripts rely on these exact interfaces (see issue 5); every command prints where it
wrote and, on stderr, what sensitive material it left out or redacted.
"""

from __future__ import annotations

from pathlib import Path

import click
from tapelog.archive.errors import UsageError
from tapelog.cli.common import (
    SECONDS,
    TC_CHOICE,
    StderrProgress,
    archive_option,
    emit,
    json_option,
    media_time,
    open_archive,
)


def register(group: click.Group) -> None:
    from tapelog.cli.admin_cmds import archive_export_cmd

    # `tapelog export archive FILE` as the issue words it; `tapelog archive export` too.
    export_group.add_command(archive_export_cmd, "archive")
    group.add_command(export_group)


def _sensitive_options(fn):
    fn = click.option(
        "--redact",
        is_flag=True,
        help="Replace sensitive passages with [redacted: ...] instead of leaving them out.",
    )(fn)
    return click.option(
        "--include-sensitive",
        is_flag=True,
        help="Keep passages tagged with people flagged minor/off-record/no-release.",
    )(fn)


def _format_from(fmt: str | None, output: str, by_ext: dict[str, str], what: str) -> str:
    if fmt:
        return fmt
    ext = Path(output).suffix.lower()
    if ext in by_ext:
        return by_ext[ext]
    raise UsageError(f"give --format for {what} (cannot tell it from '{output}')")


def _report(as_json: bool, result) -> None:
    def text() -> None:
        click.echo(f"wrote {result.path} ({result.items} item{'s' if result.items != 1 else ''})")
        for note in result.notes:
            click.echo(f"note: {note}", err=True)

    emit(as_json, result.to_dict(), text)


@click.group("export")
def export_group() -> None:
    """Export markers, selects, transcripts, clips and case dossiers."""


@export_group.command("markers")
@click.argument("media_ids", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["edl", "fcp7", "fcpxml"]), default=None)
@click.option("-o", "--output", required=True, metavar="FILE")
@click.option("--selection", default=None, help="Also mark the quotes of this selection.")
@click.option("--no-tags", is_flag=True, help="Leave out tags.")
@click.option("--no-links", is_flag=True, help="Leave out accepted name links.")
@_sensitive_options
@archive_option
@json_option
@click.pass_context
def export_markers_cmd(
    ctx: click.Context,
    media_ids: tuple[str, ...],
    fmt: str | None,
    output: str,
    selection: str | None,
    no_tags: bool,
    no_links: bool,
    include_sensitive: bool,
    redact: bool,
    as_json: bool,
) -> None:
    """Tags, links and selections as markers per clip, at source timecode."""
    from tapelog.archive.exports.markers import export_markers
    from tapelog.archive.selections import get_selection

    fmt = _format_from(fmt, output, {".edl": "edl", ".xml": "fcp7", ".fcpxml": "fcpxml"}, "markers")
    archive = open_archive(ctx)
    sel = get_selection(archive, selection) if selection else None
    result = export_markers(
        archive,
        list(media_ids),
        output,
        fmt,
        selection=sel,
        include_tags=not no_tags,
        include_links=not no_links,
        include_sensitive=include_sensitive,
        redact=redact,
    )
    _report(as_json, result)


@export_group.command("selects")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["edl", "fcp7", "fcpxml", "csv", "md", "docx"]))
@click.option("-o", "--output", required=True, metavar="FILE")
@click.option("--handles", type=SECONDS, default=0.0, show_default=True, help="Seconds each side.")
@click.option("--tc", type=TC_CHOICE, default="source", show_default=True)
@_sensitive_options
@archive_option
@json_option
@click.pass_context
def export_selects_cmd(
    ctx: click.Context,
    name: str,
    fmt: str | None,
    output: str,
    handles: float,
    tc: str,
    include_sensitive: bool,
    redact: bool,
    as_json: bool,
) -> None:
    """A saved selection as a sequence (EDL/XML) or a list (CSV/Markdown/DOCX)."""
    from tapelog.archive.exports.selects import export_selects

    by_ext = {".edl": "edl", ".xml": "fcp7", ".fcpxml": "fcpxml", ".csv": "csv", ".md": "md",
              ".docx": "docx"}  # fmt: skip
    fmt = _format_from(fmt, output, by_ext, "selects")
    archive = open_archive(ctx)
    result = export_selects(
        archive,
        name,
        output,
        fmt,
        handles=handles,
        tc=tc,
        include_sensitive=include_sensitive,
        redact=redact,
    )
    _report(as_json, result)


@export_group.command("transcript")
@click.argument("media_id")
@click.option("--format", "fmt", type=click.Choice(["srt", "vtt", "txt", "json"]))
@click.option("-o", "--output", required=True, metavar="FILE")
@click.option(
    "--tc",
    type=TC_CHOICE,
    default=None,
    help="source or running [default: running for srt/vtt, as players expect; source else]",
)
@click.option("--no-timecodes", is_flag=True, help="Plain text without timecodes.")
@click.option(
    "--text",
    "text",
    type=click.Choice(["original", "translation", "both"]),
    default=None,
    help="The words spoken, the English translation, or both side by side "
    "[default: both when there is a translation]",
)
@click.option("--no-original", is_flag=True, help="Same as --text translation.")
@click.option(
    "--max-chars",
    type=int,
    default=42,
    show_default=True,
    help="Characters a subtitle line holds (2 lines a cue).",
)
@click.option("--no-speakers", is_flag=True, help="Leave speakers' names out of the lines.")
@_sensitive_options
@archive_option
@json_option
@click.pass_context
def export_transcript_cmd(
    ctx: click.Context,
    media_id: str,
    fmt: str | None,
    output: str,
    tc: str | None,
    no_timecodes: bool,
    no_original: bool,
    text: str | None,
    max_chars: int,
    no_speakers: bool,
    include_sensitive: bool,
    redact: bool,
    as_json: bool,
) -> None:
    """A transcript as subtitles (SRT/WebVTT), plain text or JSON with words."""
    from tapelog.archive.exports.transcripts import export_transcript

    by_ext = {".srt": "srt", ".vtt": "vtt", ".txt": "txt", ".json": "json"}
    fmt = _format_from(fmt, output, by_ext, "the transcript")
    archive = open_archive(ctx)
    result = export_transcript(
        archive,
        media_id,
        output,
        fmt,
        tc=tc,
        timecodes=not no_timecodes,
        side_by_side=not no_original,
        include_sensitive=include_sensitive,
        redact=redact,
        max_chars=max_chars,
        text=text,
        speakers=not no_speakers,
    )
    _report(as_json, result)


@export_group.command("clip")
@click.argument("media_id")
@click.argument("start")
@click.argument("end")
@click.option("--handles", type=SECONDS, default=0.0, show_default=True, help="Seconds each side.")
@click.option("-o", "--output", default=".", metavar="FILE", help="File or folder (default: here).")
@click.option("--copy", is_flag=True, help="Stream copy: fast, but starts on a keyframe.")
@click.option("--include-sensitive", is_flag=True, help="Cut even a sensitive passage.")
@archive_option
@json_option
@click.pass_context
def export_clip_cmd(
    ctx: click.Context,
    media_id: str,
    start: str,
    end: str,
    handles: float,
    output: str,
    copy: bool,
    include_sensitive: bool,
    as_json: bool,
) -> None:
    """Cut START to END (seconds, HH:MM:SS.mmm or source timecode) from the source media."""
    from tapelog.archive.exports.clips import export_clip

    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    t0, t1 = media_time(start, media), media_time(end, media)
    progress = None if as_json else StderrProgress(media.name)
    result = export_clip(
        archive,
        media_id,
        t0,
        t1,
        output,
        handles=handles,
        copy=copy,
        include_sensitive=include_sensitive,
        progress=progress,
    )
    if progress is not None:
        progress.finish()
    _report(as_json, result)


@export_group.command("dossier")
@click.argument("case_id")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]))
@click.option("-o", "--output", required=True, metavar="FILE")
@click.option("--tc", type=TC_CHOICE, default="source", show_default=True)
@_sensitive_options
@archive_option
@json_option
@click.pass_context
def export_dossier_cmd(
    ctx: click.Context,
    case_id: str,
    fmt: str | None,
    output: str,
    tc: str,
    include_sensitive: bool,
    redact: bool,
    as_json: bool,
) -> None:
    """A case record and every linked passage, for the research team."""
    from tapelog.archive.exports.dossier import export_dossier

    by_ext = {".md": "md", ".html": "html", ".htm": "html"}
    fmt = _format_from(fmt, output, by_ext, "the dossier")
    archive = open_archive(ctx)
    result = export_dossier(
        archive, case_id, output, fmt, tc=tc, include_sensitive=include_sensitive, redact=redact
    )
    _report(as_json, result)
