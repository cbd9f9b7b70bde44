"""Numbers as Whisper writes or says them, for the rules that read what follows one.

A word after a number is a quantity's unit: natural6's "about 3,000 Yuuan" (yuan) is no
name heard wrong, and natural2's "asked for 8,000 you and" (yuan) is no place for a
name a look wrote there ("8,000 Yuxuan"). Here, below the archive, so that the merge of
names (``transcribe.merge``) and the linking (``archive.names``) read numbers alike.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9]+")

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion".split()
)


def numeral(tok: str) -> bool:
    """A number said or written (a folded token: "3", "000" of "3,000", "thousand"): the
    word after it is a quantity's unit, not a name heard wrong (natural6's "about 3,000
    Yuuan", yuan, linked Deng Yuxuan in an interview about him)."""
    return tok.isdigit() or tok in NUMBER_WORDS


def year(tok: str) -> bool:
    """A year as Whisper writes one ("2012"): a date, not a quantity; a name may follow
    it ("In 2012 Yuxuan was three")."""
    return len(tok) == 4 and tok.isdigit() and 1900 <= int(tok) <= 2099


def quantity(word: str) -> bool:
    """Whether a word as Whisper wrote it (" 8,000", " twenty") is a quantity, whose next
    word is its unit: a number, not a year, and not one a comma or a full stop ends
    ("when I was 45. Zihan loved to draw": a sentence, not a unit)."""
    text = word.strip()
    if not text[-1:].isalnum():
        return False
    key = "".join(_TOKEN.findall(text.lower()))
    return numeral(key) and not year(key)
