"""Speakers on one track: DER per option, known-voice matching, speed against tiny.en.

    .venv/bin/python -m bench.bench_diarize                     # every option installed
    .venv/bin/python -m bench.bench_diarize --options spectral --no-whisper

Options (how windows are grouped into speakers / what makes the voice print):
- ``spectral``: spectral features for both (no weights);
- ``campp``: spectral grouping, CAM++ prints from ``PRINT_WINDOWS`` windows per
  speaker (what tapelog runs with the ``[voices]`` extra);
- ``campp-every-window``: CAM++ on every window for both, torch on 2 threads (the way
  before: the cost to compare with).

On the generated set (bench/data/diar, made by bench/diar_make.py):
- DER (0.25 s collar, overlaps scored) with the number of speakers found and given;
- matching, in memory: three of the six people are named once, in the first file they
  speak in; every other speaker of every file is matched to the named voices (best
  voice above the threshold), the three never named included. Precision = right names
  / suggestions, recall = right names / speakers of a named person; and cosine scores
  of every pair of prints from two files, same person or not;
- matching through the archive (``--archive-matching``, the chosen option): the 12
  files imported and transcribed into a real archive (Whisper stood in by timed
  lines), the same three named with ``rename_speaker`` where first heard, and the
  suggestions ``archive.voices`` offers scored against the truth;
- CPU seconds per hour of audio, and as a ratio to tiny.en transcribing the same
  audio: per file (45-55 s files: the per-speaker cost weighs most) and on one long
  track (the 12 files end to end, 10 min).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from bench.bench_diarize_match import NAMED  # the people the crew names, once each
from bench.common import load as load_avg
from bench.common import machine
from bench.der import der, read_rttm

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "diar"
OUT = REPO / "bench" / "out"


def load(name: str) -> np.ndarray:
    from tapelog.media.audio import load_audio

    return load_audio(DATA / name)


def use_heldout(name: str = "diar_heldout") -> None:
    """Read a held-out set (bench/data/diar_heldout, diar_heldout2) instead: to check,
    not to tune."""
    global DATA
    DATA = REPO / "bench" / "data" / name


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


OPTIONS = {  # name -> (grouped by, print by or None for the same)
    "spectral": ("spectral", None),
    "campp": ("spectral", "campp"),
    "campp-every-window": ("campp", None),
}


def diarizer(option: str):
    """``run(audio, speakers) -> (listened, diarization)`` for an option."""
    from tapelog.transcribe.diarize import group, listen
    from tapelog.transcribe.embedders import CamppEmbedder, get_embedder

    grouped_by, printed_by = OPTIONS[option]
    CamppEmbedder.threads = 2 if option == "campp-every-window" else 1
    voice = get_embedder(printed_by) if printed_by else None

    def run(audio, heard=None, speakers=None):
        heard = heard if heard is not None else listen(audio, grouped_by)
        return heard, group(heard, speakers, voice)

    return run


def run_option(name: str, convs: list[dict]) -> dict:
    from tapelog.archive.voice_windows import WINDOW_MATCH
    from tapelog.archive.voices import (
        MATCH_THRESHOLD,
        MIN_AGREEMENT,
        MIN_MARGIN,
        MIN_SHARE,
        PORTABLE,
        best_voice,
        file_print,
        window_share,
    )

    run = diarizer(name)
    run(load(convs[0]["file"])[: 16000 * 5])  # load the models outside the clock
    rows, named, matches, prints, kept = [], {}, [], [], []
    audio_s = cpu = wall = 0.0
    for c in convs:
        audio = load(c["file"])
        ref = read_rttm((DATA / c["file"].replace(".ogg", ".rttm")).read_text())
        t0, w0 = time.process_time(), time.perf_counter()
        heard, found = run(audio)
        cpu += time.process_time() - t0
        wall += time.perf_counter() - w0
        audio_s += len(audio) / 16000
        given = run(audio, heard, len(c["voices"]))[1]
        e_found = der(ref, [(t.speaker, t.start, t.end) for t in found.turns])
        e_given = der(ref, [(t.speaker, t.start, t.end) for t in given.turns])
        rows.append({"file": c["file"], "voices": len(c["voices"]), "background": c["background"],
                     "der_found": round(e_found.rate, 4), "der_given": round(e_given.rate, 4),
                     "speakers_found": len(found.speakers), "_e": (e_found, e_given)})  # fmt: skip
        # Matching, on the prints of the run with the number found (as a crew runs it).
        for label, vec in found.prints.items():
            who = _true_speaker(found.turns, label, ref)
            prints.append((c["file"], who, np.asarray(vec)))
            doc = file_print(found, label) | {"name": who}  # as the archive keeps it
            kept.append((c["file"], who, doc))
            if who in NAMED and who not in named:
                named[who] = doc  # the crew names it here
                continue
            scores = {n: _cos(np.asarray(v["print"]), vec) for n, v in named.items()}
            best = max(scores, key=scores.get) if scores else None
            # Suggested by the archive's rule (threshold, agreement, margin, windows) where the
            # prints carry across files; spectral ones by the threshold alone, to show
            # why they are never matched.
            if doc["embedder"] in PORTABLE:
                rule = best_voice(doc, list(named.values()))
                suggested = rule[1]["name"] if rule else None
            else:
                suggested = best if best and scores[best] >= MATCH_THRESHOLD else None
            matches.append({"file": c["file"], "true": who, "best": best,
                            "score": round(scores[best], 3) if best else 0.0,
                            "agreement": doc["agreement"], "suggested": suggested,
                            "window_share": window_share(doc, best, list(named.values()))
                            if best else None})  # fmt: skip

    def pooled(voices: set[int], k: int) -> float:
        es = [r["_e"][k] for r in rows if r["voices"] in voices]
        total = sum(e.total for e in es)
        return round(sum(e.missed + e.false_alarm + e.confusion for e in es) / total, 4)

    sugg = [m for m in matches if m["suggested"]]
    right = [m for m in sugg if m["suggested"] == m["true"]]
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
        "option": name,
        **ders,
        "match_threshold": MATCH_THRESHOLD,
        "match_min_agreement": MIN_AGREEMENT,
        "match_min_margin": MIN_MARGIN,
        "match_window": WINDOW_MATCH,
        "match_min_share": MIN_SHARE,
        "match_precision": round(len(right) / len(sugg), 3) if sugg else None,
        "match_recall": round(len(right) / len(could), 3) if could else None,
        "match_speakers": len(matches),
        "match_speakers_named": len(could),
        "match_suggested": len(sugg),
        "cos_same_person_min": round(min(same), 3) if same else None,
        "cos_same_person_median": round(float(np.median(same)), 3) if same else None,
        "cos_other_person_max": round(max(other), 3) if other else None,
        "cos_other_person_median": round(float(np.median(other)), 3) if other else None,
        "every_naming": every_naming(kept) if found.embedder in PORTABLE else None,
        "cpu_s_per_audio_hour": round(cpu / audio_s * 3600, 1),
        "wall_s_per_audio_hour": round(wall / audio_s * 3600, 1),
        "files": rows,
        "matches": matches,
    }


def every_naming(kept: list[tuple[str, str, dict]]) -> dict:
    """The in-memory protocol over every choice of the speaker each named person is
    named from (not only where first heard: a cleaner or a muddier print), pooled: how
    far precision depends on where the crew happened to name someone."""
    import itertools

    from tapelog.archive.voices import best_voice

    choices = [[i for i, (_f, who, _d) in enumerate(kept) if who == n] for n in NAMED]
    choices = [c for c in choices if c]
    suggested = right = could = namings = 0
    wrong: dict[str, int] = {}
    for combo in itertools.product(*choices):
        namings += 1
        for i, (file, who, doc) in enumerate(kept):
            if i in combo:
                continue
            could += who in NAMED
            rule = best_voice(doc, [kept[j][2] for j in combo if kept[j][0] != file])
            if rule is None:
                continue
            suggested += 1
            right += rule[1]["name"] == who
            if rule[1]["name"] != who:
                key = f"{file} {who} as {rule[1]['name']}"
                wrong[key] = wrong.get(key, 0) + 1
    return {"namings": namings, "suggested": suggested, "right": right,
            "precision": round(right / suggested, 3) if suggested else None,
            "recall": round(right / could, 3) if could else None, "wrong": wrong}  # fmt: skip


def whisper_cpu(audios: list[np.ndarray]) -> float:
    """CPU seconds per audio hour of tiny.en (beam 5, word timestamps, 2 threads)."""
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    opts = TranscribeOptions(model="tiny.en", language="en", cpu_threads=2)
    engine = get_engine(opts)
    audio_s = cpu = 0.0
    for audio in audios:
        t0 = time.process_time()
        _info, segs = engine.transcribe(audio, opts)
        list(segs)
        cpu += time.process_time() - t0
        audio_s += len(audio) / 16000
    return round(cpu / audio_s * 3600, 1)


def long_track(convs: list[dict], options: list[str], whisper: bool) -> dict:
    """The 12 files end to end as one 10-minute track: CPU per audio hour of each
    option (the per-speaker cost of prints spread over a long file) and of tiny.en."""
    audio = np.concatenate([load(c["file"]) for c in convs])
    out: dict = {"audio_s": round(len(audio) / 16000, 1), "load_1min_before": load_avg()}
    for name in options:
        run = diarizer(name)
        run(audio[: 16000 * 5])
        t0 = time.process_time()
        _heard, d = run(audio)
        cpu = time.process_time() - t0
        out[name] = {"cpu_s_per_audio_hour": round(cpu / len(audio) * 16000 * 3600, 1),
                     "speakers_found": len(d.speakers)}  # fmt: skip
    if whisper:
        out["tiny_en_cpu_s_per_audio_hour"] = whisper_cpu([audio])
        for name in options:
            out[name]["ratio_to_tiny_en"] = round(
                out[name]["cpu_s_per_audio_hour"] / out["tiny_en_cpu_s_per_audio_hour"], 3
            )
    out["load_1min_after"] = load_avg()
    return out


def thread_cost() -> dict:
    """CPU seconds per CAM++ window with torch on 1 and on 2 threads (2 spin-wait
    when the cores are busy)."""
    from tapelog.transcribe.embedders import CamppEmbedder, fbank

    fb = fbank(load("conv01.ogg"))
    wins = [(i * 100, i * 100 + 150) for i in range(40)]
    model = CamppEmbedder()
    out = {}
    for threads in (1, 2):
        model.threads = threads
        t0, w0 = time.process_time(), time.perf_counter()
        model.embed(fb, wins)
        out[f"threads_{threads}"] = {
            "cpu_s_per_window": round((time.process_time() - t0) / len(wins), 4),
            "wall_s_per_window": round((time.perf_counter() - w0) / len(wins), 4),
        }
    out["load_1min"] = load_avg()
    return out


def main() -> None:
    from tapelog.transcribe.embedders import available

    from bench.bench_diarize_match import archive_matching

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--options", nargs="*", default=None, choices=sorted(OPTIONS))
    ap.add_argument("--no-whisper", action="store_true")
    ap.add_argument("--no-long", action="store_true", help="Skip the 10-minute track.")
    ap.add_argument("--no-archive-matching", action="store_true")
    ap.add_argument("--json", type=Path, default=OUT / "diarize.json")
    ap.add_argument("--heldout", action="store_true", help="the held-out set (check only)")
    ap.add_argument("--heldout2", action="store_true", help="the second held-out set")
    ap.add_argument("--heldout3", action="store_true", help="the third held-out set")
    args = ap.parse_args()
    if args.heldout or args.heldout2 or args.heldout3:
        use_heldout(
            "diar_heldout3" if args.heldout3 else "diar_heldout2" if args.heldout2
            else "diar_heldout"
        )  # fmt: skip
        args.heldout = True
    convs = json.loads((DATA / "truth.json").read_text())["conversations"]
    have = "campp" in available()
    options = args.options or [o for o in OPTIONS if have or o == "spectral"]
    out = {"machine": machine(), "conversations": len(convs), "results": []}
    for name in options:
        res = run_option(name, convs) | {"load_1min_after": load_avg()}
        out["results"].append(res)
        print({k: v for k, v in res.items() if k not in ("files", "matches")}, file=sys.stderr)
    if not args.no_whisper:
        w = whisper_cpu([load(c["file"]) for c in convs])
        out["tiny_en_cpu_s_per_audio_hour"] = w
        for res in out["results"]:
            res["ratio_to_tiny_en"] = round(res["cpu_s_per_audio_hour"] / w, 3)
    if not args.no_long:
        out["long_track"] = long_track(convs, [o for o in options if o != "campp-every-window"],
                                       not args.no_whisper)  # fmt: skip
        print(out["long_track"], file=sys.stderr)
    if have:
        if not args.heldout:  # a cost measure, on conv01: once is enough
            out["campp_threads"] = thread_cost()
        if not args.no_archive_matching:
            out["archive_matching"] = archive_matching(convs, NAMED, DATA)
            print(out["archive_matching"]["wrong"], file=sys.stderr)
    out["load_1min_end"] = load_avg()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(markdown(out))


def markdown(out: dict) -> str:
    keys = ("der_2voice_found", "der_2voice_given", "der_3to4_found", "der_3to4_given",
            "match_precision", "match_recall", "cos_same_person_min", "cos_other_person_max",
            "cpu_s_per_audio_hour", "ratio_to_tiny_en", "load_1min_after")  # fmt: skip
    rows = ["| option | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for r in out["results"]:
        rows.append(f"| {r['option']} | " + " | ".join(str(r.get(k, "-")) for k in keys) + " |")
    tiny = out.get("tiny_en_cpu_s_per_audio_hour")
    text = "\n".join(rows) + (f"\n\ntiny.en: {tiny} CPU-s per audio hour\n" if tiny else "\n")
    for r in out["results"]:
        if r.get("every_naming"):
            text += f"\n{r['option']}, every naming: {json.dumps(r['every_naming'])}\n"
    for key in ("long_track", "campp_threads", "archive_matching"):
        if key in out:
            shown = {k: v for k, v in out[key].items() if k != "speakers_scored"}
            text += f"\n{key}: {json.dumps(shown)}\n"
    return text


if __name__ == "__main__":
    main()
