"""A closer look, with the larger model, at the few places a name may still hide.

After the second look (``archive.second_look``) some names stay misheard: tiny.en writes
"a parking chain" for "a park in Chengdu" whatever names it is given. The multilingual
``base`` model hears some of them right when it is given only the names of the case the
interview is already about (BENCHMARKS.md, "A closer look with base"). Decoding the whole
file again with base would cost as much as transcribing it with base, so this looks only
at the lines where a near-miss remains (a capitalised word Whisper made up, words Whisper
was unsure of, a run of words that sounds like one of those names) and, in what budget
is left, lines whose words Whisper was sure of sound like one of them
(``sounding_stretches``), packed together into as few 30 s windows as they fill, and
keeps only name words from it (``transcribe.merge``).

Only the names of cases the transcript already names (a strong mention, or a tag or link
on the file) are given: a decoy one syllable from a child cannot be written unless the
interview is about the decoy too. A file tied to no case gets the names of the cases its
weak signs point at (a place spelled, words that sound like a name: ``UNTIED_CASES``);
a name written there that has a twin on the sheet is checked by the audio afterwards
(``archive.name_twins``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.transcribe.types import Segment, TranscribeOptions, Word

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    import numpy as np
    from tapelog.archive.linking import Mention
    from tapelog.archive.lone_names import Doubt
    from tapelog.archive.models import Case
    from tapelog.archive.progress import CancelToken, ProgressCallback
    from tapelog.archive.service import Archive

MODEL = "base"
SR = 16000
WINDOW_S = 28.0  # one Whisper window (30 s) with room for the gaps
GAP_S = 0.6  # silence between two packed stretches
PAD_S = 0.25  # audio kept either side of a stretch's words
NEAR_S = 0.5  # base's words this near a name already found are not offered (times differ)
MAX_SHARE = 0.25  # at most this share of the file's audio is looked at again ...
MIN_BUDGET_S = WINDOW_S  # ... but a short file gets one window
UNSURE = 0.2  # two words in a row below this probability
NEAR = 0.8  # Jaro-Winkler of a run of words against one of the names
MAX_NAMES = 12
# A file tied to no case: the names of the cases its weak signs point at, this many at
# most (``linking.weak_leads``). natural20's nt06 named its case only as "Nanning", "I am
# onely one" and "Juan Zam"; tiny.en wrote them so whatever names it was given, and
# nothing tied the file, so base was never asked. Given the names of the one case whose
# place was spelled, base wrote "Huang Lijuan" and "Huang Zihan" (0/4 -> 4/4).
UNTIED_CASES = 2


@dataclass
class Stretch:
    start: float
    end: float
    why: str


def own_cases(mentions: Iterable[Mention], context: Iterable[str] = ()) -> list[str]:
    """Cases the transcript is about: tied to the file (``context``), or named by a
    strong mention or twice. A decoy one syllable from a child is not among them unless
    it was named so."""
    from tapelog.archive.linking import STRONG

    counts: dict[str, int] = {}
    strong: list[str] = []
    for m in mentions:
        if m.target_type == "case":
            counts[m.target_id] = counts.get(m.target_id, 0) + 1
            if m.score >= STRONG:
                strong.append(m.target_id)
    twice = [c for c, n in counts.items() if n >= 2]
    return list(dict.fromkeys([*sorted(context), *strong, *twice]))


def case_names(cases: Iterable[Case]) -> list[str]:
    """The names of ``cases`` in letters, as the second look gives them: the child's
    name and aliases, the place (``names.place_name``), the parents; no title, none under 4
    letters (``Le`` alone is English too)."""
    out: list[str] = []
    for c in cases:
        place = N.place_name(c.missing_place, first=True)
        for item in (c.child_name, *c.aliases, place, *c.parents):
            item = (item or "").strip()
            toks = N.tokens(item)
            if not toks or N.has_han(item) or len("".join(toks)) < 4 or toks[0] in N.HONORIFICS:
                continue
            out.append(item)
    return list(dict.fromkeys(out))[:MAX_NAMES]


def suspect_stretches(
    segments: Sequence[Segment], names: list[str], found: list[tuple[float, float]]
) -> list[Stretch]:
    """Lines (glued to the next when no pause parts them) holding a near-miss outside
    the names already found: a capitalised word made of several Whisper tokens that is
    not a name word, two unsure words in a row, or a run sounding like one of ``names``."""
    name_words = {t for n in names for t in N.tokens(n)}
    out: list[Stretch] = []
    for unit in _utterances(segments):
        words = [w for s in unit for w in s.words]
        free = [w for w in words if not any(a - 0.05 <= _mid(w) <= b + 0.05 for a, b in found)]
        why = _why(words, free, name_words, names)
        if why and words:
            out.append(Stretch(words[0].start, words[-1].end, why))
    return out


# A run of words Whisper was sure of must sound this near one of the interview's own
# names for base to look at its line (natural9's Peng Gaofeng as "paying gay thing",
# 0.73; "Gave thing Peng", 0.74), in what budget the other signs leave, and be this
# long in sounds: two syllables a side. Shorter runs were mostly talk ("on the",
# "cold", "woman": 180 of 222 such lines over the natural sets, 600 of 740 s for base).
SOUNDS_SURE = 0.7
SOUNDS_SURE_CODE = 8
# ... or this long where Whisper was unsure of one of the words (under the linking's
# 0.5: "Liz, she king", 0.06, for Liu Zhiqiang, seven sounds).
SOUNDS_UNSURE_CODE = 6


def sounding_stretches(
    segments: Sequence[Segment],
    names: list[str],
    found: list[tuple[float, float]],
    taken: Sequence[Stretch] = (),
) -> list[Stretch]:
    """Lines (glued as ``suspect_stretches`` glues them) not among ``taken`` where one
    to three words outside the names found, not all of them a name's own, sound like
    one of ``names`` (a two-word name in either order) at ``SOUNDS_SURE`` or more,
    however sure Whisper was of them. Only the interview's own names are given
    (``_plan``), so this is a question put to base, not a link."""
    from tapelog.archive.name_heard import UNSURE as HEARD_UNSURE
    from tapelog.archive.name_heard import _near_codes
    from tapelog.archive.name_sound import heard_code

    turned = [" ".join(reversed(t)) for n in names if len(t := N.tokens(n)) == 2]
    codes = list(_name_codes(tuple(names + turned)))  # "Gave thing Peng": Gaofeng Peng
    name_words = {t for n in names for t in N.tokens(n)}
    out: list[Stretch] = []
    for unit in _utterances(segments):
        words = [w for s in unit for w in s.words]
        if not words or any(t.start < words[-1].end and words[0].start < t.end for t in taken):
            continue
        free = [w for w in words if not any(a - 0.05 <= _mid(w) <= b + 0.05 for a, b in found)]
        toks = [w.word.strip(" ,.?!;:\"'") for w in free]
        hit = ""
        for i in range(len(toks)):
            for j in range(i + 1, min(i + _HEARD_RUN, len(toks)) + 1):
                if not toks[j - 1].isascii() or any(c.isdigit() for c in toks[j - 1]):
                    break
                if all(_letters(t) in name_words for t in toks[i:j]):
                    continue  # a name spelled right is no question to put
                code = heard_code(toks[i:j])
                unsure = any(w.probability < HEARD_UNSURE for w in free[i:j])
                least = SOUNDS_UNSURE_CODE if unsure else SOUNDS_SURE_CODE
                if len(code) >= least and _near_codes(code, codes, SOUNDS_SURE):
                    hit = " ".join(toks[i:j])
                    break
            if hit:
                break
        if hit:
            out.append(Stretch(words[0].start, words[-1].end, f"sounds like a name: {hit!r}"))
    return out


def unsure_name_stretches(
    segments: Sequence[Segment],
    names: list[str],
    found: list[tuple[float, float]],
    taken: Sequence[Stretch] = (),
) -> list[Stretch]:
    """Lines (glued as ``suspect_stretches`` glues them) not among ``taken`` with a
    capitalised word within a sentence that Whisper gave under ``UNSURE_CAPITAL``: a
    name heard as an English one ("His father, Lydia (0.18) King, asks" for Liu Zhiqiang,
    in natural23's nw03, a file no other sign marked there). Not a word of ``names``
    ("Wang"), one under four letters ("UN", "And": two thirds of such words on four
    natural sets), or a pinyin word: "My daughter, Zhang (0.24) was taken" is a name
    already, which the own look (it skips lines base looked at) wrote as "Zihan". Looked at last, in what budget the other signs leave: as a first
    sign it changed which lines base decoded together, and so what it wrote, in files
    the other signs had already marked (one name lost, one found)."""
    name_words = {t for n in names for t in N.tokens(n)}
    out: list[Stretch] = []
    for unit in _utterances(segments):
        words = [w for s in unit for w in s.words]
        if not words or any(t.start < words[-1].end and words[0].start < t.end for t in taken):
            continue
        for i, w in enumerate(words):
            tok = w.word.strip(" ,.?!;:\"'")
            after_stop = i == 0 or words[i - 1].word.rstrip().endswith((".", "?", "!"))
            inside = any(a - 0.05 <= _mid(w) <= b + 0.05 for a, b in found)
            if (tok[:1].isupper() and tok.isalpha() and len(tok) >= 4 and not after_stop
                    and not inside and w.probability < UNSURE_CAPITAL
                    and _letters(tok) not in name_words
                    and N.split_syllables(_letters(tok)) is None):  # fmt: skip
                out.append(Stretch(words[0].start, words[-1].end, f"unsure name {tok!r}"))
                break
    return out


def suspect_lines(segments: Sequence[Segment], names: list[str]) -> list[Segment]:
    """The lines where a name may be, for the second look's choice of windows
    (``transcribe.windows.Look``): those of a line glued to its neighbours holding a
    near-miss (as ``suspect_stretches``, nothing found yet; a run that sounds like a
    name only with an odd word in it), a sign of a name heard as other words
    (``_misheard``; unsure words that sound like a name, ``_heard_as_words``), or a
    word of one of
    ``names`` ("Hugo Run" for Luo Run: a part of the name is no near-miss, and the
    second look writes the rest)."""
    name_words = {t for n in names for t in N.tokens(n)}
    codes = _name_codes(tuple(names))
    out: list[Segment] = []
    for unit in _utterances(segments):
        words = [w for s in unit for w in s.words]
        named = any(_letters(w.word) in name_words for w in words)
        if (
            named
            or _misheard(words)
            or _why(words, words, name_words, names, odd=True)
            or _heard_as_words(words, name_words, codes)
        ):
            out.extend(unit)
    return out


_HEARD_RUN = 3  # words a name heard as English words spans ("Iowa, you" for Xiaoyu)


@lru_cache(maxsize=64)
def _name_codes(names: tuple[str, ...]) -> tuple[str, ...]:
    """The sound codes of ``names`` long enough to be told from ordinary words."""
    from tapelog.archive.name_heard import _MIN_CODE
    from tapelog.archive.name_sound import name_code

    return tuple(dict.fromkeys(c for n in names if len(c := name_code(n)) >= _MIN_CODE))


def _heard_as_words(words: list[Word], name_words: set[str], codes: tuple[str, ...]) -> bool:
    """Whether one to three words, one of them a word Whisper was unsure of or made up
    ("coniming"), sound like one of the names as ``archive.name_heard`` judges it for a
    link (the same threshold): a natural voice's names that tiny.en wrote as English
    words and no other sign marks ("Her girls, Iowa, you vanished in coniming."; its
    plain words, sure, do not count: "so that we" sounds like Zhao Dewei). Not after a
    number (its unit: "10 to you and" for "twenty yuan")."""
    from tapelog.archive.name_heard import HEARD, UNSURE, _near_codes, made_up
    from tapelog.archive.name_sound import heard_code

    if not codes:
        return False
    toks = [w.word.strip(" ,.?!;:\"'") for w in words]
    unsure = [
        tok.isascii() and tok.isalpha() and (w.probability < UNSURE or made_up(tok))
        for w, tok in zip(words, toks, strict=True)
    ]
    for i in range(len(words)):
        if i > 0 and any(c.isdigit() for c in toks[i - 1]):
            continue
        for j in range(i + 1, min(i + _HEARD_RUN, len(words)) + 1):
            if _letters(toks[j - 1]) in name_words or not toks[j - 1].isascii():
                break  # a name's own word is no near-miss; the second look writes the rest
            if j - i > 1 and words[j - 2].word.rstrip()[-1:] in ".!?;:":
                break
            if not any(unsure[i:j]):
                continue
            code = heard_code(toks[i:j])
            if len(code) >= 4 and _near_codes(code, list(codes), HEARD):
                return True
    return False


# A line whose words Whisper was this unsure of on average is garbled ("The parking can
# do for six kids." for "The park in Chengdu has six gates.": 0.29).
GARBLED = 0.4
# A capitalised word within a sentence this unsure is a name heard as another ("James"
# for Jingjun, 0.13).
UNSURE_CAPITAL = 0.3


def _misheard(words: list[Word]) -> bool:
    """A line Whisper wrote in real words that may still hide a name: garbled as a
    whole, or holding an unsure capitalised word within a sentence."""
    if len(words) >= 3 and sum(w.probability for w in words) / len(words) < GARBLED:
        return True
    for i, w in enumerate(words):
        tok = w.word.strip(" ,.?!;:\"'")
        first = i == 0 or words[i - 1].word.rstrip().endswith((".", "?", "!"))
        capital = tok[:1].isupper() and tok.isalpha() and tok != "I"
        if capital and not first and w.probability < UNSURE_CAPITAL:
            return True
    return False


def _mid(w: Word) -> float:
    return (w.start + w.end) / 2


# Lines are glued into one utterance up to this long (seconds). Whisper writes some files
# as lines back to back with no pause between them at all (natural20's nt01: fourteen
# lines of 5-7 s, one "utterance" of 79 s; natural6's nf06: 40 s and 55 s), and a look
# decodes an utterance in one window or not at all: no name in them was looked at. Every
# other utterance on the natural sets was under 15 s.
GLUE_S = 15.0


def _utterances(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Lines that follow one another with no pause (Whisper cut a sentence: "...a
    parking" / "chain.") belong together, up to ``GLUE_S``."""
    units: list[list[Segment]] = []
    for seg in segments:
        if not seg.words:
            continue
        if units and seg.start - units[-1][-1].end < 0.1 and seg.end - units[-1][0].start <= GLUE_S:
            units[-1].append(seg)
        else:
            units.append([seg])
    return units


def _why(
    words: list[Word], free: list[Word], name_words: set[str], names: list[str], odd: bool = False
) -> str:
    """Why a line may hold a name ("" if nothing says so). ``odd``: a run that sounds like
    a name counts only with an odd word in it (``_odd``): over a whole interview and
    every case's names, runs of plain words sound like some short name ("when I" like
    Wuhan, "We sold" like Xi'an) in most lines."""
    from rapidfuzz.distance import JaroWinkler

    free_ids = {id(w) for w in free}
    for i, w in enumerate(words):
        tok = w.word.strip(" ,.?!;:\"'")
        after_stop = i == 0 or words[i - 1].word.rstrip().endswith((".", "?", "!"))
        if id(w) in free_ids and not after_stop and _made_up(tok, name_words):
            return f"made-up word {tok!r}"
    for a, b in zip(free, free[1:], strict=False):
        if a.probability < UNSURE and b.probability < UNSURE:
            return f"unsure {a.word.strip()!r} {b.word.strip()!r}"
    keys = [_letters(w.word) for w in free]
    for name in names:
        key = "".join(N.tokens(name))
        k = len(N.tokens(name))
        for i in range(len(keys) - k + 1):
            if name_words & set(keys[i : i + k]):
                continue  # the name itself (or a part of it) is no near-miss
            run = "".join(keys[i : i + k])
            if odd and not any(_odd(free, j) for j in range(i, i + k)):
                continue
            if (
                len(run) >= 4
                and JaroWinkler.similarity(N.english_spelling(run), N.english_spelling(key)) >= NEAR
            ):
                return f"sounds like {name}"
    return ""


def _odd(words: list[Word], i: int) -> bool:
    """A word no English sentence would hold as it is: hyphenated ("jing-jong"),
    capitalised within a sentence ("Penke"), or one Whisper spells with pieces."""
    tok = words[i].word.strip(" ,.?!;:\"'")
    first = i == 0 or words[i - 1].word.rstrip().endswith((".", "?", "!"))
    if not tok.isascii() or any(c.isdigit() for c in tok):
        return False
    capital = tok[:1].isupper() and not first and tok != "I"
    return "-" in tok or capital or (len(tok) >= 3 and _pieces(tok.lower()) >= 2)


def _letters(word: str) -> str:
    return "".join(N.tokens(word))


def _made_up(tok: str, name_words: set[str]) -> bool:
    if len(tok) < 4 or not tok[:1].isupper() or any(c.isdigit() for c in tok):
        return False
    if _letters(tok) in name_words or not tok.isascii():
        return False
    return _pieces(tok) >= 2


def _pieces(tok: str) -> int:
    """How many tokens Whisper's vocabulary spells `` tok`` with (1 for a word it knows)."""
    return len(_tokenizer().encode(" " + tok, add_special_tokens=False).ids)


_TOKENIZER = None


def _tokenizer():
    global _TOKENIZER
    if _TOKENIZER is None:
        from pathlib import Path

        from tapelog.transcribe.models import resolve_model
        from tokenizers import Tokenizer

        _TOKENIZER = Tokenizer.from_file(str(Path(resolve_model(MODEL)) / "tokenizer.json"))
    return _TOKENIZER


def pack(stretches: list[Stretch], budget_s: float) -> list[list[Stretch]]:
    """The stretches in time order, as many as ``budget_s`` holds, in windows of at most
    ``WINDOW_S`` (stretches and the gaps between them)."""
    windows: list[list[Stretch]] = []
    used = 0.0
    for s in sorted(stretches, key=lambda s: s.start):
        length = s.end - s.start + 2 * PAD_S
        if length > WINDOW_S or used + length > budget_s:
            continue
        if windows and _length(windows[-1]) + GAP_S + length <= WINDOW_S:
            windows[-1].append(s)
        else:
            windows.append([s])
        used += length
    return windows


def _length(window: list[Stretch]) -> float:
    return sum(s.end - s.start + 2 * PAD_S for s in window) + GAP_S * (len(window) - 1)


def decode_packed(
    audio: np.ndarray, window: list[Stretch], names: list[str], options: TranscribeOptions
) -> list[Segment]:
    """Decode the stretches of ``window`` as one clip (silence between them), given
    ``names``; word times are put back on the file's clock."""
    import numpy as np
    from tapelog.transcribe.engine import get_engine

    pieces, where = [], []  # where: (clip start, file start, length) of each stretch
    at = 0.0
    for s in window:
        a, b = max(0.0, s.start - PAD_S), s.end + PAD_S
        chunk = audio[int(a * SR) : int(b * SR)]
        pieces += [chunk, np.zeros(int(GAP_S * SR), dtype=audio.dtype)]
        where.append((at, a, len(chunk) / SR))
        at += len(chunk) / SR + GAP_S
    clip = np.concatenate(pieces)
    opts = replace(
        options, model=MODEL, language="en", vad=False, batch_size=0, initial_prompt=None,
        hotwords=", ".join(names) + ".", word_timestamps=True,
    )  # fmt: skip
    info, segs = get_engine(opts).transcribe(clip, opts, runaway="redo")
    got = list(segs)
    if info.redone:
        return []  # it ran away with the names: nothing to take from it
    out: list[Segment] = []
    for seg in got:
        words = [w2 for w in seg.words if (w2 := _home(w, where)) is not None]
        if words:
            text = "".join(w.word for w in words).strip()
            out.append(
                replace(seg, start=words[0].start, end=words[-1].end, text=text, words=words)
            )
    return out


def _home(w: Word, where: list[tuple[float, float, float]]) -> Word | None:
    for clip_at, file_at, length in where:
        if clip_at - 0.05 <= _mid(w) <= clip_at + length + 0.05:
            shift = file_at - clip_at
            lo, hi = file_at, file_at + length
            return replace(w, start=max(lo, w.start + shift), end=min(hi, w.end + shift))
    return None


def splice(
    current: Sequence[Segment],
    looked: Sequence[Segment],
    window: list[Stretch],
    keep: Callable[[Word], bool] = lambda w: False,
) -> list[Segment]:
    """``current`` with its words inside the looked-at stretches replaced by ``looked``'s:
    a second decode of the file to merge names from (``transcribe.merge.merge_names``).
    A word ``keep`` says is a name already found stays, and what base wrote over it is
    not offered: given several cases' names, base wrote "Jingjun" over a found "Peng"
    (Peng Gaofeng) in the seed interview."""
    spans = [(max(0.0, s.start - PAD_S), s.end + PAD_S) for s in window]

    def inside(w: Word) -> bool:
        return any(a <= _mid(w) <= b for a, b in spans)

    words = [w for seg in current for w in seg.words if not inside(w) or keep(w)]
    kept = [w for w in words if inside(w)]
    words += [
        w
        for seg in looked
        for w in seg.words
        if not any(k.start - NEAR_S < w.end and w.start < k.end + NEAR_S for k in kept)
    ]
    words.sort(key=lambda w: w.start)
    if not words:
        return []
    return [Segment(words[0].start, words[-1].end, "".join(w.word for w in words), words)]


@dataclass
class CloserLook:
    names: list[str]
    stretches: list[tuple[float, float, str]]  # what was looked at, and why
    changed: int
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "model": MODEL,
            "names": self.names,
            "stretches": [[round(a, 2), round(b, 2), why] for a, b, why in self.stretches],
            "changed": self.changed,
            "seconds": round(self.seconds, 2),
        }


