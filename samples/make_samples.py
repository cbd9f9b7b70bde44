"""Generate the small committed sample media in ``samples/media/`` (and ``SCRIPTS.md``).

Run: ``.venv/bin/python samples/make_samples.py``. Needs espeak-ng for the speech (only
this generator does; tests use the committed files) and ffmpeg from
``media.ffmpeg_bin.ffmpeg_exe()``. Output is deterministic for a given espeak-ng and
ffmpeg build: fixed noise seeds, single-threaded x264, bitexact muxing, fixed metadata.

Why synthetic speech: the tests and the demo need real audio with known words, known
turn times per channel and known timecodes, small enough to commit (all files < 4 MB).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tapelog.media.ffmpeg_bin import ffmpeg_exe  # noqa: E402

OUT = HERE / "media"
SCRIPTS_MD = HERE / "SCRIPTS.md"
ESPEAK = "espeak-ng"
SR = 22050  # espeak-ng's native rate; ffmpeg resamples where a file needs another

LIU_TEXT = (
    "My son Liu Jingjun was taken from the alley behind our room in Taiyuan in April "
    "two thousand ten. The police did not help us at first. Then the scam calls started, "
    "a man asked for fifty thousand yuan. We gave our blood to the DNA database and we "
    "still search every night."
)
LIU_DURATION = 22.0

INTERVIEWER_VOICE = "en-us"
SUBJECT_VOICE = "en-us+f3"
# (channel, text): channel 0 = interviewer (left), 1 = subject (right).
TWO_CHANNEL_TURNS = [
    (0, "Mister Luo, when did your son Luo Run go missing?"),
    (1, "Luo Run disappeared in Fujian in two thousand seven, near the bus station."),
    (0, "Who helped you search for him?"),
    (1, "Peng Gaofeng helped us. He found his own son Le Le after many years."),
    (0, "Do you still have hope?"),
    (1, "Yes. Every single day."),
]
TWO_CHANNEL_DURATION = 24.0
TURN_START = 0.5
TURN_GAP = 0.7

DROP_TEXT = "Drop frame test. The timecode crosses one hour."
DROP_DURATION = 6.0

NO_AUDIO_DURATION = 3.0
SILENCE_DURATION = 5.0

MANDARIN_TEXT = "我的儿子刘晶军在太原被人拐走了。我们每天晚上都在网上寻找他。"
# Debian's espeak-ng `cmn` voice reads most characters as English letters and digits
# (Whisper then hears "War 5-R..."); the pinyin voice given toned pinyin sounds Mandarin.
MANDARIN_PINYIN = (
    "wo3 de5 er2 zi5 liu2 jing1 jun1 zai4 tai4 yuan2 bei4 ren2 guai3 zou3 le5. "
    "wo3 men5 mei3 tian1 wan3 shang4 dou1 zai4 wang3 shang4 xun2 zhao3 ta1."
)
MANDARIN_SPEED = 150
MANDARIN_DURATION = 10.5

UNICODE_NAME = "采访 罗润 父亲.wav"
UNICODE_TEXT = "Luo An Xin says his son Luo Run came home from Fujian."
UNICODE_DURATION = 6.0

EIGHT_DURATION = 3.0
EIGHT_SR = 16000
EIGHT_TEXT = "Channel four speaking."

NOISE = 0.0015  # about -56 dBFS RMS: "near silent" but not digital zero


@dataclass
class Turn:
    channel: int
    start: float
    end: float
    text: str


def speak(text: str, voice: str = "en-us", speed: int = 150) -> np.ndarray:
    """espeak-ng speech as float32 mono at ``SR``."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        subprocess.run(
            [ESPEAK, "-v", voice, "-s", str(speed), "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        with wave.open(str(wav)) as w:
            assert w.getframerate() == SR and w.getnchannels() == 1
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return trim(data.astype(np.float32) / 32768.0)


def trim(x: np.ndarray, thresh: float = 1e-3) -> np.ndarray:
    """Drop espeak's leading/trailing silence so turn times are where the voice is."""
    idx = np.flatnonzero(np.abs(x) > thresh)
    return x[idx[0] : idx[-1] + 1] if idx.size else x


def place(length_s: float, sr: int, pieces: list[tuple[float, np.ndarray]]) -> np.ndarray:
    buf = np.zeros(round(length_s * sr), dtype=np.float32)
    for start, x in pieces:
        i = round(start * sr)
        if i + len(x) > len(buf):
            raise SystemExit(f"speech does not fit in {length_s} s")
        buf[i : i + len(x)] += x
    return buf


def write_wav(path: Path, data: np.ndarray, sr: int) -> None:
    """``data`` float, shape (n,) or (n, channels); written as 16-bit PCM."""
    if data.ndim == 1:
        data = data[:, None]
    pcm = (np.clip(data, -1.0, 1.0) * 32767.0).round().astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(data.shape[1])
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.tobytes())


