"""The papercuts of a logging day (issue 18): statuses, messages, themes, link review.

Each was met by a crew importing a card, transcribing, tagging and reviewing links;
each test fails on the behaviour they met.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tapelog.archive import cases as C
from tapelog.archive.errors import NotFoundError
from tapelog.archive.service import Archive
from tapelog.archive.statuses import TranscriptStatus

from tests.conftest import run_cli


@pytest.fixture
def card(archive, media_dir: Path) -> Archive:
    """m1 interview_liu.mov (25 fps, 10:00:00:00), m2 no_audio.mp4."""
    results = archive.import_paths([media_dir / "interview_liu.mov", media_dir / "no_audio.mp4"])
    assert [r.id for r in results] == ["m1", "m2"]
    return archive


def test_a_file_without_audio_is_no_audio_everywhere(card: Archive, tmp_path: Path) -> None:
    out = run_cli("transcribe", "m2", archive=card.root)
    assert out.returncode == 1
    assert out.stderr.strip() == "tapelog: m2 has no audio: nothing to transcribe"
    listed = run_cli("list", "--json", archive=card.root)
    assert '"transcript_status": "no-audio"' in listed.stdout
    # The core keeps it so even when a caller marks it failed (the TUI's queue did).
    card.mark_failed("m2", "has no audio stream to transcribe")
    assert card.get_media("m2").transcript_status == TranscriptStatus.NO_AUDIO
    # Export says what is true, not "run `tapelog transcribe m2`" (which refuses).
    out = run_cli("export", "transcript", "m2", "-o", str(tmp_path / "x.txt"), archive=card.root)
    assert out.returncode == 2
    assert out.stderr.strip() == "tapelog: m2 has no audio: there is no transcript to export"
    shown = run_cli("show", "m2", archive=card.root)
    assert "(no audio: nothing to transcribe)" in shown.stdout


def test_silence_has_no_language(copy_archive: Path) -> None:
    archive = Archive.open(copy_archive)
    try:
        silent = next(m for m in archive.list_media() if m.name == "silence.wav")
        assert silent.transcript_status == TranscriptStatus.DONE
        assert silent.language is None
        assert archive.get_transcript(silent.transcript_id).language is None
    finally:
        archive.close()
    listed = run_cli("list", archive=copy_archive)
    line = next(x for x in listed.stdout.splitlines() if x.endswith("silence.wav"))
    assert " en " not in line, line


def test_search_save_says_what_it_wrote(copy_archive: Path) -> None:
    out = run_cli("search", "police", "--save", "Police", archive=copy_archive)
    assert out.returncode == 0, out.stderr
    n = len(out.stdout.splitlines())
    assert n >= 1
    assert f"saved {n} quote{'s' if n != 1 else ''} to selection 'Police'" in out.stderr
    again = run_cli("search", "police", "--save", "Police", "--json", archive=copy_archive)
    assert f"({2 * n} in all;" in again.stderr
    assert again.stdout.lstrip().startswith("[")  # the JSON stays alone on stdout


def test_a_copy_under_another_name_says_which_file_it_is(
    card: Archive, media_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "A001_C003_renamed.mov"
    shutil.copyfile(media_dir / "interview_liu.mov", copy)
    out = run_cli("import", str(copy), archive=card.root)
    assert out.returncode == 0, out.stderr
    original = str((media_dir / "interview_liu.mov").resolve())
    assert out.stdout.strip() == (f"m1\talready-imported\t{copy}\t(same content as m1, {original})")
    (result,) = card.import_paths([copy])
    assert result.duplicate_of == original
    # The same file again is simply already there: nothing to explain.
    (same,) = card.import_paths([media_dir / "interview_liu.mov"])
    assert same.duplicate_of is None


def test_a_misspelled_theme_is_refused_with_the_closest(card: Archive) -> None:
    C.add_theme(card, "police response")
    out = run_cli("tag", "m1", "1", "2", "--theme", "police responce", archive=card.root)
    assert out.returncode != 0
    assert out.stderr.strip() == (
        "tapelog: no theme 'police responce' (closest: 'police response'); "
        "--new-theme adds it to the themes"
    )
    assert C.list_themes(card) == ["police response"]
    # Search refuses the same misspelling the same way.
    out = run_cli("search", "x", "--theme", "police responce", archive=card.root)
    assert "(closest: 'police response')" in out.stderr
    out = run_cli(
        "tag", "m1", "1", "2", "--theme", "police inaction", "--new-theme", archive=card.root
    )
    assert out.returncode == 0, out.stderr
    assert C.list_themes(card) == ["police inaction", "police response"]
    with pytest.raises(NotFoundError, match="no theme 'scam'"):
        C.edit_tag(card, "g1", themes=["scam"])
    assert C.edit_tag(card, "g1", themes=["scam"], new_themes=True).themes == ["scam"]
