"""One error hierarchy for the whole of tapelog.

Every error a user can cause (a bad path, a corrupt file, an unknown id) is a
``TapelogError``: the CLI prints its message as one line and exits non-zero, the TUI
shows it in a dialog. Anything else is a bug and may show a traceback.
"""

from __future__ import annotations


def _visible(char: str) -> str:
    if char.isprintable() or char == " ":
        return char
    return repr(char)[1:-1]


class TapelogError(Exception):
    """Base of every error caused by input, environment or archive state."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        text = f"{path}: {message}" if path else message
        # One line, always: a file name or a CSV header may carry newlines or escapes.
        super().__init__("".join(_visible(c) for c in text))


class UsageError(TapelogError):
    """The user asked for something that does not make sense (exit 2)."""

    exit_code = 2


class NotFoundError(TapelogError):
    """An id or path that does not exist."""


class MediaError(TapelogError):
    """A media file that cannot be read: missing, empty, not media, truncated."""


class NoAudioError(MediaError):
    """The media has no audio stream, so it cannot be transcribed."""


class FFmpegNotFoundError(TapelogError):
    """No ffmpeg binary on PATH nor from imageio-ffmpeg."""


class ModelError(TapelogError):
    """A Whisper model that cannot be found or loaded."""


class TranscriptionError(TapelogError):
    """The speech engine failed on a file."""


class StoreError(TapelogError):
    """The archive store cannot be opened or written."""


class StoreCorruptError(StoreError):
    """The store file is not valid; it is never overwritten, only restored."""


class UnsafeRecordError(StoreError):
    """A store record whose id or path would lead outside the archive (hostile or damaged)."""


class ReadOnlyArchiveError(StoreError):
    """The archive directory cannot be written to."""


class LockTimeoutError(StoreError):
    """Another tapelog process holds the archive's writer lock for too long."""


class ImportFormatError(TapelogError):
    """A CSV/JSON file of case records or people that cannot be read."""


class ExportError(TapelogError):
    """An export that cannot be written."""


class Cancelled(TapelogError):
    """Long work stopped because the user asked to."""

    exit_code = 130
