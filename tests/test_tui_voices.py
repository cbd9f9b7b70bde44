"""Voice review in the TUI (key 5 / F6): the suggestions ``speakers matches`` lists,
accepted or rejected with the same core calls, the voice heard before it is named.

The archive is the TUI tests' one (real samples, scripted transcripts) with voice
prints stored as transcription stores them (``voices.save_file_prints``): the
interview's speaker S1 sounds like the voice named "Luo An Xin" in the two-channel file.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import numpy as np
import pytest
from tapelog.archive import voices
from tapelog.transcribe.diarize import Diarization
from tapelog.transcribe.types import Segment
from tapelog.tui.app import TapelogApp
from tapelog.tui.screens.voices import VoicesScreen
from tapelog.tui.widgets.virtual_list import VirtualList

from tests.test_tui_support import LIU, build_ui_archive, write_transcript

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def voice_archive(root: Path):
    a = build_ui_archive(root)
    liu, two = (m.id for m in a.list_media()[:2])
    write_transcript(a, liu, [Segment(s, e, t, speaker="S1") for s, e, t in LIU])
    rng = np.random.default_rng(16)
    his = rng.normal(size=192)
    other = rng.normal(size=192)
    prints = {
        two: {"CH1": other.tolist(), "CH2": his.tolist()},
        liu: {"S1": (his + 0.2 * rng.normal(size=192)).tolist()},
    }
    for mid, found in prints.items():
        tid = a.get_media(mid).transcript_id
        voices.save_file_prints(a, mid, tid, Diarization([], found, "campp"), set(found))
    a.rename_speaker("CH2", "Luo An Xin", media_id=two)  # saves the voice, suggests S1
    return a, liu, two


@pytest.fixture
def varchive(tmp_path: Path):
    a, liu, two = voice_archive(tmp_path / "voices-archive")
    yield a, liu, two
    a.close()


async def _open(app, pilot) -> VoicesScreen:
    await pilot.press("5")
    await pilot.pause()
    assert isinstance(app.screen, VoicesScreen)
    return app.screen


async def test_voice_review_lists_previews_and_accepts(varchive) -> None:
    a, liu, two = varchive
    (m,) = voices.list_matches(a)
    app = TapelogApp(a)
    async with app.run_test(size=SIZE) as pilot:
        footer_keys = {
            b.binding.description for b in app.active_bindings.values() if b.binding.show
        }
        assert "Voices" in footer_keys
        screen = await _open(app, pilot)
        row = str(screen._format(screen.query_one(VirtualList).current, 0, 90))
        assert row.startswith(f"{m.score:4.2f}") and "S1 in interview_liu.mov" in row
        assert "Luo An Xin" in row
        preview = str(screen.query_one("#voices-preview").render())
        assert "named in two_channel_interview.mov (CH2)" in preview
        assert LIU[0][2].strip() in preview  # the speaker's first line
        await pilot.press("a")
        await pilot.pause()
        assert a.speaker_names(liu)["S1"] == "Luo An Xin"
        assert screen.query_one(VirtualList).items == []
    # The same record the CLI's `speakers matches --all` reads.
    assert [x.status for x in voices.list_matches(a, None)] == ["accepted"]


async def test_voice_review_rejects_and_remembers(varchive) -> None:
    a, liu, _two = varchive
    app = TapelogApp(a)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        assert "S1" not in a.speaker_names(liu)
        assert screen.query_one(VirtualList).items == []
        await pilot.press("s")  # match again: a rejected voice is not suggested again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one(VirtualList).items == []
    assert [x.status for x in voices.list_matches(a, None)] == ["rejected"]


async def test_deciding_twice_is_a_dialog_not_a_crash(varchive) -> None:
    from tapelog.tui.widgets.dialogs import ErrorDialog

    a, _liu, _two = varchive
    (m,) = voices.list_matches(a)
    app = TapelogApp(a)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        voices.decide(a, m.id, accept=False)  # decided elsewhere (the CLI) meanwhile
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "already rejected" in app.screen.message


async def test_play_starts_at_the_speakers_first_line(varchive, tmp_path, monkeypatch) -> None:
    a, _liu, _two = varchive
    player = tmp_path / "fakeplay"
    player.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/played"\nexec sleep 30\n')
    player.chmod(player.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("TAPELOG_PLAYER", f"{player} {{start}} {{path}}")
    app = TapelogApp(a)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("p")
        try:
            for _ in range(200):
                if (tmp_path / "played").exists():
                    break
                time.sleep(0.05)
            start, path = (tmp_path / "played").read_text().split()
            assert float(start) == pytest.approx(LIU[0][0])
            assert path.endswith("interview_liu.mov")
        finally:
            screen.action_stop()


def test_voice_review_snapshot(snap_compare, tmp_path: Path) -> None:
    a, _liu, _two = voice_archive(tmp_path / "snap-voices")
    try:
        assert snap_compare(TapelogApp(a), terminal_size=(80, 24), press=["5"])
    finally:
        a.close()
