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

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

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
    _lengths: np.ndarray = field(init=False, repr=False)
    _postings: dict[str, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.doc_freq = dict(zip(self.terms, self.docs, strict=True))
        self._lengths = np.fromiter(
            (len(t) for t in self.terms), dtype=np.int32, count=len(self.terms)
        )
        lists: dict[str, list[int]] = {}
        for i, term in enumerate(self.terms):
            for bg in set(bigrams(term)):
                lists.setdefault(bg, []).append(i)
        self._postings = {bg: np.array(ids, dtype=np.int32) for bg, ids in lists.items()}

    def __len__(self) -> int:
        return len(self.terms)

    def candidates(self, word: str, cutoff: float, limit: int = CANDIDATES) -> list[str]:
        """Terms that may score ``cutoff`` against ``word``: most shared bigrams first.

        ``fuzz.ratio`` >= c needs the lengths within c / (200 - c) of each other, so
        longer and shorter terms are never scored.
        """
        grams = set(bigrams(word))
        found = [self._postings[bg] for bg in grams if bg in self._postings]
        if not found:
            return []
        shared = np.bincount(np.concatenate(found), minlength=len(self.terms))
        n = len(word)
        # fuzz.ratio >= c needs the lengths within c / (200 - c) of each other;
        # Jaro-Winkler (a kept start) allows a longer term, up to twice as long.
        ratio = cutoff / (200.0 - cutoff)
        fits = (self._lengths >= n * ratio) & (self._lengths <= 2 * n + 1)
        hit = np.flatnonzero(np.where(fits, shared, 0))
        if len(hit) > limit:
            # Dice: the share of both words' letter pairs in common.
            dice = shared[hit] / (self._lengths[hit] + 1 + len(grams))
            hit = hit[np.argpartition(-dice, limit - 1)[:limit]]
        return [self.terms[i] for i in hit]

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
