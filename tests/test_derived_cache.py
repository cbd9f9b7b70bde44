"""The search's sensitive spans saved between processes: reused, never stale, never trusted.

Each test opens the archive again (a new ``Archive``: what a second ``tapelog search``
process does) so the in-memory cache cannot answer for the file on disk.
"""

from __future__ import annotations

import json
import time

from tapelog.archive.models import Person, Tag
from tapelog.archive.sensitive_cache import cache_path, read_cache, search_sensitive_map
from tapelog.archive.sensitivity import sensitive_map
from tapelog.archive.service import Archive
from tinydb import Query

from tests.test_exports_sensitive import arch  # noqa: F401  (fixture)


def _settle() -> None:
    """Let the file system's clock pass the fixture's last write (caches are saved only
    then: see ``derived_cache.save``)."""
    time.sleep(0.05)


def _reopen(arch) -> Archive:  # noqa: F811
    arch.close()
    return Archive.open(arch.root)


def _spans(found) -> dict:
    return {mid: found.of(mid) for mid in found.spans}


def test_a_search_saves_the_map_and_the_next_process_reads_it(arch) -> None:  # noqa: F811
    _settle()
    arch.search("did not help")
    path = cache_path(arch)
    assert path.is_file()
    again = _reopen(arch)
    sig = json.loads(json.dumps(again.store.signature("people", "tags", "links")))
    saved = read_cache(path, sig)
    assert saved is not None
    assert _spans(saved) == _spans(sensitive_map(again)) != {}
    again.close()


def test_a_tag_written_by_another_process_is_never_missed(arch) -> None:  # noqa: F811
    """The cache is keyed by the tables: a new tag on a minor flags the next search."""
    _settle()
    (hit,) = arch.search("did not help")  # 6.2-9.0 s: a parent's tag, not flagged
    assert hit.flags == []
    other = Archive.open(arch.root)  # another terminal tags the line with the minor
    with other.store.transaction():
        other.store.table("tags").insert(Tag("t8", "m1", 6.2, 9.0, people=["P5"]).to_dict())
    other.close()
    again = _reopen(arch)
    (hit,) = again.search("did not help")
    assert hit.flags == ["minor"]
    again.close()


def test_flagging_a_person_later_is_never_missed(arch) -> None:  # noqa: F811
    _settle()
    arch.search("did not help")
    with arch.store.transaction():
        people = arch.store.table("people")
        doc = next(d for d in people.all() if d["person_id"] == "P1")
        people.remove(doc_ids=[doc.doc_id])
        people.insert(Person("P1", name="Liu Father", cases=["C1"], flags=["off-record"]).to_dict())
    again = _reopen(arch)
    (hit,) = again.search("did not help")
    assert hit.flags == ["off-record"]
    again.close()


def test_a_corrupt_or_hostile_cache_is_rebuilt(arch) -> None:  # noqa: F811
    _settle()
    arch.search("did not help")
    path = cache_path(arch)
    doc = json.loads(path.read_bytes())
    want = _spans(sensitive_map(arch))
    # The right key, but spans someone emptied, then spans of the wrong shape.
    for spans in ({}, {"m1": [["x", 1, ["minor"], []]]}, {"m1": [[1, 2, ["rm -rf"], []]]}):
        if spans:
            path.write_text(json.dumps({**doc, "data": spans}))
            assert read_cache(path, doc["signature"]) is None
    path.write_bytes(b"\x00not json")
    again = _reopen(arch)
    assert _spans(search_sensitive_map(again)) == want
    assert json.loads(path.read_bytes())["data"]  # rebuilt and saved again
    again.close()


def test_an_emptied_cache_under_another_key_is_ignored(arch) -> None:  # noqa: F811
    """A hand-edited cache that hides the spans is only used for its own signature."""
    _settle()
    arch.search("did not help")
    path = cache_path(arch)
    doc = json.loads(path.read_bytes())
    doc["data"] = {}
    doc["signature"] = [["people", 1, 2, 3]]
    path.write_text(json.dumps(doc))
    again = _reopen(arch)
    assert _spans(search_sensitive_map(again)) == _spans(sensitive_map(again)) != {}
    again.close()


def test_a_read_only_archive_still_searches(arch, monkeypatch) -> None:  # noqa: F811
    """An editor's read-only mount: the cache cannot be written; search works without it."""
    _settle()
    import tapelog.archive.derived_cache as dc

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Read-only file system")

    arch.search("did not help")
    cache_path(arch).unlink()
    monkeypatch.setattr(dc, "atomic_file", refuse)
    again = _reopen(arch)
    (hit,) = again.search("did not help")
    assert hit.flags == [] and not cache_path(again).exists()
    again.close()


# -- the Library's tag counts and media list -------------------------------------------


def test_tag_counts_follow_other_writers_and_survive_a_bad_file(arch) -> None:  # noqa: F811
    _settle()
    from tapelog.archive.derived_cache import cache_path as path_of
    from tapelog.archive.tags import tag_counts

    assert tag_counts(arch) == {"m1": 4}
    path = path_of(arch, "tag_counts")
    assert path.is_file()
    other = Archive.open(arch.root)
    with other.store.transaction():
        other.store.table("tags").insert(Tag("t9", "m1", 1.0, 2.0, themes=["x"]).to_dict())
    other.close()
    assert tag_counts(arch) == {"m1": 5}  # this process sees the other's write at once
    doc = json.loads(path.read_bytes())
    for data in ({"m1": -3}, {"m1": "5"}, ["m1"], {"m1": True}):
        path.write_text(json.dumps({**doc, "data": data}))
        again = _reopen(arch)
        assert tag_counts(again) == {"m1": 5}
        arch = again
    arch.close()


def test_the_media_listing_is_parsed_again_after_a_change(arch) -> None:  # noqa: F811
    _settle()
    from tapelog.archive.library import media_listing

    first = media_listing(arch)
    assert [m.id for m in first] == ["m1"]
    assert media_listing(arch) is first  # nothing changed: the same parse
    other = Archive.open(arch.root)  # another terminal changes the record
    with other.store.transaction():
        other.store.table("media").update({"language": "zh"}, Query().id == "m1")
    other.close()
    (m,) = media_listing(arch)
    assert m.language == "zh" and first[0].language != "zh"


def test_nothing_is_saved_while_a_write_could_hide_in_the_same_clock_tick(tmp_path) -> None:
    from tapelog.archive.derived_cache import read, save

    path = tmp_path / "x.json"
    future = [["tags/0-0", time.time_ns() + 10**10, 10, 1]]  # as new as the clock, or newer
    save(path, 1, future, {"m1": 1})
    assert not path.exists() and not list(tmp_path.iterdir())  # no temp file left either
    past = [["tags/0-0", time.time_ns() - 10**10, 10, 1]]
    save(path, 1, past, {"m1": 1})
    assert read(path, 1, past, lambda d: d) == {"m1": 1}
