"""The ``tapelog`` command: a click group; errors become one line and an exit code.

Exit codes: 0 success, 1 when any item failed (or a TapelogError), 2 usage errors,
130 interrupted. User mistakes never print a traceback.

A command's module is imported only when that command runs (``COMMANDS``), and the
modules import their heavy libraries (Whisper, OpenTimelineIO, numpy, Textual) inside
the functions that need them: `tapelog search` answers without loading any of them.
"""

from __future__ import annotations

import importlib
import sys

import click
from tapelog.archive.errors import TapelogError
from tapelog.cli.common import archive_option
from tapelog.cli.terminal import visible_output

# Which module of tapelog.cli holds each command; its ``register(group)`` adds them all.
# tests/test_cli_startup.py checks this table against what the modules register.
COMMANDS: dict[str, str] = {
    "import": "media_cmds",
    "list": "media_cmds",
    "relink": "media_cmds",
    "audio": "media_cmds",
    "config": "media_cmds",
    "transcribe": "transcribe_cmds",
    "show": "transcript_cmds",
    "correct": "transcript_cmds",
    "speakers": "transcript_cmds",
    "search": "search_cmds",
    "cases": "cases_cmds",
    "people": "cases_cmds",
    "themes": "cases_cmds",
    "tag": "cases_cmds",
    "tags": "cases_cmds",
    "links": "cases_cmds",
    "export": "export_cmds",
    "selections": "selections_cmds",
    "backups": "admin_cmds",
    "restore": "admin_cmds",
    "reindex": "admin_cmds",
    "check": "admin_cmds",
    "realign": "admin_cmds",
    "archive": "admin_cmds",
    "demo": "demo_cmds",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"tapelog.cli.{COMMANDS[cmd_name]}").register(self)
        return self.commands.get(cmd_name)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the group, turning errors into one line on stderr; all it
    prints goes through ``cli.terminal.visible`` (no control character reaches the
    terminal)."""
    with visible_output():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
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
