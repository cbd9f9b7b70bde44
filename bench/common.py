"""Small helpers shared by the benchmarks: machine load and CPU time."""

from __future__ import annotations

import os
import platform
import resource
import time
from datetime import date


def load() -> float:
    """The 1-minute load average (this machine has 2 cores: above ~0.5 means company)."""
    return round(os.getloadavg()[0], 2)


def machine() -> dict:
    return {
        "date": date.today().isoformat(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_1min": load(),
    }


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished, waited-for child process so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class Clock:
    """Wall and CPU time of a block: this process (all threads) and its children."""

    def __enter__(self) -> Clock:
        self._w, self._p, self._c = time.perf_counter(), time.process_time(), children_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu_self = time.process_time() - self._p
        self.cpu_children = children_cpu() - self._c
        self.cpu = self.cpu_self + self.cpu_children
