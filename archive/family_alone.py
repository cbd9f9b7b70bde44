"""A family name said alone, or after a title, in an interview about that family's case.

Crews and the people they film call a parent by the family name: "Mr. Peng still
drives the van", "Mrs. Wang keeps her room as it was", "Since then, Peng has met
hundreds of families". tiny.en spells these right (a one-syllable family name is easy),
but a family name alone names thousands of people, so the scanner never links it
(``archive.name_index``: a bare surname counts only as a sheet's own alias). In an
interview already about a case (``targets``: the cases the file is about, as for
``archive.name_heard.heard_spans``), the family name of that case's child or of a
parent on its sheet, written as a name, is that family:

* after a title (``names.HONORIFICS``: "Mr.", "Mrs.", "Auntie"), or capitalised and
  not an English word as well ("Long", "Song", "Ma": "He" starts many sentences);
* only when exactly one of the cases the file is about has that family name (a
  volunteer's interview about two Liu families links neither);
* never inside a longer name (the next word capitalised: "Wang Li" is someone else),
  over words another rule took, or in a line that names another case ("Her daughter,
  Zhang was taken in Nanning": Huang Zihan of Nanning, misheard).

Weak: it links only in context, at the score weak names get.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.archive.name_index import Entry
from tapelog.archive.name_scan import _Cand, _sentence_start

if TYPE_CHECKING:
    from tapelog.archive.name_index import NameIndex
    from tapelog.transcribe.types import Segment

_Found = list[tuple[int, _Cand, bool]]

KIND = "family"
# Family names that are English words too: alone they say nothing; after a title they do.
ENGLISH = frozenset(
    "he long fan ma mo le song tang ding tan shan wan bai ye yu su du lei gu hu lu an ou "
    "pan mao hong yin jin fang hao wen bo sun han kong tao gong yang".split()
    # Said as an English word is: "Wang" is how the names' second look wrote "One" in
    # "One man asked for 8,000 yuan" (natural27's na02, a file about the Wangs).
    + ["wang"]
)


def families_of(index: NameIndex, targets: Sequence[int]) -> dict[str, list[tuple[int, str]]]:
    """Family name -> (case target, the full name it belongs to) for the cases among
    ``targets``: the child's name, its aliases and the parents on its sheet."""
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for ti in targets:
        t = index.targets[ti]
        if t.type != "case":
            continue
        seen: set[str] = set()
        for key in t.near:  # compact names: "penggaofeng", "wangxiaoyu"
            for e in index.exact.get(key, ()):
                if e.target != ti or not e.family or e.kind not in ("name", "alias", "parent"):
                    continue
                fam = "".join(e.family)
                if len(set(N.tokens(e.text))) == 1:
                    continue  # "Le Le": a doubled given name, no family name in it
                if fam in N.SURNAMES and fam not in seen:
                    seen.add(fam)
                    out[fam].append((ti, e.text))
    return out


def family_alone_spans(
    index: NameIndex, segments: Sequence[Segment], found: _Found, targets: Sequence[int]
) -> _Found:
    """Spans of a family name alone (with its title, if any) that name exactly one of
    the cases ``targets`` are about. Weak: they count only in context."""
    by_family = {f: v[0] for f, v in families_of(index, targets).items() if len(v) == 1}
    if not by_family:
        return []
    taken = {(si, j) for si, c, _zh in found for j in range(c.first, c.last)}
    others: dict[int, set[int]] = defaultdict(set)  # line -> the targets named in it
    for si, c, _zh in found:
        others[si] |= {e.target for e in c.entries}
    out: _Found = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        if N.has_han(text):
            continue
        spans = N.token_spans(text)
        for k, (tok, a, _b) in enumerate(spans):
            hit = by_family.get(tok)
            if hit is None or (si, k) in taken or not text[a : a + 1].isupper():
                continue
            titled = k > 0 and spans[k - 1][0] in N.HONORIFICS and (si, k - 1) not in taken
            if not titled and tok in ENGLISH:
                continue
            if k + 1 < len(spans) and _name_goes_on(text, spans, k):
                continue  # "Wang Li", "Peng Gaofeng" misheard: a longer name, not this
            if not titled and k > 0 and _capitalised_before(text, spans, k):
                continue  # "Xiaoyu Wang", "Lili Peng": the family name of a longer name
            ti, name = hit
            if _another(index, ti, others.get(si, set())):
                continue  # "Her daughter, Zhang was taken in Nanning": another case's line
            first = k - 1 if titled else k
            out.append((si, _Cand([Entry(ti, name, KIND)], 0.55, KIND, True, first, k + 1), False))
    return out


def _another(index: NameIndex, case: int, named: set[int]) -> bool:
    """Whether the line names a target that is neither the case nor one of its people:
    natural10's reporter, "Her daughter, Zhang was taken in Nanning", said Huang Zihan
    (of Nanning), and "Zhang" linked to Zhang Haoran's case."""
    own = index.targets[case]
    for ti in named:
        t = index.targets[ti]
        if ti != case and t.id not in own.related and own.id not in t.related:
            return True
    return False


def _name_goes_on(text: str, spans: Sequence[tuple[str, int, int]], k: int) -> bool:
    """The word after the family name is capitalised in the same sentence."""
    _tok, a, _b = spans[k + 1]
    between = text[spans[k][2] : a]
    return text[a : a + 1].isupper() and not any(c in ".!?;:," for c in between)


def _capitalised_before(text: str, spans: Sequence[tuple[str, int, int]], k: int) -> bool:
    """The word before is capitalised, in the same sentence, and starts none."""
    _tok, a, b = spans[k - 1]
    between = text[b : spans[k][1]]
    if any(c in ".!?;:," for c in between) or not text[a : a + 1].isupper():
        return False
    return not (_sentence_start(text[:a]) or spans[k - 1][0] == "i")
