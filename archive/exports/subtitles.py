"""Transcript lines cut into subtitle cues as broadcasters ask for them.

Whisper's lines run to 100 characters and more; a subtitle that long covers the
picture and cannot be read in time. Broadcast practice (the BBC's and Netflix's
guidelines): at most 42 characters a line, at most two lines a cue, a cue on screen
long enough to read (here at least 1 s) and not so long it outstays its words (at
most 7 s), and the speaker named when the voice changes, not on every cue.

A line too long for one cue is cut at word boundaries (characters, for text without
spaces such as Chinese) into cues that share the line's time in proportion to their
length. A line with its original-language text beside it (a translation) stays one
cue: its two languages belong together.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tapelog.archive.errors import UsageError
from tapelog.archive.exports.textsafe import clean
from tapelog.transcribe.types import Segment

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
        text = clean(line.text) or "…"
        if style.speakers and line.speaker and line.speaker != voice:
            text = f"{clean(line.speaker)}: {text}"
        voice = line.speaker
        start, end = max(0.0, seg.start), max(seg.end, seg.start + 0.001)
        if line.original:
            wrapped = wrap(text, style.max_chars) + wrap(clean(line.original), style.max_chars)
            cues.append(Cue(start, end, wrapped))
            continue
        cues.extend(_split(wrap(text, style.max_chars), start, end, style))
    _fit_durations(cues, style)
    return cues


def _split(wrapped: list[str], start: float, end: float, style: SubtitleStyle) -> list[Cue]:
    """Groups of ``max_lines`` lines, each timed by its share of the characters.

    A group whose share is longer than ``max_duration`` (slow speech) is cut into
    single lines first.
    """
    groups = [wrapped[i : i + style.max_lines] for i in range(0, len(wrapped), style.max_lines)]
    total = sum(len(x) for x in wrapped) or 1
    per_char = (end - start) / total
    if any(sum(len(x) for x in g) * per_char > style.max_duration for g in groups):
        groups = [[x] for x in wrapped]
    out = []
    at = start
    for group in groups:
        share = sum(len(x) for x in group) * per_char
        out.append(Cue(at, at + share, group))
        at += share
    out[-1].end = end
    return out


def _fit_durations(cues: list[Cue], style: SubtitleStyle) -> None:
    """At least ``min_duration`` on screen (not into the next cue), at most ``max``."""
    for i, cue in enumerate(cues):
        if cue.end - cue.start > style.max_duration:
            cue.end = cue.start + style.max_duration
        if cue.end - cue.start < style.min_duration:
            limit = cues[i + 1].start if i + 1 < len(cues) else None
            want = cue.start + style.min_duration
            cue.end = max(cue.end, want if limit is None else min(want, limit))
