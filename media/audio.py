"""Decoding audio with ffmpeg: arrays for Whisper, WAV extraction, per-channel envelopes.

ffmpeg runs as a subprocess (commands built with ffmpeg-python) writing raw s16le to a
pipe. A reader thread moves stdout into a small bounded queue so that the caller can
check ``cancel`` every ~0.1 s even while ffmpeg is stalled on a slow drive, and so that
memory stays bounded when the caller streams (``channel_envelopes`` on an hour-long
file never holds the decoded audio). On cancel or error the process is killed.
"""

from __future__ import annotations

import collections
import contextlib
import os
import queue
import subprocess
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import ffmpeg
import numpy as np
from tapelog.archive.atomic import atomic_output
from tapelog.archive.errors import FFmpegNotFoundError, MediaError, NoAudioError, UsageError
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tapelog.media.ffmpeg_bin import ffmpeg_exe
from tapelog.media.info import MediaInfo
from tapelog.media.local import LOCAL_ONLY, local_url
from tapelog.media.probe import probe

READ_SIZE = 1 << 16
POLL_S = 0.1
_EOF = object()


def load_audio(
    path: str | os.PathLike[str],
    sample_rate: int = 16000,
    channel: int | None = None,
    cancel: CancelToken | None = None,
    max_seconds: float | None = None,
    offset: float = 0.0,
) -> np.ndarray:
    """Decode the first audio stream to float32 mono in [-1, 1] at ``sample_rate``.

    ``channel=None`` averages all channels; ``channel=k`` keeps only channel k (0-based),
    which is how a two-mic interview is transcribed one speaker at a time.
    ``max_seconds`` decodes only the start (enough to tell the language), or with
    ``offset`` that many seconds from there (one corrected line, to align it).
    """
    info = _audio_info(path)
    if channel is None and info.channels >= 2 and max_seconds is None and not offset:
        return load_audio_and_envelopes(path, sample_rate=sample_rate, cancel=cancel)[0]
    out = _decode(
        path,
        sample_rate,
        _mono_filter(info, channel),
        channels=1,
        seconds=max_seconds,
        offset=offset,
    )
    raw = bytearray()
    with contextlib.closing(_run(out, path, cancel)) as chunks:
        for data in chunks:
            raw += data
    audio = np.frombuffer(raw, dtype="<i2", count=len(raw) // 2).astype(np.float32)
    audio /= 32768.0
    return audio


def load_audio_and_envelopes(
    path: str | os.PathLike[str],
    frame_s: float = 0.02,
    sample_rate: int = 16000,
    cancel: CancelToken | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The mono average of all channels and ``channel_envelopes``, from one decode.

    Transcribing a two-mic interview needs both; decoding the file twice cost a tenth of
    tiny.en's whole run. The mono average is taken in float32 (not re-quantised to 16
    bits as an ffmpeg downmix would be), and ``load_audio`` returns these very samples.
    """
    info = _audio_info(path)
    n = info.channels
    if n < 1:
        raise MediaError("audio stream reports no channels", path=str(path))
    env = _Envelopes(frame_s, sample_rate, n)
    parts: list[np.ndarray] = []
    for x in _decode_blocks(path, sample_rate, n, cancel):
        parts.append(x.mean(axis=1, dtype=np.float32) if n > 1 else x[:, 0].copy())
        env.add(x)
    mono = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return mono, env.result()


def extract_wav(
    path: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    sample_rate: int = 16000,
    channel: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write 16-bit mono WAV at ``sample_rate`` to ``dest`` (atomically: temp, then rename).

    Progress events have task ``"extract"`` and count seconds of source audio done.
    """
    info = _audio_info(path)
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MediaError(f"cannot create folder ({exc.strerror or exc})", path=str(dest)) from None
    total = info.duration or None
    item = Path(path).name
    report(progress, ProgressEvent("extract", 0.0, total, item=item))
    try:
        # Created exclusively beside dest (never through a planted link), then renamed.
        with atomic_output(dest, suffix=".part") as tmp:
            done = _extract(path, tmp, info, sample_rate, channel, total, item, progress, cancel)
    except OSError as exc:
        raise MediaError(f"cannot write ({exc.strerror or exc})", path=str(dest)) from None
    report(progress, ProgressEvent("extract", total or done, total, item=item, message="done"))
    return dest


def channel_envelopes(
    path: str | os.PathLike[str],
    frame_s: float = 0.02,
    sample_rate: int = 16000,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """RMS per channel per ``frame_s`` frame, shape (channels, frames), full scale = 1.0.

    Streams interleaved s16le and reduces each chunk as it arrives, so memory is the size
    of the result, not of the decoded audio. The last partial frame counts as a frame.
    """
    info = _audio_info(path)
    n = info.channels
    if n < 1:
        raise MediaError("audio stream reports no channels", path=str(path))
    env = _Envelopes(frame_s, sample_rate, n)
    for x in _decode_blocks(path, sample_rate, n, cancel):
        env.add(x)
    return env.result()


class _Envelopes:
    """Per-channel RMS over fixed frames, fed block by block."""

    def __init__(self, frame_s: float, sample_rate: int, channels: int) -> None:
        if frame_s <= 0:
            raise UsageError(f"frame length must be positive, got {frame_s}")
        self.frame_len = max(1, round(frame_s * sample_rate))
        self.pending = np.zeros((0, channels), dtype=np.float32)
        self.parts: list[np.ndarray] = []
        self.channels = channels

    def add(self, x: np.ndarray) -> None:
        if len(self.pending):
            x = np.concatenate([self.pending, x])
        k = len(x) // self.frame_len
        if k:
            frames = x[: k * self.frame_len].reshape(k, self.frame_len, self.channels)
            self.parts.append(np.sqrt(np.mean(np.square(frames), axis=1)))
        self.pending = x[k * self.frame_len :]

    def result(self) -> np.ndarray:
        parts = list(self.parts)
        if len(self.pending):
            parts.append(np.sqrt(np.mean(np.square(self.pending), axis=0))[None, :])
        if not parts:
            return np.zeros((self.channels, 0), dtype=np.float32)
        return np.ascontiguousarray(np.concatenate(parts).T, dtype=np.float32)


def _decode_blocks(
    path: str | os.PathLike[str], sample_rate: int, n: int, cancel: CancelToken | None
) -> Iterator[np.ndarray]:
    """Interleaved s16le from ffmpeg as float32 blocks of shape (samples, n), in [-1, 1]."""
    out = _decode(path, sample_rate, None, channels=n)
    bytes_per_sample = 2 * n
    carry = b""
    with contextlib.closing(_run(out, path, cancel)) as chunks:
        for data in chunks:
            buf = carry + data
            usable = len(buf) - len(buf) % bytes_per_sample
            carry = buf[usable:]
            if usable:
                x = np.frombuffer(buf[:usable], dtype="<i2").reshape(-1, n).astype(np.float32)
                x /= 32768.0
                yield x


def _audio_info(path: str | os.PathLike[str]) -> MediaInfo:
    info = probe(path)
    if not info.has_audio:
        raise NoAudioError("no audio stream (nothing to transcribe)", path=str(path))
    return info


def _mono_filter(info: MediaInfo, channel: int | None) -> str | None:
    """The ``pan`` filter for one channel or an equal-weight downmix (None for mono)."""
    n = info.channels
    if channel is None:
        if n <= 1:
            return None
        # "<" renormalises the gains to sum to 1: a plain average, never clipping.
        return "pan=mono|c0<" + "+".join(f"c{i}" for i in range(n))
    if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel < n:
        raise UsageError(
            f"audio channel {channel} does not exist: the file has {n} channel(s), numbered from 0",
            path=info.path,
        )
    return f"pan=mono|c0=c{channel}"


def _decode(
    path: str | os.PathLike[str],
    sample_rate: int,
    af: str | None,
    *,
    channels: int,
    seconds: float | None = None,
    offset: float = 0.0,
):
    kwargs: dict[str, object] = {"af": af} if af else {}
    if seconds is not None:
        kwargs["t"] = f"{seconds:.3f}"
    inputs: dict[str, object] = {"ss": f"{offset:.3f}"} if offset > 0 else {}
    return ffmpeg.input(local_url(path), **inputs, **LOCAL_ONLY)["a:0"].output(
        "pipe:1",
        format="s16le",
        acodec="pcm_s16le",
        ac=channels,
        ar=sample_rate,
        **kwargs,
    )


def _extract(
    path: str | os.PathLike[str],
    tmp: Path,
    info: MediaInfo,
    sample_rate: int,
    channel: int | None,
    total: float | None,
    item: str,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> float:
    """Run ffmpeg from ``path`` into the temp file ``tmp``; returns seconds done."""
    src = ffmpeg.input(local_url(path), **LOCAL_ONLY)["a:0"]
    af = _mono_filter(info, channel)
    kwargs = {"af": af} if af else {}
    out = src.output(
        local_url(tmp),
        format="wav",
        acodec="pcm_s16le",
        ac=1,
        ar=sample_rate,
        map_metadata=-1,
        progress="pipe:1",
        nostats=None,
        **kwargs,
    )
    pending = b""
    done = 0.0
    with contextlib.closing(_run(out, path, cancel)) as chunks:
        for data in chunks:
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                seconds = _progress_seconds(line)
                if seconds is not None and seconds > done:
                    done = min(seconds, total) if total else seconds
                    report(progress, ProgressEvent("extract", done, total, item=item))
    return done


def _progress_seconds(line: bytes) -> float | None:
    key, _, value = line.decode("ascii", "replace").strip().partition("=")
    if key in ("out_time_us", "out_time_ms"):  # both are microseconds in ffmpeg
        try:
            return max(0.0, int(value) / 1e6)
        except ValueError:
            return None
    return None


def _start(out: Any) -> Any:
    """Start ffmpeg for the built stream ``out``, its stdout and stderr piped."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error"]
    try:
        return out.run_async(cmd=cmd, pipe_stdout=True, pipe_stderr=True, overwrite_output=True)
    except FileNotFoundError:
        raise FFmpegNotFoundError(f"ffmpeg not found at {cmd[0]}") from None
    except PermissionError:
        raise FFmpegNotFoundError(f"ffmpeg at {cmd[0]} is not executable") from None


def _wait_exit(proc: subprocess.Popen, cancel: CancelToken | None) -> int:
    """ffmpeg's exit status, still honouring ``cancel`` while it finishes."""
    while True:
        if cancel is not None:
            cancel.check()
        try:
            return proc.wait(timeout=POLL_S)
        except subprocess.TimeoutExpired:
            continue


def _run(
    out: Any, path: str | os.PathLike[str], cancel: CancelToken | None
) -> Generator[bytes, None, None]:
    """Run ffmpeg, yield stdout chunks, check ``cancel`` while waiting; kill on exit.

    Raises ``MediaError`` with ffmpeg's last error line if it exits non-zero.
    """
    proc = _start(out)
    q: queue.Queue = queue.Queue(maxsize=16)
    stop = threading.Event()
    errors: collections.deque[str] = collections.deque(maxlen=20)

    def put(item: object) -> None:
        while not stop.is_set():
            try:
                q.put(item, timeout=POLL_S)
                return
            except queue.Full:
                continue

    def read_stdout() -> None:
        try:
            while not stop.is_set():
                data = proc.stdout.read1(READ_SIZE)
                if not data:
                    break
                put(data)
        except (OSError, ValueError):
            pass  # pipe closed because we killed the process
        put(_EOF)

    def read_stderr() -> None:
        with contextlib.suppress(OSError, ValueError):
            for raw in proc.stderr:
                line = raw.decode("utf-8", "replace").strip()
                if line:
                    errors.append(line)

    threads = [
        threading.Thread(target=read_stdout, name="ffmpeg-stdout", daemon=True),
        threading.Thread(target=read_stderr, name="ffmpeg-stderr", daemon=True),
    ]
    for t in threads:
        t.start()
    try:
        while True:
            if cancel is not None:
                cancel.check()
            try:
                item = q.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if item is _EOF:
                break
            yield item
        rc = _wait_exit(proc, cancel)
        threads[1].join(timeout=2)
        if rc != 0:
            reason = errors[-1] if errors else f"exit status {rc}"
            raise MediaError(f"ffmpeg failed: {reason}", path=str(path))
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()
        with contextlib.suppress(OSError):
            proc.wait(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.close()
        for t in threads:
            t.join(timeout=1)
