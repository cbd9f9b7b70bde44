"""The search index: SQLite FTS5 over every current transcript, derived from the store.

TinyDB scans every document on every query, far too slow for 600k segments, so
search runs on an FTS5 index in ``index/search.sqlite``. The index is a cache: each
media file's rows carry a signature (transcript version, file size and time, the
corrections made), and ``sync`` re-indexes exactly the media whose signature changed,
drops media that are gone, and rebuilds everything if the file is missing or broken.

Lines and queries go through ``searchtext.analyse`` (spoken numbers as digits, case,
punctuation and diacritics folded, each CJK character a token); the indexed terms keep
the times of the words they came from, so a hit says where its words are
(``matchspan``). Exact search is a phrase query on those terms. Lines with Chinese
also have their pinyin indexed (``pyfts``): a pinyin query, or characters that sound
the same, find them, ranked below lines with the exact characters. Fuzzy
search expands each query word to similar words of the index vocabulary (rapidfuzz),
retrieves candidates with FTS5 and re-ranks them against the whole query, which
tolerates misspellings and Whisper's mishearings ("Jingle" for "Jingjun").
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tapelog.archive.errors import StoreError
from tapelog.archive.index_fuzzy import HIT_COLUMNS, FuzzySearch
from tapelog.archive.matchspan import RawHit, locate, phrase_at
from tapelog.archive.searchtext import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    analyse,
    has_han,
    pack_times,
    pinyin_line,
    pinyin_query,
    query_terms,
    terms,
    token_times,
)
from tapelog.transcribe.types import Word

INDEX_DIR = "index"
INDEX_NAME = "search.sqlite"
INDEX_VERSION = 5
PINYIN_SCORE = 90.0  # sounds the same (pinyin): below the exact characters


def tokens(text: str, language: str | None = None) -> list[str]:
    """Terms of ``text`` as the index holds them (see ``searchtext.analyse``)."""
    return terms(text, language)


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


_HIT_COLUMNS = HIT_COLUMNS


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
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    norm, tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS pyfts USING fts5(py, tokenize='unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
CREATE TABLE IF NOT EXISTS state (media_id TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocab_cache (term TEXT PRIMARY KEY, doc INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@contextlib.contextmanager
def _written(path: Path):
    """SQLite's write errors (disk full, read-only file) as the project's one-line error."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"the search index cannot be written ({exc}); searches still read the store, "
            "free some space and run `tapelog reindex`",
            path=str(path),
        ) from None


