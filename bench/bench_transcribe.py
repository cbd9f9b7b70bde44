"""tapelog's transcription overhead: `tapelog transcribe` vs faster-whisper called directly.

In one run, on the same file, model and settings (default: tiny.en, beam 5, word
timestamps, VAD, int8, 2 CPU threads, language detected):

* **raw**: in this process, ``faster_whisper.WhisperModel(...)`` (load timed), the file
  decoded (timed) to the very samples tapelog gives Whisper (``media.audio.load_audio``,
  one ffmpeg process; ``--raw-decode pyav`` uses faster-whisper's own ``decode_audio``
  instead), then ``model.transcribe`` with every segment consumed (timed), after
  ``ctranslate2.set_random_seed`` with tapelog's seed. Both matter: Whisper re-decodes
  a window by sampling at a higher temperature when its first pass looks bad, and on
  this file base did so with PyAV's samples (which differ from ffmpeg's by 1 LSB) and
  not with ffmpeg's, which made "raw" 1.75x slower than tapelog for reasons that are
  not tapelog's code. The fallback temperatures of each raw run are recorded;
* **tapelog**: the real console script in a fresh temp archive: ``tapelog import``
  (not timed) then ``tapelog transcribe ID`` (timed, wall clock of the whole process:
  Python start, imports, model load, ffmpeg decode, Whisper, saving each segment, the
  speaker pass over the channels, the store update). The fixed cost it pays before any
  audio (process start + imports + model load) is measured separately in a fresh
  process that does only that.

Wall and CPU time (user + system, every thread; for tapelog the whole process and
its ffmpeg child, from ``getrusage(RUSAGE_CHILDREN)``) are both reported: on a shared
2-core machine CPU time is the steadier figure, wall time what the user waits.

Runs alternate raw/tapelog ``--repeat`` times; medians are reported. The file is
``two_channel_interview.mov`` looped with ffmpeg to about ``--seconds`` (a 24 s file
times too noisily, and a two-channel file makes tapelog do its speaker pass too).

    .venv/bin/python -m bench.bench_transcribe --models tiny.en base --repeat 3
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

from bench.common import Clock, children_cpu, load, machine  # noqa: E402

SAMPLE = REPO / "samples" / "media" / "two_channel_interview.mov"
TAPELOG = Path(sys.executable).with_name("tapelog")

LOAD_ONLY = """
import sys, time
t0, c0 = time.perf_counter(), time.process_time()
import tapelog.cli.main  # noqa: F401  (what the console script imports)
from tapelog.transcribe.engine import get_engine
from tapelog.transcribe.types import TranscribeOptions
t1, c1 = time.perf_counter(), time.process_time()
get_engine(TranscribeOptions(model=sys.argv[1], compute_type=sys.argv[2],
                             cpu_threads=int(sys.argv[3])))
t2, c2 = time.perf_counter(), time.process_time()
print(t1 - t0, t2 - t1, c1 - c0, c2 - c1)
"""


def looped_file(dest: Path, seconds: float) -> Path:
    """``SAMPLE`` repeated with ffmpeg's -stream_loop until about ``seconds`` long."""
    from tapelog.media.ffmpeg_bin import ffmpeg_exe
    from tapelog.media.probe import probe

    loops = max(0, round(seconds / probe(SAMPLE).duration) - 1)
    cmd = [ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(SAMPLE)]
    subprocess.run([*cmd, "-c", "copy", str(dest)], check=True, timeout=120)
    return dest


