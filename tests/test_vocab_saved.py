"""The fuzzy vocabulary's bigram index saved with the search index (issue 15).

Every process used to build it again on its first fuzzy search (about half a second at
76,000 terms). It is now read from the index file; these tests check that a fresh
process does not build it, that it is never used once the vocabulary changed (by this
tapelog, or by a writer that does not know the key), and that a damaged one is built
again rather than trusted.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from tapelog.archive import index_vocab_file as vocab_file
from tapelog.archive.index import IndexRow, SearchIndex
from tapelog.archive.index_vocab import Vocabulary

LINES = [
    "My son Liu Jingjun was taken from the alley in Taiyuan.",
    "The police did not help us at first.",
    "We gave our blood to the DNA database.",
]


def rows(media_id: str, texts: list[str]) -> list[IndexRow]:
    return [IndexRow(media_id, i, i, i + 1.0, "CH1", "en", t) for i, t in enumerate(texts)]


def _refuse(self: Vocabulary) -> None:
    raise AssertionError("the bigram index was built again")


def saved(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM vocab_index").fetchone()[0]


def test_a_new_process_reads_the_bigram_index_instead_of_building_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", rows("m1", LINES))
    assert saved(ix.path) == 0
    first = ix.similar_terms("polise")
    assert "police" in first and saved(ix.path) == 1
    ix.close()

    monkeypatch.setattr(Vocabulary, "__post_init__", _refuse)
    again = SearchIndex(tmp_path)  # what the next `tapelog search --fuzzy` opens
    assert again.similar_terms("polise") == first
    assert [h.seg_index for h in again.search_fuzzy("the polise did not")] == [1]
    again.close()


def test_a_changed_vocabulary_never_uses_the_saved_index(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", rows("m1", LINES))
    ix.similar_terms("police")
    ix.close()
    # Another process adds a transcript: the saved index is for the old vocabulary.
    other = SearchIndex(tmp_path)
    other.replace_media("m2", "s1", rows("m2", ["Peng Gaofeng searched for years."]))
    other.close()
    fresh = SearchIndex(tmp_path)
    assert "gaofeng" in fresh.similar_terms("gaofen")
    fresh.close()
    # A writer that does not know the key (an older tapelog) changes the counts only.
    with sqlite3.connect(tmp_path / "index" / "search.sqlite") as conn:
        conn.execute("INSERT INTO vocab_cache (term, doc) VALUES ('xylophonist', 1)")
    later = SearchIndex(tmp_path)
    assert "xylophonist" in later.similar_terms("xylophonst")
    later.close()


def test_an_index_built_while_the_vocabulary_changed_is_not_saved(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", rows("m1", LINES))
    conn = ix._connect()
    key = vocab_file.key_of(conn)
    vocab = Vocabulary(["police"], [1])
    ix.replace_media("m2", "s1", rows("m2", ["Gaofeng"]))  # meanwhile, elsewhere
    vocab_file.save(conn, key, vocab)
    assert saved(ix.path) == 0
    assert vocab_file.load(conn, key) is None
    ix.close()


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b"not an index",
        lambda b: b[: len(b) // 2],
        lambda b: b.replace(b'"postings": ', b'"postings": 9'),
    ],
)
def test_a_damaged_saved_index_is_built_again(tmp_path: Path, damage) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", rows("m1", LINES))
    ix.similar_terms("police")
    with sqlite3.connect(ix.path) as conn:
        data = conn.execute("SELECT data FROM vocab_index").fetchone()[0]
        conn.execute("UPDATE vocab_index SET data = ?", (damage(bytes(data)),))
    ix.close()
    again = SearchIndex(tmp_path)
    assert "police" in again.similar_terms("polise")
    again.close()


def test_postings_out_of_range_are_refused() -> None:
    vocab = Vocabulary(["police", "polite"], [2, 1])
    data = bytearray(vocab_file.encode(vocab))
    data[-4:] = (999).to_bytes(4, "little")  # the last posting: a term that is not there
    with pytest.raises(ValueError, match="out of range"):
        vocab_file.decode(bytes(data))


def test_the_saved_index_finds_what_the_built_one_finds() -> None:
    rng = random.Random(3)
    letters = "abcdefghijklmnoprstuvwy"
    terms = sorted({"".join(rng.choices(letters, k=rng.randint(2, 12))) for _ in range(5000)})
    vocab = Vocabulary(terms, [rng.randint(1, 50) for _ in terms])
    back = vocab_file.decode(vocab_file.encode(vocab))
    assert back.doc_freq == vocab.doc_freq
    for q in rng.sample(terms, 60) + ["polise", "xyz"]:
        assert back.similar(q) == vocab.similar(q)
