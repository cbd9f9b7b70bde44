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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler
from tapelog.archive import names as N
from tapelog.archive.family_alone import family_alone_spans
from tapelog.archive.given_heard import given_heard_spans
from tapelog.archive.links_cut import LineTimes
from tapelog.archive.name_heard import family_spans, heard_spans, shown_key, whole_spans
from tapelog.archive.name_index import Entry, NameIndex, Target
from tapelog.archive.name_scan import _Cand, _distinct, _mention_chars, _mention_text, _Scanner
from tapelog.archive.named_weakly import named_weakly, weak_signs
from tapelog.archive.split_names import rejoined
from tapelog.transcribe.types import Segment

__all__ = ["MIN_SCORE", "SOUND_KINDS", "STRONG", "Entry", "Mention", "NameIndex", "Target",
           "find_mentions", "fold_people", "heard_targets"]  # fmt: skip

STRONG = 0.85  # a mention at least this good puts its target in the media's context
MIN_SCORE = 0.6
HEARD_CASES = 3  # the cases named most in a file that words are matched by sound with
# A given name spelled exactly scores this at least in the scan (0.8 when it only sounds
# like one: ``name_scan``); a full name spelled exactly 1.0.
SPELLED = 0.85
SOUND_KINDS = frozenset({"near", "heard"})  # mentions matched by how words sound


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
    # The words of the mention (word timestamps), else the line's bounds.
    match_start: float = 0.0
    match_end: float = 0.0
    # Which stretch of a long line (``PART_GAP``, ``_CLAUSE_END``): 0 unless the same
    # name is heard again further along it.
    part: int = 0
    # Where the mention's words are in the line's folded text: which clause it is in.
    chars: tuple[int, int] = (0, 0)


def _round(x: float) -> float:
    return round(min(1.0, max(0.0, x)), 3)


def weak_leads(index: NameIndex, segments: Sequence[Segment]) -> list[str]:
    """Cases with a weak sign in a file (``named_weakly.weak_signs``), most first: what an
    untied file may be about, for a look that needs some names to give."""
    segments = rejoined(segments)
    found = _without_echoes(segments, _scan(index, segments))
    found += family_spans(index, segments, found)
    found += whole_spans(index, segments, found)
    count = weak_signs(index, segments, found)
    return sorted(count, key=lambda c: (-count[c], c))


def find_mentions(
    index: NameIndex,
    segments: Sequence[Segment],
    *,
    context: Iterable[str] = (),
    min_score: float = MIN_SCORE,
) -> list[Mention]:
    """Mentions of indexed targets in ``segments`` (one media file, in order).

    ``context``: ids of cases/people already tied to this media (tags, accepted links);
    strong mentions found here are added to it, and so is a child whose crowded given
    name is said twice or more with no rival's (``_repeated_given``). Then, in context
    only, a capitalised word Whisper made up that sounds like one of that case's names
    (``_near``), and words Whisper was unsure of that sound like one
    (``archive.name_heard``: "Zio, you" for Xiaoyu). Out of context, only a family name
    spelled right beside unsure words, or a whole name heard as unsure words ("Juan Lee
    Juan" for Huang Lijuan), is matched by sound. One mention per (segment, target):
    the best one.
    """
    segments = rejoined(segments)  # a name Whisper cut at a line's end, made whole
    found = _without_echoes(segments, _scan(index, segments))
    found += family_spans(index, segments, found)
    found += whole_spans(index, segments, found)
    both = _given_and_place(index, found, segments)
    ctx = set(context) | _strong(index, found) | _repeated_given(index, found) | both
    # A case with weak signs on two lines or more ties the file (or ties it again).
    weakly = named_weakly(index, segments, found, ctx)
    ctx |= weakly
    found += _family_heard_wrong(index, segments, found)
    found += _near(index, segments, found, ctx)
    ctx_targets = set(index.targets_in(ctx))  # by number: no target read per entry
    # Words a weak candidate holds that names no case in context ("Yuchuin", near the
    # decoy Deng Yuxin, in an interview about Deng Yuxuan) link nothing: matched by sound.
    holding = [f for f in found if not f[1].weak or any(e.target in ctx_targets
               for e in f[1].entries)]  # fmt: skip
    # Sound matching only against the few cases the interview is most about: against an
    # hour naming 150 cases, "and the" sounded like one of them (Yang Tao).
    about = set(context) | _strong(index, found, most=HEARD_CASES)
    about |= _repeated_given(index, found) | both | weakly
    near_targets = [i for i in index.targets_in(about) if index.targets[i].near]
    found += heard_spans(index, segments, holding, near_targets)
    # "you will run" for Luo Run: the given name right, the family name heard as words.
    found += given_heard_spans(index, segments, found, near_targets)
    # "Mr. Peng", "Mrs. Wang": the family name of the one case the file is about.
    found += family_alone_spans(index, segments, found, near_targets)
    every: list[tuple[int, Mention]] = []
    times: dict[int, LineTimes] = {}  # per line: where its words are, found once
    for si, cand, zh in found:
        decided = _decide(index, cand, ctx_targets)
        if decided is None or decided[1] < min_score:
            continue
        entries, score = decided
        seg = segments[si]
        mention = _mention_text(seg.text, cand, zh)
        if si not in times:
            times[si] = LineTimes(seg)
        match_start, match_end = _cut(times[si], cand, zh)
        chars = _mention_chars(seg.text or "", cand, zh)
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
                match_start=match_start,
                match_end=match_end,
                chars=chars,
            )
            every.append((e.target, m))
    return fold_people(index, _one_per_mention(every, segments))


