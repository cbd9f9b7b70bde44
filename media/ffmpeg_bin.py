"""Finding the ffmpeg binary.

Users' machines have no system ffmpeg, so the imageio-ffmpeg wheel's bundled binary is
the fallback; a system ffmpeg on PATH wins because it is usually newer and has more
codecs. ``TAPELOG_FFMPEG`` overrides both (tests, odd installs).
"""

from __future__ import annotations

import os
import shutil
from functools import lru_cache

from tapelog.archive.errors import FFmpegNotFoundError

ENV_VAR = "TAPELOG_FFMPEG"


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary to run (cached; the env override is read every call)."""
    override = os.environ.get(ENV_VAR)
    if override:
        found = shutil.which(override)
        if not found:
            raise FFmpegNotFoundError(
                f"{ENV_VAR}={override!r} is not an executable ffmpeg; unset it or fix the path"
            )
        return found
    return _default_ffmpeg()


@lru_cache(maxsize=1)
def _default_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # noqa: BLE001 - imageio-ffmpeg raises RuntimeError when its binary is gone
        raise FFmpegNotFoundError(
            "ffmpeg not found: no ffmpeg on PATH and imageio-ffmpeg has no binary "
            f"({exc}); reinstall tapelog or install ffmpeg"
        ) from None
    if not exe or not os.path.isfile(exe):
        raise FFmpegNotFoundError(
            "ffmpeg not found: no ffmpeg on PATH and imageio-ffmpeg has no binary; "
            "reinstall tapelog or install ffmpeg"
        )
    return exe