def ffmpeg(*args: str) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"ffmpeg failed: {' '.join(cmd)}\n{proc.stderr}")


VIDEO_ENC = [
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "38", "-pix_fmt", "yuv420p",
    "-threads", "1", "-x264-params", "threads=1:sliced-threads=0",
]  # fmt: skip
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


def make_mov(
    dest: Path,
    *,
    source: str,
    rate: str,
    duration: float,
    timecode: str | None,
    audio_wav: Path | None,
    audio_args: list[str],
    metadata: dict[str, str],
    video_metadata: dict[str, str],
) -> None:
    args = ["-f", "lavfi", "-i", f"{source}=size=160x120:rate={rate}:duration={duration}"]
    if audio_wav is not None:
        args += ["-i", str(audio_wav)]
    args += ["-map", "0:v"]
    if audio_wav is not None:
        args += ["-map", "1:a", *audio_args]
    args += [*VIDEO_ENC, "-t", str(duration), "-map_metadata", "-1", *BITEXACT]
    if timecode:
        args += ["-timecode", timecode]
    for k, v in metadata.items():
        args += ["-metadata", f"{k}={v}"]
    for k, v in video_metadata.items():
        args += ["-metadata:s:v:0", f"{k}={v}"]
    args += [str(dest)]
    ffmpeg(*args)


def make_interview_liu(tmp: Path) -> None:
    speech = speak(LIU_TEXT)
    audio = place(LIU_DURATION, SR, [(1.0, speech)])
    rng = np.random.default_rng(1)
    audio += rng.normal(0, NOISE, len(audio)).astype(np.float32)
    wav = tmp / "liu.wav"
    write_wav(wav, audio, SR)
    make_mov(
        OUT / "interview_liu.mov",
        source="testsrc",
        rate="25",
        duration=LIU_DURATION,
        timecode="10:00:00:00",
        audio_wav=wav,
        audio_args=["-c:a", "aac", "-b:a", "48k", "-ar", "48000", "-ac", "1"],
        metadata={"creation_time": "2024-03-02T09:15:00Z", "title": "Liu Jingjun parent"},
        video_metadata={"reel_name": "A001", "creation_time": "2024-03-02T09:15:00Z"},
    )