# Seconds between two names in one line that make them two mentions: base writes
# Mandarin in lines of up to 25 s ("...王小羽的媽媽... 小羽她年四歲..." in one line of zh02).
PART_GAP = 8.0


# A candidate naming more identities than this (a place many cases share, a common
# given name) says too little about which case an interview is about to choose by.
_HEARD_SPREAD = 3
# A weak candidate under this (a mishearing that needs context) chooses nothing.
_HEARD_WEAK = 0.7


def heard_targets(index: NameIndex, segments: Sequence[Segment]) -> list[str]:
    """Ids of the cases and people whose names, or words that sound near them, a pass
    over ``segments`` finds, the most heard first, their related records after them.

    Weak candidates count too (a crowded given name, a homophone in characters, a
    mishearing such as "Jingle"): this chooses what Whisper is given to listen for on a
    second look, not what is linked. A candidate that could name more than
    ``_HEARD_SPREAD`` identities counts for none of them, and two characters that only
    sound like a given name (no family name, no alias) count for nothing: with 2,000
    cases, everyday words did; so does a mishearing that would need context. Why: with a large case sheet
    the names given must be the interview's (issue 12), and its plain transcript is the
    best evidence of which those are."""
    found = _scan(index, segments)
    found += _family_heard_wrong(index, segments, found)
    weight: dict[str, float] = defaultdict(float)
    related: dict[str, set[str]] = {}
    for _si, cand, zh in found:
        spread = _distinct(cand.entries, index)
        if spread > _HEARD_SPREAD or (zh and cand.kind == "given"):
            continue  # two characters that sound like a given name: 回家, 有一, 那年
        if cand.weak and cand.score < _HEARD_WEAK:
            continue  # "Venyukshun" for Ren Yuyun: with 2,000 cases, some name is near
        for e in cand.entries:
            t = index.target_of(e)
            score = (cand.scores or {}).get(e, cand.score)
            weight[t.id] += score / spread
            related[t.id] = t.related
    order = sorted(weight, key=lambda tid: (-weight[tid], tid))
    after = [r for tid in order for r in sorted(related[tid]) if r not in weight]
    return list(dict.fromkeys(order + after))


def _one_per_mention(
    every: list[tuple[int, Mention]], segments: Sequence[Segment]
) -> list[Mention]:
    """One mention per (line, stretch, target), the best: a name heard twice within
    ``PART_GAP`` seconds of a line, in one clause, is one mention; further along it, or
    after the end of a sentence (for Chinese, of a clause: base writes its sentences as
    one line joined by commas, "...六月一號丟的,那天我們在鄭州火車站,..."), another."""
    starts: dict[int, list[Mention]] = defaultdict(list)
    for _t, m in every:
        starts[m.segment].append(m)
    for si, ms in starts.items():
        text = N.fold(segments[si].text or "")
        ends = _CLAUSE_END_ZH if N.has_han(text) else _CLAUSE_END
        head: Mention | None = None
        part = -1
        for m in sorted(ms, key=lambda m: (m.match_start, m.chars)):
            if (
                head is None
                or m.match_start - head.match_start > PART_GAP
                or any(c in ends for c in text[head.chars[1] : m.chars[0]])
            ):
                head, part = m, part + 1
            m.part = part
    best: dict[tuple[int, int, int], Mention] = {}
    for target, m in every:
        key = (m.segment, m.part, target)
        if key not in best or best[key].score < m.score:
            best[key] = m
    return list(best.values())


# What ends a sentence in a line as the folded text has it; in Chinese text a comma too.
_CLAUSE_END = frozenset(".!?;")
_CLAUSE_END_ZH = frozenset(".!?;,。！？；，、")


