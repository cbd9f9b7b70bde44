"""tapelog's transcription overhead: `tapelog transcribe` vs faster-whisper called directly.

In one run, on the same file, model and settings (default: tiny.en, beam 5, word
timestamps, VAD, int8, 2 CPU threads, language detected):

* **raw**: in this process, ``faster_whisper.WhisperModel(...)`` (load timed), the file
  decoded with faster-whisper's own ``decode_audio`` (timed), then ``model.transcribe``
  with every segment consumed (timed);
* **tapelog**: the real console script in a fresh temp archive: ``tapelog import``
  (not timed) then ``tapelog transcribe ID`` (timed, wall clock of the whole process:
  Python start, imports, model load, ffmpeg decode, Whisper, saving each segment, the
  speaker pass over the channels, the store update). The fixed cost it pays before any
  audio (process start + imports + model load) is measured separately in a fresh
  process that does only that.

Runs alternate raw/tapelog ``--repeat`` times; medians are reported. The file is
``two_channel_interview.mov`` looped with ffmpeg to about ``--seconds`` (a 24 s file
times too noisily, and a two-channel file makes tapelog do its speaker pass too).

    .venv/bin/python -m bench.bench_transcribe --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SAMPLE = REPO / "samples" / "media" / "two_channel_interview.mov"
TAPELOG = Path(sys.executable).with_name("tapelog")

LOAD_ONLY = """
import sys, time
t0 = time.perf_counter()
import cli.main  # noqa: F401  (what the console script imports)
from transcribe.engine import get_engine
from transcribe.types import TranscribeOptions
t1 = time.perf_counter()
get_engine(TranscribeOptions(model=sys.argv[1], compute_type=sys.argv[2],
                             cpu_threads=int(sys.argv[3])))
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def looped_file(dest: Path, seconds: float) -> Path:
    """``SAMPLE`` repeated with ffmpeg's -stream_loop until about ``seconds`` long."""
    from media.ffmpeg_bin import ffmpeg_exe
    from media.probe import probe

    loops = max(0, round(seconds / probe(SAMPLE).duration) - 1)
    cmd = [ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(SAMPLE)]
    subprocess.run([*cmd, "-c", "copy", str(dest)], check=True, timeout=120)
    return dest


def raw_run(path: Path, args: argparse.Namespace) -> dict[str, float]:
    from faster_whisper import WhisperModel, decode_audio

    from transcribe.models import resolve_model

    model_dir = resolve_model(args.model)
    t0 = time.perf_counter()
    model = WhisperModel(
        model_dir, device="cpu", compute_type=args.compute_type, cpu_threads=args.threads
    )
    t1 = time.perf_counter()
    audio = decode_audio(str(path), sampling_rate=16000)
    t2 = time.perf_counter()
    segments, _info = model.transcribe(
        audio,
        beam_size=args.beam_size,
        word_timestamps=True,
        vad_filter=True,
    )
    n = sum(1 for s in segments if s.text.strip())
    t3 = time.perf_counter()
    del model
    return {"load": t1 - t0, "decode": t2 - t1, "transcribe": t3 - t2, "segments": n}


def _tapelog(archive: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TAPELOG_ARCHIVE": str(archive)}
    proc = subprocess.run(
        [str(TAPELOG), *argv], capture_output=True, text=True, env=env, timeout=1200
    )
    if proc.returncode != 0:
        raise SystemExit(f"tapelog {' '.join(argv)} failed:\n{proc.stderr}")
    return proc


def tapelog_run(path: Path, workdir: Path, i: int, args: argparse.Namespace) -> dict[str, float]:
    archive = workdir / f"archive-{i}"
    media_id = json.loads(_tapelog(archive, "import", str(path), "--json").stdout)[0]["id"]
    t0 = time.perf_counter()
    proc = _tapelog(
        archive,
        "transcribe",
        media_id,
        "--model",
        args.model,
        "--beam-size",
        str(args.beam_size),
        "--threads",
        str(args.threads),
        "--compute-type",
        args.compute_type,
        "--json",
    )
    wall = time.perf_counter() - t0
    result = json.loads(proc.stdout)[0]
    return {"wall": wall, "segments": result["segments"]}


def fixed_cost(args: argparse.Namespace) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", LOAD_ONLY, args.model, args.compute_type, str(args.threads)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=300,
    )
    imports, load = map(float, proc.stdout.split())
    return {"imports": imports, "load": load}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--beam-size", type=int, default=5)
    ap.add_argument("--compute-type", default="int8")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=144.0, help="length of the looped file")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from media.probe import probe

    with tempfile.TemporaryDirectory(prefix="tapelog-bench-") as tmp:
        work = Path(tmp)
        path = looped_file(work / "looped interview.mov", args.seconds)
        duration = probe(path).duration
        print(f"{path.name}: {duration:.1f} s", file=sys.stderr)
        # Warm the OS file cache and the model assembly (base) outside the timings.
        fixed_cost(args)
        raws, taps, fixed = [], [], []
        for i in range(args.repeat):
            raws.append(raw_run(path, args))
            taps.append(tapelog_run(path, work, i, args))
            fixed.append(fixed_cost(args))
            print(f"run {i + 1}: raw {raws[-1]}, tapelog {taps[-1]}", file=sys.stderr)

    def med(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    raw_load, raw_dec, raw_tr = med(raws, "load"), med(raws, "decode"), med(raws, "transcribe")
    raw_total = raw_load + raw_dec + raw_tr
    wall = med(taps, "wall")
    imports, load = med(fixed, "imports"), med(fixed, "load")
    tap_work = wall - imports - load  # decode + Whisper + saving + speakers + store
    result = {
        "file_seconds": duration,
        "settings": vars(args) | {"json": None},
        "raw": {"load": raw_load, "decode": raw_dec, "transcribe": raw_tr, "total": raw_total},
        "tapelog": {"wall": wall, "imports": imports, "load": load, "work": tap_work},
        "overhead_end_to_end": wall / raw_total - 1,
        "overhead_work": tap_work / (raw_dec + raw_tr) - 1,
        "segments": {"raw": raws[0]["segments"], "tapelog": taps[0]["segments"]},
        "runs": {"raw": raws, "tapelog": taps, "fixed": fixed},
    }
    a = args
    print(
        f"File: `two_channel_interview.mov` looped to {duration:.0f} s; {a.model}, beam "
        f"{a.beam_size}, {a.compute_type}, word timestamps, VAD, {a.threads} threads; "
        f"median of {a.repeat} alternating runs.\n"
    )
    print("| | model load s | decode s | transcribe s | total s | x real time |")
    print("|---|---|---|---|---|---|")
    print(
        f"| raw faster-whisper (in process) | {raw_load:.2f} | {raw_dec:.2f} | {raw_tr:.2f} "
        f"| {raw_total:.2f} | {duration / raw_total:.1f}x |"
    )
    print(
        f"| `tapelog transcribe` (whole process) | {load:.2f} (+{imports:.2f} start/imports) "
        f"| {tap_work:.2f} (decode + transcribe + save + speakers) | | {wall:.2f} "
        f"| {duration / wall:.1f}x |"
    )
    print()
    print(
        f"Overhead end to end (tapelog wall / raw load+decode+transcribe): "
        f"{result['overhead_end_to_end']:+.1%}; work after the model is loaded "
        f"(tapelog wall - start/imports - load, vs raw decode+transcribe): "
        f"{result['overhead_work']:+.1%}. Segments: raw {raws[0]['segments']}, "
        f"tapelog {taps[0]['segments']}. Goal: under 10%."
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
