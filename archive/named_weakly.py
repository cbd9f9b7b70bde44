"""An interview that names its case only weakly, but on two lines or more.

A file ties itself to a case by a name as written, a name said twice, or the crew's tag
(``archive.linking``); the weaker signs (a given name another child's is one syllable
from, the child's place, words that sound like the name, "you will run" for Luo Run)
count only once it is tied. On the natural-voice sets five files of 78 were tied to
nothing, and every name in them was lost: "You were run ... the U will run ... run the
U" for Luo Run, three times, each too weak alone. Counted over the whole sheet, a case
with such a sign on two lines or more was always a case the file names (53 of 53 in
those 78 files; no decoy reached two), so such a case ties the file.

Matching by sound against a whole sheet is only done on a small one: against thousands
of names ordinary words sound like some name (BENCHMARKS.md, "A large sheet"). On a
large sheet only the spelled signs count (a given name, a place); tag the file there.
A case a given name spelled right points at is one case, not the sheet: its names are
compared by sound as a tied file's are (natural8's nh04 wrote "Mingxuan" once and "y'all make sure
it" for Zhao Mingxuan; no case but that one is compared at that length).

A file already tied to a case gets a second the same way (a nurse who names Wang Xiaoyu
once and Luo Run's family only as "you'll run" and "Leo, and then"), from words Whisper
was unsure of only: capitalised words it knew ("Sunday") tied generated cases on a
184-name sheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.archive.given_heard import given_heard_spans
from tapelog.archive.name_heard import UNSURE, _token_probs, heard_spans

if TYPE_CHECKING:
    from tapelog.archive.name_index import Entry, NameIndex
    from tapelog.archive.name_scan import _Cand
    from tapelog.transcribe.types import Segment

    _Found = list[tuple[int, _Cand, bool]]

# Lines with a weak sign of one case that tie the file to it, if no other case has
# more than 1/MARGIN as many: over an hour of talk, filler words Whisper was unsure of
# ("job in", "online") sounded like one of 60 cases' names on two lines or more for
# many of them.
LINES = 2
MARGIN = 2
# Targets (cases and people) a sheet may hold for its names to be matched by sound here.
SMALL_SHEET = 200
SPELLED = ("given", "place")  # the scanner's weak kinds that are spelled names
# Against the whole sheet, only names this long in sound: "gain", "can" and "to Wang"
# sound like Guiyang (k-o-i-a-n) at 0.8 on the names bench's espeak-ng voices.
SHEET_CODE = 6


def named_weakly(
    index: NameIndex, segments: Sequence[Segment], found: _Found, tied: set[str] | None = None
) -> set[str]:
    """The case (and its related records) with weak signs written ``LINES`` ways or
    more on as many lines, ``MARGIN`` times as many as any other case's. For a file
    nothing else ties. Ways, not times: a phrase the speaker says often ("job in") that
    sounds like a name is one sign however often it is said. ``tied``: the cases the
    file is tied to already, which are not counted (another is looked for)."""
    count = weak_signs(index, segments, found, tied)
    ranked = sorted(count, key=lambda c: -count[c])
    if not ranked or count[ranked[0]] < LINES:
        return set()
    if len(ranked) > 1 and count[ranked[1]] * MARGIN > count[ranked[0]]:
        return set()  # another case as often: words that sound like names, not a name
    case = ranked[0]
    out: set[str] = {case}
    for ti in index.targets_in([case]):
        out |= index.targets[ti].related
    return out


def weak_signs(
    index: NameIndex, segments: Sequence[Segment], found: _Found, tied: set[str] | None = None
) -> dict[str, int]:
    """Per case not in ``tied``, its weak signs in the file: lines, counted once per way
    of writing them (``named_weakly``)."""
    signs: dict[str, set[tuple[int, str]]] = defaultdict(set)  # case -> (line, words)
    given: set[str] = set()  # cases a given name spelled right points at
    for si, cand, zh in found:
        if zh or not cand.weak or cand.kind not in SPELLED:
            continue
        cases = {c for e in cand.entries if (c := _case_of(index, e))}
        if len(cases) == 1:  # a given name two children share is a sign of neither
            case = cases.pop()
            signs[case].add((si, _words(segments[si], cand)))
            if cand.kind == "given":
                given.add(case)
    if len(index.targets) <= SMALL_SHEET:
        # A case a given name spelled right points at: its other names by sound, at the
        # length a tied file's are ("Make sure" for Mingxuan once "Mingxuan" is written).
        # Not a place's case: a province is said in passing, a child's name is not.
        sure = [f for f in found if not f[1].weak]
        spelled = [i for i in index.targets_in(sorted(given)) if index.targets[i].near]
        for si, cand, _zh in heard_spans(index, segments, sure, spelled):
            case = index.targets[cand.entries[0].target].id
            signs[case].add((si, _words(segments[si], cand)))
        every = [
            i
            for i in range(len(index.targets))
            if index.targets[i].type == "case" and index.targets[i].near
        ]
        sure = [f for f in found if not f[1].weak]
        heard = heard_spans(index, segments, sure, every, min_code=SHEET_CODE)
        if tied:  # words alone: only those Whisper was unsure of (a given name is spelled)
            heard = [h for h in heard if _unsure_in(segments[h[0]], h[1])]
        for si, cand, _zh in heard + given_heard_spans(index, segments, sure, every):
            case = index.targets[cand.entries[0].target].id
            signs[case].add((si, _words(segments[si], cand)))
    tied = tied or set()
    return {c: min(len({si for si, _w in s}), len({w for _si, w in s}))
            for c, s in signs.items() if c not in tied}  # fmt: skip


def _unsure_in(seg: Segment, cand: _Cand) -> bool:
    """Whether Whisper gave a word of the candidate's span under ``UNSURE``: a file
    already tied to its case gets a second only from words it was unsure of, not from
    a capitalised word it knew ("on a Sunday afternoon" sounded like a generated
    case's name on a 184-name sheet, and so did one more line)."""
    text = seg.text or ""
    probs = _token_probs(seg, text, N.token_spans(text))[cand.first : cand.last]
    return bool(probs) and min(probs) < UNSURE


def _words(seg: Segment, cand: _Cand) -> str:
    """The folded words a candidate spans in its line ("the u will run")."""
    toks = [t for t, _a, _b in N.token_spans(seg.text or "")]
    return " ".join(toks[cand.first : cand.last])


def _case_of(index: NameIndex, entry: Entry) -> str | None:
    """The case an entry names: its own, or a person's only case."""
    t = index.target_of(entry)
    if t.type == "case":
        return t.id
    return next(iter(t.related)) if len(t.related) == 1 else None