_Found = list[tuple[int, _Cand, bool]]  # (segment, candidate, found in Chinese text)


def _cut(times: LineTimes, cand: _Cand, zh: bool) -> tuple[float, float]:
    """The mention's words' times (the line's when unknown): what a link cuts on."""
    seg = times.seg
    text = seg.text or ""
    if len(N.fold(text)) != len(text):  # offsets are on the folded text: no word times
        return seg.start, seg.end
    return times.cut(*_mention_chars(text, cand, zh))


def _scan(index: NameIndex, segments: Sequence[Segment]) -> _Found:
    scanner = _Scanner(index)
    found: _Found = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        for cand in scanner.latin(text):
            found.append((si, cand, False))
        if N.has_han(text):
            for cand in scanner.chinese(text):
                found.append((si, cand, True))
    return found


_ECHO = 8  # Han characters beside a name that make its line a repeat of an earlier one


def _without_echoes(segments: Sequence[Segment], found: _Found) -> _Found:
    """Chinese names in a passage Whisper wrote earlier in the file already.

    Conditioned on its own text, Whisper can write an earlier passage again over later
    speech (base on zh02: "小羽她年四歲" again over "去外省的车票要九十五块钱"). A name
    whose next or previous ``_ECHO`` characters also stand beside it earlier in the file
    is that repeat, not a new mention: the earlier one is already suggested."""
    out: _Found = []
    seen = ""  # the file's Han characters so far, one line after another
    by_seg: dict[int, list[tuple[int, _Cand, bool]]] = defaultdict(list)
    for item in found:
        by_seg[item[0]].append(item)
    for si, seg in enumerate(segments):
        chars = N.fold(seg.text or "")
        han = [i for i, c in enumerate(chars) if N.is_han(c)]
        line = "".join(chars[i] for i in han)
        where = {i: k for k, i in enumerate(han)}
        for item in by_seg.get(si, ()):
            _si, cand, zh = item
            a = where.get(cand.first)
            if zh and a is not None:
                b = a + (cand.last - cand.first)
                before = seen + line[:a]
                after, ahead = line[a : b + _ECHO], line[max(0, a - _ECHO) : b]
                if (b + _ECHO <= len(line) and after in before) or (
                    a >= _ECHO and ahead in seen + line[: b - 1]
                ):
                    continue
            out.append(item)
        seen += line + "\n"
    return out


def _sure(index: NameIndex, cand: _Cand) -> bool:
    """A candidate that names one target unambiguously: as written, or as it sounds in
    pinyin ("Liu Run" for Luo Run: the given name right, the family name's final
    confused, one child only)."""
    sure = cand.score >= STRONG or cand.kind in ("sound", "heard")
    return not cand.weak and sure and _distinct(cand.entries, index) == 1


def _strong(index: NameIndex, found: _Found, most: int | None = None) -> set[str]:
    """Targets (and their related records) named unambiguously somewhere in the file:
    a name as written, or as it sounds in pinyin ("Liu Run" for Luo Run: the given name
    right, the family name's final confused, one child only), which ties the file to
    that case as surely as the spelling would (natural3's nc01: its place and the
    father's name, heard as "the uo and sin", then link too). ``most``: where more are
    named than that, only the ``most`` named most often, and twice at least."""
    count: dict[int, int] = defaultdict(int)
    for _si, cand, _zh in found:
        # "Liu Run" for Luo Run; "Zhang Hay Warren" for Zhang Haoran: as sure.
        if _sure(index, cand):
            for e in cand.entries:
                count[e.target] += 1
    ranked = sorted(count, key=lambda ti: -count[ti])  # stable: first heard first
    if most is not None and len(ranked) > most:
        # Many named once each (a list read out, a long interview): only those named
        # again are what the file is about.
        ranked = [ti for ti in ranked if count[ti] >= 2][:most]
    ctx: set[str] = set()
    for ti in ranked:
        t = index.targets[ti]
        ctx.add(t.id)
        ctx |= t.related
    return ctx


def _repeated_given(index: NameIndex, found: _Found) -> set[str]:
    """A given name said alone, spelled exactly, that only needs context because another
    child's is one syllable away (Haoran / Haoyang): said twice or more in the file, and
    no other such name said at all, the interview is about that child."""
    counts: dict[int, int] = defaultdict(int)
    for _si, cand, _zh in found:
        exact_given = cand.kind == "given" and cand.weak and cand.score >= 0.85
        if exact_given and _distinct(cand.entries, index) == 1:
            counts[cand.entries[0].target] += 1
    if len(counts) != 1:
        return set()
    ((ti, n),) = counts.items()
    if n < 2:
        return set()
    t = index.targets[ti]
    return {t.id} | t.related


