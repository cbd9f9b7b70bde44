"""The search index on its own: the fuzzy vocabulary kept in step without re-reading it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tapelog.archive.index import IndexRow, SearchIndex

TEXTS = [
    "My son Liu Jingjun was taken from the alley in Taiyuan.",
    "The police didn't help us; snake_case and C3PO and 50,000 yuan!",
    "Café résumé naïve — Ångström Øresund ÉCOLE",
    "我的儿子刘晶军在太原被人拐走了。",
    "Zoë’s ﬁle: ½ ① Ⅻ x² İstanbul ΣΊΣΥΦΟΣ straße",
    "tab\tseparated\nnew-line hyphen-ated e-mail",
]


def rows(media_id: str, texts: list[str]) -> list[IndexRow]:
    return [IndexRow(media_id, i, i, i + 1.0, "CH1", "en", t) for i, t in enumerate(texts)]


def fts5vocab(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT term, doc FROM vocab"))


def cache(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT term, doc FROM vocab_cache"))


def test_vocabulary_follows_every_change_and_equals_fts5vocab(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", rows("m1", TEXTS[:3]))
    ix.similar_terms("police")  # the first fuzzy search builds the vocabulary once
    for mid, sig, texts in [
        ("m2", "s1", TEXTS[2:]),
        ("m1", "s2", TEXTS[1:2] + TEXTS[4:]),  # re-transcribed: some words gone
        ("m3", "s1", TEXTS * 2),
    ]:
        ix.replace_media(mid, sig, rows(mid, texts))
        assert cache(ix.path) == fts5vocab(ix.path)
    ix.remove_media("m3")
    ix.remove_media("m2")
    assert cache(ix.path) == fts5vocab(ix.path)
    with sqlite3.connect(ix.path) as conn:
        fresh = conn.execute("SELECT value FROM info WHERE key = 'vocab_fresh'").fetchone()[0]
        total = conn.execute("SELECT value FROM info WHERE key = 'rows'").fetchone()[0]
    assert fresh == "1" and int(total) == ix.count() == 3
    ix.close()


def test_fuzzy_finds_a_new_transcript_without_a_rebuild(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path)
    ix.replace_media("m1", "s1", rows("m1", TEXTS[:2]))
    assert not ix.search_fuzzy("Gaofeng searched")
    ix.replace_media("m2", "s1", rows("m2", ["Peng Gaofeng searched for Le Le for years."]))
    hits = ix.search_fuzzy("Gaofen searched")  # misspelt: found through the vocabulary
    assert [h.media_id for h in hits] == ["m2"]
    ix.remove_media("m2")
    assert not ix.search_fuzzy("Gaofen searched")
    ix.close()


def test_search_sees_every_change_made_between_queries(tmp_path: Path) -> None:
    """Search reuses parsed media, speaker names and flags until their tables change."""
    from tapelog.archive import cases as C
    from tapelog.archive.service import Archive
    from tinydb import Query

    from tests.test_tui_support import build_ui_archive

    a = build_ui_archive(tmp_path / "arch")
    other = Archive.open(tmp_path / "arch")  # another process, in effect
    [hit] = a.search("hope")
    assert hit.speaker == "Interviewer" and hit.flags == []
    other.rename_speaker("Interviewer", "Ma Wei", media_id=hit.media_id)
    peng = C.get_person(other, "P-004")  # flagged off-record
    C.add_tag(other, hit.media_id, hit.start, hit.end, people=[peng.person_id])
    [hit] = a.search("hope")
    assert hit.speaker == "Ma Wei" and hit.flags == ["off-record"]
    media = other.get_media(hit.media_id)  # the file moved: what a relink writes
    moved = tmp_path / "moved.mov"
    moved.write_bytes(Path(media.path).read_bytes())
    media.path = str(moved)
    with other.store.transaction():
        other.store.table("media").upsert(media.to_dict(), Query().id == media.id)
    [hit] = a.search("hope")
    assert hit.path == str(moved)
    other.close()
    a.close()
