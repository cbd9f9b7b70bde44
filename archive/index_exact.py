"""Exact search over the index: the query's words as a phrase, then Chinese by sound.

Lines with Chinese also have their pinyin indexed (``pyfts``): a pinyin query, or
characters that sound the same, find them, ranked below lines with the exact
characters. Every query runs inside the search's ``Scope`` (filters first).
"""

from __future__ import annotations

from tapelog.archive.index_core import HIT_COLUMNS, IndexCore, hit_of
from tapelog.archive.index_scope import Needle, Scope, scoped_select
from tapelog.archive.matchspan import RawHit, phrase_at
from tapelog.archive.searchtext import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    has_han,
    pinyin_query,
    query_terms,
)

PINYIN_SCORE = 90.0  # sounds the same (pinyin): below the exact characters
SCAN = 400

# One matched line: the hit, its indexed text, its word times, its row id.
Found = tuple[RawHit, str, bytes | None, int]
FOUND_COLUMNS = f"{HIT_COLUMNS}, {{text}}, s.times, s.id"


class ExactSearch(IndexCore):
    """Phrase search and the pinyin look-alikes every search adds after its hits."""

    def _scoped(
        self, table: str, scope: Scope, match: str, needle: Needle, columns: str = FOUND_COLUMNS
    ) -> tuple[str, list] | None:
        return scoped_select(self._connect(), columns, table, scope, match, needle)

    def _postings(self, toks: list[str], scope: Scope) -> int | None:
        """How many line-list entries FTS5 reads to match these words: the sum of their
        line counts (None: unknown; 0: a word no line holds, the index being current).

        Read from ``vocab_cache`` (a few look-ups), only when a filter needs it.
        """
        if not scope.by_rows():
            return None
        words = sorted(set(toks))
        marks = ",".join("?" * len(words))
        sql = f"SELECT count(*), total(doc) FROM vocab_cache WHERE term IN ({marks})"
        known, total = self._connect().execute(sql, words).fetchone()
        if known < len(words):  # a word the index does not hold: no line, if up to date
            return 0 if self._vocab_fresh() else None
        return int(total)

    def _vocab_fresh(self) -> bool:
        row = self._connect().execute("SELECT value FROM info WHERE key = 'vocab_fresh'").fetchone()
        return row is not None and row[0] == "1"

    def search_exact(self, query: str, *, limit: int = 50, scope: Scope | None = None,
                     scan: int = SCAN) -> list[RawHit]:  # fmt: skip
        """Segments containing the query's words as a phrase, then pinyin look-alikes.

        Every hit is an exact match, so ranking by bm25 over all of them (tens of
        thousands for a common phrase) buys nothing and costs much: the first ``scan``
        matches are read in archive order and the lines the phrase fills most (a quote
        rather than a passing mention) come first. Lines that match only by sound
        (pinyin: a romanised name, homophone characters) follow, scored lower.
        """
        toks = query_terms(query)
        scope = scope or Scope()
        qlen = len(" ".join(toks))
        with self._lock:
            needle = Needle([toks], self._postings(toks, scope))
            sel = self._scoped("fts", scope, '"' + " ".join(toks) + '"', needle)
            if sel is None:
                return []
            found = self._scan(*sel, max(scan, limit))
            found.sort(key=lambda r: -qlen / max(qlen, len(r[0].text)))
            hits = [self._finish(h, norm, blob, phrase_at(norm.split(), toks))
                    for h, norm, blob, _id in found[:limit]]  # fmt: skip
            seen = {(h.media_id, h.seg_index) for h, *_x in found}
            return self._with_pinyin(query, hits, limit, seen, scope)

    def _with_pinyin(self, query: str, hits: list[RawHit], limit: int,
                     seen: set[tuple[str, int]], scope: Scope) -> list[RawHit]:  # fmt: skip
        """Add the lines that match by sound after the ones that match as typed.

        Homophone characters only fill what is left. A romanised query ("Jingjun") is
        another way of writing the name, so its Chinese lines keep a third of the
        places even when English lines with the name fill the list.
        """
        room = limit - len(hits)
        if not has_han(query):
            room = max(room, max(1, limit // 3))
        if room <= 0:
            return hits
        more = self._pinyin_hits(query, room, seen, scope)
        return hits[: limit - len(more)] + more

    def _scan(self, sql: str, params: list, at_most: int) -> list[Found]:
        out: list[Found] = []
        for row in self._connect().execute(sql, params):
            out.append((hit_of(row, 100.0), row[7], row[8], row[9]))
            if len(out) >= at_most:
                break
        return out

    def _pinyin_hits(
        self, query: str, limit: int, seen: set[tuple[str, int]], scope: Scope
    ) -> list[RawHit]:
        """Lines whose Chinese sounds like the query (pinyin, or homophone characters)."""
        syllables = pinyin_query(query[:MAX_QUERY_CHARS])
        if not syllables:
            return []
        syllables = syllables[:MAX_QUERY_TOKENS]
        sel = self._scoped("pyfts", scope, '"' + " ".join(syllables) + '"', Needle([syllables]))
        if sel is None:
            return []
        rows = self._scan(*sel, max(SCAN, limit))
        out = []
        for hit, py, blob, _rid in rows:
            if (hit.media_id, hit.seg_index) in seen:
                continue
            hit.score = PINYIN_SCORE
            out.append(self._finish(hit, py, blob, phrase_at(py.split(), syllables)))
            if len(out) >= limit:
                break
        return out
