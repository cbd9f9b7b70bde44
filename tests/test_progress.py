"""Progress reaches the person waiting, and a broken progress callback is not hidden."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from tapelog.archive.progress import ProgressEvent, report

from tests.conftest import run_cli


def _on_a_terminal(*args: str, archive: Path) -> tuple[int, str]:
    """Run ``tapelog`` with stderr on a pseudo-terminal, as a person at a shell has it."""
    exe = Path(sys.executable).with_name("tapelog")
    main, term = pty.openpty()
    try:
        proc = subprocess.run(
            [str(exe), *args],
            stdout=subprocess.PIPE,
            stderr=term,
            env={**os.environ, "TAPELOG_ARCHIVE": str(archive)},
            timeout=600,
        )
        os.close(term)
        term = -1
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
        if term >= 0:
            os.close(term)
    return proc.returncode, shown.decode("utf-8", "replace")


def test_import_shows_progress_on_a_terminal(isolated_archive: Path, media_dir: Path) -> None:
    files = [str(media_dir / "silence.wav"), str(media_dir / "no_audio.mp4")]
    rc, shown = _on_a_terminal("import", *files, archive=isolated_archive)
    assert rc == 0, shown
    assert "import 2/2 files" in shown  # the bar was built, then never given to the import
    # In a script stderr keeps to the failures, one line each; --json prints no bar.
    out = run_cli("import", *files, archive=isolated_archive)
    assert out.returncode == 0 and out.stderr == ""
    rc, shown = _on_a_terminal("import", "--json", *files, archive=isolated_archive)
    assert rc == 0 and "files" not in shown


def test_a_failing_progress_callback_is_raised_not_swallowed(archive, media_dir: Path) -> None:
    def broken(event: ProgressEvent) -> None:
        raise ZeroDivisionError("a bug in a progress bar")

    with pytest.raises(ZeroDivisionError):
        report(broken, ProgressEvent("import", 0, 1, "files"))
    with pytest.raises(ZeroDivisionError):
        archive.import_paths([media_dir / "silence.wav"], progress=broken)
    report(None, ProgressEvent("import", 0, 1, "files"))  # no callback: nothing to call
