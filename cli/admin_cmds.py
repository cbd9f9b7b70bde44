"""Commands that look after the archive itself: backups, restore, index, check."""

from __future__ import annotations

from typing import Any

import click
from tapelog.cli.common import archive_dir, archive_option, emit, json_option, open_archive


def register(group: click.Group) -> None:
    group.add_command(backups_cmd)
    group.add_command(restore_cmd)
    group.add_command(reindex_cmd)
    group.add_command(realign_cmd)
    group.add_command(check_cmd)
    group.add_command(archive_group)


@click.command("backups")
@archive_option
@json_option
@click.pass_context
def backups_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the automatic backups of the archive store, newest first."""
    from tapelog.archive.store import backup_time, describe_summary, list_backups, store_summary

    rows: list[dict[str, Any]] = [
        {
            "name": b.name,
            "time": backup_time(b),
            "files": len(list(b.glob("*.json"))),
            "records": store_summary(b),
        }
        for b in list_backups(archive_dir(ctx))
    ]

    def text() -> None:
        for r in rows:
            click.echo(f"{r['name']}\t{r['time']}\t{describe_summary(r['records'])}")

    emit(as_json, rows, text)


@click.command("restore")
@click.argument("backup", required=False)
@archive_option
@click.pass_context
def restore_cmd(ctx: click.Context, backup: str | None) -> None:
    """Bring back a backup of the store (the newest by default).

    The current store, even a corrupt one, is kept beside it as
    store.replaced-<time>/.
    """
    from tapelog.archive.store import STORE_DIR, describe_summary, restore_backup, store_summary

    root = archive_dir(ctx)
    before = store_summary(root / STORE_DIR) if (root / STORE_DIR).is_dir() else None
    used = restore_backup(root, backup)
    click.echo(f"restored {used.name} ({describe_summary(store_summary(used))})")
    if before is not None:
        # Said plainly: the newest backup can be older than an hour of tagging.
        click.echo(
            f"the store it replaced ({describe_summary(before)}) is kept as "
            "store.replaced-<time>; `tapelog restore` takes a backup name to choose another "
            "(see `tapelog backups`)",
            err=True,
        )


@click.command("reindex")
@archive_option
@click.pass_context
def reindex_cmd(ctx: click.Context) -> None:
    """Rebuild the search index from the store."""
    from tapelog.cli.common import StderrProgress

    archive = open_archive(ctx)
    progress = StderrProgress("index")
    n = archive.sync_index(force=True, progress=progress)
    progress.finish()
    archive.index.ensure_saved()  # not "re-indexed" when it only reached memory
    click.echo(f"re-indexed {n} media file(s), {archive.index.count()} segments")


@click.command("check")
@click.option("--deep", is_flag=True, help="Also re-fingerprint every media file (slow).")
@archive_option
@json_option
@click.pass_context
def check_cmd(ctx: click.Context, deep: bool, as_json: bool) -> None:
    """Validate the archive: store, references, transcripts, media files, search index.

    Exit 0 when nothing is wrong, 1 when anything (error or warning) was found.
    """
    from tapelog.archive.check import ERROR, check_root

    root = archive_dir(ctx)
    problems = check_root(root, deep=deep)
    n_err = sum(p.severity == ERROR for p in problems)

    def text() -> None:
        for p in problems:
            click.echo(str(p))
        if problems:
            click.echo(f"{n_err} error(s), {len(problems) - n_err} warning(s) in {root}", err=True)
        else:
            click.echo(f"{root}: no problems found")

    emit(as_json, {"archive": str(root), "problems": [p.to_dict() for p in problems]}, text)
    if problems:
        ctx.exit(1)


@click.group("archive")
def archive_group() -> None:
    """Move a whole archive between machines as one checksummed file."""


@archive_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@archive_option
@json_option
@click.pass_context
def archive_export_cmd(ctx: click.Context, file: str, as_json: bool) -> None:
    """Write the store and transcripts to FILE (.tar, or .tar.gz to compress).

    The media files are not included: carry them on a drive and run
    `tapelog relink FOLDER` on the new machine.
    """
    from tapelog.archive.portable import export_archive

    s = export_archive(archive_dir(ctx), file)
    data = {
        "file": str(s.path),
        "files": s.files,
        "bytes": s.bytes,
        "media": s.media,
        "transcripts": s.transcripts,
    }
    emit(
        as_json,
        data,
        lambda: click.echo(
            f"wrote {s.path}: {s.media} media, {s.transcripts} transcript(s), "
            f"{s.files} files with checksums (media files themselves are not included)"
        ),
    )


@archive_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("dest", type=click.Path(file_okay=False))
@json_option
@click.pass_context
def archive_import_cmd(ctx: click.Context, file: str, dest: str, as_json: bool) -> None:
    """Verify FILE (every checksum) and unpack it into the empty folder DEST."""
    from pathlib import Path

    from tapelog.archive.portable import import_archive_noted

    archive, dropped = import_archive_noted(file, dest)
    try:
        media = archive.list_media()
        missing = [m.id for m in media if not Path(m.path).exists()]
    finally:
        archive.close()
    data = {
        "archive": str(archive.root),
        "media": len(media),
        "missing_media_files": missing,
        "dropped_settings": dropped,
    }

    def text() -> None:
        click.echo(f"imported {len(media)} media into {archive.root}")
        if dropped:
            click.echo(
                f"not imported: the setting(s) {', '.join(dropped)} (a player command or "
                "model from another machine never runs here; set your own with "
                "`tapelog config`)",
                err=True,
            )
        if missing:
            click.echo(
                f"{len(missing)} media file(s) are not at their old paths; run "
                f"`tapelog --archive {archive.root} relink FOLDER` where they are now",
                err=True,
            )

    emit(as_json, data, text)


@archive_group.command("merge")
@click.argument("other", type=click.Path())
@click.option("--dry-run", is_flag=True, help="Show everything that would change; write nothing.")
@archive_option
@json_option
@click.pass_context
def archive_merge_cmd(ctx: click.Context, other: str, dry_run: bool, as_json: bool) -> None:
    """Bring another archive's work (a folder or an export file) into this one.

    Media are matched by content, so different paths do not matter; transcripts are
    kept as versions, corrections, tags, link decisions and selections are united,
    case and people fields that differ are listed for review, never overwritten.
    Merging the same archive twice changes nothing the second time.
    """
    from tapelog.archive.merge import merge_archive

    archive = open_archive(ctx)
    rep = merge_archive(archive, other, dry_run=dry_run)

    def text() -> None:
        for line in rep.lines:
            click.echo(line)
        for line in rep.review:
            click.echo(f"review: {line}")
        counts = ", ".join(f"{n} {k}" for k, n in sorted(rep.added.items()) if n) or "nothing new"
        upd = ", ".join(f"{n} {k}" for k, n in sorted(rep.updated.items()) if n)
        verb = "would add" if dry_run else "added"
        click.echo(
            f"{verb} {counts}{f'; updated {upd}' if upd else ''} from {rep.source}"
            f"{'; nothing was written (dry run)' if dry_run else ''}",
            err=True,
        )

    emit(as_json, rep.to_dict(), text)


@click.command("realign")
@click.option("--media", "media_id", default=None, help="Only this media file's corrections.")
@archive_option
@click.pass_context
def realign_cmd(ctx: click.Context, media_id: str | None) -> None:
    """Give word times to corrected lines that have none (made before alignment existed).

    One line at a time, each stored when done: Ctrl-C stops, and the next run carries on.
    """
    from tapelog.archive.realign import realign_all
    from tapelog.cli.common import StderrProgress

    archive = open_archive(ctx)
    if media_id is not None:
        archive.get_media(media_id)
    progress = StderrProgress("align")
    done = realign_all(archive, media_id=media_id, progress=progress)
    progress.finish()
    for cid, why in done.failed:
        click.echo(f"{cid}: kept without word times: {why}", err=True)
    click.echo(
        f"aligned {len(done.aligned)} corrected line(s); {len(done.unaligned)} too long or "
        f"not heard, {len(done.failed)} failed"
    )
