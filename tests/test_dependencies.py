"""Every dependency has an upper bound, and what is installed is inside the bounds."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent


def _requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(r) for r in reqs]


def test_every_dependency_has_an_upper_bound() -> None:
    unbounded = [
        str(r)
        for r in _requirements()
        if not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)
    ]
    assert not unbounded, f"add an upper bound (the next major, or minor for 0.x): {unbounded}"


def test_the_installed_versions_are_within_the_bounds() -> None:
    outside = [
        f"{r.name} {version(r.name)} not in {r.specifier}"
        for r in _requirements()
        if not r.specifier.contains(version(r.name), prereleases=True)
    ]
    assert not outside, outside
