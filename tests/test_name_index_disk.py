"""The name index saved in the archive: reused by the next process, never stale, never
trusted (issue 15, item 5)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from tapelog.archive import cases as C
from tapelog.archive import name_index_disk as D
from tapelog.archive.linking import find_mentions
from tapelog.archive.models import Case, Person
from tapelog.archive.name_index import NameIndex
from tapelog.archive.name_index_saved import SavedNameIndex
from tapelog.transcribe.types import Segment
from tinydb import Query

from bench.bench_linking import LABELS, generate_cases, generate_transcript
from tests.conftest import MEDIA, SAMPLES, run_cli
from tests.test_cases_cli import LIU_CASE, LIU_LINES, put_transcript

KIDS = [
    Case("K-HR", "Zhang Haoran", aliases=["Haoran"], missing_place="Zhengzhou, Henan"),
    Case("K-HY", "Zhang Haoyang"),
    Case("K-ZH", "Huang Zihan", "黄子涵", parents=["Huang Lijuan"], missing_place="Nanning"),
    Case("K-XY", "Wang Xiaoyu", aliases=["Xiaoyu"], missing_place="Kunming, Yunnan"),
    Case("K-TY", "Liu Jingjun", "刘景军", missing_place="Taiyuan, Shanxi"),
]
PEOPLE = [Person("P-1", "Liu Zhiqiang", cases=["K-TY"]), Person("P-2", "Chen Guoqiang")]
TALK = [
    "My son Liu Jingjun was taken in Taiyuan.",
    "Haoran was wearing a red jacket.",
    "Boys who look like Haoran.",
    "Liu Zhiqiang spoke first, then Chen Guoqiang.",
    "我的儿子刘晶军被拐了。",
    "Huang Zihan's mother, Huang Lijuan, came too.",
    "Nobody named here.",
]


def _segs(texts: list[str]) -> list[Segment]:
    return [Segment(float(i), float(i) + 1, t) for i, t in enumerate(texts)]


def _links(index: NameIndex, texts: list[str] = TALK) -> list[tuple]:
    return [
        (m.segment, m.target_type, m.target_id, tuple(m.people), m.score, m.kind, m.matched)
        for m in find_mentions(index, _segs(texts))
    ]


def _fill(archive, cases=KIDS, people=PEOPLE) -> None:
    with archive.store.transaction():
        for c in cases:
            C.upsert_case(archive, c)
        for p in people:
            C.upsert_person(archive, p)


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget this process's index, as a new ``tapelog`` process starts without it."""
    monkeypatch.setattr(D, "_MEMO", {})


def _no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("the name index was built, not read from its saved file")

    monkeypatch.setattr(D, "NameIndex", refuse)


@pytest.fixture
def saved(archive, monkeypatch):
    """An archive with cases and people whose name index is built and saved."""
    _fill(archive)
    built = C.name_index(archive)
    assert type(built) is NameIndex and (archive.root / D.FILE).is_file()
    _new_process(monkeypatch)
    return archive, _links(built)


def test_a_new_process_reads_the_saved_index_and_links_the_same(saved, monkeypatch):
    archive, expected = saved
    _no_build(monkeypatch)
    index = C.name_index(archive)
    assert isinstance(index, SavedNameIndex)
    assert _links(index) == expected and expected
    assert C.name_index(archive) is index  # then kept in the process


def test_the_saved_index_links_as_the_built_one_does(archive, monkeypatch):
    """An hour of generated talk and the labelled linking set (variants, mishearings,
    decoys a syllable away): the same suggestions from the saved index."""
    cases = generate_cases(2000)
    _fill(archive, cases, [])
    segs = generate_transcript(cases, 300)
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    texts = [p["text"] for doc in labels["documents"] for p in doc["passages"]]
    built = C.name_index(archive)
    expected = (find_mentions(built, segs), _links(built, texts))
    _new_process(monkeypatch)
    _no_build(monkeypatch)
    saved = C.name_index(archive)
    assert isinstance(saved, SavedNameIndex)
    assert (find_mentions(saved, segs), _links(saved, texts)) == expected
    assert len(expected[0]) > 20 and expected[1]


def test_the_saved_index_matches_names_by_sound_as_the_built_one_does(archive, monkeypatch):
    """Family names beside unsure made-up words ("Lin Kugi Bolu"), read through the
    saved index's ``family`` lookup, and words matched by sound in context."""
    import random

    from tapelog.archive.linking import SOUND_KINDS
    from tapelog.transcribe.types import Segment, Word

    cases = generate_cases(2000)
    _fill(archive, cases, [])
    built = C.name_index(archive)
    rnd = random.Random(5)
    families = sorted(built.family, key=lambda k: -len(built.family[k]))[:3]
    segs = []
    for i in range(300):
        a, b = ("".join(rnd.choice("bdghjklmnstwxz") + rnd.choice("aeiou") for _ in range(2))
                .capitalize() for _ in range(2))  # fmt: skip
        toks = f"I asked {families[i % 3].capitalize()} {a} {b} about it.".split()
        words = [Word(i * 3 + k * 0.3, i * 3 + k * 0.3 + 0.3, " " + w,
                      0.3 if w in (a, b) else 0.95) for k, w in enumerate(toks)]  # fmt: skip
        segs.append(Segment(i * 3.0, i * 3.0 + 3.0, " ".join(toks), words))
    expected = find_mentions(built, segs)
    assert {m.kind for m in expected} & SOUND_KINDS
    _new_process(monkeypatch)
    _no_build(monkeypatch)
    saved = C.name_index(archive)
    assert isinstance(saved, SavedNameIndex)
    assert find_mentions(saved, segs) == expected


