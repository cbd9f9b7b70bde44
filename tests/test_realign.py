"""Corrections made before word-level alignment existed (``words: []``) get word times
in bulk: one line at a time, with progress, cancellable, resumable. Real Whisper model
on the sample interview."""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive.errors import Cancelled
from tapelog.archive.progress import CancelToken
from tapelog.archive.realign import realign_all, unaligned_corrections
from tapelog.archive.service import Archive

from tests.conftest import run_cli


@pytest.mark.slow
def test_old_corrections_get_word_times_in_bulk(copy_archive: Path) -> None:
    a = Archive.open(copy_archive)
    liu = a.list_media()[0].id
    lines = a.segments(liu)[:2]
    for s in lines:  # stored as before alignment existed: no words
        a.correct_segment(liu, s.start, s.end, s.text.strip() + " Indeed.")
    assert len(unaligned_corrections(a)) == 2
    assert all(not s.words for s in a.segments(liu)[:2])

    stop = CancelToken()
    stop.cancel()
    with pytest.raises(Cancelled):
        realign_all(a, cancel=stop)
    assert len(unaligned_corrections(a)) == 2  # nothing half done

    events = []
    done = realign_all(a, progress=events.append)
    assert len(done.aligned) == 2 and not done.failed
    assert [e.done for e in events] == [0, 1, 2] and events[-1].total == 2
    assert unaligned_corrections(a) == []
    for seg, old in zip(a.segments(liu)[:2], lines, strict=True):
        assert seg.text.endswith("Indeed.") and seg.words
        assert old.start - 0.31 <= seg.words[0].start <= seg.words[-1].end <= old.end + 0.31
    assert realign_all(a).aligned == []  # nothing left to do

    # From the command line: a line corrected without alignment, then `tapelog realign`.
    third = a.segments(liu)[2]
    run = lambda *args: run_cli("--archive", str(copy_archive), *args)  # noqa: E731
    proc = run("correct", liu, f"{third.start}", f"{third.end}", "Changed again.", "--no-align")
    assert proc.returncode == 0, proc.stderr
    assert a.segments(liu)[2].words == []
    proc = run("realign")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("aligned 1 corrected line(s)")
    assert a.segments(liu)[2].words
    proc = run("realign", "--media", "m404")
    assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1
    a.close()
