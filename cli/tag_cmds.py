"""Commands to tag passages and to list, edit and delete tags."""

from __future__ import annotations

import click
from tapelog.archive import cases as C
from tapelog.archive.clock import Clock, Clocks
from tapelog.archive.errors import TapelogError
from tapelog.cli.common import (
    archive_option,
    emit,
    json_option,
    media_time,
    open_archive,
    time_option,
)
from tapelog.cli.terminal import field


def _tag_dict(tag) -> dict:
    return tag.to_dict()


def _echo_tag(tag, clock: Clock) -> None:
    parts = [f"#{t}" for t in tag.themes] + [f"case:{c}" for c in tag.cases]
    parts += [f"person:{p}" for p in tag.people]
    note = f"\t{field(tag.note)}" if tag.note else ""
    span = clock.span(tag.start, tag.end)
    click.echo(f"{tag.id}\t{tag.media_id}\t{span}\t{' '.join(parts)}{note}")


@click.command("tag")
@click.argument("media_id")
@click.argument("start")
@click.argument("end")
@click.option("--theme", "themes", multiple=True, help="Theme (repeatable).")
@click.option(
    "--new-theme",
    "new_themes",
    is_flag=True,
    help="Add themes not yet in the vocabulary (otherwise they are refused as misspellings).",
)
@click.option("--case", "cases", multiple=True, help="Case id (repeatable).")
@click.option("--person", "people", multiple=True, help="Person id (repeatable).")
@click.option("--note", default="", help="A note on the passage.")
@archive_option
@json_option
@click.pass_context
def tag_cmd(
    ctx: click.Context,
    media_id: str,
    start: str,
    end: str,
    themes: tuple[str, ...],
    cases: tuple[str, ...],
    people: tuple[str, ...],
    new_themes: bool,
    note: str,
    as_json: bool,
) -> None:
    """Tag a span of MEDIA_ID (START/END: seconds, HH:MM:SS.ms or source timecode)."""
    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    tag = C.add_tag(
        archive,
        media_id,
        media_time(start, media),
        media_time(end, media),
        themes=themes,
        cases=cases,
        people=people,
        note=note,
        new_themes=new_themes,
    )
    emit(as_json, _tag_dict(tag), lambda: _echo_tag(tag, Clocks(archive)[tag.media_id]))


@click.group("tags")
def tags_group() -> None:
    """List, edit and delete tags."""


@tags_group.command("list")
@click.option("--media", "media_id", help="Only this media file.")
@click.option("--case", help="Only tags naming this case.")
@click.option("--person", help="Only tags naming this person.")
@click.option("--theme", help="Only tags with this theme (or a sub-theme).")
@time_option
@archive_option
@json_option
@click.pass_context
def tags_list(
    ctx: click.Context,
    media_id: str | None,
    case: str | None,
    person: str | None,
    theme: str | None,
    time_mode: str,
    as_json: bool,
) -> None:
    """List tags."""
    archive = open_archive(ctx)
    if media_id:
        archive.get_media(media_id)
    if case:
        C.get_case(archive, case)
    if person:
        C.get_person(archive, person)
    tags = C.list_tags(archive, media_id=media_id, case=case, person=person, theme=theme)

    clocks = Clocks(archive, time_mode)

    def text() -> None:
        for t in tags:
            _echo_tag(t, clocks[t.media_id])

    emit(as_json, [_tag_dict(t) for t in tags], text)


@tags_group.command("edit")
@click.argument("tag_id")
@click.option("--start")
@click.option("--end")
@click.option("--theme", "themes", multiple=True, help="Replace the themes (repeatable).")
@click.option(
    "--new-theme",
    "new_themes",
    is_flag=True,
    help="Add themes not yet in the vocabulary (otherwise they are refused as misspellings).",
)
@click.option("--case", "cases", multiple=True, help="Replace the cases (repeatable).")
@click.option("--person", "people", multiple=True, help="Replace the people (repeatable).")
@click.option("--clear", "clear", multiple=True, type=click.Choice(["themes", "cases", "people"]))
@click.option("--note")
@archive_option
@json_option
@click.pass_context
def tags_edit(
    ctx: click.Context,
    tag_id: str,
    start: str | None,
    end: str | None,
    themes: tuple[str, ...],
    cases: tuple[str, ...],
    people: tuple[str, ...],
    new_themes: bool,
    clear: tuple[str, ...],
    note: str | None,
    as_json: bool,
) -> None:
    """Change a tag: options given replace what the tag had (times as for `tag`)."""
    archive = open_archive(ctx)
    media = archive.get_media(C.get_tag(archive, tag_id).media_id) if start or end else None
    tag = C.edit_tag(
        archive,
        tag_id,
        start=media_time(start, media) if start is not None else None,
        end=media_time(end, media) if end is not None else None,
        themes=[] if "themes" in clear else (themes or None),
        cases=[] if "cases" in clear else (cases or None),
        people=[] if "people" in clear else (people or None),
        note=note,
        new_themes=new_themes,
    )
    emit(as_json, _tag_dict(tag), lambda: _echo_tag(tag, Clocks(archive)[tag.media_id]))


@tags_group.command("delete")
@click.argument("tag_ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def tags_delete(ctx: click.Context, tag_ids: tuple[str, ...]) -> None:
    """Delete tags."""
    archive = open_archive(ctx)
    failed = False
    for tid in tag_ids:
        try:
            C.delete_tag(archive, tid)
            click.echo(f"{tid}\tdeleted")
        except TapelogError as exc:
            click.echo(f"tapelog: {exc}", err=True)
            failed = True
    if failed:
        ctx.exit(1)
