"""Reliability under faults, with real processes and real files (issue 6).

* crash safety: 200 SIGKILLs of a process writing to the archive in every way tapelog
  does, each followed by the checks a restart would make;
* full disk and read-only archive for the Archive-level operations;
* concurrency: two CLI processes writing at once, a transcription beside other writes,
  a stale lock of a killed process, a hung lock holder that must not hang others;
* backups rotate and come back with ``tapelog restore``; a whole archive moves through
  ``tapelog archive export``/``import`` with checksums, refusing tampered or unsafe files.

Store-level crash and two-writer tests live in ``tests/test_store.py``; these build on
them at the level of the Archive and the CLI.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import tarfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path

import pytest
from tapelog.archive.check import ERROR, check_archive, check_root, errors
from tapelog.archive.errors import LockTimeoutError, ReadOnlyArchiveError, StoreError
from tapelog.archive.store import JOURNAL_NAME, Store
from tapelog.archive.transcripts import SegmentWriter

from tests.conftest import MEDIA, REPO, mount_tmpfs, run_cli, table_files

WORKER = REPO / "tests" / "crash_worker.py"
KILLS = int(os.environ.get("TAPELOG_CRASH_KILLS", "200"))


# --- crash safety ---------------------------------------------------------------------


class ForkServer:
    """``crash_worker.py serve``: starts a fresh writer process per request, pre-imported."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(REPO),
        )
        assert self._read() == "ready"

    def _read(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the fork server died"
        return line.strip()

    def _send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def fork(self, seed: int, root: Path, media: Path, acks: Path) -> int:
        self._send(f"fork {seed} {root} {media} {acks}")
        reply = self._read().split()
        assert reply[0] == "pid"
        return int(reply[1])

    def reap(self, pid: int) -> int:
        self._send(f"wait {pid}")
        reply = self._read().split()
        assert reply[:2] == ["reaped", str(pid)]
        return int(reply[2])

    def close(self) -> None:
        with _suppress():
            self._send("quit")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


class Ledger:
    """What the killed writers acknowledged, in order, and what they were about to do."""

    def __init__(self) -> None:
        self.media: dict[str, str] = {}
        self.seg_end: dict[str, float] = defaultdict(float)
        self.tdone: dict[str, str] = {}
        self.corr: dict[str, tuple[str, str]] = {}
        self.tags: list[tuple[str, str, str]] = []
        self.cases: set[str] = set()
        # (mid, label) -> (last acknowledged name, names tried since)
        self.speakers: dict[tuple[str, str], tuple[str | None, list[str]]] = {}
        self.acks = 0

    def read(self, path: Path) -> None:
        if not path.exists():
            return
        raw = path.read_text(encoding="utf-8")
        for line in raw.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # killed mid-write of the ack itself: not acknowledged
            f = line.rstrip("\n").split("\t")
            if f[0] == "E":
                pytest.fail("the writer hit a bug: " + f[1].replace(" | ", "\n"))
            if f[0] == "T" and f[1] == "speaker":
                last, tried = self.speakers.get((f[2], f[3]), (None, []))
                self.speakers[(f[2], f[3])] = (last, [*tried, f[4]])
                continue
            self.acks += 1
            kind = f[1]
            if kind == "media":
                self.media[f[2]] = f[3]
            elif kind == "seg":
                self.seg_end[f[2]] = max(self.seg_end[f[2]], float(f[3]))
            elif kind == "tdone":
                self.tdone[f[2]] = f[3]
            elif kind == "corr":
                self.corr[f[2]] = (f[3], f[4])
            elif kind == "tag":
                self.tags.append((f[2], f[3], f[4]))
            elif kind == "cases":
                self.cases.update(x for x in f[2].split(",") if x)
            elif kind == "speaker":
                self.speakers[(f[2], f[3])] = (f[4], [])


def _assert_whole(root: Path, ledger: Ledger, kill_no: int) -> None:
    """What a restart must find after a SIGKILL: everything acknowledged, nothing torn."""
    from tapelog.archive.service import Archive

    where = f"after kill {kill_no}"
    for f in (root / "store").glob("*.json"):
        json.loads(f.read_text(encoding="utf-8"))  # every table parses, even mid-journal
    a = Archive.open(root, create=False)
    try:
        assert not (root / "store" / JOURNAL_NAME).exists(), where
        media = {m.id: m for m in a.list_media()}
        for mid, path in ledger.media.items():
            assert mid in media and media[mid].path == path, (where, mid)
        for mid, end in ledger.seg_end.items():
            segs = a.raw_segments(mid)
            assert segs and segs[-1].end >= end - 1e-3, (where, mid, end, segs[-1:])
        for mid, tid in ledger.tdone.items():
            assert media[mid].transcript_id == tid, (where, mid)
            assert media[mid].transcript_status == "done", (where, mid)
        corrections = {d["id"]: d for d in a.store.table("corrections").all()}
        for cid, (mid, text) in ledger.corr.items():
            assert corrections[cid]["media_id"] == mid and corrections[cid]["text"] == text
        tags = {d["id"]: d for d in a.store.table("tags").all()}
        links = {d["link_id"]: d for d in a.store.table("links").all()}
        cases = {d["case_id"] for d in a.store.table("cases").all()}
        for tag_id, link_id, case_id in ledger.tags:
            assert tags[tag_id]["link_id"] == link_id, where
            assert links[link_id]["tag_id"] == tag_id, where
            assert case_id in cases, where
        assert ledger.cases <= cases, where
        for (mid, label), (last, tried) in ledger.speakers.items():
            now = a.speaker_names(mid).get(label)
            assert now == last or now in tried, (where, mid, label, now, last, tried)
        # A transcription resumes by reopening its file: no torn line may remain after.
        for path in (root / "transcripts").glob("*/*.jsonl"):
            SegmentWriter(path).close()
            raw = path.read_bytes()
            assert raw == b"" or raw.endswith(b"\n"), path
            for line in raw.splitlines():
                json.loads(line)
        found = errors(check_archive(a))
        assert not found, (where, [str(p) for p in found])
    finally:
        a.close()


def _wait_for_an_ack(acks: Path, exited, kind: str) -> None:
    """Until the writer has acknowledged a write of ``kind`` (or reported a bug).

    Its work is a random mix that goes on until it is killed, so every kind comes.

    The 600 s cap only keeps a broken writer from hanging the suite; it is not a limit
    on how fast anything must be.
    """
    give_up = time.monotonic() + 600
    while time.monotonic() < give_up:
        raw = acks.read_bytes() if acks.exists() else b""
        lines = [ln for ln in raw.splitlines(keepends=True) if ln.endswith(b"\n")]
        if any(ln.startswith((b"E\t", f"A\t{kind}\t".encode())) for ln in lines):
            return
        assert exited() is None, "the writer exited before acknowledging anything"
        time.sleep(0.005)
    pytest.fail(f"no acknowledged {kind} in {acks} after 600 s")


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """200 writers killed at random moments; after each, a restart finds it whole.

    Every 20th writer is a fresh interpreter (``crash_worker.py run``), the others come
    from a fork server. Odd writers are killed 20-300 ms after they start (whatever they
    reached); even ones only once they have acknowledged a write of a given kind
    (a finished transcript, a correction, a tag, an import, in turn), then 0-100 ms
    later: so half of the kills land while work is going on, and every kind of write is
    exercised, however busy the machine is (a wall-clock delay alone landed before the
    first write when the machine was loaded).
    """
    root, media, ack_dir = tmp_path / "archive", tmp_path / "media", tmp_path / "acks"
    ack_dir.mkdir()
    rng = random.Random(20240606)
    ledger = Ledger()
    server = ForkServer()
    started = time.monotonic()
    killed_mid_write = 0
    try:
        for n in range(KILLS):
            acks = ack_dir / f"{n}.log"
            after_work = n % 2 == 0
            # The kinds the end of the test counts, in turn: each is reached by construction.
            kind = ("tdone", "corr", "tag", "media")[(n // 2) % 4]
            delay = rng.uniform(0.0, 0.100) if after_work else rng.uniform(0.020, 0.300)
            if n % 20 == 19:
                p = subprocess.Popen(
                    [sys.executable, str(WORKER), "run", str(n), str(root), str(media), str(acks)],
                    stdout=subprocess.PIPE,
                    text=True,
                    cwd=str(REPO),
                )
                assert p.stdout is not None and p.stdout.readline().strip() == "ready"
                if after_work:
                    _wait_for_an_ack(acks, p.poll, kind)
                time.sleep(delay)
                p.send_signal(signal.SIGKILL)
                killed = p.wait(timeout=10) == -signal.SIGKILL
            else:
                pid = server.fork(n, root, media, acks)
                if after_work:
                    _wait_for_an_ack(acks, lambda pid=pid: None, kind)
                time.sleep(delay)
                os.kill(pid, signal.SIGKILL)
                killed = os.WIFSIGNALED(server.reap(pid))
            before = ledger.acks
            ledger.read(acks)  # first: a writer that died of a bug says why here
            assert killed, f"writer {n} exited by itself"
            killed_mid_write += ledger.acks > before
            assert ledger.acks > before or not after_work, f"writer {n} acknowledged nothing"
            _assert_whole(root, ledger, n)
    finally:
        server.close()
    elapsed = time.monotonic() - started
    print(
        f"\n{KILLS} kills in {elapsed:.1f} s; {ledger.acks} acknowledged writes "
        f"({len(ledger.media)} media, {len(ledger.tdone)} transcripts finished, "
        f"{len(ledger.corr)} corrections, {len(ledger.tags)} tag+link+case commits, "
        f"{len(ledger.cases)} case records imported)"
    )
    # The kills landed while work was going on, not only before the first write.
    assert killed_mid_write >= KILLS // 2
    assert len(ledger.tdone) > 5 and len(ledger.corr) > 10 and len(ledger.tags) > 10
    assert ledger.seg_end and ledger.speakers


# --- full disk and read-only archive ----------------------------------------------------


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch):
    """The crash worker's stand-in engine for in-process ``Archive.transcribe`` calls.

    Whisper is not what these tests are about; the engine only has to produce segments.
    """
    import types

    import tests.crash_worker as cw

    engine = cw._FakeEngine()
    mod = types.ModuleType("tapelog.transcribe.engine")
    mod.get_engine = lambda options: engine
    monkeypatch.setitem(sys.modules, "tapelog.transcribe.engine", mod)
    from tapelog.transcribe.types import TranscribeOptions

    return TranscribeOptions(model=cw.FAKE_MODEL, cpu_threads=1, diarize=False)


@pytest.fixture
def tmpfs(tmp_path: Path):
    yield from mount_tmpfs(tmp_path, "3m")


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def _snapshot(root: Path) -> dict[str, bytes]:
    files = [*(root / "store").glob("*.json"), *(root / "transcripts").glob("*/*.jsonl")]
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_full_disk_refuses_archive_writes_cleanly_and_keeps_everything(
    tmpfs: Path, fake_engine
) -> None:
    from tapelog.archive.service import Archive

    root = tmpfs / "arch"
    a = Archive.open(root)
    ids = [r.id for r in a.import_paths([MEDIA / "silence.wav", MEDIA / "eight_channel.wav"])]
    a.transcribe(ids[0], fake_engine)
    a.correct_segment(ids[0], 0.0, 0.5, "before the disk filled")
    before = _snapshot(root)
    filler = _fill(tmpfs)
    attempts = {
        "import": lambda: a.import_paths([MEDIA / "mandarin_zh.wav"]),
        "correct": lambda: a.correct_segment(ids[0], 1.0, 1.5, "word " * 5000),
        "rename": lambda: a.rename_speaker("CH1", "Name " * 5000, media_id=ids[0]),
        "transcribe": lambda: a.transcribe(ids[1], fake_engine),
    }
    for name, attempt in attempts.items():
        with pytest.raises(StoreError, match="disk full") as err:
            attempt()
        assert "\n" not in str(err.value), name
        assert _snapshot(root) == before, f"{name} changed the archive on a full disk"
    assert not errors(check_root(root))
    filler.unlink()
    assert a.import_paths([MEDIA / "mandarin_zh.wav"])[0].status == "imported"
    assert a.transcribe(ids[1], fake_engine).status == "done"
    assert a.segments(ids[0])[0].text == "before the disk filled"
    a.close()


def test_disk_filling_during_transcription_keeps_whole_lines_and_resumes(
    tmpfs: Path, fake_engine
) -> None:
    """The disk fills after the first segment: the run fails cleanly, then resumes."""
    from tapelog.archive.service import Archive

    root = tmpfs / "arch"
    a = Archive.open(root)
    mid = a.import_paths([MEDIA / "eight_channel.wav"])[0].id
    filled: list[Path] = []

    def fill_after_first(event) -> None:
        if event.done > 0 and not filled:
            filled.append(_fill(tmpfs))

    with pytest.raises(StoreError, match="disk full"):
        a.transcribe(mid, fake_engine, progress=fill_after_first)
    raw = next((root / "transcripts" / mid).glob("*.jsonl")).read_bytes()
    assert raw.endswith(b"\n") and len(raw.splitlines()) >= 1
    assert not errors(check_root(root))
    filled[0].unlink()
    result = a.transcribe(mid, fake_engine)
    assert result.status == "done" and result.resumed_from > 0
    starts = [s.start for s in a.segments(mid)]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    a.close()


def test_read_only_archive_reads_searches_and_checks_but_refuses_writes(
    tmpfs: Path, fake_engine
) -> None:
    from tapelog.archive.service import Archive

    root = tmpfs / "arch"
    a = Archive.open(root)
    mid = a.import_paths([MEDIA / "silence.wav"])[0].id
    a.transcribe(mid, fake_engine)
    assert a.search("line at")
    assert a.store.backup_now() is not None
    a.close()
    before = _snapshot(root)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)]).returncode == 0
    ro = Archive.open(root)
    assert [m.id for m in ro.list_media()] == [mid]
    assert ro.segments(mid) and ro.search("line at")
    for attempt in (
        lambda: ro.import_paths([MEDIA / "mandarin_zh.wav"]),
        lambda: ro.correct_segment(mid, 0, 0.5, "x"),
        lambda: ro.rename_speaker("CH1", "Liu", media_id=mid),
        lambda: ro.transcribe(mid, fake_engine),
    ):
        with pytest.raises(ReadOnlyArchiveError, match="read-only"):
            attempt()
    assert not errors(check_root(root))
    proc = run_cli("speakers", "rename", "CH1", "Liu", "--media", mid, archive=root)
    assert proc.returncode == 1 and "read-only" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("restore", archive=root)  # was a 51-line traceback
    assert proc.returncode == 1 and "read-only" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    ro.close()
    assert _snapshot(root) == before


