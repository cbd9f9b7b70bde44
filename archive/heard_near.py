"""Which cases a plain English transcript nearly named: made-up words that sound like a
case's names ("Wang Nairoyu" for Wang Xiaoyu, "jing-jong" for Jingjun), across a whole
case sheet.

Why: a second look can give Whisper only about 50 names. With a large sheet they must
be the interview's own, and tiny.en's plain pass often writes none of them well enough
for the linking's scanner (``linking.heard_targets``) to know them; it writes something
that sounds near. This ranks every case by how near, so the names given are those.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler
from tapelog.archive import names as N
from tapelog.archive.closer_look import pieces
from tapelog.archive.name_index import NameIndex, Target
from tapelog.transcribe.types import Segment

NEAR = 0.85  # Jaro-Winkler of a run of one or two words against a name, as an ear spells it
MIN_LETTERS = 5  # shorter runs sound like too many names
LENGTHS = 0.7  # a run and a name this near in length, or they are not counted
SPREAD = 3  # a name (a place) held by more identities than this counts for none
PAIR = " "  # between the two words of a run (compared without it)
_WORD = re.compile(r"\S+")


def _odd(word: str, cased: bool) -> bool:
    """A word Whisper may have made up from a name: hyphenated between letters
    ("jing-jong", "Taeun-Man"), or capitalised in a line that is not all capitals and
    spelled by Whisper's vocabulary in two pieces or more ("Nairoyu", "Pongme"; not
    "Sunday" or "Beijing", which sound like generated names but are words it knows)."""
    letters = word.strip(".,!?;:\"'()")
    if not letters.isascii() or any(c.isdigit() for c in letters) or len(letters) < 2:
        return False
    if re.search(r"[a-z]-[a-z]", letters, re.I):
        return True
    return cased and letters[:1].isupper() and pieces(letters) >= 2


def _cased(text: str) -> bool:
    """Whether capitals in ``text`` mean anything: not when most letters are capitals."""
    letters = [c for c in text if c.isalpha() and c.isascii()]
    return sum(c.isupper() for c in letters) <= 0.5 * len(letters)


def _occurrences(segments: Sequence[Segment]) -> list[tuple[str, tuple[str, ...]]]:
    """Each odd word where it stands: the word, and the runs it may belong to (itself,
    with the word before, with the word after), spelled as an English ear spells pinyin."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for seg in segments:
        words = _WORD.findall(seg.text or "")
        keys = ["".join(N.tokens(w)) for w in words]
        cased = _cased(seg.text or "")
        for i, word in enumerate(words):
            if not _odd(word, cased):
                continue
            runs = {keys[i]}
            if i > 0:
                runs.add(keys[i - 1] + PAIR + keys[i])
            if i + 1 < len(words):
                runs.add(keys[i] + PAIR + keys[i + 1])
            kept = [N.english_spelling(r) for r in runs if len(r) >= MIN_LETTERS and r.isascii()]
            if kept:
                out.append((keys[i], tuple(sorted(kept))))
    return out


