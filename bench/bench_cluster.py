"""Transcription on Dask: in-process vs a local cluster of 1 and 2 workers, a simulated
multi-machine run, and a long file cut in parts vs unsplit.

* 8 short clips (cut from the sample interviews, about 10 s each), tiny.en: wall time
  in this process (today's `tapelog transcribe`, all cores) and on a local cluster of 1
  and 2 worker processes (cluster start included; measured alone too);
* a simulated multi-machine run: `dask scheduler` and two `dask worker` processes on
  localhost, audio decoded and sent by the client, one model thread per worker; the
  client's own cost per audio second (decode, compress, save) and the bytes it sends,
  for the throughput model in BENCHMARKS.md;
* a long file (the sample interviews end to end with pauses, LONG_S seconds: a scaled
  down 3-hour take) unsplit in-process vs cut into 30 s parts on 2 workers, and the
  words that differ near the joins.

    .venv/bin/python bench/bench_cluster.py
    .venv/bin/python bench/bench_cluster.py --overhead [--rounds 2 --idle 10]
    .venv/bin/python bench/bench_cluster.py --long-only --long-seconds 600 --long-part-seconds 60

``--overhead`` is the short run for the Dask overhead goal alone (1 warm worker vs
in-process, CPU of every process by role, the idle cluster's CPU rate, tapelog's
housekeeping settings vs Dask's defaults), written to bench/out/cluster-overhead.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import load, machine  # noqa: E402

MEDIA = REPO / "samples" / "media"
SOURCES = ["interview_liu.mov", "two_channel_interview.mov"]
MODEL = "tiny.en"
CORES = os.cpu_count() or 1


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def make_clips(folder: Path) -> list[Path]:
    """8 distinct ~10 s clips (distinct content, so they import as 8 files)."""
    clips = []
    for i in range(8):
        src = MEDIA / SOURCES[i % 2]
        out = folder / f"clip{i}.wav"
        start = 1.5 * (i // 2)
        subprocess.run(
            [_ffmpeg(), "-v", "error", "-y", "-ss", f"{start}", "-t", "10", "-i", str(src),
             "-vn", "-ac", "1", "-ar", "16000", str(out)],
            check=True,
        )  # fmt: skip
        clips.append(out)
    return clips


def make_long(folder: Path, seconds: float) -> Path:
    """The two interviews end to end, with 1 s pauses, looped to ``seconds``.

    The 48 s unit is made once and looped by ffmpeg (``-stream_loop``): a 3-hour take
    would otherwise open 450 inputs in one filter graph.
    """
    inputs, parts = [], []
    for n, source in enumerate(SOURCES):
        inputs += ["-i", str(MEDIA / source)]
        parts.append(f"[{n}:a]aformat=channel_layouts=mono,aresample=16000,apad=pad_dur=1[a{n}]")
    chain = ";".join(parts) + ";" + "".join(f"[a{i}]" for i in range(len(SOURCES)))
    chain += f"concat=n={len(SOURCES)}:v=0:a=1[out]"
    unit = folder / "long_unit.wav"
    subprocess.run(
        [_ffmpeg(), "-v", "error", "-y", *inputs, "-filter_complex", chain, "-map", "[out]",
         str(unit)],
        check=True,
    )  # fmt: skip
    out = folder / "long_take.wav"
    subprocess.run(
        [_ffmpeg(), "-v", "error", "-y", "-stream_loop", "-1", "-i", str(unit),
         "-t", f"{seconds}", "-c:a", "pcm_s16le", str(out)],
        check=True,
    )  # fmt: skip
    return out


def _archive(root: Path, files: list[Path]):
    from tapelog.archive.service import Archive

    a = Archive.open(root)
    ids = [r.id for r in a.import_paths(files)]
    return a, ids


def cpu_now(extra_pids: list[int] | None = None) -> float:
    """CPU seconds (user + system) of this process, its live descendants (a local
    cluster's workers) and ``extra_pids`` (a scheduler and workers started apart).

    On a 2-core machine shared with other sessions wall time mostly measures the
    others; CPU seconds are what each way of running costs, and compare across runs.
    """
    import psutil

    me = psutil.Process()
    procs = {p.pid: p for p in [me, *me.children(recursive=True)]}
    for pid in extra_pids or []:
        if pid not in procs and psutil.pid_exists(pid):
            procs[pid] = psutil.Process(pid)
    total = 0.0
    for p in procs.values():
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _cpu_with_children() -> float:
    """CPU seconds of this process and its finished children (ffmpeg decodes)."""
    import resource

    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _opts(threads: int):
    """tiny.en, English, no diarization (the same pass after either path; not Dask's)."""
    from tapelog.transcribe.types import TranscribeOptions

    return TranscribeOptions(model=MODEL, language="en", cpu_threads=threads, diarize=False)


def in_process(root: Path, files: list[Path]) -> dict:
    from tapelog.transcribe.engine import get_engine

    a, ids = _archive(root, files)
    opts = _opts(CORES)
    get_engine(opts)  # model load outside the timing, as a long run pays it once
    before = load()
    c0 = cpu_now()
    t0 = time.perf_counter()
    per_file = []
    for mid in ids:
        t = time.perf_counter()
        a.transcribe(mid, opts)
        per_file.append(time.perf_counter() - t)
    wall = time.perf_counter() - t0
    cpu = cpu_now() - c0
    audio = sum(a.get_media(m).info.duration for m in ids)
    a.close()
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "audio_s": round(audio, 1),
            "load_before": before,
            "load_after": load(), "per_file_s": [round(x, 2) for x in per_file]}  # fmt: skip


def on_cluster(
    root: Path, files: list[Path], copts, threads: int = 0, pids: list[int] | None = None, **kw
) -> dict:
    from tapelog.archive.cluster_run import transcribe_on_cluster

    a, ids = _archive(root, files)
    before = load()
    c0 = cpu_now(pids)
    t0 = time.perf_counter()
    results = transcribe_on_cluster(a, ids, _opts(threads), copts, **kw)
    wall = time.perf_counter() - t0
    cpu = cpu_now(pids) - c0
    assert all(r.status == "done" for r in results), results
    words = {mid: [w for s in a.segments(mid) for w in s.text.split()] for mid in ids}
    a.close()
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_before": before,
            "load_after": load(), "words": words}  # fmt: skip


