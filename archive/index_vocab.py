"""The index's vocabulary, indexed so similar words are found without scoring every term.

A real archive holds tens of thousands of distinct words (70,000 at 1,000 hours of
English). Scoring each against every query word with rapidfuzz, twice (edit distance
and Jaro-Winkler), cost most of a fuzzy search (issue 15). Words that are alike share
letter pairs, so each term is listed under its padded bigrams (``^j ji in ng ge e$``);
a query word's candidates are the terms sharing the most of its bigrams within the
lengths its score cutoff allows, and only the best ``CANDIDATES`` of those are scored.
A test checks the result against scoring the whole vocabulary.

Built once per vocabulary (the index's ``vocab_cache``) in a process: about 0.2 s at
70,000 terms, with the term-to-row-count dict the candidate search needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

if TYPE_CHECKING:
    import numpy as np

JW_DISCOUNT = 7.0
# Terms scored per query word: those sharing the most letter pairs with it.
CANDIDATES = 1500


def bigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def cutoff_for(word: str) -> float:
    """The edit-distance score (0-100) a similar word needs: stricter for short words."""
    return 80.0 if len(word) <= 4 else 72.0


@dataclass
class Vocabulary:
    """Terms with their row counts, a bigram index over them, and their lengths."""

    terms: list[str]
    docs: list[int]
    doc_freq: dict[str, int] = field(init=False)
    _sorted: np.ndarray = field(init=False, repr=False)
    _lengths: np.ndarray = field(init=False, repr=False)
    _starts: np.ndarray = field(init=False, repr=False)
    _postings: dict[str, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import numpy as np  # here, not at the top: every command that opens an archive
        # imports this module, and numpy costs ~100 ms of CPU at start (a fuzzy search
        # builds the vocabulary; `list` and `show` never do)

        self.doc_freq = dict(zip(self.terms, self.docs, strict=True))
        # Terms ordered by length, so the lengths a score allows are one slice of ids.
        order = sorted(range(len(self.terms)), key=lambda i: len(self.terms[i]))
        self._sorted = np.array([self.terms[i] for i in order], dtype=object)
        lengths = np.fromiter((len(t) for t in self._sorted), dtype=np.int32, count=len(order))
        self._starts = np.searchsorted(lengths, np.arange(lengths[-1] + 2 if len(order) else 1))
        lists: dict[str, list[int]] = {}
        for i, term in enumerate(self._sorted):
            for bg in set(bigrams(term)):
                lists.setdefault(bg, []).append(i)
        self._postings = {bg: np.array(ids, dtype=np.int32) for bg, ids in lists.items()}
        self._lengths = lengths

    @classmethod
    def restored(
        cls,
        *,
        terms: list[str],
        docs: list[int],
        sorted_terms: np.ndarray,
        lengths: np.ndarray,
        starts: np.ndarray,
        postings: dict[str, np.ndarray],
    ) -> Vocabulary:
        """A vocabulary from its saved arrays (``index_vocab_file``), not built again."""
        self = cls.__new__(cls)
        self.terms, self.docs = terms, docs
        self.doc_freq = dict(zip(terms, docs, strict=True))
        self._sorted, self._lengths, self._starts = sorted_terms, lengths, starts
        self._postings = postings
        return self

    def __len__(self) -> int:
        return len(self.terms)

    def candidates(self, word: str, cutoff: float, limit: int = CANDIDATES) -> list[str]:
        """Terms that may score ``cutoff`` against ``word``: most shared bigrams first.

        ``fuzz.ratio`` >= c needs the lengths within c / (200 - c) of each other, so
        longer and shorter terms are never scored.
        """
        import numpy as np

        grams = set(bigrams(word))
        found = [self._postings[bg] for bg in grams if bg in self._postings]
        if not found:
            return []
        # fuzz.ratio >= c needs the lengths within c / (200 - c) of each other;
        # Jaro-Winkler (a kept start) allows a longer term, up to twice as long.
        n = len(word)
        shortest = int(np.ceil(n * cutoff / (200.0 - cutoff)))
        top = len(self._starts) - 1
        a, b = self._starts[min(shortest, top)], self._starts[min(2 * n + 2, top)]
        shared = np.bincount(np.concatenate(found), minlength=len(self._sorted))[a:b]
        hit = np.flatnonzero(shared)
        if len(hit) > limit:
            # Dice: the share of both words' letter pairs in common.
            dice = shared[hit] / (self._lengths[hit + a] + 1 + len(grams))
            hit = hit[np.argpartition(-dice, limit - 1)[:limit]]
        return list(self._sorted[hit + a])

    def similar(self, word: str, limit: int = 12) -> dict[str, float]:
        """Terms close to ``word`` in spelling or in sound (kept start), 0-100, itself 100."""
        if len(word) <= 2 or word.isdigit():
            return {word: 100.0}  # 1995 is not 1996: numbers match exactly
        cutoff = cutoff_for(word)
        pool = self.candidates(word, cutoff)
        found = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        out = {t: float(score) for t, score, _i in found}
        # Mishearings keep the start of a name and lose its end ("Jingle" for
        # "Jingjun"): Jaro-Winkler weighs the shared start, a little discounted.
        heard = process.extract(
            word,
            pool,
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=(cutoff + JW_DISCOUNT) / 100,
            limit=limit,
        )
        for t, score, _i in heard:
            out[t] = max(out.get(t, 0.0), score * 100 - JW_DISCOUNT)
        out[word] = 100.0
        return out

    def similar_everywhere(self, word: str, limit: int = 12) -> dict[str, float]:
        """``similar`` scoring every term: what the candidate search is checked against."""
        if len(word) <= 2 or word.isdigit():
            return {word: 100.0}
        cutoff = cutoff_for(word)
        found = process.extract(
            word, self.terms, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit
        )
        out = {t: float(score) for t, score, _i in found}
        heard = process.extract(
            word,
            self.terms,
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=(cutoff + JW_DISCOUNT) / 100,
            limit=limit,
        )
        for t, score, _i in heard:
            out[t] = max(out.get(t, 0.0), score * 100 - JW_DISCOUNT)
        out[word] = 100.0
        return out