# --- backups, restore, export/import --------------------------------------------------


def test_backups_rotate_keeping_ten_and_restore_brings_one_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tapelog.archive.store as store_mod
    from tapelog.archive.service import Archive

    monkeypatch.setattr(store_mod, "BACKUP_INTERVAL_S", 0.0)  # a backup before every commit
    root = tmp_path / "arch"
    a = Archive.open(root)
    mid = a.import_paths([MEDIA / "silence.wav"])[0].id
    for n in range(14):
        a.correct_segment(mid, n, n + 0.5, f"version {n}")
    a.close()
    backups = store_mod.list_backups(root)
    assert len(backups) == store_mod.BACKUPS_KEPT == 10
    assert not list((root / "backups").glob(".tmp-*"))
    # The 4th newest backup was taken just before "version 10" was written.
    chosen = backups[3]
    listed = json.loads(run_cli("backups", "--json", archive=root).stdout)
    assert [b["name"] for b in listed] == [b.name for b in backups]
    proc = run_cli("restore", chosen.name, archive=root)
    assert proc.returncode == 0, proc.stderr
    restored = Archive.open(root)
    texts = [c.text for c in restored.corrections(mid)]
    assert texts == [f"version {n}" for n in range(10)]
    assert not errors(check_archive(restored))
    restored.close()
    assert list(root.glob("store.replaced-*")), "the store it replaced is kept aside"


