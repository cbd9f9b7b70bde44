"""Keeping a vocabulary from running away with the transcript.

Names given to Whisper (``hotwords``, ``initial_prompt``) help it spell them, but on
some windows they pull the decoder into a loop ("we went to 18 million" twenty times)
or into text that was never said; with the usual temperature fallback each bad window
is decoded up to six times, which is how a 4 s Mandarin file took 3.5 minutes.

So a biased run decodes each window once (temperature 0, no fallback, a token budget),
and each window is checked here as it is decoded (``transcribe.windows``): a window
whose text repeats itself (zlib compression ratio above Whisper's own 2.4, or one
phrase four times), that holds far more words than the time allows, or that reads the
names back, is decoded again *without* the vocabulary on the same encoder output (at
temperature 0, then one sampled try), and the biased run goes on after it. A short
probe of the window's first tokens catches names read back before the full decode.
The cost of a runaway is then a probe or one biased decode plus one plain decode of
that window, never six loops.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

COMPRESSION_LIMIT = 2.4  # Whisper's own threshold for "this window repeats itself"
REPEATS = 4  # one 3-word (or 3-character) phrase this many times is a loop
WORDS_PER_S = 6.0  # espeak at 175 wpm is ~3 words/s; a runaway writes far more
CHARS_PER_S = 12.0  # Mandarin: ~4-5 characters/s spoken


@dataclass
class Verdict:
    bad: bool
    reason: str = ""


def compression_ratio(text: str) -> float:
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


def _units(text: str) -> list[str]:
    """Words, or characters for text written without spaces (Chinese)."""
    words = text.split()
    if len(words) * 4 < len(text.replace(" ", "")) / 2:  # few spaces: characters
        return [c for c in text if not c.isspace() and c.isalnum()]
    return [w.strip(".,!?;:").lower() for w in words if w.strip(".,!?;:")]


def most_repeated(text: str, n: int = 3) -> int:
    """How often the most frequent n-unit phrase occurs in ``text``."""
    units = _units(text)
    counts: dict[tuple[str, ...], int] = {}
    for i in range(len(units) - n + 1):
        key = tuple(units[i : i + n])
        counts[key] = counts.get(key, 0) + 1
    return max(counts.values(), default=0)


def vocabulary_items(vocab: str | None) -> list[str]:
    """The names of a vocabulary prompt ("Luo Run, Le Le." / "罗润、乐乐。")."""
    items = (v.strip().removesuffix(".").strip() for v in re.split(r"[,，、;。]", vocab or ""))
    return [v for v in items if len(v) >= 2]


# Words of its own, outside the names, that make a text a sentence, not names read back.
SENTENCE_WORDS = 5


def echoes(text: str, items: list[str]) -> bool:
    """True when the text is mostly the vocabulary read back: a list of names, which
    is what Whisper writes when a prompt takes over a window (seen on Mandarin)."""
    if not items:
        return False
    folded = text.lower()
    hits = [v for v in items if v.lower() in folded]
    # Chinese lists its items with 、, as the vocabulary does: four or more short ones
    # with one of ours is the list read back ("黄子涵、黄子涵、邓宇、刘宇、刘": a probe's
    # first tokens, one name twice and made-up ones).
    enumerated = [p for p in folded.split("、") if p.strip()]
    if hits and len(enumerated) >= 4 and all(len(p.strip()) <= 6 for p in enumerated[:-1]):
        return True
    if len(hits) < 2:
        return False
    mask = [False] * len(folded)
    for v in hits:
        for m in re.finditer(re.escape(v.lower()), folded):
            mask[m.start() : m.end()] = [True] * (m.end() - m.start())
    letters = [i for i, c in enumerate(folded) if c.isalnum()]
    if sum(mask[i] for i in letters) >= 0.5 * len(letters):
        # A sentence that names two of them is not a list read back: "I am Huang
        # Lijuan, and I still live in Nanning" is half names, and base's closer look
        # lost it to this guard (natural20's nt06). Words of its own, outside the names,
        # say so; a list read back has none but "and".
        rest = "".join(" " if mask[i] else c for i, c in enumerate(folded))
        words = [w for w in rest.split() if w.strip(".,!?;:")]
        spaced = len(text.split()) * 4 >= len(text.replace(" ", "")) / 2  # as ``_units``
        return not spaced or len(words) < SENTENCE_WORDS
    return _listed(folded)


def _listed(folded: str) -> bool:
    """A list of short items, some of them ours: names made up in the prompt's shape."""
    parts = [p for p in re.split(r"[,，、]", folded) if p.strip()]
    short = sum(1 for p in parts if len(p.split()) <= 3 and len(p.strip()) <= 16)
    return len(parts) >= 4 and short >= 0.8 * len(parts)


def check(
    text: str, duration: float, ratio: float | None = None, vocabulary: list[str] | None = None
) -> Verdict:
    """Whether one decoded window/segment looks like a loop or a runaway.

    ``ratio``: the window's compression ratio as Whisper computed it, when known;
    ``vocabulary``: the names given to Whisper (``vocabulary_items``).
    """
    text = text.strip()
    if not text:
        return Verdict(False)
    if echoes(text, vocabulary or []):
        return Verdict(True, "reads the names back")
    own = compression_ratio(text)
    if max(own, ratio or 0.0) > COMPRESSION_LIMIT and len(text) > 40:
        return Verdict(True, f"repeats itself (compression {max(own, ratio or 0.0):.1f})")
    reps = most_repeated(text)
    if reps >= REPEATS:
        return Verdict(True, f"one phrase {reps} times")
    units = _units(text)
    chinese = bool(units) and all(len(u) == 1 for u in units) and len(units) > 8
    rate = len(units) / max(duration, 1.0)
    if rate > (CHARS_PER_S if chinese else WORDS_PER_S):
        return Verdict(True, f"{rate:.0f} {'characters' if chinese else 'words'}/s")
    return Verdict(False)