def make_two_channel(tmp: Path) -> list[Turn]:
    turns: list[Turn] = []
    pieces: dict[int, list[tuple[float, np.ndarray]]] = {0: [], 1: []}
    t = TURN_START
    for channel, text in TWO_CHANNEL_TURNS:
        voice = INTERVIEWER_VOICE if channel == 0 else SUBJECT_VOICE
        x = speak(text, voice)
        pieces[channel].append((t, x))
        end = t + len(x) / SR
        turns.append(Turn(channel, round(t, 2), round(end, 2), text))
        t = round(end + TURN_GAP, 2)
    chans = [place(TWO_CHANNEL_DURATION, SR, pieces[c]) for c in (0, 1)]
    rng = np.random.default_rng(2)
    stereo = np.stack(chans, axis=1)
    stereo += rng.normal(0, NOISE, stereo.shape).astype(np.float32)
    wav = tmp / "two.wav"
    write_wav(wav, stereo, SR)
    make_mov(
        OUT / "two_channel_interview.mov",
        source="testsrc2",
        rate="24000/1001",
        duration=TWO_CHANNEL_DURATION,
        timecode="01:00:00:00",
        audio_wav=wav,
        # Two mono-ish tracks in one stereo stream: no mid/side coding so channels stay apart.
        audio_args=[
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-aac_ms",
            "0",
        ],  # fmt: skip
        metadata={"creation_time": "2024-05-11T14:30:00Z"},
        video_metadata={"reel_name": "B002"},
    )
    return turns


def make_dropframe(tmp: Path) -> None:
    audio = place(DROP_DURATION, SR, [(0.5, speak(DROP_TEXT))])
    wav = tmp / "drop.wav"
    write_wav(wav, audio, SR)
    make_mov(
        OUT / "dropframe_2997.mov",
        source="testsrc",
        rate="30000/1001",
        duration=DROP_DURATION,
        timecode="00:59:59;00",
        audio_wav=wav,
        audio_args=["-c:a", "aac", "-b:a", "32k", "-ar", "16000", "-ac", "1"],
        metadata={"creation_time": "2024-06-01T08:00:00Z"},
        video_metadata={},
    )


def make_no_audio() -> None:
    args = ["-f", "lavfi", "-i", f"testsrc=size=160x120:rate=25:duration={NO_AUDIO_DURATION}"]
    args += [*VIDEO_ENC, "-map_metadata", "-1", *BITEXACT, str(OUT / "no_audio.mp4")]
    ffmpeg(*args)


def make_wavs() -> None:
    write_wav(OUT / "silence.wav", np.zeros(round(SILENCE_DURATION * 16000)), 16000)

    zh = speak(MANDARIN_PINYIN, "cmn-latn-pinyin", MANDARIN_SPEED)
    write_wav(OUT / "mandarin_zh.wav", place(MANDARIN_DURATION, SR, [(0.4, zh)]), SR)

    en = speak(UNICODE_TEXT, "en-gb")
    write_wav(OUT / UNICODE_NAME, place(UNICODE_DURATION, SR, [(0.5, en)]), SR)

    # 8 channels: 0 = 440 Hz tone, 3 = speech, 6 = noise, the rest digital silence.
    n = round(EIGHT_DURATION * EIGHT_SR)
    data = np.zeros((n, 8), dtype=np.float32)
    t = np.arange(n) / EIGHT_SR
    data[:, 0] = 0.3 * np.sin(2 * np.pi * 440.0 * t)
    speech = speak(EIGHT_TEXT)
    # espeak speaks at 22050 Hz: resample to 16 kHz by linear interpolation (fine for a fixture).
    src_t = np.arange(len(speech)) / SR
    dst = np.interp(np.arange(0, src_t[-1], 1 / EIGHT_SR), src_t, speech)
    data[round(0.3 * EIGHT_SR) : round(0.3 * EIGHT_SR) + len(dst), 3] = dst[
        : n - round(0.3 * EIGHT_SR)
    ]
    data[:, 6] = np.random.default_rng(8).normal(0, 0.05, n)
    write_wav(OUT / "eight_channel.wav", data, EIGHT_SR)


