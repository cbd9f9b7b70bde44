"""Commands for the theme vocabulary (thin: ``archive.cases`` does the work)."""

from __future__ import annotations

import click
from tapelog.archive import cases as C
from tapelog.archive.errors import UsageError
from tapelog.cli.common import (
    archive_option,
    emit,
    json_option,
    open_archive,
)


@click.group("themes")
def themes_group() -> None:
    """The theme vocabulary (levels separated by '/': 'police response/inaction')."""


@themes_group.command("list")
@archive_option
@json_option
@click.pass_context
def themes_list(ctx: click.Context, as_json: bool) -> None:
    """List every theme."""
    archive = open_archive(ctx)
    themes = C.list_themes(archive)
    counts: dict[str, int] = {}
    for t in C.list_tags(archive):
        for th in t.themes:
            counts[th] = counts.get(th, 0) + 1

    def text() -> None:
        for t in themes:
            depth = t.count("/")
            click.echo(f"{'  ' * depth}{t.rsplit('/', 1)[-1]}\t{counts.get(t, 0)}")

    emit(as_json, [{"theme": t, "tags": counts.get(t, 0)} for t in themes], text)


@themes_group.command("add")
@click.argument("names", nargs=-1)
@click.option(
    "--from",
    "from_file",
    type=click.File("r", encoding="utf-8-sig"),
    help="A text file of themes, one per line (# comments), like samples/themes.txt.",
)
@archive_option
@click.pass_context
def themes_add(ctx: click.Context, names: tuple[str, ...], from_file) -> None:
    """Add themes to the vocabulary (all or none: every name is checked first)."""
    wanted = list(names) + (C.read_theme_lines(from_file.read()) if from_file else [])
    if not wanted:
        raise UsageError("name themes to add, or give --from FILE")
    for name in wanted:
        C.normalize_theme(name)  # a bad name stops the command before anything is added
    archive = open_archive(ctx)
    for name in wanted:
        click.echo(C.add_theme(archive, name))


@themes_group.command("delete")
@click.argument("name")
@archive_option
@click.pass_context
def themes_delete(ctx: click.Context, name: str) -> None:
    """Delete an unused theme (one on tags: merge it into another first)."""
    click.echo(f"deleted '{C.delete_theme(open_archive(ctx), name)}'")


@themes_group.command("rename")
@click.argument("old")
@click.argument("new")
@archive_option
@click.pass_context
def themes_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename a theme (and its sub-themes) on every tag."""
    n = C.rename_theme(open_archive(ctx), old, new)
    click.echo(f"renamed '{old}' to '{new}' ({n} tags)")


@themes_group.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "into", required=True, help="The theme to keep.")
@archive_option
@click.pass_context
def themes_merge(ctx: click.Context, sources: tuple[str, ...], into: str) -> None:
    """Merge SOURCES into one theme; every tag carries along."""
    n = C.merge_themes(open_archive(ctx), sources, into)
    click.echo(f"merged {', '.join(sources)} into '{into}' ({n} tags)")
