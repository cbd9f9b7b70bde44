"""tapelog installs as one package, so a user's own `archive/` or `media/` changes nothing."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDERS = ("archive", "cli", "media", "transcribe", "tui")


def test_every_code_folder_is_a_listed_package() -> None:
    """A new subfolder with code that pyproject.toml does not list would be left out of wheels."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        "tapelog." + ".".join(init.parent.relative_to(REPO).parts)
        for top in FOLDERS
        for init in (REPO / top).rglob("__init__.py")
    }
    assert on_disk == listed


def test_a_users_own_archive_folder_does_not_shadow_tapelog(tmp_path: Path) -> None:
    """Run from a folder that has its own `archive`, `media` and `cli` packages."""
    for name in ("archive", "media", "cli", "tui", "transcribe"):
        pkg = tmp_path / name
        pkg.mkdir()
        (pkg / "__init__.py").write_text(
            "raise SystemExit('the user\\'s own package was imported')\n"
        )
        (pkg / "errors.py").write_text("raise SystemExit('the user\\'s own module was imported')\n")
    code = (
        "import tapelog.archive.errors, tapelog.cli.main, tapelog.media.probe, sys\n"
        "mods = [m for m in sys.modules if m.split('.')[0] in "
        "('archive', 'media', 'cli', 'tui', 'transcribe')]\n"
        "print(tapelog.archive.errors.__file__); sys.exit(1 if mods else 0)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert str(tmp_path) not in proc.stdout
    cli = subprocess.run(
        [str(Path(sys.executable).parent / "tapelog"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0 and "Usage" in cli.stdout, cli.stdout + cli.stderr
