"""Numbers as search sees them: said as words, written as digits, in English or Chinese.

Editors type what they heard ("fifty thousand yuan", "ten oh five", 五万) while
Whisper writes digits ("50,000 yuan", "10:05", "5万" or "50000"), and the reverse.
Both the indexed line and the query become the same digits:

* spoken English (and the other languages ``text2num`` knows) with ``alpha2digit``;
* "oh" read as a zero between numbers: "ten oh five" is 10 05 (as "10:05" is),
  "nineteen oh five" 1905;
* Chinese numerals (五万, 一九九五, 两千, 5万) with ``cn2an`` (a maintained library for
  them), so 五万 finds "50,000" and "fifty thousand", and they find it. A lone 一
  stays a character: it is "a" or "one" in 一个 far more often than a number.

Every token keeps the characters of the line it came from, for highlighting and for
word times.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_WORD_RE = re.compile(r"[^\W_]+")
_ORDINAL_RE = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_DIGIT_SPLIT_RE = re.compile(r"\d+|\D+")
_PUNCT_RE = re.compile(r"[,.;:!?\u3002\uff0c\uff1b\uff1a\uff01\uff1f]")
# Chinese numerals, with Arabic digits mixed in (5万): a run read as one number.
_ZH_NUMERAL_RE = re.compile(r"(?<![A-Za-z0-9])[0-9零〇一二两三四五六七八九十百千万亿]+")
_ZH_DIGITS = set("零〇一二两三四五六七八九十百千万亿")
_ZH_MAGNITUDE = set("十百千万亿")
_OH = {"oh", "o"}


@dataclass(frozen=True)
class Token:
    """One indexed term and the characters ``lo:hi`` of the original line it came from."""

    text: str
    lo: int
    hi: int


def chinese_numbers(tokens: list[Token], text: str) -> list[Token]:
    """Runs of Chinese numerals as one token of digits, spanning the run's characters."""
    spans = []
    for m in _ZH_NUMERAL_RE.finditer(text):
        run = m.group()
        chars = [c for c in run if c in _ZH_DIGITS]
        if not chars or (len(run) < 2 and not _ZH_MAGNITUDE & set(run)):
            continue
        value = _cn2an(run)
        if value is not None:
            spans.append((m.start(), m.end(), value))
    if not spans:
        return tokens
    out: list[Token] = []
    k = 0
    for lo, hi, value in spans:
        while k < len(tokens) and tokens[k].hi <= lo:
            out.append(tokens[k])
            k += 1
        out.append(Token(value, lo, hi))
        while k < len(tokens) and tokens[k].lo < hi:
            k += 1  # the run's characters (and digits) are the number now
    out.extend(tokens[k:])
    return out


def _cn2an(run: str) -> str | None:
    from cn2an import cn2an

    try:
        value = cn2an(run, "smart")
    except (ValueError, KeyError, IndexError):  # 千万 ("by all means"), 万 alone
        return None
    if isinstance(value, float):
        return None if value != int(value) else str(int(value))
    return str(value) if int(value) >= 0 else None


def spoken_numbers(tokens: list[Token], text: str, language: str) -> list[tuple[Token, bool]]:
    """Spoken numbers as digits; each token with whether it came from spoken words."""
    from text_to_num import alpha2digit

    parts = []
    for i, tok in enumerate(tokens):
        parts.append(tok.text)
        gap = text[tok.hi : tokens[i + 1].lo] if i + 1 < len(tokens) else ""
        if _PUNCT_RE.search(gap):
            parts.append(",")  # a sentence break is not "ten, thirty" run together
    try:
        converted = alpha2digit(" ".join(parts), language, threshold=0)
    except Exception:  # noqa: BLE001 - a library failure must not stop indexing
        return [(t, False) for t in tokens]
    new = _WORD_RE.findall(converted)
    old = [t.text for t in tokens]
    if new == old:
        return [(t, False) for t in tokens]
    out: list[tuple[Token, bool]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend((tokens[i], False) for i in range(i1, i2))
        elif op == "replace" and i2 - i1 == j2 - j1:  # word for word ("seven": "7")
            out.extend((Token(new[j1 + k], tokens[i1 + k].lo, tokens[i1 + k].hi), True)
                       for k in range(i2 - i1))  # fmt: skip
        elif j2 > j1:
            if i2 > i1:
                lo, hi = tokens[i1].lo, tokens[i2 - 1].hi
            else:  # inserted with no source word: borrow its neighbour's place
                near = tokens[min(i1, len(tokens) - 1)]
                lo, hi = near.lo, near.hi
            out.extend((Token(new[j], lo, hi), True) for j in range(j1, j2))
    return _oh_digits(out)


def _oh_digits(pairs: list[tuple[Token, bool]]) -> list[tuple[Token, bool]]:
    """ "oh" read as a zero between a spoken number and a digit: "ten oh five" is 10 05."""
    out: list[tuple[Token, bool]] = []
    i = 0
    while i < len(pairs):
        tok, spoken = pairs[i]
        if (
            tok.text in _OH
            and out
            and out[-1][1]
            and out[-1][0].text.isdigit()
            and i + 1 < len(pairs)
            and pairs[i + 1][1]
            and len(pairs[i + 1][0].text) == 1
            and pairs[i + 1][0].text.isdigit()
        ):
            nxt = pairs[i + 1][0]
            out.append((Token("0" + nxt.text, tok.lo, nxt.hi), True))
            i += 2
            continue
        out.append((tok, spoken))
        i += 1
    return out


def tidy(pairs: list[tuple[Token, bool]]) -> list[Token]:
    """Ordinals to numbers (11th: 11), spoken years joined (19 95, 19 05), digits split."""
    out: list[Token] = []
    i = 0
    while i < len(pairs):
        tok, spoken = pairs[i]
        m = _ORDINAL_RE.match(tok.text)
        if m:
            tok = Token(m.group(1), tok.lo, tok.hi)
        if (
            spoken
            and i + 1 < len(pairs)
            and pairs[i + 1][1]
            and tok.text.isdigit()
            and 13 <= int(tok.text) <= 20
            and pairs[i + 1][0].text.isdigit()
            and len(pairs[i + 1][0].text) == 2
        ):
            nxt = pairs[i + 1][0]
            out.append(Token(tok.text + nxt.text, tok.lo, max(tok.hi, nxt.hi)))
            i += 2
            continue
        if not tok.text.isdigit() and any(c.isdigit() for c in tok.text):
            out.extend(Token(p, tok.lo, tok.hi) for p in _DIGIT_SPLIT_RE.findall(tok.text))
        else:
            out.append(tok)
        i += 1
    return out
