"""The search index's file: its schema, its connection, and the lines around a hit.

The index is a cache of the store in ``index/search.sqlite`` (see ``index``): a file
that is missing, broken or of an older version is rebuilt; one that cannot be written
(a read-only archive, a full disk) is kept in memory for the session.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive.errors import StoreError
from tapelog.archive.matchspan import RawHit, locate
from tapelog.transcribe.types import Word

if TYPE_CHECKING:
    from tapelog.archive.index_vocab import Vocabulary

INDEX_DIR = "index"
INDEX_NAME = "search.sqlite"
INDEX_VERSION = 6  # 6: Chinese numerals and "oh" as digits (the lines' terms changed)
HIT_COLUMNS = 's.media_id, s.seg_index, s.start, s."end", s.speaker, s.language, s.text'

# Tables added since version 6 are created with IF NOT EXISTS: an older file gains
# them without being rebuilt. ``segments_time`` finds the lines a tag's span covers.
SCHEMA = f"""
PRAGMA user_version = {INDEX_VERSION};
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    media_id TEXT NOT NULL,
    seg_index INTEGER NOT NULL,
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    speaker TEXT,
    language TEXT,
    text TEXT NOT NULL,
    times BLOB
);
CREATE UNIQUE INDEX IF NOT EXISTS segments_pos ON segments(media_id, seg_index);
CREATE INDEX IF NOT EXISTS segments_time ON segments(media_id, start);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    norm, tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS pyfts USING fts5(py, tokenize='unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
CREATE TABLE IF NOT EXISTS state (media_id TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocab_cache (term TEXT PRIMARY KEY, doc INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocab_index (
    id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT NOT NULL, data BLOB NOT NULL
);
"""


@dataclass
class IndexRow:
    media_id: str
    seg_index: int
    start: float
    end: float
    speaker: str | None
    language: str | None
    text: str
    words: list[Word] = field(default_factory=list)


def fts_terms(norm: str) -> set[str]:
    """The distinct terms FTS5's ``unicode61`` tokenizer makes of an indexed ``norm``.

    Token characters are letters, numbers and private-use characters; everything else
    (``_`` included, which Python's ``\\w`` keeps) separates. ``norm`` is already
    casefolded and without diacritics, so no further folding is needed. Kept equal to
    ``fts5vocab`` by a test, so the vocabulary can be maintained without re-reading it.
    """
    out: set[str] = set()
    for tok in norm.split():
        if all(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co" for c in tok):
            out.add(tok)
            continue
        word = []
        for c in tok + " ":
            cat = unicodedata.category(c)
            if cat[0] in "LN" or cat == "Co":
                word.append(c)
            elif word:
                out.add("".join(word))
                word = []
    return out


def hit_of(row: Sequence[Any], score: float) -> RawHit:
    """A hit from a row that starts with ``HIT_COLUMNS``."""
    return RawHit(row[0], row[1], row[2], row[3], row[4], row[5], row[6], score=score)


@contextlib.contextmanager
def written(path: Path) -> Iterator[None]:
    """SQLite's write errors (disk full, read-only file) as the project's one-line error."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"the search index cannot be written ({exc}); searches still read the store, "
            "free some space and run `tapelog reindex`",
            path=str(path),
        ) from None


class IndexCore:
    """One SQLite FTS5 file; safe to use from several threads (one connection, locked)."""

    # Fuzzy search's vocabulary, loaded on first use; writers drop it.
    _vocab: Vocabulary | None = None

    def __init__(self, root: Path) -> None:
        self.dir = Path(root) / INDEX_DIR
        self.path = self.dir / INDEX_NAME
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.read_only = False

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            conn = self._open_file()
        except sqlite3.DatabaseError:
            # A broken or outdated index is only a cache: rebuild it from the store.
            with contextlib.suppress(OSError):
                self.path.unlink()
            try:
                conn = self._open_file()
            except (sqlite3.DatabaseError, OSError):
                # Still unopenable: a read-only archive (WAL needs to write beside the
                # file even to read it). Keep the index in memory for this session.
                conn = self._memory()
        except OSError:
            # Read-only archive: keep the index in memory for this session.
            conn = self._memory()
        self._conn = conn
        return conn

    def _memory(self) -> sqlite3.Connection:
        self.read_only = True
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.executescript(SCHEMA)
        return conn

    def _open_file(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, INDEX_VERSION):
            conn.close()
            self.path.unlink()
            conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(SCHEMA)
        conn.execute("SELECT count(*) FROM state").fetchone()
        return conn

    def ensure_saved(self) -> None:
        """Raise unless the index lives in its file (it fell back to memory: full disk).

        ``reindex`` must not say it re-indexed when nothing of it reached the disk.
        """
        with self._lock:
            self._connect()
            if self.read_only:
                raise StoreError(
                    "the search index could not be saved (disk full or read-only archive); "
                    "searches still work, rebuilding it in memory each time",
                    path=str(self.path),
                )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def count(self) -> int:
        with self._lock:
            return int(self._connect().execute("SELECT count(*) FROM segments").fetchone()[0])

    @staticmethod
    def _finish(
        hit: RawHit, norm: str, blob: bytes | None, where: tuple[int, int] | None
    ) -> RawHit:
        hit.match = locate(hit.text, hit.language, hit.start, hit.end, blob, where, norm.split())
        return hit

    def neighbours(self, media_id: str, seg_index: int, lines: int = 1) -> tuple[str, str]:
        """Text of the ``lines`` segments just before and after one, for context."""
        before, after = self.context(media_id, seg_index, lines)
        return " ".join(before), " ".join(after)

    def context(self, media_id: str, seg_index: int, lines: int = 1) -> tuple[list[str], list[str]]:
        """The ``lines`` lines before and after one (fewer at the start or end of a file)."""
        lines = max(0, min(int(lines), 50))
        with self._lock:
            rows = dict(
                self._connect().execute(
                    "SELECT seg_index, text FROM segments WHERE media_id = ? "
                    "AND seg_index BETWEEN ? AND ?",
                    (media_id, seg_index - lines, seg_index + lines),
                )
            )
        before = [rows[i] for i in range(seg_index - lines, seg_index) if i in rows]
        after = [rows[i] for i in range(seg_index + 1, seg_index + lines + 1) if i in rows]
        return before, after
