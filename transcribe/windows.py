"""Whisper's 30 s windows, watched one at a time: the encoder output reused, a window
decoded with names checked before it is kept, and its token budget its own.

faster-whisper decodes a file window by window (``generate_segments``): each window is
encoded (``encode``), decoded (``generate_with_fallback``), cut into segments
(``_split_segments_by_timestamps``) and its words timed (``add_word_timestamps``).
``WindowWatch`` wraps those calls on one loaded model (the last two, private, only on
the faster-whisper 1.2 they were read from),
which is what makes names cheap and loop-free (BENCHMARKS.md, "Mandarin with names"):

* **The encoder runs once per window, not once per pass.** The second look decodes the
  same audio as the plain pass, so (with the same VAD chunks) the same first window;
  its later windows start where the plain pass's did wherever that falls between two
  sentences (``split``). The encoder output is kept, keyed by a hash of the window's
  features, for the file's first ``CACHE_WINDOWS`` windows. On Mandarin (base) the
  encoder is ~30-45% of a plain decode's CPU; on tiny.en much less.
* **A window given names is judged where it is decoded** (``transcribe.guard``): for
  names in characters a probe first (``PROBE_TOKENS``), so a window that reads them
  back costs a few tokens, not its budget; then the full decode, checked segment by
  segment. A runaway window is redone on the *same* encoder output without the names
  (crew hotwords: temperature 0, then ``REDO_TEMPERATURES``, after the text before
  it, as a plain pass asks), or handed the plain pass's own decode of that window
  (the second look: free).
* **A guarded window's budget follows its own length** (and, on the second look, the
  plain decode's): the file's budget on a short last window let Whisper given names
  repeat itself up to it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
from tapelog.transcribe.guard import (
    COMPRESSION_LIMIT,
    Verdict,
    check,
    compression_ratio,
    echoes,
    most_repeated,
)
from tapelog.transcribe.merge import name_tokens

WINDOW_S = 30.0  # Whisper's window: what a runaway spoils at most
MAX_RUNAWAYS = 2  # then the rest of the file goes without the names
# Tokens a biased window may write: 8 a second of audio is far above speech (English
# ~4, Mandarin ~6), and 200 leaves room in Whisper's 448 for the 224 of the names.
TOKENS_PER_S = 8
# A plain window holding less sound than this (a file's tail after its last full
# window) is decoded once, at temperature 0, within its own budget: where base
# hallucinated there, Whisper's fallback decoded it six times at up to 448 tokens
# (the names bench's zh08: 66 s of CPU for 0.8 s of audio, zh05 48 s).
SHORT_WINDOW_S = 2.0
MAX_BIASED_TOKENS = 200
# A window of a clip (the second look's ``runaway="drop"``) with less sound than this is
# the clip's padding after its last line: not decoded.
CLIP_TAIL_S = 1.0
# The second look's window may write this many times the plain decode's tokens of the
# same window (+16): names are no longer than the words heard for them; a decode
# running past that repeats itself and is cut (Mandarin zh01: 150 tokens of a loop).
PLAIN_FACTOR = 1.3
# With a beam, a cap near the natural length changes which hypothesis wins (base, the
# Mandarin sample: 39 tokens with room for 77 or more, 33 with room for 64), so a beam
# gets twice the plain decode's tokens; greedy only stops sooner.
BEAM_PLAIN_FACTOR = 2.0
# A window that reads the names back does so from its first tokens: the probe decodes
# this many before the full decode is paid for (greedy, one that ends within it is done).
PROBE_TOKENS = 24
# A phrase this often in the probe's few tokens is a loop begun (zh01 with names:
# "我死了梗,我死了梗,我死了", then 110 tokens of it); the full check wants 4.
PROBE_REPEATS = 3
# A runaway redone without names: Whisper's fallback (temperature 0, then these), each
# within the budget; its own fallback ran up to five more decodes of up to 448 tokens
# each: most of what crew hotwords cost on zh01.
REDO_TEMPERATURES = (0.2,)
# Encoder outputs kept: 30 s of base is 1500 x 512 float32, 3 MB; 40 windows (20 min
# of speech) is 120 MB at most per thread transcribing, and the plain pass fills it
# from the file's start, which is where the second look begins.
CACHE_WINDOWS = 40
TRIM_PAD_FRAMES = 1000  # padding a trimmed window keeps after its sound (10 ms frames)
TIME_PRECISION = 0.02  # s per timestamp token
SEAM_S = 0.5  # how near a segment's edge the plain pass's next window may begin
PREVIOUS_TOKENS = 223  # faster-whisper's share of the 448 for the text before a window


@dataclass
class Guard:
    """One guarded run: the names given, what to do with a runaway window, and what
    happened (``events``: (reason, window seconds) per runaway window, in order)."""

    names: list[str]
    # "redo": decode it again without the names; "skip": plain's; "drop": no text (a
    # clip of a file whose plain pass the caller holds: not one of its windows).
    runaway: str = "redo"
    words: bool = False  # word times asked for: the second look's windows can follow plain's
    events: list[tuple[str, float]] = field(default_factory=list)
    previous: list[int] = field(default_factory=list)  # tokens of the text kept so far


@dataclass
class Kept:
    """What one file's plain pass leaves for its second look."""

    encoded: dict[bytes, Any] = field(default_factory=dict)  # window key -> encoder output
    plain: dict[tuple, Any] = field(default_factory=dict)  # (key, language, task) -> decode
    seeks: list[int] = field(default_factory=list)  # where its windows began (frames)


