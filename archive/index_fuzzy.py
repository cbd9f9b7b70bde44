"""Fuzzy search over the index: misspellings and Whisper's mishearings.

Each query word is expanded to similar words of the index vocabulary (``Vocabulary``:
a bigram index picks the candidates, rapidfuzz scores them: edit distance, and
Jaro-Winkler for names that keep their start, "Jingle" for "Jingjun"); lines holding
the most selective of them are read from FTS5 inside the search's scope and re-ranked
against the whole query. The vocabulary (terms and their line counts) is kept in the
index file (``vocab_cache``) and loaded, with its bigram index, once per process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from tapelog.archive import index_vocab_file as vocab_file
from tapelog.archive.index_core import HIT_COLUMNS, hit_of
from tapelog.archive.index_exact import ExactSearch
from tapelog.archive.index_scope import Needle, Scope
from tapelog.archive.index_vocab import Vocabulary
from tapelog.archive.matchspan import RawHit, best_window
from tapelog.archive.searchtext import query_terms

if TYPE_CHECKING:
    import numpy as np

# Candidate lines read per query, and re-ranked with the whole query (the rest by
# their words alone): partial_ratio over 3,000 lines would cost 30 ms.
CANDIDATES = 3000
FULL_RANK = 400
CANDIDATE = "s.id, {text}"

Candidate = tuple[int, str]  # a line's row id and its indexed text


class FuzzySearch(ExactSearch):
    """Fuzzy search; the vocabulary is loaded on first use and dropped when it changes."""

    def _load_vocab(self) -> Vocabulary:
        """Every indexed word with its row count, and the index over them.

        Reading ``fts5vocab`` walks the whole index (seconds at 600k segments), so the
        result is kept in ``vocab_cache`` and recomputed only after the index changed.
        """
        if self._vocab is not None:
            return self._vocab
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
                conn.execute("INSERT OR REPLACE INTO info (key, value) VALUES ('vocab_fresh', '1')")
                vocab_file.bump(conn)
        key = vocab_file.key_of(conn)
        vocab = vocab_file.load(conn, key)
        if vocab is None:
            rows = conn.execute("SELECT term, doc FROM vocab_cache").fetchall()
            vocab = Vocabulary([r[0] for r in rows], [r[1] for r in rows])
            vocab_file.save(conn, key, vocab)
        self._vocab = vocab
        return vocab

    def similar_terms(self, word: str, limit: int = 12) -> list[str]:
        """Index words close to ``word`` (spelling or hearing), the word itself first."""
        with self._lock:
            found = self._load_vocab().similar(word, limit)
        return [word] + [t for t in sorted(found, key=lambda t: -found[t]) if t != word]

    def search_fuzzy(self, query: str, *, limit: int = 50, scope: Scope | None = None,
                     min_score: float = 70.0) -> list[RawHit]:  # fmt: skip
        """Segments that approximately contain the query, best match first."""
        toks = query_terms(query)
        scope = scope or Scope()
        with self._lock:
            vocab = self._load_vocab()
            sims = [vocab.similar(tok) for tok in toks]
            found, joined = self._fuzzy_candidates(toks, sims, scope)
            hits = self._rank(toks, sims, found, joined, limit, min_score)
            seen = {(h.media_id, h.seg_index) for h in hits}
            return self._with_pinyin(query, hits, limit, seen, scope)

    def _fuzzy_candidates(
        self, toks: list[str], sims: list[dict[str, float]], scope: Scope
    ) -> tuple[list[Candidate], int]:
        """Lines holding the most selective similar words; and where the lines found
        only through two query words joined (re-ranked whole, always) begin.

        Only the row id and the indexed text are read: the rest of the 3,000 lines
        (text as written, word times) cost 20-50 ms at 10,000 hours, and only the
        best few are shown (``_rank`` reads those).
        """
        vocab = self._load_vocab()
        doc_freq = vocab.doc_freq
        groups = [list(sim) for sim in sims]
        # Whisper splits and joins words ("Jing June" for "Jingjun"): try pairs joined.
        pairs = [a + b for a, b in zip(toks, toks[1:], strict=False)]
        groups += [list(vocab.similar(p, limit=6)) for p in pairs]
        sized = []
        for group in groups:
            present = [t for t in group if doc_freq.get(t, 0) > 0]
            if present:
                sized.append((sum(doc_freq[t] for t in present), present))
        if not sized:
            return [], 0
        # Retrieve by the most selective words only; the re-ranking looks at the whole
        # query. Common words ("the") would make every line a candidate.
        sized.sort(key=lambda x: x[0])
        chosen = list(sized[0][1])
        if len(sized) > 1 and sized[1][0] <= 4 * sized[0][0]:
            chosen += sized[1][1]
        terms = sorted(set(chosen))
        needle = Needle([[t] for t in terms], sum(doc_freq[t] for t in terms))
        sel = self._scoped("fts", scope, " OR ".join(f'"{t}"' for t in terms), needle, CANDIDATE)
        if sel is None:
            return [], 0
        sql, params = sel
        sql += " LIMIT ?"
        conn = self._connect()
        rows = conn.execute(sql, [*params, CANDIDATES]).fetchall()
        # A name typed in two parts ("Tai Yuan", "Gao Feng") that the index holds as
        # one word: its lines are candidates too, however common the parts are.
        joined = {t for t in set(pairs) - set(chosen) if doc_freq.get(t, 0) > 0}
        found = len(rows)
        if joined:
            have = {r[0] for r in rows}
            parts = sorted(joined)
            needle = Needle([[t] for t in parts], sum(doc_freq[t] for t in parts))
            match = " OR ".join(f'"{t}"' for t in parts)
            more_sel = self._scoped("fts", scope, match, needle, CANDIDATE)
            if more_sel is not None:
                more = conn.execute(more_sel[0] + " LIMIT ?", [*more_sel[1], CANDIDATES])
                rows += [r for r in more.fetchall() if r[0] not in have]
        return rows, found

    @staticmethod
    def _word_scores(sims: list[dict[str, float]], norms: list[str]) -> np.ndarray:
        """Each query word matched to its best word anywhere in the line, averaged.

        Words that are apart in the line ("Fujian ... station") still count. One dict
        of every similar term's scores, so a line's words are looked up once each.
        """
        import numpy as np  # here: an exact search (most CLI runs) never loads numpy

        n = len(sims)
        table: dict[str, list[float]] = {}
        for k, sim in enumerate(sims):
            for t, score in sim.items():
                table.setdefault(t, [0.0] * n)[k] = score
        out = np.zeros(len(norms))
        for i, norm in enumerate(norms):
            best = [0.0] * n
            for word in norm.split():
                scores = table.get(word)
                if scores is not None:
                    best = [max(a, b) for a, b in zip(best, scores, strict=True)]
            out[i] = sum(best) / n
        return out

    def _rank(self, toks: list[str], sims: list[dict[str, float]], rows: list[Candidate],
              joined: int, limit: int, min_score: float) -> list[RawHit]:  # fmt: skip
        if not rows:
            return []
        import numpy as np

        qnorm = " ".join(toks)
        norms = [r[1] for r in rows]
        scores = self._word_scores(sims, norms) * (0.97 if len(toks) > 1 else 1.0)
        # The whole query against the line (a phrase, words split or joined): for the
        # lines whose words already score best, and any that no query word matched.
        top = np.argsort(-scores[:joined], kind="stable")[:FULL_RANK]
        top = np.concatenate([top, np.arange(joined, len(rows))]).astype(int)
        some = [norms[i] for i in top]
        whole = process.cdist([qnorm], some, scorer=fuzz.partial_ratio)[0]
        if len(toks) > 1:
            whole = np.maximum(
                whole, process.cdist([qnorm], some, scorer=fuzz.token_set_ratio)[0] * 0.95
            )
        scores[top] = np.maximum(scores[top], whole)
        best: list[int] = []
        for i in np.argsort(-scores, kind="stable"):
            if float(scores[i]) < min_score or len(best) >= limit * 3:
                break
            best.append(int(i))
        full = self._lines([rows[i][0] for i in best])
        hits = [(hit_of(full[rows[i][0]], round(float(scores[i]), 1)), i) for i in best]
        hits.sort(key=lambda h: (-h[0].score, h[0].media_id, h[0].start))
        out = []
        for hit, i in hits[:limit]:
            norm = norms[i]
            times = full[rows[i][0]][7]
            out.append(self._finish(hit, norm, times, best_window(norm.split(), sims)))
        return out

    def _lines(self, ids: list[int]) -> dict[int, tuple]:
        """The lines to show, by row id: ``HIT_COLUMNS`` and their word times."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = f"SELECT {HIT_COLUMNS}, s.times, s.id FROM segments s WHERE s.id IN ({marks})"
        return {row[8]: row for row in self._connect().execute(sql, ids)}
