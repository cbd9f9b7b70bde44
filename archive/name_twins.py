"""Two children whose names are one syllable apart: which one the speaker said.

A case sheet holds such pairs (Liu Jingjun and Liu Jianjun, Wang Xiaoyu and Wang
Xiaoyun), and a crew says both: natural12's mother names her son Liu Jingjun and, of
another family, Liu Jianjun. tiny.en heard both as "Livu Jingjin"; the second look,
given the names of the case the interview is about, wrote "Liu Jingjun" for both, and
the linking, seeing the name spelled exactly, tied the other boy's mention to her son.
Text alone cannot undo that; the audio can. For each name spelled exactly that has a
twin on the sheet (the same name with one syllable changed, naming another case or
person), Whisper's decoder (the file's own model) is forced through the name's own
stretch of audio with each of them in turn (``transcribe.text_score``): where a twin's
name is ``MARGIN`` likelier than the one written, the words are changed to it.

On the eight names of natural12 and natural13 where a speaker names a child and its
twin, tiny.en chose the name said in all eight, by 1.4-8.6 (natural log); on 12 sets
where nobody names a twin, it kept every name (BENCHMARKS.md, "Twins: the name said, by
the audio").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tapelog.archive import names as N
from tapelog.archive.name_index import PARENT_GIVEN

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import numpy as np
    from tapelog.archive.linking import Mention
    from tapelog.archive.name_index import NameIndex
    from tapelog.transcribe.types import Segment, Word

# How much likelier (natural log of the ratio: e^1, 2.7 times) a twin's name must be
# than the one written for the words to change. The names measured differed from their
# twins by 1.4 to 8.6 either way.
MARGIN = 1.0
PAD_S = 0.3  # audio kept either side of a line, or of a name's words
MAX_LINE_S = 28.0  # a longer line is not looked at (its word times are less sure)
MAX_CHECKS = 200  # per file: a file that names twins more than this keeps the rest


@dataclass
class TwinCheck:
    """One name looked at: what was written, what the audio chose, and by how much."""

    start: float
    end: float
    written: str
    chosen: str
    # How much likelier the name kept was than its likeliest twin, in its line (below
    # 0: the twin was likelier there, by less than ``MARGIN`` or not on its own words);
    # for a name changed, the twin's lead, the smaller of the two views'.
    margin: float

    def to_list(self) -> list[Any]:
        return [round(self.start, 2), round(self.end, 2), self.written, self.chosen,
                round(self.margin, 2)]  # fmt: skip


def twins_of(index: NameIndex, written: str, target: int) -> list[str]:
    """``written`` (a name spelled in pinyin) with one syllable changed, where that
    spelling names another case or person on the sheet, as written (capitals kept)."""
    toks = written.split()
    syls = [N.split_syllables(N.compact(t)) for t in toks]
    if not toks or any(s is None for s in syls):
        return []
    own = index.targets[target]
    out: list[str] = []
    for ti, seq in enumerate(syls):
        assert seq is not None
        for si, syl in enumerate(seq):
            for other in sorted(N.SYLLABLES):
                if other == syl:
                    continue
                new_seq = (*seq[:si], other, *seq[si + 1 :])
                new_toks = [*toks[:ti], _spelled(toks[ti], new_seq), *toks[ti + 1 :]]
                key = "".join(N.compact(t) for t in new_toks)
                if _names_another(index, key, target, own):
                    out.append(" ".join(new_toks))
    return out


def kin_of(index: NameIndex, written: str, target: int) -> list[str]:
    """The other full names on ``written``'s case with its family name, as the sheet
    writes them: a child's and its parents'. Base, given a case's names, wrote the
    child's for the father's ("His father, Liu Jingjun, asks that every day" for Liu
    Zhiqiang, natural23's nw03): the same case, the wrong words. Checked as twins are,
    a change among them keeps the link and puts the name said in the transcript.

    Only names Whisper spells with as many tokens as ``written`` or more: a text's
    likelihood is a sum over its tokens, so a shorter name wins for being short. Allowed
    to, it turned "Liu Zhiqiang is my name" (5 tokens) into "Liu Jingjun" (3) and "I am
    Luo An Xin" into "I Luo Run" (natural10, natural); the right change above was from
    3 tokens to 5."""
    t = index.targets[target]
    family = N.name_parts(written)[0]
    if t.type != "case" or not family:
        return []
    seen = {N.compact(written)}
    out: list[str] = []
    for key in t.near:
        for e in index.exact.get(key) or ():
            fam, given = N.name_parts(e.text)
            if (e.target == target and e.kind in ("name", "alias", "parent")
                    and fam == family and given and N.compact(e.text) not in seen
                    and _length(e.text) >= _length(written)):  # fmt: skip
                seen.add(N.compact(e.text))
                out.append(e.text)
    return out


def _length(name: str) -> int:
    """Tokens tiny.en's vocabulary spells `` name`` with (letters, without it)."""
    from tapelog.archive.name_heard import _tokenizer

    tokenizer = _tokenizer()
    if tokenizer is None:
        return len(name)
    return len(tokenizer.encode(" " + name, add_special_tokens=False).ids)


def _spelled(tok: str, seq: Sequence[str]) -> str:
    """Syllables written as ``tok`` was: capitalised if it was."""
    word = "".join(seq)
    return word.capitalize() if tok[:1].isupper() else word


def _names_another(index: NameIndex, key: str, target: int, own: Any) -> bool:
    for lookup in (index.exact, index.given):
        for entry in lookup.get(key) or ():
            if entry.kind in ("short", "word", "place", PARENT_GIVEN) or entry.target == target:
                continue
            t = index.targets[entry.target]
            if t.id in own.related or own.id in t.related:
                continue  # the child's own person record: the same child
            return True
    return False


def _spelled_right(index: NameIndex, m: Mention) -> bool:
    """The mention is a name of its target written exactly, in pinyin."""
    key = N.compact(m.mention)
    tid = index.by_id.get((m.target_type, m.target_id))
    if tid is None or not key.isascii():
        return False
    return any(e.target == tid and e.kind != PARENT_GIVEN for lookup in (index.exact, index.given)
               for e in lookup.get(key) or ())  # fmt: skip


@dataclass
class _Item:
    """A name to check: where its words are, as written, and its twins."""

    seg: int
    i: int
    j: int
    written: str
    twins: list[str]


def check_twins(
    index: NameIndex,
    segments: list[Segment],
    mentions: Iterable[Mention],
    score: Any,
    audio: np.ndarray,
    given: Iterable[str],
) -> tuple[list[Segment], list[TwinCheck]]:
    """``segments`` with each name that has a twin on the sheet written as the audio
    says. ``score(clip, texts)`` gives each text's log-probability for the clip
    (``transcribe.text_score.text_log_probs`` with the file's model).

    A name is scored in its line first (names whose lines fit in one window together,
    at once: the encoder pass is most of the cost). Where a twin comes out ``MARGIN``
    likelier there, it is scored again alone, over the name's own words' audio, and
    changed only if it is ``MARGIN`` likelier there too: each view fails alone. In its
    line the other words may be wrong: natural13's "A girl called Wang Xiaoyun went
    missing", left by the second look as "Wang Xiaoyun missing" ("went" lost), made
    "Wang Xiaoyu" 7.7 likelier; alone, "Wang Xiaoyun" is 2.0 likelier. Alone, a short
    stretch is heard with less to go on: natural10's "Liu Jingjun" came out 1.7 nearer
    "Liu Jianjun", which in its line was 4.4 less likely.

    Only names Whisper was ``given`` (by the second and closer looks) are checked:
    those it may have written because it was told them. One it wrote exactly without
    being told, it heard."""
    segments = list(segments)
    items = _items(index, segments, mentions, _keys(given))
    checks: list[TwinCheck] = []
    flips: list[tuple[_Item, str]] = []
    for group in _windows(segments, items):
        first, last = segments[group[0].seg], segments[group[-1].seg]
        clip = _clip(audio, first.start, last.end)
        lines = range(group[0].seg, group[-1].seg + 1)
        texts = [_window_text(segments, lines, group, None, "")]
        for item in group:
            texts += [_window_text(segments, lines, group, item, t) for t in item.twins]
        scores = score(clip, texts)
        k = 1
        for item in group:
            mine = scores[k : k + len(item.twins)]
            k += len(item.twins)
            seg = segments[item.seg]
            at, to = seg.words[item.i].start, seg.words[item.j - 1].end
            best = max(range(len(mine)), key=lambda n: mine[n])  # the likeliest twin
            chosen, margin = item.written, scores[0] - mine[best]
            if -margin >= MARGIN:
                twin = item.twins[best]
                alone = score(_clip(audio, at, to), [item.written, twin])
                if alone[1] - alone[0] >= MARGIN:
                    chosen, margin = twin, min(-margin, alone[1] - alone[0])
                    flips.append((item, twin))
            checks.append(TwinCheck(at, to, item.written, chosen, margin))
    # From the last: a name of another length changes the words after it in its line.
    for item, twin in sorted(flips, key=lambda f: (f[0].seg, f[0].i), reverse=True):
        segments[item.seg] = _with_name(segments[item.seg], item.i, item.j, twin)
    return segments, checks


def _clip(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    t0 = max(0.0, start - PAD_S)
    return audio[int(t0 * 16000) : int((end + PAD_S) * 16000)]


def _windows(segments: list[Segment], items: list[_Item]) -> list[list[_Item]]:
    """Items grouped so that each group's lines, first to last, fit in one window."""
    groups: list[list[_Item]] = []
    for item in items:
        if groups:
            head = segments[groups[-1][0].seg]
            overlap = any(g.seg == item.seg and g.j > item.i for g in groups[-1])
            if not overlap and segments[item.seg].end - head.start <= MAX_LINE_S:
                groups[-1].append(item)
                continue
        groups.append([item])
    return groups


def _window_text(
    segments: list[Segment], lines: range, group: list[_Item], varied: _Item | None, name: str
) -> str:
    """The window's lines, each item's words read as written (``varied``'s as ``name``):
    the texts scored differ only in that name."""
    out: list[str] = []
    for s in lines:
        words = segments[s].words
        here = sorted((g for g in group if g.seg == s), key=lambda g: g.i)
        k = 0
        for g in here:
            out += [w.word.strip() for w in words[k : g.i]]
            said = name if g is varied else g.written
            out.append(said + _punctuation(words[g.j - 1].word))
            k = g.j
        out += [w.word.strip() for w in words[k:]]
    return " ".join(w for w in out if w)


def _keys(names: Iterable[str]) -> set[str]:
    """How a name given to Whisper may be written: whole, or its given name alone."""
    out: set[str] = set()
    for name in names:
        out.add(N.compact(name))
        _family, given = N.name_parts(name)
        if given:
            out.add("".join(N.compact(g) for g in given))
    return out - {""}


def _items(
    index: NameIndex, segments: list[Segment], mentions: Iterable[Mention], given: set[str]
) -> list[_Item]:
    """The mentions of names given to Whisper, spelled right, that have a twin on the
    sheet, in time order."""
    memo: dict[tuple[str, int], list[str]] = {}
    out: list[_Item] = []
    for m in mentions:
        if len(out) >= MAX_CHECKS:
            break
        if N.compact(m.mention) not in given or not _spelled_right(index, m):
            continue
        target = index.by_id[(m.target_type, m.target_id)]
        written = " ".join(m.mention.split())
        twins = memo.get((written, target))
        if twins is None:
            twins = twins_of(index, written, target) + kin_of(index, written, target)
            memo[(written, target)] = twins
        seg = segments[m.segment]
        at = _word_span(seg.words, m.match_start, m.match_end) if _timed(seg) else None
        if twins and at is not None and seg.end - seg.start <= MAX_LINE_S:
            out.append(_Item(m.segment, at[0], at[1], written, twins))
    return sorted(out, key=lambda it: (it.seg, it.i))


def _timed(seg: Segment) -> bool:
    """The line's times and its words' are finite and in order: a transcript from an
    imported archive is not trusted to be (the audio is cut by them)."""
    times = [seg.start, seg.end, *(t for w in seg.words for t in (w.start, w.end))]
    ok = all(isinstance(t, (int, float)) and math.isfinite(t) and t >= 0 for t in times)
    return ok and seg.start <= seg.end and all(w.start <= w.end for w in seg.words)


def _word_span(words: Sequence[Word], start: float, end: float) -> tuple[int, int] | None:
    """The words a mention's times cover (their middles inside, 10 ms either side)."""
    idx = [k for k, w in enumerate(words) if start - 0.01 <= (w.start + w.end) / 2 <= end + 0.01]
    if not idx or idx != list(range(idx[0], idx[-1] + 1)):
        return None
    return idx[0], idx[-1] + 1


def _punctuation(word: str) -> str:
    word = word.strip()
    k = len(word)
    while k and not word[k - 1].isalnum():
        k -= 1
    return word[k:]


def _with_name(seg: Segment, i: int, j: int, name: str) -> Segment:
    """``seg`` with words ``i:j`` reading ``name``: word for word where the counts agree,
    else the whole name on the first of them, over their time."""
    words = list(seg.words)
    parts = name.split()
    old = words[i:j]
    tail = _punctuation(old[-1].word)
    lead = old[0].word[: len(old[0].word) - len(old[0].word.lstrip())]
    if len(parts) == len(old):
        new = [replace(w, word=w.word[: len(w.word) - len(w.word.lstrip())] + p
                       + _punctuation(w.word)) for w, p in zip(old, parts, strict=True)]  # fmt: skip
    else:
        new = [replace(old[0], word=lead + name + tail, end=old[-1].end)]
    words[i:j] = new
    return replace(seg, text="".join(w.word for w in words).strip(), words=words)


def look_at_twins(
    archive: Any,
    media_id: str,
    segments: list[Segment],
    audio: np.ndarray,
    engine: Any,
    language: str | None,
    given: Iterable[str],
) -> tuple[list[Segment], list[TwinCheck]]:
    """``check_twins`` on a file's transcript (``archive.second_look``): its mentions as
    the linking finds them, scored with ``engine``'s model (the file's own). An engine
    that cannot score (not faster-whisper) leaves the transcript as it is."""
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.links import media_context, name_index
    from tapelog.transcribe.text_score import text_log_probs

    model = getattr(engine, "model", None)
    if model is None or not any(s.words for s in segments):
        return segments, []
    index = name_index(archive)
    mentions = find_mentions(index, segments, context=media_context(archive, media_id))

    def score(clip: np.ndarray, texts: list[str]) -> list[float]:
        return text_log_probs(model, clip, texts, language)

    return check_twins(index, segments, mentions, score, audio, given)
