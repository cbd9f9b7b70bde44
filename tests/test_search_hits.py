"""Search hits an editor can cut on: the matched words' times, per-file speakers, context.

Real archives: the sample media imported for real, transcripts either scripted (no
word times, like an older archive) or written by tiny.en (word times), real TinyDB.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tapelog.archive.selections import get_selection
from tapelog.archive.service import Archive
from tapelog.transcribe.types import Segment

from tests.conftest import run_cli
from tests.test_tui_support import LIU, build_ui_archive, write_transcript


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """The real console script, as an editor runs it."""
    proc = run_cli("--archive", str(root), *args)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def ui_archive(tmp_path: Path) -> Archive:
    a = build_ui_archive(tmp_path / "arch", records=False)
    yield a
    a.close()


def test_speaker_name_applies_to_its_own_file_only(ui_archive: Archive) -> None:
    """'Interviewer' was given to CH1 of one file; another file's unnamed CH1 is not it."""
    liu = ui_archive.list_media()[0].id
    write_transcript(
        ui_archive, liu, [Segment(s, e, t, speaker="CH1") for s, e, t in LIU]
    )  # an unnamed CH1 in another file, saying "search" too
    assert {h.media_id for h in ui_archive.search("search")} == {liu, "m2"}
    named = ui_archive.search("search", speakers=["Interviewer"])
    assert named and all(h.speaker == "Interviewer" for h in named)
    assert all(h.media_id != liu for h in named)
    # A bare label still finds the files where that label has no name.
    by_label = ui_archive.search("police", speakers=["CH1"])
    assert [h.media_id for h in by_label] == [liu]
    assert ui_archive.search("searching", speakers=["Nobody"]) == []


def test_old_transcripts_without_word_times_cut_on_the_line(ui_archive: Archive) -> None:
    [hit] = ui_archive.search("scam calls")
    assert not hit.word_timed
    assert (hit.match_start, hit.match_end) == (hit.start, hit.end)
    assert hit.quote == "scam calls"  # still placed in the text, for highlighting
    d = hit.to_dict()
    assert d["match_start"] == hit.start and d["word_timed"] is False


def test_numbers_as_said_find_the_scripted_lines(ui_archive: Archive) -> None:
    assert ui_archive.search("50,000 yuan")[0].quote == "fifty thousand yuan"
    assert ui_archive.search("April 2010")[0].quote == "April two thousand ten"
    assert ui_archive.search("in 2007", fuzzy=True)[0].quote == "in two thousand seven"


def test_cli_context_sort_and_limit(ui_archive: Archive) -> None:
    root = ui_archive.root
    code, out, _err = run(root, "search", "us", "--json", "--context", "2")
    hits = json.loads(out)
    assert code == 0 and len(hits) >= 2
    first = next(h for h in hits if h["text"].startswith("The police"))
    assert first["context_before"] == [LIU[0][2], LIU[1][2]]
    assert first["context_after"] == [LIU[3][2], LIU[4][2]]
    code, out, _err = run(root, "search", "us", "--json", "--sort", "time")
    times = [(h["media_id"], h["match_start"]) for h in json.loads(out)]
    assert times == sorted(times)
    code, out, _err = run(root, "search", "us", "--json", "--limit", "1")
    assert len(json.loads(out)) == 1
    code, out, _err = run(root, "search", "police", "--context", "1")
    assert out.splitlines() == [
        f"    {LIU[1][2]}",
        out.splitlines()[1],
        f"    {LIU[3][2]}",
    ]
    code, _out, err = run(root, "search", "?!", "--json")
    assert code != 0 and "no words" in err and "Traceback" not in err


