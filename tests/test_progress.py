"""Progress reaches the person waiting, and a broken progress callback is not hidden."""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive.progress import ProgressEvent, report

from tests.conftest import run_cli


def test_import_shows_progress_on_stderr(isolated_archive: Path, media_dir: Path) -> None:
    files = [str(media_dir / "silence.wav"), str(media_dir / "no_audio.mp4")]
    out = run_cli("import", *files, archive=isolated_archive)
    assert out.returncode == 0, out.stderr
    assert "import 2/2 files" in out.stderr  # it was built, then never given to the import
    quiet = run_cli("import", "--json", *files, archive=isolated_archive)
    assert quiet.returncode == 0 and "files" not in quiet.stderr


def test_a_failing_progress_callback_is_raised_not_swallowed(archive, media_dir: Path) -> None:
    def broken(event: ProgressEvent) -> None:
        raise ZeroDivisionError("a bug in a progress bar")

    with pytest.raises(ZeroDivisionError):
        report(broken, ProgressEvent("import", 0, 1, "files"))
    with pytest.raises(ZeroDivisionError):
        archive.import_paths([media_dir / "silence.wav"], progress=broken)
    report(None, ProgressEvent("import", 0, 1, "files"))  # no callback: nothing to call
