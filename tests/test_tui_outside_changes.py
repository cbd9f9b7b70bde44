"""Other writers' changes reach a TUI without taking its keys away.

Five terminals on one archive: each write by one makes the others re-read what they
show. That read (a transcript, its tags, every case and person for the labels) runs in a
thread, so a key pressed meanwhile is answered at once; and a read that a newer one
overtook is never shown over it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tapelog.archive import cases as casebook
from tapelog.archive.cases import add_tag
from tapelog.archive.service import Archive
from tapelog.tui.app import TapelogApp
from tapelog.tui.screens import interview
from tapelog.tui.widgets.virtual_list import VirtualList

from tests.test_tui_support import build_ui_archive

pytestmark = pytest.mark.anyio
SIZE = (80, 24)
HANG_GUARD_S = 600.0  # a guard against a hang, not a speed limit


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def ui_archive(tmp_path: Path):
    a = build_ui_archive(tmp_path / "ui-archive")
    yield a
    a.close()


async def _until(pilot, condition) -> None:
    for _ in range(3000):  # turns of the event loop, so a broken app still fails
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_an_outside_write_is_read_off_the_ui_thread_while_keys_are_answered(
    ui_archive, monkeypatch
) -> None:
    release = threading.Event()
    readers: list[str] = []
    real = casebook.list_tags

    def slow_list_tags(archive, *args, **kwargs):
        if kwargs.get("media_id") == "m1" and gate["on"]:
            readers.append(threading.current_thread().name)
            release.wait(HANG_GUARD_S)  # the read of a big archive, held until released
        return real(archive, *args, **kwargs)

    gate = {"on": False}
    monkeypatch.setattr(interview.casebook, "list_tags", slow_list_tags)
    app = TapelogApp(ui_archive, watch_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        lst = screen.query_one(VirtualList)
        assert len(screen.tags) == 1 and lst.cursor == 0
        gate["on"] = True
        other = Archive.open(ui_archive.root)  # another terminal, or the CLI
        add_tag(other, "m1", 11.6, 16.0, themes=["scam calls and extortion"])
        other.close()
        await _until(pilot, lambda: bool(readers))  # the watcher saw it; the read is held
        await pilot.press("down", "down")
        assert lst.cursor == 2, "a key waited for another writer's change to be read"
        assert readers[0] != threading.main_thread().name
        release.set()
        await _until(pilot, lambda: len(screen.tags) == 2)
        assert lst.cursor == 2  # the cursor stays on its line
        assert "2 tags" in str(screen.query_one("#iv-title").render())


async def test_a_read_overtaken_by_a_newer_one_is_not_shown(ui_archive) -> None:
    app = TapelogApp(ui_archive, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        old = screen._read()  # a read begun before this screen's own tag
        add_tag(ui_archive, "m1", 11.6, 16.0, themes=["scam calls and extortion"])
        screen.reload()  # as after its own write
        assert len(screen.tags) == 2
        screen._show_if_latest(screen._serial - 1, old)
        assert len(screen.tags) == 2
        screen._show_if_latest(screen._serial, old)  # the latest read is shown
        assert len(screen.tags) == 1


async def test_case_labels_follow_an_outside_change_of_the_case(ui_archive) -> None:
    from tapelog.archive.records import get_case, upsert_case

    app = TapelogApp(ui_archive, watch_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert screen.labels["C-2010-TY-001"] == "Liu Jingjun"
        other = Archive.open(ui_archive.root)
        case = get_case(other, "C-2010-TY-001")
        case.child_name = "Liu Jingjun (renamed)"
        upsert_case(other, case)
        other.close()
        await _until(pilot, lambda: screen.labels["C-2010-TY-001"] == "Liu Jingjun (renamed)")


def test_the_vocabulary_is_built_again_only_when_its_table_changes(ui_archive) -> None:
    from tapelog.archive.cases import add_theme
    from tapelog.archive.models import Tag
    from tapelog.archive.records import get_case, upsert_case
    from tapelog.tui import casework

    from tests.test_tui_support import CREATED

    first = casework.vocabulary(ui_archive)
    again = casework.vocabulary(ui_archive)
    assert again.cases is first.cases and again.people is first.people  # not read again
    add_theme(ui_archive, "border crossings")
    themed = casework.vocabulary(ui_archive)
    assert "border crossings" in [c.key for c in themed.themes]
    assert themed.cases is first.cases  # a new theme leaves the 20,000 cases alone
    other = Archive.open(ui_archive.root)  # another process renames a child
    case = get_case(other, "C-2009-GZ-002")
    case.child_name = "Luo Run (renamed)"
    upsert_case(other, case)
    other.close()
    cases = casework.vocabulary(ui_archive).cases
    assert "Luo Run (renamed)" in [c.label for c in cases]
    # A theme only used on a tag (a merged archive's, say) is in the vocabulary too.
    merged = Tag("g90", "m1", 1.0, 2.0, themes=["archive footage"], created=CREATED)
    with ui_archive.store.transaction():
        ui_archive.store.table("tags").insert(merged.to_dict())
    assert "archive footage" in [c.key for c in casework.vocabulary(ui_archive).themes]


async def test_the_footer_is_rebuilt_only_when_one_of_its_keys_comes_or_goes(
    ui_archive, monkeypatch
) -> None:
    from textual.widgets import Footer

    rebuilt: list[int] = []
    recompose = Footer.recompose

    async def counted(self):
        rebuilt.append(1)
        await recompose(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    app = TapelogApp(ui_archive, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        lst = screen.query_one(VirtualList)
        await pilot.pause()
        tagged = [i for i, s in enumerate(screen.segments) if screen.tags_at(s)]
        assert tagged and tagged[0] >= 2, tagged  # untagged lines before the tagged one
        before = len(rebuilt)
        await pilot.press("down")  # untagged to untagged: the same keys apply
        await pilot.pause()
        assert lst.cursor == 1 and len(rebuilt) == before
        await pilot.press(*["down"] * (tagged[0] - 1))  # onto the tag: "Edit tag" shows
        await pilot.pause()
        assert len(rebuilt) > before
        footer = str([k.description for k in screen.query("FooterKey")])
        assert "Edit tag" in footer, footer
