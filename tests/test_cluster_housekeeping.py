"""A local cluster started by tapelog runs without Dask's per-millisecond housekeeping,
and its workers compute Whisper on the threads tapelog gives them.

Dask's defaults suit tasks of milliseconds: a profiler sampling every worker thread's
stack every 10 ms and event-loop checks every 20 ms in every process. A tapelog task is
a part of minutes; those cost CPU the model could use (BENCHMARKS.md, "The Dask
overhead"). Real processes: a local cluster of one worker, as `--workers 1` starts.
"""

from __future__ import annotations

import pytest
from tapelog.transcribe.cluster import ClusterOptions, close_quietly, connect, local_threads


def _worker_state(dask_worker) -> dict:
    import os

    import dask

    return {
        "profiling": "profile" in dask_worker.periodic_callbacks,
        "tick_s": dask_worker._tick_interval,
        "profile_enabled": dask.config.get("distributed.worker.profile.enabled"),
        "omp_threads": os.environ.get("OMP_NUM_THREADS"),
        "malloc_trim": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
    }


@pytest.mark.slow
def test_a_local_cluster_runs_without_dasks_profiler_and_fast_ticks_on_the_models_threads():
    client, cluster, n = connect(ClusterOptions(workers=1))
    try:
        assert n == 1
        states = list(client.run(_worker_state).values())
        # The model's threads for OpenMP (Dask says 1) and glibc's own memory trimming
        # (Dask trims at 64 KiB, which cost a worker a fifth more CPU).
        threads = str(local_threads(1))
        assert states == [{"profiling": False, "tick_s": 1.0, "profile_enabled": False,
                           "omp_threads": threads, "malloc_trim": None}]  # fmt: skip
        assert cluster.scheduler._tick_interval == 1.0
    finally:
        close_quietly(client, cluster)
