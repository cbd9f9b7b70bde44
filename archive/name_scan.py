"""Scanning transcript text for names in the index: candidate spans with the entries
they may name, how sure, and whether they need context (``archive.linking`` decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from rapidfuzz.distance import JaroWinkler
from tapelog.archive import names as N
from tapelog.archive.name_index import Entry, NameIndex, _loose_key, _phon_tuple

_MISHEAR_JW = 0.8


@dataclass
class _Cand:
    entries: list[Entry]
    score: float
    kind: str
    weak: bool  # needs context
    first: int  # token span [first, last)
    last: int
    scores: dict[Entry, float] | None = None  # per entry, when they differ


def _distinct(entries: list[Entry], index: NameIndex) -> int:
    """How many different identities these entries name (a case and its own child
    person record count once)."""
    groups: list[set[str]] = []
    for e in entries:
        t = index.target_of(e)
        ids = {t.id} | t.related
        for g in groups:
            if g & ids:
                g |= ids
                break
        else:
            groups.append(set(ids))
    return len(groups)


def _other_name(mention: tuple[str, ...], target: tuple[str, ...]) -> bool:
    """True when a pinyin mention differs from the target by a *full* syllable: another
    child's name (Jianjun for Jingjun, Gaoming for Gaofeng), not a mishearing.

    A differing syllable that keeps its initial (jian/jing) or is a full syllable of
    three letters or more (ming/feng) makes another name; a reduced one (the ``-le`` of
    ``Jingle`` for ``jun``) is how an English model swallows an unstressed syllable.
    """
    if len(mention) != len(target):
        return False
    for x, y in zip(mention, target, strict=True):
        px, py = N.phon(x), N.phon(y)
        if px != py and (N.initial(px) == N.initial(py) or len(x) >= 3):
            return True
    return False


class _Scanner:
    def __init__(self, index: NameIndex) -> None:
        self.ix = index

    def latin(self, text: str) -> list[_Cand]:
        spans = N.token_spans(text)
        toks = [s[0] for s in spans]
        caps = [text[s[1] : s[1] + 1].isupper() for s in spans]
        cased = any(c.islower() for c in text) and any(c.isupper() for c in text)
        # A token that starts a sentence: capitalised whatever it is ("The", "Will").
        first = [_sentence_start(text[: s[1]]) for s in spans]
        out: list[_Cand] = []
        i = 0
        n_tok = len(toks)
        while i < n_tok:
            if N.is_han(toks[i]):
                i += 1
                continue
            cand = None
            for n in (5, 4, 3, 2, 1):
                if i + n > n_tok or any(N.is_han(t) for t in toks[i : i + n]):
                    continue
                cand = self._at(toks, caps, cased, i, n, first)
                if cand:
                    break
            if cand:
                out.append(cand)
                i = cand.last
            else:
                i += 1
        return out

    def _at(
        self,
        toks: list[str],
        caps: list[bool],
        cased: bool,
        i: int,
        n: int,
        first: list[bool] | None = None,
    ) -> _Cand | None:
        ix = self.ix
        key = "".join(toks[i : i + n])
        prev = toks[i - 1] if i > 0 else ""
        # The family name a given name alone follows, one made-up word between or none:
        # "Zhang John Guohua" (Zhang Jianguo) is no Deng's Guohua.
        back = (
            toks[i - 2] if i > 1 and prev not in N.SURNAMES and toks[i - 2] in N.SURNAMES else prev
        )
        hits = ix.exact.get(key)
        other_family = prev in N.SURNAMES and toks[i] not in N.SURNAMES
        if hits and other_family:
            hits = [e for e in hits if self._family_ok(e, prev)]
        if hits:
            short = [e for e in hits if e.kind in ("short", "word")]
            full = [e for e in hits if e.kind not in ("short", "word")]
            if short and cased and not caps[i]:
                short = []  # "run", "the", "will" in lower case: the word, not the name
            if short and first is not None and first[i]:
                short = [e for e in short if e.kind != "word"]  # "The police...", "Will you"
            if full and key in ix.given and all(not e.family for e in full):
                # A given name alone (an alias "Jingjun"): other children may share it.
                more = [e for e in ix.given[key] if self._family_ok(e, back)]
                full += [e for e in more if e.target not in {f.target for f in full}]
                weak = _distinct(full, ix) > 1 or key in ix.crowded
                return _Cand(full, 0.95, "given", weak, i, i + n)
            if full:
                kind = "place" if all(e.kind == "place" for e in full) else "exact"
                score = 0.6 if kind == "place" else 1.0
                return _Cand(full, score, kind, kind == "place", i, i + n)
            nxt = i + n
            if not short or (nxt < len(toks) and (caps[nxt] if cased else False)):
                return None  # "Liu" starting a longer name we do not know
            return _Cand(short, 0.7, "short", True, i, i + n)
        syls: list[str] = []
        for t in toks[i : i + n]:
            s = N.split_syllables(t)
            if s is None:
                syls = []
                break
            syls.extend(s)
        if syls and len(syls) >= 2:
            phon = _phon_tuple(syls)
            hits = ix.sound.get(phon)
            if hits and other_family:
                hits = [e for e in hits if self._family_ok(e, prev)]
            if hits:
                return _Cand(list(hits), 0.9, "sound", False, i, i + n)
            loose = self._loose(toks, caps, cased, i, n)
            if loose:
                return loose
            if n <= 2:
                gh = ix.given.get(key) or ix.given_sound.get(phon)
                if gh:
                    gh = [e for e in gh if self._family_ok(e, back)]
                    if gh:
                        score = 0.85 if key in ix.given else 0.8
                        weak = _distinct(gh, ix) > 1 or key in ix.crowded
                        return _Cand(gh, score, "given", weak, i, i + n)
        if n == 1 and (caps[i] or not cased):
            return self._mishear(toks, i, prev)
        if n == 2 and (caps[i] or not cased):
            return self._misheard_family(toks, i)
        return None

    def _loose(
        self, toks: list[str], caps: list[bool], cased: bool, i: int, n: int
    ) -> _Cand | None:
        """``Liu Run`` / ``Lou Run`` for ``Luo Run``: the given name right, the family
        name a syllable with the same initial and a final an ear confuses (never ``Lin``
        for ``Liu``: another family)."""
        if n not in (2, 3) or (cased and not caps[i]):
            return None
        fam = N.split_syllables(toks[i])
        if fam is None or len(fam) != 1:
            return None
        hits = self.ix.loose.get(_loose_key([toks[i]], toks[i + 1 : i + n]))
        if not hits:
            return None
        return _Cand(list(hits), 0.8, "sound", _distinct(hits, self.ix) > 1, i, i + n)

    def _family_ok(self, entry: Entry, prev: str) -> bool:
        """False when another family name stands before a given name (``Wang Jingjun``
        is not ``Liu Jingjun``)."""
        if prev not in N.SURNAMES:
            return True
        family = entry.family or self.ix.target_of(entry).family
        return not family or (prev,) == family

    def _mishear(self, toks: list[str], i: int, prev: str) -> _Cand | None:
        ix = self.ix
        word = toks[i]
        if len(word) < 4 or N.numeral(prev):
            return None  # "about 3,000 Yuuan": after a number, a unit (yuan), not Yuxuan
        msyl = N.split_syllables(word)
        first = msyl[0] if msyl else None
        if first is None:
            for j in range(min(6, len(word)), 0, -1):
                if word[:j] in N.SYLLABLES:
                    first = word[:j]
                    break
        if first is None:
            return None
        scores: dict[Entry, float] = {}
        for entry, gkey, gsyl in ix.given_first.get(N.phon(first), ()):
            if gkey == word or not self._family_ok(entry, prev):
                continue
            if msyl and _other_name(msyl, gsyl):
                continue
            sim = JaroWinkler.similarity(word, gkey)
            if sim < _MISHEAR_JW:
                continue
            with_surname = prev != "" and (prev,) == entry.family
            score = 0.55 + 0.75 * (sim - _MISHEAR_JW) + (0.15 if with_surname else 0.0)
            scores[entry] = max(scores.get(entry, 0.0), min(score, 0.8))
        if not scores:
            return None
        found = sorted(scores, key=lambda e: -scores[e])
        with_surname = prev != "" and (prev,) == found[0].family
        first_tok = i - 1 if with_surname else i
        return _Cand(found, scores[found[0]], "mishear", not with_surname, first_tok, i + 1, scores)

    def _misheard_family(self, toks: list[str], i: int) -> _Cand | None:
        """``Low Run`` for ``Luo Run``: the given name exact, the family name an English
        word that sounds like it (never another valid pinyin surname: ``Lin`` is not
        ``Liu``). Always needs context."""
        fam, giv = toks[i], toks[i + 1]
        if N.split_syllables(fam) is not None or len(fam) < 2:
            return None
        found: dict[Entry, float] = {}
        for entry in self.ix.given_token.get(giv, ()):
            family = "".join(entry.family)
            if not family or family[0] != fam[0]:
                continue
            sim = JaroWinkler.similarity(fam, family)
            if sim >= 0.75:
                found[entry] = 0.6 + 0.5 * (sim - 0.75)
        if not found:
            return None
        entries = sorted(found, key=lambda e: -found[e])
        return _Cand(entries, found[entries[0]], "mishear", True, i, i + 2, found)

    def chinese(self, text: str) -> list[_Cand]:
        chars = [c for c in N.fold(text)]
        out: list[_Cand] = []
        i = 0
        while i < len(chars):
            if not N.is_han(chars[i]):
                i += 1
                continue
            cand = None
            for n in (4, 3, 2):
                run = chars[i : i + n]
                if len(run) < n or not all(N.is_han(c) for c in run):
                    continue
                cand = self._zh_at("".join(run), i, n)
                if cand:
                    break
            if cand:
                out.append(cand)
                i = cand.last
            else:
                i += 1
        return out

    def _zh_at(self, run: str, i: int, n: int) -> _Cand | None:
        ix = self.ix
        hits = ix.zh.get(run)
        if hits:
            place = all(e.kind == "place" for e in hits)
            return _Cand(
                list(hits), 0.6 if place else 1.0, "place" if place else "zh", place, i, i + n
            )
        readings = [N.han_readings(c) or (c,) for c in run]
        found: list[Entry] = []
        given: list[Entry] = []
        for count, seq in enumerate(product(*readings)):
            if count >= 32:
                break
            phon = _phon_tuple(seq)
            found.extend(e for e in ix.sound.get(phon, ()) if e not in found)
            given.extend(e for e in ix.given_sound.get(phon, ()) if e not in given)
        if found:
            place = all(e.kind == "place" for e in found)
            score = 0.6 if place else (0.88 if n >= 3 else 0.75)
            return _Cand(found, score, "place" if place else "zh-sound", place or n < 3, i, i + n)
        if given:
            return _Cand(given, 0.75, "given", True, i, i + n)
        return None


def _mention_chars(text: str, cand: _Cand, chinese: bool) -> tuple[int, int]:
    """Where the mention is: characters ``[a, b)`` of the folded text (which is the text
    itself unless folding changed its length, see ``_mention_text``)."""
    if chinese:
        return cand.first, cand.last
    spans = N.token_spans(text)
    return spans[cand.first][1], spans[cand.last - 1][2]


def _mention_text(text: str, cand: _Cand, chinese: bool) -> str:
    a, b = _mention_chars(text, cand, chinese)
    if chinese:
        return N.fold(text)[a:b]
    return text[a:b] if len(N.fold(text)) == len(text) else N.fold(text)[a:b]


def _sentence_start(before: str) -> bool:
    """Whether a token after ``before`` starts a sentence (capitalised whatever it is)."""
    before = before.rstrip(" \"'([")
    return not before or before.endswith((".", "!", "?", ":"))
