"""`tapelog archive merge`: two loggers' archives become one, nothing lost or doubled.

Real archives in temp dirs, real sample media, the real CLI. Transcripts are written
as records and JSONL files directly (what a finished run leaves), to keep Whisper out
of tests that are about merging.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from tapelog.archive import cases as C
from tapelog.archive.library import save_media
from tapelog.archive.models import Case, Person, TranscriptRecord
from tapelog.archive.selections import save_selection
from tapelog.archive.service import Archive, now_iso
from tapelog.archive.transcripts import transcript_path, write_segments
from tapelog.transcribe.types import Segment

from tests.conftest import MEDIA, edit_table, run_cli, table_files


def _transcript(arc: Archive, mid: str, texts: list[str], model: str = "tiny.en") -> str:
    segs = [Segment(2.0 * i, 2.0 * i + 2.0, t) for i, t in enumerate(texts)]
    with arc.store.transaction():
        rec = TranscriptRecord(
            id=arc.store.next_id("tr"), media_id=mid, model=model,
            options={"task": "transcribe"}, created=now_iso(), status="done",
            segment_count=len(segs),
        )  # fmt: skip
        arc.store.table("transcripts").insert(rec.to_dict())
        write_segments(transcript_path(arc.root, mid, rec.id), segs)
        media = arc.get_media(mid)
        media.transcript_id, media.transcript_status = rec.id, "done"
        save_media(arc, media)
    return rec.id


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    """Archive A (ours) and B (a field laptop) sharing one interview under another path."""
    a_root, b_root = tmp_path / "a", tmp_path / "b"
    moved = tmp_path / "drive"
    moved.mkdir()
    shutil.copy(MEDIA / "interview_liu.mov", moved / "A001_liu.mov")
    a, b = Archive.open(a_root), Archive.open(b_root)
    assert [r.id for r in a.import_paths([MEDIA / "interview_liu.mov", MEDIA / "silence.wav"])]
    assert [r.id for r in b.import_paths([moved / "A001_liu.mov", MEDIA / "mandarin_zh.wav"])]
    _transcript(b, "m1", ["hello there", "we searched the station"])
    _transcript(b, "m2", ["ni hao"], model="base")
    b.correct_segment("m1", 0, 2, "Hello there, Liu.")
    C.upsert_case(a, Case("C1", child_name="Li Wei", notes="from A"))
    C.upsert_case(b, Case("C1", child_name="Li Wei", missing_place="Xi'an", notes="from B"))
    C.upsert_case(b, Case("C2", child_name="Zhang Min"))
    C.upsert_person(b, Person("P1", name="Liu Fang", flags=["minor"], cases=["C1"]))
    C.add_tag(a, "m1", 0, 2, themes=["family"], cases=["C1"], new_themes=True)
    C.add_tag(b, "m1", 0, 2, themes=["family"], cases=["C1"], new_themes=True)  # logged twice
    C.add_tag(b, "m1", 2, 4, themes=["search"], people=["P1"], note="good", new_themes=True)
    C.add_tag(b, "m2", 0, 2, themes=["mandarin"], new_themes=True)
    save_selection(a, "selects", [])
    from tapelog.archive.models import SelectionItem
    from tapelog.archive.selections import add_items

    add_items(b, "selects", [SelectionItem("m1", 2.0, 4.0, "we searched the station")])
    a.close()
    b.close()
    return a_root, b_root


def _state(root: Path) -> dict[str, str]:
    """Every store table and transcript file, for byte-for-byte comparison."""
    out = {}
    for folder in ("store", "transcripts"):
        for p in sorted((root / folder).rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                out[str(p.relative_to(root))] = p.read_text(encoding="utf-8")
    return out


def test_merge_unites_work_and_a_second_merge_changes_nothing(two):
    a_root, b_root = two
    before = _state(a_root)
    dry = run_cli("archive", "merge", str(b_root), "--dry-run", "--json", archive=a_root)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert _state(a_root) == before, "a dry run wrote something"
    added = plan["added"]
    assert (added["media"], added["transcripts"], added["corrections"]) == (1, 2, 1)
    assert (added["tags"], added["cases"], added["people"]) == (2, 1, 1)
    assert plan["updated"]["selections"] == 1
    assert any("notes differs" in r and "kept ours" in r for r in plan["review"])

    done = run_cli("archive", "merge", str(b_root), archive=a_root)
    assert done.returncode == 0, done.stderr
    a = Archive.open(a_root)
    media = {m.id: m for m in a.list_media()}
    assert len(media) == 3  # the shared interview once, by content, though paths differ
    assert media["m1"].path == str((MEDIA / "interview_liu.mov").resolve())
    assert media["m1"].transcript_status == "done"
    assert [s.text for s in a.segments("m1")][0] == "Hello there, Liu."  # the correction
    new = next(m for m in media.values() if m.path.endswith("mandarin_zh.wav"))
    assert [s.text for s in a.segments(new.id)] == ["ni hao"]
    tags = C.list_tags(a)
    keys = sorted((t.media_id, t.start, tuple(t.themes)) for t in tags)
    assert keys == [
        ("m1", 0.0, ("family",)),
        ("m1", 2.0, ("search",)),
        (new.id, 0.0, ("mandarin",)),
    ]
    case = C.get_case(a, "C1")
    assert case.notes == "from A" and case.missing_place == "Xi'an"  # never overwritten
    assert C.get_person(a, "P1").flags == ["minor"]
    sel = next(s for s in a.store.table("selections").all() if s["name"] == "selects")
    assert len(sel["items"]) == 1
    a.close()
    assert run_cli("check", archive=a_root).returncode == 0

    after = _state(a_root)
    again = run_cli("archive", "merge", str(b_root), archive=a_root)
    assert again.returncode == 0, again.stderr
    assert "nothing new" in again.stderr
    assert _state(a_root) == after  # idempotent: not one byte changed


def test_merged_transcripts_are_indexed_by_the_merge_and_searchable(two):
    """The merge indexes what it brought, so the first search afterwards has nothing to do."""
    from tapelog.archive.merge import merge_archive

    a_root, b_root = two
    a = Archive.open(a_root)
    try:
        assert a.search("station") == []  # the index exists, and is in sync, before
        rep = merge_archive(a, b_root)
        assert rep.changed
        new = next(m.id for m in a.list_media() if m.path.endswith("mandarin_zh.wav"))
        assert {"m1", new} <= set(a.index.signatures())
        assert a.sync_index() == 0, "the merge left the index stale"
        hits = a.search("station")
        assert [(h.media_id, h.text) for h in hits] == [("m1", "we searched the station")]
        assert [h.media_id for h in a.search("ni hao")] == [new]
    finally:
        a.close()
    res = run_cli("search", "Hello there", archive=a_root)  # the correction, from the CLI
    assert res.returncode == 0 and "Hello there, Liu." in res.stdout


def test_merge_from_an_export_file_is_the_same_as_from_the_folder(two, tmp_path):
    a_root, b_root = two
    copy = tmp_path / "a-copy"
    shutil.copytree(a_root, copy)
    export = tmp_path / "b.tapelog.tar.gz"
    assert run_cli("archive", "export", str(export), archive=b_root).returncode == 0
    assert run_cli("archive", "merge", str(b_root), archive=a_root).returncode == 0
    assert run_cli("archive", "merge", str(export), archive=copy).returncode == 0
    strip = {k: v for k, v in _state(a_root).items() if not k.startswith("store/")}
    assert strip == {k: v for k, v in _state(copy).items() if not k.startswith("store/")}
    drop = ("created", "imported_at")

    def records(root: Path, table: str) -> list[str]:
        files = [f for f in table_files(root, table) if f.exists()]
        docs = [d for f in files for d in json.loads(f.read_text()).values()]
        return sorted(json.dumps({k: v for k, v in d.items() if k not in drop}) for d in docs)

    for table in ("media", "tags", "cases", "people", "links", "selections"):
        assert records(a_root, table) == records(copy, table), table


def test_link_decisions_win_over_pending_and_differing_decisions_are_listed(two):
    a_root, b_root = two
    from tapelog.archive.cases import link_id_for
    from tapelog.archive.models import LinkSuggestion

    def link(arc: Archive, status: str, start: float) -> None:
        lid = link_id_for("m1", start, "case", "C1", "Li Wei")
        doc = LinkSuggestion(lid, "m1", start, start + 2, "Li Wei", "case", "C1", 0.9)
        doc.status = status
        with arc.store.transaction():
            arc.store.table("links").insert(doc.to_dict())

    a, b = Archive.open(a_root), Archive.open(b_root)
    link(a, "pending", 0.0)
    link(b, "pending", 0.0)
    C.accept_link(b, link_id_for("m1", 0.0, "case", "C1", "Li Wei"))
    link(a, "rejected", 2.0)
    link(b, "pending", 2.0)
    C.accept_link(b, link_id_for("m1", 2.0, "case", "C1", "Li Wei"))
    a.close()
    b.close()
    res = run_cli("archive", "merge", str(b_root), "--json", archive=a_root)
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert any("rejected here and accepted there" in r for r in rep["review"])
    a = Archive.open(a_root)
    links = {d["start"]: d for d in a.store.table("links").all()}
    assert links[0.0]["status"] == "accepted" and links[0.0]["tag_id"]
    assert links[2.0]["status"] == "rejected" and links[2.0]["tag_id"] is None
    link_tags = [t for t in C.list_tags(a) if t.link_id]
    assert [t.id for t in link_tags] == [links[0.0]["tag_id"]]
    a.close()
    assert run_cli("check", archive=a_root).returncode == 0
    again = run_cli("archive", "merge", str(b_root), archive=a_root)
    assert "nothing new" in again.stderr


def test_bad_input_gets_one_clear_line_and_nothing_is_written(two, tmp_path):
    a_root, b_root = two
    before = _state(a_root)

    res = run_cli("archive", "merge", str(a_root), archive=a_root)
    assert res.returncode == 2 and "into itself" in res.stderr

    newer = tmp_path / "newer"
    shutil.copytree(b_root, newer)
    meta = json.loads((newer / "store" / "meta.json").read_text())
    for doc in meta.values():
        if doc.get("key") == "schema":
            doc["version"] = 99
    (newer / "store" / "meta.json").write_text(json.dumps(meta))
    res = run_cli("archive", "merge", str(newer), archive=a_root)
    assert res.returncode == 1 and "newer tapelog (schema 99" in res.stderr

    clash = tmp_path / "clash"
    shutil.copytree(b_root, clash)
    c = Archive.open(clash)
    C.upsert_case(c, Case("C1", child_name="Wang Fang"))
    c.close()
    dry = run_cli("archive", "merge", str(clash), "--dry-run", archive=a_root)
    assert dry.returncode == 0 and "case id C1 names different children" in dry.stdout
    res = run_cli("archive", "merge", str(clash), archive=a_root)
    assert res.returncode == 1 and "case id C1 names different children" in res.stderr
    assert "nothing merged" in res.stderr

    hostile = tmp_path / "hostile"
    shutil.copytree(b_root, hostile)
    edit_table(
        hostile,
        "transcripts",
        lambda table: next(iter(table.values())).update(id="../../../store/media"),
    )
    res = run_cli("archive", "merge", str(hostile), archive=a_root)
    assert res.returncode == 1 and "unsafe transcript id" in res.stderr

    damaged = tmp_path / "damaged"
    shutil.copytree(b_root, damaged)
    (damaged / "store" / "tags.json").write_text(
        '{"1": {"id": "g1", "media_id": "m1", "start": "x"'
    )
    res = run_cli("archive", "merge", str(damaged), archive=a_root)
    assert res.returncode == 1 and "tags table is not valid JSON" in res.stderr

    for r in (res,):
        assert "Traceback" not in r.stderr
    assert _state(a_root) == before


def _merge_killed_at(a_root: Path, b_root: Path, n: int) -> bool:
    """Merge in a forked child that dies (SIGKILL-like) at its n-th rename or unlink."""
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
            from tapelog.archive.merge import merge_archive

            merge_archive(Archive.open(a_root), b_root)
            os._exit(0)
        except BaseException:  # noqa: BLE001 - the forked child must exit, whatever happened
            os._exit(3)
    _pid, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 9), code
    return code == 9


def test_a_merge_killed_at_any_step_leaves_the_archive_as_before_or_fully_merged(two, tmp_path):
    a_root, b_root = two
    before = _state(a_root)
    full = tmp_path / "full"
    shutil.copytree(a_root, full)
    assert run_cli("archive", "merge", str(b_root), archive=full).returncode == 0
    merged = _state(full)
    outcomes = []
    n = 1
    while True:
        trial = tmp_path / f"trial{n}"
        shutil.copytree(a_root, trial)
        killed = _merge_killed_at(trial, b_root, n)
        Archive.open(trial).close()  # the next open finishes or forgets the merge
        state = _state(trial)
        assert state in (before, merged) or _same_merge(state, merged), f"kill at step {n}"
        outcomes.append("before" if state == before else "merged")
        assert run_cli("check", archive=trial).returncode in (0, 1)
        if not killed:
            break
        n += 1
    assert "before" in outcomes and "merged" in outcomes and n > 5, outcomes


def _same_merge(state: dict[str, str], merged: dict[str, str]) -> bool:
    """Equal but for the times a merge stamps (none today) and record order."""
    if set(state) != set(merged):
        return False
    for key, text in state.items():
        if key.endswith(".json"):
            a = sorted(json.dumps(d, sort_keys=True) for d in json.loads(text).values())
            b = sorted(json.dumps(d, sort_keys=True) for d in json.loads(merged[key]).values())
            if a != b:
                return False
        elif text != merged[key]:
            return False
    return True
