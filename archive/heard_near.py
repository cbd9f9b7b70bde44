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
from tapelog.archive.name_index import NameIndex
from tapelog.transcribe.types import Segment

NEAR = 0.85  # Jaro-Winkler of a run of one or two words against a name, as an ear spells it
MIN_LETTERS = 5  # shorter runs sound like too many names
LENGTHS = 0.7  # a run and a name this near in length, or they are not compared
_WORD = re.compile(r"\S+")


def _odd(word: str) -> bool:
    """A word Whisper may have made up from a name: capitalised (not "I") or hyphenated
    between letters ("jing-jong", "Taeun-Man")."""
    letters = word.strip(".,!?;:\"'()")
    if not letters.isascii() or any(c.isdigit() for c in letters):
        return False
    return (letters[:1].isupper() and len(letters) > 1) or bool(
        re.search(r"[a-z]-[a-z]", letters, re.I)
    )


def _occurrences(segments: Sequence[Segment]) -> list[tuple[str, ...]]:
    """Each odd word where it stands, as the runs it may belong to (itself, with the
    word before, with the word after), spelled as an English ear spells pinyin."""
    out: list[tuple[str, ...]] = []
    for seg in segments:
        words = _WORD.findall(seg.text or "")
        keys = ["".join(N.tokens(w)) for w in words]
        for i, word in enumerate(words):
            if not _odd(word):
                continue
            runs = {keys[i]}
            if i > 0:
                runs.add(keys[i - 1] + keys[i])
            if i + 1 < len(words):
                runs.add(keys[i] + keys[i + 1])
            kept = [N.english_spelling(r) for r in runs if len(r) >= MIN_LETTERS and r.isascii()]
            if kept:
                out.append(tuple(sorted(kept)))
    return out


def near_scores(index: NameIndex, segments: Sequence[Segment]) -> dict[int, float]:
    """For each target one of whose names (``Target.near``: whole, given name, place)
    sounds like an odd word of the transcript (alone or with a word beside it): the sum,
    over the odd words, of how near its nearest name is. A case heard nearly several
    times ("jing-jong" three times, "Taeun-Man") sums past one heard once.

    Compared only with names that begin with the same letter as the run, as an ear spells
    them (Jaro-Winkler weighs the start most anyway), and of a length near the run's:
    10,000 cases stay a fraction of a second for an hour of transcript."""
    occurrences = _occurrences(segments)
    runs = sorted({r for occ in occurrences for r in occ})
    if not runs:
        return {}
    by_letter: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for ti, t in enumerate(index.targets):
        for key in t.near:
            spelled = N.english_spelling(key)
            by_letter[spelled[:1]].append((spelled, ti))
    near_run: dict[str, dict[int, float]] = {}
    for letter, keys in by_letter.items():
        mine = [r for r in runs if r[:1] == letter]
        if not mine:
            continue
        scores = process.cdist(
            mine,
            [k for k, _ti in keys],
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=NEAR,
            workers=1,
        )
        for row, run in enumerate(mine):
            best: dict[int, float] = {}
            for col in scores[row].nonzero()[0]:
                key, ti = keys[col]
                if min(len(key), len(run)) < LENGTHS * max(len(key), len(run)):
                    continue  # "wenyu" is no name for "Venyukshun": Jaro-Winkler's prefix
                best[ti] = max(best.get(ti, 0.0), float(scores[row, col]))
            near_run[run] = best
    total: dict[int, float] = defaultdict(float)
    for occ in occurrences:
        here: dict[int, float] = {}
        for run in occ:
            for ti, v in near_run.get(run, {}).items():
                here[ti] = max(here.get(ti, 0.0), v)
        for ti, v in here.items():
            total[ti] += v
    return dict(total)


# What counts as a case the interview nearly named, on a large sheet (measured on the
# names bench with 2,000 generated cases: BENCHMARKS.md). A near run or two are no
# evidence: with 2,000 cases a made-up word sounds like some name ("Canju" like Cai
# Junmin, "Venyukshun" like Wu Chenyun), and Whisper given that name writes it, which
# links the wrong case. An interview about a child says its name again and again: three
# near hits or more, within a margin of the nearest case's.
MIN_TOTAL = 3.0
MARGIN = 0.9
MAX_TARGETS = 4


def near_targets(index: NameIndex, segments: Sequence[Segment]) -> list[str]:
    """Ids of the targets the transcript nearly named (``near_scores``), nearest first:
    at least ``MIN_TOTAL`` and ``MARGIN`` of the nearest, at most ``MAX_TARGETS``."""
    best = near_scores(index, segments)
    if not best:
        return []
    top = max(best.values())
    keep = [ti for ti, v in best.items() if v >= MIN_TOTAL and v >= MARGIN * top]
    keep.sort(key=lambda ti: (-best[ti], index.targets[ti].id))
    return [index.targets[ti].id for ti in keep[:MAX_TARGETS]]
