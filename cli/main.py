"""The ``tapelog`` command: a click group; errors become one line and an exit code.

Exit codes: 0 success, 1 when any item failed (or a TapelogError), 2 usage errors,
130 interrupted. User mistakes never print a traceback.
"""

from __future__ import annotations

import sys

import click
from tapelog.archive.errors import TapelogError
from tapelog.cli import media_cmds
from tapelog.cli.common import archive_option


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@archive_option
@click.version_option(package_name="tapelog")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """tapelog: log, transcribe, tag, search and export documentary interviews.

    With no command, opens the terminal UI on the archive.
    """
    ctx.ensure_object(dict)
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui_command)


@cli.command("tui")
@archive_option
@click.pass_context
def tui_command(ctx: click.Context) -> None:
    """Open the terminal UI."""
    from tapelog.cli.common import open_archive

    archive = open_archive(ctx)
    from tapelog.tui.app import run_app

    run_app(archive)


def _register_all() -> None:
    media_cmds.register(cli)
    for name in (
        "transcribe_cmds",
        "transcript_cmds",
        "search_cmds",
        "cases_cmds",
        "export_cmds",
        "selections_cmds",
        "admin_cmds",
        "demo_cmds",
    ):
        try:
            module = __import__(f"tapelog.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"cli.{name}":
                raise
            continue
        module.register(cli)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the group, turning errors into one line on stderr."""
    try:
        result = cli.main(args=argv, prog_name="tapelog", standalone_mode=False)
    except TapelogError as exc:
        click.echo(f"tapelog: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("tapelog: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("tapelog: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    if isinstance(result, int):
        return result
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