@pytest.fixture
def small_archive(tmp_path: Path, fake_engine) -> Path:
    """Imported, transcribed (stand-in engine), corrected, speakers named, tagged."""
    from tapelog.archive.models import Tag
    from tapelog.archive.service import Archive, now_iso

    root = tmp_path / "src"
    a = Archive.open(root)
    ids = [
        r.id
        for r in a.import_paths(
            [MEDIA / "silence.wav", MEDIA / "eight_channel.wav", MEDIA / "采访 罗润 父亲.wav"]
        )
    ]
    for mid in ids:
        a.transcribe(mid, fake_engine)
    a.correct_segment(ids[0], 0.0, 0.5, "罗润 was there")
    a.rename_speaker("CH1", "Liu Fang", media_id=ids[1])
    with a.store.transaction():
        tag = Tag(
            id=a.store.next_id("tg"),
            media_id=ids[2],
            start=0.5,
            end=1.5,
            themes=["search"],
            note="first",
            created=now_iso(),
        )
        a.store.table("tags").insert(tag.to_dict())
    a.close()
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for sub in ("store", "transcripts")
        for p in sorted((root / sub).rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("name", ["crew.tapelog.tar", "crew.tapelog.tar.gz"])
def test_export_import_round_trip_with_checksums(small_archive: Path, tmp_path: Path, name):
    from tapelog.archive.service import Archive

    file = tmp_path / name
    proc = run_cli("archive", "export", str(file), "--json", archive=small_archive)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["media"] == 3 and summary["transcripts"] == 3
    with tarfile.open(file) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("tapelog-archive/manifest.json").read())
    assert not any("index" in n or "backups" in n for n in names)
    assert len(manifest["files"]) == summary["files"]
    dest = tmp_path / "elsewhere" / "arch"
    proc = run_cli("archive", "import", str(file), str(dest), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["missing_media_files"] == []
    assert _tree(dest) == _tree(small_archive)
    a = Archive.open(dest)
    hits = a.search("罗润")
    assert hits and hits[0].text == "罗润 was there"  # index rebuilt from the store
    assert a.speaker_names(a.list_media()[1].id) == {"CH1": "Liu Fang"}
    a.close()
    assert run_cli("check", archive=dest).returncode == 0
    # The destination must be empty: an import never merges into an archive.
    again = run_cli("archive", "import", str(file), str(dest))
    assert again.returncode == 2 and "not an empty folder" in again.stderr


def test_import_archive_is_the_pair_of_export_archive(small_archive: Path, tmp_path: Path) -> None:
    file = tmp_path / "crew.tapelog.tar"
    assert run_cli("export", "archive", str(file), archive=small_archive).returncode == 0
    dest, unused = tmp_path / "dest", tmp_path / "unused"
    proc = run_cli("import", "archive", str(file), str(dest), archive=unused)
    assert proc.returncode == 0, proc.stderr
    assert _tree(dest) == _tree(small_archive) and not unused.exists()
    bad = tmp_path / "not.tar"
    bad.write_text("not a tar")
    proc = run_cli("archive", "import", str(bad), str(tmp_path / "d2"))
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "\\n" not in proc.stderr


def test_a_damaged_store_is_not_exported(small_archive: Path, tmp_path: Path) -> None:
    """Its checksums would match on the other machine, where there is no backup."""
    tags = table_files(small_archive, "tags")[0]
    tags.write_text(tags.read_text(encoding="utf-8")[:-7], encoding="utf-8")
    file = tmp_path / "crew.tapelog.tar"
    proc = run_cli("archive", "export", str(file), archive=small_archive)
    assert proc.returncode == 1 and "corrupt" in proc.stderr
    assert str(tags.relative_to(small_archive / "store")) in proc.stderr
    assert "Traceback" not in proc.stderr and not file.exists()


def _rewrite_tar(src: Path, dest: Path, change) -> None:
    """Copy a tar member by member, letting ``change(info, data)`` alter or add members."""
    with tarfile.open(src) as tin, tarfile.open(dest, "w") as tout:
        for info in tin.getmembers():
            data = tin.extractfile(info).read() if info.isfile() else b""
            for new_info, new_data in change(info, data):
                new_info.size = len(new_data)
                tout.addfile(new_info, io.BytesIO(new_data) if new_info.isfile() else None)


def test_tampered_or_unsafe_exports_are_refused_before_anything_is_written(
    small_archive: Path, tmp_path: Path
) -> None:
    from tapelog.archive.portable import PortableArchiveError, import_archive

    good = tmp_path / "good.tar"
    assert run_cli("archive", "export", str(good), archive=small_archive).returncode == 0

    def flip_a_byte(info, data):
        if info.name.endswith(".jsonl") and "flipped" not in flip_a_byte.__dict__:
            flip_a_byte.flipped = True
            data = data.replace(b"line", b"LINE", 1)
        yield info, data

    def add_member(name, kind=tarfile.REGTYPE):
        def change(info, data):
            yield info, data
            if info.name.endswith("manifest.json"):
                extra = tarfile.TarInfo(name)
                extra.type = kind
                if kind == tarfile.SYMTYPE:
                    extra.linkname = "/etc/passwd"
                yield extra, b"" if kind != tarfile.REGTYPE else b"pwned\n"

        return change

    def traversal_listed(info, data):
        # A '..' member that the manifest also lists with the right checksum.
        evil = b"pwned\n"
        if info.name.endswith("manifest.json"):
            manifest = json.loads(data)
            rel = "store/../../escaped.json"
            manifest["files"][rel] = {"sha256": hashlib.sha256(evil).hexdigest(), "size": 6}
            data = json.dumps(manifest).encode()
            extra = tarfile.TarInfo("tapelog-archive/" + rel)
            yield extra, evil
        yield info, data

    cases = {
        "tampered": (flip_a_byte, "checksum mismatch"),
        "traversal": (add_member("tapelog-archive/../../escaped.json"), "climbs out"),
        "absolute": (add_member("/tmp/tapelog-escaped.json"), "absolute path"),
        "symlink": (add_member("tapelog-archive/store/x.json", tarfile.SYMTYPE), "plain files"),
        "listed traversal": (traversal_listed, "climbs out"),
    }
    for label, (change, message) in cases.items():
        bad = tmp_path / f"{label.replace(' ', '_')}.tar"
        _rewrite_tar(good, bad, change)
        dest = tmp_path / f"dest-{label.replace(' ', '_')}"
        with pytest.raises(PortableArchiveError, match=message):
            import_archive(bad, dest)
        assert not dest.exists() or not any(dest.iterdir()), label
        proc = run_cli("archive", "import", str(bad), str(dest))
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, label
    assert not (tmp_path / "escaped.json").exists()
    assert not Path("/tmp/tapelog-escaped.json").exists()
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(PortableArchiveError):
        import_archive(truncated, tmp_path / "dest-truncated")


def test_check_finds_what_is_wrong_and_says_how_to_fix_it(small_archive: Path) -> None:
    from tapelog.archive.service import Archive

    assert run_cli("check", archive=small_archive).returncode == 0
    a = Archive.open(small_archive)
    mids = [m.id for m in a.list_media()]
    with a.store.transaction():
        a.store.table("tags").insert({"id": "tg99", "media_id": "m404", "start": 3, "end": 1})
        a.store.table("selections").insert(
            {"name": "selects", "items": [{"media_id": "m77", "start": 1, "end": 2}]}
        )
    a.close()
    tr = next((small_archive / "transcripts" / mids[1]).glob("*.jsonl"))
    lines = tr.read_bytes().splitlines(keepends=True)
    tr.write_bytes(lines[0] + b'{"start": 1, "end"\n' + b"".join(lines[1:]))
    (small_archive / "store" / ".tags.json.tmp-999999-1").write_text("{}")
    proc = run_cli("check", "--json", archive=small_archive)
    assert proc.returncode == 1
    found = json.loads(proc.stdout)["problems"]
    whats = " | ".join(p["what"] for p in found if p["severity"] == ERROR)
    assert "refers to media 'm404'" in whats and "impossible span 3-1" in whats
    assert "line 2 is broken" in whats
    assert "selection 'selects' quote 1 refers to media 'm77'" in whats
    warnings = [p for p in found if p["severity"] == "warning"]
    assert any("leftover temp file" in p["what"] for p in warnings)
    # A corrupt store cannot be opened, but check still says what is wrong.
    (small_archive / "store" / "media.json").write_text('{"1": {"id": "m1"')
    proc = run_cli("check", archive=small_archive)
    assert proc.returncode == 1 and "media.json" in proc.stdout and "tapelog restore" in proc.stdout


def test_plain_check_finds_another_file_at_a_media_files_path(tmp_path: Path) -> None:
    """A take copied over another (or an imported record naming some other file) is
    caught by a plain `check` when its size differs, a stat and no read, and `relink`
    finds the original; one of the same size needs `check --deep`, which fingerprints
    the content."""
    import shutil

    from tapelog.archive.service import Archive

    take = tmp_path / "takes" / "A001.wav"
    take.parent.mkdir()
    shutil.copy(MEDIA / "silence.wav", take)
    root = tmp_path / "a"
    a = Archive.open(root)
    mid = a.import_paths([take])[0].id
    a.close()
    assert run_cli("check", archive=root).returncode == 0
    shutil.copy(MEDIA / "采访 罗润 父亲.wav", take)  # another take, another size
    proc = run_cli("check", archive=root)
    assert proc.returncode == 1
    assert f"the file of {mid} has changed since it was imported" in proc.stdout
    # As the fix says: relink finds the original where it is now.
    card = tmp_path / "card" / "A001.wav"
    card.parent.mkdir()
    shutil.copy(MEDIA / "silence.wav", card)
    proc = run_cli("relink", str(card.parent), archive=root)
    assert proc.returncode == 0 and mid in proc.stdout
    assert run_cli("check", archive=root).returncode == 0
    # The same size, other bytes: only the fingerprint tells.
    data = bytearray(card.read_bytes())
    data[-1000:] = bytes(range(200)) * 5
    card.write_bytes(bytes(data))
    assert run_cli("check", archive=root).returncode == 0
    proc = run_cli("check", "--deep", archive=root)
    assert proc.returncode == 1 and "has changed since it was imported" in proc.stdout


# --- concurrency ----------------------------------------------------------------------

CLI_LOOP = textwrap.dedent(
    """
    import sys, time
    from tapelog.cli.main import main
    root, tag, seconds, corr_media, speaker_media = sys.argv[1:6]
    end = time.monotonic() + float(seconds)
    i = 0
    while time.monotonic() < end:
        # --no-align: this is about concurrent writes, not Whisper aligning each line.
        rc = main(["--archive", root, "correct", corr_media, str(i), str(i + 0.5), f"{tag} {i}",
                   "--no-align"])
        print(f"C\\t{rc}\\t{tag} {i}", flush=True)
        rc = main(["--archive", root, "speakers", "rename", "--media", speaker_media,
                   "CH1", f"{tag}-{i}"])
        print(f"S\\t{rc}\\t{tag}-{i}", flush=True)
        i += 1
    """
)


def test_two_cli_processes_writing_at_once_lose_no_update(small_archive: Path) -> None:
    """Two `tapelog` command loops correct and rename in one archive for 4 s each."""
    from tapelog.archive.service import Archive

    a = Archive.open(small_archive)
    mids = [m.id for m in a.list_media()]
    before = len(a.corrections(mids[0]))
    a.close()
    procs = {
        tag: subprocess.Popen(
            [sys.executable, "-c", CLI_LOOP, str(small_archive), tag, "4", mids[0], mid],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=str(REPO),
        )
        for tag, mid in (("a", mids[1]), ("b", mids[2]))
    }
    outs = {}
    for tag, p in procs.items():
        out, err = p.communicate(timeout=600)  # a deadlock fails here, not hangs
        assert p.returncode == 0, err
        rows = [line.split("\t") for line in out.splitlines()]  # the commands print too
        outs[tag] = [r for r in rows if len(r) == 3 and r[0] in ("C", "S")]
    a = Archive.open(small_archive)
    texts = {c.text for c in a.corrections(mids[0])}
    done = {text for rows in outs.values() for kind, rc, text in rows if kind == "C" and rc == "0"}
    assert all(rc == "0" for rows in outs.values() for _k, rc, _t in rows), outs
    assert len(done) >= 6 and done <= texts
    assert len(a.corrections(mids[0])) == before + len(done)
    for tag, mid in (("a", mids[1]), ("b", mids[2])):
        last = [text for kind, rc, text in outs[tag] if kind == "S"][-1]
        assert a.speaker_names(mid) == {"CH1": last}
    assert not errors(check_archive(a))
    a.close()


HOLDER = textwrap.dedent(
    """
    import os, signal, sys
    from tapelog.archive.store import Store
    s = Store(sys.argv[1])
    with s.transaction():
        s.table("tags").insert({"id": "never-committed", "media_id": "m1", "start": 0, "end": 1})
        print("locked", flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)  # hung while holding the writer lock
    """
)


def test_hung_lock_holder_times_out_cleanly_and_a_killed_one_frees_the_lock(
    small_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(small_archive)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=str(REPO),
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("TAPELOG_LOCK_TIMEOUT", "1.5")
        # A hung holder never lets go: only the configured timeout can end the wait.
        proc = run_cli("correct", "m1", "0", "0.5", "while hung", archive=small_archive)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert "another tapelog process" in proc.stderr and len(proc.stderr.splitlines()) == 1
        assert "for over 2 s" in proc.stderr  # the 1.5 s it was given, not the default 30
        with pytest.raises(LockTimeoutError):
            Store(small_archive).transaction(timeout=0.5).__enter__()
    finally:
        holder.kill()
        holder.wait(timeout=10)
    # No waiting at all: the dead holder's lock went with it, so one try succeeds.
    monkeypatch.setenv("TAPELOG_LOCK_TIMEOUT", "0")
    proc = run_cli("correct", "m1", "0", "0.5", "after the kill", archive=small_archive)
    assert proc.returncode == 0, proc.stderr
    ids = {d["id"] for d in Store(small_archive).table("tags").all()}
    assert "never-committed" not in ids
    proc = run_cli("check", archive=small_archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not errors(check_root(small_archive))


@pytest.mark.slow
def test_transcribe_all_beside_another_process_writing(tmp_path: Path) -> None:
    """`tapelog transcribe --all` (real Whisper) while another process tags and corrects.

    Extends tests/test_cli_core.py's single-file version: every media file, plus tags
    written through the store and speaker renames, all checked afterwards.
    """
    from tapelog.archive.models import Tag
    from tapelog.archive.service import Archive, now_iso

    root = tmp_path / "arch"
    a = Archive.open(root)
    ids = [r.id for r in a.import_paths([MEDIA / "interview_liu.mov", MEDIA / "silence.wav"])]
    exe = Path(sys.executable).with_name("tapelog")
    proc = subprocess.Popen(
        [str(exe), "--archive", str(root), "transcribe", "--all", "--threads", "1", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tags: list[str] = []
    corrections = 0
    deadline = time.monotonic() + 300
    while (proc.poll() is None or len(tags) < 5) and time.monotonic() < deadline:
        with a.store.transaction():
            tag = Tag(
                id=a.store.next_id("tg"),
                media_id=ids[1],
                start=0,
                end=1,
                note=f"n{len(tags)}",
                created=now_iso(),
            )
            a.store.table("tags").insert(tag.to_dict())
        tags.append(tag.id)
        a.correct_segment(ids[1], corrections, corrections + 0.5, f"note {corrections}")
        corrections += 1
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert {r["media_id"] for r in json.loads(out)} == set(ids)
    assert {d["id"] for d in a.store.table("tags").all()} == set(tags)
    assert len(a.corrections(ids[1])) == corrections
    assert all(m.transcript_status == "done" for m in a.list_media())
    assert not errors(check_archive(a))
    a.close()
