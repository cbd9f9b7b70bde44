"""`tapelog speakers voices|matches|accept|reject|forget`: voices known across files.

Naming a speaker (`speakers rename --media`) saves its voice print; other files'
speakers that sound like it are suggested here, with a score, for the crew to accept
or reject. Voice prints stay in the archive (no export carries them).
"""

from __future__ import annotations

import click
from tapelog.cli.common import archive_option, emit, json_option, open_archive
from tapelog.cli.terminal import field


def register(speakers: click.Group) -> None:
    for command in (voices_cmd, matches_cmd, accept_cmd, reject_cmd, forget_cmd):
        speakers.add_command(command)


@click.command("voices")
@archive_option
@json_option
@click.pass_context
def voices_cmd(ctx: click.Context, as_json: bool) -> None:
    """Named voice prints: whose, from which file, and any flag of the person."""
    from tapelog.archive import voices

    rows = voices.list_voices(open_archive(ctx))

    def text() -> None:
        if not rows:
            click.echo(
                "no voice prints (name a speaker: speakers rename --media M S1 NAME)", err=True
            )
        for v in rows:
            flags = f"\t[{', '.join(v['flags'])}]" if v["flags"] else ""
            note = "" if v["matchable"] else f"\t({v['why']}: not matched across files)"
            click.echo(
                f"{v['id']}\t{field(v['name'])}\tfrom {v['media_id']} {field(v['label'])}"
                f"{flags}{note}"
            )

    emit(as_json, rows, text)


@click.command("matches")
@click.option("--all", "all_", is_flag=True, help="Accepted and rejected ones too.")
@click.option("--refresh", is_flag=True, help="Match every file's speakers again first.")
@click.option(
    "--held-back", is_flag=True, help="Speakers that sound like a voice but are not suggested."
)
@archive_option
@json_option
@click.pass_context
def matches_cmd(
    ctx: click.Context, all_: bool, refresh: bool, held_back: bool, as_json: bool
) -> None:
    """Speakers of other files that sound like a named voice, for review."""
    from tapelog.archive import voices

    archive = open_archive(ctx)
    if refresh:
        voices.suggest(archive)
    if held_back:
        held = voices.held_back(archive)

        def why() -> None:
            if not held:
                click.echo("no speaker held back", err=True)
            for h in held:
                click.echo(
                    f"{h['media_id']} {field(h['label'])}\tsounds like {field(h['name'])}\t"
                    f"score {h['score']:.2f}\theld back: {h['why']}"
                )

        emit(as_json, held, why)
        return
    rows = voices.list_matches(archive, None if all_ else "suggested")

    def text() -> None:
        if not rows:
            click.echo("no voice suggestions to review", err=True)
        for m in rows:
            flags = f"\t[{', '.join(m.flags)}]" if m.flags else ""
            click.echo(
                f"{m.id}\t{m.media_id} {field(m.label)}\tsounds like {field(m.name)}\t"
                f"score {m.score:.2f}\t{m.status}{flags}"
            )

    emit(as_json, [m.to_dict() | {"flags": list(m.flags)} for m in rows], text)


def _decide(ctx: click.Context, ids: tuple[str, ...], accept: bool) -> None:
    from tapelog.archive import voices

    archive = open_archive(ctx)
    for match_id in ids:
        m = voices.decide(archive, match_id, accept)
        verb = "named" if accept else "not"
        click.echo(f"{m.media_id} {m.label}: {verb} {m.name}")


@click.command("accept")
@click.argument("ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def accept_cmd(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Accept voice suggestions (vm1 vm2...): the file's speaker takes the name."""
    _decide(ctx, ids, True)


@click.command("reject")
@click.argument("ids", nargs=-1, required=True)
@archive_option
@click.pass_context
def reject_cmd(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Reject voice suggestions: never suggested again for that voice."""
    _decide(ctx, ids, False)


@click.command("forget")
@click.argument("name")
@archive_option
@click.pass_context
def forget_cmd(ctx: click.Context, name: str) -> None:
    """Delete every voice print of NAME (names already given to speakers stay)."""
    from tapelog.archive import voices

    n = voices.forget(open_archive(ctx), name)
    click.echo(f"deleted {n} voice print{'s' if n != 1 else ''} of {name}")