def _given_and_place(index: NameIndex, found: _Found, segments: Sequence[Segment]) -> set[str]:
    """A child's given name spelled right and the place the child was taken from, both
    in the file: each alone needs context (another child's given name is one syllable
    away; a city holds many cases), together they name the case. natural7's journalist
    says "Jingjun" and, a minute later, "Taiyuan"; its officer "Chengdu" and "Yuxuan".
    Only a given name one child on the sheet has: one two children share names neither,
    place or not (on a large sheet most given names are shared, and this adds nothing).

    The place, or another name of that case, may also be heard as words Whisper was
    unsure of, as ``archive.name_heard`` matches them by sound, but then in the given
    name's own line: natural8's volunteer, "Her girls, Xiaoyu, you vanished in
    coniming." (Kunming, a made-up word; the decoy Wang Xiaoyun is a syllable away)."""
    given: dict[int, set[str]] = {}
    lines: dict[int, set[int]] = defaultdict(set)  # the lines each given name is in
    for si, cand, _zh in found:
        exact = cand.kind == "given" and cand.score >= SPELLED
        if exact and _distinct(cand.entries, index) == 1:
            for e in cand.entries:
                t = index.targets[e.target]
                given[e.target] = {t.id} | t.related
                lines[e.target].add(si)
    out: set[str] = set()
    for _si, cand, _zh in found:
        if cand.kind != "place":
            continue
        for e in cand.entries:
            if e.target in given:
                out |= given[e.target]
    for ti, ids in given.items():
        if ids & out:
            continue
        targets = [i for i in index.targets_in(ids) if index.targets[i].near]
        here = sorted(lines[ti])
        heard = heard_spans(index, [segments[si] for si in here],
                            _local(found, here), targets)  # fmt: skip
        if heard:
            out |= ids
    return out | _place_line(index, found, segments, out)


def _place_line(
    index: NameIndex, found: _Found, segments: Sequence[Segment], have: set[str]
) -> set[str]:
    """A place spelled right that only one case on the sheet holds, with a name of that
    case heard as words Whisper was unsure of in the place's own line: "we drove to
    Nanning to meet Wang Le Juan" (Huang Lijuan, the mother of Nanning's Huang Zihan).
    The place alone is said in passing and the words alone sound like many names;
    together, in one sentence, they name the case, as a given name and its place do."""
    out: set[str] = set()
    for si, cand, zh in found:
        if cand.kind != "place" or zh:
            continue  # (a place in characters has no words heard by sound beside it)
        if _distinct(cand.entries, index) != 1:
            continue  # a city that holds two cases names neither
        t = index.targets[cand.entries[0].target]
        ids = {t.id} | t.related
        if ids & (have | out):
            continue
        targets = [i for i in index.targets_in(ids) if index.targets[i].near]
        here = [segments[si]]
        if heard_spans(index, here, _local(found, [si]), targets) or given_heard_spans(
            index, here, _local(found, [si]), targets
        ):
            out |= ids
    return out


def _local(found: _Found, lines: list[int]) -> _Found:
    """``found``'s candidates in ``lines``, numbered as their place in ``lines``."""
    where = {si: k for k, si in enumerate(lines)}
    return [(where[si], c, zh) for si, c, zh in found if si in where]


def _family_heard_wrong(index: NameIndex, segments: Sequence[Segment], found: _Found) -> _Found:
    """One made-up word standing, two times or more, next to given names of one case
    ("Hugo Run", "Hugo An Xin", "run Hugo" for Luo Run and his father Luo An Xin): the
    family name, heard wrong the same way each time. Each of those mentions links."""
    # A weak given name ("Run", "An Xin" alone) does not hide the made-up word beside it.
    taken = {(si, j) for si, c, zh in found if not zh and not (c.weak and c.kind in
             ("given", "short")) for j in range(c.first, c.last)}  # fmt: skip
    seen: dict[str, list[tuple[int, int, int, list[Entry]]]] = defaultdict(list)
    for si, seg in enumerate(segments):
        spans = N.token_spans(seg.text or "")
        toks = [t for t, _a, _b in spans]
        for j, (tok, a, _b) in enumerate(spans):
            odd = len(tok) >= 3 and tok not in N.SURNAMES and N.split_syllables(tok) is None
            if not odd or not seg.text[a : a + 1].isupper() or (si, j) in taken:
                continue
            for lo, hi in ((j + 1, j + 2), (j + 1, j + 3), (j - 1, j), (j - 2, j)):
                if lo < 0 or hi > len(toks) or any((si, k) in taken for k in range(lo, hi)):
                    continue
                hits = index.given_all.get("".join(toks[lo:hi]))
                if hits:
                    seen[tok].append((si, min(lo, j), max(hi, j + 1), list(hits)))
                    break
    out: _Found = []
    for uses in seen.values():
        cases = [{_case_of(index, e) for e in hits} for _si, _a, _b, hits in uses]
        common = set.intersection(*cases) - {None}
        if len({si for si, *_ in uses}) < 2 or len(common) != 1:
            continue
        for si, a, b, hits in uses:
            entries = [e for e in hits if _case_of(index, e) in common]
            out.append((si, _Cand(entries[:1], 0.7, "mishear", False, a, b), False))
    return out