@dataclass
class Counts:
    encodes: int = 0  # the encoder ran
    hits: int = 0  # an encoder output was handed back
    probes_stopped: int = 0  # a probe found a runaway before the full decode


class WindowWatch:
    """Installs itself on a loaded ``faster_whisper.WhisperModel`` (its ``encode`` and
    ``generate_with_fallback``); the engine says which run is guarded (``guarding``)."""

    def __init__(self, model: Any, windows: int = CACHE_WINDOWS) -> None:
        self.model = model
        self.windows = windows
        self.counts = Counts()
        self._local = threading.local()
        self._encode, self._generate = model.encode, model.generate_with_fallback
        model.encode = self.encode
        model.generate_with_fallback = self.generate
        self._split = getattr(model, "_split_segments_by_timestamps", None)
        self._add_words = getattr(model, "add_word_timestamps", None)
        if self._split is not None and self._add_words is not None and _known_whisper():
            model._split_segments_by_timestamps = self.split
            model.add_word_timestamps = self.add_words

    # -- the encoder --------------------------------------------------------------

    @property
    def _kept(self) -> Kept:
        """This thread's file: a plain pass and its second look run on one thread (two
        TUI workers on one engine keep their own files' windows)."""
        kept = getattr(self._local, "kept", None)
        if kept is None:
            kept = self._local.kept = Kept()
        return kept

    def new_file(self) -> None:
        """A plain pass of another file starts: what was kept is of no more use."""
        self._local.kept = Kept()

    @contextmanager
    def trimmed(self) -> Iterator[None]:
        """Within it, a window's encoder sees only its sound and a second of the padding
        after it, not Whisper's whole 30 s: CTranslate2 takes a shorter input, and the
        encoder's cost grows faster than its length (0.04 s for 10 s against 0.37 s,
        tiny.en). For short clips decoded one by one (``archive.own_look``), where the
        encoder of a padded window was three quarters of the time."""
        before = getattr(self._local, "trim", False)
        self._local.trim = True
        try:
            yield
        finally:
            self._local.trim = before

    def encode(self, features: np.ndarray):
        feats = np.ascontiguousarray(features)
        if getattr(self._local, "trim", False) and (feats.ndim == 2 or feats.shape[0] == 1):
            frames = int(round(_content_seconds(feats) * 100)) + TRIM_PAD_FRAMES
            frames = min(feats.shape[-1], frames + frames % 2)  # the encoder halves it
            feats = np.ascontiguousarray(feats[..., :frames])
            features = feats
        if feats.ndim == 3 and feats.shape[0] != 1:  # a batch: not one window
            self._local.key, self._local.seconds = None, WINDOW_S
            return self._encode(features)
        key = hashlib.blake2b(feats.tobytes(), digest_size=16).digest() + repr(feats.shape).encode()
        self._local.key, self._local.seconds = key, _content_seconds(feats)
        kept = self._kept
        out = kept.encoded.get(key)
        if out is not None:
            self.counts.hits += 1
            return out
        out = self._encode(features)
        self.counts.encodes += 1
        if len(kept.encoded) < self.windows:  # the file's first windows stay
            kept.encoded[key] = out
        return out

    def split(self, tokenizer, tokens, time_offset, segment_size, segment_duration, seek):
        """faster-whisper's cut of a decoded window into segments, and where the next
        window starts. The second look starts its next window where the plain pass
        did (its encoder output is then kept): the segments after that point are left
        to the next window, and one running across it is left out when it holds no
        name given (``add_words`` drops them once timed). Where a sentence with a name
        runs across it (en01: cutting it by its words' times put "Jingjun" into the
        sentence before), or a beam's decode ended short of it (not cut by its
        budget), the window ends where Whisper says, as before; a greedy one goes on
        from the plain pass's point (zh02's second window ended 5 s short of it, and
        its third was encoded again)."""
        out = self._split(tokenizer=tokenizer, tokens=tokens, time_offset=time_offset,
                          segment_size=segment_size, segment_duration=segment_duration,
                          seek=seek)  # fmt: skip
        guard: Guard | None = getattr(self._local, "guard", None)
        if guard is None:
            if len(self._kept.seeks) < 4 * self.windows:
                self._kept.seeks.append(seek)
            return out
        self._local.cut = None
        seeks = self._kept.seeks
        if guard.runaway != "skip" or not guard.words or seek not in seeks:
            return out
        i = seeks.index(seek)
        if i + 1 >= len(seeks) or seeks[i + 1] <= seek:
            return out
        target = seeks[i + 1]
        per_frame = self.model.feature_extractor.time_per_frame
        cut = target * per_frame
        across = [s for s in out[0] if s["start"] < cut - SEAM_S and s["end"] > cut + SEAM_S]
        loose, self._local.loose = getattr(self._local, "loose", False), False
        short = out[1] * per_frame < cut - SEAM_S and not loose
        if short or any(_holds_a_name(tokenizer.decode(s["tokens"]), guard.names) for s in across):
            return out
        # A sentence across the seam without a name is left out: the plain pass keeps it.
        self._local.cut = (cut - SEAM_S, [id(s) for s in across])
        return out[0], target, True  # True: no moving the cut to the last word's end

    def add_words(self, segments, tokenizer, *args, **kwargs):
        """faster-whisper's word times (over all of the window's text: timed without
        some of it, en05's words were spread over the whole window); then, where
        ``split`` moved the next window's start, the segments from there on are
        emptied (faster-whisper leaves out a segment with no text)."""
        out = self._add_words(segments, tokenizer, *args, **kwargs)
        cut, self._local.cut = getattr(self._local, "cut", None), None
        for seg in (s for window in segments for s in window) if cut is not None else ():
            if seg["start"] >= cut[0] or id(seg) in cut[1]:
                seg["tokens"], seg["words"], seg["end"] = [], [], seg["start"]
        return out

    # -- the decoder --------------------------------------------------------------

    def generate(self, encoder_output, prompt, tokenizer, options):
        guard: Guard | None = getattr(self._local, "guard", None)
        key = (getattr(self._local, "key", None), tokenizer.language, tokenizer.task)
        seconds = getattr(self._local, "seconds", WINDOW_S)
        asked = options  # the run's budget: a redo without names gets it whole
        if options.max_new_tokens:  # a guarded decode: the window's own budget
            cap = max(32, int(TOKENS_PER_S * seconds) + 16)
            plain = self._kept.plain.get(key) if guard is not None else None
            if plain is not None:  # the second look: not far past the plain decode
                factor = PLAIN_FACTOR if options.beam_size == 1 else BEAM_PLAIN_FACTOR
                cap = min(cap, max(32, int(factor * len(plain[0].sequences_ids[0])) + 16))
            if cap < options.max_new_tokens:
                options = dataclasses.replace(options, max_new_tokens=cap)
        if guard is None and not options.max_new_tokens and seconds < SHORT_WINDOW_S:
            return self._short(encoder_output, prompt, tokenizer, options, seconds)
        if guard is None:
            out = self._generate(encoder_output, prompt, tokenizer, options)
            if key[0] is not None and len(self._kept.plain) < self.windows:
                self._kept.plain[key] = out
            return out
        if guard.runaway == "drop" and seconds < CLIP_TAIL_S:
            return _nothing()  # a clip's padding after its last word: given the names,
            # tiny.en wrote 25 words a second there, or one phrase four times
        if len(guard.events) >= MAX_RUNAWAYS:
            return self._runaway(guard, "the rest", seconds, encoder_output, prompt, tokenizer,
                                 asked, key)  # fmt: skip
        verdict, out = self._probe(encoder_output, prompt, tokenizer, options, guard, seconds)
        if out is None and not verdict.bad:
            out = self._generate(encoder_output, prompt, tokenizer, options)
            verdict = window_verdict(out, tokenizer, seconds, guard.names)
        if not verdict.bad:
            # Cut by its budget, or greedy (the Chinese second look, which found no name
            # the plain pass missed): ``split`` may start the next window where plain's
            # did even when this one ended short of it.
            capped = len(out[0].sequences_ids[0]) >= (options.max_new_tokens or 448)
            self._local.loose = capped or options.beam_size == 1
            return out
        return self._runaway(guard, verdict.reason, seconds, encoder_output, prompt, tokenizer,
                             asked, key)  # fmt: skip

    def _short(self, encoder_output, prompt, tokenizer, options, seconds: float):
        """A plain window of under ``SHORT_WINDOW_S`` of sound: once, at temperature 0,
        within its own budget, without the text before it (base echoed that back). What
        Whisper's fallback would have tried again (a log-probability under its threshold,
        or text that compresses too well), or what the guard calls a loop or too many
        words for the time, is no speech: base wrote "字幕製作作曲" on zh05's 0.8 s tail,
        which the fallback had dropped after five more decodes."""
        if tokenizer.sot in prompt:
            prompt = prompt[prompt.index(tokenizer.sot) :]
        once = dataclasses.replace(
            options,
            temperatures=options.temperatures[:1],
            max_new_tokens=max(32, int(TOKENS_PER_S * seconds) + 16),
        )
        out = self._generate(encoder_output, prompt, tokenizer, once)
        _result, avg_logprob, _temperature, ratio = out
        low = options.log_prob_threshold is not None and avg_logprob < options.log_prob_threshold
        loose = (
            options.compression_ratio_threshold is not None
            and ratio > options.compression_ratio_threshold
        )
        if low or loose or window_verdict(out, tokenizer, seconds).bad:
            return _nothing()  # zh08's tail: "我认认认认认认认" in 0.8 s
        return out

    def _probe(self, encoder_output, prompt, tokenizer, options, guard: Guard, seconds: float):
        """The first ``PROBE_TOKENS`` of a window given names (a window after the
        first, under ``initial_prompt``, has none): (verdict, the decode when it is
        the whole of it, else None)."""
        budget = options.max_new_tokens
        names_given = bool(prompt) and prompt[0] == tokenizer.sot_prev  # not a later
        if (budget is not None and budget <= PROBE_TOKENS) or not names_given:  # prompt's
            return Verdict(False), None
        if not any(_han(n) for n in guard.names):
            # Names in letters were never read back as a list; with a beam the probe's
            # tokens are decoded again, and on English it cost more than it saved.
            return Verdict(False), None
        short = dataclasses.replace(options, max_new_tokens=PROBE_TOKENS)
        out = self._generate(encoder_output, prompt, tokenizer, short)
        tokens = out[0].sequences_ids[0]
        verdict = window_verdict(out, tokenizer, seconds, guard.names)
        reps = most_repeated(tokenizer.decode(tokens))
        if not verdict.bad and reps >= PROBE_REPEATS:
            verdict = Verdict(True, f"one phrase {reps} times in its first tokens")
        if verdict.bad:
            self.counts.probes_stopped += 1
            return verdict, None
        # Greedy, a probe that ended is the whole decode; a beam's best within a few
        # tokens is not (a short finished hypothesis beats the cut ones).
        ended = len(tokens) < PROBE_TOKENS and options.beam_size == 1
        return verdict, (out if ended else None)

    def _runaway(self, guard, reason, seconds, encoder_output, prompt, tokenizer, options, key):
        """The window without the names: the plain pass's decode (``skip``), or decoded
        again on the same encoder output (``redo``); no text rather than a loop."""
        guard.events.append((reason, seconds))
        if guard.runaway == "skip":
            return self._kept.plain.get(key) or _nothing()
        if guard.runaway == "drop":
            return _nothing()
        plain_prompt = prompt[prompt.index(tokenizer.sot) :] if tokenizer.sot in prompt else prompt
        if guard.previous:  # as a plain pass asks: after the text before it (zh01 looped without)
            plain_prompt = [tokenizer.sot_prev, *guard.previous[-PREVIOUS_TOKENS:], *plain_prompt]
        # Whisper's own fallback, cut short: as the plain pass decodes (it kept the
        # 0.2 decode of the Mandarin sample), without its four hotter decodes.
        redo = dataclasses.replace(options, temperatures=[0.0, *REDO_TEMPERATURES])
        # A window that repeats itself even so: the engine drops its looping segments
        # (``FasterWhisperEngine._guarded``); the rest of it is speech.
        return self._generate(encoder_output, plain_prompt, tokenizer, redo)

    def guarding(self, guard: Guard | None) -> None:
        """Which guarded run this thread's decodes belong to (None: plain)."""
        self._local.guard = guard


