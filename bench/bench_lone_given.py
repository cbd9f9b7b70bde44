"""How sure tiny.en is of a given name that is also an English word, said as each.

    EN_VOICE_PYTHON=/tmp/piper-venv/bin/python .venv/bin/python bench/bench_lone_given.py

Luo Run's given name alone links his case (in a file already about it) only where
Whisper was unsure of the word "run" (``archive.given_heard.LONE_UNSURE``): the verb is
said far more often than the name. This speaks sentences with "run" as a verb and as
the name, in the names bench's Piper voice (``bench/en_voice.py``) at three pitches, and
prints the probability the plain tiny.en gave each "run": the threshold goes between the
two (BENCHMARKS.md, "A given name alone, as sure as a verb is not").
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VERB = [
    "We had to run to catch the last bus.", "I run a small shop near the station.",
    "They run the search group together now.", "Don't run, he told the boy.",
    "The trains run every hour from Zhengzhou.", "Later we run the posters at the print shop.",
    "Run to the police, she said.", "How far did you run that night?",
    "Our family used to run a noodle stall.", "The police run the DNA database.",
    "He saw the man run into the alley.", "We let the children run in the yard.",
    "Sometimes I still run down that street.", "Every morning the buses run late.",
    "They made him run errands for the gang.",
]  # fmt: skip
NAME = ["Later Run asked for his old name back.", "When Run came home he was sixteen."]


def main() -> None:
    from scipy.signal import resample_poly
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    from bench.make_names_bench import SR, speak_piper

    opts = TranscribeOptions(model="tiny.en", language="en", word_timestamps=True, cpu_threads=2)
    engine = get_engine(opts)
    got: dict[str, list[float]] = {"verb": [], "verb, first in its sentence": [], "name": []}
    for pitch in ("1.0", "0.97", "1.03"):
        texts = VERB + NAME
        for text, pcm in zip(texts, speak_piper(texts, "piper:" + pitch, 100), strict=True):
            x = resample_poly(pcm, 16000, SR).astype(np.float32) if SR != 16000 else pcm
            pad = np.zeros(8000, np.float32)
            _info, segs = engine.transcribe(np.concatenate([pad, x, pad]), opts)
            words = [w for s in segs for w in s.words]
            for k, w in enumerate(words):
                if w.word.strip(" .,?!").lower() != "run":
                    continue
                kind = "name" if text in NAME else "verb" if k else "verb, first in its sentence"
                got[kind].append(round(w.probability, 2))
            print(pitch, " ".join(w.word.strip() for w in words), file=sys.stderr)
    for kind, ps in got.items():
        print(f"{kind}: n={len(ps)} min={min(ps, default=0)} max={max(ps, default=0)} {sorted(ps)}")


if __name__ == "__main__":
    main()
