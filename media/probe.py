"""Probing media files: container, duration, streams, frame rate, creation time, timecode.

Uses PyAV (libavformat in-process) instead of running ffprobe: no subprocess per file and
no JSON parsing, and it only reads headers (never decodes), so probing a 100 GB camera
file costs the same as a small one. Every way a file can be unreadable becomes a
``MediaError`` naming the file and the reason; PyAV's own exceptions never escape.
"""

from __future__ import annotations

import math
import os
import re
import stat
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from tapelog.archive.errors import MediaError
from tapelog.media.info import AudioStreamInfo, MediaInfo
from tapelog.media.local import LOCAL_ONLY, local_url

# Exact rates a camera records at; a measured average that is within 0.05% of one of these
# is snapped to it so timecode arithmetic uses 30000/1001 rather than 2997/100.
STANDARD_RATES = [
    Fraction(24000, 1001),
    Fraction(24),
    Fraction(25),
    Fraction(30000, 1001),
    Fraction(30),
    Fraction(48000, 1001),
    Fraction(48),
    Fraction(50),
    Fraction(60000, 1001),
    Fraction(60),
    Fraction(100),
    Fraction(120000, 1001),
    Fraction(120),
]

# Tags cameras and NLEs use for the reel / tape / clip name, most specific first.
REEL_TAGS = (
    "reel_name",
    "com.apple.quicktime.reel",
    "com.apple.proapps.reel",
    "reel",
    "tape_name",
    "tapename",
    "com.sony.bprl.mxf.reelname",
)

_TIMECODE_RE = re.compile(r"^(\d{1,2})[:;.](\d{2})[:;.](\d{2})([:;.])(\d{2,3})$")

# Leading bytes of containers we accept; a file that starts like media but cannot be
# opened is "truncated or corrupt" rather than "not a media file".
_MAGIC_AT_0 = (
    b"RIFF",
    b"RF64",
    b"FORM",
    b"ID3",
    b"OggS",
    b"fLaC",
    b"\x1a\x45\xdf\xa3",
    b"\x06\x0e\x2b\x34",
)
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"uuid")


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Read a media file's metadata without decoding it.

    Raises ``MediaError`` (with ``path``) for a missing path, a directory, an empty file,
    a file that is not media, a truncated/corrupt file, a permission problem, or a file
    with no audio or video streams.
    """
    p = Path(path)
    name = str(path)
    size = _check_file(p, name)
    try:
        # Never a URL: see media.local (a camera file named "http:..." stays a file).
        container = av.open(
            local_url(p), mode="r", metadata_errors="replace", options=dict(LOCAL_ONLY)
        )
    except PermissionError:
        raise MediaError("permission denied", path=name) from None
    except FileNotFoundError:
        raise MediaError("no such file", path=name) from None
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise _open_error(p, name, exc) from None
    try:
        return _read_info(container, name, size)
    except MediaError:
        raise
    except (av.error.FFmpegError, OSError, ValueError, ZeroDivisionError) as exc:
        raise MediaError(f"truncated or corrupt ({_reason(exc)})", path=name) from None
    finally:
        container.close()


def _check_file(p: Path, name: str) -> int:
    """The cheap checks that give a clearer message than libavformat would."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise MediaError("no such file", path=name) from None
    except PermissionError:
        raise MediaError("permission denied", path=name) from None
    except OSError as exc:
        raise MediaError(f"cannot read ({exc.strerror or exc})", path=name) from None
    if stat.S_ISDIR(st.st_mode):
        raise MediaError("is a directory, not a media file", path=name)
    if not stat.S_ISREG(st.st_mode):
        raise MediaError("not a regular file", path=name)
    if st.st_size == 0:
        raise MediaError("empty file (0 bytes)", path=name)
    if not os.access(p, os.R_OK):
        raise MediaError("permission denied", path=name)
    return st.st_size


