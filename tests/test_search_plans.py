"""A filtered search finds the same lines whichever way it reads them (issue 15).

With a filter, the lines are read the cheapest of three ways (``index_scope.plan``):
each allowed line's text checked for the words, FTS5 probed inside each range of
allowed lines, or the text matched over the whole index and checked against the
ranges. These tests force each one and compare, for phrases, numbers, fuzzy words,
pinyin and languages, and check the choice the measured costs make.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tapelog.archive import index_scope
from tapelog.archive.index import IndexRow, SearchIndex
from tapelog.archive.index_scope import Needle

WORDS = "the police did not help us river search night station fifty thousand yuan".split()


def _lines(rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        words = rng.choices(WORDS, k=rng.randint(3, 9))
        if i % 7 == 0:
            words[1:1] = ["the", "police", "did", "not", "help"]
        if i % 11 == 0:
            words[1:1] = ["50,000", "yuan"]  # "fifty thousand yuan" finds it
        out.append(" ".join(words).capitalize() + ".")
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    rng = random.Random(11)
    ix = SearchIndex(tmp_path_factory.mktemp("plans"))
    for f in range(6):
        texts = _lines(rng, 120)
        lang = "zh" if f == 5 else "en"
        if lang == "zh":
            texts = [f"我的儿子刘晶军在太原{i}" if i % 5 == 0 else t for i, t in enumerate(texts)]
        ix.replace_media(f"m{f}", "s", [
            IndexRow(f"m{f}", i, i * 4.0, i * 4.0 + 3.5, "CH1" if i % 3 else "CH2", lang, t)
            for i, t in enumerate(texts)
        ])  # fmt: skip
    yield ix
    ix.close()


FILTERS = [
    {"spans": {"m1": [(10.0, 200.0), (300.0, 330.0)], "m5": [(0.0, 100.0)]}},
    {"speakers": [("m0", "CH2"), ("m2", "CH1"), ("m5", "CH2")]},
    {"media_ids": ["m3", "m5"]},
    {"media_ids": ["m0", "m1", "m2", "m3", "m4", "m5"], "languages": ["en"]},
]
QUERIES = [
    ("police did not", False),
    ("fifty thousand yuan", False),
    ("the", False),
    ("Jingjun", False),  # pinyin: the Mandarin lines
    ("刘晶军", False),
    ("polise serch", True),
    ("statoin", True),
]


def _found(ix: SearchIndex, query: str, fuzzy: bool, kw: dict) -> list[tuple]:
    hits = ix.search(query, fuzzy=fuzzy, limit=500, **kw)
    return [(h.media_id, h.seg_index, h.score) for h in hits]


@pytest.mark.parametrize("kw", FILTERS)
def test_every_plan_finds_the_same_lines(
    index: SearchIndex, kw: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    for query, fuzzy in QUERIES:
        found = {}
        for how in ("lines", "ranges", "text"):
            monkeypatch.setattr(index_scope, "plan", lambda runs, needle, how=how: how)
            found[how] = _found(index, query, fuzzy, kw)
        assert found["lines"] == found["ranges"] == found["text"], (query, kw)
        mandarin = query in ("Jingjun", "刘晶军") and "languages" not in kw
        if mandarin or query in ("police did not", "fifty thousand yuan", "polise serch"):
            assert found["lines"], (query, kw)  # the comparison is not of empty lists


def test_the_plan_follows_the_measured_costs() -> None:
    theme = [(i * 400, i * 400 + 12) for i in range(1500)]  # 19,500 tagged lines
    common = Needle([["we", "went", "to", "the"]], postings=4_760_000)
    rare = Needle([["gaofeng"]], postings=90)
    assert index_scope.plan(theme, common) == "lines"
    label_everywhere = [(i * 600, i * 600 + 299) for i in range(10_000)]  # 3M lines
    assert index_scope.plan(label_everywhere, rare) == "text"
    assert index_scope.plan(label_everywhere, common) == "text"
    one_file = [(1, 600)]
    assert index_scope.plan(one_file, common) == "lines"
    assert index_scope.plan([(1, 60_000)], rare) == "ranges"


def test_a_search_takes_the_media_tables_signature_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each signature stats every shard file (1,000 of the media table's at 10,000
    files): a search takes it once, for the sync and the records' cache alike; a
    search with no hits reads no sensitive spans."""
    from tests.test_tui_support import build_ui_archive

    a = build_ui_archive(tmp_path / "arch")
    assert a.search("Luo Run")  # the index built, the caches filled
    calls: list[tuple[str, ...]] = []
    real = a.store.signature

    def counted(*names: str):
        calls.append(names)
        return real(*names)

    monkeypatch.setattr(a.store, "signature", counted)
    assert a.search("Luo Run")
    assert sum("media" in names for names in calls) == 1, calls
    calls.clear()
    assert a.search("xylophone") == []
    assert not any("tags" in names for names in calls), calls
    a.close()


def test_a_search_after_a_sync_checks_no_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening an archive and syncing its index, then searching, checked every file's
    transcript twice (0.4 s at 10,000 files); a change after the sync is still seen."""
    from tapelog.archive import search as S
    from tapelog.transcribe.types import Segment

    from tests.test_tui_support import build_ui_archive, write_transcript

    a = build_ui_archive(tmp_path / "arch")
    a.sync_index()
    checked: list[str] = []
    real = S.index_signature
    monkeypatch.setattr(
        S, "index_signature", lambda ar, m, c: checked.append(m.id) or real(ar, m, c)
    )
    assert a.search("Luo Run")
    assert checked == []
    mid = a.list_media()[0].id
    write_transcript(a, mid, [Segment(0.0, 2.0, "a xylophone in the alley")])
    assert [h.media_id for h in a.search("xylophone")] == [mid]
    assert checked
    a.close()
