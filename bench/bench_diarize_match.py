"""Known-voice matching through the archive, as a crew meets it (bench_diarize).

The generated files are imported and transcribed into a real archive in a temporary
folder (Whisper stood in by timed lines: the words do not matter to voices, and it
keeps the bench short), each named person is named once with ``rename_speaker`` in
the first file where they speak, and the suggestions ``archive.voices`` then offers
for review are scored against the true speakers.

    .venv/bin/python -m bench.bench_diarize_match              # the generated set
    .venv/bin/python -m bench.bench_diarize_match --heldout    # the held-out set
    .venv/bin/python -m bench.bench_diarize_match --heldout2   # the second one

Every speaker's score, agreement, margin and window share is listed too (``speakers``): what the
rules in ``archive.voices`` were chosen on (the first set) and checked on (held out).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.der import read_rttm

DATA = Path(__file__).resolve().parent / "data" / "diar"
HELDOUT = Path(__file__).resolve().parent / "data" / "diar_heldout"
HELDOUT2 = Path(__file__).resolve().parent / "data" / "diar_heldout2"
# The people the crew names (each once, where first heard); the others are never named,
# so any suggestion of them is a false one.
NAMED = ("Peng_Gaofeng", "Interviewer", "Luo_Run")


class TimedLines:
    """One line every 2 s, a word every 0.5 s: the timing of a transcript, no model."""

    def transcribe(self, audio, options, offset=0.0):
        from tapelog.transcribe.types import Segment, TranscriptionInfo, Word

        total = len(audio) / 16000

        def lines():
            t = offset
            while t + 0.5 < total:
                words = [Word(t + i * 0.5, t + i * 0.5 + 0.4, f" w{i}") for i in range(4)]
                words = [w for w in words if w.end <= total]
                yield Segment(t, min(total, t + 2.0), "".join(w.word for w in words), words)
                t += 2.0

        return TranscriptionInfo("en", 1.0, total, "timed lines"), lines()

    def detect_language(self, audio):
        return "en", 1.0


def _true_people(archive, media_id: str, rttm: Path) -> dict[str, str]:
    """Each speaker label of a file -> the true person it overlaps most."""
    ref = read_rttm(rttm.read_text())
    talk: dict[str, dict[str, float]] = {}
    for s in archive.segments(media_id):
        for who, a, b in ref:
            if s.speaker and a < s.end and b > s.start:
                per = talk.setdefault(s.speaker, {})
                per[who] = per.get(who, 0.0) + min(b, s.end) - max(a, s.start)
    return {label: max(per, key=per.__getitem__) for label, per in talk.items()}


def archive_matching(convs: list[dict], named: tuple[str, ...], data: Path = DATA) -> dict:
    import tapelog.transcribe.engine as engine
    from tapelog.archive import voices
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import TranscribeOptions

    engine.get_engine = lambda options: TimedLines()  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive.open(Path(tmp) / "archive")
        archive.set_setting("voice_model", "campp")
        results = archive.import_paths([data / c["file"] for c in convs])
        truth: dict[tuple[str, str], str] = {}
        order = []
        for c, r in zip(convs, results, strict=True):
            archive.transcribe(r.id, TranscribeOptions(model="tiny.en", language="en"))
            people = _true_people(archive, r.id, data / c["file"].replace(".ogg", ".rttm"))
            truth |= {(r.id, label): who for label, who in people.items()}
            order += [(r.id, label) for label in sorted(people)]
        naming = {}
        for key in order:  # named once, where first heard
            who = truth[key]
            if who in named and who not in naming.values():
                archive.rename_speaker(key[1], who.replace("_", " "), media_id=key[0])
                naming[key] = who
        sugg = voices.list_matches(archive)
        rows = speaker_rows(archive, truth, naming)
        archive.close()
    right = [m for m in sugg if truth[(m.media_id, m.label)].replace("_", " ") == m.name]
    could = [k for k, who in truth.items() if who in named and k not in naming]
    return {
        "speakers": len(truth),
        "speakers_of_named_people": len(could),
        "suggested": len(sugg),
        "right": len(right),
        "precision": round(len(right) / len(sugg), 3) if sugg else None,
        "recall": round(len(right) / len(could), 3) if could else None,
        "wrong": [
            {
                "media": m.media_id,
                "label": m.label,
                "suggested": m.name,
                "true": truth[(m.media_id, m.label)],
                "score": m.score,
            }
            for m in sugg
            if m not in right
        ],  # fmt: skip
        "speakers_scored": rows,
    }


def speaker_rows(archive, truth: dict, naming: dict) -> list[dict]:
    """Every unnamed speaker against the named voices, before any rule: its best and
    second-best person, the scores, and its print's agreement (what rules are chosen on)."""
    from tapelog.archive.voices import _cos, window_share

    named = archive.store.table("voices").all()
    out = []
    for fv in archive.store.table("file_voices").all():
        key = (fv["media_id"], fv["label"])
        if key in naming or key not in truth:
            continue
        scored = sorted(
            ((_cos(fv["print"], v["print"]), v["name"]) for v in named
             if v["media_id"] != fv["media_id"]), reverse=True,
        )  # fmt: skip
        if not scored:
            continue
        second = next((sc for sc, n in scored[1:] if n != scored[0][1]), 0.0)
        others = [v for v in named if v["media_id"] != fv["media_id"]]
        share = window_share(fv, scored[0][1], others)
        out.append({"media": key[0], "label": key[1], "true": truth[key],
                    "best": scored[0][1], "score": round(scored[0][0], 3),
                    "margin": round(scored[0][0] - second, 3),
                    "agreement": fv.get("agreement"),
                    "window_share": None if share is None else round(share, 3)})  # fmt: skip
    return out


def main() -> None:
    from bench.common import load as load_avg

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--heldout", action="store_true", help="the held-out set")
    ap.add_argument("--heldout2", action="store_true", help="the second held-out set")
    ap.add_argument("--heldout3", action="store_true", help="the third held-out set")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    data = (DATA.parent / "diar_heldout3" if args.heldout3 else HELDOUT2 if args.heldout2
            else HELDOUT if args.heldout else DATA)  # fmt: skip
    convs = json.loads((data / "truth.json").read_text())["conversations"]
    t0, w0 = time.process_time(), time.perf_counter()
    out = archive_matching(convs, NAMED, data)
    out |= {"set": data.name, "files": len(convs), "cpu_s": round(time.process_time() - t0, 1),
            "wall_s": round(time.perf_counter() - w0, 1), "load_1min": load_avg()}  # fmt: skip
    text = json.dumps(out, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "speakers_scored"}, indent=1))
    for r in out["speakers_scored"]:
        print(r, file=sys.stderr)


if __name__ == "__main__":
    main()
