"""A file name with escape sequences reaches the terminal as text, never as sequences.

A camera card's file called ``take\\x1b]2;PWNED\\x07.wav``: `tapelog import` printed it
as it was, and the terminal set its window title to "PWNED" (found in tmux, 2026-12-01).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tapelog.cli.main import main
from tapelog.cli.terminal import visible

from tests.conftest import MEDIA, run_cli

OSC = "take\x1b]2;PWNED\x07"
CSI = "red\x1b[31mX\x1b[0m"
BIDI = "clip\u202evom.exe"


def test_visible_writes_control_characters_as_escapes() -> None:
    assert visible("a\x1b]2;t\x07b") == "a\\u001b]2;t\\u0007b"
    assert visible("x\x9by\x7f") == "x\\u009by\\u007f"
    assert visible(BIDI) == "clip\\u202evom.exe"
    assert visible("tab\tnew\nline\rzh 采访 罗润") == "tab\tnew\nline\rzh 采访 罗润"


def test_names_with_escape_sequences_print_as_text(tmp_path: Path) -> None:
    card = tmp_path / "card"
    card.mkdir()
    for i, name in enumerate((OSC, CSI, BIDI)):
        shutil.copy(MEDIA / ("silence.wav", "eight_channel.wav", "mandarin_zh.wav")[i],
                    card / f"{name}.wav")  # fmt: skip
    root = tmp_path / "a"
    done = run_cli("import", str(card), archive=root)
    assert done.returncode == 0
    for proc in (done, run_cli("list", archive=root)):
        out = proc.stdout + proc.stderr
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert "take\\u001b]2;PWNED\\u0007.wav" in out
        assert "clip\\u202evom.exe.wav" in out
    # JSON stays JSON, and reads back the names as they are on the card.
    listed = json.loads(run_cli("list", "--json", archive=root).stdout)
    names = {Path(m["path"]).name for m in listed}
    assert names == {f"{OSC}.wav", f"{CSI}.wav", f"{BIDI}.wav"}


def test_in_process_output_is_visible_and_the_streams_come_back(tmp_path: Path, capsys) -> None:
    """``main`` called in-process (scripts, the tests) prints the same, and gives the
    streams back afterwards."""
    import sys

    shutil.copy(MEDIA / "silence.wav", tmp_path / f"{OSC}.wav")
    before = sys.stdout, sys.stderr
    assert main(["--archive", str(tmp_path / "a"), "import", str(tmp_path / f"{OSC}.wav")]) == 0
    assert main(["--archive", str(tmp_path / "a"), "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and out.count("take\\u001b]2;PWNED\\u0007.wav") == 2
    assert (sys.stdout, sys.stderr) == before
    # An error naming such a file is one line, as every error is.
    assert main(["--archive", str(tmp_path / "a"), "import", str(tmp_path / f"x{OSC}")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "]2;PWNED" in err


@pytest.mark.parametrize("text", ["\x00", "\x1b[2J", "\x9b2J", "\u2066x\u2069"])
def test_no_control_character_survives(text: str) -> None:
    out = visible(text)
    assert all(c == "\\" or c.isprintable() for c in out)


def test_a_line_break_in_a_file_name_stays_in_its_field(tmp_path: Path) -> None:
    """A file called "bad\\nname.wav" split `import`'s and `list`'s lines in two: a
    script reading them got a line with no id. Tabs and line breaks in a path are
    written as \\t, \\n, \\r in those fields; `--json` keeps the name as it is."""
    card = tmp_path / "card"
    card.mkdir()
    shutil.copy(MEDIA / "silence.wav", card / "bad\nname.wav")
    shutil.copy(MEDIA / "eight_channel.wav", card / "tab\tname.wav")
    root = tmp_path / "a"
    done = run_cli("import", str(card), archive=root)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all(line.split("\t")[0] in ("m1", "m2") for line in lines)
    assert any(line.endswith("bad\\nname.wav") for line in lines)
    assert any(line.endswith("tab\\tname.wav") for line in lines)
    listed = run_cli("list", archive=root).stdout.splitlines()
    assert len(listed) == 2 and {line.split()[0] for line in listed} == {"m1", "m2"}
    shown = run_cli("show", "m1", archive=root).stdout.splitlines()[0]
    assert "name.wav" in shown and "\n" not in shown
    names = {
        Path(m["path"]).name for m in json.loads(run_cli("list", "--json", archive=root).stdout)
    }
    assert names == {"bad\nname.wav", "tab\tname.wav"}


def test_a_line_break_in_a_note_stays_in_its_field(tmp_path: Path) -> None:
    """A tag's note typed with a line break (or an imported archive's) split `tags
    list`'s tab-separated lines, and a speaker's name with a tab its columns; such free
    text is written with \\t, \\n in its field, and `--json` keeps it as it is."""
    root = tmp_path / "a"
    assert run_cli("import", str(MEDIA / "silence.wav"), archive=root).returncode == 0
    note = "first line\nsecond\tline"
    done = run_cli(
        "tag", "m1", "0", "1", "--theme", "police", "--new-theme", "--note", note, archive=root
    )
    assert done.returncode == 0, done.stderr
    for proc in (done, run_cli("tags", "list", archive=root)):
        [line] = proc.stdout.splitlines()
        fields = line.split("\t")
        assert fields[0] == "g1" and fields[-1] == "first line\\nsecond\\tline"
    [tag] = json.loads(run_cli("tags", "list", "--json", archive=root).stdout)
    assert tag["note"] == note
