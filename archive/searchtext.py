"""Text as search sees it: words with their place in the line, numbers as digits, pinyin.

Editors type what they heard ("fifty thousand yuan", "ten thirty", "April eleventh",
五万) while Whisper writes digits ("50,000 yuan", "10:30", "April 11", "5万"), and the
reverse. Both the indexed line and the query go through ``analyse``, which turns
numbers said as words, English or Chinese, into digits (``searchnumbers``: text2num,
cn2an), drops thousands separators and ordinal endings, and splits digits from letters
("10:30am" is "10 30 am"). The line is shown as written; only the index sees this.

Every token keeps the span of characters it came from in the original line, so a hit
can be mapped back to the words that were said (and their timestamps) and to the text
to highlight. Chinese characters are one token each; their toneless pinyin (``pinyin``)
lets a query in pinyin, or in other characters that sound the same, find them.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Sequence
from functools import lru_cache

from tapelog.archive.errors import UsageError
from tapelog.archive.searchnumbers import Token, chinese_numbers, spoken_numbers, tidy
from tapelog.transcribe.types import Word

MAX_QUERY_TOKENS = 48
# A pasted page is cut here before it is read (only MAX_QUERY_TOKENS words count).
MAX_QUERY_CHARS = 2000

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0002a6df"
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
_TOKEN_RE = re.compile(
    rf"[{_CJK}]"  # one CJK character
    r"|\d{1,3}(?:[,.]\d{3})+(?!\d)"  # 50,000 / 1.000.000: one number
    rf"|[^\W_{_CJK}]+(?:['\u2019`][^\W_{_CJK}]+)*"  # a word, inner apostrophes kept
)
_APOS_RE = re.compile(r"['\u2019`]")
_WORD_RE = re.compile(r"[^\W_]+")
# text2num's languages; a transcript in another language keeps its numbers as written.
NUMBER_LANGUAGES = {"en", "fr", "es", "pt", "de", "nl", "da", "it"}
# A cheap test before calling text2num: English lines without these stems have no
# spoken number (most lines), so the call is skipped for them.
_EN_NUMBER_STEMS = re.compile(
    r"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thir|fif|"
    r"eigh|twent|forty|hundred|thousand|million|billion|first|second)"
)


def _fold(raw: str) -> list[str]:
    """NFKC, casefold, apostrophes and diacritics dropped; may split (``½`` is 1 2)."""
    if raw.isascii():  # most words: nothing to normalise but case and apostrophes
        return [raw.lower().replace("'", "").replace("`", "")]
    text = unicodedata.normalize("NFKC", raw).casefold()
    text = _APOS_RE.sub("", text)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return _WORD_RE.findall(text)


def _raw_tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        if raw[0].isdigit() and ("," in raw or "." in raw):
            raw = raw.replace(",", "").replace(".", "")
        for part in _fold(raw):
            out.append(Token(part, m.start(), m.end()))
    return out


def analyse(text: str, language: str | None = None) -> list[Token]:
    """The index terms of ``text`` with the character span each came from.

    ``language`` is the transcript's (None: English rules, what a query gets). Chinese,
    Japanese and other languages text2num does not know keep their digits as written.
    """
    tokens = _raw_tokens(text)
    if has_han(text):
        tokens = chinese_numbers(tokens, text)
    lang = (language or "en").split("-")[0].lower()
    spoken = lang != "en" or _EN_NUMBER_STEMS.search(" ".join(t.text for t in tokens))
    if tokens and lang in NUMBER_LANGUAGES and spoken:
        return tidy(spoken_numbers(tokens, text, lang))
    return tidy([(t, False) for t in tokens])


def terms(text: str, language: str | None = None) -> list[str]:
    return [t.text for t in analyse(text, language)]


def query_terms(query: str) -> list[str]:
    """A query's terms: at most MAX_QUERY_TOKENS; a query with none is a usage error."""
    toks = terms(query[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS]
    if not toks:
        raise UsageError(
            "the search query has no words to look for (punctuation and symbols are ignored)"
        )
    return toks


# -- word timing ------------------------------------------------------------------


def token_times(
    tokens: Sequence[Token], text: str, words: Sequence[Word]
) -> list[tuple[float, float]] | None:
    """Start and end (seconds) of the words each token came from, or None without timing.

    Words are found in the line in order; if the words do not spell the line (an old
    correction, a hand-edited file), there is no timing rather than a wrong one.
    """
    if not words or not tokens:
        return None
    spans: list[tuple[int, int, float, float]] = []
    pos = 0
    for w in words:
        piece = w.word.strip()
        if not piece:
            continue
        at = text.find(piece, pos)
        if at < 0:
            return None
        spans.append((at, at + len(piece), float(w.start), float(w.end)))
        pos = at + len(piece)
    out: list[tuple[float, float]] = []
    k = 0
    for tok in tokens:
        while k < len(spans) and spans[k][1] <= tok.lo:
            k += 1
        j = k
        start = end = None
        while j < len(spans) and spans[j][0] < tok.hi:
            start = spans[j][2] if start is None else start
            end = spans[j][3]
            j += 1
        if start is None or end is None:
            return None
        out.append((start, end))
    return out


def pack_times(times: list[tuple[float, float]] | None, seg_start: float) -> bytes | None:
    """Token times as centiseconds from the line's start, two uint16 a token (4 bytes)."""
    if times is None:
        return None
    arr = array("H")
    for s, e in times:
        arr.append(max(0, min(65535, round((s - seg_start) * 100))))
        arr.append(max(0, min(65535, round((e - seg_start) * 100))))
    return arr.tobytes()


def unpack_times(blob: bytes | None, seg_start: float) -> list[tuple[float, float]] | None:
    if not blob:
        return None
    arr = array("H")
    arr.frombytes(blob)
    return [
        (round(seg_start + arr[i] / 100, 3), round(seg_start + arr[i + 1] / 100, 3))
        for i in range(0, len(arr) - 1, 2)
    ]


# -- pinyin -----------------------------------------------------------------------


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


@lru_cache(maxsize=65536)
def pinyin(char: str) -> str:
    """Toneless pinyin of one character (ü as u: "lü" and "lu" are typed alike)."""
    if not _HAN.match(char):
        return char
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")  # [] for a rare one
    return found[0].replace("v", "u") if found and found[0] else char


def pinyin_line(terms_: Sequence[str]) -> str:
    """The line's terms with each Chinese character as its pinyin, position for position."""
    return " ".join(pinyin(t) for t in terms_)


def _syllables() -> frozenset[str]:
    # Written out (archive/pinyin_syllables.py): pypinyin's table costs 0.2 s to import.
    from tapelog.archive.pinyin_syllables import SYLLABLES

    return SYLLABLES


def split_pinyin(word: str) -> list[str] | None:
    """``jingjun`` as ``jing jun``: fewest syllables; None if it is not all pinyin."""
    syl = _syllables()
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        done = best[i]
        if done is None:
            continue
        for j in range(min(n, i + 6), i, -1):
            if word[i:j] in syl:
                cand = done + [word[i:j]]
                there = best[j]
                if there is None or len(cand) < len(there):
                    best[j] = cand
    return best[n]


_TONE_DIGIT_RE = re.compile(r"(?<=[a-zA-Z\u00fc\u00dc])[1-5](?![0-9])")


def pinyin_query(query: str) -> list[str] | None:
    """The query as toneless pinyin syllables, if it is Chinese or reads as pinyin.

    Characters become their pinyin (so homophones match); romanised words are split
    into syllables ("Jingjun", "jīng jūn", "jing1 jun1"). An English query that does
    not read as pinyin throughout ("the police") gives None: no pinyin search.
    """
    if has_han(query):
        return [pinyin(t) for t in terms(query, "zh")]
    words = terms(_TONE_DIGIT_RE.sub("", query), "zh")
    if not words or not all(w.isascii() and w.isalpha() for w in words):
        return None
    out: list[str] = []
    for w in words:
        parts = split_pinyin(w)
        if parts is None:
            return None
        out.extend(parts)
    # One romanised syllable ("he", "an") is an English word far more often than a name.
    return out if len(out) >= 2 else None