class SearchIndex(FuzzySearch):
    """One SQLite FTS5 file; safe to use from several threads (one connection, locked)."""

    def __init__(self, root: Path) -> None:
        self.dir = Path(root) / INDEX_DIR
        self.path = self.dir / INDEX_NAME
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._vocab: tuple[list[str], list[int]] | None = None
        self._total_docs = 0
        self.read_only = False

    # -- connection

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

    # -- maintenance

    def signatures(self) -> dict[str, str]:
        with self._lock:
            conn = self._connect()
            return dict(conn.execute("SELECT media_id, signature FROM state"))

    def replace_media(self, media_id: str, signature: str, rows: Sequence[IndexRow]) -> None:
        """Re-index one media file's segments in one SQLite transaction.

        The fuzzy vocabulary (terms and their row counts) is updated by the difference
        between the old and new rows, so a new transcript does not make the next fuzzy
        search re-read the whole index (4 s at 10,000 hours).
        """
        with self._lock, _written(self.path):
            conn = self._connect()
            with conn:
                old = self._media_terms(conn, media_id)
                self._delete(conn, media_id)
                new: Counter[str] = Counter()
                for row in rows:
                    toks = analyse(row.text, row.language)
                    cur = conn.execute(
                        'INSERT INTO segments (media_id, seg_index, start, "end", speaker, '
                        "language, text, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            row.media_id,
                            row.seg_index,
                            row.start,
                            row.end,
                            row.speaker,
                            row.language,
                            row.text,
                            pack_times(token_times(toks, row.text, row.words), row.start),
                        ),
                    )
                    words = [t.text for t in toks]
                    norm = " ".join(words)
                    conn.execute(
                        "INSERT INTO fts (rowid, norm) VALUES (?, ?)", (cur.lastrowid, norm)
                    )
                    if has_han(row.text):
                        conn.execute(
                            "INSERT INTO pyfts (rowid, py) VALUES (?, ?)",
                            (cur.lastrowid, pinyin_line(words)),
                        )
                    new.update(fts_terms(norm))
                conn.execute(
                    "INSERT OR REPLACE INTO state (media_id, signature) VALUES (?, ?)",
                    (media_id, signature),
                )
                self._vocab_update(conn, old, new, len(rows))
            self._vocab = None

    def remove_media(self, media_id: str) -> None:
        with self._lock, _written(self.path):
            conn = self._connect()
            with conn:
                old = self._media_terms(conn, media_id)
                self._delete(conn, media_id)
                conn.execute("DELETE FROM state WHERE media_id = ?", (media_id,))
                self._vocab_update(conn, old, Counter(), 0)
            self._vocab = None

    @staticmethod
    def _media_terms(conn: sqlite3.Connection, media_id: str) -> tuple[Counter[str], int]:
        terms: Counter[str] = Counter()
        n = 0
        for (norm,) in conn.execute(
            "SELECT f.norm FROM segments s JOIN fts f ON f.rowid = s.id WHERE s.media_id = ?",
            (media_id,),
        ):
            terms.update(fts_terms(norm))
            n += 1
        return terms, n

    @staticmethod
    def _vocab_update(
        conn: sqlite3.Connection, old: tuple[Counter[str], int], new: Counter[str], n_new: int
    ) -> None:
        """Apply a media file's change to ``vocab_cache`` if it is fresh (else it is rebuilt)."""
        fresh = conn.execute("SELECT value FROM info WHERE key = 'vocab_fresh'").fetchone()
        if fresh is None or fresh[0] != "1":
            return
        old_terms, n_old = old
        delta = Counter(new)
        delta.subtract(old_terms)
        conn.executemany(
            "INSERT INTO vocab_cache (term, doc) VALUES (?, ?) "
            "ON CONFLICT(term) DO UPDATE SET doc = doc + excluded.doc",
            [(t, d) for t, d in delta.items() if d],
        )
        conn.executemany(
            "DELETE FROM vocab_cache WHERE term = ? AND doc <= 0",
            [(t,) for t, d in delta.items() if d < 0],
        )
        conn.execute(
            "UPDATE info SET value = CAST(value AS INTEGER) + ? WHERE key = 'rows'",
            (n_new - n_old,),
        )

    @staticmethod
    def _delete(conn: sqlite3.Connection, media_id: str) -> None:
        ids = [
            r[0] for r in conn.execute("SELECT id FROM segments WHERE media_id = ?", (media_id,))
        ]
        if ids:
            conn.executemany("DELETE FROM fts WHERE rowid = ?", ((i,) for i in ids))
            conn.executemany("DELETE FROM pyfts WHERE rowid = ?", ((i,) for i in ids))
            conn.execute("DELETE FROM segments WHERE media_id = ?", (media_id,))

    def count(self) -> int:
        with self._lock:
            return self._connect().execute("SELECT count(*) FROM segments").fetchone()[0]

    # -- queries

    def _where(
        self,
        media_ids: Iterable[str] | None,
        speakers: Iterable[tuple[str, str]] | None,
        languages: Iterable[str] | None,
    ) -> tuple[str, list[object]]:
        """SQL filters; ``speakers`` are (media_id, label) pairs: a name is per file."""
        clauses: list[str] = []
        params: list[object] = []
        keyed = None if speakers is None else [f"{m}\x1f{lb}" for m, lb in speakers]
        for column, values in (
            ("s.media_id", media_ids),
            ("s.media_id || char(31) || s.speaker", keyed),
            ("s.language", languages),
        ):
            if values is not None:
                values = list(values)
                if not values:
                    return " AND 0", []
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        return ("".join(" AND " + c for c in clauses), params)

    def search_exact(
        self,
        query: str,
        *,
        limit: int = 50,
        media_ids: Iterable[str] | None = None,
        speakers: Iterable[tuple[str, str]] | None = None,
        languages: Iterable[str] | None = None,
        accept=None,
        scan: int = 400,
    ) -> list[RawHit]:
        """Segments containing the query's words as a phrase, then pinyin look-alikes.

        Every hit is an exact match, so ranking by bm25 over all of them (tens of
        thousands for a common phrase) buys nothing and costs much: the first ``scan``
        matches are read in archive order and the lines the phrase fills most (a quote
        rather than a passing mention) come first. Lines that match only by sound
        (pinyin: a romanised name, homophone characters) follow, scored lower.
        """
        toks = query_terms(query)
        where, params = self._where(media_ids, speakers, languages)
        sql = (
            f"SELECT {_HIT_COLUMNS}, fts.norm, s.times, s.id "
            f"FROM fts JOIN segments s ON s.id = fts.rowid WHERE fts MATCH ?{where}"
        )
        qlen = len(" ".join(toks))
        with self._lock:
            found = self._scan(sql, ['"' + " ".join(toks) + '"', *params], accept, scan, limit)
            found.sort(key=lambda r: -qlen / max(qlen, len(r[0].text)))
            hits = [self._finish(h, norm, blob, phrase_at(norm.split(), toks))
                    for h, norm, blob, _id in found[:limit]]  # fmt: skip
            seen = {(h.media_id, h.seg_index) for h, *_x in found}
            return self._with_pinyin(query, hits, limit, seen, where, params, accept)

    def _with_pinyin(
        self, query: str, hits: list[RawHit], limit: int, seen: set, where: str, params: list,
        accept,
    ) -> list[RawHit]:  # fmt: skip
        """Add the lines that match by sound after the ones that match as typed.

        Homophone characters only fill what is left. A romanised query ("Jingjun") is
        another way of writing the name, so its Chinese lines keep a third of the
        places even when English lines with the name fill the list.
        """
        latin = not has_han(query)
        room = limit - len(hits)
        if latin:
            room = max(room, max(1, limit // 3))
        if room <= 0:
            return hits
        more = self._pinyin_hits(query, room, seen, where, params, accept)
        return hits[: limit - len(more)] + more

    def _scan(self, sql: str, params: list, accept, scan: int, limit: int) -> list[tuple]:
        out = []
        for row in self._connect().execute(sql, params):
            hit = RawHit(*row[:7], score=100.0)
            if accept is not None and not accept(hit):
                continue
            out.append((hit, row[7], row[8], row[9]))
            if len(out) >= max(scan, limit):
                break
        return out

    @staticmethod
    def _finish(
        hit: RawHit, norm: str, blob: bytes | None, where: tuple[int, int] | None
    ) -> RawHit:
        hit.match = locate(hit.text, hit.language, hit.start, hit.end, blob, where, norm.split())
        return hit

    def _pinyin_hits(
        self, query: str, limit: int, seen: set[int], where: str, params: list, accept
    ) -> list[RawHit]:
        """Lines whose Chinese sounds like the query (pinyin, or homophone characters)."""
        syllables = pinyin_query(query[:MAX_QUERY_CHARS])
        if not syllables:
            return []
        syllables = syllables[:MAX_QUERY_TOKENS]
        sql = (
            f"SELECT {_HIT_COLUMNS}, pyfts.py, s.times, s.id "
            f"FROM pyfts JOIN segments s ON s.id = pyfts.rowid WHERE pyfts MATCH ?{where}"
        )
        rows = self._scan(sql, ['"' + " ".join(syllables) + '"', *params], accept, 400, limit)
        out = []
        for hit, py, blob, _rid in rows:
            if (hit.media_id, hit.seg_index) in seen:
                continue
            hit.score = PINYIN_SCORE
            out.append(self._finish(hit, py, blob, phrase_at(py.split(), syllables)))
            if len(out) >= limit:
                break
        return out

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
