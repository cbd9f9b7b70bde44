"""One atomic-write helper: exclusive temp files, kept modes, nothing written through links.

A crew exports to a shared folder; anyone who can write there could plant a symlink
at the temp name an export will use. And a crew that made its store private
(``chmod 600``) expects it, its backups and its exports to stay private.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from tapelog.archive import atomic

from tests.conftest import MEDIA


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_export_never_writes_through_a_link_planted_at_its_temp_name(
    tmp_path: Path, archive
) -> None:
    from tapelog.archive.portable import export_archive

    archive.import_paths([MEDIA / "silence.wav"])
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    # The names the old code used: .<name>.tmp-<pid> (and -<thread> for store writes).
    (shared / f".crew.tar.tmp-{os.getpid()}").symlink_to(victim)
    export_archive(archive.root, shared / "crew.tar")
    assert victim.read_text() == "precious\n"
    assert (shared / "crew.tar").stat().st_size > 0


def test_a_temp_name_already_taken_is_never_reused(tmp_path: Path, monkeypatch) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    names = iter([tmp_path / ".planted", tmp_path / ".fresh"])
    (tmp_path / ".planted").symlink_to(victim)
    monkeypatch.setattr(atomic, "temp_name", lambda target, suffix="": next(names))
    atomic.write_bytes(tmp_path / "out.txt", b"new\n")
    assert victim.read_text() == "precious\n" and (tmp_path / "out.txt").read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".planted", "out.txt", "victim.txt"]


def test_a_temp_file_swapped_for_a_link_mid_write_is_not_moved_into_place(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / "clip.mov"
    with pytest.raises(OSError), atomic.atomic_output(target, suffix=".mov") as tmp:
        tmp.unlink()
        tmp.symlink_to(victim)
    assert not target.exists() and victim.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "t.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic.atomic_file(target) as fh:
        fh.write(b"half")
        raise RuntimeError("killed")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["t.json"]


def test_a_private_store_stays_private_and_so_do_its_backups_and_exports(
    tmp_path: Path, archive
) -> None:
    from tapelog.archive.portable import export_archive
    from tapelog.archive.store import restore_backup

    archive.import_paths([MEDIA / "silence.wav"])
    store_dir = archive.store.dir
    os.chmod(store_dir, 0o700)
    for f in store_dir.rglob("*"):  # as `chmod -R go-rwx store` would
        os.chmod(f, 0o700 if f.is_dir() else 0o600)
    archive.set_setting("player", "mpv")  # rewrites meta.json
    with archive.store.transaction():  # a table written for the first time
        archive.store.table("tags").insert({"id": "tg1", "media_id": "m1", "start": 0, "end": 1})
    modes = {str(f.relative_to(store_dir)): _mode(f) for f in store_dir.rglob("*.json")}
    assert "tags/0-0.json" in modes and set(modes.values()) == {0o600}, modes
    assert _mode(store_dir / "tags") == 0o700  # a shard folder is as private as the store
    backup = archive.store.backup_now()
    assert backup is not None and _mode(backup) == 0o700
    assert {_mode(f) for f in backup.rglob("*.json")} == {0o600}
    out = tmp_path / "crew.tar"
    export_archive(archive.root, out)
    assert _mode(out) == 0o600
    restore_backup(archive.root, backup.name)
    assert {_mode(f) for f in store_dir.rglob("*.json")} == {0o600}


def test_a_shared_store_stays_shared(archive) -> None:
    """Keeping the mode works both ways: a group-writable store is not made private."""
    f = archive.store.table_path("meta")
    os.chmod(f, 0o664)
    archive.set_setting("player", "mpv")
    assert _mode(f) == 0o664
