"""Pilot tests of the TUI's flows at 80x24 on a real archive in a temp dir."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from tapelog.tui.app import TapelogApp
from tapelog.tui.screens.interview import InterviewScreen
from tapelog.tui.screens.search import SearchScreen
from tapelog.tui.widgets.dialogs import ErrorDialog, InputDialog
from tapelog.tui.widgets.import_dialog import ImportDialog
from tapelog.tui.widgets.tag_dialogs import TagDialog, TagListDialog
from tapelog.tui.widgets.virtual_list import VirtualList

from tests.test_tui_support import MEDIA, build_ui_archive

pytestmark = pytest.mark.anyio
SIZE = (80, 24)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def ui_archive(tmp_path: Path):
    a = build_ui_archive(tmp_path / "ui-archive")
    yield a
    a.close()


def vlist(app: TapelogApp, selector: str = "VirtualList") -> VirtualList:
    return app.screen.query_one(selector, VirtualList)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def until(app, pilot, condition) -> None:
    """Let the app work until ``condition()`` holds (a busy machine is slower, not wrong).

    The bound is a number of turns of the event loop, so a broken app still fails.
    """
    for _ in range(500):
        await settle(app, pilot)
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - the screen may not be mounted yet
            pass
        await pilot.pause(0.02)
    assert condition()


async def test_library_lists_media_and_filters(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        rows = vlist(app).items
        assert [r.media.name for r in rows] == [
            "interview_liu.mov",
            "two_channel_interview.mov",
            "no_audio.mp4",
            "silence.wav",
        ]
        assert rows[0].timecode == "10:00:00:00" and rows[0].tags == 1
        await pilot.press("f")  # status: none
        assert [r.media.name for r in vlist(app).items] == ["silence.wav"]
        await pilot.press("f", "f")  # partial, then done
        assert {r.media.transcript_status for r in vlist(app).items} == {"done"}


async def test_import_bad_path_then_a_folder(ui_archive, tmp_path: Path) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportDialog)
        box = app.screen.query_one("#import-path")
        box.value = str(tmp_path / "no-such-card")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "no such file or folder" in app.screen.message
        await pilot.press("escape")
        # A real folder: the rest of the samples import, known ones are recognised.
        await pilot.press("i")
        app.screen.query_one("#import-path").value = str(MEDIA)
        await pilot.press("enter")
        await settle(app, pilot)
        names = [r.media.name for r in vlist(app).items]
        assert "mandarin_zh.wav" in names and len(names) == 8
        assert len(ui_archive.list_media()) == 8


def long_wav(path: Path, repeats: int = 12) -> Path:
    """About four minutes of real speech: Whisper cannot finish it before the cancel."""
    import wave

    import numpy as np
    from tapelog.media.audio import load_audio

    speech = load_audio(MEDIA / "interview_liu.mov")
    pcm = (np.tile(speech, repeats) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())
    return path


async def test_transcribe_queue_can_be_cancelled(ui_archive, tmp_path: Path) -> None:
    [res] = ui_archive.import_paths([long_wav(tmp_path / "long_take.wav")])
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("end")
        assert vlist(app).current.media.name == "long_take.wav"
        await pilot.press("t", "c")
        await settle(app, pilot)
        assert not screen.busy
        media = ui_archive.get_media(res.id)
        assert media.transcript_status in ("none", "partial")
        assert vlist(app).current.media.transcript_status == media.transcript_status


@pytest.mark.slow
async def test_transcribe_queue_runs_whisper(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "space", "t")
        await pilot.pause()
        assert app.screen.query("#q-m4")  # the queue row with its progress bar
        await settle(app, pilot)
        await pilot.pause(0.1)
        assert ui_archive.get_media("m4").transcript_status == "done"
        assert vlist(app).items[-1].media.transcript_status == "done"


async def test_interview_edit_and_name_speaker(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, InterviewScreen)
        assert len(vlist(app).items) == 5
        await pilot.press("down", "down", "e")
        assert isinstance(app.screen, InputDialog)
        inp = app.screen.query_one("Input")
        inp.value = "The police did not help us at all."
        await pilot.press("enter")
        await pilot.pause()
        assert ui_archive.segments("m1")[2].text == "The police did not help us at all."
        assert ui_archive.corrections("m1")[0].original.startswith("The police did not")
        # empty text is refused with a dialog
        await pilot.press("e")
        app.screen.query_one("Input").value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        await pilot.press("escape", "escape")
        # second interview: name the subject's channel
        await pilot.press("down", "enter", "down", "n")
        app.screen.query_one("Input").value = "Luo An Xin"
        await pilot.press("enter")
        await pilot.pause()
        assert ui_archive.speaker_names("m2")["CH2"] == "Luo An Xin"
        assert "Luo An Xin" in str(app.screen.query_one("#iv-detail").render())


async def test_name_speaker_without_labels_is_explained(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "no speaker label" in app.screen.message


async def test_tag_a_range(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "down", "down", "down", "shift+down", "g")
        assert isinstance(app.screen, TagDialog)
        assert "(2 lines)" in app.screen.span_text
        await pilot.press(*"scam")
        await pilot.press("tab")  # completes the theme from the vocabulary
        themes = app.screen.query_one("#tag-themes").value
        assert themes == "scam calls and extortion"
        app.screen.query_one("#tag-cases Input").value = "Jingjun"
        await pilot.press("ctrl+s")
        await pilot.pause()
        tags = [t for t in ui_archive.store.table("tags").all() if t["start"] == 11.6]
        assert tags and tags[0]["cases"] == ["C-2010-TY-001"]
        assert tags[0]["end"] == 21.5


async def test_tag_with_unknown_case_is_an_error_dialog(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "g")
        app.screen.query_one("#tag-cases Input").value = "C-1999-XX-999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert len(ui_archive.store.table("tags").all()) == 1


def _fake_player(folder: Path) -> Path:
    path = folder / "fakeplay"
    path.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/played"\nexec sleep 30\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


async def test_playback_follows_and_stops(ui_archive, tmp_path, monkeypatch) -> None:
    player = _fake_player(tmp_path)
    monkeypatch.setenv("TAPELOG_PLAYER", f"{player} {{start}} {{path}}")
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        await pilot.press("down", "p")  # from 6.2 s
        assert screen.playback is not None and screen.playback.running
        # The player says it is 3 s further on (a fixed clock: a loaded machine's real
        # one would run on past the line); the cursor must follow the playing position.
        monkeypatch.setattr(type(screen.playback), "position", lambda self: 9.2)
        await until(app, pilot, lambda: vlist(app).cursor == 2)  # 9.2 s: line 3 (8.9-11.6)
        assert "playing" in str(screen.query_one("#iv-title").render())
        proc = screen.playback._proc
        await pilot.press("s")
        assert screen.playback is None and proc.poll() is not None
    assert (tmp_path / "played").read_text().split()[0] == "6.200"


async def test_no_player_shows_a_dialog(ui_archive, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("TAPELOG_PLAYER", raising=False)
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "p")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "no media player found" in app.screen.message


async def test_search_live_fuzzy_jump_and_save(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"fujian")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert [h.start for h in screen.hits] == [4.52]
        await pilot.press("backspace", "backspace", "backspace", *"ain")  # a typo: fujain
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert screen.hits == []
        status = str(screen.query_one("#search-status").render())
        assert "0 hits" in status and "Ctrl+F" in status  # told what to try
        await pilot.press("ctrl+f")  # fuzzy finds it
        await settle(app, pilot)
        assert [h.start for h in screen.hits] == [4.52]
        assert "Ctrl+F" not in str(screen.query_one("#search-status").render())
        await pilot.press("enter")  # to the results
        await pilot.press("ctrl+s")
        app.screen.query_one("Input").value = "Luo selects"
        await pilot.press("enter")
        await pilot.pause()
        from tapelog.archive.selections import get_selection

        sel = get_selection(ui_archive, "Luo selects")
        assert [(i.media_id, i.start) for i in sel.items] == [("m2", 4.52)]
        await pilot.press("enter")  # jump to the passage
        assert isinstance(app.screen, InterviewScreen)
        assert vlist(app).cursor == 1


async def test_search_empty_query_and_save_without_results(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "space", "backspace", "enter")
        await settle(app, pilot)
        assert app.screen.hits == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)


async def test_search_filters_by_speaker(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", *"luo")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert len(app.screen.hits) == 2
        await pilot.press("ctrl+o")
        app.screen.query_one("#filter-speaker Input").value = "Interviewer"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [h.speaker for h in app.screen.hits] == ["Interviewer"]


async def test_link_review_queue(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        links = vlist(app).items
        assert [x.link_id for x in links] == ["l1", "l2"]
        context = str(app.screen.query_one("#links-context").render())
        assert "Luo Run disappeared in Fujian" in context and "Mister Luo" in context
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, InterviewScreen))
        await until(app, pilot, lambda: vlist(app).cursor == 1)
        await pilot.press("escape", "x")
        await pilot.pause()
        assert [x.link_id for x in vlist(app).items] == ["l2"]
        await pilot.press("a")
        await pilot.pause()
        assert vlist(app).items == []


async def test_a_link_names_the_childs_own_person_record_once(ui_archive) -> None:
    """A suggestion carries the person records folded into its case: the father's
    is named after the case, the child's own (the case's name again) is not."""
    from tapelog.archive.models import Person
    from tapelog.archive.records import upsert_person
    from tinydb import Query

    upsert_person(ui_archive, Person("P-010", "Luo Run", role="child",
                                     cases=["C-2009-GZ-002"]))  # fmt: skip
    with ui_archive.store.transaction():
        ui_archive.store.table("links").update(
            {"people": ["P-010", "P-003"]}, Query().link_id == "l1"
        )
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        first = vlist(app).items[0]
        shown = app.screen._format(first, 0, 120).plain
        assert "→ Luo Run + Luo An Xin (C-2009-" in shown


async def test_cases_people_and_jump_to_passage(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert [c.case_id for c in vlist(app, "#rec-list").items][0] == "C-2009-GD-003"
        await pilot.press("end")  # C-2010-TY-001, tagged once
        detail = str(app.screen.query_one("#rec-detail").render())
        assert "Liu Jingjun" in detail and "Taiyuan" in detail
        passages = vlist(app, "#rec-passages").items
        assert [p.tag.start for p in passages] == [8.9]
        await pilot.press("p", "end")  # people: Peng Gaofeng is off-record
        detail = str(app.screen.query_one("#rec-detail").render())
        assert "off-record" in detail
        await pilot.press("p", "end", "tab", "enter")
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.media_id == "m1" and vlist(app).cursor == 2


async def test_palette_lists_actions_and_help(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        text = str(app.screen.query_one("#help-text").render())
        for words in ("Import", "Transcribe", "Tag", "Exact/fuzzy", "Reassign", "Play"):
            assert words in text
        await pilot.press("escape", "ctrl+p")
        await pilot.press(*"import")
        await pilot.pause(0.5)
        from textual.command import CommandPalette

        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)


async def test_virtual_list_stays_fast_at_100k_rows(ui_archive) -> None:
    from rich.text import Text
    from tapelog.transcribe.types import Segment

    rows = [Segment(i * 6.0, i * 6.0 + 5.5, f"line {i} of the archive") for i in range(100_000)]
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        lst = vlist(app)
        lst.formatter = lambda seg, i, w: Text(seg.text)
        lst.set_items(rows)
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("pageup", "up")
        await pilot.pause()
        assert lst.cursor == 100_000 - 1 - lst._page() - 1  # its speed: bench/bench_tui.py
        assert not app.screen.query("Static.row")  # nothing mounted per row


async def test_find_names_fills_the_queue(tmp_path) -> None:
    a = build_ui_archive(tmp_path / "plain", records=False)
    from tapelog.archive.cases import import_cases

    import_cases(a, MEDIA.parent / "cases_from_seeds.csv")
    app = TapelogApp(a)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert vlist(app).items == []
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.pause()
        targets = {x.target_id for x in vlist(app).items}
        assert {"C-2010-TY-001", "C-2009-GZ-002"} <= targets
        await pilot.press("a")
        await pilot.pause()
        assert any(t["source"] == "link" for t in a.store.table("tags").all())
    a.close()


def notes(app) -> list[str]:
    """Every notification the app showed since ``record_notes`` (else those on screen).

    A notification times out after a few seconds: on a loaded machine it can be gone
    before the test looks, so what was shown is recorded as it is posted.
    """
    seen = getattr(app, "_seen_notes", None)
    return list(seen) if seen is not None else [str(n.message) for n in app._notifications]


def record_notes(app) -> None:
    seen: list[str] = []
    shown = app.notify

    def notify(message, *args, **kwargs):
        seen.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify
    app._seen_notes = seen


async def test_interview_tags_edit_delete_and_undo(ui_archive) -> None:
    from tapelog.archive.cases import get_tag, list_tags

    original = get_tag(ui_archive, "g1")
    app = TapelogApp(ui_archive)
    record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(
            app, pilot, lambda: isinstance(app.screen, InterviewScreen) and vlist(app).items
        )
        screen = app.screen
        assert not screen.check_action("delete_tag", ())  # line 1 has no tag
        await pilot.press("down", "down")  # 8.9-11.6, tagged g1
        await until(app, pilot, lambda: screen.check_action("delete_tag", ()))
        assert screen.check_action("delete_tag", ()) and screen.check_action("edit_tag", ())
        assert "G edits · x deletes" in str(screen.query_one("#iv-detail").render())
        # Edit: the dialog starts with the tag's themes, case (by name) and note.
        await pilot.press("G")
        dialog = app.screen
        assert isinstance(dialog, TagDialog) and dialog.initial is not None
        assert dialog.query_one("#tag-themes").value == "police response"
        assert dialog.query_one("#tag-cases").value == "Liu Jingjun"
        dialog.query_one("#tag-themes Input").value = "police response, DNA database"
        dialog.query_one("#tag-note").value = "first report ignored"
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: get_tag(ui_archive, "g1") != original)
        edited = get_tag(ui_archive, "g1")
        assert edited.themes == ["police response", "DNA database"]
        assert edited.cases == ["C-2010-TY-001"] and edited.note == "first report ignored"
        assert "DNA database" in str(screen.query_one("#iv-detail").render())
        await pilot.press("u")  # the edit is taken back
        await until(app, pilot, lambda: get_tag(ui_archive, "g1") == original)
        # Delete, with a notification saying what went and how to undo it.
        await pilot.press("x")
        await until(app, pilot, lambda: list_tags(ui_archive, media_id="m1") == [])
        assert any(
            "Deleted tag" in n and "police response" in n and "undo" in n for n in notes(app)
        )
        assert "0 tags" in str(screen.query_one("#iv-title").render())
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert get_tag(ui_archive, "g1") == original
        assert not screen.check_action("undo", ())  # nothing left to undo
        # The tag list: every tag of the interview, x deletes the highlighted one.
        await pilot.press("home", "t")
        assert isinstance(app.screen, TagListDialog)
        assert [t.id for t in app.screen.tags] == ["g1"]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert list_tags(ui_archive, media_id="m1") == []
        await pilot.press("u")
        await pilot.pause()
        assert [t.id for t in list_tags(ui_archive, media_id="m1")] == ["g1"]
        # Enter in the list goes to the tag's line.
        await pilot.press("t", "enter")
        assert vlist(app).cursor == 2


async def test_a_case_and_its_childs_person_record_show_once(ui_archive) -> None:
    """An accepted link tags the case and the child's own person record, both named
    "Liu Jingjun": the line's tag column and its detail name the child once."""
    from tapelog.archive.models import Person
    from tapelog.archive.records import upsert_person
    from tapelog.archive.tags import edit_tag

    upsert_person(ui_archive, Person("P-009", "Liu Jingjun", role="child",
                                     cases=["C-2010-TY-001"]))  # fmt: skip
    edit_tag(ui_archive, "g1", people=["P-009"])
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(
            app, pilot, lambda: isinstance(app.screen, InterviewScreen) and vlist(app).items
        )
        await pilot.press("down", "down")  # 8.9-11.6, tagged g1
        await until(app, pilot, lambda: "Tags:" in str(app.screen.query_one("#iv-detail").render()))
        detail = str(app.screen.query_one("#iv-detail").render())
        assert "Tags: police response, Liu Jingjun  (" in detail
        tags = app.screen.tags_at(app.screen.segments[2])
        assert [app.screen.tag_names(t) for t in tags] == [["police response", "Liu Jingjun"]]


