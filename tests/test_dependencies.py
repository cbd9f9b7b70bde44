"""Every dependency has an upper bound, and what is installed is inside the bounds."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _requirements(*extras: str) -> list[Requirement]:
    """The required packages and those of the ``extras`` named (all of them if none)."""
    optional = PROJECT["optional-dependencies"]
    chosen = extras or tuple(optional)
    return [
        Requirement(r)
        for r in [*PROJECT["dependencies"], *(r for e in chosen for r in optional[e])]
    ]


def test_every_dependency_has_an_upper_bound() -> None:
    unbounded = [
        str(r)
        for r in _requirements()
        if not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)
    ]
    assert not unbounded, f"add an upper bound (the next major, or minor for 0.x): {unbounded}"


def test_the_installed_versions_are_within_the_bounds() -> None:
    """Required and dev packages must be installed; an extra (models, voices) may be absent."""
    needed = {r.name for r in _requirements("dev")}
    outside = []
    for r in _requirements():
        try:
            installed = version(r.name)
        except PackageNotFoundError:
            if r.name in needed:
                outside.append(f"{r.name} is not installed")
            continue
        if not r.specifier.contains(installed, prereleases=True):
            outside.append(f"{r.name} {installed} not in {r.specifier}")
    assert not outside, outside


def test_model_weight_packages_are_pinned_exactly_and_checked() -> None:
    """Weights are code we run: one exact version each, whose files models.py hashes."""
    from tapelog.transcribe.models import PINNED

    models = _requirements("models")[len(PROJECT["dependencies"]) :]
    assert models
    for r in models:
        assert [s.operator for s in r.specifier] == ["=="], r
    assert set(PINNED) == {"tiny.en", "base"}
    assert all(digest for files in PINNED.values() for _size, digest in files.values())


def test_the_licence_is_an_spdx_expression() -> None:
    """setuptools deprecates the ``{text = ...}`` table: the licence is a plain SPDX string."""
    assert PROJECT["license"] == "MIT"
