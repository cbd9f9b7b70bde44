"""Names and places to bias Whisper with, for one media file (the vocabulary prompt)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.archive.linking import heard_targets
from tapelog.archive.links import list_links, media_context, name_index
from tapelog.archive.records import list_cases, list_people

if TYPE_CHECKING:
    from tapelog.archive.models import Case, Person
    from tapelog.archive.name_index import NameIndex
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import Segment

# Names in characters that every Mandarin file may be given (the second and closer
# looks). Measured: the names bench's 15 wrote no name that was not said; with 2,000
# more cases, 75 names per window and near-misses against all of them wrote 吕勇怡, a
# case nobody named, into zh08, and a file's own one or two names alone were read back
# at the ends of windows ("...电话。王晓雨。"). Past this, Mandarin gets no second look
# at ``vocab_from_cases auto``, and the closer look only the interview's own cases.
SMALL_CHINESE_SHEET = 30
# A large sheet's second look: the cases and people the plain pass named, at most this many.
HEARD_TARGETS = 8


def small_chinese_sheet(index: NameIndex) -> bool:
    """Whether the archive's names in characters are few enough to give every file."""
    names = {e.text for entries in index.zh.values() for e in entries if e.kind == "zh"}
    return len(names) <= SMALL_CHINESE_SHEET


def _prompt_cost(text: str) -> int:
    """Rough prompt budget: a Chinese character costs about two Latin characters."""
    return sum(2 if N.is_han(c) else 1 for c in text)


def vocab_for_media(
    archive: Archive,
    media_id: str,
    max_chars: int = 600,
    language: str | None = None,
    heard: Sequence[Segment] | None = None,
) -> str:
    """Names and places to bias Whisper for one media file, within its prompt limit.

    Most relevant first: cases and people tagged or linked on this media or named in
    its file name (``采访 罗润 父亲.wav``; ``links.media_context``), their related cases/people, then the
    rest. ``max_chars`` keeps the prompt under Whisper's ~224 tokens. For Chinese
    (``zh``, ``yue``) only names written in characters are used: a prompt in Latin
    letters pulled a Mandarin transcript into pinyin.

    ``heard``: the file's plain transcript, for a second look. When the sheet's names do
    not all fit (for Chinese: past ``SMALL_CHINESE_SHEET`` names in characters), the
    rest are not the sheet's first cases but the cases and people the plain pass named
    (``linking.heard_targets``, at most ``HEARD_TARGETS``), with their related records,
    and nothing else: with 2,000 cases, names nobody said cost the interview's own, and
    cases chosen because a made-up word sounded near their names were wrong as often as
    right (BENCHMARKS.md, "A large sheet"). For Chinese at most ``SMALL_CHINESE_SHEET``.
    """
    han_only = (language or "").lower() in ("zh", "yue")
    # Speech in another language: names in characters cost tokens and cannot be heard.
    latin_only = bool(language) and not han_only
    archive.get_media(media_id)  # an unknown id is the crew's mistake, said as such
    cases = {c.case_id: c for c in list_cases(archive)}
    people = {p.person_id: p for p in list_people(archive)}
    if not cases and not people:
        return ""
    first: list[str] = sorted(media_context(archive, media_id), key=lambda t: (t not in cases, t))
    first += [link.target_id for link in list_links(archive, media_id=media_id)]
    related: list[str] = []
    for tid in first:
        if tid in cases:
            related += [p.person_id for p in people.values() if tid in p.cases]
        elif tid in people:
            related += people[tid].cases
    first += [cid for tid in first if tid in people for cid in people[tid].cases]
    first.sort(key=lambda t: t not in cases)  # children's names before adults'
    order = list(dict.fromkeys(first + related + list(cases) + list(people)))
    words, full = _names_in(order, cases, people, han_only, latin_only, max_chars)
    index = name_index(archive) if heard is not None else None
    if index is not None and (full or (han_only and not small_chinese_sheet(index))):
        near = [t for t in heard_targets(index, heard or []) if t in cases or t in people]
        near = near[:HEARD_TARGETS]
        near += [p.person_id for t in near if t in cases for p in people.values() if t in p.cases]
        order = list(dict.fromkeys(first + related + near))
        words, _full = _names_in(order, cases, people, han_only, latin_only, max_chars)
        if han_only:
            words = words[:SMALL_CHINESE_SHEET]
    return _vocab_text(words, han_only)


def _names_in(
    order: list[str],
    cases: dict[str, Case],
    people: dict[str, Person],
    han_only: bool,
    latin_only: bool,
    max_chars: int,
) -> tuple[list[str], bool]:
    """The names of the records in ``order`` that fit in ``max_chars``, and whether
    some did not fit."""
    words: list[str] = []
    seen: set[str] = set()
    used = 0
    for tid in order:
        if tid in cases:
            c = cases[tid]
            place = N.place_name(c.missing_place, first=True)
            items = [c.child_name, c.child_name_zh, *c.aliases, place, *c.parents]
        elif tid in people:
            p = people[tid]
            items = [p.name, p.name_zh, *p.aliases]
        else:
            continue
        for item in items:
            item = (item or "").strip()
            if (han_only and not N.has_han(item)) or (latin_only and N.has_han(item)):
                continue
            key = N.compact(item)
            if len(key) < 2 or key in seen or (len(N.tokens(item)) == 1 and len(key) < 4):
                continue
            cost = _prompt_cost(item) + 2
            if used + cost > max_chars:
                return words, True
            seen.add(key)
            words.append(item)
            used += cost
    return words, False


def _vocab_text(words: list[str], chinese: bool) -> str:
    if not words:
        return ""
    return "、".join(words) + "。" if chinese else ", ".join(words) + "."
