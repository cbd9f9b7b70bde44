"""A second look for names: decode a transcribed file again with its case vocabulary
and keep only the names from it (``transcribe.merge``). On English, only the lines
where a name may be are decoded again (``clips_to_look``), unless they are most of it.

Why not simply give Whisper the names on the first pass: on the labelled name
benchmark (BENCHMARKS.md) that lifted tiny.en's name recall from 0.20 to 0.58 but
doubled the error rate on the other words ("12,000 Yuoyuan"). The plain pass keeps the
words right; this pass, given the names (guarded against runaways, ``transcribe.guard``),
fixes the names; the merge takes a stretch from it only when it is made of those names.

The plain transcript is saved first and stays if this pass is cancelled or fails: a
second look only ever replaces a finished transcript with a better one.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tapelog.archive.errors import TapelogError
from tapelog.archive.progress import CancelToken, ProgressCallback, ProgressEvent, report
from tapelog.archive.transcripts import transcript_path, write_segments
from tapelog.transcribe.types import TranscribeOptions

if TYPE_CHECKING:
    import numpy as np
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import Segment, TranscriptionInfo, Word

# Which Whisper mechanism carries the names on the second look (measured: BENCHMARKS.md).
MECHANISM = "hotwords"
# Chinese is looked at again greedily: a beam of 5 made the second look cost 1.5-1.9x
# the plain pass on Mandarin, greedy 1.2-1.45x (BENCHMARKS.md, "Mandarin with names").
# Other languages keep the plain pass's beam: greedy with the names, tiny.en looped on
# en05's first window ("Ma-Ma-Ma-") and lost the name the beam found (Wang Xiaoyu).
GREEDY = ("zh", "yue")


def beam_size(language: str | None, beam: int) -> int:
    """The second look's beam for a file in ``language`` whose plain pass used ``beam``."""
    return 1 if (language or "").lower() in GREEDY else beam


@dataclass
class SecondLook:
    media_id: str
    transcript_id: str
    names: list[str]
    changed: int  # stretches of the transcript taken from the second look
    redone: list[tuple[float, float, str]]  # windows that ran away and were redone plain
    seconds: float
    closer: dict[str, Any] | None = None  # archive.closer_look: what base looked at
    # The stretches decoded again (``clips_to_look``); None: the whole file.
    clips: list[list[float]] | None = None
    # Names with a twin on the sheet, checked against the audio (``archive.name_twins``):
    # [start, end, written, chosen, margin].
    twins: list[list[Any]] = field(default_factory=list)
    # archive.own_look: the interview's own names, line by line (names, lines, changed).
    own: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": self.names,
            "changed": self.changed,
            "redone": [list(r) for r in self.redone],
            "seconds": round(self.seconds, 2),
            "closer_look": self.closer,
            "clips": self.clips,
            "twins": self.twins,
            "own_look": self.own,
        }


