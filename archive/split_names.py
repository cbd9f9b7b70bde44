"""A name Whisper cut in two at a line's end, put back together for linking.

Whisper ends a line where its timestamps fall, not where a sentence does: natural20's
nt01 came out as "Have you ever seen a photo of Wang" and then "Zaioui? There are more
than 400 of them" for "a photo of Wang Xiaoyu?". Each line is matched alone, so the
family name had nothing beside it and the given name no family name. The linking reads
such a pair with the cut moved to after the name: the next line's first words go back
to the line the name began in, up to the sentence's end. Only the linking's view
changes; the transcript is stored as Whisper wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tapelog.transcribe.types import Segment

# The cut is moved only between lines this close (seconds): one breath, one sentence.
GAP = 1.0
# How many of the next line's first words may go back (a given name of two syllables
# written as two words: "Xiao Yu").
MOST = 2
# Under this probability a lowercase word may be a name heard wrong ("Wang | zai").
UNSURE = 0.5
_ENDS = ".!?;:,\"')]…。！？"


def rejoined(segments: Sequence[Segment]) -> list[Segment]:
    """``segments`` with every name cut at a line's end made whole in the line where it
    began; the same number of lines, in the same order (mentions keep their index)."""
    out = list(segments)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        k = _words_back(a, b)
        if k:
            out[i], out[i + 1] = _moved(a, b, k)
    return out


def _words_back(a: Segment, b: Segment) -> int:
    """How many of ``b``'s first words finish a name ``a`` ends with: ``a`` ends on a
    capitalised word that does not begin its sentence, with no punctuation after it;
    ``b`` begins at once, by the same speaker, with words that are capitalised or that
    Whisper was unsure of, up to the first that ends a sentence."""
    text, nxt = (a.text or "").rstrip(), (b.text or "").split()
    toks = text.split()
    if len(toks) < 2 or not nxt or text[-1] in _ENDS or a.speaker != b.speaker:
        return 0
    last, before = toks[-1], toks[-2]
    if not last[:1].isupper() or last == "I" or before[-1:] in _ENDS:
        return 0
    if not (0 <= b.start - a.end <= GAP) or not _words_match(b, nxt):
        return 0
    k = 0
    for j, tok in enumerate(nxt[:MOST]):
        prob = b.words[j].probability if b.words else 1.0
        bare = tok.rstrip(_ENDS)
        if not bare or not (bare[:1].isupper() and bare != "I" or prob < UNSURE):
            break
        k = j + 1
        if tok != bare:  # the sentence (or clause) ends here
            break
    return k if k < len(nxt) else 0  # never the whole next line


def _words_match(b: Segment, toks: list[str]) -> bool:
    """``b`` has no word times, or its first words are the text's first words (so the
    words that move carry their own times)."""
    if not b.words:
        return True
    head = [w.word.strip() for w in b.words[:MOST]]
    return head == toks[: len(head)]


def _moved(a: Segment, b: Segment, k: int) -> tuple[Segment, Segment]:
    """``a`` with ``b``'s first ``k`` words, and ``b`` without them."""
    toks = (b.text or "").split()
    text_a = (a.text or "").rstrip() + " " + " ".join(toks[:k])
    text_b = " " + " ".join(toks[k:])
    if b.words:
        words_a, words_b = [*a.words, *b.words[:k]], b.words[k:]
        end_a, start_b = words_a[-1].end, words_b[0].start
    else:
        words_a, words_b = list(a.words), []
        end_a, start_b = a.end, b.start  # no word times: the lines keep their bounds
    return (
        replace(a, text=text_a, words=words_a, end=max(a.end, end_a)),
        replace(b, text=text_b, words=words_b, start=max(b.start, start_b)),
    )
