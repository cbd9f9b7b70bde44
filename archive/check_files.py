"""Checks of the archive's files that run before the store opens (a corrupt store cannot).

The table files parse, no multi-table commit is left half done, and no temp file of a
dead writer lies about.
"""

from __future__ import annotations

import json
from pathlib import Path

from tapelog.archive.atomic import temp_pid
from tapelog.archive.check_problem import ERROR, WARNING, Problem
from tapelog.archive.store import JOURNAL_NAME, STORE_DIR, pid_alive
from tapelog.archive.transcripts import TRANSCRIPTS_DIR


def check_store_files(root: Path) -> list[Problem]:
    """Every table file parses as a JSON object of documents; nothing is left mid-commit."""
    problems: list[Problem] = []
    store_dir = Path(root) / STORE_DIR
    if not store_dir.is_dir():
        return [Problem(ERROR, "no store directory: not a tapelog archive", str(root))]
    for path in sorted(store_dir.glob("*.json")):
        reason = _json_problem(path)
        if reason:
            problems.append(
                Problem(
                    ERROR,
                    f"store file does not parse ({reason})",
                    str(path),
                    "restore a backup with `tapelog restore` (see `tapelog backups`)",
                )
            )
    journal = store_dir / JOURNAL_NAME
    if journal.exists():
        problems.append(
            Problem(
                WARNING,
                "an interrupted multi-table commit is waiting to be finished",
                str(journal),
                "any tapelog command that opens the archive finishes it",
            )
        )
    problems.extend(_leftover_temp_files(Path(root)))
    return problems


def _json_problem(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except json.JSONDecodeError as exc:
        return f"invalid JSON at line {exc.lineno}"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return "not a JSON object of documents"
    return None


def _leftover_temp_files(root: Path) -> list[Problem]:
    """Temp files of atomic writes whose writer is dead (a live writer's are in use)."""
    found: list[Path] = []
    for folder in (root / STORE_DIR, root / TRANSCRIPTS_DIR):
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.tmp-*"):
            pid = temp_pid(path.name)
            if pid is not None and not pid_alive(pid):
                found.append(path)
    for extra in (root / f".{STORE_DIR}.restoring",):
        if extra.exists():
            found.append(extra)
    backups = root / "backups"
    if backups.is_dir():
        found.extend(p for p in backups.glob(".tmp-*"))
    return [
        Problem(
            WARNING,
            "leftover temp file of an interrupted write (the real file is intact)",
            str(p),
            "safe to delete",
        )
        for p in sorted(found)
    ]
