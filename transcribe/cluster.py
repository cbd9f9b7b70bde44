"""Whisper on a Dask cluster: the worker side, and how the client reaches a cluster.

Workers only turn audio into segments; they never see the archive. Each worker
process keeps its loaded model (``engine.get_engine`` caches it), so a model loads
once per worker, not once per file. The audio reaches a worker one of two ways:

* sent by the client: the decoded 16 kHz 16-bit samples (exactly what ffmpeg gave the
  client, so nothing is lost), zlib-compressed;
* from shared storage: the client sends only the file's path, rewritten by
  ``--path-map LOCAL=REMOTE`` when the footage is mounted elsewhere on the workers,
  and the part's bounds; the worker decodes the file once and keeps it for its
  other parts.

Each segment goes back to the client as Whisper produces it (a Dask event on the
run's topic), and the part's result repeats them all. Core code: no TUI or CLI
imports. ``archive.cluster_run`` is the client loop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from tapelog.archive.errors import MediaError, ModelError, TapelogError, UsageError
from tapelog.transcribe.parts import SAMPLE_RATE, clamp_to_part
from tapelog.transcribe.types import TranscribeOptions


class ClusterError(TapelogError):
    """The Dask scheduler cannot be reached, or was lost during a run."""


class WorkerModelError(ModelError):
    """One worker cannot load the model (not installed there); others may have it."""

    def __init__(self, message: str, *, worker: str = "", path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.worker = worker

    def __reduce__(self) -> Any:  # travels back from the worker by pickle
        return (_worker_model_error, (str(self), self.worker))


def _worker_model_error(message: str, worker: str) -> WorkerModelError:
    return WorkerModelError(message, worker=worker)


@dataclass
class ClusterOptions:
    """Where the work runs: a local cluster of ``workers`` processes, or ``scheduler``."""

    workers: int = 0
    scheduler: str | None = None
    path_map: tuple[str, str] | None = None  # (LOCAL prefix, REMOTE prefix)
    part_seconds: float = 300.0
    connect_timeout_s: float = 10.0
    fallback_local: bool = False

    def __post_init__(self) -> None:
        if self.workers and self.scheduler:
            raise UsageError("use --workers N (a local cluster) or --scheduler ADDRESS, not both")
        if self.workers < 0:
            raise UsageError("--workers must be 1 or more")
        if self.part_seconds < 10:
            raise UsageError("--part-seconds must be at least 10")


def parse_path_map(text: str | None) -> tuple[str, str] | None:
    """``LOCAL=REMOTE`` as a pair of folder prefixes (each ending in a separator)."""
    if not text:
        return None
    local, sep, remote = text.partition("=")
    if not sep or not local.strip() or not remote.strip():
        raise UsageError("--path-map is LOCAL=REMOTE, e.g. /Volumes/Footage=/mnt/footage")
    return (local.rstrip("/") + "/", remote.rstrip("/") + "/")


def remote_path(path: str, path_map: tuple[str, str] | None) -> str | None:
    """The path workers see for a media file, or None when it must be sent."""
    if path_map is None:
        return None
    local, remote = path_map
    return remote + path[len(local) :] if path.startswith(local) else None


# --- what travels to a worker ---------------------------------------------------------


@dataclass
class PartTask:
    """One part of one file: its samples (compressed) or its path on shared storage."""

    media_id: str
    index: int
    start: int  # samples into the file
    end: int
    options: dict[str, Any]
    pcm: bytes | None = None  # zlib of int16 samples
    path: str | None = None  # on the worker's file system
    topic: str | None = None  # Dask event topic the client hears each segment on

    @property
    def start_s(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return self.end / SAMPLE_RATE


@dataclass
class PartResult:
    media_id: str
    index: int
    segments: list[dict[str, Any]]
    language: str | None
    language_probability: float | None
    worker: str


def pack_audio(audio: np.ndarray) -> bytes:
    """float32 [-1, 1] samples as zlib-compressed 16-bit PCM (what ffmpeg decoded)."""
    pcm = np.clip(np.round(audio * 32768.0), -32768, 32767).astype("<i2")
    return zlib.compress(pcm.tobytes(), 1)


def unpack_audio(data: bytes) -> np.ndarray:
    return np.frombuffer(zlib.decompress(data), dtype="<i2").astype(np.float32) / 32768.0


_DECODED: dict[str, tuple[float, np.ndarray]] = {}
_DECODED_LOCK = threading.Lock()


def _shared_audio(path: str) -> np.ndarray:
    """A file on shared storage, decoded once per worker (its last two files are kept)."""
    from tapelog.media.audio import load_audio

    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        raise MediaError(
            "not found on the worker: check --path-map (LOCAL=REMOTE) and that the footage "
            "is mounted there",
            path=path,
        ) from None
    with _DECODED_LOCK:
        hit = _DECODED.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    audio = load_audio(path)
    with _DECODED_LOCK:
        while len(_DECODED) >= 2:
            _DECODED.pop(next(iter(_DECODED)))
        _DECODED[path] = (mtime, audio)
    return audio


def run_part(task: PartTask) -> PartResult:
    """On a worker: transcribe one part with the worker's cached model.

    Each segment is sent to the client as Whisper produces it (a Dask event on the
    run's topic, numbered within the part), so the client saves a part's lines as
    they come, exactly as a local run does; the returned result repeats them all, so
    a lost event costs nothing but earliness.
    """
    options = TranscribeOptions(**task.options)
    engine = _engine(options)
    if task.pcm is not None:
        audio = unpack_audio(task.pcm)
    elif task.path is not None:
        audio = _shared_audio(task.path)[task.start : task.end]
    else:  # pragma: no cover - the client always sets one
        raise UsageError("a part with no audio")
    info, segs = engine.transcribe(audio, options, offset=task.start_s)
    send = _sender(task.topic)
    kept: list[dict[str, Any]] = []
    for seg in segs:
        for part_seg in clamp_to_part([seg], task.start_s, task.end_s):
            kept.append(part_seg.to_dict())
            send({
                "media_id": task.media_id, "index": task.index, "seq": len(kept) - 1,
                "segment": kept[-1], "language": info.language,
                "language_probability": info.language_probability,
            })  # fmt: skip
    return PartResult(
        task.media_id, task.index, kept, info.language, info.language_probability, _worker_name()
    )


def _engine(options: TranscribeOptions) -> Any:
    """The worker's cached model; a worker without it says which worker, and why."""
    from tapelog.transcribe.engine import get_engine

    try:
        return get_engine(options)  # loads the model on this worker's first task only
    except ModelError as exc:
        name = _worker_name()
        raise WorkerModelError(f"worker {name} cannot load the model: {exc}", worker=name) from None


def _sender(topic: str | None) -> Any:
    """Where a segment goes as soon as it is heard: the client, through the scheduler."""
    worker = None
    if topic is not None:
        with contextlib.suppress(Exception):
            from distributed import get_worker

            worker = get_worker()
    if worker is None or topic is None:
        return lambda _msg: None
    name: str = topic

    def send(msg: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):  # best effort: the result repeats it
            worker.log_event(name, msg)

    return send


def language_probabilities(options: dict[str, Any], pcm: bytes) -> list[tuple[str, float]]:
    """On a worker: every language's probability for a file's first windows (the archive
    chooses among its own languages, ``archive.language_choice``)."""
    ranked: list[tuple[str, float]] = _engine(TranscribeOptions(**options)).language_probabilities(
        unpack_audio(pcm)
    )
    return ranked


def _worker_name() -> str:
    with contextlib.suppress(Exception):
        from distributed import get_worker

        return str(get_worker().address)
    return f"pid {os.getpid()}"


# --- reaching a cluster ---------------------------------------------------------------


def connect(opts: ClusterOptions) -> tuple[Any, Any, int]:
    """A Dask client, its local cluster (or None) and the number of workers.

    A local cluster gives each of its N worker processes cores/N threads for the model.
    """
    from dask import config as dask_config
    from distributed import Client

    quiet_dask_logs()
    if opts.scheduler:
        try:
            _ask(opts.scheduler, opts.connect_timeout_s)
            with dask_config.set(HOUSEKEEPING):
                client = Client(opts.scheduler, timeout=opts.connect_timeout_s)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if isinstance(exc, TimeoutError) and not str(exc):
                reason = f"no answer within {opts.connect_timeout_s:g} s"
            raise ClusterError(
                f"cannot reach the Dask scheduler at {opts.scheduler} ({reason[:120]}); start it "
                "with `dask scheduler` and workers with `dask worker ADDRESS`, or add "
                "--local-fallback to transcribe on this machine"
            ) from None
        n = len(client.scheduler_info().get("workers", {}))
        if n == 0:
            with contextlib.suppress(Exception):
                client.wait_for_workers(1, timeout=opts.connect_timeout_s)
            n = len(client.scheduler_info().get("workers", {}))
        if n == 0:
            client.close()
            raise ClusterError(
                f"the Dask scheduler at {opts.scheduler} has no workers; start one with "
                f"`dask worker {opts.scheduler}` on a machine with tapelog installed"
            )
        return client, None, n
    cluster = start_local_cluster(opts.workers)
    with dask_config.set(HOUSEKEEPING):
        return Client(cluster), cluster, opts.workers


# Dask's own housekeeping, slowed down for a transcription cluster. Its defaults suit
# tasks of milliseconds: a profiler sampling every worker thread's stack every 10 ms, an
# event-loop health check every 20 ms, memory checks every 100 ms, a system monitor every
# 500 ms, in every process. A tapelog task is a part of minutes; none of that is used,
# and it costs CPU the model could have (measured in BENCHMARKS.md, "The Dask
# overhead"). Workers started apart (`dask worker`) take the same settings from the
# environment: see the README.
HOUSEKEEPING: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.tick.limit": "30s",
    "distributed.admin.system-monitor.interval": "10s",
    "distributed.worker.memory.monitor-interval": "2s",
}


