"""Clip export: cut a passage (plus handles) out of the source media with ffmpeg.

Frame accuracy wins, and the cut is widened to whole frames. A stream copy can only
start on a keyframe, so how the picture is cut depends on the codec:

* intra-only video (ProRes, DNxHD/HR, MJPEG, uncompressed: what documentary cameras
  and recorders often write) has a keyframe on every frame, so it is stream-copied:
  lossless, fast and still frame-exact;
* long-GOP video (H.264, HEVC...) may have its last keyframe seconds before the quote,
  so it is re-encoded (H.264 at high quality).

PCM audio is re-written in its own sample format, which is lossless and sample-exact
(ffmpeg's stream copy of PCM cuts on packet boundaries, tens of milliseconds off).
``copy=True`` forces a stream copy of everything (fast, lossless, in point snapped to
the keyframe before it). The clip carries the source timecode of its in point, so it
still lines up in an edit.
"""

from __future__ import annotations

import math
import os
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tapelog.archive.errors import Cancelled, ExportError, UsageError
from tapelog.archive.exports.common import (
    ExportResult,
    Sensitivity,
    atomic_path,
    frames_ceil,
    has_source_tc,
    rate_of,
    safe_name,
    time_label,
)
from tapelog.archive.models import MediaRecord
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tapelog.media.local import LOCAL_ONLY, local_url
from tapelog.media.timecode import source_timecode

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

AUDIO_EXTS = {".wav", ".m4a", ".aac", ".mp3", ".flac"}
VIDEO_EXTS = {".mov", ".mp4", ".m4v", ".mkv"}


def default_clip_name(media: MediaRecord, start: float, ext: str | None = None) -> str:
    """``<clipname>_<TC-in>.<ext>``: the file's stem and the in point's timecode."""
    stem = Path(media.name).stem
    ext = ext or (Path(media.name).suffix or ".mov")
    return safe_name(f"{stem}_{time_label(media, start)}") + ext


def _bounds(media: MediaRecord, start: float, end: float, handles: float) -> tuple[float, float]:
    if not all(math.isfinite(x) for x in (start, end, handles)):
        raise UsageError(f"times must be finite numbers ({start}, {end}, handles {handles})")
    if start < 0 or end <= start:
        raise UsageError(f"a clip must end after it starts ({start:.3f} .. {end:.3f} s)")
    if handles < 0:
        raise UsageError(f"handles cannot be negative ({handles})")
    duration = float(media.info.duration or 0.0)
    if duration and start >= duration:
        raise UsageError(f"{start:.3f} s is past the end of {media.id} ({duration:.3f} s long)")
    cut_in = max(0.0, start - handles)
    cut_out = end + handles
    rate = rate_of(media) if media.info.has_video else None
    if rate is not None:
        # Whole frames: from the start of the in frame to the end of the out frame.
        cut_in = rate.seconds_at(rate.frame_at(cut_in))
        cut_out = rate.seconds_at(frames_ceil(rate, cut_out))
    if duration:
        cut_out = min(cut_out, duration)
    return cut_in, cut_out


def clip_command(
    media: MediaRecord,
    source: Path,
    dest: Path,
    cut_in: float,
    cut_out: float,
    *,
    copy: bool = False,
    ext: str,
) -> tuple[list[str], str]:
    """The ffmpeg argument list (built with ffmpeg-python) and the mode it cuts in."""
    import ffmpeg
    from tapelog.media.ffmpeg_bin import ffmpeg_exe

    info = media.info
    audio_only = not info.has_video or ext in AUDIO_EXTS
    src_codec = info.audio_streams[0].codec if info.audio_streams else ""
    if copy:
        mode = "copy"
    elif not audio_only and ext in (".mov", ".mkv") and _intra_only(info.video_codec):
        # .mp4 cannot hold ProRes/DNxHD/raw pictures; there the picture is re-encoded.
        mode = "copy-video"
    else:
        mode = "encode"
    if not info.has_video and not info.has_audio:
        raise ExportError("has neither audio nor video to cut", path=media.path)
    # Input seeking (-ss before -i) is frame-exact when re-encoding.
    stream = ffmpeg.input(
        local_url(source), ss=f"{cut_in:.6f}", t=f"{cut_out - cut_in:.6f}", **LOCAL_ONLY
    )
    out_opts: dict[str, object] = {"map_metadata": 0}
    parts = []
    if not audio_only:
        parts.append(stream["v:0"])
    if info.has_audio:
        parts.append(stream["a:0"])
    if mode == "copy":
        out_opts["c"] = "copy"
    else:
        if mode == "copy-video":
            out_opts["c:v"] = "copy"
        elif not audio_only:
            out_opts.update(
                {"c:v": "libx264", "crf": 16, "preset": "veryfast", "pix_fmt": "yuv420p"}
            )
        if info.has_audio:
            out_opts["c:a"] = _audio_codec(ext, src_codec)
    tc = source_timecode(cut_in, info.start_timecode, info.fps_num, info.fps_den, info.drop_frame)
    if tc and not audio_only and ext in (".mov", ".mp4", ".m4v"):
        out_opts["timecode"] = tc
    fmt = {".mov": "mov", ".mp4": "mp4", ".m4v": "mp4", ".mkv": "matroska", ".wav": "wav",
           ".m4a": "ipod", ".aac": "adts", ".mp3": "mp3", ".flac": "flac"}.get(ext)  # fmt: skip
    if fmt:
        out_opts["format"] = fmt
    out = ffmpeg.output(*parts, local_url(dest), **out_opts)
    args = ffmpeg.compile(
        out.global_args("-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1"),
        cmd=ffmpeg_exe(),
        overwrite_output=True,
    )
    return args, mode


