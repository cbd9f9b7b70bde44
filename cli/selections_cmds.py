"""``tapelog selections ...``: named selections of quotes, to export as selects.

Scripts rely on these exact interfaces (see issue 5).
"""

from __future__ import annotations

import click
from tapelog.archive.clock import Clock
from tapelog.cli.common import (
    TC_CHOICE,
    archive_option,
    emit,
    json_option,
    media_time,
    open_archive,
)


def register(group: click.Group) -> None:
    group.add_command(selections_group)


@click.group("selections")
def selections_group() -> None:
    """Named selections of quotes, to export as selects."""


@selections_group.command("list")
@archive_option
@json_option
@click.pass_context
def selections_list(ctx: click.Context, as_json: bool) -> None:
    """Every selection and how many quotes it holds."""
    from tapelog.archive.selections import list_selections

    sels = list_selections(open_archive(ctx))
    rows = [{"name": s.name, "items": len(s.items), "created": s.created} for s in sels]

    def text() -> None:
        if not rows:
            click.echo(
                "no selections yet (`tapelog selections add NAME MEDIA START END`)", err=True
            )
        for r in rows:
            click.echo(f"{r['name']}\t{r['items']} quote{'s' if r['items'] != 1 else ''}")

    emit(as_json, rows, text)


@selections_group.command("show")
@click.argument("name")
@click.option(
    "--time",
    "--tc",
    "tc",
    type=TC_CHOICE,
    default="source",
    show_default=True,
    help="Source timecode, or running time from the file's start.",
)
@archive_option
@json_option
@click.pass_context
def selections_show(ctx: click.Context, name: str, tc: str, as_json: bool) -> None:
    """The quotes of one selection, with source timecodes."""
    from tapelog.archive.exports.common import end_label, time_label
    from tapelog.archive.selections import get_selection

    archive = open_archive(ctx)
    sel = get_selection(archive, name)
    rows = []
    for n, item in enumerate(sel.items, 1):
        media = archive.get_media(item.media_id)
        rows.append(
            {
                "n": n,
                "media_id": item.media_id,
                "file": media.name,
                "start": round(item.start, 3),
                "end": round(item.end, 3),
                "tc_in": time_label(media, item.start, tc),
                "tc_out": end_label(media, item.end, tc),
                "text": item.text,
                "note": item.note,
            }
        )

    def text() -> None:
        click.echo(f"{sel.name}: {len(rows)} quote{'s' if len(rows) != 1 else ''}")
        for r in rows:
            click.echo(f"{r['n']:>3}  {r['media_id']}  {r['tc_in']} - {r['tc_out']}  {r['text']}")

    emit(as_json, {"name": sel.name, "created": sel.created, "items": rows}, text)


@selections_group.command("add")
@click.argument("name")
@click.argument("media_id")
@click.argument("start")
@click.argument("end")
@click.option("--note", default="", help="A note for the editor.")
@click.option("--text", "quote", default="", help="The quote (default: the transcript's words).")
@archive_option
@json_option
@click.pass_context
def selections_add(
    ctx: click.Context,
    name: str,
    media_id: str,
    start: str,
    end: str,
    note: str,
    quote: str,
    as_json: bool,
) -> None:
    """Add the quote of MEDIA_ID from START to END (seconds, HH:MM:SS.mmm or source
    timecode) to selection NAME (created if new)."""
    from tapelog.archive.models import SelectionItem
    from tapelog.archive.selections import add_items

    archive = open_archive(ctx)
    media = archive.get_media(media_id)
    item = SelectionItem(
        media_id, media_time(start, media), media_time(end, media), text=quote, note=note
    )
    sel = add_items(archive, name, [item])
    added = sel.items[-1]

    def text() -> None:
        click.echo(
            f"added to {sel.name} (#{len(sel.items)}): {media_id} "
            f"{Clock.of(media).span(added.start, added.end)} {added.text}"
        )

    emit(as_json, {"name": sel.name, "items": len(sel.items), "text": added.text}, text)


@selections_group.command("remove")
@click.argument("name")
@click.argument("number", type=int)
@archive_option
@click.pass_context
def selections_remove(ctx: click.Context, name: str, number: int) -> None:
    """Remove quote NUMBER (as `selections show` numbers them) from a selection."""
    from tapelog.archive.selections import remove_item

    sel = remove_item(open_archive(ctx), name, number)
    click.echo(f"removed #{number} from {sel.name} ({len(sel.items)} left)")


@selections_group.command("rename")
@click.argument("old")
@click.argument("new")
@archive_option
@click.pass_context
def selections_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename a selection."""
    from tapelog.archive.selections import rename_selection

    sel = rename_selection(open_archive(ctx), old, new)
    click.echo(f"renamed {old} to {sel.name}")


@selections_group.command("delete")
@click.argument("name")
@archive_option
@click.pass_context
def selections_delete(ctx: click.Context, name: str) -> None:
    """Delete a selection (the quotes' media and tags are untouched)."""
    from tapelog.archive.selections import delete_selection

    delete_selection(open_archive(ctx), name)
    click.echo(f"deleted selection {name}")
