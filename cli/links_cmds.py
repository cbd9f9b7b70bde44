"""Commands for name links: suggestions of a case or person heard in a transcript.

Batches (several link ids) print everything, then exit 1 if any item failed.
"""

from __future__ import annotations

import click
from tapelog.archive import cases as C
from tapelog.archive.clock import Clocks
from tapelog.archive.errors import TapelogError
from tapelog.archive.statuses import LinkStatus, words
from tapelog.cli.common import (
    archive_option,
    emit,
    json_option,
    open_archive,
    time_option,
)
from tapelog.cli.terminal import field


@click.group("links")
def links_group() -> None:
    """Names heard in transcripts, matched to cases and people, for review."""


def _link_row(link) -> dict:
    return {
        "link_id": link.link_id,
        "media_id": link.media_id,
        "start": link.start,
        "end": link.end,
        # The words the name was heard in (the line's bounds without word times).
        "match_start": round(link.cut[0], 3),
        "match_end": round(link.cut[1], 3),
        "mention": link.mention,
        "target_type": link.target_type,
        "target_id": link.target_id,
        "people": link.people,
        "score": link.score,
        "matched": link.matched,
        "by_sound": link.by_sound,
        "status": link.status,
        "context": link.context,
    }


@links_group.command("suggest")
@click.argument("media_ids", nargs=-1)
@click.option("--min-score", type=float, default=C.MIN_SCORE, show_default=True)
@time_option
@archive_option
@json_option
@click.pass_context
def links_suggest(
    ctx: click.Context, media_ids: tuple[str, ...], min_score: float, time_mode: str, as_json: bool
) -> None:
    """Find names in transcripts and list the suggestions awaiting review."""
    archive = open_archive(ctx)
    links = C.suggest_links(archive, list(media_ids) or None, min_score=min_score)
    clocks = Clocks(archive, time_mode)

    def text() -> None:
        if not links:
            click.echo("no pending suggestions")
        for x in links:
            click.echo(
                f"{x.link_id}\t{x.media_id}\t{clocks[x.media_id].at(x.cut[0])}\t{x.score:.2f}\t"
                f"'{x.mention}' -> {x.target_type} {x.target_id} "
                f"({'sounds like ' if x.by_sound else ''}{x.matched})"
                + (f" + {', '.join(x.people)}" if x.people else "")
            )

    emit(as_json, [_link_row(x) for x in links], text)


def _each_link(ctx: click.Context, link_ids: tuple[str, ...], fn, verb: str) -> None:
    archive = open_archive(ctx)
    failed = False
    for lid in link_ids:
        try:
            result = fn(archive, lid)
            extra = f"\ttag {result.id}" if hasattr(result, "themes") else ""
            click.echo(f"{lid}\t{verb}{extra}")
        except TapelogError as exc:
            click.echo(f"tapelog: {exc}", err=True)
            failed = True
    if failed:
        ctx.exit(1)


@links_group.command("accept")
@click.argument("link_ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def links_accept(ctx: click.Context, link_ids: tuple[str, ...]) -> None:
    """Accept suggestions: each becomes a tag on its passage."""
    from tapelog.archive.sensitivity import tag_warning

    def accept(archive, link_id: str):
        tag = C.accept_link(archive, link_id)
        warning = tag_warning(archive, tag)
        if warning:
            click.echo(f"note: {link_id}: {warning}", err=True)
        return tag

    _each_link(ctx, link_ids, accept, LinkStatus.ACCEPTED)


@links_group.command("reject")
@click.argument("link_ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def links_reject(ctx: click.Context, link_ids: tuple[str, ...]) -> None:
    """Reject suggestions (they are not suggested again for that passage)."""
    _each_link(ctx, link_ids, C.reject_link, LinkStatus.REJECTED)


@links_group.command("list")
@click.option("--status", type=click.Choice(words(LinkStatus)))
@click.option("--media", "media_id")
@time_option
@archive_option
@json_option
@click.pass_context
def links_list(
    ctx: click.Context, status: str | None, media_id: str | None, time_mode: str, as_json: bool
) -> None:
    """List stored link suggestions without scanning again."""
    archive = open_archive(ctx)
    links = C.list_links(archive, status=status, media_id=media_id)
    clocks = Clocks(archive, time_mode)

    def text() -> None:
        for x in links:
            click.echo(
                f"{x.link_id}\t{x.status}\t{x.media_id}\t{clocks[x.media_id].at(x.cut[0])}\t"
                f"{x.score:.2f}\t'{field(x.mention)}' -> {x.target_type} {x.target_id}"
            )

    emit(as_json, [_link_row(x) for x in links], text)