def warm(address: str, threads: int) -> float:
    """Load the model on every worker of the cluster at ``address``; seconds it took."""
    from distributed import Client

    opts = _opts(threads)

    def load_model() -> bool:
        from tapelog.transcribe.engine import get_engine

        get_engine(opts)
        return True

    t0 = time.perf_counter()
    with Client(address) as c:
        c.run(load_model)
    return round(time.perf_counter() - t0, 2)


def local_warm(root: Path, files: list[Path], n: int) -> dict:
    """A local cluster of ``n`` started and its models loaded before the clock starts."""
    from tapelog.transcribe.cluster import ClusterOptions, local_threads, start_local_cluster

    threads = local_threads(n)
    cluster = start_local_cluster(n)
    try:
        loaded = warm(cluster.scheduler_address, threads)
        r = on_cluster(root, files, ClusterOptions(scheduler=cluster.scheduler_address), threads)
    finally:
        cluster.close()
    r.pop("words")
    return r | {"model_load_s": loaded, "threads_per_worker": threads}


def cluster_start() -> float:
    from tapelog.transcribe.cluster import ClusterOptions, connect

    t0 = time.perf_counter()
    client, cluster, _n = connect(ClusterOptions(workers=2))
    took = time.perf_counter() - t0
    client.close()
    cluster.close()
    return round(took, 2)


def tree_cpu() -> dict[str, float]:
    """CPU seconds of this process and its descendants by role: this process (the
    client; a local cluster's scheduler and nannies run on its event-loop thread) and
    the worker processes (with multiprocessing's helper, if any)."""
    import psutil

    def cpu(p: psutil.Process) -> float:
        try:
            t = p.cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0

    me = psutil.Process()
    return {
        "client_scheduler_nannies": cpu(me),
        "workers": sum(cpu(child) for child in me.children(recursive=True)),
    }


