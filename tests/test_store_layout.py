"""The growing tables kept in shard files: the move from one file per table, and its limits.

Old archives (schema 3) held every table in one file with TinyDB's sequential ids. The
store moves them into shards when it opens them (migration 4); these tests build such
archives as the old store wrote them, whole or damaged, and kill the move half way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tapelog.archive.errors import StoreCorruptError
from tapelog.archive.shard_layout import SPLIT_AT
from tapelog.archive.store import SCHEMA_VERSION, Store
from tinydb import Query

GROWING = ("media", "transcripts", "corrections", "speakers", "cases", "people", "tags", "links")


def _old_archive(root: Path, tags: int = 400, cases: int = 300) -> dict[str, list[dict]]:
    """An archive in the one-file-per-table layout of schema 3; its records by table."""
    records: dict[str, list[dict]] = {
        "media": [{"id": f"m{i}", "path": f"/cards/{i}.mov", "info": {"duration": 60.0}}
                  for i in range(1, 21)],
        "transcripts": [{"id": f"tr{i}", "media_id": f"m{i}", "status": "done"}
                        for i in range(1, 21)],
        "speakers": [{"media_id": f"m{i}", "label": "CH1", "name": f"Speaker {i}"}
                     for i in range(1, 21)],
        "cases": [{"case_id": f"C-{i:05d}", "child_name": f"Child {i}", "aliases": [f"小{i}"]}
                  for i in range(cases)],
        "tags": [{"id": f"g{i}", "media_id": f"m{i % 20 + 1}", "start": 1.0, "end": 2.0,
                  "cases": [f"C-{i % cases:05d}"]} for i in range(tags)],
        "links": [{"link_id": f"L{i}", "media_id": "m1", "target_id": "C-00001"}
                  for i in range(30)],
    }  # fmt: skip
    store = root / "store"
    store.mkdir(parents=True)
    meta = {"1": {"key": "schema", "version": 3}, "2": {"key": "counter:g", "value": tags}}
    (store / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    for name, docs in records.items():
        table = {str(i): d for i, d in enumerate(docs, 1)}
        (store / f"{name}.json").write_text(json.dumps(table, ensure_ascii=False), "utf-8")
    return records


def _records(store: Store, name: str) -> list[str]:
    return sorted(json.dumps(d, sort_keys=True) for d in store.table(name).all())


def _expected(records: dict[str, list[dict]], name: str) -> list[str]:
    return sorted(json.dumps(d, sort_keys=True) for d in records.get(name, []))


def test_an_old_archive_is_moved_into_shards_with_every_record(tmp_path: Path) -> None:
    records = _old_archive(tmp_path)
    store = Store(tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    assert not [n for n in GROWING if (tmp_path / "store" / f"{n}.json").exists()]
    for name in GROWING:
        assert _records(store, name) == _expected(records, name), name
    shards = list((tmp_path / "store" / "tags").glob("*.json"))
    assert len(shards) > 400 / SPLIT_AT
    assert all(len(json.loads(p.read_text())) <= SPLIT_AT for p in shards)
    # Found by key in one shard, and a new write lands beside them.
    assert store.table("cases").get(Query().case_id == "C-00042")["child_name"] == "Child 42"
    with store.transaction():
        assert store.next_id("g") == "g401"  # the counters came along
        store.table("tags").insert({"id": "g401", "media_id": "m1"})
    assert len(store.table("tags")) == 401
    assert len(store.backups()) == 0 or store.backups()[0].is_dir()


def test_a_table_file_in_a_new_archive_is_taken_in(tmp_path: Path) -> None:
    """An imported export holds each table as one file: the next open splits it."""
    store = Store(tmp_path)
    with store.transaction():
        store.table("tags").insert({"id": "mine", "media_id": "m1"})
    theirs = {"7": {"id": "imported", "media_id": "m2"}}
    (tmp_path / "store" / "tags.json").write_text(json.dumps(theirs), encoding="utf-8")
    reopened = Store(tmp_path)
    assert {d["id"] for d in reopened.table("tags").all()} == {"mine", "imported"}
    assert not (tmp_path / "store" / "tags.json").exists()
    assert reopened.table("tags").get(Query().id == "imported")["media_id"] == "m2"


def _migrate_killed_at(root: Path, n: int) -> bool:
    """Open (and so migrate) in a forked child that dies at its n-th rename or unlink."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            real_replace, real_unlink = os.replace, os.unlink
            count = [0]

            def step(real):
                def wrapped(*args, **kwargs):
                    count[0] += 1
                    if count[0] == n:
                        os._exit(9)
                    return real(*args, **kwargs)

                return wrapped

            os.replace, os.unlink = step(real_replace), step(real_unlink)
            Store(root)
            os._exit(0)
        except BaseException:  # noqa: BLE001 - the forked child must exit, whatever happened
            os._exit(3)
    _pid, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 9), code
    return code == 9