def _edit(archive) -> None:
    C.upsert_case(archive, Case("K-TY", "Liu Jingmei", missing_place="Taiyuan, Shanxi"))


def _import(archive) -> None:
    sheet = archive.root.parent / "fix.csv"
    sheet.write_text(
        "case_id,child_name,child_name_zh\nK-TY,Liu Jingmei,刘静梅\n", encoding="utf-8"
    )
    C.import_records(archive, sheet, "cases")


def _delete(archive) -> None:
    with archive.store.transaction():
        archive.store.table("cases").remove(Query().case_id == "K-TY")


@pytest.mark.parametrize("change", [_edit, _import, _delete])
def test_a_case_edit_import_or_delete_makes_the_saved_index_stale(saved, monkeypatch, change):
    archive, expected = saved
    assert "K-TY" in {x[2] for x in expected}
    change(archive)
    _new_process(monkeypatch)
    index = C.name_index(archive)
    assert type(index) is NameIndex  # built again, not read
    assert "K-TY" not in {x[2] for x in _links(index, ["My son Liu Jingjun was taken."])}
    _new_process(monkeypatch)
    assert isinstance(C.name_index(archive), SavedNameIndex)  # and saved again


def test_a_person_edit_makes_the_saved_index_stale(saved, monkeypatch):
    archive, _ = saved
    C.upsert_person(archive, Person("P-2", "Chen Guoming"))
    _new_process(monkeypatch)
    index = C.name_index(archive)
    assert [x[2] for x in _links(index, ["Chen Guoming spoke."])] == ["P-2"]


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _other_tables(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
    # A view where the entries belong: reading it would loop for ever.
    conn.execute("CREATE VIEW entries AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL "
                 "SELECT n + 1 FROM r) SELECT n AS d, '' AS k, '' AS v FROM r")  # fmt: skip
    conn.commit()
    conn.close()


def _bad_rows(value: str):
    def spoil(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute("UPDATE entries SET v = ?", (value,))
        conn.execute("UPDATE targets SET v = ? WHERE i = 0", (value,))
        conn.commit()
        conn.close()

    return spoil


def _trigger(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM targets; END")
    conn.commit()
    conn.close()


def _bloom_not_bytes(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE bloom SET bits = 'not bits'")
    conn.commit()
    conn.close()


def _link_elsewhere(path: Path) -> None:
    other = path.with_name("elsewhere.sqlite")
    path.rename(other)
    path.symlink_to(other)


@pytest.mark.parametrize(
    "spoil",
    [
        _garbage,
        _empty,
        _other_tables,
        _trigger,
        _link_elsewhere,
        _bloom_not_bytes,
        _bad_rows('[99999, "Liu Jingjun", "name", ""]'),  # a target that does not exist
        _bad_rows('[0, 5, "name", ""]'),
        _bad_rows('{"a": 1}'),
        _bad_rows("[" * 100_000),
        _bad_rows("not json"),
    ],
    ids=[
        "garbage",
        "empty",
        "a view",
        "a trigger",
        "a symlink",
        "key filter not bytes",
        "target out of range",
        "wrong types",
        "not a list",
        "deep",
        "not json",
    ],  # fmt: skip
)
def test_a_corrupt_or_hostile_saved_index_is_ignored_and_rebuilt(saved, monkeypatch, spoil):
    archive, expected = saved
    path = archive.root / D.FILE
    spoil(path)
    assert _links(C.name_index(archive)) == expected
    _new_process(monkeypatch)
    assert not path.is_symlink()
    _no_build(monkeypatch)
    index = C.name_index(archive)  # saved again, whole
    assert isinstance(index, SavedNameIndex) and _links(index) == expected


def test_an_index_of_files_the_clock_has_not_passed_is_not_saved(archive, monkeypatch):
    """A write within the same tick of the file system's clock could keep a file's time:
    files are read once the clock has passed them. One dated in the future never is:
    the index built from it is used but not saved."""
    _fill(archive)
    shard = next((archive.root / "store" / "cases").glob("*.json"))
    future = 4_000_000_000 * 10**9
    os.utime(shard, ns=(future, future))
    assert type(C.name_index(archive)) is NameIndex
    assert not (archive.root / D.FILE).exists()


def test_the_saved_index_is_in_the_archive_and_as_private_as_its_store(archive):
    _fill(archive)
    for f in (archive.root / "store").rglob("*.json"):
        f.chmod(0o640)
    C.name_index(archive)
    path = archive.root / D.FILE
    assert path.resolve().is_relative_to(archive.root.resolve())
    assert path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in path.parent.iterdir() if ".tmp-" in p.name]


def test_links_suggest_in_a_second_process_reuses_the_saved_index(archive):
    """Two ``tapelog links suggest`` processes: the second reads the file the first
    saved (left as it was) and suggests the same links."""
    [res] = archive.import_paths([MEDIA / "interview_liu.mov"])
    put_transcript(archive, res.id, LIU_LINES)
    C.import_cases(archive, SAMPLES / "cases_from_seeds.csv")
    C.import_people(archive, SAMPLES / "people_from_seeds.csv")
    first = run_cli("links", "suggest", res.id, archive=archive.root)
    path = archive.root / D.FILE
    st = path.stat()
    second = run_cli("links", "suggest", res.id, archive=archive.root)
    assert first.returncode == second.returncode == 0, second.stderr
    assert first.stdout == second.stdout and LIU_CASE in first.stdout
    again = path.stat()
    assert (again.st_ino, again.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
