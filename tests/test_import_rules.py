"""The layers hold: ``lint-imports`` checks the contracts in pyproject.toml.

cli and tui sit above the archive, which sits above transcribe and media; the core
(archive, media, transcribe) never imports textual, rich, click, tui or cli. The one
crossing upwards: media and transcribe raise the archive's errors, report its
progress events and write files with its atomic-write helper.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
FOLDERS = ("archive", "cli", "media", "transcribe", "tui")


# ``lint-imports``, with the installed package left out of the path: a broken copy
# must be the only ``tapelog`` it sees (a namespace package merges every copy found).
ALONE = (
    "import sys\n"
    "sys.path[:] = [p for p in sys.path if '__editable__' not in p]\n"
    "from importlinter.cli import lint_imports_command\n"
    "lint_imports_command()\n"
)


def _lint(config: Path, *, cwd: Path, copy: Path | None = None) -> subprocess.CompletedProcess:
    if copy is None:
        cmd = [str(LINT_IMPORTS), "--no-cache", str(config)]
        env = None
    else:
        cmd = [sys.executable, "-c", ALONE, "--no-cache", str(config)]
        env = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env)


def test_the_contracts_are_kept() -> None:
    proc = _lint(REPO / "pyproject.toml", cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def _copy(tmp_path: Path) -> Path:
    """A copy of the package to break, found before the installed one."""
    root = tmp_path / "src"
    for name in FOLDERS:
        shutil.copytree(
            REPO / name, root / "tapelog" / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    return root


def test_a_core_module_importing_the_tui_breaks_a_contract(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "tapelog" / "archive" / "leak.py").write_text(
        "from textual.app import App\nfrom tapelog.tui.format import clock\n"
    )
    proc = _lint(REPO / "pyproject.toml", cwd=tmp_path, copy=root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "The core never imports the user interface BROKEN" in proc.stdout
    assert "tapelog.archive.leak -> textual" in proc.stdout
    assert "Layers: cli, tui above archive above transcribe above media BROKEN" in proc.stdout


def test_media_may_only_reach_the_archive_for_errors_progress_and_writes(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    probe = root / "tapelog" / "media" / "probe.py"
    probe.write_text(probe.read_text() + "\nfrom tapelog.archive.store import Store  # noqa\n")
    proc = _lint(REPO / "pyproject.toml", cwd=tmp_path, copy=root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "tapelog.media.probe -> tapelog.archive.store" in proc.stdout
