"""Imports that refuse leave DEST as it was; reports that say done mean done.

Issue 11 items 7-9: a refused archive import (newer schema, a table of the wrong
shape, a decompression bomb) leaves nothing in DEST; a player command inside another
crew's archive is not imported; ``reindex`` on a full disk says it could not save the
index; a media file that grows while it is imported is refused with a reason.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from tests.conftest import MEDIA, mount_tmpfs, run_cli
from tests.test_hostile_archives import make_archive, retar_with_tables
from tests.test_reliability import _fill, fake_engine  # noqa: F401 - a shared fixture


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    make_archive(src)
    file = tmp_path / "good.tar"
    assert run_cli("archive", "export", str(file), archive=src).returncode == 0
    return file


def _refused(file: Path, dest: Path, message: str) -> None:
    proc = run_cli("archive", "import", str(file), str(dest))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert message in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert not dest.exists(), sorted(p.name for p in dest.rglob("*"))


def test_a_newer_schema_is_refused_and_leaves_no_store_in_dest(exported, tmp_path) -> None:
    def newer(name, table):
        for doc in table.values():
            if name == "meta" and doc.get("key") == "schema":
                doc["version"] = 999
        return table

    bad = tmp_path / "newer.tar"
    retar_with_tables(exported, bad, newer)
    _refused(bad, tmp_path / "dest", "newer tapelog")


@pytest.mark.parametrize(
    "table, value, message",
    [
        ("tags", [], "not a table of records"),
        ("media", {"1": "m1"}, "not a record"),
        ("media", {"x": {}}, "not a record"),
        ("secrets", {}, "unknown store table"),
        ("meta", {"1": {"key": "schema", "version": "2"}}, "not a number"),
    ],
)
def test_a_table_of_the_wrong_shape_is_refused(exported, tmp_path, table, value, message) -> None:
    def change(name, data):
        return value if name == table else data

    bad = tmp_path / "shape.tar"
    if table == "secrets":  # a table that is not ours, added with a matching checksum
        with tarfile.open(exported) as tin:
            members = [(m, tin.extractfile(m).read()) for m in tin.getmembers()]
        with tarfile.open(bad, "w") as tout:
            for m, data in members:
                if m.name.endswith("manifest.json"):
                    manifest = json.loads(data)
                    manifest["files"]["store/secrets.json"] = {
                        "sha256": __import__("hashlib").sha256(b"{}").hexdigest(),
                        "size": 2,
                    }
                    data = json.dumps(manifest).encode()
                    extra = tarfile.TarInfo("tapelog-archive/store/secrets.json")
                    extra.size = 2
                    tout.addfile(extra, io.BytesIO(b"{}"))
                m.size = len(data)
                tout.addfile(m, io.BytesIO(data))
    else:
        retar_with_tables(exported, bad, change)
    _refused(bad, tmp_path / "dest", message)


def test_a_decompression_bomb_is_refused_before_unpacking(exported, tmp_path) -> None:
    def bloat(name, table):
        if name == "tags":
            return {"1": {"id": "tg1", "note": "a" * (30 << 20)}}
        return table

    plain = tmp_path / "bloated.tar"
    retar_with_tables(exported, plain, bloat)
    bomb = tmp_path / "bomb.tar.gz"
    bomb.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=9))
    assert bomb.stat().st_size * 100 < plain.stat().st_size
    _refused(bomb, tmp_path / "dest", "decompression bomb")


def test_a_player_command_in_an_imported_archive_is_not_imported(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_archive(src)
    assert run_cli("config", "player", "sh -c 'touch /tmp/pwned'", archive=src).returncode == 0
    assert (
        run_cli("config", "model", "Systran/faster-whisper-large-v3", archive=src).returncode == 0
    )
    assert run_cli("config", "model_multilingual", "base", archive=src).returncode == 0
    file = tmp_path / "crew.tar"
    assert run_cli("archive", "export", str(file), archive=src).returncode == 0
    dest = tmp_path / "dest"
    proc = run_cli("archive", "import", str(file), str(dest))
    assert proc.returncode == 0, proc.stderr
    assert "player=" in proc.stderr and "model=" in proc.stderr
    settings = json.loads(run_cli("config", "--json", archive=dest).stdout)
    assert settings["player"] == "" and settings["model"] == "tiny.en", settings
    assert settings["model_multilingual"] == "base"  # a model every tapelog has: kept


@pytest.fixture
def tmpfs(tmp_path: Path):
    yield from mount_tmpfs(tmp_path, "3m")


def test_reindex_on_a_full_disk_does_not_say_it_reindexed(tmpfs: Path, fake_engine) -> None:  # noqa: F811
    from tapelog.archive.service import Archive

    root = tmpfs / "arch"
    a = Archive.open(root)
    mid = a.import_paths([MEDIA / "silence.wav"])[0].id
    a.transcribe(mid, fake_engine)
    a.close()
    from tapelog.archive.index import INDEX_DIR

    shutil.rmtree(root / INDEX_DIR, ignore_errors=True)
    _fill(tmpfs)
    proc = run_cli("reindex", archive=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    assert "re-indexed" not in proc.stdout and "could not be saved" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert run_cli("search", "line", archive=root).returncode == 0  # still searchable


def test_a_file_that_grows_while_it_is_imported_is_refused(
    tmp_path: Path, archive, monkeypatch
) -> None:
    import tapelog.media.fingerprint as fp_mod

    growing = tmp_path / "still_copying.wav"
    growing.write_bytes(MEDIA.joinpath("silence.wav").read_bytes()[:80_000])
    real = fp_mod.fingerprint

    def while_copying(path):  # the copy goes on while tapelog reads the file
        digest = real(path)
        with open(path, "ab") as fh:
            fh.write(b"\0" * 40_000)
        return digest

    monkeypatch.setattr(fp_mod, "fingerprint", while_copying)
    (result,) = archive.import_paths([growing])
    assert result.status == "failed" and "changed while it was read" in result.error
    assert archive.list_media() == []
    monkeypatch.setattr(fp_mod, "fingerprint", real)
    (again,) = archive.import_paths([growing])  # the copy is done: imported whole
    assert again.status == "imported"
    assert archive.get_media(again.id).info.duration > 3.7