async def test_keys_typed_ahead_in_the_tag_dialog_land_where_the_tabs_put_them(
    ui_archive,
) -> None:
    """Over SSH keys come in one packet: "g" then "sc<Tab><Tab>Lu" lost the theme (the
    keys came back to the app from the interview's list, after "g" had opened the
    dialog), and in the dialog alone "sc<Tab><Tab>Lu" completed nothing and put "Lu" in
    the themes box (Textual ran the Tab binding only once the box had taken the
    letters queued behind it)."""
    from textual import events

    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(
            app, pilot, lambda: isinstance(app.screen, InterviewScreen) and vlist(app).items
        )
        await pilot.press("down", "down")
        # "g" and what follows in one packet: the keys reach the app before "g" has
        # opened the dialog.
        for key, char in (("g", "g"), ("s", "s"), ("c", "c"), ("tab", "\t"),
                          ("tab", "\t"), ("L", "L"), ("u", "u")):  # fmt: skip
            app.post_message(events.Key(key, char))  # all at once, none awaited
        await until(app, pilot, lambda: isinstance(app.screen, TagDialog))
        dialog = app.screen
        await until(app, pilot, lambda: dialog.query_one("#tag-people").value == "Lu")
        assert dialog.query_one("#tag-themes").value == "scam calls and extortion"
        assert not app.screen_stack[-2].undo_stack  # no "u" taken as Undo back there
        # Down and Tab in the same packet as the letters: the second choice is taken.
        from tapelog.tui.fuzzy import fuzzy_matches

        offered = fuzzy_matches("L", dialog.query_one("#tag-people").choices)
        assert len(offered) >= 2
        first = offered[1].label
        for key, char in (("backspace", None), ("backspace", None), ("L", "L"),
                          ("down", None), ("tab", "\t")):  # fmt: skip
            app.post_message(events.Key(key, char))
        await until(app, pilot, lambda: dialog.query_one("#tag-people").value == first)


