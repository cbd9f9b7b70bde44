"""Where in a line a hit is: the matched words, their text and their times.

Editors cut on the quote, not on the line: a line is often 5-10 s and the words they
searched for can sit 2 s into it. The index keeps each term's word times (from
Whisper's word timestamps); these functions find the matched terms in a line and turn
them into ``match_start``/``match_end`` and the characters to highlight. A line
without word times (an archive older than word timestamps) keeps the line's bounds and
says so (``timed`` False), rather than guessing a cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tapelog.archive.searchtext import analyse, unpack_times


@dataclass
class MatchSpan:
    start: float
    end: float
    lo: int  # characters of the line's text
    hi: int
    timed: bool


@dataclass
class RawHit:
    """One matching line as the index returns it, with where its words are."""

    media_id: str
    seg_index: int
    start: float
    end: float
    speaker: str | None
    language: str | None
    text: str
    score: float
    match: MatchSpan | None = None


def phrase_at(row_terms: Sequence[str], query: Sequence[str]) -> tuple[int, int] | None:
    """First place where ``query`` occurs in ``row_terms`` (inclusive token range)."""
    n = len(query)
    if not n:
        return None
    first = query[0]
    for i in range(len(row_terms) - n + 1):
        if row_terms[i] == first and list(row_terms[i : i + n]) == list(query):
            return i, i + n - 1
    return None


def best_window(
    row_terms: Sequence[str], sims: Sequence[dict[str, float]]
) -> tuple[int, int] | None:
    """The tokens a fuzzy hit matched: the window of about the query's length where
    the query's words (or words like them) are, trimmed to the matched ends."""
    n = len(row_terms)
    if not n or not sims:
        return None
    width = min(n, len(sims) + 1)
    best = (0.0, -1)
    for i in range(n - width + 1):
        window = row_terms[i : i + width]
        score = sum(max((sim.get(t, 0.0) for t in window), default=0.0) for sim in sims)
        if score > best[0]:
            best = (score, i)
    if best[1] < 0:
        return None
    i = best[1]
    matched = [
        k for k in range(i, i + width) if any(sim.get(row_terms[k], 0.0) > 0 for sim in sims)
    ]
    return (matched[0], matched[-1]) if matched else None


def locate(
    text: str,
    language: str | None,
    seg_start: float,
    seg_end: float,
    times_blob: bytes | None,
    where: tuple[int, int] | None,
    row_terms: Sequence[str],
) -> MatchSpan:
    """The matched tokens ``where`` (indexes into ``row_terms``) as times and characters."""
    whole = MatchSpan(seg_start, seg_end, 0, len(text), False)
    if where is None:
        return whole
    toks = analyse(text, language)
    if len(toks) != len(row_terms):
        return whole
    i, j = where
    lo, hi = toks[i].lo, toks[j].hi
    times = unpack_times(times_blob, seg_start)
    if times is None or len(times) != len(toks):
        return MatchSpan(seg_start, seg_end, lo, hi, False)
    start, end = times[i][0], times[j][1]
    if not seg_start - 1.0 <= start < end <= seg_end + 1.0:
        return MatchSpan(seg_start, seg_end, lo, hi, False)
    return MatchSpan(start, end, lo, hi, True)