def _minus(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: round(a[k] - b[k], 3) for k in a}


def overhead(work: Path, clips: list[Path], rounds: int, idle_s: float) -> dict:
    """1 warm local worker vs in-process, CPU of the whole process tree, by role.

    In-process runs come first and last (the machine's load drifts); each cluster
    (tapelog's housekeeping, then Dask's defaults) is started, warmed, left idle for
    ``idle_s`` (its CPU rate while nothing runs: what a run stretched by a loaded machine
    pays per extra second) and then runs the same 8 clips ``rounds`` times. Three
    clusters: tapelog's (``start_local_cluster``), tapelog's housekeeping with the
    environment Dask's nanny gives workers (OMP_NUM_THREADS=1, memory trimmed at 64 KiB),
    and Dask as it comes.
    """
    import dask
    import distributed  # noqa: F401  (its settings join dask.config)
    from tapelog.transcribe.cluster import (
        HOUSEKEEPING,
        ClusterOptions,
        local_threads,
        start_local_cluster,
    )

    def inproc(tag: str) -> list[dict]:
        runs = []
        for r in range(rounds):
            c0 = tree_cpu()
            res = in_process(work / f"ip-{tag}{r}", clips)
            res.pop("per_file_s", None)
            runs.append(res | {"by_role": _minus(tree_cpu(), c0)})
        return runs

    out: dict = {"rounds": rounds, "idle_s": idle_s, "in_process_first": inproc("a")}
    threads = local_threads(1)
    dask_env = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    kinds = (
        ("tapelog", HOUSEKEEPING, None),  # tapelog's housekeeping and workers' environment
        ("dask_environ", HOUSEKEEPING, dask_env),  # Dask's OMP_NUM_THREADS=1, 64 KiB trim
        ("dask_defaults", {}, dask_env),  # Dask as it comes
    )
    for name, settings, environ in kinds:
        cluster = start_local_cluster(1, settings, environ)
        try:
            warm(cluster.scheduler_address, threads)
            c0, t0 = tree_cpu(), time.perf_counter()
            time.sleep(idle_s)
            idle = _minus(tree_cpu(), c0)
            idle_wall = time.perf_counter() - t0
            runs = []
            for r in range(rounds):
                c0 = tree_cpu()
                res = on_cluster(
                    work / f"{name}{r}",
                    clips,
                    ClusterOptions(scheduler=cluster.scheduler_address),
                    threads,
                )
                res.pop("words")
                runs.append(res | {"by_role": _minus(tree_cpu(), c0)})
        finally:
            cluster.close()
        out[f"cluster_{name}"] = {
            "idle_cpu_s_per_s": {k: round(v / idle_wall, 4) for k, v in idle.items()},
            "runs": runs,
        }
    out["in_process_last"] = inproc("b")
    base = sorted(r["cpu_s"] for r in out["in_process_first"] + out["in_process_last"])
    base_cpu = base[len(base) // 2]
    out["in_process_cpu_median_s"] = base_cpu
    for name, _settings, _environ in kinds:
        c = out[f"cluster_{name}"]
        cpus = sorted(r["cpu_s"] for r in c["runs"])
        c["cpu_median_s"] = cpus[len(cpus) // 2]
        c["cpu_ratio_vs_in_process"] = round(c["cpu_median_s"] / base_cpu, 3)
        idle_rate = sum(c["idle_cpu_s_per_s"].values())
        walls = sorted(r["wall_s"] for r in c["runs"])
        # What the run would cost without the idle ticking its (stretched) wall paid.
        c["cpu_less_idle_ratio"] = round(
            (c["cpu_median_s"] - idle_rate * walls[len(walls) // 2]) / base_cpu, 3
        )
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multi_machine(root: Path, files: list[Path]) -> dict:
    """A scheduler and two `dask worker` processes, as on separate machines."""
    from tapelog.transcribe.cluster import ClusterOptions

    bindir = Path(sys.executable).parent
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--port", str(port),
                               "--no-dashboard"], stderr=subprocess.DEVNULL)]  # fmt: skip
    time.sleep(3)
    for _ in range(2):
        procs.append(subprocess.Popen(
            [str(bindir / "dask"), "worker", addr, "--nthreads", "1", "--nworkers", "1",
             "--no-dashboard"], stderr=subprocess.DEVNULL,
        ))  # fmt: skip
    try:
        from distributed import Client

        with Client(addr, timeout=60) as c:
            c.wait_for_workers(2, timeout=120)
        loaded = warm(addr, 1)
        copts = ClusterOptions(scheduler=addr, connect_timeout_s=60)
        pids = [p.pid for p in procs]
        r = on_cluster(root, files, copts, 1, pids=pids)
        return r | {"model_load_s": loaded}
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def client_costs(files: list[Path]) -> dict:
    """What the client spends per audio second: decode + compress, and saving segments."""
    from tapelog.archive.transcripts import SegmentWriter
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.cluster import pack_audio
    from tapelog.transcribe.types import Segment

    t0, c0 = time.perf_counter(), _cpu_with_children()
    sent = 0
    audio_s = 0.0
    for f in files:
        audio = load_audio(f)
        audio_s += len(audio) / 16000
        sent += len(pack_audio(audio))
    decode, decode_cpu = time.perf_counter() - t0, _cpu_with_children() - c0
    with tempfile.TemporaryDirectory() as tmp:
        w = SegmentWriter(Path(tmp) / "t.jsonl")
        t1, c1 = time.perf_counter(), _cpu_with_children()
        for i in range(200):
            w.append(Segment(i * 3.0, i * 3.0 + 2.5, "we searched every station for him"))
        save_per_segment = (time.perf_counter() - t1) / 200
        save_cpu = (_cpu_with_children() - c1) / 200
        w.close()
    return {"decode_pack_cpu_s_per_audio_s": round(decode_cpu / audio_s, 5),
            "save_cpu_s_per_segment": round(save_cpu, 5),
            "decode_pack_s_per_audio_s": round(decode / audio_s, 5),
            "bytes_per_audio_s": round(sent / audio_s), "save_s_per_segment": round(save_per_segment, 5),
            "raw_pcm_bytes_per_audio_s": 32000}  # fmt: skip


def local_warm_long(root: Path, files: list[Path], part_s: float = 30.0) -> dict:
    """2 warm local workers, ``part_s`` parts (the model load is not the split's cost)."""
    from tapelog.transcribe.cluster import ClusterOptions, local_threads, start_local_cluster

    cluster = start_local_cluster(2)
    try:
        warm(cluster.scheduler_address, local_threads(2))
        copts = ClusterOptions(scheduler=cluster.scheduler_address, part_seconds=part_s)
        return on_cluster(root, files, copts, local_threads(2))
    finally:
        cluster.close()


def long_file(work: Path, seconds: float, part_s: float = 30.0) -> dict:
    """Unsplit in-process vs ``part_s`` parts on 2 local workers; words at the joins."""
    import jiwer
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.parts import split_at_silences

    long = make_long(work, seconds)
    whole = in_process(work / "long-whole", [long])
    from tapelog.archive.service import Archive

    a = Archive.open(work / "long-whole")
    ref = a.raw_segments("m1")
    a.close()
    split = local_warm_long(work / "long-split", [long], part_s)
    parts = split_at_silences(load_audio(long), part_s)
    b = Archive.open(work / "long-split")
    hyp = b.raw_segments("m1")
    b.close()

    def near(segs, t):
        """The words heard within 3 s of ``t`` (by their own times): a segment-level
        window counts whole lines, which a run that cut its lines elsewhere fills."""
        return [(w.start, w.end, w.word.strip(".,!?").lower()) for s in segs for w in s.words
                if t - 3 <= (w.start + w.end) / 2 <= t + 3]  # fmt: skip

    joins = []
    for p in parts[:-1]:
        r, h = near(ref, p.end_s), near(hyp, p.end_s)
        rt, ht = " ".join(w for *_t, w in r), " ".join(w for *_t, w in h)
        said = [w for *_t, w in h]
        joins.append({"at_s": round(p.end_s, 2), "at_silence": p.at_silence,
                      "words_unsplit": len(r), "words_split": len(h),
                      "words_across_the_cut": sum(1 for w in h if w[0] < p.end_s < w[1]),
                      "doubled": sum(1 for x, y in zip(said, said[1:], strict=False) if x == y),
                      "wer_near_join": round(jiwer.wer(rt, ht), 3) if rt.strip() else None})  # fmt: skip
    overall = jiwer.wer(
        " ".join(s.text for s in ref).lower(), " ".join(s.text for s in hyp).lower()
    )
    return {"audio_s": seconds, "unsplit_wall_s": whole["wall_s"], "split_wall_s": split["wall_s"],
            "unsplit_cpu_s": whole["cpu_s"], "split_cpu_s": split["cpu_s"],
            "part_s": part_s, "parts": len(parts), "wer_split_vs_unsplit": round(overall, 3), "joins": joins,
            "load": [whole["load_before"], whole["load_after"], split["load_before"],
                     split["load_after"]]}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--long-seconds", type=float, default=180.0)
    ap.add_argument("--cold", action="store_true", help="also time `--workers N` from cold")
    ap.add_argument("--long-part-seconds", type=float, default=30.0)
    ap.add_argument("--long-only", action="store_true", help="only the long take in parts")
    ap.add_argument(
        "--overhead",
        action="store_true",
        help="only the Dask overhead: 1 warm worker vs in-process, CPU by role",
    )
    ap.add_argument("--rounds", type=int, default=2, help="runs of each kind (--overhead)")
    ap.add_argument("--idle", type=float, default=10.0, help="idle seconds measured (--overhead)")
    ap.add_argument("--out", "--json", type=Path, default=None)
    args = ap.parse_args()
    name = "cluster-overhead.json" if args.overhead else "cluster.json"
    name = "cluster-long.json" if args.long_only and not args.overhead else name
    args.out = args.out or REPO / "bench" / "out" / name
    work = Path(tempfile.mkdtemp(prefix="tapelog-cluster-"))
    out: dict = {"machine": machine(), "model": MODEL}

    def step(name: str, value: object) -> None:
        """Each figure written as soon as it is measured (a crowded machine is slow)."""
        out[name] = value
        print(name, value, flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=1))

    if args.overhead or args.long_only:
        try:
            if args.overhead:
                step("overhead", overhead(work, make_clips(work), args.rounds, args.idle))
            if args.long_only:
                step("long_file", long_file(work, args.long_seconds, args.long_part_seconds))
            step("load_after", load())
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        clips = make_clips(work)
        out["files"] = len(clips)
        step("client", client_costs(clips))
        step("cluster_start_s", cluster_start())
        step("in_process", in_process(work / "inproc", clips))
        for n in (1, 2):
            step(f"local_{n}_workers", local_warm(work / f"warm{n}", clips, n))
        r = multi_machine(work / "multi", clips)
        r.pop("words")
        step("multi_machine_2_workers", r)
        step("long_file", long_file(work, args.long_seconds, args.long_part_seconds))
        if args.cold:
            from tapelog.transcribe.cluster import ClusterOptions

            for n in (1, 2):
                r = on_cluster(work / f"local{n}", clips, ClusterOptions(workers=n))
                r.pop("words")
                step(f"local_{n}_workers_cold", r)  # as `--workers N`: start + model load
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base, cpu = out["in_process"]["wall_s"], out["in_process"]["cpu_s"]
    runs = [k for k in out if k.startswith(("local_", "multi_"))]
    step("ratios_vs_in_process", {k: round(base / out[k]["wall_s"], 2) for k in runs})
    step("cpu_ratio_vs_in_process", {k: round(out[k]["cpu_s"] / cpu, 3) for k in runs})


if __name__ == "__main__":
    main()
