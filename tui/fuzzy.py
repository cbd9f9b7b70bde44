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

    @property
    def haystack(self) -> str:
        return " | ".join((self.key, self.label, *self.aliases))


def fuzzy_matches(query: str, choices: list[Choice], limit: int = 6) -> list[Choice]:
    """The best ``limit`` choices for ``query``; all (first ``limit``) when it is empty."""
    query = query.strip()
    if not query:
        return choices[:limit]
    q = query.lower()
    exact = [c for c in choices if c.key.lower() == q or c.label.lower() == q]
    scored = process.extract(
        query,
        [c.haystack for c in choices],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit * 3,
        score_cutoff=50,
    )
    ranked: list[tuple[float, int]] = []
    for _text, score, i in scored:
        c = choices[i]
        bonus = 10 if any(s.lower().startswith(q) for s in (c.key, c.label, *c.aliases)) else 0
        ranked.append((score + bonus, i))
    ranked.sort(key=lambda t: (-t[0], t[1]))
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
