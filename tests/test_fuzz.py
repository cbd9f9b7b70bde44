"""Bad input, fuzzed (hypothesis): nothing a user types or feeds in may crash tapelog.

The rule under test: whatever the input, the only exceptions are ``TapelogError``
subclasses with a message, and a refused input changes nothing.
"""

from __future__ import annotations

import json
import math
import struct
import sys
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tapelog.archive.errors import TapelogError, UsageError

from tests.conftest import MEDIA

FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SPECIALS = [
    "NEAR(",
    "NEAR(a b, 2)",
    "AND",
    "OR NOT",
    "a AND b OR",
    "*",
    "line*",
    '"',
    '""',
    '"unterminated',
    "'",
    "^$.*+?()[]{}|\\",
    "(?P<x>a)",
    "col:line",
    "line:",
    "-line",
    "+",
    "\x00",
    "\u200b",
    "罗润 父亲",
    "Lúo Rùn",
    "😀 line 😀",
    "ﷺ",
    "e\u0301",
    "\ud7ff",
]
QUERY_ALPHABET = st.characters(
    blacklist_categories=("Cs",),
    whitelist_categories=None,
)
queries = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(alphabet=QUERY_ALPHABET, max_size=60),
    st.text(alphabet='"*()^:+-.NEARDOT AND OR 罗润😀\t\n', max_size=40),
    st.builds(lambda s, n: (s * n)[:10_000], st.text(min_size=1, max_size=8), st.just(10_000)),
)


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory):
    """A small real archive with an index: stand-in transcripts in three scripts."""
    from tapelog.archive.models import TranscriptRecord
    from tapelog.archive.service import Archive, now_iso
    from tapelog.archive.transcripts import transcript_path, write_segments
    from tapelog.transcribe.types import Segment

    root = tmp_path_factory.mktemp("fuzz") / "archive"
    a = Archive.open(root)
    ids = [r.id for r in a.import_paths([MEDIA / "silence.wav", MEDIA / "eight_channel.wav"])]
    lines = [
        "Liu Fang said the bus left at seven",
        "罗润 的 父亲 在 车站 等 了 三 年",
        "Lúo Rùn café naïve — “quoted” words",
        "NEAR AND OR NOT are just words here * ^",
        "😀 emoji in a line 😀",
    ]
    for mid in ids:
        with a.store.transaction():
            rec = TranscriptRecord(
                id=a.store.next_id("tr"), media_id=mid, model="fuzz", options={},
                created=now_iso(), status="done", duration=1.0,
            )  # fmt: skip
            a.store.table("transcripts").insert(rec.to_dict())
            write_segments(
                transcript_path(root, mid, rec.id),
                [Segment(i * 0.2, i * 0.2 + 0.2, t) for i, t in enumerate(lines)],
            )
            media = a.get_media(mid)
            media.transcript_id, media.transcript_status = rec.id, "done"
            a.store.table("media").upsert(media.to_dict(), __import__("tinydb").Query().id == mid)
    assert a.search("bus left")
    yield a
    a.close()


@FAST
@given(query=queries, fuzzy=st.booleans())
def test_search_never_raises_anything_but_a_usage_error(searchable, query: str, fuzzy: bool):
    try:
        hits = searchable.search(query, fuzzy=fuzzy, limit=5)
    except UsageError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(hits, list) and len(hits) <= 5


@pytest.mark.parametrize("query", ["", " ", "\t\n", "...", "'''", "()", "*", '"'])
def test_queries_without_words_are_usage_errors(searchable, query: str) -> None:
    for fuzzy in (False, True):
        with pytest.raises(UsageError):
            searchable.search(query, fuzzy=fuzzy)


def test_search_finds_what_fts_syntax_would_mangle(searchable) -> None:
    assert searchable.search("NEAR AND OR")  # operators are words, not syntax
    assert searchable.search("罗润")
    assert searchable.search("luo run cafe")  # diacritics folded
    assert searchable.search("Liu Fnag", fuzzy=True)


# --- case/people importers ------------------------------------------------------------

cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@FAST
@given(
    header=st.lists(st.sampled_from(["case_id", "child_name", "aliases", "status", "x", ""]),
                    max_size=5),
    rows=st.lists(st.lists(cells, max_size=6), max_size=6),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]),
)  # fmt: skip
def test_case_csv_reader_raises_only_tapelog_errors(tmp_path_factory, header, rows, sep, encoding):
    import tapelog.archive.caseio as caseio

    path = tmp_path_factory.mktemp("csv") / "cases.csv"
    text = "\n".join(sep.join(r) for r in [header, *rows])
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        assume(False)
    try:
        _kind, records, problems = caseio.read_records(path)
    except TapelogError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for rec in records:
        assert getattr(rec, "case_id", None) or getattr(rec, "person_id", None)
    assert all(str(p) for p in problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cells,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(cells, inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(
    payload=st.one_of(
        json_values,
        st.lists(st.fixed_dictionaries({"case_id": json_values}, optional={
            "child_name": json_values, "aliases": json_values, "status": json_values,
            "person_id": json_values, "extra": json_values,
        }), max_size=4),
    ),
    raw_tail=st.binary(max_size=4),
)  # fmt: skip
def test_case_json_reader_raises_only_tapelog_errors(tmp_path_factory, payload, raw_tail):
    import tapelog.archive.caseio as caseio

    path = tmp_path_factory.mktemp("json") / "cases.json"
    path.write_bytes(json.dumps(payload, ensure_ascii=False).encode() + raw_tail)
    try:
        caseio.read_records(path)
    except TapelogError as exc:
        assert str(exc) and "\n" not in str(exc)


@FAST
@given(payload=json_values, rows=st.lists(st.lists(cells, max_size=4), max_size=4))
def test_case_import_into_an_archive_is_all_or_nothing(searchable, tmp_path_factory, payload, rows):
    """A file the importer refuses leaves the cases and people tables exactly as they were."""
    import tapelog.archive.cases as cases

    folder = tmp_path_factory.mktemp("imp")
    files = [folder / "x.json", folder / "x.csv"]
    files[0].write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    files[1].write_text("\n".join(",".join(r) for r in [["case_id", "aliases"], *rows]))
    for path in files:
        before = {k: searchable.store.table(k).all() for k in ("cases", "people")}
        try:
            report = cases.import_records(searchable, path)
        except TapelogError as exc:
            assert str(exc) and "\n" not in str(exc)
            after = {k: searchable.store.table(k).all() for k in ("cases", "people")}
            assert after == before, "a refused import wrote something"
            continue
        assert all(str(p) for p in report.problems)


# --- timecodes --------------------------------------------------------------------------

RATES = [(24, 1), (25, 1), (30, 1), (24000, 1001), (30000, 1001), (50, 1), (60000, 1001)]


@FAST
@given(rate=st.sampled_from(RATES), frames=st.integers(min_value=0, max_value=10**8),
       drop=st.booleans())  # fmt: skip
def test_timecodes_round_trip(rate, frames, drop):
    import tapelog.media.timecode as tc

    fr = tc.FrameRate(*rate)
    try:
        label = tc.frames_to_timecode(frames, fr, drop)
    except UsageError:
        assert drop and not fr.is_drop_frame  # drop-frame only exists at 29.97/59.94
        return
    back = tc.timecode_to_frames(label, fr, drop)
    assert back == frames % fr.frames_per_day(drop)


@FAST
@given(text=st.text(max_size=20))
def test_time_and_timecode_parsing_refuse_nonsense_with_usage_errors(text):
    import tapelog.media.timecode as tc

    for fn in (tc.parse_time, lambda t: tc.timecode_to_frames(t, tc.FrameRate(25, 1))):
        try:
            value = fn(text)
        except UsageError as exc:
            assert str(exc)
            continue
        assert value >= 0


# --- tag spans --------------------------------------------------------------------------


@FAST
@given(start=st.floats(allow_nan=True, allow_infinity=True, width=32),
       length=st.floats(min_value=-50, max_value=50, allow_nan=False))  # fmt: skip
def test_tag_spans_negative_reversed_or_past_the_end_are_refused(searchable, start, length):
    import tapelog.archive.cases as cases

    media = searchable.list_media()[0]
    duration = media.info.duration
    end = start + length
    bad = not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end < start
    bad = bad or start >= duration
    before = len(searchable.store.table("tags"))
    try:
        tag = cases.add_tag(searchable, media.id, start, end, themes=["fuzz"])
    except TapelogError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert len(searchable.store.table("tags")) == before, "a refused tag was written"
        return
    assert not bad, f"accepted the span {start}-{end} of a {duration} s file"
    assert 0 <= tag.start < tag.end <= duration + 1e-6


# --- media that lies --------------------------------------------------------------------


def _patch_durations(data: bytes, factor: float) -> bytes:
    """The same MOV with every header (mvhd, tkhd, mdhd) claiming ``factor`` x its duration."""
    out = bytearray(data)
    # Offset of the duration field after the atom type, for header versions 0 and 1.
    fields = {b"mvhd": (16, 24), b"tkhd": (20, 28), b"mdhd": (16, 24)}
    patched = 0
    for atom, (off0, off1) in fields.items():
        at = data.find(atom)
        while at > 0:
            version = data[at + 4]
            off, fmt = (at + 4 + off1, ">Q") if version == 1 else (at + 4 + off0, ">I")
            (duration,) = struct.unpack_from(fmt, data, off)
            struct.pack_into(fmt, out, off, min(max(1, int(duration * factor)), 2**32 - 1))
            patched += 1
            at = data.find(atom, at + 4)
    assert patched >= 3
    return bytes(out)


@pytest.fixture
def stand_in_engine(monkeypatch: pytest.MonkeyPatch):
    """The crash worker's stand-in engine: these tests are about media, not Whisper."""
    from tapelog.transcribe.types import TranscribeOptions

    import tests.crash_worker as cw

    engine = cw._FakeEngine()
    mod = types.ModuleType("tapelog.transcribe.engine")
    mod.get_engine = lambda options: engine
    monkeypatch.setitem(sys.modules, "tapelog.transcribe.engine", mod)
    return TranscribeOptions(model=cw.FAKE_MODEL)


@pytest.mark.parametrize("factor", [0.05, 0.5, 3.0, 40.0])
def test_media_that_lies_about_its_duration_imports_loads_and_checks(
    tmp_path: Path, factor: float, stand_in_engine
):
    """Headers claiming 1 s for 22 s of audio (or 880 s): the audio decoded is the truth."""
    from tapelog.archive.check import check_archive, errors
    from tapelog.archive.service import Archive
    from tapelog.media.audio import load_audio

    liar = tmp_path / "liar.mov"
    liar.write_bytes(_patch_durations((MEDIA / "interview_liu.mov").read_bytes(), factor))
    a = Archive.open(tmp_path / "archive")
    result = a.import_paths([liar])[0]  # reports a failure, never raises
    if result.status == "failed":
        assert result.error and "\n" not in result.error
        return
    audio = load_audio(liar)
    assert abs(len(audio) / 16000 - 22.0) < 0.5  # the real audio, whatever the header says
    done = a.transcribe(result.id, stand_in_engine)
    assert a.segments(result.id)[-1].end > 21.0
    assert not errors(check_archive(a)), done
    a.close()


def test_eight_channel_sample_imports_loads_each_channel_and_transcribes(
    tmp_path: Path, stand_in_engine
):
    from tapelog.archive.check import check_archive, errors
    from tapelog.archive.service import Archive
    from tapelog.media.audio import channel_envelopes, load_audio

    a = Archive.open(tmp_path / "archive")
    media = a.get_media(a.import_paths([MEDIA / "eight_channel.wav"])[0].id)
    assert media.info.channels == 8
    mono = load_audio(MEDIA / "eight_channel.wav")
    assert mono.ndim == 1 and len(mono) > 0
    for ch in (0, 7):
        assert len(load_audio(MEDIA / "eight_channel.wav", channel=ch)) == len(mono)
    assert channel_envelopes(MEDIA / "eight_channel.wav").shape[0] == 8
    a.transcribe(media.id, stand_in_engine)
    assert a.segments(media.id)
    assert not errors(check_archive(a))
    a.close()
