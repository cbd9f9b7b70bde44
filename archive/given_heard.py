"""A given name Whisper spelled right, with its family name heard as English words.

tiny.en writes "Luo Run" in a natural English voice as "you will run", "Liu will run",
"You were run", "the U will run": the given name right, the family name as one to three
words it was not quite sure of. Those spans sound like the whole name (0.71-0.79, on
``archive.name_sound``'s scale), under the 0.8 that words alone need
(``archive.name_heard``), and their words are too sure for it (0.66 for "you"). The
given name spelled right is the evidence they lack; so, in an interview already about
the case (``targets``: the cases and people the file is about, as for ``heard_spans``),
one to three words just before the given name (or after it, for the given name first:
"run the U") that hold a word Whisper gave under ``UNSURE`` and sound like the name at
``HEARD_WITH_GIVEN`` link, weakly. The word alone ("we run a shop") links only where
Whisper was unsure of it, or the sentence says a name comes ("his name was run") or
makes it the subject of a verb ("Now run is learning to cook").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.archive.name_heard import _STOP, _near_codes, _token_probs, named_here
from tapelog.archive.name_index import Entry
from tapelog.archive.name_scan import _Cand
from tapelog.archive.name_sound import heard_code, name_code

if TYPE_CHECKING:
    from tapelog.archive.name_index import NameIndex
    from tapelog.transcribe.types import Segment

_Found = list[tuple[int, _Cand, bool]]

HEARD_WITH_GIVEN = 0.7
UNSURE = 0.8  # a word of the family's span Whisper gave less than this
_WORDS = 3  # words the family name is heard as, at most
# The given name alone, written as the word ("When run came home", 0.29 for "run"):
# Whisper this unsure of a common word heard something else. Measured in the names
# bench's Piper voice (bench/bench_lone_given.py): tiny.en gave "run" as a verb within
# a sentence 0.72-1.00 (42 said), and as the name 0.41-0.81 (6; natural26's "Later run
# asked for his old name back", 0.58, and natural5's "Today run the U.S. studies",
# 0.64, were missed at 0.5). A verb first in its sentence ("Run to the police", 0.08)
# is as unsure as the name, here and at 0.5 alike.
LONE_UNSURE = 0.7


def given_heard_spans(
    index: NameIndex, segments: Sequence[Segment], found: _Found, targets: list[int]
) -> _Found:
    """Spans of a given name of one of ``targets`` spelled right and one to three words
    beside it that sound, with it, like the whole name (family name first before it,
    given name first after it). Weak: they count only in context."""
    # The given name's folded token -> (target, the name as shown, its code either way).
    by_given: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for ti in targets:
        for key in index.targets[ti].near:  # compact: "luorun"
            syls = N.split_syllables(key)
            if not syls or len(syls) < 2 or syls[0] not in N.SURNAMES:
                continue
            if len(syls) == 2 and syls[0] == syls[1]:
                continue  # "lele": a given name said twice, no family name in it
            family, given = syls[0], "".join(syls[1:])
            first = name_code(f"{family} {given}")
            last = name_code(f"{given} {family}")
            shown = f"{family.capitalize()} {given.capitalize()}"  # "Luo Run", as read
            by_given[given].append((ti, shown, first, last))
    if not by_given:
        return []
    taken = {(si, j) for si, c, zh in found if not zh and not c.weak
             for j in range(c.first, c.last)}  # fmt: skip
    out: _Found = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        if N.has_han(text) or not seg.words:
            continue
        spans = N.token_spans(text)
        toks = [t for t, _a, _b in spans]
        probs = _token_probs(seg, text, spans)
        used: set[int] = set()
        for k, tok in enumerate(toks):
            for ti, shown, first, last in by_given.get(tok, ()):
                best = _best(text, spans, toks, probs, k, first, last, si, taken | _in(used, si))
                alone = (si, k) not in taken and k not in used
                cue = named_here(toks, k) or subject_here(toks, k)
                if best is None and alone and (probs[k] < LONE_UNSURE or cue):
                    best = (k, k + 1)  # "When run (0.29) came home": the name, alone
                if best is None:
                    continue
                lo, hi = best
                used |= set(range(lo, hi))
                entry = Entry(ti, shown, "near")
                out.append((si, _Cand([entry], 0.55, "near", True, lo, hi), False))
                break
    return out


# Verbs that make the word before them their subject: "Now run is learning to cook"
# (natural20's nt02, 0.83 for "run"): a verb is not followed by "is".
_SUBJECT_OF = frozenset("is was has had says said asked told lives lived would".split())
# ... unless a word before it makes it a noun of its own: "the run was long", "a home
# run is", "to run is good for him".
_NOUN_BEFORE = frozenset(
    "the a an this that his her my our their your its every each one home to".split()
)


def subject_here(toks: Sequence[str], k: int) -> bool:
    """Whether token ``k`` is the subject of the verb after it, not a verb itself."""
    if k + 1 >= len(toks) or toks[k + 1] not in _SUBJECT_OF:
        return False
    return k == 0 or toks[k - 1] not in _NOUN_BEFORE


def _in(used: set[int], si: int) -> set[tuple[int, int]]:
    return {(si, j) for j in used}


def _best(
    text: str,
    spans: Sequence[tuple[str, int, int]],
    toks: list[str],
    probs: list[float],
    k: int,
    first: str,
    last: str,
    si: int,
    taken: set[tuple[int, int]],
) -> tuple[int, int] | None:
    """The token range (given name at ``k`` with the words before it, or after it)
    that sounds most like the name, if any reaches ``HEARD_WITH_GIVEN``."""
    best: tuple[float, int, int] | None = None
    for n in range(1, _WORDS + 1):
        for lo, hi, code in ((k - n, k + 1, first), (k, k + n + 1, last)):
            if lo < 0 or hi > len(toks) or any((si, j) in taken for j in range(lo, hi)):
                continue
            if any(c in _STOP for c in text[spans[lo][2] : spans[hi - 1][1]]):
                continue  # a name does not run over the end of a sentence
            rest = [j for j in range(lo, hi) if j != k]
            if any(toks[j].isdigit() for j in rest) or min(probs[j] for j in rest) >= UNSURE:
                continue
            heard = heard_code(toks[lo:hi])
            hits = _near_codes(heard, [code], HEARD_WITH_GIVEN)
            if hits and (best is None or hits[0][0] > best[0]):
                best = (hits[0][0], lo, hi)
    return None if best is None else (best[1], best[2])
