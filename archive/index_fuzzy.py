"""Fuzzy search over the index: misspellings and Whisper's mishearings.

Each query word is expanded to similar words of the index vocabulary (rapidfuzz:
edit distance, and Jaro-Winkler for names that keep their start, "Jingle" for
"Jingjun"); lines holding the most selective of them are read from FTS5 and re-ranked
against the whole query. The vocabulary (terms and their line counts) is kept in the
index file (``vocab_cache``) and read once per process. A mixin of ``SearchIndex``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler
from tapelog.archive.matchspan import RawHit, best_window
from tapelog.archive.searchtext import query_terms

JW_DISCOUNT = 7.0
HIT_COLUMNS = 's.media_id, s.seg_index, s.start, s."end", s.speaker, s.language, s.text'


class FuzzySearch:
    """Fuzzy search; needs ``_connect``, ``_lock``, ``_where``, ``_finish``, ``_with_pinyin``."""

    _vocab: tuple[list[str], list[int]] | None
    _total_docs: int

    def _load_vocab(self) -> tuple[list[str], list[int]]:
        """Every indexed word with its document count, for fuzzy expansion.

        Reading ``fts5vocab`` walks the whole index (seconds at 600k segments), so the
        result is kept in ``vocab_cache`` and recomputed only after the index changed.
        """
        if self._vocab is None:
            conn = self._connect()
            fresh = conn.execute("SELECT value FROM info WHERE key = 'vocab_fresh'").fetchone()
            if fresh is None or fresh[0] != "1":
                with conn:
                    conn.execute("DELETE FROM vocab_cache")
                    conn.execute("INSERT INTO vocab_cache (term, doc) SELECT term, doc FROM vocab")
                    conn.execute(
                        "INSERT OR REPLACE INTO info (key, value) VALUES ('rows', ?)",
                        (str(conn.execute("SELECT count(*) FROM segments").fetchone()[0]),),
                    )
                    conn.execute(
                        "INSERT OR REPLACE INTO info (key, value) VALUES ('vocab_fresh', '1')"
                    )
            rows = conn.execute("SELECT term, doc FROM vocab_cache").fetchall()
            self._vocab = ([r[0] for r in rows], [r[1] for r in rows])
            total = conn.execute("SELECT value FROM info WHERE key = 'rows'").fetchone()
            self._total_docs = int(total[0])
        return self._vocab

    def _similar(self, word: str, limit: int = 12) -> dict[str, float]:
        """Index words close to ``word`` with their similarity (0-100)."""
        terms, _docs = self._load_vocab()
        if len(word) <= 2 or word.isdigit():
            return {word: 100.0}  # 1995 is not 1996: numbers match exactly
        cutoff = 80 if len(word) <= 4 else 72
        found = process.extract(word, terms, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        out = {t: float(score) for t, score, _i in found}
        # Mishearings keep the start of a name and lose its end ("Jingle" for
        # "Jingjun"): Jaro-Winkler weighs the shared start, a little discounted.
        heard = process.extract(
            word,
            terms,
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=(cutoff + JW_DISCOUNT) / 100,
            limit=limit,
        )
        for t, score, _i in heard:
            out[t] = max(out.get(t, 0.0), score * 100 - JW_DISCOUNT)
        out[word] = 100.0
        return out

    def similar_terms(self, word: str, limit: int = 12) -> list[str]:
        """Index words close to ``word`` (spelling or hearing), the word itself first."""
        found = self._similar(word, limit)
        return [word] + [t for t in sorted(found, key=lambda t: -found[t]) if t != word]

    def search_fuzzy(
        self,
        query: str,
        *,
        limit: int = 50,
        media_ids: Iterable[str] | None = None,
        speakers: Iterable[tuple[str, str]] | None = None,
        languages: Iterable[str] | None = None,
        accept=None,
        min_score: float = 70.0,
        candidates: int = 3000,
    ) -> list[RawHit]:
        """Segments that approximately contain the query, best match first."""
        toks = query_terms(query)
        where, params = self._where(media_ids, speakers, languages)
        with self._lock:
            sims = [self._similar(tok) for tok in toks]
            rows = self._fuzzy_candidates(toks, sims, where, params, candidates)
            hits = self._rank(toks, sims, rows, limit, min_score, accept)
            seen = {(h.media_id, h.seg_index) for h in hits}
            return self._with_pinyin(query, hits, limit, seen, where, params, accept)

    def _fuzzy_candidates(
        self, toks: list[str], sims: list[dict[str, float]], where: str, params: list,
        candidates: int,
    ) -> list[tuple]:  # fmt: skip
        terms, docs = self._load_vocab()
        doc_freq = dict(zip(terms, docs, strict=True))
        groups = [list(sim) for sim in sims]
        # Whisper splits and joins words ("Jing June" for "Jingjun"): try pairs joined.
        groups += [self.similar_terms(a + b, limit=6) for a, b in zip(toks, toks[1:], strict=False)]
        sized = []
        for group in groups:
            present = [t for t in group if doc_freq.get(t, 0) > 0]
            if present:
                sized.append((sum(doc_freq[t] for t in present), present))
        if not sized:
            return []
        # Retrieve by the most selective words only; the re-ranking looks at the whole
        # query. Common words ("the") would make every line a candidate.
        sized.sort(key=lambda x: x[0])
        chosen = list(sized[0][1])
        if len(sized) > 1 and sized[1][0] <= 4 * sized[0][0]:
            chosen += sized[1][1]
        sql = (
            f"SELECT {HIT_COLUMNS}, fts.norm, s.times, s.id FROM fts JOIN segments s "
            f"ON s.id = fts.rowid WHERE fts MATCH ?{where} LIMIT ?"
        )
        conn = self._connect()
        match = " OR ".join(f'"{t}"' for t in sorted(set(chosen)))
        rows = conn.execute(sql, [match, *params, candidates]).fetchall()
        # A name typed in two parts ("Tai Yuan", "Gao Feng") that the index holds as
        # one word: its lines are candidates too, however common the parts are.
        joined = {a + b for a, b in zip(toks, toks[1:], strict=False)} - set(chosen)
        joined = {t for t in joined if doc_freq.get(t, 0) > 0}
        if joined:
            have = {r[9] for r in rows}
            match = " OR ".join(f'"{t}"' for t in sorted(joined))
            more = conn.execute(sql, [match, *params, candidates]).fetchall()
            rows += [r for r in more if r[9] not in have]
        return rows

    def _rank(
        self, toks: list[str], sims: list[dict[str, float]], rows: list[tuple], limit: int,
        min_score: float, accept,
    ) -> list[RawHit]:  # fmt: skip
        if not rows:
            return []
        qnorm = " ".join(toks)
        norms = [r[7] for r in rows]
        scores = process.cdist([qnorm], norms, scorer=fuzz.partial_ratio)[0]
        if len(toks) > 1:
            whole = process.cdist([qnorm], norms, scorer=fuzz.token_set_ratio)[0] * 0.95
            scores = np.maximum(scores, whole)
        # Each query word matched to its best word anywhere in the line, so words
        # that are apart in the line ("Fujian ... station") still count.
        per_word = np.array(
            [
                sum(max((sim.get(t, 0.0) for t in set(norm.split())), default=0.0)
                    for sim in sims) / len(sims)
                for norm in norms
            ]
        )  # fmt: skip
        scores = np.maximum(scores, per_word * (0.97 if len(toks) > 1 else 1.0))
        hits: list[tuple[RawHit, int]] = []
        for i in np.argsort(-scores, kind="stable"):
            score = float(scores[i])
            if score < min_score:
                break
            hit = RawHit(*rows[i][:7], score=round(score, 1))
            if accept is not None and not accept(hit):
                continue
            hits.append((hit, i))
            if len(hits) >= limit * 3:
                break
        hits.sort(key=lambda h: (-h[0].score, h[0].media_id, h[0].start))
        out = []
        for hit, i in hits[:limit]:
            norm = norms[i]
            out.append(self._finish(hit, norm, rows[i][8], best_window(norm.split(), sims)))
        return out
