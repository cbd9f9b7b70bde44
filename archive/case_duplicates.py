"""Case records that look like the same child entered twice (``tapelog cases dupes``)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from tapelog.archive import names as N
from tapelog.archive.models import Case
from tapelog.archive.name_index import _phon_tuple


def _round(x: float) -> float:
    return round(min(1.0, max(0.0, x)), 3)


def _name_key(case: Case) -> set[tuple[str, ...]]:
    """Order-independent sound keys of a case's child name (romanized and Chinese)."""
    keys: set[tuple[str, ...]] = set()
    for name in (case.child_name, case.child_name_zh):
        if not name:
            continue
        for seq in N.syllables_of(name)[:4]:
            if len(seq) >= 2:
                keys.add(tuple(sorted(_phon_tuple(seq))))
        if not N.has_han(name) and not N.syllables_of(name):
            key = N.compact(name)
            if len(key) >= 3:
                keys.add((key,))
    return keys


def _year(date: str) -> str:
    m = re.search(r"(1[89]|20)\d\d", date or "")
    return m.group(0) if m else ""


def find_duplicate_cases(cases: Sequence[Case]) -> list[tuple[str, str, float, str]]:
    """Pairs of case records that look like the same child entered twice.

    Same child name by sound (any spelling or word order, or the same Chinese name),
    and no contradiction: same sex, years and places compatible where both are given.
    Returns (case_id_a, case_id_b, score, reason), best first.
    """
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, c in enumerate(cases):
        for key in _name_key(c):
            groups[key].append(i)
    seen: set[tuple[int, int]] = set()
    out: list[tuple[str, str, float, str]] = []
    for members in groups.values():
        if len(members) < 2 or len(members) > 50:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = cases[members[x]], cases[members[y]]
                pair = (min(members[x], members[y]), max(members[x], members[y]))
                if pair in seen or a.case_id == b.case_id:
                    continue
                seen.add(pair)
                dup = _compare(a, b)
                if dup:
                    out.append((a.case_id, b.case_id, *dup))
    return sorted(out, key=lambda d: (-d[2], d[0], d[1]))


def _compare(a: Case, b: Case) -> tuple[float, str] | None:
    if a.sex and b.sex and a.sex.strip().lower()[:1] != b.sex.strip().lower()[:1]:
        return None
    reasons = []
    score = 0.8
    same_spelling = N.compact(a.child_name) == N.compact(b.child_name) and a.child_name
    if same_spelling:
        reasons.append(f"same name '{a.child_name}'")
        score += 0.05
    else:
        reasons.append(
            f"names sound alike ('{a.child_name or a.child_name_zh}' / "
            f"'{b.child_name or b.child_name_zh}')"
        )
    for label, x, y in (
        ("missing", a.missing_date, b.missing_date),
        ("born", a.birth_date, b.birth_date),
    ):
        ya, yb = _year(x), _year(y)
        if ya and yb:
            if ya != yb:
                return None
            reasons.append(f"{label} {ya}")
            score += 0.05
    pa, pb = set(N.tokens(a.missing_place)), set(N.tokens(b.missing_place))
    if pa and pb:
        if not pa & pb:
            return None
        reasons.append("places overlap")
        score += 0.05
    return _round(score), "; ".join(reasons)