def raw_run(path: Path, model_name: str, args: argparse.Namespace) -> dict[str, float]:
    from faster_whisper import WhisperModel, decode_audio
    from tapelog.transcribe.models import resolve_model

    model_dir = resolve_model(model_name)
    with Clock() as c_load:
        model = WhisperModel(
            model_dir, device="cpu", compute_type=args.compute_type, cpu_threads=args.threads
        )
    with Clock() as c_dec:
        if args.raw_decode == "pyav":
            audio = decode_audio(str(path), sampling_rate=16000)
        else:
            from tapelog.media.audio import load_audio

            audio = load_audio(path)
    # The same sampling seed as tapelog's engine: on windows Whisper decodes badly it
    # falls back to sampling, and an unseeded run takes other (more or fewer) retries.
    import ctranslate2
    from tapelog.transcribe.engine import SEED

    ctranslate2.set_random_seed(SEED)
    with Clock() as c_tr:
        segments, _info = model.transcribe(
            audio,
            beam_size=args.beam_size,
            word_timestamps=True,
            vad_filter=True,
        )
        segs = list(segments)
        n = sum(1 for s in segs if s.text.strip())
    del model
    return {
        "load": c_load.wall,
        "decode": c_dec.wall,
        "transcribe": c_tr.wall,
        "load_cpu": c_load.cpu,
        "decode_cpu": c_dec.cpu,
        "transcribe_cpu": c_tr.cpu,
        "segments": n,
        "temperatures": sorted({s.temperature for s in segs}),
    }


def _tapelog(archive: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TAPELOG_ARCHIVE": str(archive)}
    proc = subprocess.run(
        [str(TAPELOG), *argv], capture_output=True, text=True, env=env, timeout=1200
    )
    if proc.returncode != 0:
        raise SystemExit(f"tapelog {' '.join(argv)} failed:\n{proc.stderr}")
    return proc


def tapelog_run(
    path: Path, workdir: Path, i: int, model_name: str, args: argparse.Namespace
) -> dict[str, float]:
    archive = workdir / f"archive-{model_name}-{i}"
    media_id = json.loads(_tapelog(archive, "import", str(path), "--json").stdout)[0]["id"]
    t0 = time.perf_counter()
    c0 = children_cpu()
    proc = _tapelog(
        archive,
        "transcribe",
        media_id,
        "--model",
        model_name,
        "--beam-size",
        str(args.beam_size),
        "--threads",
        str(args.threads),
        "--compute-type",
        args.compute_type,
        "--json",
    )
    wall = time.perf_counter() - t0
    cpu = children_cpu() - c0
    result = json.loads(proc.stdout)[0]
    return {"wall": wall, "cpu": cpu, "segments": result["segments"]}


def fixed_cost(model_name: str, args: argparse.Namespace) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", LOAD_ONLY, model_name, args.compute_type, str(args.threads)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=300,
    )
    imports, load_s, imports_cpu, load_cpu = map(float, proc.stdout.split())
    return {"imports": imports, "load": load_s, "imports_cpu": imports_cpu, "load_cpu": load_cpu}