async def test_a_backspace_typed_ahead_in_the_search_box_deletes_in_order(ui_archive) -> None:
    """Textual ran Backspace as a binding after the letters that came with it (issue
    #6605): "fujiax", Backspace, "n" in one packet searched for "fujia". In order, it is
    "fujian", and the line with Fujian is found."""
    from textual import events

    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await until(app, pilot, lambda: isinstance(app.screen, SearchScreen))
        keys = [*"fujiax", "backspace", "n"]
        for key in keys:
            app.post_message(events.Key(key, None if key == "backspace" else key))
        await until(app, pilot, lambda: len(app.screen.hits) == 1)
        assert app.screen.query_one("#search-box").value == "fujian"


async def test_tag_keys_on_a_line_with_two_tags_ask_which(ui_archive) -> None:
    from tapelog.archive.cases import add_tag, list_tags

    add_tag(ui_archive, "m1", 8.9, 16.0, themes=["scam calls and extortion"])
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "down", "down", "x")
        assert isinstance(app.screen, TagListDialog)
        assert len(app.screen.tags) == 2
        await pilot.press("down", "enter")  # the second one: the scam calls tag
        await pilot.pause()
        assert [t.themes for t in list_tags(ui_archive, media_id="m1")] == [["police response"]]
        await pilot.press("u")
        await pilot.pause()
        assert len(list_tags(ui_archive, media_id="m1")) == 2


