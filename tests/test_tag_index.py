"""Search filters find tagged spans without reading every tag (issue 15).

``search --case/--person/--theme`` read and parsed all tags each time (0.3-0.5 s at
10,000 hours). The spans of every case, person and theme are kept between processes
(``archive/tag_index.py``), keyed by the tags table's files: these tests check they
equal reading the tags, follow every change, survive damage and are never kept from
inside a transaction.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tapelog.archive import cases as C
from tapelog.archive import derived_cache
from tapelog.archive.service import Archive
from tapelog.archive.spans import _merge
from tapelog.archive.tag_index import NAME

from tests.test_tui_support import build_ui_archive


def _read_all(archive: Archive, **kw) -> dict:
    """What ``tag_spans`` gave before: every tag read."""
    out: dict = {}
    for t in C.list_tags(archive, **kw):
        out.setdefault(t.media_id, []).append((t.start, t.end))
    return {mid: _merge(spans) for mid, spans in out.items()}


@pytest.fixture
def tagged(tmp_path: Path) -> Archive:
    a = build_ui_archive(tmp_path / "arch")
    liu, two = a.list_media()[0].id, a.list_media()[1].id
    C.add_tag(a, liu, 1.0, 3.0, themes=["police response/neglect"], new_themes=True)
    C.add_tag(a, liu, 2.5, 6.0, cases=["C-2010-TY-001"], people=["P-001"])
    C.add_tag(a, two, 4.0, 9.0, cases=["C-2009-GZ-002"], themes=["scam calls and extortion"])
    C.add_tag(a, two, 12.0, 15.0, people=["P-003"], themes=["police response"])
    yield a
    a.close()


FILTERS = [{"case": "C-2010-TY-001"}, {"case": "C-2009-GZ-002"}, {"case": "C-2009-GD-003"},
           {"person": "P-001"}, {"person": "P-003"}, {"theme": "police response"},
           {"theme": "Police Response/Neglect"}, {"theme": "scam calls and extortion"}]  # fmt: skip


def test_the_kept_spans_are_what_reading_every_tag_gives(tagged: Archive) -> None:
    for kw in FILTERS:
        assert C.tag_spans(tagged, **kw) == _read_all(tagged, **kw), kw
    assert C.tag_spans(tagged, theme="police response")  # a theme takes its sub-themes
    assert len(C.tag_spans(tagged, theme="police response")["m1"]) == 2


def test_a_filter_in_a_new_process_reads_no_tag(
    tagged: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {json.dumps(kw): C.tag_spans(tagged, **kw) for kw in FILTERS}
    fresh = Archive.open(tagged.root)  # what the next `tapelog search --case` opens
    table = fresh.store.table("tags")
    monkeypatch.setattr(table, "all", lambda: pytest.fail("every tag was read"))
    for kw in FILTERS:
        assert C.tag_spans(fresh, **kw) == expected[json.dumps(kw)], kw
    fresh.close()


def test_every_change_is_seen_and_damage_is_read_around(tagged: Archive) -> None:
    mid = tagged.list_media()[0].id
    before = C.tag_spans(tagged, case="C-2009-GD-003")
    tag = C.add_tag(tagged, mid, 20.0, 21.0, cases=["C-2009-GD-003"])
    assert C.tag_spans(tagged, case="C-2009-GD-003") == {**before, mid: [(20.0, 21.0)]}
    other = Archive.open(tagged.root)  # another process deletes it
    C.delete_tag(other, tag.id)
    other.close()
    assert C.tag_spans(tagged, case="C-2009-GD-003") == before
    # A damaged entry on disk: the tags are read instead.
    path = derived_cache.cache_path(tagged, NAME)
    doc = json.loads(path.read_text())
    doc["data"]["case"]["C-2010-TY-001"] = {"m1": [1.0, "evil"]}
    path.write_text(json.dumps(doc))
    fresh = Archive.open(tagged.root)
    assert C.tag_spans(fresh, case="C-2010-TY-001") == _read_all(fresh, case="C-2010-TY-001")
    fresh.close()


def test_nothing_is_kept_from_inside_a_transaction(tagged: Archive) -> None:
    mid = tagged.list_media()[0].id
    with pytest.raises(RuntimeError), tagged.store.transaction():
        C.add_tag(tagged, mid, 18.0, 19.0, themes=["never committed"], new_themes=True)
        assert "never committed" in C.list_themes(tagged)
        raise RuntimeError("abort")
    assert "never committed" not in C.list_themes(tagged)
    fresh = Archive.open(tagged.root)
    assert "never committed" not in C.list_themes(fresh)
    fresh.close()
