"""`tapelog` answers at once: a command imports only what it needs.

Every command pays for what ``tapelog.cli.main`` imports, so a heavy library imported
at the top of a module the command line loads (numpy, OpenTimelineIO, Textual, Whisper)
slows every command by tens of milliseconds. These tests fail when one creeps back;
the timings themselves are in bench/bench_cli_start.py and BENCHMARKS.md.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from bench.synth import build

HEAVY = ("opentimelineio", "numpy", "textual", "faster_whisper", "ctranslate2", "torch")


def _heavy_loaded_by(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``heavy`` libraries in ``sys.modules`` after running ``code`` in a fresh Python."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_the_command_line_imports_no_heavy_library() -> None:
    assert _heavy_loaded_by("import tapelog.cli.main") == []


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import contextlib, io\nfrom tapelog.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help'])"
    )
    assert _heavy_loaded_by(code) == []


def test_the_tui_starts_without_numpy_or_whisper() -> None:
    """The TUI's first paint pays for its imports: the voice review screen once brought
    numpy in at start (80 ms of a 1 s goal at 10,000 hours)."""
    heavy = ("opentimelineio", "numpy", "faster_whisper", "ctranslate2", "torch")
    assert _heavy_loaded_by("import tapelog.tui.app", heavy) == []


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("startup") / "archive"
    build(root, 2)  # two hours of synthetic transcript, indexed
    return root


@pytest.mark.parametrize(
    "args",
    [["search", "scam calls"], ["list"], ["show", "m1"], ["search", "--json", "DNA database"]],
    ids=" ".join,
)
def test_reading_commands_import_no_heavy_library(small_archive: Path, args: list[str]) -> None:
    """Listing, showing and searching print timecodes: without OpenTimelineIO."""
    code = (
        "import contextlib, io\nfrom tapelog.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['--archive', {str(small_archive)!r}, *{args!r}]) == 0\n"
        "assert out.getvalue()"
    )
    assert _heavy_loaded_by(code) == []


def test_the_command_table_names_what_each_module_registers() -> None:
    """``COMMANDS`` tells which module to import for a command: it must stay true."""
    from tapelog.cli.main import COMMANDS, cli

    for module in sorted(set(COMMANDS.values())):
        group = click.Group()
        importlib.import_module(f"tapelog.cli.{module}").register(group)
        listed = {name for name, m in COMMANDS.items() if m == module}
        assert set(group.commands) == listed, module
    ctx = click.Context(cli)
    assert {"tui", *COMMANDS} == set(cli.list_commands(ctx))
    assert all(cli.get_command(ctx, name) is not None for name in COMMANDS)


def test_the_written_out_pinyin_syllables_are_pypinyins() -> None:
    """``archive/pinyin_syllables.py`` spares every search pypinyin's table; it must
    still hold exactly the toneless syllables that table gives."""
    import unicodedata

    from pypinyin.pinyin_dict import pinyin_dict
    from tapelog.archive.pinyin_syllables import SYLLABLES

    derived = set()
    for readings in pinyin_dict.values():
        for r in readings.split(","):
            base = "".join(
                c for c in unicodedata.normalize("NFD", r) if unicodedata.category(c) != "Mn"
            )
            derived.add(base.replace("\u00fc", "u").replace("v", "u"))
    assert {s for s in derived if s.isascii() and s.isalpha()} == SYLLABLES
