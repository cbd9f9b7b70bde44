"""Commands that look after the archive itself: backups, restore, index, check."""

from __future__ import annotations

import click

from cli.common import archive_dir, archive_option, emit, json_option, open_archive


def register(group: click.Group) -> None:
    group.add_command(backups_cmd)
    group.add_command(restore_cmd)
    group.add_command(reindex_cmd)


@click.command("backups")
@archive_option
@json_option
@click.pass_context
def backups_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the automatic backups of the archive store, newest first."""
    from archive.store import list_backups

    rows = [
        {"name": b.name, "files": len(list(b.glob("*.json")))}
        for b in list_backups(archive_dir(ctx))
    ]
    emit(as_json, rows, lambda: [click.echo(f"{r['name']}\t{r['files']} tables") for r in rows])


@click.command("restore")
@click.argument("backup", required=False)
@archive_option
@click.pass_context
def restore_cmd(ctx: click.Context, backup: str | None) -> None:
    """Bring back a backup of the store (the newest by default).

    The current store, even a corrupt one, is kept beside it as
    store.replaced-<time>/.
    """
    from archive.store import restore_backup

    used = restore_backup(archive_dir(ctx), backup)
    click.echo(f"restored {used.name}")


@click.command("reindex")
@archive_option
@click.pass_context
def reindex_cmd(ctx: click.Context) -> None:
    """Rebuild the search index from the store."""
    from cli.common import StderrProgress

    archive = open_archive(ctx)
    progress = StderrProgress("index")
    n = archive.sync_index(force=True, progress=progress)
    progress.finish()
    click.echo(f"re-indexed {n} media file(s), {archive.index.count()} segments")