def test_a_migration_killed_at_any_step_loses_nothing(tmp_path: Path) -> None:
    """Killed at its 1st, 2nd... rename or delete: the next open has every record."""
    n = 1
    while True:
        root = tmp_path / f"k{n}"
        records = _old_archive(root, tags=250, cases=120)
        killed = _migrate_killed_at(root, n)
        store = Store(root)
        assert store.schema_version == SCHEMA_VERSION, n
        for name in GROWING:
            assert _records(store, name) == _expected(records, name), (n, name)
        assert not (root / "store" / ".journal.json").exists()
        assert not list((root / "store").rglob(".*.tmp-*")), n
        if not killed:
            break
        n += 1
    assert n > 3  # the move took several steps, and each was interrupted once


def test_a_damaged_old_table_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    _old_archive(tmp_path)
    tags = tmp_path / "store" / "tags.json"
    broken = tags.read_bytes()[:-9]
    tags.write_bytes(broken)
    with pytest.raises(StoreCorruptError, match="tags.json"):
        Store(tmp_path)
    assert tags.read_bytes() == broken
    assert json.loads((tmp_path / "store" / "meta.json").read_text())["1"]["version"] == 3


def test_odd_old_records_and_an_unfinished_old_journal_are_carried_over(tmp_path: Path) -> None:
    """Records with no key, a key that is not text, the same key twice; a journal of an
    old multi-table commit that a crash left: all of it arrives, nothing is invented."""
    records = _old_archive(tmp_path, tags=10, cases=5)
    store_dir = tmp_path / "store"
    odd = [{"media_id": "m1", "note": "no id"}, {"id": 7, "media_id": "m2"},
           {"id": "g1", "media_id": "m3", "note": "twice"}]  # fmt: skip
    tags = json.loads((store_dir / "tags.json").read_text())
    tags.update({str(100 + i): d for i, d in enumerate(odd)})
    (store_dir / "tags.json").write_text(json.dumps(tags))
    journal_links = {"1": {"link_id": "J1", "media_id": "m1", "target_id": "C-00001"}}
    journal = {"links": json.dumps(journal_links)}
    (store_dir / ".journal.json").write_text(json.dumps(journal))
    (store_dir / ".tags.json.tmp-999999-1").write_text("{")  # a dead writer's temp file
    store = Store(tmp_path)
    got = _records(store, "tags")
    assert got == sorted(_expected(records, "tags") + [json.dumps(d, sort_keys=True) for d in odd])
    assert [d["link_id"] for d in store.table("links").all()] == ["J1"]
    assert len(store.table("tags").search(Query().id == "g1")) == 2
    assert not (store_dir / ".journal.json").exists()
    assert not list(store_dir.glob(".*.tmp-*"))


def test_lookups_inside_one_transaction_see_its_own_writes(tmp_path: Path) -> None:
    """An import looks keys up through a per-shard index: inserts, splits, a changed key
    and removals in the same transaction must all show in it at once."""
    store = Store(tmp_path)
    Q = Query()
    with store.transaction():
        table = store.table("cases")
        for i in range(3 * SPLIT_AT):  # the table splits several times
            assert table.get(Q.case_id == f"C{i}") is None
            table.insert({"case_id": f"C{i}", "n": i})
            assert table.get(Q.case_id == f"C{i}")["n"] == i
        table.update({"case_id": "renamed"}, Q.case_id == "C5")
        table.remove(Q.case_id == "C6")
        assert table.get(Q.case_id == "C5") is None and table.get(Q.case_id == "C6") is None
        assert table.get(Q.case_id == "renamed")["n"] == 5
        assert all(table.get(Q.case_id == f"C{i}")["n"] == i for i in range(7, 3 * SPLIT_AT))
    assert len(store.table("cases")) == 3 * SPLIT_AT - 1
    assert store.table("cases").get(Q.case_id == "renamed")["n"] == 5