def _case_of(index: NameIndex, entry: Entry) -> str | None:
    """The case an entry names: its own, or a person's only case."""
    t = index.target_of(entry)
    if t.type == "case":
        return t.id
    return next(iter(t.related)) if len(t.related) == 1 else None


_NEAR = 0.78  # Jaro-Winkler, spelled as written or as an English ear writes pinyin


def _near(index: NameIndex, segments: Sequence[Segment], found: _Found, ctx: set[str]) -> _Found:
    """Capitalised words not at the start of a line, not pinyin and not found above, that
    sound like a name of a case the file is already about ("Nairoyu Wang" for Xiaoyu,
    "Taeun" for Taiyuan). Weak: they count only in context, and only for targets in it."""
    targets = [i for i in index.targets_in(ctx) if index.targets[i].near]
    if not targets:
        return []
    taken = {(si, j) for si, c, zh in found if not zh for j in range(c.first, c.last)}
    out: _Found = []
    for si, seg in enumerate(segments):
        text = seg.text or ""
        spans = N.token_spans(text)
        toks = [t for t, _a, _b in spans]
        for j, (tok, a, _b) in enumerate(spans):
            if j == 0 or (si, j) in taken or len(tok) < 5 or not text[a : a + 1].isupper():
                continue
            if N.numeral(toks[j - 1]):
                continue  # "about 3,000 Yuuan": a unit (yuan), not Yuxuan
            if tok in N.SURNAMES or N.split_syllables(tok) is not None:
                continue  # a real pinyin word is a name the scanner judged already
            best = max(((_near_score(tok, k), ti, k) for ti in targets
                        for k in index.targets[ti].near), default=(0.0, 0, ""))  # fmt: skip
            if best[0] >= _NEAR:
                entry = Entry(best[1], shown_key(best[2]), "near")
                out.append((si, _Cand([entry], 0.55, "near", True, j, j + 1), False))
    return out


def _near_score(word: str, key: str) -> float:
    return max(JaroWinkler.similarity(word, key), JaroWinkler.similarity(
        N.english_spelling(word), N.english_spelling(key)))  # fmt: skip


def _decide(
    index: NameIndex, cand: _Cand, ctx_targets: set[int]
) -> tuple[list[Entry], float] | None:
    """Which of a candidate's entries to suggest, and how sure: weak candidates only in
    context (``ctx_targets``: the numbers of the targets in it), shared names narrowed
    to the context or marked down."""
    entries = cand.entries
    in_ctx = [e for e in entries if e.target in ctx_targets]
    score = cand.score
    if cand.weak:
        if not in_ctx:
            return None
        entries = in_ctx
        if cand.scores:
            score = max(cand.scores[e] for e in entries)
            entries = [e for e in entries if cand.scores[e] >= score - 1e-9]
        score = min(0.85, score + 0.1)
    elif _distinct(entries, index) > 1:
        if in_ctx:
            entries = in_ctx
        elif cand.kind == "zh-sound":
            # Characters that only sound like two or more names: in a large sheet
            # ordinary words do ("穿著紅" for two generated cases' names), so only a
            # name written as a record has it, or one the interview is about, links.
            return None
        else:
            score *= 0.85  # several children share this name: let a person decide
    return entries, score


def fold_people(index: NameIndex, mentions: list[Mention]) -> list[Mention]:
    """One suggestion per mention: a person record of a case folds into that case.

    The child's own person record, or a parent's, named in a line about the case, is
    the case: a reviewer gets one item (the case, carrying the person ids), not two. A
    person of exactly one case, named alone, suggests that case. A person of no case,
    or of several, stays a person suggestion.
    """
    by_seg: dict[tuple[int, int], list[Mention]] = defaultdict(list)
    for m in mentions:
        by_seg[(m.segment, m.part)].append(m)
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
    return sorted(out, key=lambda m: (m.segment, m.part, -m.score, m.target_id))
