"""What ``tapelog check`` reports: a problem, how bad it is, and the tables it reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeGuard

ERROR = "error"
WARNING = "warning"

# The store's tables as read (TinyDB documents are read-only mappings here).
Tables = Mapping[str, Sequence[Mapping[str, Any]]]

# How to repair a record that refers to nothing, or holds an impossible value.
FIX_RECORD = "restore a backup with `tapelog restore`, or delete the record"


@dataclass
class Problem:
    """One thing wrong with an archive: how bad, what, where, and what to do about it."""

    severity: str  # error / warning
    what: str
    where: str
    fix: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        fix = f" ({self.fix})" if self.fix else ""
        return f"{self.severity}: {self.where}: {self.what}{fix}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by where they are."""
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.where))


def is_num(x: object) -> TypeGuard[float]:
    """A JSON number (not a bool, which Python counts as an int)."""
    return isinstance(x, int | float) and not isinstance(x, bool)
