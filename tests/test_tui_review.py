"""Tagging and link review in the TUI as a crew does it: new themes asked, any reassignment.

A misspelled theme typed in the tag dialog used to start a theme of its own, and link
review's reassign offered only records of the mention's own kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive import cases as C
from tapelog.tui.app import TapelogApp
from tapelog.tui.screens.interview import InterviewScreen
from tapelog.tui.screens.links import LinksScreen
from tapelog.tui.widgets.confirm import ConfirmDialog
from tapelog.tui.widgets.dialogs import InputDialog
from tapelog.tui.widgets.tag_dialogs import TagDialog
from textual.widgets import Input

from tests.test_tui_support import build_ui_archive

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def ui_archive(tmp_path: Path):
    a = build_ui_archive(tmp_path / "ui-archive")
    yield a
    a.close()


async def _settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_tag_dialog_asks_before_a_new_theme(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")  # interview m1
        await _settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        await pilot.press("down", "down", "g")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        app.screen.query_one("#tag-themes Input", Input).value = "police responce"
        await pilot.press("ctrl+s")
        await pilot.pause()
        ask = app.screen
        assert isinstance(ask, ConfirmDialog)
        assert "closest: police response" in ask.message
        await pilot.press("n")  # back to the tag dialog, the typing kept
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        assert app.screen.query_one("#tag-themes Input", Input).value == "police responce"
        assert [t.themes for t in C.list_tags(ui_archive)] == [["police response"]]
        app.screen.query_one("#tag-themes Input", Input).value = "police inaction"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await _settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        themes = [t.themes for t in C.list_tags(ui_archive)]
        assert themes == [["police response"], ["police inaction"]]
        # A known theme goes straight through, no question.
        await pilot.press("down", "g")
        await pilot.pause()
        app.screen.query_one("#tag-themes Input", Input).value = "police inaction"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert len(C.list_tags(ui_archive)) == 3


async def test_reassign_a_case_mention_to_a_person(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        assert screen._current().link_id == "l1"  # “Luo Run” -> the case C-2009-GZ-002
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, InputDialog)
        assert "case or person" in dialog.title_text
        assert {c.key for c in dialog.choices or []} >= {"C-2009-GZ-002", "P-003"}
        dialog.query_one(Input).value = "Luo An Xin"  # the father, a person
        await pilot.press("enter")
        await _settle(app, pilot)
        (tag,) = [t for t in C.list_tags(ui_archive) if t.people]
        assert tag.people == ["P-003"] and tag.cases == []
