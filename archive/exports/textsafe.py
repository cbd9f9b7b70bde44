"""Text from the archive made safe for each file format an export writes.

Everything an export prints came from outside: file names, transcripts, corrections,
tag notes, speaker names, case sheets. One control character made every XML and DOCX
export crash, a newline in a file name injected a second EDL event, and a quote
starting with ``=`` ran as a spreadsheet formula. Each writer passes its text through
the one function here that fits its format.
"""

from __future__ import annotations

import re
import unicodedata

# Characters XML 1.0 cannot hold at all (and C1 controls, which no reader wants).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
# Bidirectional controls: harmless in XML, but they reorder what an editor reads.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CSV_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None, *, newlines: bool = False) -> str:
    """``text`` without characters XML cannot hold; one line unless ``newlines``.

    Tabs and line breaks become spaces (or stay, with ``newlines``); runs of spaces
    are kept as they are, so a quote reads as typed.
    """
    out = _XML_BAD.sub("", str(text or ""))
    out = out.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    out = out.replace("\u2029", "\n").replace("\x85", "\n")
    if not newlines:
        out = " ".join(out.split())
    return out


def one_line(text: str | None, limit: int | None = None) -> str:
    """``clean`` text on one line, cut to ``limit`` characters with ``…``."""
    out = clean(text)
    if limit is not None and len(out) > limit:
        out = out[: max(0, limit - 1)].rstrip() + "…"
    return out


def ascii_text(text: str | None, limit: int | None = None) -> str:
    """``text`` in printable ASCII for formats that hold nothing else (CMX EDL).

    Accents are dropped (é -> e), Chinese becomes toneless pinyin (采访 -> cai fang),
    typographic quotes and dashes become their ASCII forms, anything else ``?``.
    ``…`` marks a cut at ``limit`` as ``...``.
    """
    line = _BIDI.sub("", clean(text))
    out: list[str] = []
    for ch in line:
        if " " <= ch <= "~":
            out.append(ch)
            continue
        mapped = _ASCII_MAP.get(ch)
        if mapped is not None:
            out.append(mapped)
            continue
        if _is_han(ch):
            out.append(f" {_pinyin(ch)}\0")
            continue
        plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        out.append(plain if plain.strip() else "?" if not ch.isspace() else " ")
    # Pinyin is spaced from its neighbours (\0 marks its end: ``clean`` removed any
    # other), but not from the punctuation after it.
    joined = _PINYIN_END.sub("", "".join(out)).replace("\0", " ")
    result = " ".join(joined.split())
    if limit is not None and len(result) > limit:
        result = result[: max(0, limit - 3)].rstrip() + "..."
    return result


_PINYIN_END = re.compile(r"\0(?=[.,;:!?)])")
_ASCII_MAP = {
    "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
    "⚠": "!", "，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?",
    "（": "(", "）": ")", "、": ",", "「": '"', "」": '"', "《": '"', "》": '"',
}  # fmt: skip


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _pinyin(ch: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(ch)) or "?"


def reel_name(text: str | None, width: int = 8) -> str:
    """A CMX reel: upper-case ASCII letters, digits and ``_``, at most ``width``; may be ""."""
    plain = ascii_text(text).upper()
    keep = "".join(c if c.isalnum() else "_" for c in plain if c.isascii())
    return keep.strip("_")[:width].rstrip("_")


def csv_cell(text: str | None) -> str:
    """A CSV cell a spreadsheet shows as text: formulas defused, controls dropped.

    A cell starting with ``= + - @`` (or a tab/return, or their full-width forms) gets
    a leading apostrophe, which Excel, LibreOffice and Google Sheets show as text.
    """
    out = _CSV_CONTROL.sub("", str(text or ""))
    return "'" + out if out.startswith(_FORMULA_START) else out