def second_look(
    archive: Archive,
    media_id: str,
    vocabulary: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> SecondLook | None:
    """Decode ``media_id``'s current transcript again with ``vocabulary`` and merge the
    names in; the transcript record remembers which names were given (``show --json``).

    None when there is nothing to do (no vocabulary, no finished transcript, or a
    transcript without word times, which the merge needs).
    """
    from tapelog.archive.closer_look import look_closer
    from tapelog.archive.closer_look_zh import look_closer_zh
    from tapelog.archive.errors import TranscriptionError
    from tapelog.archive.name_twins import TwinCheck, look_at_twins
    from tapelog.archive.own_look import heard_well, look_at_own_names
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.guard import vocabulary_items
    from tapelog.transcribe.merge import merge_names

    names = vocabulary_items(vocabulary)
    media = archive.get_media(media_id)
    if not names or not media.transcript_id:
        return None
    record = archive.get_transcript(media.transcript_id)
    plain = archive.raw_segments(media_id, record.id)
    if not plain or not any(s.words for s in plain) or record.options.get("task") == "translate":
        return None
    started = time.perf_counter()
    fields = TranscribeOptions.__dataclass_fields__
    options = TranscribeOptions(**{k: v for k, v in record.options.items() if k in fields})
    options = replace(
        options,
        model=record.model,
        language=record.language,
        word_timestamps=True,
        batch_size=0,  # one window at a time: the loop guard redoes a runaway window
        beam_size=beam_size(record.language, options.beam_size),
        initial_prompt=vocabulary if MECHANISM == "prompt" else None,
        hotwords=vocabulary if MECHANISM == "hotwords" else None,
    )
    audio = load_audio(archive.media_path(media), cancel=cancel)
    total = len(audio) / 16000.0
    clips = clips_to_look(plain, names, record.language)
    info, second = _decode(get_engine(options), audio, options, plain, clips, progress, cancel,
                           media.name)  # fmt: skip
    second, retried = _retry_runaways(audio, options, info.skipped, plain, second, names, cancel)
    # English: a name over words Whisper heard well is not taken ("answer the Liu
    # Jingjun in the evening" over "messages", 0.98, on natural10).
    sure = heard_well if record.language == "en" else None
    merged, changed = merge_names(plain, second, names, sure=sure)
    # Where a near-miss remains, base looks again with the interview's own case names.
    merged, closer = look_closer(
        archive, media_id, merged, audio, options, cancel, progress, plain=plain
    )
    if closer is None:  # Mandarin: near-misses by their syllables (archive.closer_look_zh)
        merged, closer = look_closer_zh(archive, media_id, merged, audio, options, cancel, progress)
    changed += closer.changed if closer else 0
    # Where the interview is tied to its case: its names, line by line (archive.own_look).
    done = [(a, b) for a, b, _why in closer.stretches] if closer and record.language == "en" else []
    merged, own = look_at_own_names(
        archive, media_id, merged, audio, get_engine(options), options, done, cancel, progress
    )
    changed += own.changed if own else 0
    # A name with a twin on the sheet (one syllable from another child's) as the audio
    # says it, not as the names given made Whisper write it (archive.name_twins).
    twins: list[TwinCheck] = []
    with contextlib.suppress(TranscriptionError):  # the merged transcript stays as it is
        given = [*names, *(closer.names if closer else ()), *(own.names if own else ())]
        merged, twins = look_at_twins(
            archive, media_id, merged, audio, get_engine(options), record.language, given
        )
    changed += sum(t.chosen != t.written for t in twins)
    look = SecondLook(
        media_id,
        record.id,
        names,
        changed,
        [*info.redone, *[w for w in info.skipped if w not in retried]],
        time.perf_counter() - started,
        closer.to_dict() if closer else None,
        None if clips is None else [[round(a, 2), round(b, 2)] for a, b in clips],
        [t.to_list() for t in twins],
        own.to_dict() if own else None,
    )
    with archive.store.transaction():
        fresh = archive.get_transcript(record.id)
        if changed:
            write_segments(transcript_path(archive.root, media_id, record.id), merged)
        fresh.options = {**fresh.options, "second_look": look.to_dict()}
        archive.store.table("transcripts").upsert(fresh.to_dict(), archive_query().id == record.id)
    report(progress, ProgressEvent("second look", total, total, "s", media.name, eta=0))
    return look


# Where the second look decodes: the lines where a name may be, each with the line
# either side (Whisper hears a word better in its sentence), padded and joined into
# clips of at most CLIP_MAX_S; when those are more than WHOLE_SHARE of the speech,
# the whole file, window by window, which reuses the plain pass's encoder outputs.
CONTEXT_LINES = 1
CLIP_PAD_S = 0.3
CLIP_JOIN_S = 1.0
CLIP_MAX_S = 28.0
WHOLE_SHARE = 0.5


def clips_to_look(
    plain: list[Segment], names: list[str], language: str | None
) -> list[tuple[float, float]] | None:
    """The stretches (start, end s) of the file the second look decodes with the names,
    in time order; None for the whole file.

    A line may hold a name when it has a near-miss of one of the names, a word Whisper
    made up, two unsure words, or a word of a name (``closer_look.suspect_lines``). On
    an interview that names its people now and then, most of the file has none, and
    decoding it again with the names was most of what the names cost. Chinese (its
    near-misses are not spelled in letters) and names only in characters: the whole
    file, as before."""
    from tapelog.archive import names as N
    from tapelog.archive.closer_look import suspect_lines

    latin = [n for n in names if not N.has_han(n)]
    lines = [s for s in plain if s.words]
    if (language or "").lower() in CHINESE or not latin or not lines:
        return None
    try:
        suspect = {id(s) for s in suspect_lines(lines, latin)}
    except TapelogError:  # no tokenizer to tell a made-up word: the whole file
        return None
    spans: list[list[float]] = []
    for i, line in enumerate(lines):
        if id(line) not in suspect:
            continue
        a = max(0.0, lines[max(0, i - CONTEXT_LINES)].start - CLIP_PAD_S)
        b = lines[min(len(lines) - 1, i + CONTEXT_LINES)].end + CLIP_PAD_S
        if spans and a - spans[-1][1] < CLIP_JOIN_S and b - spans[-1][0] <= CLIP_MAX_S:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            a = max(a, spans[-1][1]) if spans else a  # no line decoded twice
            if b > a:
                spans.append([a, b])
    speech = sum(s.end - s.start for s in lines)
    if sum(b - a for a, b in spans) > WHOLE_SHARE * speech:
        return None
    return [(a, b) for a, b in spans]


def _decode(
    engine: Any,
    audio: np.ndarray,
    options: TranscribeOptions,
    plain: list[Segment],
    clips: list[tuple[float, float]] | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    name: str,
) -> tuple[TranscriptionInfo, list[Segment]]:
    """The second look's decode with the names: of the whole file (``clips`` None), or
    of each clip, with the plain pass's lines everywhere else.

    A window that runs away with the names is not decoded again: the plain pass already
    holds it (its decode is handed back, or, for a clip, nothing: the plain lines stay),
    and the merge keeps it. Run right after the plain pass, the engine still holds that
    pass's encoder outputs, and the whole file's windows start where that pass's did
    (transcribe.windows)."""
    from tapelog.transcribe.types import TranscriptionInfo

    total = len(audio) / 16000.0
    second: list[Segment] = []
    if clips is None:
        info, segs = engine.transcribe(audio, options, runaway="skip")
        for seg in segs:
            if cancel is not None:
                cancel.check()
            second.append(seg)
            report(progress, ProgressEvent("second look", seg.end, total, "s", name))
        return info, second
    info = TranscriptionInfo(options.language, None, total, options.model)
    for a, b in clips:
        if cancel is not None:
            cancel.check()
        clip = audio[int(a * 16000) : int(b * 16000)]
        part, segs = engine.transcribe(clip, options, offset=a, runaway="drop")
        for seg in segs:
            if cancel is not None:
                cancel.check()
            second.append(seg)
        info.skipped += part.skipped
        info.redone += part.redone
        report(progress, ProgressEvent("second look", b, total, "s", name))
    outside = [s for s in plain if not any(a <= (s.start + s.end) / 2 < b for a, b in clips)]
    return info, sorted([*outside, *second], key=lambda s: s.start)


# A window that ran away with every name is looked at once more with the few names
# that sound like what the plain pass wrote there (en05 with only a case sheet: the
# first window repeated itself given 45 names, and both of its names were lost).
RETRY_NAMES = 6
RETRY_CUTOFF = 0.75  # Jaro-Winkler on the letters: "Wang Nairoyu" ~ "Wang Xiaoyu"
RETRY_MIN_S = 2.0  # a runaway tail of a second is no window to look at again
RETRY_WINDOWS = 3  # at most this many a file: each is a clip encoded and decoded again


def near_names(names: list[str], text: str, limit: int = RETRY_NAMES) -> list[str]:
    """The names (in letters) whose words sound most like a run of words of ``text``,
    best first; none under ``RETRY_CUTOFF``."""
    from rapidfuzz.distance import JaroWinkler
    from tapelog.archive import names as N

    words = [w for w in N.tokens(text) if w.isascii()]
    scored: list[tuple[float, str]] = []
    for name in names:
        parts = N.tokens(name)
        if not parts or N.has_han(name):
            continue
        key, k = "".join(parts), len(parts)
        grams = ["".join(words[i : i + k]) for i in range(max(0, len(words) - k + 1))]
        best = max((JaroWinkler.normalized_similarity(key, g) for g in grams), default=0.0)
        if best >= RETRY_CUTOFF:
            scored.append((best, name))
    scored.sort(key=lambda t: -t[0])
    return [name for _score, name in scored[:limit]]


def _retry_runaways(
    audio: np.ndarray,
    options: TranscribeOptions,
    skipped: list[tuple[float, float, str]],
    plain: list[Segment],
    second: list[Segment],
    names: list[str],
    cancel: CancelToken | None = None,
) -> tuple[list[Segment], list[tuple[float, float, str]]]:
    """Each window of the second look that ran away, decoded once more with only the
    names near the plain pass's words there; its segments replace the plain decode the
    look was handed for it. Returns (segments, the windows that were looked at again)."""
    from tapelog.transcribe.engine import get_engine

    retried: list[tuple[float, float, str]] = []
    seen: set[float] = set()
    for start, end, reason in skipped:
        if len(retried) >= RETRY_WINDOWS:
            break
        if end - start < RETRY_MIN_S or reason == "the rest" or start in seen:
            continue  # after two runaways the rest went without names: not one by one
        seen.add(start)
        if cancel is not None:
            cancel.check()
        heard = " ".join(s.text for s in plain if s.end > start and s.start < end)
        chosen = near_names(names, heard)
        if not chosen:
            continue
        clip = audio[int(start * 16000) : int(end * 16000)]
        again = replace(options, hotwords=", ".join(chosen) + ".")
        # "redo", not "skip": a clip is not one of the plain pass's windows, whose
        # starts "skip" would cut it at (transcribe.windows).
        engine = get_engine(again)
        try:
            info, segs = engine.transcribe(clip, again, offset=start, runaway="redo")
            fresh = list(segs)
            if info.redone or not fresh:
                continue  # it ran away again: the plain decode stays
            heard_words = [w for seg in plain for w in seg.words if start <= w.start < end]
            fresh = [t for seg in fresh if (t := _timed(engine, audio, seg, heard_words, options))]
        except TapelogError:
            continue  # this window stays as the plain pass heard it; the rest go on
        before = [s for s in second if s.end <= start + 0.05]
        after = [s for s in second if s.start >= end - 0.05]
        second = [*before, *fresh, *after]
        retried.append((start, end, reason))
    return second, retried


RETIME_S = 0.3  # a decode's words this far from the plain pass's are timed again


def _timed(
    engine: Any, audio: np.ndarray, seg: Segment, heard: list[Word], options: TranscribeOptions
) -> Segment | None:
    """``seg`` with word times that agree with the plain pass's words it shares.

    Given a few names, Whisper can write the right words under a wrong timestamp (en05:
    the first 8 s of speech as one line at 21.6-30.0 s); spliced by those times, a name
    would land on other words. The words it shares with the plain pass say where the
    line is; off by more than ``RETIME_S``, its text is aligned again to that stretch
    of audio (``transcribe.align``). None when nothing places it."""
    from difflib import SequenceMatcher
    from statistics import median

    from tapelog.transcribe.align import MAX_LINE_S, align_words

    key = [w.word.strip(" ,.?!").lower() for w in seg.words]
    ref = [w.word.strip(" ,.?!").lower() for w in heard]
    pairs = [
        (seg.words[b.b + k], heard[b.a + k])
        for b in SequenceMatcher(None, ref, key, autojunk=False).get_matching_blocks()
        for k in range(b.size)
    ]
    if not pairs:
        return None
    if median(abs(w.start - h.start) for w, h in pairs) <= RETIME_S:
        return seg
    t0 = max(0.0, min(h.start for _w, h in pairs) - RETIME_S)
    t1 = max(h.end for _w, h in pairs) + RETIME_S
    if t1 - t0 > MAX_LINE_S:
        return None
    clip = audio[int(t0 * 16000) : int(t1 * 16000)]
    model = getattr(engine, "model", None)  # another engine cannot align: not placed
    if model is None:
        return None
    words = align_words(model, clip, seg.text, options.language, offset=t0)
    if not words:
        return None
    joined: list[Word] = []
    for w in words:  # the aligner gives punctuation as words of its own
        if joined and not w.word.strip(" ,.?!;:'\"") and w.word.strip():
            joined[-1] = replace(joined[-1], word=joined[-1].word + w.word.strip(), end=w.end)
        else:
            joined.append(w)
    words = joined
    if len(words) == len(seg.words):  # the decode's own spelling, punctuation included
        words = [replace(new, word=old.word) for new, old in zip(words, seg.words, strict=True)]
    return replace(seg, start=words[0].start, end=words[-1].end, words=words)


def archive_query():
    from tinydb import Query

    return Query()


CHINESE = ("zh", "yue")
# The languages that get a second look at ``vocab_from_cases auto``: those measured.
AUTO_LANGUAGES = ("en", "zh")


# ``TranscribeOptions.names`` for "the case names, for this run": chosen by ``names_for``
# after the plain pass (``look_again``; ``--vocab-from-cases`` gives them written out).
ASKED = "(the case names)"


def names_for(archive: Archive, media_id: str, options: TranscribeOptions) -> str:
    """The vocabulary for one file's second look ("" for none).

    When the crew chose for this run (``options.names``: ``--no-vocab-from-cases`` is
    "", none; ``--vocab-from-cases`` the case names, for any language), the names are
    chosen again here, now that the file's language and plain transcript are known (the
    names in its language; with a large sheet, the cases it named); else the archive's
    ``vocab_from_cases`` setting:
    ``auto`` (the default) looks again at English and Mandarin files whenever the
    archive holds case or people records (measured on both: on the names bench's
    natural-voice Mandarin it found one name more and took away the one wrong link, on
    espeak's Mandarin it changed nothing; other languages are not measured); ``true``
    for every language; ``false`` never. A translation, or a run with the crew's own hotwords or prompt,
    gets no second look. A case sheet too large to give whole gives the names of the
    file's own cases and of those its plain transcript named
    (``vocabulary.vocab_for_media``), and Mandarin none at ``auto``.
    """
    forced = options.names is not None  # the crew chose, for this run
    if forced and not options.names:
        return ""
    if not forced and (options.task == "translate" or options.hotwords or options.initial_prompt):
        return ""
    mode = archive.settings().get("vocab_from_cases", "auto").lower()
    media = archive.get_media(media_id)
    language = (media.language or options.language or "").lower()
    if not forced and (mode == "false" or (mode == "auto" and language not in AUTO_LANGUAGES)):
        return ""
    from tapelog.archive.links import name_index
    from tapelog.archive.vocabulary import small_chinese_sheet, vocab_for_media

    large_zh = language in CHINESE and not small_chinese_sheet(name_index(archive))
    if not forced and mode == "auto" and large_zh:
        return ""  # a large sheet: names nobody said were written (``small_chinese_sheet``)
    # A sheet too large to give whole gives the names of the cases the plain pass named.
    heard = archive.raw_segments(media_id, media.transcript_id) if media.transcript_id else []
    return vocab_for_media(archive, media_id, language=language or None, heard=heard)


def note_failure(archive: Archive, media_id: str, vocabulary: str, error: str) -> None:
    """A second look that failed leaves the plain transcript, and says so on it."""
    from tapelog.transcribe.guard import vocabulary_items

    media = archive.get_media(media_id)
    if not media.transcript_id:
        return
    with archive.store.transaction():
        record = archive.get_transcript(media.transcript_id)
        info = {"names": vocabulary_items(vocabulary), "error": error}
        record.options = {**record.options, "second_look": info}
        archive.store.table("transcripts").upsert(record.to_dict(), archive_query().id == record.id)


def names_given(record: Any) -> dict[str, Any]:
    """Which names Whisper was given for a transcript, for ``show --json`` and the TUI:
    the crew's own hotwords/prompt on the first pass, and the second look's names."""
    opts = record.options or {}
    look = opts.get("second_look") or {}
    return {
        "hotwords": opts.get("hotwords"),
        "prompt": opts.get("initial_prompt"),
        "second_look": look.get("names", []),
        "second_look_changed": look.get("changed", 0),
        "second_look_clips": look.get("clips"),  # None: the whole file was decoded
        "closer_look": (look.get("closer_look") or {}).get("names", []),  # given to base
        "second_look_error": look.get("error"),
        "redone_without_names": look.get("redone", []),
        # Names one syllable from another child's, as the audio chose them (name_twins).
        "twins": look.get("twins", []),
        # The interview's own cases' names, given line by line (archive.own_look).
        "own_look": (look.get("own_look") or {}).get("names", []),
        # True: the file was tied to no case, and those names are the case its weak
        # signs point at most.
        "own_look_led": bool((look.get("own_look") or {}).get("led", False)),
    }


def look_again(
    archive: Archive,
    media_id: str,
    vocab_from_cases: bool | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> SecondLook | None:
    """The names pass alone, on a file already transcribed: after the crew tagged it with
    its case (a large sheet gives a file only its own and the named cases' names), or
    added case records, without transcribing it again (the plain pass is most of the
    cost). ``vocab_from_cases`` as for ``transcribe``: None, the archive's setting.

    None when there are no names to look for; the transcript is then as it was. A
    failure is noted on the transcript, which stays as it was, and raised; a cancelled
    look leaves the transcript and its record as they were (as ``transcribe`` does)."""
    from tapelog.archive.errors import Cancelled, UsageError
    from tapelog.archive.models import STATUS_DONE

    media = archive.get_media(media_id)
    if not media.transcript_id or media.transcript_status != STATUS_DONE:
        raise UsageError(f"{media_id} is not transcribed yet: transcribe it first")
    record = archive.get_transcript(media.transcript_id)
    if record.options.get("task") == "translate":
        raise UsageError(f"{media_id}'s transcript is a translation: no names pass for it")
    fields = TranscribeOptions.__dataclass_fields__
    options = TranscribeOptions(**{k: v for k, v in record.options.items() if k in fields})
    if vocab_from_cases is False:
        return None
    # The crew's own hotwords or prompt made the first pass; asked again, look anyway.
    asked = ASKED if vocab_from_cases else None
    options = replace(options, names=asked, hotwords=None, initial_prompt=None)
    names = names_for(archive, media_id, options)
    if not names:
        return None
    if not any(seg.words for seg in archive.raw_segments(media_id, record.id)):
        raise UsageError(
            f"{media_id}'s transcript has no word times (imported or typed in): "
            "a names pass needs Whisper's own, so transcribe it with --force"
        )
    try:
        return second_look(archive, media_id, names, progress=progress, cancel=cancel)
    except Cancelled:
        raise  # the crew stopped it: the record still says what the last look did
    except TapelogError as exc:
        note_failure(archive, media_id, names, str(exc))
        raise
