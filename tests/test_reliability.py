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

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from archive.check import check_archive, check_root, errors
from archive.errors import LockTimeoutError, ReadOnlyArchiveError, StoreError
from archive.store import JOURNAL_NAME, Store
from archive.transcripts import SegmentWriter
from tests.conftest import MEDIA, REPO, run_cli

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
    from archive.service import Archive

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


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """200 writers killed 20-300 ms into their work; after each, a restart finds it whole.

    Every 20th writer is a fresh interpreter (``crash_worker.py run``), the others come
    from a fork server so that start-up does not eat the time budget.
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
            delay = rng.uniform(0.020, 0.300)
            if n % 20 == 19:
                p = subprocess.Popen(
                    [sys.executable, str(WORKER), "run", str(n), str(root), str(media), str(acks)],
                    stdout=subprocess.PIPE,
                    text=True,
                    cwd=str(REPO),
                )
                assert p.stdout is not None and p.stdout.readline().strip() == "ready"
                time.sleep(delay)
                p.send_signal(signal.SIGKILL)
                status = p.wait(timeout=10)
                assert status == -signal.SIGKILL, f"writer {n} exited by itself ({status})"
            else:
                pid = server.fork(n, root, media, acks)
                time.sleep(delay)
                os.kill(pid, signal.SIGKILL)
                status = server.reap(pid)
                assert os.WIFSIGNALED(status), f"writer {n} exited by itself ({status})"
            before = ledger.acks
            ledger.read(acks)
            killed_mid_write += ledger.acks > before
            _assert_whole(root, ledger, n)
    finally:
        server.close()
    elapsed = time.monotonic() - started
    print(
        f"\n{KILLS} kills in {elapsed:.1f} s; {ledger.acks} acknowledged writes "
        f"({len(ledger.media)} media, {len(ledger.tdone)} transcripts finished, "
        f"{len(ledger.corr)} corrections, {len(ledger.tags)} tag+link+case commits)"
    )
    # The kills must land while work is going on, not only before the first write.
    assert killed_mid_write > KILLS // 2
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
    mod = types.ModuleType("transcribe.engine")
    mod.get_engine = lambda options: engine
    monkeypatch.setitem(sys.modules, "transcribe.engine", mod)
    try:
        import transcribe.speakers  # noqa: F401
    except ImportError:
        spk = types.ModuleType("transcribe.speakers")
        spk.channels_differ = lambda envelopes: False
        spk.assign_speakers = lambda segments, envelopes, frame_s: segments
        monkeypatch.setitem(sys.modules, "transcribe.speakers", spk)
    from transcribe.types import TranscribeOptions

    return TranscribeOptions(model=cw.FAKE_MODEL, cpu_threads=1)


@pytest.fixture
def tmpfs(tmp_path: Path):
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        pytest.skip("needs root on Linux to mount a tmpfs")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


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
    from archive.service import Archive

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
    from archive.service import Archive

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
    from archive.service import Archive

    root = tmpfs / "arch"
    a = Archive.open(root)
    mid = a.import_paths([MEDIA / "silence.wav"])[0].id
    a.transcribe(mid, fake_engine)
    assert a.search("line at")
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
    ro.close()
    assert _snapshot(root) == before