async def test_tag_keys_are_in_help_and_palette(ui_archive) -> None:
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "down", "down", "f1")
        text = str(app.screen.query_one("#help-text").render())
        for words in ("Edit tag", "Del tag", "u, ctrl+z", "Undo", "tag list"):
            assert words in text
        await pilot.press("escape", "ctrl+p", *"del tag")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.tags == []  # the palette ran it on the cursor's line


async def wait_until(pilot, condition, timeout: float = 300.0) -> None:
    # A guard against a hang, not a speed limit: a loaded machine may take a while.
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the screen never refreshed"
        await pilot.pause(0.1)


async def test_interview_refreshes_when_another_process_tags(ui_archive) -> None:
    from tapelog.archive.cases import add_tag
    from tapelog.archive.service import Archive

    app = TapelogApp(ui_archive, watch_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "down", "down", "down", "shift+down")
        screen = app.screen
        assert vlist(app).selection == (3, 4) and len(screen.tags) == 1
        other = Archive.open(ui_archive.root)  # as a CLI would, on the same directory
        add_tag(other, "m1", 11.6, 16.0, themes=["scam calls and extortion"], note="by CLI")
        other.close()
        await wait_until(pilot, lambda: len(screen.tags) == 2)
        assert "2 tags" in str(screen.query_one("#iv-title").render())
        assert vlist(app).selection == (3, 4)  # cursor and selection kept
        assert "#scam calls" in str(screen._format(screen.segments[3], 3, 80))


