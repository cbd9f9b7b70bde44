"""Local files are opened as local files, by PyAV and by ffmpeg alike.

libavformat reads a name as a URL when it starts with ``word:``: a clip on a camera
card named ``http:/10.0.0.5/x.mp4`` (a folder ``http:`` holding ``x.mp4``) would make
a probe send an HTTP request, ``concat:/a.wav|/b.wav`` would read two other files, and
a real file named ``file:x.mov`` would not be found. So every media path handed to
libavformat is absolute and prefixed ``file:`` (the file protocol takes the rest of
the name as it is), and opened with ``protocol_whitelist=file``: even a file whose
content is a playlist (HLS, a concat script) cannot reach the network from inside.
"""

from __future__ import annotations

import os

# libavformat's option: the protocols an input (and anything it opens) may use.
LOCAL_ONLY = {"protocol_whitelist": "file"}


def local_url(path: str | os.PathLike[str]) -> str:
    """``file:/absolute/path``: never a protocol, never an option (a leading ``-``)."""
    return "file:" + os.path.abspath(os.fspath(path))
