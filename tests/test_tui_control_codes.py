"""Names holding escape sequences are shown as pictures of them, never sent as sequences.

A camera card's file called ``take\\x1b]2;PWNED\\x07.wav``, shown in the library, set
the terminal's window title (tmux, 2026-12-01): Rich and Textual drop only BEL, BS,
VT, FF and CR from text (``tui/control_codes.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.text import Text
from tapelog.archive.service import Archive
from tapelog.tui.app import TapelogApp
from tapelog.tui.control_codes import PICTURES, shown
from tapelog.tui.format import col
from tapelog.tui.widgets.virtual_list import VirtualList
from textual.content import Content

from tests.test_tui_support import MEDIA

pytestmark = pytest.mark.anyio

OSC = "take\x1b]2;PWNED\x07"
CSI = "red\x1b[31mX\x1b[0m"
BIDI = "clip\u202evom.exe"


def _archive(root: Path, card: Path) -> Archive:
    card.mkdir()
    for name, src in ((OSC, "silence.wav"), (CSI, "eight_channel.wav"), (BIDI, "mandarin_zh.wav")):
        shutil.copy(MEDIA / src, card / f"{name}.wav")
    a = Archive.open(root)
    a.import_paths([card])
    return a


def test_every_control_character_is_pictured_or_dropped(tmp_path: Path) -> None:
    """Once the TUI starts, Rich's and Textual's text picture every control character."""
    a = Archive.open(tmp_path / "a")
    TapelogApp(a)
    a.close()
    every = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x202E, 0x2066])
    for made in (Text(every).plain, Content(every).plain, shown(every), col(every, 200).rstrip()):
        assert not any(ord(c) < 0x20 and c not in "\t\n" for c in made)
        assert not any(0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066" for c in made)
    assert shown(OSC) == "take\u241b]2;PWNED"  # BEL is one the libraries drop
    assert len(PICTURES) > 60


async def test_the_library_and_an_interview_show_pictures(tmp_path: Path) -> None:
    a = _archive(tmp_path / "a", tmp_path / "card")
    app = TapelogApp(a)
    try:
        async with app.run_test(size=(120, 24)) as pilot:
            await pilot.pause()
            rows = app.screen.query_one(VirtualList)
            # What the widget draws: its strips, as the terminal gets them.
            strips = [rows.render_line(y) for y in range(len(rows.items))]
            shown_rows = ["".join(seg.text for seg in strip) for strip in strips]
            text = "\n".join(shown_rows)
            assert "take\u241b]2;PWNED.wav" in text and "red\u241b[31mX\u241b[0m.wav" in text
            assert "clip\ufffdvom.exe.wav" in text
            assert "\x1b" not in text and "\u202e" not in text
            # Every row is as wide as the others: a picture is one cell.
            assert len({strip.cell_length for strip in strips}) == 1
            await pilot.press("enter")
            await pilot.pause(0.3)
            title = str(app.screen.query_one("#iv-title").render())
            assert "\x1b" not in title and "\u202e" not in title and "\ufffd" in title
    finally:
        a.close()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_terminal_title_stays_in_tmux(tmp_path: Path) -> None:
    """The real console script in a real terminal: the pane's title is the terminal's,
    and the name is on screen with its escape pictured."""
    _archive(tmp_path / "a", tmp_path / "card").close()
    exe = Path(sys.executable).with_name("tapelog")
    session = f"tapelog-cc-{os.getpid()}"
    env = f"TAPELOG_ARCHIVE={tmp_path / 'a'} TERM=xterm-256color"

    def tmux(*args: str) -> str:
        done = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=20)
        return done.stdout

    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "20", f"env {env} {exe} tui")
    try:
        deadline = time.monotonic() + 120
        screen = ""
        while time.monotonic() < deadline and "PWNED" not in screen:
            screen = tmux("capture-pane", "-p", "-t", session)
            time.sleep(0.2)
        assert "take\u241b]2;PWNED.wav" in screen
        assert "PWNED" not in tmux("display", "-p", "-t", session, "#{pane_title}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


async def test_names_that_look_like_markup_are_shown_as_written(tmp_path: Path) -> None:
    """Textual reads "[...]" in a label as markup: a case sheet's "Bad[/]Name" was a
    markup error (the TUI closed), a file called "[@click=app.quit]x.wav" a quit button."""
    from tapelog.archive.models import Case
    from tapelog.archive.records import upsert_case
    from tapelog.tui.screens.interview import InterviewScreen
    from tapelog.tui.widgets.tag_dialogs import TagDialog
    from textual.widgets import OptionList

    from tests.test_tui_support import build_ui_archive

    card = tmp_path / "card"
    card.mkdir()
    shutil.copy(MEDIA / "eight_channel.wav", card / "[@click=app.quit]x.wav")
    a = build_ui_archive(tmp_path / "a")
    a.import_paths([card])
    upsert_case(a, Case("K-9", "Bad[/]Name [b]bold"))
    app = TapelogApp(a)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.press("end", "enter")
            await pilot.pause(0.3)
            assert isinstance(app.screen, InterviewScreen)
            title = str(app.screen.query_one("#iv-title").render())
            assert "[@click=app.quit]x.wav" in title
            await pilot.press("escape", "home", "enter")  # an interview with lines
            await pilot.pause(0.3)
            await pilot.press("g")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, TagDialog)
            dialog.query_one("#tag-cases Input").focus()
            await pilot.press(*"Bad")
            await pilot.pause(0.3)
            options = dialog.query_one("#tag-cases OptionList", OptionList)
            shown_options = [str(options.get_option_at_index(i).prompt)
                             for i in range(options.option_count)]  # fmt: skip
            assert any("Bad[/]Name [b]bold" in o for o in shown_options)
            assert app.is_running
    finally:
        a.close()


async def test_a_note_with_line_breaks_stays_on_its_row(tmp_path: Path) -> None:
    """A tag's note typed with a line break at the command line (or an imported
    archive's) drew its second line over the rows around it in the tags dialog. Rows
    show a line break as ↵ and a tab as a space."""
    from tapelog.archive.tags import add_tag
    from tapelog.tui.format import one_line

    assert one_line("a\nb\r\nc\td") == "a\u21b5b\u21b5\u21b5c d"
    assert col("first\nsecond", 20) == "first\u21b5second" + " " * 8
    a = _archive(tmp_path / "a", tmp_path / "card")
    add_tag(a, "m1", 0.0, 0.5, themes=["police"], new_themes=True, note="first\nsecond\tthird")
    app = TapelogApp(a)
    try:
        async with app.run_test(size=(120, 24)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause(0.3)
            await pilot.press("t")
            await pilot.pause(0.3)
            rows = app.screen.query_one(VirtualList)
            drawn = ["".join(seg.text for seg in rows.render_line(y)) for y in range(2)]
            assert "police — first\u21b5second third" in drawn[0]
            assert "second" not in drawn[1]
    finally:
        a.close()
