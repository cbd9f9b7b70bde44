"""Taking names, and only names, from a transcript decoded with the case vocabulary.

Measured on the labelled name benchmark (BENCHMARKS.md): names given to Whisper as
hotwords lift name recall from 0.20 to 0.58 with tiny.en, but the same vocabulary also
rewrites words that are not names ("12,000 yuan" became "12,000 Yuoyuan"), doubling the
error rate on the rest. So the vocabulary decode is a *second look*: its words are
aligned with the plain decode of the same audio, and a stretch where the two differ is
taken from the second look only when every word of it is part of a name the crew gave
(``Luo Run`` for ``Hugo Run``, ``Guangzhou`` for ``Wang Joo``). Everything else stays as
the plain decode heard it, so the words that are not names cannot get worse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from tapelog.transcribe.guard import REPEATS, most_repeated
from tapelog.transcribe.numbers import quantity
from tapelog.transcribe.types import Segment, Word

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def name_tokens(names: Iterable[str]) -> set[str]:
    """Every word of every name, lower-cased (``Luo An Xin`` -> luo, an, xin); Chinese
    names as their characters."""
    out: set[str] = set()
    for name in names:
        for tok in _TOKEN.findall(name.lower()):
            if any("\u3400" <= c <= "\u9fff" for c in tok):
                out |= set(tok)
            elif len(tok) >= 2:
                out.add(tok)
    return out


def _key(word: str) -> str:
    return "".join(_TOKEN.findall(word.lower()))


def _is_name_word(word: Word, tokens: set[str]) -> bool:
    """``Luo``, ``Jing-jun``, ``Taiyuan,``, ``罗润``: every part a word of a name."""
    parts = _TOKEN.findall(word.word.lower())
    if not parts:
        return False
    for p in parts:
        chars = [c for c in p if "\u3400" <= c <= "\u9fff"]
        if chars:
            if not all(c in tokens for c in chars):
                return False
        elif p.isdigit() or p not in tokens:
            return False
    return True


def _name_runs(
    words: Sequence[Word],
    j1: int,
    j2: int,
    tokens: set[str],
    names: list[set[str]],
    doubled: set[str] | None = None,
) -> list[list[Word]]:
    """Maximal runs of name words in ``words[j1:j2]``. A run counts when its words are
    all of one name (``Wang Zihan`` made of Wang Xiaoyu and Huang Zihan is no name) and,
    with the name words next to it that both decodes share (``Luo`` before an agreed
    ``Run``), it is more than one short word (``Run``, ``An``, ``Le`` are English too)."""
    out: list[list[Word]] = []
    j = j1
    while j < j2:
        if not _is_name_word(words[j], tokens):
            j += 1
            continue
        k = j
        while k < j2 and _is_name_word(words[k], tokens):
            k += 1
        lo, hi = j, k
        while lo > 0 and _is_name_word(words[lo - 1], tokens):
            lo -= 1
        while hi < len(words) and _is_name_word(words[hi], tokens):
            hi += 1
        one = _in_one_name(words[j:k], names)
        if (
            one
            and not _stutters(words[j:k], doubled or set())
            and (hi - lo >= 2 or _long_enough(_key(words[j].word)))
        ):
            out.append(list(words[j:k]))
        j = k
    return out


def _stutters(run: Sequence[Word], doubled: set[str]) -> bool:
    """A word said twice in a row ("Nanning, Nanning", "Zhang Zhang Haoran"): Whisper
    repeating a name it was given, not one it heard (the sparse set's sq03: "Nanning,
    Nanning" over "the mother of"). ``doubled``: words a name says twice (Le Le)."""
    keys = [_key(w.word) for w in run]
    said = 1
    for a, b in zip(keys, keys[1:], strict=False):
        said = said + 1 if a == b else 1
        if said > (2 if a in doubled else 1):
            return True  # "Le, Le, Le, Le" for "Leo was": a name said twice, said four times
    return False


def _doubled(names: Iterable[str]) -> set[str]:
    """Words a name itself says twice in a row ("le" of Le Le)."""
    out: set[str] = set()
    for name in names:
        toks = _TOKEN.findall(name.lower())
        out |= {a for a, b in zip(toks, toks[1:], strict=False) if a == b}
    return out


def _in_one_name(run: Sequence[Word], names: list[set[str]]) -> bool:
    parts: set[str] = set()
    for w in run:
        for p in _TOKEN.findall(w.word.lower()):
            chars = {c for c in p if "\u3400" <= c <= "\u9fff"}
            parts |= chars or {p}
    return any(parts <= name for name in names)


def _long_enough(key: str) -> bool:
    han = sum(1 for c in key if "\u3400" <= c <= "\u9fff")
    return han >= 2 or len(key) >= 4


_Placed = list[tuple[int, Word]]  # (plain segment, word)


def _splice(plain: _Placed, run: Sequence[Word], around: _Placed) -> _Placed:
    """``plain`` with the words said during ``run`` replaced by it (by time). The whole
    run goes to one plain segment: the one whose words it replaces, else the one of the
    nearest word in time (of ``plain`` and the words ``around`` the stretch). Split by
    the stretch's start, base's Mandarin put "黄" at the end of one line and "子涵" at
    the start of the next, where no name is left to link."""
    t0, t1 = run[0].start - 0.05, run[-1].end + 0.05
    before = [(i, w) for i, w in plain if (w.start + w.end) / 2 < t0]
    after = [(i, w) for i, w in plain if (w.start + w.end) / 2 > t1]
    replaced = [i for i, w in plain if t0 <= (w.start + w.end) / 2 <= t1]
    if replaced:
        # the rest of a hyphenated word whose first part the name replaced ("Taeun" of
        # "Taeun-Man,"): left, it read "Taiyuan-Man,"
        while after and after[0][1].word.startswith("-"):
            after = after[1:]
        at = replaced[0]
    else:
        near = [*plain, *around]
        at = min(near, key=lambda p: max(p[1].start - t1, t0 - p[1].end, 0.0))[0]
    return [*before, *[(at, w) for w in run], *after]


def _over_sure(plain: _Placed, run: Sequence[Word], heard_well: Callable[[Word], bool]) -> bool:
    """Whether ``run`` would replace plain words, every one of them heard well."""
    t0, t1 = run[0].start - 0.05, run[-1].end + 0.05
    replaced = [w for _i, w in plain if t0 <= (w.start + w.end) / 2 <= t1]
    return bool(replaced) and all(heard_well(w) for w in replaced)


def _after_number(plain: _Placed, run: Sequence[Word]) -> bool:
    """Whether the plain word just before ``run`` is a quantity ("8,000", "twenty"; not a
    year, nor one a comma or a full stop ends): the words after one are its unit. natural2's "One man asked for 8,000 you
    and" (yuan) became "8,000 Yuxuan" in the own look, and linked Deng Yuxuan."""
    t0 = run[0].start - 0.05
    before = [w for _i, w in plain if (w.start + w.end) / 2 < t0]
    if not before:
        return False
    prev = before[-1]
    return run[0].start - prev.end < 1.0 and quantity(prev.word)


def _after_sentence(flat: _Placed, i: int) -> bool:
    """Whether the place before ``flat[i]`` follows a sentence's end (or all the words).
    Whisper given names reads one back there, over no speech: natural10's officer,
    "...had given blood years before. Hefei," (0.00); Mandarin's "...电话。王晓雨。". A
    name heard in place of other words replaces them; one added after a full stop
    replaces nothing."""
    if i == 0:
        return False
    return flat[i - 1][1].word.rstrip().endswith((".", "?", "!", "。", "？", "！"))


def _looped(plain: Sequence[Segment]) -> set[int]:
    """The plain lines Whisper looped in rather than heard: a phrase said ``REPEATS``
    times in the line, or the line one of ``REPEATS`` in a row that read the same.
    base on the names bench's espeak-ng Mandarin (zh01, on an AMD EPYC) wrote "女傲喊是"
    four times in a line and "梗" on thirteen lines; its second look put 罗润 into both,
    two links to a case no one named. A name is not taken into such a line."""
    texts = [_key(s.text or "") for s in plain]
    out: set[int] = set()
    for i, text in enumerate(texts):
        if text and most_repeated(plain[i].text or "") >= REPEATS:
            out.add(i)
    for i in range(len(texts) - REPEATS + 1):
        window = texts[i : i + REPEATS]
        if window[0] and all(t == window[0] for t in window):
            out.update(range(i, i + REPEATS))
    return out


def _line_of(placed: _Placed, around: _Placed, run: Sequence[Word]) -> int | None:
    """The plain line a run of words goes to (as ``_splice`` places it)."""
    near = [*placed, *around]
    if not near:
        return None
    t0, t1 = run[0].start - 0.05, run[-1].end + 0.05
    return min(near, key=lambda p: max(p[1].start - t1, t0 - p[1].end, 0.0))[0]


def merge_names(
    plain: Sequence[Segment],
    second: Sequence[Segment],
    names: Iterable[str],
    sure: Callable[[Word], bool] | None = None,
) -> tuple[list[Segment], int]:
    """``plain`` with the name stretches of ``second`` (both decodes of the same audio,
    with word timestamps). Returns the merged segments and how many stretches changed.

    ``sure``: whether a plain word was heard well; a name stretch over plain words that
    all were is not taken. A decode told only one case's names writes them over words
    Whisper heard well ("came to Le Le with us" over "live", 0.87; "answer the Liu
    Jingjun" over "messages", 0.98): see ``archive.own_look.heard_well``."""
    names = list(names)
    tokens = name_tokens(names)
    each = [name_tokens([n]) for n in names]
    doubled = _doubled(names)
    flat_p = [(i, w) for i, s in enumerate(plain) for w in s.words]
    flat_s = [w for s in second for w in s.words]
    if not flat_p or not flat_s or not tokens:
        return list(plain), 0
    a = [_key(w.word) for _i, w in flat_p]
    b = [_key(w.word) for w in flat_s]
    out_words: list[list[Word]] = [[] for _ in plain]
    changed = 0
    looped = _looped(plain)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        runs = _name_runs(flat_s, j1, j2, tokens, each, doubled) if op != "equal" else []
        if op == "insert" and _after_sentence(flat_p, i1):
            runs = []  # a name read back after a sentence, in place of no word heard
        if not runs:
            for i, w in flat_p[i1:i2]:
                out_words[i].append(w)
            continue
        placed = list(flat_p[i1:i2])
        around = [flat_p[k] for k in (i1 - 1, i2) if 0 <= k < len(flat_p)]
        for run in runs:
            if sure is not None and _over_sure(placed, run, sure):
                continue
            if _after_number(flat_p, run):
                continue  # "asked for 8,000 Yuxuan": after a quantity, its unit (yuan)
            if looped and _line_of(placed, around, run) in looped:
                continue  # a line Whisper looped in heard no name either
            changed += 1
            placed = _splice(placed, run, around)
        for i, w in placed:
            out_words[i].append(w)
    merged = []
    for seg, words in zip(plain, out_words, strict=True):
        if not seg.words:
            merged.append(seg)
            continue
        if not words:
            continue
        text = "".join(w.word for w in words).strip()
        merged.append(replace(seg, text=text, words=words))
    return merged, changed