def _intra_only(codec: str | None) -> bool:
    """Every frame is a keyframe, so a stream copy can start on any frame."""
    if not codec:
        return False
    import av

    try:
        return bool(av.codec.Codec(codec, "r").intra_only)
    except Exception:  # noqa: BLE001 - an unknown codec name: re-encode, the safe choice
        return False


def _audio_codec(ext: str, source_codec: str) -> str:
    """PCM stays in its own sample format (lossless); otherwise what the container takes."""
    if ext in (".wav", ".mov"):
        return source_codec if source_codec.startswith("pcm_") else "pcm_s16le"
    return {".mp3": "libmp3lame", ".flac": "flac"}.get(ext, "aac")


def cut_clip(
    media: MediaRecord,
    source: str | Path,
    start: float,
    end: float,
    path: str | Path,
    *,
    handles: float = 0.0,
    copy: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Cut ``start..end`` (+ handles, clamped to the file) of ``source`` into ``path``."""
    cut_in, cut_out = _bounds(media, start, end, handles)
    target = Path(path).expanduser()
    if target.is_dir():
        target = target / default_clip_name(media, cut_in)
    elif str(path).endswith(("/", os.sep)):
        raise ExportError("folder does not exist", path=str(target))
    ext = target.suffix.lower()
    if ext not in AUDIO_EXTS | VIDEO_EXTS:
        raise UsageError(
            f"unknown clip type '{ext or target.name}' "
            f"(use {', '.join(sorted(AUDIO_EXTS | VIDEO_EXTS))})"
        )
    if media.info.has_video is False and ext in VIDEO_EXTS and not media.info.has_audio:
        raise ExportError("has nothing to cut", path=media.path)
    total = cut_out - cut_in
    with atomic_path(target) as tmp:
        args, mode = clip_command(media, Path(source), tmp, cut_in, cut_out, copy=copy, ext=ext)
        _run(args, total, media.name, progress, cancel)
    result = ExportResult(str(target), ext.lstrip("."), items=1)
    if mode == "copy":
        result.notes.append("stream copy: the in point may snap to the keyframe before it")
    elif mode == "copy-video":
        result.notes.append(
            f"picture stream-copied ({media.info.video_codec}: every frame a keyframe), "
            "frame-exact and lossless"
        )
    else:
        result.notes.append("re-encoded for frame accuracy (PCM audio kept lossless)")
    if has_source_tc(media):
        result.notes.append(f"in point {time_label(media, cut_in)}")
    return result


def _run(
    args: list[str],
    total: float,
    item: str,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> None:
    report(progress, ProgressEvent("clip", 0.0, total, "s", item))
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
    except OSError as exc:
        raise ExportError(f"cannot run ffmpeg: {exc}") from None
    assert proc.stdout is not None
    try:
        for raw in proc.stdout:
            if cancel is not None and cancel.cancelled:
                proc.kill()
                proc.wait()
                raise Cancelled("clip export cancelled")
            line = raw.decode("utf-8", "replace").strip()
            if line.startswith("out_time_us=") or line.startswith("out_time_ms="):
                try:
                    done = int(line.split("=", 1)[1]) / 1e6
                except ValueError:
                    continue
                elapsed = time.monotonic() - started
                eta = elapsed / done * (total - done) if done > 0 else None
                report(progress, ProgressEvent("clip", min(done, total), total, "s", item, eta))
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        rc = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if cancel is not None:
        cancel.check()
    if rc != 0:
        last = (err.strip().splitlines() or ["unknown error"])[-1]
        raise ExportError(f"ffmpeg failed to cut the clip: {last}")
    report(progress, ProgressEvent("clip", total, total, "s", item, 0.0))


def export_clip(
    archive: Archive,
    media_id: str,
    start: float,
    end: float,
    path: str | Path,
    *,
    handles: float = 0.0,
    copy: bool = False,
    include_sensitive: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Cut a passage from an archived file; sensitive passages need ``include_sensitive``.

    Pictures and voices cannot be redacted by a cut, so a clip overlapping a passage
    tagged with a minor / off-record / no-release person is refused unless asked.
    """
    from tapelog.archive.sensitivity import sensitive_map

    media = archive.get_media(media_id)
    source = archive.media_path(media)
    cut_in, cut_out = _bounds(media, start, end, handles)
    flags = sensitive_map(archive).flags(media_id, cut_in, cut_out)
    sens = Sensitivity.from_flags(include_sensitive)
    if flags and not include_sensitive:
        raise ExportError(
            f"{media_id} {cut_in:.2f}-{cut_out:.2f} s overlaps a sensitive passage "
            f"({', '.join(flags)}); use --include-sensitive to cut it anyway"
        )
    result = cut_clip(
        media, source, start, end, path, handles=handles, copy=copy,
        progress=progress, cancel=cancel,
    )  # fmt: skip
    duration = float(media.info.duration or 0.0)
    if duration and end > duration:
        result.notes.append(
            f"the file ends at {duration:.3f} s: the clip stops there, not at {end:.3f} s"
        )
    if flags:
        result.notes.append(f"includes sensitive material ({', '.join(flags)})")
    return sens.fill(result)