def _open_error(p: Path, name: str, exc: Exception) -> MediaError:
    if isinstance(exc, av.error.PermissionError):
        return MediaError("permission denied", path=name)
    if _looks_like_media(p):
        return MediaError(f"truncated or corrupt ({_reason(exc)})", path=name)
    return MediaError(f"not a media file or unsupported format ({_reason(exc)})", path=name)


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).strip().rstrip(".").lower() or "unreadable"


def _looks_like_media(p: Path) -> bool:
    try:
        with p.open("rb") as f:
            head = f.read(12)
    except OSError:
        return False
    if head.startswith(_MAGIC_AT_0):
        return True
    if len(head) >= 8 and head[4:8] in _MP4_BOXES:
        return True
    # MPEG-TS sync byte, MPEG-PS pack header, MXF partition key prefix.
    return head[:1] == b"\x47" or head.startswith(b"\x00\x00\x01\xba")


def _read_info(container: av.container.InputContainer, name: str, size: int) -> MediaInfo:
    streams = list(container.streams)
    if not streams:
        raise MediaError("no audio or video streams", path=name)
    audio = [s for s in streams if s.type == "audio"]
    video = [
        s
        for s in streams
        if s.type == "video" and not (s.disposition & av.stream.Disposition.attached_pic)
    ]
    if not audio and not video:
        raise MediaError("no audio or video streams", path=name)
    data = [s for s in streams if s.type == "data"]

    _check_complete(container, audio + video, size, name)
    info = MediaInfo(
        path=name,
        container=_container_name(container),
        duration=_duration(container, streams, size),
        size_bytes=size,
        tags={str(k): str(v) for k, v in container.metadata.items()},
    )
    for s in audio:
        cc = s.codec_context
        info.audio_streams.append(
            AudioStreamInfo(
                index=s.index,
                codec=cc.name if cc is not None else "unknown",
                channels=int(getattr(cc, "channels", 0) or 0),
                sample_rate=int(getattr(cc, "sample_rate", 0) or 0),
                channel_layout=_layout(cc),
            )
        )
    if video:
        v = video[0]
        info.video_codec = v.codec_context.name if v.codec_context is not None else "unknown"
        vcc: Any = v.codec_context  # a video stream's: PyAV types it as the base class
        info.width = vcc.width or None
        info.height = vcc.height or None
        rate = _frame_rate(v)
        if rate is not None:
            info.fps_num, info.fps_den = rate.numerator, rate.denominator

    # Timecode: the tmcd track is what NLEs read, then the video stream, then the container.
    tagged: list[Any] = [*data, *video, container]  # all carry .metadata
    for obj in tagged:
        tc = _timecode(obj.metadata.get("timecode"))
        if tc is not None:
            info.start_timecode, info.drop_frame = tc
            break
    info.reel = _first_tag(tagged + audio, REEL_TAGS)
    info.creation_time = _creation_time([container, *video, *audio, *data])
    return info


def _check_complete(container, streams: list, size: int, name: str) -> None:
    """Catch a partial copy of a MOV/MP4 whose index (``moov``) was written up front.

    Such a file opens fine and claims its full duration, but the payload that the index
    describes (stream bit rates x duration, computed by libavformat from the sample
    tables) is far larger than the bytes on disk. The margin is wide so that a complete
    file can never be refused.
    """
    if not container.format.name.startswith("mov,") or not container.duration:
        return
    seconds = container.duration / av.time_base
    rates = [s.codec_context.bit_rate for s in streams if s.codec_context is not None]
    if not rates or not all(rates):
        return
    expected = sum(rates) * seconds / 8
    if expected > size * 1.2 + 65536:
        raise MediaError(
            f"truncated or corrupt (file has {size} bytes, its index describes about "
            f"{int(expected)}: an incomplete copy?)",
            path=name,
        )


def _container_name(container: av.container.InputContainer) -> str:
    """A short name: libavformat calls mov and mp4 both "mov,mp4,m4a,3gp,3g2,mj2"."""
    full = container.format.name
    if full.startswith("mov,"):
        brand = container.metadata.get("major_brand", "").strip().lower()
        if brand == "qt":
            return "mov"
        if brand.startswith("m4a"):
            return "m4a"
        if brand.startswith("3g"):
            return "3gp"
        return "mp4"
    return full.split(",")[0]