def measure(path: Path, duration: float, work: Path, model_name: str, args) -> dict:
    """Alternating raw / tapelog runs of one model; medians of wall and CPU time."""
    # Warm the OS file cache and the model assembly (base) outside the timings.
    fixed_cost(model_name, args)
    raws, taps, fixed, loads = [], [], [], []
    for i in range(args.repeat):
        loads.append(load())
        raws.append(raw_run(path, model_name, args))
        taps.append(tapelog_run(path, work, i, model_name, args))
        fixed.append(fixed_cost(model_name, args))
        print(f"{model_name} run {i + 1}: raw {raws[-1]}, tapelog {taps[-1]}", file=sys.stderr)
    loads.append(load())

    def med(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    out: dict = {"model": model_name, "file_seconds": duration, "load_1min": loads}
    for kind, suffix in (("wall", ""), ("cpu", "_cpu")):
        raw = {k: med(raws, k + suffix) for k in ("load", "decode", "transcribe")}
        raw["total"] = sum(raw.values())
        total = med(taps, "wall" if kind == "wall" else "cpu")
        imports, load_s = med(fixed, "imports" + suffix), med(fixed, "load" + suffix)
        work_s = total - imports - load_s  # decode + Whisper + saving + speakers + store
        out[kind] = {
            "raw": raw,
            "tapelog": {"total": total, "imports": imports, "load": load_s, "work": work_s},
            "overhead_end_to_end": total / raw["total"] - 1,
            "overhead_work": work_s / (raw["decode"] + raw["transcribe"]) - 1,
            "rtf_raw": raw["total"] / duration,
            "rtf_tapelog": total / duration,
        }
    # Per-run ratios (each pair ran back to back), a check on the medians.
    out["cpu"]["overhead_end_to_end_per_run"] = [
        t["cpu"] / (r["load_cpu"] + r["decode_cpu"] + r["transcribe_cpu"]) - 1
        for r, t in zip(raws, taps, strict=True)
    ]
    out["wall"]["overhead_end_to_end_per_run"] = [
        t["wall"] / (r["load"] + r["decode"] + r["transcribe"]) - 1
        for r, t in zip(raws, taps, strict=True)
    ]
    out["segments"] = {"raw": raws[0]["segments"], "tapelog": taps[0]["segments"]}
    out["raw_fallback_temperatures"] = [r["temperatures"] for r in raws]
    out["runs"] = {"raw": raws, "tapelog": taps, "fixed": fixed}
    return out


def markdown(results: list[dict], args: argparse.Namespace) -> str:
    a = args
    duration = results[0]["file_seconds"]
    lines = [
        f"File: `two_channel_interview.mov` looped to {duration:.0f} s; beam {a.beam_size}, "
        f"{a.compute_type}, word timestamps, VAD, {a.threads} threads, language detected; "
        f"median of {a.repeat} alternating runs. RTF = processing s / audio s (lower is "
        "faster); tapelog's figure is its whole process (start, imports, model load, ffmpeg "
        "decode, Whisper, saving, speaker pass, store).",
        "",
        "| model | time | raw faster-whisper: load + decode + transcribe = total | RTF raw "
        "| `tapelog transcribe`: start/imports + load + work = total | RTF tapelog "
        "| overhead end to end (per run) | overhead after load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for res in results:
        for kind in ("wall", "cpu"):
            k = res[kind]
            r, t = k["raw"], k["tapelog"]
            per_run = ", ".join(f"{x:+.1%}" for x in k["overhead_end_to_end_per_run"])
            lines.append(
                f"| {res['model']} | {kind} | {r['load']:.2f} + {r['decode']:.2f} + "
                f"{r['transcribe']:.2f} = {r['total']:.2f} s | {k['rtf_raw']:.3f} "
                f"| {t['imports']:.2f} + {t['load']:.2f} + {t['work']:.2f} = {t['total']:.2f} s "
                f"| {k['rtf_tapelog']:.3f} | **{k['overhead_end_to_end']:+.1%}** ({per_run}) "
                f"| {k['overhead_work']:+.1%} |"
            )
    lines.append("")
    lines.append(
        "Segments (raw / tapelog): "
        + ", ".join(
            f"{r['model']} {r['segments']['raw']} / {r['segments']['tapelog']}" for r in results
        )
        + "; load average (1 min) before each run: "
        + "; ".join(f"{r['model']} {r['load_1min']}" for r in results)
        + "; raw's fallback temperatures: "
        + "; ".join(f"{r['model']} {r['raw_fallback_temperatures']}" for r in results)
        + f"; raw decode: {a.raw_decode}. Goal: overhead under 10%."
    )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["tiny.en"])
    ap.add_argument("--beam-size", type=int, default=5)
    ap.add_argument("--compute-type", default="int8")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--raw-decode", choices=["ffmpeg", "pyav"], default="ffmpeg",
                    help="raw's audio: tapelog's ffmpeg samples, or faster-whisper's PyAV")  # fmt: skip
    ap.add_argument("--seconds", type=float, default=144.0, help="length of the looped file")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from tapelog.media.probe import probe

    started = machine()
    with tempfile.TemporaryDirectory(prefix="tapelog-bench-") as tmp:
        work = Path(tmp)
        path = looped_file(work / "looped interview.mov", args.seconds)
        duration = probe(path).duration
        print(f"{path.name}: {duration:.1f} s", file=sys.stderr)
        results = [measure(path, duration, work, m, args) for m in args.models]
    print(markdown(results, args))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"machine": started, "settings": vars(args) | {"json": None}, "models": results},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
