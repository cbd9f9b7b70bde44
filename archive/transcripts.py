"""Transcript segments on disk, and human corrections applied to them.

Segments are bulky (an hour of interview with word timestamps is hundreds of KB), so
they live outside the TinyDB store, one JSONL file per transcript version:
``transcripts/<media_id>/<transcript_id>.jsonl``. A running transcription appends and
fsyncs each segment as Whisper produces it, so a killed run keeps what was done and
the next run resumes after the last complete line. A half-written last line (the
process died mid-write) is ignored and cut off before appending again.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import os
from collections.abc import Iterable
from pathlib import Path

from tapelog.archive.errors import StoreError
from tapelog.archive.models import Correction

# Ids become paths in one place (archive.paths); re-exported for the callers here.
from tapelog.archive.paths import TRANSCRIPTS_DIR as TRANSCRIPTS_DIR
from tapelog.archive.paths import transcript_path as transcript_path
from tapelog.archive.store import _os_error, atomic_write_text
from tapelog.transcribe.types import Segment, Word


def _good_lines(raw: bytes) -> tuple[list[dict], int]:
    """Parse the complete JSON lines; return them and the byte length to keep.

    A last line without its newline was being written when the process died: it is
    not returned and not kept. A broken line in the middle (disk damage) is skipped,
    not allowed to hide the lines after it; ``tapelog check`` reports it.
    """
    records: list[dict] = []
    good_end = 0
    pos = 0
    while True:
        nl = raw.find(b"\n", pos)
        if nl < 0:
            break
        line = raw[pos:nl]
        if line.strip():
            with contextlib.suppress(ValueError):
                records.append(json.loads(line))
        pos = nl + 1
        good_end = pos
    return records, good_end


def read_segments(path: Path) -> list[Segment]:
    """Read a transcript file, ignoring a half-written last line."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read transcript: {exc.strerror}", path=str(path)) from exc
    records, _ = _good_lines(raw)
    return [Segment.from_dict(r) for r in records]


def write_segments(path: Path, segments: Iterable[Segment]) -> None:
    """Replace a transcript file atomically (used when speakers are assigned)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in segments)
    atomic_write_text(path, text)


class SegmentWriter:
    """Appends segments to a transcript file, durable one by one.

    Opening it cuts off a half-written last line left by a killed run, so appending
    continues from the last complete segment.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            existing = b""
            if self.path.exists():
                existing = self.path.read_bytes()
            records, good_end = _good_lines(existing)
            self.existing = [Segment.from_dict(r) for r in records]
            # Unbuffered: a failed write must not leave bytes in a buffer that a later
            # flush (at close) would add after the cut-off point.
            self._fh = open(self.path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
            if good_end != len(existing):
                self._fh.truncate(good_end)
        except OSError as exc:
            raise _os_error(exc, self.path) from exc
        self._end = good_end

    def append(self, segment: Segment) -> None:
        """Append one line durably; on failure (disk full) cut back to the last whole line."""
        data = (json.dumps(segment.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
        try:
            view = memoryview(data)
            while view:
                written = self._fh.write(view)
                view = view[written:]
            os.fsync(self._fh.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                self._fh.truncate(self._end)
            raise _os_error(exc, self.path) from exc
        self._end += len(data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._fh.close()

    def __enter__(self) -> SegmentWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- corrections -------------------------------------------------------------------

MATCH_TOLERANCE_S = 0.35
MIN_OVERLAP = 0.6


def _overlap_ratio(a0: float, a1: float, b0: float, b1: float) -> float:
    inter = max(0.0, min(a1, b1) - max(a0, b0))
    union = max(a1, b1) - min(a0, b0)
    return inter / union if union > 0 else 0.0


def matches_span(segment: Segment, start: float, end: float) -> bool:
    """Whether a segment covers the same passage as a span (a correction's or a tag's)."""
    if abs(segment.start - start) <= MATCH_TOLERANCE_S and abs(segment.end - end) <= (
        MATCH_TOLERANCE_S
    ):
        return True
    return _overlap_ratio(segment.start, segment.end, start, end) >= MIN_OVERLAP


def aligned_words(corr: Correction) -> list[Word] | None:
    """The correction's aligned words, if it has usable ones (the store is not trusted)."""
    if not corr.words or not isinstance(corr.words, list):
        return None
    out = []
    try:
        for w in corr.words:
            word = Word(float(w["start"]), float(w["end"]), str(w["word"]),
                        float(w.get("probability", 1.0)))  # fmt: skip
            if not (math.isfinite(word.start) and math.isfinite(word.end)):
                return None
            if not corr.start - 2.0 <= word.start <= word.end <= corr.end + 2.0:
                return None
            out.append(word)
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    return out


def _retime_words(segment: Segment, text: str) -> list[Word]:
    """Keep word timings when a correction changes words one for one; else drop them."""
    new_words = text.split()
    if segment.words and len(new_words) == len(segment.words):
        return [
            Word(start=w.start, end=w.end, word=(" " if i else "") + nw, probability=1.0)
            for i, (w, nw) in enumerate(zip(segment.words, new_words, strict=True))
        ]
    return []


def apply_corrections(
    segments: list[Segment], corrections: list[Correction]
) -> tuple[list[Segment], list[Correction]]:
    """Apply the newest correction for each segment; return (segments, unplaced ones).

    A correction that no segment covers (a re-transcription split the passage
    differently) is returned as unplaced, never dropped: the UI lists it so a person
    can re-apply it.
    """
    if not corrections:
        return segments, []
    ordered = sorted(corrections, key=lambda c: c.created)
    out = list(segments)
    placed: set[str] = set()
    starts = [s.start for s in out]

    for corr in ordered:
        lo = bisect.bisect_left(starts, corr.start - 30.0)
        best_i = None
        best = 0.0
        for i in range(lo, len(out)):
            seg = out[i]
            if seg.start > corr.end + 30.0:
                break
            if matches_span(seg, corr.start, corr.end):
                score = _overlap_ratio(seg.start, seg.end, corr.start, corr.end)
                if best_i is None or score > best:
                    best_i, best = i, score
        if best_i is None:
            continue
        seg = out[best_i]
        out[best_i] = Segment(
            start=seg.start,
            end=seg.end,
            text=corr.text,
            words=aligned_words(corr) or _retime_words(seg, corr.text),
            speaker=seg.speaker,
            avg_logprob=seg.avg_logprob,
            no_speech_prob=seg.no_speech_prob,
        )
        placed.add(corr.id)
    return out, [c for c in ordered if c.id not in placed]
