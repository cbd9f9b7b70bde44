"""Writing the search index: one media file's lines at a time, the vocabulary kept in step."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence

from tapelog.archive import index_vocab_file as vocab_file
from tapelog.archive.index_core import IndexCore, IndexRow, fts_terms, written
from tapelog.archive.index_scope import note_lines
from tapelog.archive.searchtext import analyse, has_han, pack_times, pinyin_line, token_times


class IndexWriter(IndexCore):
    """Re-index or drop one media file; ``_vocab`` (loaded by fuzzy search) is dropped."""

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
        with self._lock, written(self.path):
            conn = self._connect()
            with conn:
                old = self._media_terms(conn, media_id)
                self._delete(conn, media_id)
                new: Counter[str] = Counter()
                for row in rows:
                    new.update(self._insert(conn, row))
                conn.execute(
                    "INSERT OR REPLACE INTO state (media_id, signature) VALUES (?, ?)",
                    (media_id, signature),
                )
                self._vocab_update(conn, old, new, len(rows))
                note_lines(conn, max((r.end - r.start for r in rows), default=0.0))
            self._vocab = None

    @staticmethod
    def _insert(conn: sqlite3.Connection, row: IndexRow) -> set[str]:
        """One line into the three tables; returns its distinct terms."""
        toks = analyse(row.text, row.language)
        cur = conn.execute(
            'INSERT INTO segments (media_id, seg_index, start, "end", speaker, language, '
            "text, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
        conn.execute("INSERT INTO fts (rowid, norm) VALUES (?, ?)", (cur.lastrowid, norm))
        if has_han(row.text):
            conn.execute(
                "INSERT INTO pyfts (rowid, py) VALUES (?, ?)", (cur.lastrowid, pinyin_line(words))
            )
        return fts_terms(norm)

    def remove_media(self, media_id: str) -> None:
        with self._lock, written(self.path):
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
        vocab_file.bump(conn)  # the saved bigram index no longer matches: built again
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
