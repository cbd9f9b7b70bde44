"""media/: probe, fingerprint, audio decoding, on the committed samples and on bad files.

Real ffmpeg and PyAV on real files; bad inputs are made in tmp dirs. The cancellation test
throttles the real ffmpeg with ``-re`` through a tiny wrapper named by TAPELOG_FFMPEG.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from tapelog.archive.errors import (
    Cancelled,
    FFmpegNotFoundError,
    MediaError,
    NoAudioError,
    TapelogError,
    UsageError,
)
from tapelog.archive.progress import CancelToken
from tapelog.media.audio import channel_envelopes, extract_wav, load_audio
from tapelog.media.ffmpeg_bin import ffmpeg_exe
from tapelog.media.fingerprint import fingerprint
from tapelog.media.probe import probe

REPO = Path(__file__).resolve().parent.parent
MEDIA = REPO / "samples" / "media"
SCRIPTS = REPO / "samples" / "SCRIPTS.md"
TWO = MEDIA / "two_channel_interview.mov"
LIU = MEDIA / "interview_liu.mov"
UNICODE = MEDIA / "采访 罗润 父亲.wav"


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


@pytest.fixture(scope="module")
def turns() -> list[tuple[int, float, float]]:
    """(channel 0-based, start, end) of the two-channel interview, parsed from SCRIPTS.md."""
    rows = re.findall(
        r"^\| \d+ \| ([12]) \| (?:interviewer|subject) \| ([\d.]+) \| ([\d.]+) \|",
        SCRIPTS.read_text(encoding="utf-8"),
        flags=re.M,
    )
    assert len(rows) >= 4, "turn table missing from samples/SCRIPTS.md"
    return [(int(c) - 1, float(s), float(e)) for c, s, e in rows]


# --- probe ---------------------------------------------------------------------------

SAMPLES = [
    # name, container, duration, channels, sample rate, fps, timecode, drop, creation, reel
    ("interview_liu.mov", "mov", 22.0, 1, 48000, (25, 1), "10:00:00:00", False,
     "2024-03-02T09:15:00Z", "A001"),
    ("two_channel_interview.mov", "mov", 24.0, 2, 48000, (24000, 1001), "01:00:00:00", False,
     "2024-05-11T14:30:00Z", "B002"),
    ("dropframe_2997.mov", "mov", 6.0, 1, 16000, (30000, 1001), "00:59:59;00", True,
     "2024-06-01T08:00:00Z", None),
    ("no_audio.mp4", "mp4", 3.0, 0, None, (25, 1), None, False, None, None),
    ("silence.wav", "wav", 5.0, 1, 16000, None, None, False, None, None),
    ("mandarin_zh.wav", "wav", 10.5, 1, 22050, None, None, False, None, None),
    ("采访 罗润 父亲.wav", "wav", 6.0, 1, 22050, None, None, False, None, None),
    ("eight_channel.wav", "wav", 3.0, 8, 16000, None, None, False, None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,container,duration,channels,rate,fps,tc,drop,created,reel",
    SAMPLES,
    ids=[s[0] for s in SAMPLES],
)
def test_probe_samples(name, container, duration, channels, rate, fps, tc, drop, created, reel):
    info = probe(MEDIA / name)
    assert info.container == container
    assert abs(info.duration - duration) < 0.1
    assert info.size_bytes == (MEDIA / name).stat().st_size
    assert info.channels == channels
    assert info.sample_rate == rate
    if fps is None:
        assert info.video_codec is None and info.fps is None
    else:
        assert (info.fps_num, info.fps_den) == fps
        assert (info.width, info.height) == (160, 120)
        assert info.video_codec == "h264"
    assert info.start_timecode == tc
    assert info.drop_frame is drop
    assert info.creation_time == created
    assert info.reel == reel


def test_probe_result_roundtrips_through_dict():
    info = probe(TWO)
    again = type(info).from_dict(info.to_dict())
    assert again == info
    assert again.audio_streams[0].channel_layout == "stereo"


# --- fingerprint ---------------------------------------------------------------------


def test_fingerprint_ignores_name_and_location(tmp_path: Path):
    fp = fingerprint(LIU)
    assert fp.startswith("b2:")
    other = tmp_path / "拷贝 目录" / "刘晶军 采访 copy.MOV"
    other.parent.mkdir()
    shutil.copyfile(LIU, other)
    assert fingerprint(other) == fp
    assert fingerprint(TWO) != fp


def test_fingerprint_changes_with_one_byte(tmp_path: Path):
    copy = tmp_path / "a.mov"
    shutil.copyfile(LIU, copy)
    before = fingerprint(copy)
    with copy.open("r+b") as f:
        f.seek(1000)
        b = f.read(1)
        f.seek(1000)
        f.write(bytes([b[0] ^ 0xFF]))
    assert fingerprint(copy) != before


def test_fingerprint_large_file_samples_head_middle_tail(tmp_path: Path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(8 << 20))
    base = fingerprint(big)
    for offset in (10, (8 << 20) - 10):  # head and tail MiB
        data = bytearray(big.read_bytes())
        data[offset] ^= 1
        changed = tmp_path / "changed.bin"
        changed.write_bytes(bytes(data))
        assert fingerprint(changed) != base
    longer = tmp_path / "longer.bin"
    longer.write_bytes(big.read_bytes() + b"\0")
    assert fingerprint(longer) != base


def test_fingerprint_missing_file(tmp_path: Path):
    with pytest.raises(MediaError, match="no such file") as e:
        fingerprint(tmp_path / "gone.mov")
    assert "gone.mov" in str(e.value)


# --- load_audio / channels -------------------------------------------------------------


@pytest.mark.parametrize("name", ["interview_liu.mov", "mandarin_zh.wav", "采访 罗润 父亲.wav"])
def test_load_audio_length_and_range(name: str):
    info = probe(MEDIA / name)
    audio = load_audio(MEDIA / name)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) - info.duration * 16000) < 0.05 * 16000
    assert np.abs(audio).max() <= 1.0
    assert rms(audio) > 0.01  # there is speech in it


def test_load_audio_other_rate_and_silence():
    audio = load_audio(MEDIA / "silence.wav", sample_rate=8000)
    assert abs(len(audio) - 5 * 8000) < 80
    assert not audio.any()


def test_channel_selection_follows_the_speaker(turns):
    left = load_audio(TWO, channel=0)
    right = load_audio(TWO, channel=1)
    mixed = load_audio(TWO)
    assert len(left) == len(right) == len(mixed)
    for channel, start, end in turns:
        sl = slice(int((start + 0.1) * 16000), int((end - 0.1) * 16000))
        speaker, other = (left, right) if channel == 0 else (right, left)
        assert rms(speaker[sl]) > 10 * rms(other[sl]), (channel, start, end)
        # the downmix carries the speaker at about half level
        assert 0.3 < rms(mixed[sl]) / rms(speaker[sl]) < 0.7


def test_channel_envelopes_shape_and_dominance(turns):
    env = channel_envelopes(TWO, frame_s=0.02)
    assert env.dtype == np.float32
    assert env.shape == (2, math.ceil(probe(TWO).duration / 0.02))
    for channel, start, end in turns:
        a, b = int((start + 0.1) / 0.02), int((end - 0.1) / 0.02)
        assert env[channel, a:b].mean() > 10 * env[1 - channel, a:b].mean()


def test_envelopes_match_decoded_channels():
    env = channel_envelopes(MEDIA / "eight_channel.wav", frame_s=0.1)
    assert env.shape == (8, 30)
    tone = load_audio(MEDIA / "eight_channel.wav", channel=0)
    assert abs(env[0].mean() - rms(tone)) < 0.01  # 0.3 * sin: rms 0.212
    assert env[3].max() > 0.01 and env[6].mean() > 0.03
    for silent in (1, 2, 4, 5, 7):
        assert env[silent].max() == 0.0


def test_eight_channel_file_loads_each_channel():
    info = probe(MEDIA / "eight_channel.wav")
    assert info.channels == 8
    mixed = load_audio(MEDIA / "eight_channel.wav")
    assert abs(len(mixed) - 48000) < 160
    assert rms(load_audio(MEDIA / "eight_channel.wav", channel=7)) == 0.0
    assert rms(load_audio(MEDIA / "eight_channel.wav", channel=6)) > 0.03
    with pytest.raises(UsageError, match="channel 8 does not exist"):
        load_audio(MEDIA / "eight_channel.wav", channel=8)


def test_odd_file_names_reach_ffmpeg_intact(tmp_path: Path):
    odd = tmp_path / "-x:1 罗润.wav"
    shutil.copyfile(UNICODE, odd)
    assert abs(len(load_audio(odd)) - 6 * 16000) < 800


# --- extract_wav ---------------------------------------------------------------------


def test_extract_wav_is_16k_mono_with_progress(tmp_path: Path):
    events = []
    dest = extract_wav(TWO, tmp_path / "out" / "右 channel.wav", channel=1, progress=events.append)
    assert dest == tmp_path / "out" / "右 channel.wav"
    info = probe(dest)
    assert info.container == "wav" and info.channels == 1 and info.sample_rate == 16000
    assert abs(info.duration - 24.0) < 0.1
    with wave.open(str(dest)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]  # no temp files left
    assert events and all(e.task == "extract" for e in events)
    dones = [e.done for e in events]
    assert dones == sorted(dones) and events[-1].done == pytest.approx(24.0, abs=0.1)
    assert events[-1].total == pytest.approx(24.0, abs=0.1)
    # the extracted WAV is the selected channel: loud where the subject speaks
    assert np.allclose(load_audio(dest)[:16000], load_audio(TWO, channel=1)[:16000], atol=2e-4)


def test_extract_wav_cancelled_leaves_nothing(tmp_path: Path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        extract_wav(LIU, tmp_path / "x.wav", cancel=token)
    assert list(tmp_path.iterdir()) == []


# --- bad inputs ----------------------------------------------------------------------


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    zero = tmp / "zero.mov"
    zero.write_bytes(b"")
    text = tmp / "notes.mp4"
    text.write_text("interview notes, not a video\n" * 20, encoding="utf-8")
    truncated = tmp / "truncated 截断.mov"
    data = LIU.read_bytes()
    truncated.write_bytes(data[: int(len(data) * 0.4)])
    folder = tmp / "a folder.mov"
    folder.mkdir()
    return {
        "missing": (tmp / "missing 刘.mov", "no such file"),
        "directory": (folder, "directory"),
        "zero": (zero, r"empty file \(0 bytes\)"),
        "text": (text, r"not a media file.*invalid data"),
        "truncated": (truncated, "truncated or corrupt"),
    }


@pytest.mark.parametrize("kind", ["missing", "directory", "zero", "text", "truncated"])
def test_bad_inputs_raise_media_error_naming_the_file(tmp_path: Path, kind: str):
    path, reason = _bad_inputs(tmp_path)[kind]
    for call in (probe, load_audio, channel_envelopes):
        with pytest.raises(MediaError, match=reason) as e:
            call(path)
        assert str(path) in str(e.value) and e.value.path == str(path)
        assert "\n" not in str(e.value)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path):
    locked = tmp_path / "locked.wav"
    shutil.copyfile(MEDIA / "silence.wav", locked)
    locked.chmod(0)
    with pytest.raises(MediaError, match="permission denied"):
        probe(locked)


def test_file_with_no_audio_or_video_stream(tmp_path: Path):
    srt = tmp_path / "subs.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n", encoding="utf-8")
    mkv = tmp_path / "subs only.mkv"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(srt), str(mkv)], check=True
    )
    with pytest.raises(MediaError, match="no audio or video streams"):
        probe(mkv)


def test_truncated_faststart_mov_is_caught_without_decoding(tmp_path: Path):
    """moov up front: the file opens and claims 22 s, but most of the payload is gone."""
    fast = tmp_path / "fast.mov"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(LIU), "-map", "0"]
        + ["-c", "copy", "-movflags", "+faststart", str(fast)],
        check=True,
    )
    assert probe(fast).duration == pytest.approx(22.0, abs=0.1)
    cut = tmp_path / "cut.mov"
    cut.write_bytes(fast.read_bytes()[: int(fast.stat().st_size * 0.4)])
    with pytest.raises(MediaError, match="truncated or corrupt"):
        probe(cut)


def test_truncated_wav_reports_the_audio_really_there(tmp_path: Path):
    cut = tmp_path / "cut.wav"
    cut.write_bytes((MEDIA / "mandarin_zh.wav").read_bytes()[:100_044])
    info = probe(cut)
    assert abs(info.duration - 100_000 / (22050 * 2)) < 0.05
    assert abs(len(load_audio(cut)) / 16000 - info.duration) < 0.05


def test_no_audio_stream():
    path = MEDIA / "no_audio.mp4"
    for call in (load_audio, channel_envelopes):
        with pytest.raises(NoAudioError) as e:
            call(path)
        assert str(path) in str(e.value)
    assert issubclass(NoAudioError, MediaError)


def test_ffmpeg_exe_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    assert Path(ffmpeg_exe()).is_file()
    monkeypatch.setenv("TAPELOG_FFMPEG", str(tmp_path / "no-ffmpeg-here"))
    with pytest.raises(FFmpegNotFoundError, match="TAPELOG_FFMPEG"):
        ffmpeg_exe()
    with pytest.raises(TapelogError):
        load_audio(LIU)


# --- cancellation --------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="uses a POSIX shell wrapper")
def test_cancel_load_audio_from_another_thread(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """ffmpeg -re decodes in real time (22 s), so only cancellation can end it early."""
    pidfile = tmp_path / "pid"
    wrapper = tmp_path / "slow-ffmpeg"
    wrapper.write_text(f'#!/bin/sh\necho $$ > "{pidfile}"\nexec "{ffmpeg_exe()}" -re "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("TAPELOG_FFMPEG", str(wrapper))

    token = CancelToken()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = load_audio(LIU, cancel=token)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc
        outcome["end"] = time.monotonic()

    thread = threading.Thread(target=work)
    thread.start()
    deadline = time.monotonic() + 5
    while not pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    cancelled_at = time.monotonic()
    token.cancel()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), Cancelled), outcome
    assert outcome["end"] - cancelled_at < 1.0
    pid = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):  # ffmpeg was killed and reaped
        os.kill(pid, 0)
