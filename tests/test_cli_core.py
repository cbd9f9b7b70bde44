"""The core workflow through the real `tapelog` command on the real sample media."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MEDIA, run_cli, table_files


def _json(proc: subprocess.CompletedProcess) -> object:
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout)


def _one_line_error(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.strip()
    assert "Traceback" not in err, err
    return err


def test_import_records_each_file_and_recognises_copies(tmp_path: Path) -> None:
    arch = tmp_path / "a"
    proc = run_cli("import", str(MEDIA), "--json", archive=arch)
    assert proc.returncode == 0, proc.stderr
    rows = _json(proc)
    assert {r["status"] for r in rows} == {"imported"}
    assert len(rows) == len([p for p in MEDIA.iterdir() if not p.name.startswith(".")])
    ids = {Path(r["path"]).name: r["id"] for r in rows}

    # The same file again, and a copy under a Chinese name with spaces elsewhere.
    copy = tmp_path / "卡 2" / "采访 刘.mov"
    copy.parent.mkdir()
    shutil.copy(MEDIA / "interview_liu.mov", copy)
    proc = run_cli("import", str(MEDIA / "interview_liu.mov"), str(copy), "--json", archive=arch)
    assert proc.returncode == 0
    again = _json(proc)
    assert [r["status"] for r in again] == ["already-imported", "already-imported"]
    assert {r["id"] for r in again} == {ids["interview_liu.mov"]}


def test_import_list_fields(tmp_path: Path) -> None:
    arch = tmp_path / "a"
    run_cli("import", str(MEDIA / "interview_liu.mov"), str(MEDIA / "no_audio.mp4"), archive=arch)
    rows = _json(run_cli("list", "--json", archive=arch))
    by_name = {Path(r["path"]).name: r for r in rows}
    liu = by_name["interview_liu.mov"]
    assert set(liu) >= {
        "id",
        "path",
        "duration",
        "channels",
        "source_timecode",
        "language",
        "transcript_status",
    }
    assert liu["source_timecode"] == "10:00:00:00"
    assert liu["channels"] == 1
    assert liu["duration"] == pytest.approx(22.0, abs=0.2)
    assert liu["transcript_status"] == "none"
    assert by_name["no_audio.mp4"]["channels"] == 0
    assert by_name["no_audio.mp4"]["transcript_status"] == "no-audio"


def test_bad_inputs_fail_one_by_one_with_a_clear_line(tmp_path: Path) -> None:
    arch = tmp_path / "a"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.mp4").write_bytes(b"")
    (bad / "notes.mp4").write_text("this is not a video\n" * 50)
    data = (MEDIA / "interview_liu.mov").read_bytes()
    (bad / "truncated.mov").write_bytes(data[: int(len(data) * 0.4)])
    missing = tmp_path / "nope.mov"
    good = MEDIA / "silence.wav"
    proc = run_cli(
        "import",
        str(bad / "empty.mp4"),
        str(bad / "notes.mp4"),
        str(bad / "truncated.mov"),
        str(missing),
        str(good),
        "--json",
        archive=arch,
    )
    assert proc.returncode == 1
    rows = _json(proc)
    assert [r["status"] for r in rows] == ["failed"] * 4 + ["imported"]
    for row in rows[:4]:
        assert Path(row["path"]).name in row["error"]
        assert "\n" not in row["error"]
    assert "empty" in rows[0]["error"]
    # Without --json: one line per failure on stderr, no traceback.
    proc = run_cli("import", str(bad / "notes.mp4"), archive=arch)
    assert proc.returncode == 1
    err = _one_line_error(proc)
    assert err.count("\n") == 0 and "notes.mp4" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    arch = tmp_path / "a"
    assert run_cli("transcribe", archive=arch).returncode == 2
    assert run_cli("import", archive=arch).returncode == 2
    proc = run_cli("search", "   ", archive=arch)
    assert proc.returncode == 2 and "no words" in proc.stderr
    assert not arch.exists()  # none of these started an archive
    proc = run_cli("show", "m999", archive=arch)
    assert proc.returncode == 1 and "no tapelog archive here" in _one_line_error(proc)
    from tapelog.archive.service import Archive

    Archive.open(arch, create=True).close()
    proc = run_cli("show", "m999", archive=arch)
    assert proc.returncode == 1 and "m999" in _one_line_error(proc)


def test_transcribe_show_and_search(tmp_path: Path) -> None:
    arch = tmp_path / "a"
    rows = _json(run_cli("import", str(MEDIA / "interview_liu.mov"), "--json", archive=arch))
    mid = rows[0]["id"]
    proc = run_cli("transcribe", mid, "--model", "tiny.en", "--json", archive=arch)
    assert proc.returncode == 0, proc.stderr
    assert _json(proc)[0]["segments"] > 0
    shown = _json(run_cli("show", mid, "--json", archive=arch))
    segs = shown["segments"]
    text = " ".join(s["text"] for s in segs).lower()
    assert "police" in text and "scam" in text
    for s in segs:
        assert s["start"] < s["end"]
        assert s["words"], s
        assert all(
            s["start"] - 0.05 <= w["start"] <= w["end"] <= s["end"] + 0.05 for w in s["words"]
        )
    assert _json(run_cli("list", "--json", archive=arch))[0]["language"] == "en"

    hits = _json(run_cli("search", "THE POLICE, did not", "--json", archive=arch))
    assert hits, "exact phrase search found nothing"
    hit = hits[0]
    assert set(hit) >= {
        "media_id",
        "path",
        "start",
        "end",
        "source_timecode",
        "speaker",
        "text",
        "score",
    }
    assert hit["media_id"] == mid
    assert "police" in hit["text"].lower()
    assert hit["source_timecode"].startswith("10:00:")
    # Nothing for a phrase that is not there; fuzzy finds a misspelling.
    assert _json(run_cli("search", "police helped us a lot", "--json", archive=arch)) == []
    fuzzy = _json(run_cli("search", "polise did not halp", "--fuzzy", "--json", archive=arch))
    assert fuzzy and "police" in fuzzy[0]["text"].lower()


def test_silence_and_no_audio(tmp_path: Path) -> None:
    arch = tmp_path / "a"
    rows = _json(
        run_cli(
            "import",
            str(MEDIA / "silence.wav"),
            str(MEDIA / "no_audio.mp4"),
            "--json",
            archive=arch,
        )
    )
    ids = {Path(r["path"]).name: r["id"] for r in rows}
    proc = run_cli("transcribe", ids["silence.wav"], "--json", archive=arch)
    assert proc.returncode == 0, proc.stderr
    assert _json(proc)[0]["segments"] == 0
    proc = run_cli("transcribe", ids["no_audio.mp4"], archive=arch)
    assert proc.returncode == 1
    assert "no audio" in _one_line_error(proc)


def test_interrupted_transcription_resumes(tmp_path: Path) -> None:
    """SIGKILL `tapelog transcribe` after its first saved segment; the next run resumes."""
    arch = tmp_path / "a"
    # 72 s: three of Whisper's 30 s windows, so segments come in several bursts.
    from tapelog.media.ffmpeg_bin import ffmpeg_exe

    long = tmp_path / "long interview.mov"
    source = str(MEDIA / "two_channel_interview.mov")
    loop = [ffmpeg_exe(), "-v", "error", "-stream_loop", "2", "-i", source, "-c", "copy"]
    subprocess.run([*loop, str(long)], check=True)
    rows = _json(run_cli("import", str(long), "--json", archive=arch))
    mid = rows[0]["id"]
    exe = Path(sys.executable).with_name("tapelog")
    proc = subprocess.Popen(
        [str(exe), "--archive", str(arch), "transcribe", mid, "--threads", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    files: list[Path] = []
    while time.monotonic() < deadline and proc.poll() is None:
        files = list((arch / "transcripts" / mid).glob("*.jsonl"))
        if files and files[0].read_bytes().count(b"\n") >= 1:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait()
    if proc.returncode == 0:
        pytest.fail("transcription finished before it could be interrupted")
    saved = [json.loads(line) for line in files[0].read_text().splitlines() if line.strip()]
    kept = len(saved)
    assert kept >= 1
    assert saved[-1]["end"] < 60, "the whole file was done before the kill"
    listed = _json(run_cli("list", "--json", archive=arch))[0]
    assert listed["transcript_status"] == "partial"
    # What was saved is already searchable.
    result = _json(run_cli("transcribe", mid, "--json", archive=arch))[0]
    assert result["status"] == "done"
    assert result["resumed_from"] > 0
    segs = _json(run_cli("show", mid, "--json", archive=arch))["segments"]
    assert len(segs) > kept

    # The saved part was kept, not transcribed again (speaker assignment at the end may
    # split its lines where the voice changes, so compare words), and the rest follows.
    def words(rows: list[dict]) -> list[str]:
        return " ".join(r["text"] for r in rows).split()

    before = [s for s in segs if s["end"] <= saved[-1]["end"] + 0.01]
    assert words(before) == words(saved)
    assert segs[len(before)]["start"] >= saved[-1]["end"] - 0.01
    assert segs[-1]["end"] > 65
    starts = [s["start"] for s in segs]
    assert starts == sorted(starts)


def test_two_channel_speakers_and_names(copy_archive: Path) -> None:
    rows = _json(run_cli("list", "--json", archive=copy_archive))
    mid = next(r["id"] for r in rows if "two_channel" in r["path"])
    segs = _json(run_cli("show", mid, "--json", archive=copy_archive))["segments"]
    by_speaker: dict[str, str] = {}
    for s in segs:
        by_speaker.setdefault(s["speaker"], "")
        by_speaker[s["speaker"]] += " " + s["text"].lower()
    assert set(by_speaker) == {"CH1", "CH2"}
    assert "hope" in by_speaker["CH1"]  # the interviewer asks
    assert "every single day" in by_speaker["CH2"] or "bus station" in by_speaker["CH2"]
    assert (
        run_cli(
            "speakers", "rename", "--media", mid, "CH2", "Mr Luo", archive=copy_archive
        ).returncode
        == 0
    )
    assert (
        run_cli("speakers", "rename", "Mr Luo", "Luo An Xin", archive=copy_archive).returncode == 0
    )
    segs = _json(run_cli("show", mid, "--json", archive=copy_archive))["segments"]
    assert {s["speaker"] for s in segs} == {"CH1", "Luo An Xin"}
    hits = _json(run_cli("search", "every single day", "--json", archive=copy_archive))
    assert hits and hits[0]["speaker"] == "Luo An Xin"
    assert hits[0]["source_timecode"].startswith("01:00:")
    bad = run_cli("speakers", "rename", "--media", mid, "CH9", "X", archive=copy_archive)
    assert bad.returncode == 1 and "CH9" in _one_line_error(bad)


def test_corrections_survive_retranscription(copy_archive: Path) -> None:
    rows = _json(run_cli("list", "--json", archive=copy_archive))
    mid = next(r["id"] for r in rows if "interview_liu" in r["path"])
    segs = _json(run_cli("show", mid, "--json", archive=copy_archive))["segments"]
    first = segs[0]
    fixed = "My son Liu Jingjun was taken from the alley behind our room in Taiyuan."
    proc = run_cli(
        "correct", mid, str(first["start"]), str(first["end"]), fixed, archive=copy_archive
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        _json(run_cli("show", mid, "--json", archive=copy_archive))["segments"][0]["text"] == fixed
    )
    assert _json(run_cli("search", "Liu Jingjun", "--json", archive=copy_archive))
    proc = run_cli("transcribe", mid, "--force", "--beam-size", "1", archive=copy_archive)
    assert proc.returncode == 0, proc.stderr
    shown = _json(run_cli("show", mid, "--json", archive=copy_archive))
    texts = [s["text"] for s in shown["segments"]]
    assert fixed in texts or shown["unplaced_corrections"], "a correction was lost silently"


def test_corrupt_store_is_refused_with_a_way_out(copy_archive: Path) -> None:
    media_file = table_files(copy_archive, "media")[0]
    broken = media_file.read_bytes()[:-7]
    media_file.write_bytes(broken)
    proc = run_cli("list", archive=copy_archive)
    assert proc.returncode == 1
    err = _one_line_error(proc)
    assert "corrupt" in err and str(media_file.relative_to(copy_archive / "store")) in err
    assert media_file.read_bytes() == broken


def test_transcribe_runs_beside_other_writers(tmp_path: Path) -> None:
    """A CLI transcription and another process's edits at the same time lose nothing."""
    arch = tmp_path / "a"
    rows = _json(run_cli("import", str(MEDIA), "--json", archive=arch))
    ids = {Path(r["path"]).name: r["id"] for r in rows}
    exe = Path(sys.executable).with_name("tapelog")
    proc = subprocess.Popen(
        [str(exe), "--archive", str(arch), "transcribe", ids["interview_liu.mov"]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    from tapelog.archive.service import Archive

    a = Archive.open(arch)
    n = 0
    while proc.poll() is None or n < 5:
        a.correct_segment(ids["silence.wav"], n, n + 0.5, f"note {n}")
        n += 1
    assert proc.wait() == 0, proc.stderr
    assert len(a.corrections(ids["silence.wav"])) == n
    assert a.get_media(ids["interview_liu.mov"]).transcript_status == "done"