def write_scripts_md(turns: list[Turn]) -> None:
    rows = "\n".join(
        f"| {i + 1} | {t.channel + 1} | {'interviewer' if t.channel == 0 else 'subject'} "
        f"| {t.start:.2f} | {t.end:.2f} | {t.text} |"
        for i, t in enumerate(turns)
    )
    SCRIPTS_MD.write_text(
        f"""# Sample media: what each file says

Generated by `samples/make_samples.py` (espeak-ng speech, ffmpeg testsrc video). Do not
edit by hand: edit the script and re-run it. Times are seconds from the file start.

| file | duration s | video | audio | timecode |
|---|---|---|---|---|
| `interview_liu.mov` | {LIU_DURATION} | h264 160x120 25 fps | AAC mono 48 kHz | `10:00:00:00` (tmcd, reel `A001`) |
| `two_channel_interview.mov` | {TWO_CHANNEL_DURATION} | h264 160x120 24000/1001 fps | AAC stereo 48 kHz | `01:00:00:00` (reel `B002`) |
| `dropframe_2997.mov` | {DROP_DURATION} | h264 160x120 30000/1001 fps | AAC mono 16 kHz | `00:59:59;00` drop-frame |
| `no_audio.mp4` | {NO_AUDIO_DURATION} | h264 160x120 25 fps | none | none |
| `silence.wav` | {SILENCE_DURATION} | - | PCM mono 16 kHz, all zeros | none |
| `mandarin_zh.wav` | {MANDARIN_DURATION} | - | PCM mono 22.05 kHz | none |
| `{UNICODE_NAME}` | {UNICODE_DURATION} | - | PCM mono 22.05 kHz | none |
| `eight_channel.wav` | {EIGHT_DURATION} | - | PCM 8 channels 16 kHz | none |

creation_time: `interview_liu.mov` 2024-03-02T09:15:00Z, `two_channel_interview.mov`
2024-05-11T14:30:00Z, `dropframe_2997.mov` 2024-06-01T08:00:00Z.

Note on `dropframe_2997.mov`: it starts at `00:59:59;00` and runs about 180 frames, so it
crosses `01:00:00;00`. Minute 60 is a multiple of ten, so NO frame numbers are dropped
there (`00:59:59;29` is followed by `01:00:00;00`); a test of "frames 00 and 01 are
skipped" needs a minute like `00:01:00;02`, which timecode arithmetic can check directly.

## interview_liu.mov (espeak-ng en-us, 150 wpm, speech starts at 1.0 s)

{LIU_TEXT}

## two_channel_interview.mov

Channel 1 (left) = interviewer, espeak-ng `{INTERVIEWER_VOICE}`; channel 2 (right) = subject
(the father), espeak-ng `{SUBJECT_VOICE}`. Turns never overlap; while one speaks the other
channel carries only faint noise (about -56 dBFS).

| turn | channel | speaker | start | end | text |
|---|---|---|---|---|---|
{rows}

## dropframe_2997.mov (en-us, speech starts at 0.5 s)

{DROP_TEXT}

## mandarin_zh.wav (espeak-ng `cmn-latn-pinyin`, {MANDARIN_SPEED} wpm, speech starts at 0.4 s)

Spoken from toned pinyin ({MANDARIN_PINYIN}). The robotic voice is not recognised as
Mandarin by Whisper's language detection (base guesses Thai); with `--language zh` base
transcribes it to Chinese characters and `--translate` gives English.

{MANDARIN_TEXT}

## {UNICODE_NAME} (espeak-ng en-gb, speech starts at 0.5 s)

{UNICODE_TEXT}

## eight_channel.wav

Channel 1: 440 Hz tone. Channel 4: "{EIGHT_TEXT}" (from 0.3 s). Channel 7: white noise.
Channels 2, 3, 5, 6, 8: digital silence.

## silence.wav

Five seconds of digital silence (all samples zero).
""",
        encoding="utf-8",
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        make_interview_liu(tmp)
        turns = make_two_channel(tmp)
        make_dropframe(tmp)
    make_no_audio()
    make_wavs()
    write_scripts_md(turns)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    for p in sorted(OUT.iterdir()):
        print(f"{p.stat().st_size:>9}  {p.name}")
    print(f"{total:>9}  total")
    if total > 4_000_000:
        raise SystemExit("samples are over 4 MB")


if __name__ == "__main__":
    main()
