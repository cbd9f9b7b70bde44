"""Two children whose names are one syllable apart: which one the speaker said.

A case sheet holds such pairs (Liu Jingjun and Liu Jianjun, Wang Xiaoyu and Wang
Xiaoyun), and a crew says both: natural12's mother names her son Liu Jingjun and, of
another family, Liu Jianjun. tiny.en heard both as "Livu Jingjin"; the second look,
given the names of the case the interview is about, wrote "Liu Jingjun" for both, and
the linking, seeing the name spelled exactly, tied the other boy's mention to her son.
Text alone cannot undo that; the audio can. For each name spelled exactly that has a
twin on the sheet (the same name with one syllable changed, naming another case or
person), Whisper's decoder is forced through the line with each of them in turn
(``transcribe.text_score``): where a twin's name is ``MARGIN`` likelier than the one
written, the words are changed to it.

Measured on the four lines of the natural sets where a mother names both boys, tiny.en
without a prompt chose the name said in all four, by 3.3-7.1 (natural log); BENCHMARKS.md,
"Twins: the name said, by the audio", has the sets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tapelog.archive import names as N

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import numpy as np
    from tapelog.archive.linking import Mention
    from tapelog.archive.name_index import NameIndex
    from tapelog.transcribe.types import Segment, Word

# How much likelier (natural log of the ratio: e^1, 2.7 times) a twin's name must be
# than the one written for the words to change. The four lines measured differed by
# 3.3 to 7.1; a name said once, in a clear line, is rarely this close to its twin.
MARGIN = 1.0
PAD_S = 0.3  # audio kept either side of the line
MAX_LINE_S = 28.0  # a longer line is not scored (one Whisper window)
MAX_CHECKS = 200  # per file: a file that names twins more than this keeps the rest


@dataclass
class TwinCheck:
    """One name looked at: what was written, what the audio chose, and by how much."""

    start: float
    end: float
    written: str
    chosen: str
    # The chosen name's log-probability over the next likeliest (below 0: a twin was
    # likelier, by less than ``MARGIN``, and the name written was kept).
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


def _spelled(tok: str, seq: Sequence[str]) -> str:
    """Syllables written as ``tok`` was: capitalised if it was."""
    word = "".join(seq)
    return word.capitalize() if tok[:1].isupper() else word


def _names_another(index: NameIndex, key: str, target: int, own: Any) -> bool:
    for lookup in (index.exact, index.given):
        for entry in lookup.get(key) or ():
            if entry.kind in ("short", "word", "place") or entry.target == target:
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
    return any(e.target == tid for lookup in (index.exact, index.given)
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
) -> tuple[list[Segment], list[TwinCheck]]:
    """``segments`` with each name that has a twin on the sheet written as the audio
    says. ``score(clip, texts)`` gives each text's log-probability for the clip
    (``transcribe.text_score.text_log_probs`` with the file's model).

    Names whose lines fit in one Whisper window together are scored over it at once:
    the encoder pass is most of the cost (0.3-0.6 s a window for tiny.en here), and a
    file names a child again a few lines on."""
    segments = list(segments)
    items = _items(index, segments, mentions)
    checks: list[TwinCheck] = []
    for group in _windows(segments, items):
        first, last = segments[group[0].seg], segments[group[-1].seg]
        t0 = max(0.0, first.start - PAD_S)
        clip = audio[int(t0 * 16000) : int((last.end + PAD_S) * 16000)]
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
            best = max(range(len(mine)), key=lambda n: mine[n])  # the likeliest twin
            rest = [scores[0], *(x for n, x in enumerate(mine) if n != best)]
            if mine[best] - scores[0] >= MARGIN:
                chosen, margin = item.twins[best], mine[best] - max(rest)
                segments[item.seg] = _with_name(seg, item.i, item.j, chosen)
            else:
                chosen, margin = item.written, scores[0] - mine[best]
            at, to = seg.words[item.i].start, seg.words[item.j - 1].end
            checks.append(TwinCheck(at, to, item.written, chosen, margin))
    return segments, checks


def _items(index: NameIndex, segments: list[Segment], mentions: Iterable[Mention]) -> list[_Item]:
    """The mentions spelled right whose names have a twin, in time order."""
    memo: dict[tuple[str, int], list[str]] = {}
    out: list[_Item] = []
    for m in mentions:
        if len(out) >= MAX_CHECKS:
            break
        if not _spelled_right(index, m):
            continue
        target = index.by_id[(m.target_type, m.target_id)]
        written = " ".join(m.mention.split())
        twins = memo.get((written, target))
        if twins is None:
            twins = memo[(written, target)] = twins_of(index, written, target)
        seg = segments[m.segment]
        at = _word_span(seg.words, m.match_start, m.match_end)
        if twins and at is not None and seg.end - seg.start <= MAX_LINE_S:
            out.append(_Item(m.segment, at[0], at[1], written, twins))
    return sorted(out, key=lambda it: (it.seg, it.i))


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

    return check_twins(index, segments, mentions, score, audio)