def look_closer(
    archive: Archive,
    media_id: str,
    segments: list[Segment],
    audio: np.ndarray,
    options: TranscribeOptions,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    plain: Sequence[Segment] = (),
) -> tuple[list[Segment], CloserLook | None]:
    """``segments`` (an English transcript after the second look) with the names base
    heard at its near-misses, and without the second look's lone names (``plain``: the
    plain pass) that base did not hear; None when there was nothing to look at."""
    import time

    from tapelog.archive.errors import TapelogError
    from tapelog.archive.lone_names import doubted, judge
    from tapelog.archive.progress import Cancelled, ProgressEvent, report
    from tapelog.transcribe.merge import merge_names

    if (options.language or "").lower() != "en" or not any(s.words for s in segments):
        return segments, None
    started = time.perf_counter()
    plan = _plan(archive, media_id, segments, plain)
    names, doubts = plan.names, plan.doubts
    changed = 0
    try:
        stretches = suspect_stretches(segments, names, plan.found) if names else []
        stretches += doubted(segments, doubts, stretches)
        budget = max(MIN_BUDGET_S, MAX_SHARE * len(audio) / SR)
        windows = pack(stretches, budget)
        # Then, in what budget is left, lines whose words sound like one of the names
        # though Whisper was sure of them: the weakest sign, looked at last.
        left = budget - sum(_length(w) for w in windows)
        sounding: list[Stretch] = []
        if names and left > 0:
            sounding = sounding_stretches(segments, names, plan.found, stretches)
            windows += pack(sounding, left)
        left = budget - sum(_length(w) for w in windows)
        if names and left > 0:
            taken = stretches + sounding
            windows += pack(unsure_name_stretches(segments, names, plan.found, taken), left)
        for i, window in enumerate(windows):
            if cancel is not None:
                cancel.check()
            report(progress, ProgressEvent("closer look", i, len(windows), "windows"))
            looked = decode_packed(audio, window, names, options)
            segments, undone = judge(segments, plain, doubts, looked, window)
            second = splice(segments, looked, window, keep=plan.named)
            segments, n = merge_names(segments, second, names)
            changed += n + undone
    except Cancelled:
        raise  # the crew stopped it: not a failure to shrug off
    except TapelogError:  # base not installed, a failed decode: what was merged stays
        return segments, None
    if not windows:
        return segments, None
    done = [(s.start, s.end, s.why) for w in windows for s in w]
    return segments, CloserLook(names, done, changed, time.perf_counter() - started)