def worker_environ(threads: int) -> dict[str, str | None]:
    """What a local worker's environment holds when it starts, where Dask's nanny sets
    other values: OpenMP gets the model's threads (cores/N; Dask says 1, and Whisper
    then computed on one thread of two), and glibc trims memory as it does by default
    (Dask trims at 64 KiB: measured, a worker then spent about a fifth more CPU, in the
    kernel, on the same transcription). None: left unset."""
    n = str(threads)
    return {
        "OMP_NUM_THREADS": n,
        "MKL_NUM_THREADS": n,
        "OPENBLAS_NUM_THREADS": n,
        "MALLOC_TRIM_THRESHOLD_": None,
    }


def start_local_cluster(
    workers: int,
    housekeeping: dict[str, Any] | None = None,
    environ: dict[str, str | None] | None = None,
) -> Any:
    """A local cluster of ``workers`` processes (one Dask thread each: the model has its
    own threads), with tapelog's quieter housekeeping and workers' environment
    (``worker_environ``) unless told otherwise."""
    from dask import config as dask_config
    from distributed import LocalCluster

    env = worker_environ(local_threads(workers)) if environ is None else environ
    settings = {
        **(HOUSEKEEPING if housekeeping is None else housekeeping),
        "distributed.nanny.pre-spawn-environ": env,
    }
    # The nanny takes a variable already in this process's environment over its
    # setting, and leaves its own values here: both undone around the start.
    saved = {name: os.environ.pop(name, None) for name in env}
    try:
        with dask_config.set(settings):
            return LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _ask(address: str, timeout: float) -> None:
    """The scheduler's identity, or TimeoutError within ``timeout``.

    Dask's ``Client(address, timeout=...)`` waits forever on a port that accepts a
    connection and never answers (a wrong service, a hung scheduler); this question,
    bounded as a whole, is asked first.
    """
    import asyncio

    from distributed.core import rpc

    async def identity() -> None:
        r = rpc(address, timeout=timeout)
        try:
            await r.identity()
        finally:
            await r.close_rpc()

    asyncio.run(asyncio.wait_for(identity(), timeout))


def local_threads(workers: int) -> int:
    """Model threads for each of ``workers`` local worker processes: cores / N."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def quiet_dask_logs() -> None:
    """Dask's own loggers (each set its level) stay silent: tapelog says one line."""
    import distributed  # noqa: F401  (configures its loggers first)

    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name == "distributed" or name.startswith("distributed."):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def close_quietly(client: Any, cluster: Any = None) -> None:
    """Close the client (and its local cluster) even when the scheduler is gone."""
    quiet_dask_logs()
    with contextlib.suppress(Exception):
        client.close(timeout=5)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close()
