"""Shared fixtures: every test gets its own archive directory, never the user's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
MEDIA = SAMPLES / "media"


def pytest_configure(config: pytest.Config) -> None:
    """Give Textual's Pilot time on a loaded machine.

    Pilot raises ``WaitForScreenTimeout`` when a screen has not processed its messages
    in 30 s: on a 2-core box under a load of 20-30 that is a slow machine, not a hung
    app, and the suite must pass there. A real hang still ends the test (600 s).
    """
    from textual.pilot import Pilot

    Pilot._wait_for_screen.__defaults__ = (600.0,)


@pytest.fixture(autouse=True)
def isolated_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point TAPELOG_ARCHIVE at a fresh temp dir so no test touches a real archive."""
    path = tmp_path / "archive"
    monkeypatch.setenv("TAPELOG_ARCHIVE", str(path))
    monkeypatch.setenv("TAPELOG_LOCK_TIMEOUT", "20")
    return path


@pytest.fixture
def archive(isolated_archive: Path):
    from tapelog.archive.service import Archive

    a = Archive.open(isolated_archive)
    yield a
    a.close()


@pytest.fixture
def media_dir() -> Path:
    if not MEDIA.is_dir():
        pytest.fail("samples/media is missing: run `make samples`")
    return MEDIA


def run_cli(*args: str, archive: Path | None = None, input: str | None = None, timeout=600):
    """Run the real ``tapelog`` console script in a subprocess; returns CompletedProcess."""
    exe = Path(sys.executable).with_name("tapelog")
    env = dict(os.environ)
    if archive is not None:
        env["TAPELOG_ARCHIVE"] = str(archive)
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        timeout=timeout,
    )


def mount_tmpfs(tmp_path: Path, size: str):
    """Mount a small tmpfs (root on Linux only) for full-disk and read-only tests."""
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        pytest.skip("needs root on Linux to mount a tmpfs")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    cmd = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)]
    if subprocess.run(cmd, capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


@pytest.fixture(scope="session")
def transcribed_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with the English samples imported and transcribed with tiny.en, once.

    Tests that use it must not write to it (copy it first with ``copy_archive``).
    """
    from tapelog.archive.service import Archive
    from tapelog.transcribe.types import TranscribeOptions

    root = tmp_path_factory.mktemp("transcribed") / "archive"
    a = Archive.open(root)
    results = a.import_paths(
        [MEDIA / "interview_liu.mov", MEDIA / "two_channel_interview.mov", MEDIA / "silence.wav"]
    )
    assert [r.status for r in results] == ["imported"] * 3, results
    for r in results:
        a.transcribe(r.id, TranscribeOptions(model="tiny.en", cpu_threads=1))
    a.close()
    return root


@pytest.fixture
def copy_archive(transcribed_archive: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copied-archive"
    shutil.copytree(transcribed_archive, dest)
    return dest


def table_files(root: Path, name: str) -> list[Path]:
    """The files a store table's records are in: its shards, or its one file."""
    store = Path(root) / "store"
    files = sorted((store / name).glob("*.json"))
    return files or [store / f"{name}.json"]


def table_bytes(root: Path, name: str) -> dict[str, bytes]:
    """Every file of a table, as bytes (to prove a write did not touch it)."""
    return {str(p): p.read_bytes() for p in table_files(root, name) if p.exists()}


def edit_table(root: Path, name: str, change) -> None:
    """Hand-edit a table's records as another tool (or a hostile crew) would.

    The edited records are written as the table's one old-layout file, which the store
    reads and splits into shards again when it next opens the archive.
    """
    import json

    store = Path(root) / "store"
    docs: dict = {}
    for path in table_files(root, name):
        if path.exists():
            docs.update(json.loads(path.read_text(encoding="utf-8")))
            path.unlink()
    change(docs)
    (store / f"{name}.json").write_text(json.dumps(docs), encoding="utf-8")
