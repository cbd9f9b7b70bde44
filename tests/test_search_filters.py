"""Filters first: --case/--person/--theme spans, --speaker and --media narrow the lines
before the text is matched (issue 15), and fuzzy search finds similar words through the
vocabulary's bigram index as scoring every term would."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tapelog.archive.index import IndexRow, SearchIndex
from tapelog.archive.index_scope import Scope, allowed_ids, ranges
from tapelog.archive.index_vocab import Vocabulary
from tapelog.transcribe.types import Segment

from tests.test_tui_support import build_ui_archive, write_transcript


def _rows(mid: str, texts: list[tuple[float, str, str]]) -> list[IndexRow]:
    return [IndexRow(mid, i, s, s + 4.0, sp, "en", t) for i, (s, sp, t) in enumerate(texts)]


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "a", _rows("m1", [(i * 5.0, "CH1" if i % 2 else "CH2",
                                                 f"line {i} about the river") for i in range(40)]))  # fmt: skip
    ix.replace_media("m2", "b", _rows("m2", [(0.0, "CH1", "the river again"),
                                             (5.0, "CH2", "no water here")]))  # fmt: skip
    yield ix
    ix.close()


def test_ranges_join_consecutive_ids() -> None:
    assert ranges([]) == []
    assert ranges([3, 4, 5, 9, 11, 12]) == [(3, 5), (9, 9), (11, 12)]


def test_every_filter_narrows_the_rows(index: SearchIndex) -> None:
    conn = index._connect()
    ids = {
        r[1]: r[0] for r in conn.execute("SELECT id, media_id || ':' || seg_index FROM segments")
    }
    # A span covers the lines that start before its end and end after its start.
    spans = Scope(spans={"m1": [(12.0, 21.0)], "m2": [(100.0, 200.0)]})
    assert allowed_ids(conn, spans) == [ids["m1:2"], ids["m1:3"], ids["m1:4"]]
    both = Scope(spans={"m1": [(12.0, 21.0)]}, speakers={("m1", "CH1"), ("m2", "CH1")})
    assert allowed_ids(conn, both) == [ids["m1:3"]]
    files = Scope(media_ids={"m2"}, speakers={("m2", "CH2"), ("m1", "CH2")})
    assert allowed_ids(conn, files) == [ids["m2:1"]]


def test_searches_stay_inside_the_scope(index: SearchIndex) -> None:
    hits = index.search("river", spans={"m1": [(12.0, 21.0)]})
    assert [(h.media_id, h.seg_index) for h in hits] == [("m1", 2), ("m1", 3), ("m1", 4)]
    assert [h.seg_index for h in index.search("river", media_ids=["m2"])] == [0]
    assert index.search("river", spans={}) == []
    assert index.search("rivr", fuzzy=True, spans={"m1": [(0.0, 1.0)]})[0].seg_index == 0
    assert index.search("river", media_ids=["m2"], languages=["zh"]) == []


def test_a_filtered_fuzzy_search_looks_past_the_first_candidates(tmp_path: Path) -> None:
    """Thousands of lines of the file hold the words; the tagged passage must be found.

    Matching first and filtering after read only the first 3,000 candidate lines,
    all before the passage, and found nothing in it.
    """
    a = build_ui_archive(tmp_path / "arch", records=False)
    mid = a.list_media()[0].id
    lines = [Segment(i * 2.0, i * 2.0 + 1.5, f"we searched the river {i}") for i in range(3100)]
    lines.append(Segment(7000.0, 7003.0, "they searched the river at night"))
    write_transcript(a, mid, lines)
    a.sync_index()
    spans = {mid: [(6999.0, 7005.0)]}
    [hit] = a.search("serched the rivr", fuzzy=True, spans=spans)
    assert hit.start == 7000.0
    [hit] = a.search("searched the river", spans=spans)
    assert hit.start == 7000.0
    a.close()


def test_similar_words_through_the_bigram_index_match_scoring_every_term() -> None:
    """The best similar word is the one scoring the whole vocabulary finds."""
    rng = random.Random(5)
    letters = "abcdefghijklmnoprstuvwy"
    terms = sorted({"".join(rng.choices(letters, k=rng.randint(3, 11))) for _ in range(20000)})
    terms += ["jingjun", "police", "surveillance", "database"]
    vocab = Vocabulary(terms, [1] * len(terms))
    queries = ["jingle", "polise", "survelance", "databse"]
    for w in rng.sample(terms, 150):
        i = rng.randrange(len(w))
        queries.append(w[:i] + rng.choice(letters) + w[i + 1 :])
    same = 0
    for q in queries:
        fast, full = vocab.similar(q), vocab.similar_everywhere(q)
        best = max(full.values() if len(full) > 1 else [0], default=0)
        top_fast = max((v for t, v in fast.items() if t != q), default=0)
        top_full = max((v for t, v in full.items() if t != q), default=0)
        same += top_fast == top_full
        assert set(fast) <= set(terms) | {q} and best <= 100
    assert same >= 0.97 * len(queries)
    assert "jingjun" in vocab.similar("jingle") and "police" in vocab.similar("polise")
