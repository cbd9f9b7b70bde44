"""Finding names of case children, people and places in transcript text.

Pure logic over records and segments (no store): ``NameIndex`` is built once from the
cases and people, then ``find_mentions`` scans segments. Matching is by keys, not by
comparing every name with every word, so an hour of transcript against 10,000 case
records stays well under a second:

* exact: the compact name (no spaces, hyphens, punctuation) in either word order
  (``Liu Jing-jun``, ``Jingjun Liu``), aliases, Chinese names;
* sound: pinyin syllables through ``names.phon`` (``Lou Run`` ~ ``Luo Run``), which is
  also how Chinese text is matched: every reading of every character, so a homophone
  character Whisper chose still links;
* given name alone (``Jingjun``) when it names one child, or the interview is already
  about that child; not when another surname stands before it (``Wang Jingjun``);
* mishearings (``Jingle``) by Jaro-Winkler on the given name, only next to the right
  surname or in an interview already about that case, and never when the difference
  is a whole different syllable with the same initial (``Jianjun`` is another child's
  name, not a mishearing of ``Jingjun``).

Weak kinds (given name alone when ambiguous, mishearings, one-syllable aliases such as
a bare surname, two-character Chinese homophones) need *context*: a strong mention of
the same case or a related person elsewhere in the same media, or a tag on it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product

from rapidfuzz.distance import JaroWinkler
from tapelog.archive import names as N
from tapelog.archive.models import Case, Person
from tapelog.transcribe.types import Segment

STRONG = 0.85  # a mention at least this good puts its target in the media's context
MIN_SCORE = 0.6
_MISHEAR_JW = 0.8
_GENERIC_PLACES = frozenset({"china", "southernchina", "northernchina", "southchina"})


@dataclass
class Target:
    type: str  # case / person
    id: str
    label: str
    related: set[str] = field(default_factory=set)  # ids of related cases/people
    family: tuple[str, ...] = ()  # family name tokens of the main name


@dataclass(frozen=True)
class Entry:
    """One way of naming one target."""

    target: int  # index into NameIndex.targets
    text: str  # the name/alias/place as written in the record
    kind: str  # name / alias / zh / place / given / short
    family: tuple[str, ...] = ()  # the family name tokens, for given-name checks


@dataclass
class Mention:
    """A name found in one segment, matched to one target."""

    segment: int  # index in the scanned sequence
    start: float
    end: float
    mention: str  # as written in the transcript
    target_type: str
    target_id: str
    score: float
    matched: str  # the record's name/alias/place it matched
    kind: str  # exact / sound / given / mishear / place / short / zh / zh-sound
    context: str = ""
    people: list[str] = field(default_factory=list)  # person records folded into a case


def _round(x: float) -> float:
    return round(min(1.0, max(0.0, x)), 3)


def _phon_tuple(syls: Iterable[str]) -> tuple[str, ...]:
    return tuple(N.phon(s) for s in syls)


def _loose_key(family: Sequence[str], given: Sequence[str]) -> tuple[str, ...]:
    """A family name by its initial and final class, then the given name's syllables:
    ``Liu Run``, ``Lou Run`` and ``Luo Run`` share one key; ``Lin Run`` does not."""
    fam = "".join(family)
    syls = N.split_syllables(fam)
    head = N.loose_syllable(syls[0]) if syls and len(syls) == 1 else fam
    giv: list[str] = []
    for tok in given:
        giv += [N.phon(x) for x in (N.split_syllables(tok) or (tok,))]
    return (head, *giv)


class NameIndex:
    """Every name, alias, Chinese name and distinctive place, indexed by key."""

    def __init__(self, cases: Sequence[Case], people: Sequence[Person]) -> None:
        self.targets: list[Target] = []
        self.exact: dict[str, list[Entry]] = defaultdict(list)
        self.sound: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        self.zh: dict[str, list[Entry]] = defaultdict(list)
        self.given: dict[str, list[Entry]] = defaultdict(list)
        self.given_sound: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        self.given_first: dict[str, list[tuple[Entry, str, tuple[str, ...]]]] = defaultdict(list)
        self.given_token: dict[str, list[Entry]] = defaultdict(list)  # family-name mishearings
        self.loose: dict[tuple[str, ...], list[Entry]] = defaultdict(list)  # Liu Run ~ Luo Run
        self.by_id: dict[tuple[str, str], int] = {}
        case_people: dict[str, set[str]] = defaultdict(set)
        for p in people:
            for cid in p.cases:
                case_people[cid].add(p.person_id)
        for c in cases:
            t = self._target("case", c.case_id, c.child_name or c.child_name_zh)
            t.related |= case_people.get(c.case_id, set())
            self._add_name(t, c.child_name, "name")
            for a in c.aliases:
                self._add_name(t, a, "alias")
            self._add_name(t, c.child_name_zh, "zh")
            for parent in c.parents:
                # A parent named on the case sheet ("Peng Gaofeng") names the case; the
                # given name alone ("Gaofeng") is too common to mean it.
                self._add_name(t, parent, "parent")
        for p in people:
            t = self._target("person", p.person_id, p.name or p.name_zh)
            t.related |= set(p.cases)
            self._add_name(t, p.name, "name")
            for a in p.aliases:
                self._add_name(t, a, "alias")
            self._add_name(t, p.name_zh, "zh")
        self._add_places(cases)
        self.crowded = self._crowded_given()

    def _crowded_given(self) -> set[str]:
        """Given names another child's given name is one syllable away from (Yuxuan /
        Yuxin, Xiaoyu / Xiaoyun): said alone, such a name needs the interview to be
        about that child already, since Whisper (given both names) may write either."""
        groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for entries in self.given_first.values():
            for _entry, gkey, gsyl in entries:
                phon = _phon_tuple(gsyl)
                for k in range(len(phon)):
                    groups[(*phon[:k], "*", *phon[k + 1 :])].add(gkey)
        return {g for keys in groups.values() if len(keys) > 1 for g in keys}

    def _target(self, kind: str, tid: str, label: str) -> Target:
        t = Target(kind, tid, label, family=tuple(N.name_parts(label)[0]))
        self.by_id[(kind, tid)] = len(self.targets)
        self.targets.append(t)
        return t

    def _add_name(self, t: Target, name: str, kind: str) -> None:
        name = (name or "").strip()
        if not name:
            return
        ti = self.by_id[(t.type, t.id)]
        toks = N.tokens(name)
        key = "".join(toks)
        han = N.has_han(name)
        if len(key) < 2:  # a one-character name would match everywhere
            return
        if han:
            self.zh[key].append(Entry(ti, name, "zh"))
            for seq in N.syllables_of(name):
                if len(seq) >= 2:
                    self.sound[_phon_tuple(seq)].append(Entry(ti, name, "zh"))
            return
        syls = [N.split_syllables(tok) for tok in toks]
        one_syllable = len(toks) == 1 and syls[0] is not None and len(syls[0]) == 1
        if one_syllable or len(key) < 3:
            # A bare surname alias ("Liu"): only in context, never inside a longer name.
            self.exact[key].append(Entry(ti, name, "short"))
            return
        family, given = N.name_parts(name)
        entry = Entry(ti, name, kind, tuple(family))
        for k in N.order_variants(name):
            self.exact[k].append(entry)
        if all(s is not None for s in syls):
            flat = [s for seq in syls for s in seq]  # type: ignore[union-attr]
            if len(flat) >= 2:
                self.sound[_phon_tuple(flat)].append(entry)
            if family and given:
                fam_syl = [s for tok in family for s in (N.split_syllables(tok) or ())]
                giv_syl = [s for tok in given for s in (N.split_syllables(tok) or ())]
                self.sound[_phon_tuple(giv_syl + fam_syl)].append(entry)
        if family and given:
            self.loose[_loose_key(family, given)].append(entry)
        if family and given and kind != "parent":
            gkey = "".join(given)
            if len(gkey) >= 2:
                self.given_token[gkey].append(Entry(ti, name, kind, tuple(family)))
            gsyl = tuple(s for tok in given for s in (N.split_syllables(tok) or (tok,)))
            gentry = Entry(ti, name, "given", tuple(family))
            if len(gkey) >= 4 and len(gsyl) >= 2:
                self.given[gkey].append(gentry)
                self.given_sound[_phon_tuple(gsyl)].append(gentry)
            if len(gkey) >= 4:
                self.given_first[N.phon(gsyl[0])].append((gentry, gkey, gsyl))

    def _add_places(self, cases: Sequence[Case]) -> None:
        """Places that name exactly one case (a shared place says nothing on its own)."""
        owners: dict[str, set[int]] = defaultdict(set)
        texts: dict[str, str] = {}
        for c in cases:
            if not c.missing_place:
                continue
            ti = self.by_id[("case", c.case_id)]
            for part in re.split(r"[,，、;/]", c.missing_place):
                part = part.strip()
                words = part.split()
                if not part or not (N.has_han(part) or all(w[:1].isupper() for w in words)):
                    continue
                key = N.compact(part)
                if len(key) < 4 or key in _GENERIC_PLACES:
                    continue
                owners[key].add(ti)
                texts[key] = part
        for key, tis in owners.items():
            if len(tis) != 1:
                continue
            entry = Entry(next(iter(tis)), texts[key], "place")
            if N.has_han(texts[key]):
                self.zh[key].append(entry)
            else:
                self.exact[key].append(entry)
            for seq in N.syllables_of(texts[key]):
                if len(seq) >= 2:
                    self.sound[_phon_tuple(seq)].append(entry)

    # -- lookups used while scanning

    def target_of(self, entry: Entry) -> Target:
        return self.targets[entry.target]


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
                cand = self._at(toks, caps, cased, i, n)
                if cand:
                    break
            if cand:
                out.append(cand)
                i = cand.last
            else:
                i += 1
        return out

    def _at(self, toks: list[str], caps: list[bool], cased: bool, i: int, n: int) -> _Cand | None:
        ix = self.ix
        key = "".join(toks[i : i + n])
        prev = toks[i - 1] if i > 0 else ""
        hits = ix.exact.get(key)
        other_family = prev in N.SURNAMES and toks[i] not in N.SURNAMES
        if hits and other_family:
            hits = [e for e in hits if self._family_ok(e, prev)]
        if hits:
            short = [e for e in hits if e.kind == "short"]
            full = [e for e in hits if e.kind != "short"]
            if full and key in ix.given and all(not e.family for e in full):
                # A given name alone (an alias "Jingjun"): other children may share it.
                more = [e for e in ix.given[key] if self._family_ok(e, prev)]
                full += [e for e in more if e.target not in {f.target for f in full}]
                weak = _distinct(full, ix) > 1 or key in ix.crowded
                return _Cand(full, 0.95, "given", weak, i, i + n)
            if full:
                kind = "place" if all(e.kind == "place" for e in full) else "exact"
                score = 0.6 if kind == "place" else 1.0
                return _Cand(full, score, kind, kind == "place", i, i + n)
            nxt = i + n
            if nxt < len(toks) and (caps[nxt] if cased else False):
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
                    gh = [e for e in gh if self._family_ok(e, prev)]
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
        if len(word) < 4:
            return None
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


def _mention_text(text: str, cand: _Cand, chinese: bool) -> str:
    if chinese:
        return "".join(N.fold(text)[cand.first : cand.last])
    spans = N.token_spans(text)
    a, b = spans[cand.first][1], spans[cand.last - 1][2]
    return text[a:b] if len(N.fold(text)) == len(text) else N.fold(text)[a:b]


def find_mentions(
    index: NameIndex,
    segments: Sequence[Segment],
    *,
    context: Iterable[str] = (),
    min_score: float = MIN_SCORE,
) -> list[Mention]:
    """Mentions of indexed targets in ``segments`` (one media file, in order).

    ``context``: ids of cases/people already tied to this media (tags, accepted links);
    strong mentions found here are added to it. One mention per (segment, target): the
    best one.
    """
    scanner = _Scanner(index)
    found: list[tuple[int, _Cand, bool]] = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        for cand in scanner.latin(text):
            found.append((si, cand, False))
        if N.has_han(text):
            for cand in scanner.chinese(text):
                found.append((si, cand, True))
    ctx = set(context)
    for _si, cand, _zh in found:
        if not cand.weak and cand.score >= STRONG and _distinct(cand.entries, index) == 1:
            for e in cand.entries:
                t = index.target_of(e)
                ctx.add(t.id)
                ctx |= t.related
    best: dict[tuple[int, int], Mention] = {}
    for si, cand, zh in found:
        entries = cand.entries
        in_ctx = [e for e in entries if index.target_of(e).id in ctx]
        score = cand.score
        if cand.weak:
            if not in_ctx:
                continue
            entries = in_ctx
            if cand.scores:
                score = max(cand.scores[e] for e in entries)
                entries = [e for e in entries if cand.scores[e] >= score - 1e-9]
            score = min(0.85, score + 0.1)
        elif _distinct(entries, index) > 1:
            if in_ctx:
                entries = in_ctx
            else:
                score *= 0.85  # several children share this name: let a person decide
        if score < min_score:
            continue
        seg = segments[si]
        mention = _mention_text(seg.text, cand, zh)
        for e in entries:
            t = index.target_of(e)
            m = Mention(
                segment=si,
                start=seg.start,
                end=seg.end,
                mention=mention,
                target_type=t.type,
                target_id=t.id,
                score=_round(score),
                matched=e.text,
                kind=cand.kind,
                context=seg.text.strip(),
            )
            key = (si, e.target)
            if key not in best or best[key].score < m.score:
                best[key] = m
    return fold_people(index, list(best.values()))


def fold_people(index: NameIndex, mentions: list[Mention]) -> list[Mention]:
    """One suggestion per mention: a person record of a case folds into that case.

    The child's own person record, or a parent's, named in a line about the case, is
    the case: a reviewer gets one item (the case, carrying the person ids), not two. A
    person of exactly one case, named alone, suggests that case. A person of no case,
    or of several, stays a person suggestion.
    """
    by_seg: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_seg[m.segment].append(m)
    out: list[Mention] = []
    for si in sorted(by_seg):
        cases = {m.target_id: m for m in by_seg[si] if m.target_type == "case"}
        folded: list[Mention] = []
        for m in by_seg[si]:
            if m.target_type != "person":
                continue
            person_cases = sorted(index.targets[index.by_id[("person", m.target_id)]].related)
            mine = [cases[c] for c in person_cases if c in cases]
            if not mine and len(person_cases) == 1 and ("case", person_cases[0]) in index.by_id:
                case_id = person_cases[0]
                host = Mention(**{**m.__dict__, "target_type": "case", "target_id": case_id,
                                  "people": []})  # fmt: skip
                cases[case_id] = host
                mine = [host]
            if not mine:
                folded.append(m)
                continue
            for host in mine:
                if m.target_id not in host.people:
                    host.people.append(m.target_id)
                host.score = max(host.score, m.score)
        out += list(cases.values()) + folded
    return sorted(out, key=lambda m: (m.segment, -m.score, m.target_id))


# -- duplicate case records -------------------------------------------------------------


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
