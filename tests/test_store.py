"""The store: atomic, locked, migrated, backed up, and honest about corruption."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tapelog.archive.errors import ReadOnlyArchiveError, StoreCorruptError, StoreError
from tapelog.archive.store import MIGRATIONS, SCHEMA_VERSION, Store, restore_backup
from tinydb import Query

from tests.conftest import mount_tmpfs

WRITER = textwrap.dedent(
    """
    import sys
    from tapelog.archive.store import Store
    store = Store(sys.argv[1])
    tag = sys.argv[2]
    n = int(sys.argv[3])
    for i in range(n):
        with store.transaction():
            store.table("tags").insert({"id": f"{tag}-{i}", "note": "x" * 200})
            store.table("links").insert({"id": f"{tag}-{i}"})
        print(f"{tag}-{i}", flush=True)
    """
)


def _ids(root: Path) -> set[str]:
    store = Store(root)
    return {d["id"] for d in store.table("tags").all()}


def test_transaction_writes_once_and_rolls_back_on_error(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction():
        store.table("tags").insert({"id": store.next_id("t")})
        store.table("tags").insert({"id": store.next_id("t")})
    with pytest.raises(ValueError), store.transaction():
        store.table("tags").insert({"id": "never"})
        raise ValueError("boom")
    assert sorted(d["id"] for d in Store(tmp_path).table("tags").all()) == ["t1", "t2"]


def test_writes_outside_a_transaction_are_refused(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(RuntimeError):
        store.table("tags").insert({"id": "x"})


def test_new_store_is_at_the_current_schema_with_every_migration(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.schema_version == SCHEMA_VERSION == max(MIGRATIONS)


def test_old_store_is_migrated_on_open(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "meta.json").write_text(
        json.dumps({"1": {"key": "schema", "version": 1}})
    )
    (tmp_path / "store" / "media.json").write_text(json.dumps({"1": {"id": "m1", "path": "/x"}}))
    store = Store(tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.table("media").all()[0]["transcript_status"] == "none"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "meta.json").write_text(
        json.dumps({"1": {"key": "schema", "version": SCHEMA_VERSION + 5}})
    )
    with pytest.raises(StoreError, match="newer tapelog"):
        Store(tmp_path)


def test_corrupt_store_is_never_overwritten_and_can_be_restored(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction():
        store.table("tags").insert({"id": "keep-me"})
    assert store.backup_now() is not None
    broken = b'{"1": {"key": "sch'
    (tmp_path / "store" / "meta.json").write_bytes(broken)
    with pytest.raises(StoreCorruptError) as err:
        Store(tmp_path)
    message = str(err.value)
    assert "tapelog restore" in message and "\n" not in message
    assert (tmp_path / "store" / "meta.json").read_bytes() == broken
    restore_backup(tmp_path)
    assert _ids(tmp_path) == {"keep-me"}
    kept = list(tmp_path.glob("store.replaced-*"))
    assert kept and (kept[0] / "meta.json").read_bytes() == broken


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    Store(tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), tag, "60"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    ids = _ids(tmp_path)
    assert ids == {f"{t}-{i}" for t in "ab" for i in range(60)}


def test_killed_writer_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """SIGKILL a writer at random moments; every printed (committed) id must survive.

    Each writer is killed 0-300 ms after its first commit, so the kill lands while it is
    writing however long a loaded machine takes to start Python.
    """
    Store(tmp_path)
    rng = random.Random(7)
    acknowledged: set[str] = set()
    for round_ in range(12):
        p = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), f"r{round_}", "100000"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert p.stdout is not None
        first = p.stdout.readline().strip()
        assert first == f"r{round_}-0", first
        time.sleep(rng.random() * 0.3)
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
        acknowledged.update([first, *out.split()])
        ids = _ids(tmp_path)  # the store opens and parses after every kill
        assert acknowledged <= ids
    assert len(acknowledged) > 12
    for f in (tmp_path / "store").glob("*.json"):
        json.loads(f.read_text())
    assert not (tmp_path / "store" / ".journal.json").exists()


def test_stale_lock_of_a_killed_process_is_recovered(tmp_path: Path) -> None:
    holder = textwrap.dedent(
        """
        import sys, time
        from tapelog.archive.store import Store
        s = Store(sys.argv[1])
        with s.transaction():
            print("locked", flush=True)
            time.sleep(60)
        """
    )
    Store(tmp_path)
    p = subprocess.Popen(
        [sys.executable, "-c", holder, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert p.stdout.readline().strip() == "locked"
    p.kill()
    p.wait()
    store = Store(tmp_path)
    with store.transaction(timeout=0):  # one try: the kernel dropped the dead holder's lock
        store.table("tags").insert({"id": "after"})
    assert "after" in _ids(tmp_path)


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    yield from mount_tmpfs(tmp_path, "256k")


def test_full_disk_fails_cleanly_and_keeps_the_old_store(small_tmpfs: Path) -> None:
    store = Store(small_tmpfs / "arch")
    with store.transaction():
        store.table("tags").insert({"id": "before"})
    tags_file = small_tmpfs / "arch" / "store" / "tags" / "0-0.json"
    before = tags_file.read_bytes()
    with pytest.raises(StoreError, match="disk full"), store.transaction():
        store.table("tags").insert({"id": "huge", "note": "x" * 400_000})
    assert tags_file.read_bytes() == before
    assert not [p for p in (small_tmpfs / "arch" / "store").rglob("*") if ".tmp-" in p.name]
    assert _ids(small_tmpfs / "arch") == {"before"}


def test_read_only_archive_reads_but_refuses_writes(small_tmpfs: Path) -> None:
    root = small_tmpfs / "arch"
    store = Store(root)
    with store.transaction():
        store.table("tags").insert({"id": "kept"})
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)]).returncode == 0
    ro = Store(root)
    assert {d["id"] for d in ro.table("tags").all()} == {"kept"}
    with pytest.raises(ReadOnlyArchiveError, match="read-only"), ro.transaction():
        ro.table("tags").insert({"id": "nope"})


def test_small_write_rewrites_only_its_table(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction():
        store.table("media").insert_multiple({"id": f"m{i}", "pad": "x" * 500} for i in range(500))
    media_files = sorted((tmp_path / "store" / "media").glob("*.json"))
    before = {f: f.stat().st_mtime_ns for f in media_files}
    with store.transaction():
        store.table("speakers").insert({"media_id": "m1", "label": "CH1", "name": "Peng"})
    assert {f: f.stat().st_mtime_ns for f in media_files} == before
    assert [f.stat().st_size for f in (tmp_path / "store" / "speakers").glob("*.json")] < [200]


def test_a_write_in_a_big_table_rewrites_one_small_shard(tmp_path: Path) -> None:
    """Adding a tag to 5,000 rewrites one shard of at most SPLIT_AT tags, not all 5,000."""
    from tapelog.archive.shards import SPLIT_AT

    store = Store(tmp_path)
    with store.transaction():
        store.table("tags").insert_multiple({"id": f"t{i}", "media_id": "m1"} for i in range(5000))
    shards = sorted((tmp_path / "store" / "tags").glob("*.json"))
    assert len(shards) > 5000 / SPLIT_AT and not (tmp_path / "store" / "tags.json").exists()
    before = {f: f.stat().st_mtime_ns for f in shards}
    with store.transaction():
        store.table("tags").insert({"id": "t-new", "media_id": "m2"})
    changed = [f for f in shards if f.stat().st_mtime_ns != before[f]]
    assert len(changed) == 1 and len(json.loads(changed[0].read_text())) <= SPLIT_AT
    assert store.table("tags").get(Query().id == "t-new")["media_id"] == "m2"
    assert len(store.table("tags")) == 5001


def test_interrupted_multi_table_commit_is_finished_on_open(tmp_path: Path) -> None:
    """A crash after the journal but before every table was replaced: replay it."""
    store = Store(tmp_path)
    journal = {
        "tags": json.dumps({"1": {"id": "t1"}}),
        "links": json.dumps({"1": {"id": "l1", "tag_id": "t1"}}),
    }
    (tmp_path / "store" / ".journal.json").write_text(json.dumps(journal))
    (tmp_path / "store" / "tags.json").write_text(journal["tags"])  # links never got there
    del store
    reopened = Store(tmp_path)
    assert [d["id"] for d in reopened.table("links").all()] == ["l1"]
    assert not (tmp_path / "store" / ".journal.json").exists()


def test_restore_interrupted_between_renames_is_finished_on_open(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction():
        store.table("tags").insert({"id": "restored"})
    store.backup_now()
    restore_backup(tmp_path)
    # Simulate a crash after the old store was moved aside but before the new one moved in.
    restoring = tmp_path / ".store.restoring"
    (tmp_path / "store").rename(restoring)
    (restoring / ".complete").write_text("x")
    assert _ids(tmp_path) == {"restored"}
    assert not restoring.exists()


def test_temp_files_of_dead_writers_are_cleaned(tmp_path: Path) -> None:
    store = Store(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    leftover = tmp_path / "store" / f".tags.json.tmp-{dead}-1"
    leftover.write_text("{")
    with store.transaction():
        store.table("tags").insert({"id": "x"})
    # Looked for once per opened store (not at every small write): the next one writing.
    with Store(tmp_path).transaction() as again:
        again.table("tags").insert({"id": "y"})
    assert not leftover.exists()


@pytest.mark.parametrize(
    ("table", "text", "message"),
    [
        ("tags", '{"_default": {"1": 5}}', "entry '_default' is not a record"),
        ("tags", '{"1": 5}', "entry '1' is not a record"),
        (
            "media",
            '{"1": {"id": "m1", "path": 7}}',
            "media record (m1) is damaged (no 'info' field)",
        ),
        ("cases", '{"1": {"child_name": "x"}}', "Case record is damaged"),
    ],
)
def test_valid_json_of_the_wrong_shape_is_a_clear_error(
    archive, media_dir: Path, table: str, text: str, message: str
) -> None:
    """A hand-edited table file fails in one line that says how to restore, not deep in TinyDB."""
    from tests.conftest import run_cli

    archive.import_paths([media_dir / "silence.wav"])
    tmp_path = archive.root
    # The file the table lives in (its shard; a table with no records yet: its first).
    damaged = (
        tmp_path / "store" / f"{(archive.store.table_files(table) or [table + '/0-0'])[-1]}.json"
    )
    damaged.parent.mkdir(exist_ok=True)
    damaged.write_text(text, encoding="utf-8")
    command = {"tags": ["tags", "list"], "media": ["list"], "cases": ["cases", "list"]}[table]
    out = run_cli(*command, archive=tmp_path)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr and message in out.stderr
    assert "tapelog restore" in out.stderr
    assert damaged.read_text(encoding="utf-8") == text


def test_backups_say_what_they_hold_and_restore_says_what_it_replaced(
    archive, media_dir: Path
) -> None:
    from tests.conftest import run_cli

    archive.store.backup_now()  # the empty store
    archive.import_paths([media_dir / "silence.wav"])
    with archive.store.transaction():
        archive.store.table("tags").insert({"id": "g1", "media_id": "m1", "start": 0, "end": 1})
    out = run_cli("backups", archive=archive.root)
    assert out.returncode == 0 and "0 media, 0 tags" in out.stdout and "UTC" in out.stdout
    out = run_cli("restore", archive=archive.root)
    assert out.returncode == 0, out.stderr
    assert "(0 media, 0 tags)" in out.stdout
    assert "the store it replaced (1 media, 1 tags) is kept as store.replaced-" in out.stderr
