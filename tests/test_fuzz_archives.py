"""Fuzz: hostile values inside the store tables of an imported archive.

An archive file from outside may hold any JSON in any field of any record, with
checksums that match. Whatever it holds, ``archive import`` either refuses it in one
line or imports it, and then every reader (list, show, search, check, exports) either
works or raises the project's error: never a traceback, never a path outside DEST.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tapelog.archive.errors import TapelogError

from tests.test_hostile_archives import make_archive, retar_with_tables

HOSTILE_STRINGS = [
    "../../../outside/x", "..", "/etc/passwd", "", " ", "m1/../../x", "C:\\x", "\x00",
    "http://127.0.0.1:9/x", "file:x", "-rf", "{path}", "%s%n", "罗润", "a" * 5000, "\n",
]  # fmt: skip
json_leaf = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),  # JSON has no NaN; json.dumps would write one anyway
    st.text(max_size=20),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = {
    "media": ["id", "path", "fingerprint", "info", "transcript_id", "transcript_status",
              "language", "imported_at", "error"],
    "transcripts": ["id", "media_id", "status", "model", "options", "created", "duration",
                    "language", "segment_count", "speakers"],
    "corrections": ["id", "media_id", "start", "end", "text", "created", "transcript_id"],
    "speakers": ["media_id", "label", "name"],
    "tags": ["id", "media_id", "start", "end", "themes", "note", "created"],
    "meta": ["key", "value", "version"],
}  # fmt: skip


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    from tapelog.archive.service import Archive

    base = tmp_path_factory.mktemp("fuzz-archive")
    src = base / "src"
    mid = make_archive(src)
    a = Archive.open(src)
    a.correct_segment(mid, 0.0, 0.5, "a corrected line")
    with a.store.transaction():
        a.store.table("speakers").insert({"media_id": mid, "label": "CH1", "name": "Liu"})
        a.store.table("tags").insert(
            {"id": "tg1", "media_id": mid, "start": 0.1, "end": 0.4, "themes": [], "note": "n",
             "created": "2026-01-01T00:00:00"}
        )  # fmt: skip
    a.close()
    from tapelog.archive.portable import export_archive

    file = base / "good.tar"
    export_archive(src, file)
    return file


def _exercise(root: Path) -> None:
    """Every reader a person would use next; only TapelogError may come out."""
    from tapelog.archive.check import check_root
    from tapelog.archive.service import Archive

    check_root(root)
    a = Archive.open(root, create=False)
    try:
        for media in a.list_media():
            for call in (
                lambda m=media: a.segments(m.id),
                lambda m=media: a.speaker_names(m.id),
                lambda m=media: a.unplaced_corrections(m.id),
            ):
                try:
                    call()
                except TapelogError as exc:
                    assert "\n" not in str(exc)
        try:
            a.search("line")
        except TapelogError as exc:
            assert "\n" not in str(exc)
    except TapelogError as exc:
        assert "\n" not in str(exc)
    finally:
        a.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(sorted(FIELDS)),
    data=st.data(),
    value=json_value,
    whole_record=st.booleans(),
)
def test_hostile_values_in_imported_tables_never_crash_or_escape(
    exported, tmp_path_factory, table, data, value, whole_record
) -> None:
    from tapelog.archive.portable import import_archive

    field = data.draw(st.sampled_from(FIELDS[table]))
    work = tmp_path_factory.mktemp("fuzz")

    def change(name, t):
        if name == table:
            for key in list(t):
                if whole_record:
                    t[key] = value
                else:
                    t[key][field] = value
        return t

    bad = work / "bad.tar"
    retar_with_tables(exported, bad, change)
    dest = work / "dest"
    before = set(os.listdir(work))
    try:
        archive = import_archive(bad, dest)
    except TapelogError as exc:
        assert "\n" not in str(exc)
        assert not dest.exists()
        return
    archive.close()
    _exercise(dest)
    assert set(os.listdir(work)) == before | {"dest"}  # nothing written beside DEST


def _typed(hint):
    """Values of the right type for ``hint`` that are still hostile (paths, extremes)."""
    import typing

    text = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=12))
    origin = typing.get_origin(hint)
    if hint is str:
        return text
    if hint is float:
        return st.one_of(
            st.sampled_from([0.0, -1.0, 1e308, -1e308, 5e-324, 2.0**53]),
            st.floats(allow_nan=False, allow_infinity=False),
        )
    if hint is int:
        return st.integers(min_value=-(2**52), max_value=2**52)
    if origin is list:
        return st.lists(_typed(typing.get_args(hint)[0]) if typing.get_args(hint) else text,
                        max_size=3)  # fmt: skip
    return st.one_of(st.none(), text)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_well_typed_hostile_values_never_crash_or_escape(
    exported, tmp_path_factory, table, data
) -> None:
    """Values that pass the type check (start after end, 1e308, '../x' as a note)."""
    from tapelog.archive.portable import import_archive
    from tapelog.archive.record_types import RECORD_TYPES, _hints

    hints = _hints(RECORD_TYPES[table])
    field = data.draw(st.sampled_from([f for f in FIELDS[table] if f in hints]))
    value = data.draw(_typed(hints[field]))
    work = tmp_path_factory.mktemp("fuzz-typed")

    def change(name, t):
        if name == table:
            for key in t:
                t[key][field] = value
        return t

    bad = work / "bad.tar"
    retar_with_tables(exported, bad, change)
    dest = work / "dest"
    try:
        archive = import_archive(bad, dest)
    except TapelogError as exc:
        assert "\n" not in str(exc) and not dest.exists()
        return
    archive.close()
    _exercise(dest)
    assert sorted(os.listdir(work)) == ["bad.tar", "dest"]


@pytest.mark.parametrize("path", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
def test_a_media_path_no_file_can_have_is_a_missing_file(exported, tmp_path, path) -> None:
    """The fuzzer found it: a media path of 5,000 characters made `tapelog check` raise
    ENAMETOOLONG from ``Path.is_file``. Any such path is a file that is not there, for
    the check and for relink alike."""
    from tapelog.archive.check import check_root
    from tapelog.archive.library import relink
    from tapelog.archive.portable import import_archive
    from tapelog.archive.service import Archive

    def change(name, t):
        if name == "media":
            for key in t:
                t[key]["path"] = path
        return t

    bad = tmp_path / "bad.tar"
    retar_with_tables(exported, bad, change)
    dest = tmp_path / "dest"
    try:
        import_archive(bad, dest).close()
    except TapelogError as exc:
        assert "\n" not in str(exc)
        return
    problems = check_root(dest)
    there = path == "/etc/passwd"  # a file that is there, not the one imported
    assert any("is missing" in p.what for p in problems) != there
    assert any("has changed since it was imported" in p.what for p in problems) == there
    a = Archive.open(dest, create=False)
    try:
        assert relink(a, tmp_path / "nothing-here") == []
    except TapelogError as exc:
        assert "\n" not in str(exc)
    finally:
        a.close()
