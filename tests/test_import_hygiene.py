"""The core (media, transcribe, archive) must never import textual, tui or cli."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORE = ("media", "transcribe", "archive")
FORBIDDEN = ("textual", "tui", "cli", "rich")


def _top(module: str) -> str:
    """The first name of a module, or the folder under ``tapelog`` for our own."""
    parts = module.split(".")
    return parts[1] if parts[0] == "tapelog" and len(parts) > 1 else parts[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(_top(a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(_top(node.module))
    return found


def test_core_sources_do_not_import_ui() -> None:
    offenders = []
    for pkg in CORE:
        for path in (REPO / pkg).rglob("*.py"):
            bad = _imports(path) & set(FORBIDDEN)
            if bad:
                offenders.append(f"{path.relative_to(REPO)}: {sorted(bad)}")
    assert not offenders, offenders


def test_importing_every_core_module_loads_no_ui() -> None:
    modules = [
        ".".join(("tapelog", *p.relative_to(REPO).with_suffix("").parts))
        for pkg in CORE
        for p in (REPO / pkg).rglob("*.py")
    ]
    modules = [m.removesuffix(".__init__") for m in modules]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}\n"
        f"       or m.split('.')[:2] in (['tapelog', 'tui'], ['tapelog', 'cli'])]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hygiene_check_would_catch_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nimport tapelog.tui.app\n")
    assert _imports(bad) >= {"textual", "tui"}
