"""Times typed on the command line: seconds or the camera's timecode, never nonsense.

Crews read times off the timecode burnt into their viewing copies, so `tag`, `correct`
and `export clip` take ``10:00:42:13``; a timecode outside the file (the previous
card's, an hour off) and ``nan``/``inf`` handles are refused in one line, not cut.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.media.probe import probe

from tests.conftest import run_cli


@pytest.fixture
def liu(archive, media_dir: Path) -> Path:
    """m1: interview_liu.mov, 25 fps, source timecode 10:00:00:00, 22 s."""
    archive.import_paths([media_dir / "interview_liu.mov"])
    return archive.root


def test_tag_takes_the_cameras_timecode(liu: Path) -> None:
    out = run_cli("tag", "m1", "10:00:01:00", "10:00:03:12", "--note", "x", "--json", archive=liu)
    assert out.returncode == 0, out.stderr
    assert '"start": 1.0' in out.stdout and '"end": 3.48' in out.stdout
    bad = run_cli("tag", "m1", "11:00:01:00", "11:00:03:00", "--note", "x", archive=liu)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "tapelog: timecode 11:00:01:00 is not in this file: it runs from 10:00:00:00 to 10:00:22:00"
    ]


def test_clip_refuses_nan_handles_and_timecode_before_the_file(liu: Path, tmp_path) -> None:
    for handles in ("nan", "inf", "-1"):
        out = run_cli("export", "clip", "m1", "1", "2", "--handles", handles, archive=liu)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert "--handles" in out.stderr
    out = run_cli("export", "clip", "m1", "09:00:00:00", "10:00:01:00", archive=liu)
    assert out.returncode == 2 and "is not in this file" in out.stderr
    out = run_cli("export", "clip", "m1", "1", "2", "-o", str(tmp_path / "nope") + "/", archive=liu)
    assert out.returncode == 1 and "folder does not exist" in out.stderr


def test_clip_past_the_end_says_where_it_stopped(liu: Path, tmp_path) -> None:
    dest = tmp_path / "tail.mov"
    out = run_cli("export", "clip", "m1", "20", "40", "-o", str(dest), archive=liu)
    assert out.returncode == 0, out.stderr
    assert "the file ends at 22.000 s: the clip stops there" in out.stderr
    assert abs(probe(dest).duration - 2.0) < 0.05


def test_mistakes_before_any_work(archive, media_dir: Path, tmp_path: Path) -> None:
    """Each is refused (or explained) before a file is touched or an archive created."""
    archive.import_paths([media_dir / "silence.wav"])
    out = run_cli("transcribe", "m1", "--language", "klingon", archive=archive.root)
    assert out.returncode == 2 and "unknown language 'klingon'" in out.stderr
    assert archive.get_media("m1").transcript_status == "none"  # not left "partial"
    typo = tmp_path / "arhcive"
    out = run_cli("list", archive=typo)
    assert out.returncode == 1 and "no tapelog archive here" in out.stderr
    assert not typo.exists()  # a read-only command creates nothing
    for words in (["links", "suggest"], ["transcribe", "--all"], ["tags", "list"],
                  ["speakers", "list"], ["reindex"]):  # fmt: skip
        out = run_cli(*words, archive=typo)
        assert out.returncode == 1 and "no tapelog archive here" in out.stderr, words
        assert not typo.exists(), words  # nor one that works on what an archive holds
    empty = tmp_path / "cases.csv"
    empty.write_text("")
    out = run_cli("cases", "import", str(empty), archive=typo)
    assert out.returncode == 1 and "empty" in out.stderr
    assert not typo.exists()  # a sheet that cannot be read starts no archive
    card = tmp_path / "card" / "DCIM" / "100"
    card.mkdir(parents=True)
    (card / "clip.wav").write_bytes((media_dir / "silence.wav").read_bytes())
    out = run_cli("import", str(tmp_path / "card"), archive=archive.root)
    assert out.returncode == 1 and "need --recursive" in out.stderr


@pytest.mark.slow
def test_silence_shows_as_transcribed_with_no_speech(archive, media_dir: Path) -> None:
    archive.import_paths([media_dir / "silence.wav"])
    out = run_cli("transcribe", "m1", archive=archive.root)
    assert out.returncode == 0, out.stderr
    out = run_cli("show", "m1", archive=archive.root)
    assert "(transcribed: no speech found)" in out.stdout
    out = run_cli(
        "export", "transcript", "m1", "--format", "srt", "-o", "x.srt", archive=archive.root
    )
    assert out.returncode == 2 and "no speech was found" in out.stderr


@pytest.mark.slow
def test_done_files_still_take_a_translation_or_an_unfinished_run(archive, media_dir) -> None:
    """Only a repeat of the same work needs --force."""
    from tapelog.archive.models import TranscriptRecord

    archive.import_paths([media_dir / "silence.wav"])
    assert run_cli("transcribe", "m1", archive=archive.root).returncode == 0
    again = run_cli("transcribe", "m1", archive=archive.root)
    assert "already transcribed" in again.stdout
    # An interrupted --force run left a partial transcript: the next run resumes it.
    with archive.store.transaction():
        rec = TranscriptRecord("tr9", "m1", "tiny.en", {"task": "transcribe"}, "2099", "partial")
        archive.store.table("transcripts").insert(rec.to_dict())
    resumed = run_cli("transcribe", "m1", "--model", "tiny.en", archive=archive.root)
    assert resumed.returncode == 0 and "already transcribed" not in resumed.stdout
    assert archive.get_transcript("tr9").status == "done"
