"""Speakers on one track: DER per option, known-voice matching, speed against tiny.en.

    .venv/bin/python -m bench.bench_diarize                     # every installed embedder
    .venv/bin/python -m bench.bench_diarize --embedders spectral --no-whisper

On the generated set (bench/data/diar, made by bench/diar_make.py):
- DER (0.25 s collar, overlaps scored) with the number of speakers found and given;
- matching: three of the six people are named once, in the first file they speak in
  (as a crew would with ``speakers rename``); every other speaker of every file is
  matched to the named voices (``archive.voices``: best voice above the threshold),
  the three never named included. Precision = right names / suggestions, recall =
  right names / speakers of a named person; and cosine scores of every pair of prints
  from two files, same person or not (where a threshold can go);
- CPU seconds per hour of audio, and as a ratio to tiny.en transcribing the same files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from bench.common import machine
from bench.der import der, read_rttm

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "diar"
OUT = REPO / "bench" / "out"


def load(name: str) -> np.ndarray:
    from tapelog.media.audio import load_audio

    return load_audio(DATA / name)


# The people the crew names (each once, where first heard); the others are never named,
# so any suggestion of them is a false one.
NAMED = ("Peng_Gaofeng", "Interviewer", "Luo_Run")


def _cos(a: np.ndarray, b) -> float:
    b = np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))


def _true_speaker(turns, label: str, ref) -> str:
    """The reference speaker a hypothesis label overlaps most."""
    talk: dict[str, float] = {}
    for t in turns:
        if t.speaker != label:
            continue
        for who, a, b in ref:
            if a < t.end and b > t.start:
                talk[who] = talk.get(who, 0.0) + min(b, t.end) - max(a, t.start)
    return max(talk, key=talk.get) if talk else "?"


def run_embedder(name: str, convs: list[dict]) -> dict:
    from tapelog.archive.voices import MATCH_THRESHOLD
    from tapelog.transcribe.diarize import group, listen

    rows, named, matches, prints = [], {}, [], []
    audio_s = cpu = 0.0
    for c in convs:
        audio = load(c["file"])
        ref = read_rttm((DATA / c["file"].replace(".ogg", ".rttm")).read_text())
        t0 = time.process_time()
        heard = listen(audio, name)
        found = group(heard)
        cpu += time.process_time() - t0
        audio_s += len(audio) / 16000
        given = group(heard, len(c["voices"]))
        e_found = der(ref, [(t.speaker, t.start, t.end) for t in found.turns])
        e_given = der(ref, [(t.speaker, t.start, t.end) for t in given.turns])
        rows.append({"file": c["file"], "voices": len(c["voices"]), "background": c["background"],
                     "der_found": round(e_found.rate, 4), "der_given": round(e_given.rate, 4),
                     "speakers_found": len(found.speakers), "_e": (e_found, e_given)})  # fmt: skip
        # Matching, on the prints of the run with the number found (as a crew runs it).
        for label, vec in found.prints.items():
            who = _true_speaker(found.turns, label, ref)
            prints.append((c["file"], who, np.asarray(vec)))
            if who in NAMED and who not in named:
                named[who] = np.asarray(vec)  # the crew names it here
                continue
            scores = {n: _cos(v, vec) for n, v in named.items()}
            best = max(scores, key=scores.get) if scores else None
            matches.append({"file": c["file"], "true": who, "best": best,
                            "score": round(scores[best], 3) if best else 0.0})  # fmt: skip

    def pooled(voices: set[int], k: int) -> float:
        es = [r["_e"][k] for r in rows if r["voices"] in voices]
        total = sum(e.total for e in es)
        return round(sum(e.missed + e.false_alarm + e.confusion for e in es) / total, 4)

    sugg = [m for m in matches if m["score"] >= MATCH_THRESHOLD]
    right = [m for m in sugg if m["best"] == m["true"]]
    could = [m for m in matches if m["true"] in NAMED]
    same, other = [], []  # every pair of prints from two files, by whether one person
    for i, (fa, wa, va) in enumerate(prints):
        for fb, wb, vb in prints[i + 1 :]:
            if fa != fb:
                (same if wa == wb else other).append(_cos(va, vb))
    ders = {
        "der_2voice_found": pooled({2}, 0),
        "der_2voice_given": pooled({2}, 1),
        "der_3to4_found": pooled({3, 4}, 0),
        "der_3to4_given": pooled({3, 4}, 1),
    }
    for r in rows:
        r.pop("_e")
    return {
        "embedder": name,
        **ders,
        "match_threshold": MATCH_THRESHOLD,
        "match_precision": round(len(right) / len(sugg), 3) if sugg else None,
        "match_recall": round(len(right) / len(could), 3) if could else None,
        "match_speakers": len(matches),
        "match_speakers_named": len(could),
        "match_suggested": len(sugg),
        "cos_same_person_min": round(min(same), 3) if same else None,
        "cos_same_person_median": round(float(np.median(same)), 3) if same else None,
        "cos_other_person_max": round(max(other), 3) if other else None,
        "cos_other_person_median": round(float(np.median(other)), 3) if other else None,
        "cpu_s_per_audio_hour": round(cpu / audio_s * 3600, 1),
        "files": rows,
        "matches": matches,
    }


def whisper_cpu(convs: list[dict]) -> float:
    """CPU seconds per audio hour of tiny.en (beam 5, word timestamps, 2 threads)."""
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    opts = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2)
    engine = get_engine(opts)
    audio_s = cpu = 0.0
    for c in convs:
        audio = load(c["file"])
        t0 = time.process_time()
        _info, segs = engine.transcribe(audio, opts)
        list(segs)
        cpu += time.process_time() - t0
        audio_s += len(audio) / 16000
    return round(cpu / audio_s * 3600, 1)


def main() -> None:
    from tapelog.transcribe.embedders import available

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--embedders", nargs="*", default=None)
    ap.add_argument("--no-whisper", action="store_true")
    ap.add_argument("--json", type=Path, default=OUT / "diarize.json")
    args = ap.parse_args()
    convs = json.loads((DATA / "truth.json").read_text())["conversations"]
    out = {"machine": machine(), "conversations": len(convs), "results": []}
    for name in args.embedders or available():
        res = run_embedder(name, convs)
        out["results"].append(res)
        print({k: v for k, v in res.items() if k not in ("files", "matches")}, file=sys.stderr)
    if not args.no_whisper:
        w = whisper_cpu(convs)
        out["tiny_en_cpu_s_per_audio_hour"] = w
        for res in out["results"]:
            res["ratio_to_tiny_en"] = round(res["cpu_s_per_audio_hour"] / w, 3)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(markdown(out))


def markdown(out: dict) -> str:
    keys = ("der_2voice_found", "der_2voice_given", "der_3to4_found", "der_3to4_given",
            "match_precision", "match_recall", "cos_same_person_min", "cos_other_person_max",
            "cpu_s_per_audio_hour", "ratio_to_tiny_en")  # fmt: skip
    rows = ["| embedder | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for r in out["results"]:
        rows.append(f"| {r['embedder']} | " + " | ".join(str(r.get(k, "-")) for k in keys) + " |")
    tiny = out.get("tiny_en_cpu_s_per_audio_hour")
    return "\n".join(rows) + (f"\n\ntiny.en: {tiny} CPU-s per audio hour\n" if tiny else "\n")


if __name__ == "__main__":
    main()