def _duration(container: av.container.InputContainer, streams: list, size: int) -> float:
    """Container duration, else the longest stream; never negative or NaN.

    For uncompressed PCM the duration can be bounded by the bytes actually present, so a
    truncated WAV whose header still claims the full length reports what is really there.
    """
    seconds = 0.0
    if container.duration is not None and container.duration > 0:
        seconds = container.duration / av.time_base
    if not _finite_positive(seconds):
        seconds = 0.0
        for s in streams:
            if s.duration and s.time_base:
                seconds = max(seconds, float(s.duration * s.time_base))
    if not _finite_positive(seconds):
        seconds = 0.0
    bound = _pcm_bound(streams, size)
    if bound is not None and (seconds == 0.0 or seconds > bound + 0.05):
        seconds = bound
    if seconds == 0.0 and container.bit_rate:
        seconds = size * 8 / container.bit_rate
    return round(seconds, 6) if _finite_positive(seconds) else 0.0


def _pcm_bound(streams: list, size: int) -> float | None:
    """Upper bound on duration of a file holding only uncompressed PCM audio."""
    if len(streams) != 1 or streams[0].type != "audio":
        return None
    cc = streams[0].codec_context
    if cc is None or not cc.name.startswith("pcm_"):
        return None
    rate = cc.bit_rate or 0
    if not rate and cc.sample_rate and getattr(cc, "channels", 0):
        bits = cc.format.bits if cc.format is not None else 16
        rate = cc.sample_rate * cc.channels * bits
    return size * 8 / rate if rate else None


def _finite_positive(x: float) -> bool:
    return math.isfinite(x) and x > 0


def _layout(cc) -> str:
    try:
        name = cc.layout.name if cc is not None and cc.layout is not None else ""
    except (AttributeError, ValueError):
        return ""
    # WAV files without a channel mask report "1 channels"/"2 channels".
    return {"1 channels": "mono", "2 channels": "stereo"}.get(name, name)


def _frame_rate(stream) -> Fraction | None:
    candidates = []
    for attr in ("average_rate", "base_rate", "guessed_rate"):
        rate = getattr(stream, attr, None)
        if rate and rate > 0:
            candidates.append(Fraction(rate.numerator, rate.denominator))
    if not candidates:
        return None
    for rate in candidates:
        for std in STANDARD_RATES:
            if abs(rate - std) / std < Fraction(5, 10000):
                return std
    return candidates[0].limit_denominator(1001000)


def _timecode(value: str | None) -> tuple[str, bool] | None:
    """Normalise ``HH:MM:SS:FF`` / ``HH:MM:SS;FF`` / ``HH:MM:SS.FF`` to tapelog's form."""
    if not value:
        return None
    m = _TIMECODE_RE.match(value.strip())
    if not m:
        return None
    hh, mm, ss, sep, ff = m.groups()
    drop = sep in ";." or ";" in value
    return f"{int(hh):02d}:{mm}:{ss}{';' if drop else ':'}{ff}", drop


def _first_tag(objs: list, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        for obj in objs:
            for k, v in obj.metadata.items():
                if k.lower() == key and str(v).strip():
                    return str(v).strip()
    return None


def _creation_time(objs: list) -> str | None:
    """ISO 8601 UTC (``2024-03-02T09:15:00Z``); zero/epoch dates that muxers write are None."""
    for obj in objs:
        raw = obj.metadata.get("creation_time")
        if not raw:
            continue
        try:
            dt = datetime.fromisoformat(raw.strip().replace(" ", "T"))
        except ValueError:
            return raw.strip()
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        dt = dt.astimezone(UTC)
        if dt.year <= 1970:
            continue
        fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if dt.microsecond else "%Y-%m-%dT%H:%M:%SZ"
        return dt.strftime(fmt)
    return None
