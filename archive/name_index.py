"""The name index linking matches transcript text against: every name, alias, Chinese
name, parent and distinctive place of the case and people records, by key.

Built once per archive state and saved in the archive (``archive.name_index_disk``);
``archive.name_scan`` reads it while scanning text, ``archive.linking`` decides.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tapelog.archive import names as N
from tapelog.archive.models import Case, Person

_GENERIC_PLACES = frozenset({"china", "southernchina", "northernchina", "southchina"})


@dataclass
class Target:
    type: str  # case / person
    id: str
    label: str
    related: set[str] = field(default_factory=set)  # ids of related cases/people
    family: tuple[str, ...] = ()  # family name tokens of the main name
    near: tuple[str, ...] = ()  # spellings an unknown word is compared with in context


@dataclass(frozen=True)
class Entry:
    """One way of naming one target."""

    target: int  # index into NameIndex.targets
    text: str  # the name/alias/place as written in the record
    kind: str  # name / alias / parent / zh / place / given / parent-given / short / word
    family: tuple[str, ...] = ()  # the family name tokens, for given-name checks


def _phon_tuple(syls: Iterable[str]) -> tuple[str, ...]:
    return tuple(N.phon(s) for s in syls)


def near_keys(names: Iterable[str], place: str) -> tuple[str, ...]:
    """What a capitalised word Whisper made up ("Nairoyu", "Taeun") is compared with once
    the interview is about this target (``archive.linking``): each Latin name whole and
    its given name, and each word of the place's name (``names.place_name``; five
    letters or more)."""
    keys: set[str] = set()
    for name in names:
        if not name or N.has_han(name):
            continue
        _family, given = N.name_parts(name)
        keys |= {N.compact(name), "".join(given)}
    keys |= set(N.tokens(N.place_name(place)))
    return tuple(sorted(k for k in keys if k.isascii() and (len(k) >= 5 or _doubled(k))))


def _doubled(key: str) -> bool:
    """A given name of one syllable said twice ("lele", "dudu"): short, but its sound is
    its own (tiny.en wrote "Lola" for Le Le, 0.9 by sound; "Lily" 0.8, "little" 0.53)."""
    syls = N.split_syllables(key)
    return syls is not None and len(syls) == 2 and syls[0] == syls[1]


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


# The kind of a parent's given name alone ("Dewei"): weak, and no twin is looked for
# (``archive.name_twins``): natural12's "An Xin" (Luo An Xin) was forced against the
# decoy child's "Yu Xin" over "Luo An Xin" and lost.
PARENT_GIVEN = "parent-given"


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
        self.given_all: dict[str, list[Entry]] = defaultdict(list)  # parents' too: An Xin
        # Every full name by its family name: "Zhang Hay Warren" is compared by sound
        # with the Zhangs (``archive.name_heard``).
        self.family: dict[str, list[Entry]] = defaultdict(list)
        self.by_id: dict[tuple[str, str], int] = {}
        # Given names that link alone only in an interview already about their case: a
        # parent's ("Dewei" for Zhao Dewei), read as crowded names are.
        self.weak_given: set[str] = set()
        self._parents: set[int] = set()  # id() of the parents' given-name entries
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
                # given name alone ("Dewei") only in an interview already about it
                # (``weak_given``): said alone it could be anyone's.
                self._add_name(t, parent, "parent")
            t.near = near_keys([c.child_name, *c.aliases, *c.parents], c.missing_place)
        for p in people:
            t = self._target("person", p.person_id, p.name or p.name_zh)
            t.related |= set(p.cases)
            self._add_name(t, p.name, "name")
            for a in p.aliases:
                self._add_name(t, a, "alias")
            self._add_name(t, p.name_zh, "zh")
            t.near = near_keys([p.name, *p.aliases], "")
        self._add_places(cases)
        # A name a child or a person record also has alone keeps that record's rule.
        self.weak_given -= {
            k for k in self.weak_given if any(id(e) not in self._parents for e in self.given[k])
        }
        self.crowded = self._crowded_given() | self.weak_given

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
            # A bare surname alias ("Liu"), a one-syllable name ("Run", "Le"): only in
            # context, capitalised, never inside a longer name.
            self.exact[key].append(Entry(ti, name, "short"))
            return
        if len(toks) == 1 and syls[0] is None:
            # One word that is no pinyin ("Will", "The", "Bob"): an English word as
            # often as a name, so as "short", and never as a sentence's first word.
            self.exact[key].append(Entry(ti, name, "word"))
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
        if family and given and len("".join(given)) >= 3:
            self.given_all["".join(given)].append(Entry(ti, name, kind, tuple(family)))
            self.family["".join(family)].append(Entry(ti, name, kind, tuple(family)))
        if family and given and kind in ("name", "alias") and t.type == "case":
            one = [s for tok in given for s in (N.split_syllables(tok) or ())]
            if len(given) == 1 and len(one) == 1 and given[0] not in N.SURNAMES:
                # A child's one-syllable given name alone ("Run" for Luo Run): as a
                # one-syllable alias is, only capitalised in an interview about the case.
                self.exact[given[0]].append(Entry(ti, name, "short"))
        if family and given and kind == "parent":
            gkey = "".join(given)
            gsyl = tuple(s for tok in given for s in (N.split_syllables(tok) or (tok,)))
            if len(gkey) >= 4 and len(gsyl) >= 2 and all(N.split_syllables(t) for t in given):
                gentry = Entry(ti, name, PARENT_GIVEN, tuple(family))
                self.given[gkey].append(gentry)
                self.given_sound[_phon_tuple(gsyl)].append(gentry)
                self.weak_given.add(gkey)
                self._parents.add(id(gentry))
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

    def targets_in(self, ids: Iterable[str]) -> list[int]:
        """The numbers of the targets (cases or people) with these ids, in order: a
        context of a few ids looked up, not every target scanned."""
        by_id = self.by_id
        return sorted(
            by_id[(kind, tid)] for tid in set(ids) for kind in ("case", "person")
            if (kind, tid) in by_id
        )  # fmt: skip
