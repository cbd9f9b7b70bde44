"""The interview's own names, line by line, in a file already tied to its case.

After the second look (every name the sheet holds, as hotwords) and base's closer look
(only where a near-miss shows), tiny.en still writes many names of the interview's own
case as English words: "They allowed the toy trucks" for "Lele loved the toy trucks",
"far from happy" for Hefei, "-job -do -it" for Zhao Dewei. Given only that case's
names, and one line at a time, it writes many of them right: decoding each of the 70
mentions missed on twelve natural-voice sets alone, with its own case's names as a
prompt, wrote 50. Packed into 28 s windows with the names as hotwords, as the closer
look decodes, the unsure lines of tied files gained 2 mentions over eleven sets; line
by line, 16 over twelve, none wrong. Which case is the question a prompt cannot answer:
chosen by the sound of a line's words, it wrote as many wrong names as right ones or
more. So this runs only where the transcript already says which case the interview is
about (``closer_look.own_cases``: a strong mention, two mentions, or the crew's tag),
with that case's names, and the merge keeps only name stretches (``transcribe.merge``),
as the other looks do. A file tied to no case gets the names of the one case its weak
signs point at most (``linking.weak_leads``), as base's closer look does: natural24's
nx01 spelled "Xiaoyu" once (a name one syllable from another child's) and nothing
else; given Wang Xiaoyu's case's names, this look wrote "Hongmei" for "Homme", and the
two weak signs tied the file (0/3 -> 2/3).

Cost: one decode per line (its own window, encoded for the line's sound and 10 s more:
``transcribe.windows``, trimmed), greedily (beam 1: the same names as beam 5 on the
natural sets at half the time), only on lines with a word Whisper was unsure of
(``MINP``), at most ``MAX_SHARE`` of the file on lines no closer look decoded and
``TRIED_SHARE`` on lines base's closer look decoded without writing a name, least sure
first; words' times only where it wrote a name's word the line lacked
(BENCHMARKS.md, "The interview's own names, line by line").
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.archive.closer_look import (
    PAD_S,
    WINDOW_S,
    Stretch,
    _mid,
    _utterances,
    case_names,
    own_cases,
    splice,
)
from tapelog.transcribe.numbers import quantity

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from tapelog.archive.progress import CancelToken, ProgressCallback
    from tapelog.archive.service import Archive
    from tapelog.transcribe.engine import Engine
    from tapelog.transcribe.types import Segment, TranscribeOptions, Word

SR = 16000
# A line all of whose words (outside names found) Whisper was this sure of or surer is
# not looked at: the names it missed on the natural sets were in lines with a word
# under 0.8 ("Leo, was three", 0.77 for "Lele was three"); 40-55% of the lines.
MINP = 0.8
BEAM = 1
# A file tied to no case: the names of this many of the cases its weak signs point at
# (``linking.weak_leads``), the most first. One: given two cases' names, a line may get
# the other's (the question a prompt cannot answer).
UNTIED_CASES = 1
# At most this share of the file's audio is decoded, its least sure lines first: on an
# espeak-ng voice nearly every line has an unsure word, and decoding them all made the
# second look 0.89x re-transcribing with base on the sparse set (0.38x without this
# look). The names it found on the natural sets were in the least sure fifth but for
# two of ten (BENCHMARKS.md, "The interview's own names, line by line").
MAX_SHARE = 0.2
# Lines base's closer look decoded and wrote no name in get a budget of their own, this
# share of the file, the least sure first: tiny.en, given one such line alone and the
# case's names, wrote 10 of the 12 mentions missed there on the natural sets (base, in
# its packed window: 5). In the one budget with the other lines, a 13 s stretch of them
# took the budget natural2's nb03 needed for "Lele"; put last in it, none was reached.
TRIED_SHARE = 0.1
# Plain words all this sure or surer are kept over a name the look wrote there: given
# only its case's names, it wrote them over words Whisper heard well ("came to Le Le
# with us" over "live", 0.87; "answer the Liu Jingjun" over "messages", 0.98).
SURE = MINP


def heard_well(word: Word) -> bool:
    """A plain word to keep over a name a look wrote there: Whisper gave it ``SURE`` or
    more and it is a word Whisper's vocabulary knows. A word it made up ("Nairoyu",
    1.00, for Xiaoyu on the names bench) was not heard well, however sure it says it
    was (``name_heard.made_up``)."""
    from tapelog.archive.name_heard import made_up

    return word.probability >= SURE and not made_up(word.word.strip(" ,.?!;:\"'"))


@dataclass
class OwnLook:
    names: list[str]  # the interview's own cases' names, given as a prompt
    lines: list[tuple[float, float]]  # the lines decoded again
    changed: int
    seconds: float
    # The names are those of the case the file's weak signs point at most: the file was
    # tied to no case (``UNTIED_CASES``).
    led: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "names": self.names,
            "led": self.led,
            "lines": [[round(a, 2), round(b, 2)] for a, b in self.lines],
            "changed": self.changed,
            "seconds": round(self.seconds, 2),
        }


def own_lines(
    segments: Sequence[Segment],
    found: Sequence[tuple[float, float]],
    looked: Sequence[tuple[float, float]] = (),
    budget_s: float | None = None,
    within: Sequence[tuple[float, float]] | None = None,
) -> list[Stretch]:
    """Lines (glued as the closer look glues them) to decode with the own names: not
    one the closer look decoded (``looked``), not made of names found (``found``) but
    for a word, and holding a word outside those names Whisper was unsure of; within
    ``budget_s`` seconds of them, the least sure first (at least one line). Given
    ``within``, only lines that overlap one of those stretches."""
    out: list[tuple[float, Stretch]] = []
    for unit in _utterances(segments):
        words = [w for s in unit for w in s.words]
        if not _timed(words):
            continue  # an imported transcript's times: NaN, negative, reversed, too long
        a, b = words[0].start, words[-1].end
        if any(x < b and a < y for x, y in looked):
            continue
        if within is not None and not any(x < b and a < y for x, y in within):
            continue
        free = [w for w in words if not any(x - 0.05 <= _mid(w) <= y + 0.05 for x, y in found)]
        if len(free) < 2 and len(free) < len(words):
            continue  # a name found, and a word beside it
        blind = _no_name_here(words)
        least = min((w.probability for w in free if id(w) not in blind), default=1.0)
        if least >= MINP:
            continue
        out.append((least, Stretch(a, b, "unsure word")))
    if budget_s is None:
        return [s for _p, s in out]
    kept: list[Stretch] = []
    used = 0.0
    for _p, line in sorted(out, key=lambda x: x[0]):
        length = line.end - line.start + 2 * PAD_S
        if kept and used + length > budget_s:
            continue
        kept.append(line)
        used += length
    return sorted(kept, key=lambda s: s.start)


def lines_to_look_at(
    segments: Sequence[Segment],
    found: Sequence[tuple[float, float]],
    looked: Sequence[tuple[float, float]],
    seconds: float,
) -> list[Stretch]:
    """The lines this look decodes in a file of ``seconds``: those no closer look
    decoded, in ``MAX_SHARE`` of it; and those base's closer look decoded (``looked``)
    and wrote no name in, in ``TRIED_SHARE`` of it. A stretch base wrote a name in is
    left as base wrote it. In time order."""
    named = [(x, y) for x, y in looked if any(a < y and x < b for a, b in found)]
    tried = [(x, y) for x, y in looked if (x, y) not in named]
    lines = own_lines(segments, found, looked, MAX_SHARE * seconds)
    if tried:
        lines += own_lines(segments, found, named, TRIED_SHARE * seconds, within=tried)
    return sorted(lines, key=lambda s: s.start)


def look_at_own_names(
    archive: Archive,
    media_id: str,
    segments: list[Segment],
    audio: np.ndarray,
    engine: Engine,
    options: TranscribeOptions,
    looked: Sequence[tuple[float, float]] = (),
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[list[Segment], OwnLook | None]:
    """``segments`` (an English transcript after the closer look) with the names the
    file's own model wrote, line by line, given only the names of the cases the
    interview is about; None when it is about none, or no line needs it."""
    from tapelog.archive.errors import TapelogError
    from tapelog.archive.linking import SOUND_KINDS, find_mentions, weak_leads
    from tapelog.archive.links import media_context, name_index
    from tapelog.archive.progress import ProgressEvent, report
    from tapelog.archive.records import get_case
    from tapelog.transcribe.merge import merge_names

    if (options.language or "").lower() != "en" or not any(s.words for s in segments):
        return segments, None
    started = time.perf_counter()
    context = media_context(archive, media_id)
    mentions = find_mentions(name_index(archive), segments, context=context)
    ids = own_cases(mentions, context)
    led = not ids
    if led:  # a file tied to no case: the one its weak signs point at most
        ids = weak_leads(name_index(archive), segments)[:UNTIED_CASES]
    cases = []
    for cid in ids:
        try:
            cases.append(get_case(archive, cid))
        except TapelogError:
            continue  # a person's id, or a case no longer there
    names = case_names(cases)
    if not names:
        return segments, None
    found = [(m.match_start, m.match_end) for m in mentions if m.kind not in SOUND_KINDS]
    lines = lines_to_look_at(segments, found, looked, len(audio) / SR)
    if not lines:
        return segments, None
    opts = replace(
        options, language="en", vad=False, batch_size=0, beam_size=BEAM,
        initial_prompt=", ".join(names) + ".", hotwords=None, word_timestamps=True,
    )  # fmt: skip

    draft = replace(opts, word_timestamps=False)
    name_words = {t for n in names for t in N.tokens(n)}

    def keep(w) -> bool:  # a name found already stays
        return any(x - 0.05 <= _mid(w) <= y + 0.05 for x, y in found)

    changed = 0
    # Each line's window encoded for its sound only (transcribe.windows: trimmed).
    watch = getattr(engine, "watch", None)
    with watch.trimmed() if watch is not None else contextlib.nullcontext():
        for i, line in enumerate(lines):
            if cancel is not None:
                cancel.check()
            report(progress, ProgressEvent("own names", i, len(lines), "lines"))
            a = max(0.0, line.start - PAD_S)
            clip = audio[int(a * SR) : int((line.end + PAD_S) * SR)]
            # Words' times cost a second pass over the decode: first the text alone, and
            # only where it holds a name's word the line did not, the words with times.
            info, segs = engine.transcribe(clip, draft, offset=a, runaway="drop")
            heard = {t for seg in segs for t in N.tokens(seg.text)}
            if (
                info.redone
                or info.skipped
                or not (heard & name_words) - _line_words(segments, line)
            ):
                continue  # no new name, or it ran away with the names: nothing to take
            info, segs = engine.transcribe(clip, opts, offset=a, runaway="drop")
            got = _within(list(segs), line)
            if info.redone or info.skipped:
                continue
            second = splice(segments, got, [line], keep)  # the line and PAD_S either side
            segments, n = merge_names(segments, second, names, sure=heard_well)
            changed += n
    spent = time.perf_counter() - started
    return segments, OwnLook(names, [(s.start, s.end) for s in lines], changed, spent, led)


def _no_name_here(words: Sequence[Word]) -> set[int]:
    """The ids of the words of a line whose doubt is no name's: a quantity's unit (the
    unsure words right after "120", at most two: "120 you and", yuan, where the merge
    takes no name) and an abbreviation ("DNA", 0.17). natural26's nz04 spent its budget
    on such lines, not on "Where is the hand now" (Zihan, 0.41)."""
    out: set[int] = set()
    for k, w in enumerate(words):
        bare = w.word.strip(" ,.?!;:\"'")
        if len(bare) >= 2 and bare.isalpha() and bare.isupper():
            out.add(id(w))
        if quantity(w.word):
            for u in words[k + 1 : k + 3]:
                if u.probability >= MINP:
                    break
                out.add(id(u))
    return out


def _line_words(segments: Sequence[Segment], line: Stretch) -> set[str]:
    """The folded words the transcript has now within ``line``."""
    return {
        t
        for seg in segments
        for w in seg.words
        if line.start - 0.05 <= _mid(w) <= line.end + 0.05
        for t in N.tokens(w.word)
    }


def _within(segments: list[Segment], line: Stretch) -> list[Segment]:
    """``segments`` with only the words heard within ``line``: what the decode wrote in
    the padding is the next line's or the last one's (en04: "Zhang" written before a
    line's first word, a name nobody said there)."""
    out = []
    for seg in segments:
        words = [w for w in seg.words if line.start - 0.05 <= _mid(w) <= line.end + 0.05]
        if words:
            text = "".join(w.word for w in words).strip()
            out.append(
                replace(seg, start=words[0].start, end=words[-1].end, text=text, words=words)
            )
    return out


def _timed(words: Sequence[Word]) -> bool:
    """Whether a line's words have times a clip can be cut by, in one Whisper window."""
    times = [t for w in words for t in (w.start, w.end)]
    if not all(isinstance(t, (int, float)) and math.isfinite(t) and t >= 0 for t in times):
        return False
    ordered = all(w.start <= w.end for w in words) and words[0].start <= words[-1].end
    return ordered and words[-1].end - words[0].start <= WINDOW_S
