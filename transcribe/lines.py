"""Lines an editor can use: long Whisper segments split at sentence ends.

With an initial prompt (names from the case records) Whisper may return a whole
minute as one segment. A quote is found, played and exported by its line, so a
segment longer than ``max_s`` is split after words that end a sentence, using the
word timestamps. Without word timestamps it is left as it is.
"""

from __future__ import annotations

from tapelog.transcribe.types import Segment

SENTENCE_END = (".", "?", "!", "。", "？", "！", "…")


def split_sentences(seg: Segment, max_s: float = 10.0) -> list[Segment]:
    if seg.end - seg.start <= max_s or len(seg.words) < 2:
        return [seg]
    pieces: list[list] = [[]]
    for i, word in enumerate(seg.words):
        pieces[-1].append(word)
        last = i == len(seg.words) - 1
        if not last and word.word.strip().endswith(SENTENCE_END):
            pieces.append([])
    if len(pieces) == 1:
        return [seg]
    out = []
    for n, words in enumerate(pieces):
        out.append(
            Segment(
                start=seg.start if n == 0 else words[0].start,
                end=seg.end if n == len(pieces) - 1 else words[-1].end,
                text="".join(w.word for w in words).strip(),
                words=words,
                speaker=seg.speaker,
                avg_logprob=seg.avg_logprob,
                no_speech_prob=seg.no_speech_prob,
            )
        )
    return out
