"""Hostile archives: ids in store records never become paths outside the archive.

An archive file from another crew, a hand edit or a damaged disk may hold a transcript
record whose id is ``../../../outside/victim``. These tests plant such records the way
an attacker would (inside an exported archive, with matching checksums; and directly
in a store) and prove that import refuses them, ``check`` names them, and ``show``,
``transcribe`` and ``search`` neither read nor write outside the archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from tapelog.archive.errors import TapelogError, UnsafeRecordError

from tests.conftest import MEDIA, edit_table, run_cli
from tests.test_reliability import fake_engine  # noqa: F401 - a shared fixture

EVIL = "../../../outside/victim2"


def make_archive(root: Path) -> str:
    """An archive with one media file and a done transcript of two lines; its media id."""
    from tapelog.archive.models import TranscriptRecord
    from tapelog.archive.service import Archive, now_iso
    from tapelog.archive.transcripts import transcript_path, write_segments
    from tapelog.transcribe.types import Segment
    from tinydb import Query

    a = Archive.open(root)
    (mid,) = [r.id for r in a.import_paths([MEDIA / "silence.wav"])]
    with a.store.transaction():
        rec = TranscriptRecord(
            id=a.store.next_id("tr"), media_id=mid, model="test", options={},
            created=now_iso(), status="done", duration=1.0,
        )  # fmt: skip
        a.store.table("transcripts").insert(rec.to_dict())
        write_segments(
            transcript_path(root, mid, rec.id),
            [Segment(0.0, 0.5, "inside line one"), Segment(0.5, 1.0, "inside line two")],
        )
        media = a.get_media(mid)
        media.transcript_id, media.transcript_status = rec.id, "done"
        a.store.table("media").upsert(media.to_dict(), Query().id == mid)
    a.close()
    return mid


def plant_evil_id(root: Path, evil: str = EVIL) -> None:
    """Rename the transcript record (and the media's pointer to it) to ``evil``."""
    for name, field in (("transcripts", "id"), ("media", "transcript_id")):

        def change(table: dict, field: str = field) -> None:
            for doc in table.values():
                if doc.get(field):
                    doc[field] = evil

        edit_table(root, name, change)


def victim_files(tmp_path: Path) -> Path:
    """A file outside the archive where the hostile id points (``outside/victim2``)."""
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    victim = outside / "victim2.jsonl"
    victim.write_text('{"start": 0, "end": 1, "text": "SECRET OUTSIDE"}\n', encoding="utf-8")
    return victim


def retar_with_tables(src: Path, dest: Path, change_tables) -> None:
    """Copy an export, letting ``change_tables(name, table)`` edit store tables; the
    manifest's checksums are recomputed so only the records themselves are hostile."""
    with tarfile.open(src) as tin:
        members = {m.name: tin.extractfile(m).read() for m in tin.getmembers() if m.isfile()}
    manifest_name = next(n for n in members if n.endswith("manifest.json"))
    manifest = json.loads(members.pop(manifest_name))
    for name, data in list(members.items()):
        rel = name.split("/", 1)[1]
        if rel.startswith("store/"):
            table = json.loads(data)
            new = change_tables(Path(rel).stem, table)
            data = members[name] = new if isinstance(new, bytes) else json.dumps(new).encode()
        manifest["files"][rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    members[manifest_name] = json.dumps(manifest).encode()
    with tarfile.open(dest, "w") as tout:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tout.addfile(info, io.BytesIO(data))


def evil_tables(name: str, table: dict) -> dict:
    for doc in table.values():
        if name == "transcripts":
            doc["id"] = EVIL
        if name == "media" and doc.get("transcript_id"):
            doc["transcript_id"] = EVIL
    return table


def test_an_import_holding_a_record_id_that_climbs_out_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_archive(src)
    good = tmp_path / "good.tar"
    assert run_cli("archive", "export", str(good), archive=src).returncode == 0
    bad = tmp_path / "bad.tar"
    retar_with_tables(good, bad, evil_tables)
    dest = tmp_path / "dest"
    proc = run_cli("archive", "import", str(bad), str(dest))
    assert proc.returncode == 1, proc.stdout
    assert "unsafe id" in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert not dest.exists()  # left as it was: not created
    # An empty folder given as DEST stays, empty.
    dest.mkdir()
    assert run_cli("archive", "import", str(bad), str(dest)).returncode == 1
    assert dest.is_dir() and not any(dest.iterdir())


def test_a_transcript_member_with_an_unsafe_folder_name_is_refused(tmp_path: Path) -> None:
    from tapelog.archive.portable import PortableArchiveError, _safe_relpath

    for name in (
        "transcripts/..x/tr1.jsonl",
        "transcripts/m1/a b.jsonl",
        "transcripts/m 1/t.jsonl",
    ):
        with pytest.raises(PortableArchiveError):
            _safe_relpath(f"tapelog-archive/{name}")
    assert _safe_relpath("tapelog-archive/transcripts/m1/tr2.jsonl") == "transcripts/m1/tr2.jsonl"


def test_show_and_search_never_read_outside_the_archive(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    mid = make_archive(root)
    victim = victim_files(tmp_path)
    # The hostile id is relative to transcripts/<media>/: climb to tmp_path/outside.
    plant_evil_id(root, "../../../outside/victim2")
    proc = run_cli("show", mid, archive=root)
    assert "SECRET" not in proc.stdout + proc.stderr
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "not a valid id" in proc.stderr
    proc = run_cli("search", "SECRET", archive=root)
    assert "SECRET OUTSIDE" not in proc.stdout
    assert "Traceback" not in proc.stderr
    assert victim.read_text(encoding="utf-8").count("SECRET") == 1


def test_transcribe_never_writes_outside_the_archive(tmp_path: Path, fake_engine) -> None:  # noqa: F811
    from tapelog.archive.service import Archive

    root = tmp_path / "arch"
    mid = make_archive(root)
    victim = victim_files(tmp_path)
    before = victim.read_bytes()
    plant_evil_id(root)

    # A partial record with the hostile id is what a resumed run would append to.
    def partial(table: dict) -> None:
        for doc in table.values():
            doc["status"], doc["model"] = "partial", fake_engine.model
            doc["options"] = fake_engine.to_dict()

    edit_table(root, "transcripts", partial)
    a = Archive.open(root)
    try:
        with pytest.raises(UnsafeRecordError):
            a.transcribe(mid, fake_engine)
    finally:
        a.close()
    assert victim.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == ["victim2.jsonl"]


def test_check_reports_records_whose_ids_would_become_paths_outside(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    make_archive(root)
    victim_files(tmp_path)
    assert run_cli("check", archive=root).returncode == 0
    plant_evil_id(root)
    proc = run_cli("check", archive=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    out = proc.stdout + proc.stderr
    assert "unsafe id" in out and "victim2" in out
    assert out.count("unsafe") == 2  # the transcript record and the media's pointer


@pytest.mark.parametrize(
    "value",
    ["../x", "..", ".", "", "a/b", "a\\b", "/etc/passwd", "m1\x00", "m1\n", "x" * 65, 7, None,
     ["m1"], "C:", "~", "-rf", ".hidden", "m1 "],
)  # fmt: skip
def test_only_plain_ids_become_paths(tmp_path: Path, value) -> None:
    from tapelog.archive.paths import transcript_path

    with pytest.raises(UnsafeRecordError) as info:
        transcript_path(tmp_path, value, "tr1")
    assert "\n" not in str(info.value) and isinstance(info.value, TapelogError)
    with pytest.raises(UnsafeRecordError):
        transcript_path(tmp_path, "m1", value)
    assert transcript_path(tmp_path, "m1", "tr_1-2") == tmp_path / "transcripts/m1/tr_1-2.jsonl"


def test_a_link_inside_the_archive_that_leads_out_is_not_written_through(tmp_path: Path) -> None:
    from tapelog.archive.paths import writable_transcript_path

    root = tmp_path / "arch"
    (root / "transcripts").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (root / "transcripts" / "m1").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafeRecordError):
        writable_transcript_path(root, "m1", "tr1")
    assert writable_transcript_path(root, "m2", "tr1").parent.name == "m2"


@pytest.mark.parametrize("counter", [None, 0, "not a number"])
def test_a_counter_behind_the_records_never_gives_an_id_twice(tmp_path: Path, counter) -> None:
    """An archive whose id counters lag its records (built or edited outside tapelog)
    gets new ids past the records, so an import never shares an id with an old file."""
    from tapelog.archive.service import Archive

    root = tmp_path / "a"
    old_media = make_archive(root)

    def lag(table: dict) -> None:
        for key in [k for k, d in table.items() if str(d.get("key", "")).startswith("counter:")]:
            if counter is None:
                del table[key]
            else:
                table[key]["value"] = counter

    edit_table(root, "meta", lag)
    a = Archive.open(root)
    (new_media,) = [r.id for r in a.import_paths([MEDIA / "mandarin_zh.wav"])]
    with a.store.transaction():
        new_transcript = a.store.next_id("tr")
    media = a.list_media()
    a.close()
    assert new_media != old_media
    assert new_transcript != "tr1"  # make_archive's transcript holds tr1
    assert sorted(m.id for m in media) == sorted([old_media, new_media])
    assert {m.id: m.path.rsplit("/", 1)[-1] for m in media}[old_media] == "silence.wav"