def window_verdict(out, tokenizer, seconds: float, names: list[str] | None = None) -> Verdict:
    """``transcribe.guard.check`` on a decoded window, segment by segment (as Whisper
    cut it by its timestamps: loops, names read back, more words than the time allows),
    and on the whole window for names read back across segments and Whisper's own
    compression limit."""
    tokens = out[0].sequences_ids[0]
    for text, duration in _segments(tokens, tokenizer, seconds):
        verdict = check(text, duration, None, names)
        if verdict.bad:
            return verdict
    text = tokenizer.decode(tokens).strip()
    if echoes(text, names or []):
        return Verdict(True, "reads the names back")
    ratio = compression_ratio(text)
    if ratio > COMPRESSION_LIMIT and len(text) > 40:
        return Verdict(True, f"repeats itself (compression {ratio:.1f})")
    return Verdict(False)


def _segments(tokens: list[int], tokenizer, seconds: float) -> list[tuple[str, float]]:
    """(text, seconds) of each timestamped segment of a decoded window."""
    begin = tokenizer.timestamp_begin
    out: list[tuple[str, float]] = []
    text_tokens: list[int] = []
    start: float | None = None
    for t in tokens:
        if t >= begin:
            at = (t - begin) * TIME_PRECISION
            if text_tokens:
                out.append((tokenizer.decode(text_tokens), at - (start or 0.0)))
                text_tokens = []
            start = at
        elif t < tokenizer.eot:
            text_tokens.append(t)
    if text_tokens:  # no closing timestamp: to the window's end
        out.append((tokenizer.decode(text_tokens), max(seconds - (start or 0.0), 0.0)))
    return out