@dataclass
class _Plan:
    names: list[str]  # given to base: the own cases' names, then the lone names
    found: list[tuple[float, float]]  # where the names found are
    own_words: set[str]
    doubts: list[Doubt]

    def named(self, w: Word) -> bool:
        """A name found already, or a word of the interview's own names: kept."""
        toks = set(N.tokens(w.word))
        in_found = any(a - 0.05 <= _mid(w) <= b + 0.05 for a, b in self.found)
        return in_found or (bool(toks) and toks <= self.own_words)


def _plan(
    archive: Archive, media_id: str, segments: list[Segment], plain: Sequence[Segment]
) -> _Plan:
    from tapelog.archive.errors import TapelogError
    from tapelog.archive.linking import SOUND_KINDS, find_mentions, weak_leads
    from tapelog.archive.links import media_context, name_index
    from tapelog.archive.lone_names import lone_splices
    from tapelog.archive.records import get_case

    context = media_context(archive, media_id)
    mentions = find_mentions(name_index(archive), segments, context=context)
    cases = []
    for cid in own_cases(mentions, context):
        try:
            cases.append(get_case(archive, cid))
        except TapelogError:
            continue  # a person's id, or a case no longer there
    if not cases:  # a file tied to no case: those its weak signs point at (UNTIED_CASES)
        for cid in weak_leads(name_index(archive), segments)[:UNTIED_CASES]:
            with contextlib.suppress(TapelogError):
                cases.append(get_case(archive, cid))
    own = case_names(cases)
    doubts = lone_splices(mentions, segments, plain)
    lone = [d.name for d in doubts if len("".join(N.tokens(d.name))) >= 4]  # not "Liu"
    return _Plan(
        list(dict.fromkeys([*own, *lone])),
        # A name matched only by its sound ("Canju" for Zhengzhou) is a near-miss still:
        # base is to hear it again.
        [(m.match_start, m.match_end) for m in mentions if m.kind not in SOUND_KINDS],
        {t for n in own for t in N.tokens(n)},
        doubts,
    )