@pytest.mark.slow
def test_hits_selects_and_clips_start_on_the_words(copy_archive: Path) -> None:
    """Real tiny.en transcript (word timestamps): the quote's words, not the line."""
    a = Archive.open(copy_archive)
    liu = a.list_media()[0].id
    # (Words every CPU's tiny.en writes alike: "scam calls" came out "scam called" on one.)
    [hit] = a.search("did not help")
    assert hit.word_timed
    words = [w for s in a.segments(liu) for w in s.words]
    did = next(w for w in words if w.word.strip().lower() == "did")
    helped = next(w for w in words if w.word.strip().lower() == "help")
    assert hit.match_start == pytest.approx(did.start, abs=0.011)
    assert hit.match_end == pytest.approx(helped.end, abs=0.011)
    assert hit.match_start > hit.start + 0.1  # the line starts earlier ("The police")
    code, out, _err = run(copy_archive, "search", "did not help", "--json", "--save", "quotes")
    assert code == 0
    [d] = json.loads(out)
    assert d["match_start"] == pytest.approx(did.start, abs=0.011)
    [item] = get_selection(a, "quotes").items
    assert (item.start, item.end) == (d["match_start"], d["match_end"])
    assert item.text.lower().startswith("did")
    # Spoken form of what Whisper wrote as digits, exact and fuzzy, on its words.
    # (tiny.en wrote "a man asked for $50,000." and "in April 2010.")
    for fuzzy in (False, True):
        num = a.search("asked for fifty thousand", fuzzy=fuzzy)[0]
        assert num.quote.endswith("50,000") and num.word_timed
        year = a.search("April two thousand ten", fuzzy=fuzzy)[0]
        assert year.quote.startswith("April 2010") and year.word_timed
    a.close()


@pytest.mark.slow
def test_a_corrected_line_keeps_word_times(copy_archive: Path) -> None:
    """The corrected words are aligned to the audio again (no more ``words: []``)."""
    a = Archive.open(copy_archive)
    liu = a.list_media()[0].id
    first = a.segments(liu)[0]
    text = "My son Liu Jingjun was taken from the alley behind our room in Taiyuan in April 2010."
    code, _out, err = run(copy_archive, "correct", liu, f"{first.start}", f"{first.end}", text)
    assert code == 0, err
    [corr] = a.corrections(liu)
    assert corr.words, "the correction was not aligned"
    seg = a.segments(liu)[0]
    assert seg.text == text and len(seg.words) >= 15
    assert all(first.start - 0.31 <= w.start <= w.end <= first.end + 0.31 for w in seg.words)
    [hit] = a.search("Liu Jingjun")
    assert hit.word_timed and hit.quote == "Liu Jingjun"
    jing = next(w for w in seg.words if "Jingjun" in w.word)
    assert hit.match_end == pytest.approx(jing.end, abs=0.011)
    assert first.start < hit.match_start < hit.match_end < first.end + 0.31
    # Without alignment the line keeps no word times for changed words (as before).
    code, _out, _err = run(
        copy_archive, "correct", liu, f"{first.start}", f"{first.end}", "Changed.", "--no-align"
    )
    assert a.segments(liu)[0].words == []
    a.close()


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_tui_plays_and_saves_from_the_first_matched_word(
    ui_archive: Archive, tmp_path: Path, monkeypatch, anyio_backend
) -> None:
    import stat

    from tapelog.tui.app import TapelogApp

    from tests.test_search_words import words_of

    liu = ui_archive.list_media()[0].id
    segs = [Segment(s, e, t, words=words_of(t, s, step=0.3)) for s, e, t in LIU]
    write_transcript(ui_archive, liu, segs)
    player = tmp_path / "fakeplay"
    player.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/played"\nexec sleep 30\n')
    player.chmod(player.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("TAPELOG_PLAYER", f"{player} {{start}} {{path}}")
    app = TapelogApp(ui_archive)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", *"scam calls", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        [hit] = screen.hits
        assert hit.word_timed and hit.match_start == pytest.approx(11.6 + 2 * 0.3)
        preview = str(screen.query_one("#search-preview").render())
        assert (
            "words 10:00:12:05-10:00:12:19" in preview and "The police did not help us" in preview
        )
        await pilot.press("down", "p")  # to the results, play
        await pilot.pause()
        proc = screen.playback._proc
        await pilot.press("ctrl+s")
        app.screen.query_one("Input").value = "scam"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s")
        assert screen.playback is None and proc.poll() is not None
    played = float((tmp_path / "played").read_text().split()[0])
    assert played == pytest.approx(12.2, abs=0.01)
    [item] = get_selection(ui_archive, "scam").items
    assert (item.start, item.text) == (pytest.approx(12.2, abs=0.01), "scam calls")
