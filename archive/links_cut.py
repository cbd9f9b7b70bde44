"""Where a name link cuts: the words the name was heard in, not the line around them.

A line is often 5-10 s and the name can sit seconds into it; a select, clip or marker
that starts at the line starts early (issue 13). A link keeps its line (``start``,
``end``: what identifies the passage and its id) and the matched words' times
(``match_start``, ``match_end``), found from Whisper's word timestamps the way search
hits find theirs (``searchtext.token_times``). A transcript without word times (an
older archive, a hand-typed line) gives the line's bounds. Links stored before they
carried word times are given them when read (``fill_cuts``), and kept on the next
``links suggest``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from tapelog.archive import names as N
from tapelog.archive.errors import TapelogError
from tapelog.archive.models import LinkSuggestion
from tapelog.archive.searchnumbers import Token
from tapelog.archive.searchtext import token_times
from tapelog.transcribe.types import Segment

# A stored link's line is the segment that starts here (times are stored rounded).
SAME_LINE_S = 0.006


def words_time(seg: Segment, lo: int, hi: int) -> tuple[float, float] | None:
    """Start and end of the words over characters ``[lo, hi)`` of ``seg.text``.

    None when the line has no word times, or they do not spell the line, or they lie
    outside it (a damaged file): the caller cuts on the line rather than guessing.
    """
    text = seg.text or ""
    if not seg.words or not 0 <= lo < hi <= len(text):
        return None
    times = token_times([Token(text[lo:hi], lo, hi)], text, seg.words)
    if not times:
        return None
    return _inside(seg, *times[0])


def _inside(seg: Segment, start: float, end: float) -> tuple[float, float] | None:
    if not seg.start - 1.0 <= start < end <= seg.end + 1.0:
        return None
    return start, end


class LineTimes:
    """``words_time`` for many stretches of one line: where each word is in the text is
    found once, and each stretch by bisection. A line of 2,000 words (an imported
    transcript) naming someone every few words took seconds looking each name up from
    the line's start."""

    def __init__(self, seg: Segment) -> None:
        self.seg = seg
        text = seg.text or ""
        self.spans: list[tuple[int, int, float, float]] | None = []
        pos = 0
        for w in seg.words or ():
            piece = w.word.strip()
            if not piece:
                continue
            at = text.find(piece, pos)
            if at < 0:
                self.spans = None  # the words do not spell the line: no times
                break
            self.spans.append((at, at + len(piece), float(w.start), float(w.end)))
            pos = at + len(piece)
        self.ends = [b for _a, b, _s, _e in self.spans or ()]

    def cut(self, lo: int | None, hi: int | None) -> tuple[float, float]:
        """As ``cut_at``: the words' times over ``[lo, hi)``, else the line's bounds."""
        seg = self.seg
        found = None
        spans = self.spans
        if lo is not None and hi is not None and spans and 0 <= lo < hi <= len(seg.text or ""):
            k = j = bisect_right(self.ends, lo)  # the first word ending after ``lo``
            while j < len(spans) and spans[j][0] < hi:
                j += 1  # ... to the last starting before ``hi``
            if j > k:
                found = _inside(seg, spans[k][2], spans[j - 1][3])
        return found if found is not None else (seg.start, seg.end)


def cut_at(seg: Segment, lo: int | None, hi: int | None) -> tuple[float, float]:
    """The matched words' times, or the line's when they are not known."""
    if lo is not None and hi is not None:
        found = words_time(seg, lo, hi)
        if found is not None:
            return found
    return seg.start, seg.end


def mention_chars(text: str, mention: str) -> tuple[int, int] | None:
    """Where a stored mention (as the scanner quoted it) is in the line's text."""
    if not mention:
        return None
    at = text.find(mention)
    if at < 0:
        folded = N.fold(text)
        if len(folded) != len(text):
            return None
        at = folded.find(N.fold(mention))
        if at < 0:
            return None
    return at, at + len(mention)


def line_of(segs: Sequence[Segment], link: LinkSuggestion) -> Segment | None:
    for seg in segs:
        if abs(seg.start - link.start) < SAME_LINE_S:
            return seg
    return None


def cut_of_link(segs: Sequence[Segment], link: LinkSuggestion) -> tuple[float, float]:
    """Where a link stored without word times cuts, from its file's current lines."""
    seg = line_of(segs, link)
    if seg is None:
        return link.start, link.end
    chars = mention_chars(seg.text or "", link.mention)
    if chars is None:
        return link.start, link.end
    found = words_time(seg, *chars)
    return found if found is not None else (link.start, link.end)


def fill_cuts(
    links: Sequence[LinkSuggestion], segments: Callable[[str], Sequence[Segment]]
) -> None:
    """Give links stored before word times (``match_start`` None) their words' times.

    In memory only: reading an archive never writes it (a read-only copy, a viewer);
    ``links suggest`` stores them. ``segments`` reads one file's current lines.
    """
    by_media: dict[str, list[Segment]] = {}
    for link in links:
        if link.match_start is not None and link.match_end is not None:
            continue
        if link.media_id not in by_media:
            try:
                by_media[link.media_id] = list(segments(link.media_id))
            except TapelogError:  # a missing or damaged transcript: cut on the line
                by_media[link.media_id] = []
        link.match_start, link.match_end = cut_of_link(by_media[link.media_id], link)