def test_an_update_without_a_condition_changes_every_record_as_tinydb_does(
    tmp_path: Path,
) -> None:
    """TinyDB's ``update(fields)`` changes every document and ``remove()`` refuses to
    empty a table; the sharded table raised TypeError on the first and must do the same."""
    store = Store(tmp_path)
    with store.transaction():
        table = store.table("cases")
        for i in range(2 * SPLIT_AT):  # more than one shard
            table.insert({"case_id": f"C{i}", "status": "missing"})
        assert len(table.update({"status": "found"})) == 2 * SPLIT_AT
        with pytest.raises(RuntimeError, match="truncate"):
            table.remove()
    assert {d["status"] for d in Store(tmp_path).table("cases").all()} == {"found"}
    assert len(Store(tmp_path).table("cases")) == 2 * SPLIT_AT


def test_rewriting_a_table_at_the_same_depth_keeps_only_the_new_records(tmp_path: Path) -> None:
    """A migration rewrites a table whose shards keep their names: the old file of a
    shard must not come back under the new records (an older schema, one media file)."""
    store = Store(tmp_path)
    with store.transaction():
        store.table("media").insert({"id": "m1", "transcript_id": "tr2"})
    with store.transaction():
        store.table("media").replace_all([{"id": "m1", "transcript_id": "tr1"}])  # type: ignore[attr-defined]
    assert [d["transcript_id"] for d in Store(tmp_path).table("media").all()] == ["tr1"]


def test_a_small_write_lists_no_shard_folder(tmp_path: Path, monkeypatch) -> None:
    """A keyed write reads and writes its one shard: once the store has looked for dead
    writers' temp files (its first transaction), no folder of the growing tables is
    listed again, so the write costs the same at 200 shards as at one."""
    store = Store(tmp_path)
    with store.transaction():
        store.table("cases").insert_multiple(
            {"case_id": f"C-{i:05d}", "child_name": f"Child {i}"} for i in range(SPLIT_AT * 8)
        )
    listed: list[str] = []
    real = os.scandir

    def scandir(path=".", *a, **k):
        listed.append(str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(os, "scandir", scandir)
    for i in range(3):
        with store.transaction():
            store.table("cases").upsert({"case_id": "C-00007", "notes": f"seen {i}"},
                                        Query().case_id == "C-00007")  # fmt: skip
    assert listed == []
    assert store.table("cases").get(Query().case_id == "C-00007")["notes"] == "seen 2"


def test_the_signature_names_every_file_a_table_is_read_from(tmp_path: Path) -> None:
    """``signature`` lists a sharded table's folder once instead of a path per shard:
    still every file ``table_files`` names (the old single file too), in that order,
    with its time, size and inode; and a keyed write changes exactly its shard's row."""
    store = Store(tmp_path)
    with store.transaction():
        store.table("cases").insert_multiple(
            {"case_id": f"C-{i:05d}", "child_name": f"Child {i}"} for i in range(SPLIT_AT * 3)
        )
    (tmp_path / "store" / "cases.json").write_text(
        json.dumps({"1": {"case_id": "C-old", "child_name": "Old"}})
    )  # an old single file beside the shards, read with them until it is moved

    def by_path(*names: str) -> tuple:
        out = []
        for name in names:
            for file in store.table_files(name) or [name]:
                path = store.table_path(file)
                if path.exists():
                    st = os.stat(path)
                    out.append((file, st.st_mtime_ns, st.st_size, st.st_ino))
                else:
                    out.append((file, None))
        return tuple(out)

    names = ("cases", "people", "themes", "tags")
    before = store.signature(*names)
    assert before == by_path(*names)
    assert [row[0] for row in before][:2] == ["cases", store.table_files("cases")[1]]
    shards = list((tmp_path / "store" / "cases").glob("*.json"))
    assert len([r for r in before if r[0].startswith("cases")]) == 1 + len(shards) > 2
    assert ("people", None) in before
    with store.transaction():
        store.table("cases").upsert({"case_id": "C-00007", "notes": "x"},
                                    Query().case_id == "C-00007")  # fmt: skip
    after = store.signature(*names)
    assert after == by_path(*names)
    assert len([a for a, b in zip(before, after, strict=True) if a != b]) == 1