def near_scores(index: NameIndex, segments: Sequence[Segment]) -> dict[int, tuple[float, int]]:
    """For each target one of whose names (``Target.near``: whole, given name, place)
    sounds like an odd word of the transcript (alone or with a word beside it): the sum,
    over the odd words where they stand, of how near its nearest name is, and how many
    different odd words those are. A case heard nearly several times ("jing-jong" three
    times, "Taeun-Man") sums past one heard once; one word heard near one name of many
    ("jing-jong": Jingjun, Jingdong, Jingying) counts as one word.

    Compared only with names that begin with the same letter as the run, as an ear spells
    them (Jaro-Winkler weighs the start most anyway), so 50,000 cases stay a fraction of a
    second for an hour of transcript; a name whose length is far from the run's counts
    for nothing (Jaro-Winkler's prefix bonus), nor does a name more than ``SPREAD``
    cases hold (a place)."""
    occurrences = _occurrences(segments)
    runs = sorted({r for _word, occ in occurrences for r in occ})
    if not runs:
        return {}
    holders: dict[str, set[str]] = defaultdict(set)
    for t in index.targets:
        for key in t.near:
            holders[N.english_spelling(key)].add(_identity(index, t))
    by_letter: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for ti, t in enumerate(index.targets):
        for key in t.near:
            spelled = N.english_spelling(key)
            if len(holders[spelled]) <= SPREAD:  # a place many cases share tells none apart
                by_letter[spelled[:1]].append((spelled, ti))
    whole = [_whole_names(t) for t in index.targets]
    named_whole: set[int] = set()
    near_run: dict[str, dict[int, float]] = {}
    for letter, keys in by_letter.items():
        mine = [r for r in runs if r[:1] == letter]
        if not mine:
            continue
        scores = process.cdist(
            [r.replace(PAIR, "") for r in mine],
            [k for k, _ti in keys],
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=NEAR,
            workers=1,
        )
        for row, run in enumerate(mine):
            best: dict[int, float] = {}
            letters = run.replace(PAIR, "")
            for col in scores[row].nonzero()[0]:
                key, ti = keys[col]
                if min(len(key), len(letters)) < LENGTHS * max(len(key), len(letters)):
                    continue  # "wenyu" is no name for "Venyukshun": Jaro-Winkler's prefix
                best[ti] = max(best.get(ti, 0.0), float(scores[row, col]))
                if PAIR in run and key in whole[ti]:
                    named_whole.add(ti)
            near_run[run] = best
    total: dict[int, float] = defaultdict(float)
    words: dict[int, set[str]] = defaultdict(set)
    for word, occ in occurrences:
        here: dict[int, float] = {}
        for run in occ:
            for ti, v in near_run.get(run, {}).items():
                here[ti] = max(here.get(ti, 0.0), v)
        for ti, v in here.items():
            total[ti] += v
            words[ti].add(word)
    # a family name and a given name heard near, as two words, is as good as two words
    return {ti: (v, len(words[ti]) + (ti in named_whole)) for ti, v in total.items()}


def _whole_names(t: Target) -> set[str]:
    """The target's near keys that hold its family name and more ("liujingjun"), as an
    ear spells them."""
    family = "".join(t.family)
    keys = {
        N.english_spelling(k)
        for k in t.near
        if family and k.startswith(family) and len(k) > len(family) + 2
    }
    return keys | {N.english_spelling(N.compact(t.label))}


def _identity(index: NameIndex, t: Target) -> str:
    """The case a target stands for: its own id, or a person's one case (a child's person
    record and its case, a parent and the case, are one identity)."""
    if t.type == "case":
        return t.id
    cases = sorted(r for r in t.related if ("case", r) in index.by_id)
    return cases[0] if len(cases) == 1 else t.id


# What counts as a case the interview nearly named, on a large sheet (measured on the
# names bench with 2,000 generated cases: BENCHMARKS.md). One made-up word is no
# evidence, however often it is said: with 2,000 cases it sounds like some name
# ("Venyukshun" three times like Wu Chenyun, "jing-jong" like Jingjun and Jingdong), and
# Whisper given that name writes it, which links the wrong case. Two different odd words
# near two names of one case are ("Pongme" and "Nairoyu" for Wang Hongmei and her
# daughter Wang Xiaoyu), and so is a family name and a given name heard near as two
# words ("Lil Jing-jong" for Liu Jingjun), within a margin of the nearest such case, and
# no more than ``LEADERS`` cases that close.
MIN_WORDS = 2
MIN_TOTAL = 1.7
MARGIN = 0.9
LEADERS = 2
MAX_TARGETS = 4


def near_targets(index: NameIndex, segments: Sequence[Segment]) -> list[str]:
    """Ids of the targets the transcript nearly named (``near_scores``), nearest first:
    by ``MIN_WORDS`` odd words or more, adding up to ``MIN_TOTAL`` and ``MARGIN`` of the
    nearest, from at most ``LEADERS`` cases (else none), at most ``MAX_TARGETS``."""
    best = {ti: v for ti, (v, n) in near_scores(index, segments).items()
            if n >= MIN_WORDS and v >= MIN_TOTAL}  # fmt: skip
    if not best:
        return []
    top = max(best.values())
    keep = [ti for ti, v in best.items() if v >= MARGIN * top]
    if len({_identity(index, index.targets[ti]) for ti in keep}) > LEADERS:
        return []
    keep.sort(key=lambda ti: (-best[ti], index.targets[ti].id))
    return [index.targets[ti].id for ti in keep[:MAX_TARGETS]]
