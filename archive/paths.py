"""Ids from store records become file paths here, and only here.

A store file may come from anywhere: an archive another crew exported, a hand edit, a
damaged disk. A transcript record whose id is ``../../../outside/victim`` must never
make ``transcribe`` write, or ``show`` read, a file outside the archive. So an id is
accepted only if it matches one strict pattern (letters, digits, ``-`` and ``_``; no
dots, no separators, no control characters, at most 64 characters), and the path
built from it is then checked to lie inside the archive's transcript folder before it
is returned. Every reader and writer of transcript files (show, search, exports,
transcribe, check, archive import) asks this module for the path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tapelog.archive.errors import UnsafeRecordError

TRANSCRIPTS_DIR = "transcripts"

# What ``Store.next_id`` makes (``m12``, ``tr3``, ``case-7``) and nothing that can climb
# out of a folder, name a hidden file, or mean something to a shell or ffmpeg.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def is_safe_id(value: Any) -> bool:
    """Whether ``value`` is a string id that may become part of a file name."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def shown_id(value: Any) -> str:
    """A hostile id as it may be printed in one line: cut short, escapes visible."""
    text = repr(value) if not isinstance(value, str) else value
    return text[:60] + ("..." if len(text) > 60 else "")


def safe_id(value: Any, what: str = "id") -> str:
    """``value`` if it is a safe id, else ``UnsafeRecordError`` naming it."""
    if is_safe_id(value):
        return value
    raise UnsafeRecordError(
        f"the store holds a {what} '{shown_id(value)}' that is not a valid id "
        "(letters, digits, - and _ only); nothing was read or written for it. "
        "`tapelog check` lists such records"
    )


def transcripts_dir(root: str | os.PathLike[str]) -> Path:
    return Path(root) / TRANSCRIPTS_DIR


def transcript_path(root: str | os.PathLike[str], media_id: Any, transcript_id: Any) -> Path:
    """``transcripts/<media_id>/<transcript_id>.jsonl`` of the archive at ``root``.

    Raises ``UnsafeRecordError`` if either id is not a safe id. The result is also
    checked (lexically: the ids hold no separators or dots) to be inside the folder.
    """
    return Path(transcript_file(os.path.join(root, TRANSCRIPTS_DIR), media_id, transcript_id))


def transcript_file(transcripts_root: str, media_id: Any, transcript_id: Any) -> str:
    """``transcript_path`` as a plain string below an already known transcripts folder.

    The search index asks for 10,000 of these on a big archive; pathlib would cost a
    quarter second there, a regex match and a join cost microseconds.
    """
    mid = safe_id(media_id, "media id")
    tid = safe_id(transcript_id, "transcript id")
    path = os.path.join(transcripts_root, mid, f"{tid}.jsonl")
    if os.path.dirname(os.path.dirname(path)) != os.path.normpath(transcripts_root):
        raise UnsafeRecordError(f"refusing a transcript path outside the archive: {path}")
    return path


def is_file_there(path: str | os.PathLike[str]) -> bool:
    """Whether a media file a record names is there. False, not an error, for a path
    no file can have: an imported record's name too long for the file system (found by
    the fuzzer: ``Path.is_file`` raised ENAMETOOLONG), a NUL in it, a denied folder."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


_LINE_BREAKS = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path (or file name) as one field of a line of output: its tabs and line
    breaks written as ``\\t``, ``\\n``, ``\\r``. A file called "bad\\nname.wav" on a
    card split `tapelog import`'s and `list`'s tab-separated lines in two. (Other
    control characters the command line escapes for any text: ``cli.terminal``.)"""
    return os.fspath(path).translate(_LINE_BREAKS)


def is_other_file(path: str | os.PathLike[str], size: object) -> bool:
    """Whether the file at a media record's path is not the one imported: its size is
    not ``size``, the size the record says it had (a stat, no read). False when the
    record holds no size (a record from elsewhere is not trusted to) or nothing can be
    stat'ed there (``is_file_there`` says that). ``check`` reports such a file and
    ``relink`` looks for the original."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return False
    try:
        return Path(path).stat().st_size != size
    except (OSError, ValueError):
        return False


def inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` resolves (links followed) to a place inside ``root``."""
    base = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def writable_transcript_path(
    root: str | os.PathLike[str], media_id: Any, transcript_id: Any
) -> Path:
    """``transcript_path`` for writing: also refused if a link on the way leads out.

    An archive tapelog made has no links in ``transcripts/``; an imported one cannot
    bring any (import takes plain files only). A link someone planted by hand is the
    last way out, and writing is where it would do harm.
    """
    path = transcript_path(root, media_id, transcript_id)
    if not inside(root, path):
        raise UnsafeRecordError(
            "refusing to write a transcript through a link that leads outside the archive",
            path=str(path),
        )
    return path


# Fields of store records that become file names (transcripts/<media>/<transcript>.jsonl).
PATH_FIELDS = {
    "media": ("id", "transcript_id"),
    "transcripts": ("id", "media_id"),
}


def unsafe_fields(
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
) -> list[tuple[str, str, Any]]:
    """``(table, field, value)`` of every record field that would become a path unsafely.

    ``transcript_id`` may be empty (no transcript yet); every other listed field must be
    a safe id. ``check`` reports these; ``archive import`` refuses a file holding any.
    """
    found: list[tuple[str, str, Any]] = []
    for table, fields in PATH_FIELDS.items():
        for doc in tables.get(table, ()):
            for name in fields:
                value = doc.get(name)
                if name == "transcript_id" and value in (None, ""):
                    continue
                if not is_safe_id(value):
                    found.append((table, name, value))
    return found