async def test_library_refreshes_after_a_cli_command(ui_archive) -> None:
    import asyncio
    import subprocess
    import sys

    app = TapelogApp(ui_archive, watch_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        assert vlist(app).current.media.id == "m2" and vlist(app).current.tags == 0
        exe = Path(sys.executable).with_name("tapelog")
        cmd = [str(exe), "--archive", str(ui_archive.root), "tag", "m2", "4.52", "9.33"]
        done = await asyncio.to_thread(
            subprocess.run, [*cmd, "--case", "C-2009-GZ-002"], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        await wait_until(pilot, lambda: vlist(app).items[1].tags == 1)
        assert vlist(app).cursor == 1


async def test_link_review_and_search_refresh_after_outside_changes(ui_archive) -> None:
    from tapelog.archive.cases import accept_link
    from tapelog.archive.service import Archive

    app = TapelogApp(ui_archive, watch_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "down")
        assert [x.link_id for x in vlist(app).items] == ["l1", "l2"] and vlist(app).cursor == 1
        other = Archive.open(ui_archive.root)
        accept_link(other, "l1")
        await wait_until(pilot, lambda: [x.link_id for x in vlist(app).items] == ["l2"])
        assert vlist(app).current.link_id == "l2"
        # Search: the query runs again when a line is corrected elsewhere.
        await pilot.press("2", *"fujian")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert len(app.screen.hits) == 1
        other.correct_segment("m2", 20.39, 22.56, "Yes. Every single day, in Fujian too.")
        other.close()
        await wait_until(pilot, lambda: len(app.screen.hits) == 2)


def test_auto_model_follows_the_archive_settings() -> None:
    from tapelog.transcribe.types import TranscribeOptions
    from tapelog.tui.screens.transcribe_queue import transcribe_options
    from tapelog.tui.widgets.transcribe_dialog import TranscribeChoice

    settings = {"model": "tiny.en", "model_multilingual": "base"}
    base = TranscribeOptions(beam_size=3)
    detect = transcribe_options(TranscribeChoice(), settings, base)
    # Language unknown and the English model English-only: the archive picks per file.
    assert (detect.model, detect.language, detect.task) == ("auto", None, "transcribe")
    english = transcribe_options(TranscribeChoice(language="en"), settings, base)
    assert (english.model, english.language) == ("tiny.en", "en")
    multi = transcribe_options(TranscribeChoice(), {**settings, "model": "small"}, base)
    assert (multi.model, multi.language) == ("small", None)  # it detects by itself
    zh = transcribe_options(TranscribeChoice(language="zh", translate=True), settings, base)
    assert (zh.model, zh.language, zh.task, zh.beam_size) == ("base", "zh", "translate", 3)
    named = transcribe_options(TranscribeChoice(model="/models/x"), settings, base)
    assert named.model == "/models/x"


async def test_transcription_options_are_checked_and_used_by_the_queue(
    ui_archive, monkeypatch
) -> None:
    from tapelog.archive.service import TranscribeResult
    from tapelog.tui.widgets.transcribe_dialog import TranscribeOptionsDialog

    used = []

    def fake_transcribe(media_id, options, *, progress=None, cancel=None):
        used.append((media_id, options))
        return TranscribeResult(media_id, "tr9", "done", segments=5, language="en")

    monkeypatch.setattr(ui_archive, "transcribe", fake_transcribe)
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        dialog = app.screen
        assert isinstance(dialog, TranscribeOptionsDialog)
        assert dialog.query_one("#opt-model").value == "auto"
        assert dialog.query_one("#opt-language").value == "auto"
        # A model name faster-whisper does not know: an error dialog, then the form again.
        dialog.query_one("#opt-model Input").value = "no-such-model"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "unknown model 'no-such-model'" in app.screen.message
        await pilot.press("escape")
        dialog = app.screen
        assert isinstance(dialog, TranscribeOptionsDialog)
        assert dialog.query_one("#opt-model").value == "no-such-model"
        # An English-only model cannot do Mandarin: refused before loading anything.
        dialog.query_one("#opt-model Input").value = "tiny.en"
        dialog.query_one("#opt-language").value = "zh"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog) and "English-only" in app.screen.message
        await pilot.press("escape")
        dialog = app.screen
        dialog.query_one("#opt-language").value = "en"
        # A batch size that is no number: the same one line as the CLI's, the form again.
        assert dialog.query_one("#opt-batch").value == "auto"
        dialog.query_one("#opt-batch").value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "batch size must be auto, 0 (sequential) or 1-64" in app.screen.message
        await pilot.press("escape")
        dialog = app.screen
        dialog.query_one("#opt-batch").value = "4"
        dialog.query_one("#opt-vocab").value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, (ErrorDialog, TranscribeOptionsDialog))
        assert app.transcribe_choice.vocab_from_cases
        title = str(app.screen.query_one("#lib-title").render())
        assert "whisper: tiny.en en +names" in title
        # The queue transcribes with them: the case names for the second look.
        await pilot.press("t")
        await settle(app, pilot)
        [(media_id, options)] = used
        assert media_id == "m1"
        assert (options.model, options.language, options.task) == ("tiny.en", "en", "transcribe")
        assert options.batch_size == 4
        assert "Liu Jingjun" in options.names and not options.initial_prompt


