"""Fuzzy autocomplete over a vocabulary (themes, people, cases), with rapidfuzz.

Names in this archive are romanized Chinese typed by people who heard them once:
"jingjun" must find "Liu Jingjun", "lou run" must find "Luo Run". WRatio over the label
and its aliases, plus a bonus for prefix matches, ranks what the user most likely means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils


@dataclass(frozen=True)
class Choice:
    """One thing a user can pick: stored as ``key``, shown as ``label``."""

    key: str
    label: str
    aliases: tuple[str, ...] = field(default=())


def fuzzy_matches(query: str, choices: list[Choice], limit: int = 6) -> list[Choice]:
    """The best ``limit`` choices for ``query``; all (first ``limit``) when it is empty."""
    query = query.strip()
    if not query:
        return choices[:limit]
    q = query.lower()
    exact = [c for c in choices if c.key.lower() == q or c.label.lower() == q]
    strings: list[str] = []
    owner: list[int] = []
    for i, c in enumerate(choices):
        for text in (c.key, c.label, *c.aliases):
            strings.append(text)
            owner.append(i)
    best: dict[int, float] = {}
    for scorer in (fuzz.WRatio, fuzz.partial_ratio):
        for _text, score, j in process.extract(
            query,
            strings,
            scorer=scorer,
            processor=utils.default_process,
            limit=limit * 4,
            score_cutoff=70,
        ):
            bonus = 10 if strings[j].lower().startswith(q) else 0
            i = owner[j]
            best[i] = max(best.get(i, 0.0), score + bonus)
    ranked = sorted(((score, i) for i, score in best.items()), key=lambda t: (-t[0], t[1]))
    out = list(exact)
    for _score, i in ranked:
        if choices[i] not in out:
            out.append(choices[i])
    return out[:limit]


def resolve(text: str, choices: list[Choice]) -> Choice | None:
    """The choice ``text`` names exactly (key, label or alias, any case), else None."""
    t = text.strip().lower()
    for c in choices:
        if t in (c.key.lower(), c.label.lower(), *(a.lower() for a in c.aliases)):
            return c
    return None