def _nothing():
    """A decode that says "no speech here": faster-whisper moves on a whole window."""
    result = SimpleNamespace(sequences_ids=[[]], scores=[-math.inf], no_speech_prob=1.0)
    return result, -math.inf, 0.0, 0.0


def _content_seconds(features: np.ndarray) -> float:
    """Seconds of sound in a window: ``pad_or_trim`` pads the features with zeros."""
    frames = np.flatnonzero(np.any(features.reshape(-1, features.shape[-1]), axis=0))
    return (int(frames[-1]) + 1) / 100.0 if frames.size else WINDOW_S  # 10 ms frames


def _holds_a_name(text: str, names: list[str]) -> bool:
    """A name given, whole (in characters: theirs are common ones), or any word of one
    (in letters: the merge takes name words, "An Xin" of Luo An Xin; en02 lost it)."""
    folded = text.lower()
    if any(n.lower() in folded for n in names):
        return True
    words = name_tokens(n for n in names if not _han(n))
    return any(w in words for w in re.findall(r"[^\W\d_]+", folded))


def _han(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def _known_whisper() -> bool:
    """faster-whisper 1.2, whose private window cut and word timing ``split`` and
    ``add_words`` wrap (another version keeps the second look's own windows)."""
    try:
        import faster_whisper
    except ImportError:  # a stand-in model in the tests
        return True
    return str(getattr(faster_whisper, "__version__", "")).startswith("1.2.")
