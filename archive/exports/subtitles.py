"""Transcript lines cut into subtitle cues as broadcasters ask for them.

Whisper's lines run to 100 characters and more; a subtitle that long covers the
picture and cannot be read in time. Broadcast practice (the BBC's and Netflix's
guidelines): at most 42 characters a line, at most two lines a cue, a cue on screen
long enough to read (here at least 1 s) and not so long it outstays its words (at
most 7 s), and the speaker named when the voice changes, not on every cue.

A line too long for one cue is cut at word boundaries (characters, for text without
spaces such as Chinese) into cues that start when their first word is spoken (the
words' timestamps, while the line is Whisper's own words), or else share the line's
time in proportion to their length. A line with its original-language text beside it (a translation) stays one
cue: its two languages belong together.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tapelog.archive.errors import UsageError
from tapelog.archive.exports.textsafe import clean
from tapelog.transcribe.types import Segment, Word

MAX_CHARS = 42
MAX_LINES = 2
MIN_DURATION = 1.0
MAX_DURATION = 7.0
MAX_CHARS_RANGE = (10, 200)


@dataclass(frozen=True)
class SubtitleStyle:
    """How cues are cut: ``--max-chars`` and ``--no-speakers`` set the first and last."""

    max_chars: int = MAX_CHARS
    max_lines: int = MAX_LINES
    min_duration: float = MIN_DURATION
    max_duration: float = MAX_DURATION
    speakers: bool = True

    def __post_init__(self) -> None:
        low, high = MAX_CHARS_RANGE
        if not low <= self.max_chars <= high:
            raise UsageError(f"--max-chars must be between {low} and {high} (got {self.max_chars})")


class CueSource(Protocol):
    """What a transcript line gives a cue (``transcripts.Line``)."""

    segment: Segment
    text: str
    speaker: str | None
    original: str | None


@dataclass
class Cue:
    start: float
    end: float
    lines: list[str]

    @property
    def segment(self) -> Segment:
        """The cue as a segment, for the clocks that turn times into cue labels."""
        return Segment(self.start, self.end, "\n".join(self.lines))


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, cut between words if it can."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def cues_for(lines: Sequence[CueSource], style: SubtitleStyle | None = None) -> list[Cue]:
    """Cues for ``lines``: wrapped, split, speakers named at each change, timed."""
    style = style or SubtitleStyle()
    cues: list[Cue] = []
    voice: str | None = None
    for line in lines:
        seg = line.segment
        spoken = clean(line.text) or "…"
        prefix = ""
        if style.speakers and line.speaker and line.speaker != voice:
            prefix = f"{clean(line.speaker)}: "
        voice = line.speaker
        start, end = max(0.0, seg.start), max(seg.end, seg.start + 0.001)
        wrapped = wrap(prefix + spoken, style.max_chars)
        if line.original:
            wrapped += wrap(clean(line.original), style.max_chars)
            cues.append(Cue(start, end, wrapped))
            continue
        clock = _Clock(start, end, spoken, seg.words if spoken == clean(seg.text) else [])
        cues.extend(_split(wrapped, _chars(prefix), clock, style))
    _fit_durations(cues, style)
    return cues


def _chars(text: str) -> int:
    """Characters that are not spaces: what wrapping keeps, whatever it does to spaces."""
    return sum(not c.isspace() for c in text)


class _Clock:
    """When the ``k``-th character of a line is spoken: its word's start when the
    words' timestamps spell the line, else in proportion along the line."""

    def __init__(self, start: float, end: float, text: str, words: Sequence[Word]) -> None:
        self.start, self.end, self.total = start, end, max(1, _chars(text))
        self.marks: list[tuple[int, float]] = []
        if words and "".join(w.word for w in words).split() == text.split():
            at = 0
            for w in words:
                self.marks.append((at, min(max(w.start, start), end)))
                at += _chars(w.word)

    def __call__(self, k: int) -> float:
        if k >= self.total:
            return self.end
        if not self.marks:
            return self.start + (self.end - self.start) * k / self.total
        return max(t for at, t in self.marks if at <= k) if k >= 0 else self.start


def _split(wrapped: list[str], prefix: int, clock: _Clock, style: SubtitleStyle) -> list[Cue]:
    """Groups of ``max_lines`` lines, each timed from when its first word is spoken.

    ``prefix``: characters of the speaker's name leading the first line (not spoken).
    A group on screen longer than ``max_duration`` (slow speech) is cut into single
    lines first.
    """

    def timed(groups: list[list[str]]) -> list[Cue]:
        out, k = [], -prefix
        for group in groups:
            out.append(Cue(clock(max(0, k)), clock.end, group))
            k += sum(_chars(x) for x in group)
        for cue, after in zip(out, out[1:], strict=False):
            cue.end = max(cue.start, after.start)
        return out

    pairs = timed(
        [wrapped[i : i + style.max_lines] for i in range(0, len(wrapped), style.max_lines)]
    )
    if any(c.end - c.start > style.max_duration for c in pairs) and style.max_lines > 1:
        return timed([[x] for x in wrapped])
    return pairs


def _fit_durations(cues: list[Cue], style: SubtitleStyle) -> None:
    """At least ``min_duration`` on screen (not into the next cue), at most ``max``."""
    for i, cue in enumerate(cues):
        if cue.end - cue.start > style.max_duration:
            cue.end = cue.start + style.max_duration
        if cue.end - cue.start < style.min_duration:
            limit = cues[i + 1].start if i + 1 < len(cues) else None
            want = cue.start + style.min_duration
            cue.end = max(cue.end, want if limit is None else min(want, limit))
