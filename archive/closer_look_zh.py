"""A closer look at Mandarin lines where a case name may hide, given only the names
that sound near it.

base writes a name it half hears as other characters: "動椅宣的爸爸動國滑" for
邓宇轩的爸爸邓国华, "錦錦" for 景军 (the names bench's natural voice, zh09 and zh06). The
second look gives Whisper every name of the archive for whole 30 s windows, and there
the few right ones do not pull hard enough. Given only the two or three names that
sound like what was written, on that stretch alone, base wrote both lines right
(BENCHMARKS.md, "Mandarin in a natural voice"). So: find runs of characters whose
syllables start like a name's and share one of its syllables (not a homophone: that is
linked already), decode a few seconds around each with those names, and take the names
from it as the second look does (``transcribe.merge``: nothing but name words changes).

A given name alone ("錦錦" for 景军) is looked at only when the interview is already about
that case: two syllables sharing initials are common in ordinary speech ("好人" for 浩然).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import product
from typing import TYPE_CHECKING

from tapelog.archive import names as N
from tapelog.archive.closer_look import PAD_S as SPLICE_PAD
from tapelog.archive.closer_look import CloserLook, Stretch, own_cases, splice
from tapelog.archive.links_cut import cut_at
from tapelog.transcribe.types import Segment, Word

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from tapelog.archive.name_index import NameIndex
    from tapelog.archive.progress import CancelToken, ProgressCallback
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import TranscribeOptions

SR = 16000
PAD_S = 2.5  # speech kept either side of the run: base needs a few words around it
MAX_NAMES = 6  # per stretch
MAX_SHARE = 0.25  # at most this share of the file's audio is looked at again
MIN_BUDGET_S = 12.0  # ... but a short file gets a few stretches
_INITIAL = re.compile(r"[bpmfdtlgkhjqxzcsrwy]*")


@dataclass(frozen=True)
class _Name:
    """A name in characters and the case or person it names."""

    text: str  # what Whisper is given: the full name, even for a given name alone
    syllables: tuple[str, ...]  # sound keys (``names.phon``) of the part matched
    target: int  # index in the name index's targets
    given_only: bool


def _initials(key: Sequence[str]) -> tuple[str, ...]:
    return tuple(_INITIAL.match(s).group(0) for s in key)  # type: ignore[union-attr]


def _by_initials(index: NameIndex) -> dict[tuple[str, ...], list[_Name]]:
    """Every name in characters (and, for a three-character name, its given name) by
    the initials of its syllables; kept on the index, which is rebuilt when records
    change."""
    cached = getattr(index, "_zh_initials", None)
    if cached is not None:
        return cached
    out: dict[tuple[str, ...], list[_Name]] = defaultdict(list)
    for entries in index.zh.values():
        for e in entries:
            if e.kind != "zh":
                continue  # a place in characters: no near-miss look for places
            if len(set(e.text)) == 1:
                continue  # a doubled name (乐乐) is near every 了 said
            for seq in N.syllables_of(e.text)[:4]:
                key = tuple(N.phon(s) for s in seq)

                out[_initials(key)].append(_Name(e.text, key, e.target, False))
                if len(key) == 3:
                    out[_initials(key[1:])].append(_Name(e.text, key[1:], e.target, True))
    index._zh_initials = dict(out)  # type: ignore[attr-defined]
    return index._zh_initials  # type: ignore[attr-defined]


def _near(run: str, table: dict[tuple[str, ...], list[_Name]], index: NameIndex) -> list[_Name]:
    """Names whose syllables start as the run's do, sharing at least one syllable, and
    not all of them. A run that reads as a name (its homophone, or a decoy written
    right: 刘建军 is one syllable from 刘景军) is none: it is linked as what it says."""
    readings = [N.han_readings(c) or (c,) for c in run]
    keys = []
    for count, seq in enumerate(product(*readings)):
        if count >= 16:
            break
        keys.append(tuple(N.phon(s) for s in seq))
    if any(k in index.sound or k in index.given_sound for k in keys):
        return []
    # Near by each character's first reading only: rare readings (點 zhan, 學 hua) made
    # ordinary words sound near names.
    key = tuple(N.phon(r[0]) for r in readings)
    out: list[_Name] = []
    for name in table.get(_initials(key), ()):
        same = sum(a == b for a, b in zip(key, name.syllables, strict=True))
        if 0 < same < len(key) and name not in out:
            out.append(name)
    return out


@dataclass
class _Suspect:
    start: float
    end: float
    names: list[str]
    run: str


def suspects(
    segments: Sequence[Segment], index: NameIndex, about: set[int], everyone: bool = True
) -> list[_Suspect]:
    """Stretches of ``segments`` around runs that sound near a name (``about``: the
    targets the interview is about, which a given name alone needs, and every name
    unless ``everyone``: in a large sheet nearly every run of characters starts like
    some name)."""
    table = _by_initials(index)
    out: list[_Suspect] = []
    for seg in segments:
        text = N.fold(seg.text or "")
        if not seg.words or not N.has_han(text) or len(text) != len(seg.text or ""):
            continue
        for i in range(len(text)):
            for n in (3, 2):
                run = text[i : i + n]
                if len(run) < n or not all(N.is_han(c) for c in run):
                    continue
                near = [
                    m
                    for m in _near(run, table, index)
                    if (n == 3 and everyone) or m.target in about
                ]
                if not near:
                    continue
                a, b = cut_at(seg, i, i + n)
                names = list(dict.fromkeys(m.text for m in near))[:MAX_NAMES]
                start, end = max(0.0, a - PAD_S), b + PAD_S
                out.append(_Suspect(start, end, names, run))
                break
    return _joined(out)


def _joined(found: list[_Suspect]) -> list[_Suspect]:
    """Overlapping stretches as one, with the names of both."""
    out: list[_Suspect] = []
    for s in sorted(found, key=lambda s: s.start):
        if out and s.start <= out[-1].end:
            last = out[-1]
            names = list(dict.fromkeys([*last.names, *s.names]))[:MAX_NAMES]
            out[-1] = _Suspect(last.start, max(last.end, s.end), names, last.run + "/" + s.run)
        else:
            out.append(s)
    return out


def _decode(audio: np.ndarray, s: _Suspect, options: TranscribeOptions) -> list[Segment]:
    """The stretch alone, given its names; word times on the file's clock. A window of
    it that ran away was decoded again without the names (``runaway="redo"``): that
    holds no name to take, so the rest of the clip is kept (zh09's clip wrote 邓宇轩 and
    then a 0.3 s tail too fast to be speech)."""
    from tapelog.transcribe.engine import get_engine

    clip = audio[int(s.start * SR) : int(s.end * SR)]
    opts = replace(
        options, vad=False, batch_size=0, initial_prompt=None, hotwords=" ".join(s.names),
        word_timestamps=True, beam_size=5,
    )  # fmt: skip
    _info, segs = get_engine(opts).transcribe(clip, opts, runaway="redo")
    out = []
    for seg in segs:
        words = [replace(w, start=w.start + s.start, end=w.end + s.start) for w in seg.words]
        if words:
            text = "".join(w.word for w in words).strip()
            out.append(replace(seg, start=words[0].start, end=words[-1].end, text=text,
                               words=words))  # fmt: skip
    return out


def look_closer_zh(
    archive: Archive,
    media_id: str,
    segments: list[Segment],
    audio: np.ndarray,
    options: TranscribeOptions,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[list[Segment], CloserLook | None]:
    """``segments`` (a Mandarin transcript after the second look) with the names base
    heard at its near-misses; None when there was nothing to look at."""
    from tapelog.archive.errors import TapelogError
    from tapelog.archive.linking import find_mentions
    from tapelog.archive.links import media_context, name_index
    from tapelog.archive.progress import Cancelled, ProgressEvent, report
    from tapelog.archive.vocabulary import small_chinese_sheet
    from tapelog.transcribe.merge import merge_names

    if (options.language or "").lower() != "zh" or not any(s.words for s in segments):
        return segments, None
    started = time.perf_counter()
    index = name_index(archive)
    context = media_context(archive, media_id)
    mentions = find_mentions(index, segments, context=context)
    about = {
        index.by_id[key]
        for cid in own_cases(mentions, context)
        for key in (("case", cid), ("person", cid))
        if key in index.by_id
    }
    about |= {t for t in list(about) for t in _related(index, t)}
    found = suspects(segments, index, about, everyone=small_chinese_sheet(index))
    named = [(m.match_start, m.match_end) for m in mentions]  # kept as they are
    budget = max(MIN_BUDGET_S, MAX_SHARE * len(audio) / SR)
    looked: list[_Suspect] = []
    changed = 0
    try:
        for i, s in enumerate(found):
            if cancel is not None:
                cancel.check()
            if sum(x.end - x.start for x in looked) + (s.end - s.start) > budget:
                break
            report(progress, ProgressEvent("closer look", i, len(found), "stretches"))
            looked.append(s)
            heard = _decode(audio, s, options)
            # splice widens a stretch by its pad: give it the clip less that pad
            window = [Stretch(s.start + SPLICE_PAD, s.end - SPLICE_PAD, "near " + s.run)]
            second = splice(segments, heard, window, keep=lambda w: _found(w, named))
            segments, n = merge_names(segments, second, s.names)
            changed += n
    except Cancelled:
        raise  # the crew stopped it
    except TapelogError:  # a failed decode: what was merged stays
        return segments, None
    if not looked:
        return segments, None
    names = list(dict.fromkeys(n for s in looked for n in s.names))
    stretches = [(s.start, s.end, "near " + s.run) for s in looked]
    return segments, CloserLook(names, stretches, changed, time.perf_counter() - started)


def _related(index: NameIndex, target: int) -> set[int]:
    """A case's people and a person's cases, by index."""
    t = index.targets[target]
    out = set()
    for rid in t.related:
        for kind in ("case", "person"):
            if (kind, rid) in index.by_id:
                out.add(index.by_id[(kind, rid)])
    return out


def _found(w: Word, named: list[tuple[float, float]]) -> bool:
    """The word is part of a name already found: base writes nothing over it."""
    mid = (w.start + w.end) / 2
    return any(a - 0.05 <= mid <= b + 0.05 for a, b in named)