async def test_interview_title_says_which_names_whisper_was_given(ui_archive) -> None:
    from tinydb import Query

    media = ui_archive.get_media("m1")
    record = ui_archive.get_transcript(media.transcript_id)
    look = {"names": ["Liu Jingjun", "Jingjun", "Taiyuan", "Luo Run"], "changed": 1}
    with ui_archive.store.transaction():
        ui_archive.store.table("transcripts").update(
            {"options": {**record.options, "second_look": look}}, Query().id == record.id
        )
    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, InterviewScreen)
        title = str(app.screen.query_one("#iv-title").render())
        assert "names given: Liu Jingjun, Jingjun +2" in title


async def test_cancelling_a_queued_file_while_the_worker_takes_it(ui_archive) -> None:
    """The queue's worker thread and the UI thread share the queue: a cancel that looks
    at it while the worker takes the same file must not fail (check-then-remove)."""
    import threading
    from collections import deque

    from tapelog.tui.screens.library import LibraryScreen

    app = TapelogApp(ui_archive)
    async with app.run_test(size=SIZE):
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        taken: list[str | None] = []

        class Racing(deque):
            """Lets the worker take the file in the middle of the UI's look."""

            def __contains__(self, item: object) -> bool:
                found = super().__contains__(item)
                worker = threading.Thread(target=lambda: taken.append(screen._next_queued()))
                worker.start()
                worker.join(timeout=1.0)  # the lock holds it back until the UI is done
                self.worker = worker
                return found

        screen._queue = Racing(["m1"])
        assert screen._unqueue("m1") is True  # the UI got there first
        screen._queue.worker.join()
        assert taken == [None]  # so the worker found nothing left to take


async def test_looking_again_for_names_from_the_interview(ui_archive) -> None:
    """N in an interview runs the names pass alone (as `transcribe --names-again`) in a
    worker; a file it cannot look at says why, in a dialog or a note, and nothing changes."""
    from tapelog.tui.widgets.dialogs import ErrorDialog

    app = TapelogApp(ui_archive)
    record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "N")  # m1: a typed-in transcript, no word times
        await until(app, pilot, lambda: isinstance(app.screen, ErrorDialog))
        assert "no word times" in str(app.screen.query_one("#error-message").render())
        assert (
            ui_archive.get_transcript(ui_archive.get_media("m1").transcript_id).options.get(
                "second_look"
            )
            is None
        )
        await pilot.press("escape", "escape", "end", "enter", "N")  # m4: not transcribed
        await settle(app, pilot)
        assert any("Transcribe this file first" in n for n in notes(app))


async def test_the_library_queues_the_names_pass_alone(copy_archive: Path) -> None:
    """N in the Library queues the names pass alone (as `transcribe --names-again`) on
    the marked files, in the queue's worker: a file not yet transcribed is refused with a
    note, and a transcribed one keeps its transcript and gets the case names."""
    from tapelog.archive.service import Archive

    from tests.conftest import SAMPLES, run_cli

    for kind in ("cases", "people"):
        res = run_cli(kind, "import", str(SAMPLES / f"{kind}_from_seeds.csv"), archive=copy_archive)
        assert res.returncode == 0, res.stderr
    res = run_cli("import", str(MEDIA / "mandarin_zh.wav"), archive=copy_archive)
    assert res.returncode == 0, res.stderr
    archive = Archive.open(copy_archive)
    try:
        by_name = {m.name: m for m in archive.list_media()}
        two = by_name["two_channel_interview.mov"]
        fresh = by_name["mandarin_zh.wav"]
        before = two.transcript_id
        assert archive.get_transcript(before).options.get("second_look") is None
        app = TapelogApp(archive)
        record_notes(app)
        async with app.run_test(size=SIZE) as pilot:
            ids = [r.media.id for r in vlist(app).items]
            for media in (two, fresh):
                vlist(app).cursor = ids.index(media.id)
                await pilot.press("space")
            await pilot.press("N")
            await until(
                app, pilot, lambda: any(n.startswith(f"{two.id}: names") for n in notes(app))
            )
            assert any(f"{fresh.name}: transcribe it first" in n for n in notes(app))
        done = archive.get_media(two.id)
        assert done.transcript_id == before  # not transcribed again
        look = archive.get_transcript(before).options["second_look"]
        assert {"Luo Run", "Peng Gaofeng", "Le Le"} <= set(look["names"])
        assert archive.get_media(fresh.id).transcript_status != "done"
    finally:
        archive.close()
