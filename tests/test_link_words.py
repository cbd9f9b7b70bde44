"""Name links cut on the words the name was heard in, not on the line (issue 13).

A line is often 5-10 s and the name can sit seconds into it: a link, the tag accepting
it makes, the markers and clips exported from it and the TUI's jump all start at the
name's first word and end at its last (Whisper's word timestamps), or at the line when
a transcript has no word times. Links stored before they carried word times (an older
archive, in the one-file-per-table layout) keep their ids and every accept/reject
decision, get their words' times when read, and keep them on the next suggest, when an
accepted link's tag that still spans the line is cut to the words.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tapelog.archive import cases as C
from tapelog.archive.exports.records import PassageBuilder
from tapelog.archive.models import TranscriptRecord
from tapelog.archive.service import Archive
from tapelog.archive.store import SCHEMA_VERSION
from tapelog.archive.store_files import TABLES
from tapelog.archive.transcripts import SegmentWriter, transcript_path
from tapelog.transcribe.types import Segment, Word
from tinydb import Query

from tests.conftest import MEDIA, SAMPLES, run_cli, table_files

LIU_CASE = "C-2010-TY-001"
LUO_CASE = "C-2009-GZ-002"
LINES = [
    (1.0, 6.2, "My son Liu Jingjun was taken from the alley behind our room in Taiyuan"),
    (6.2, 8.9, "in April two thousand ten."),
    (8.9, 11.6, "The police did not help us at first. Jingle was only two."),
    (11.6, 16.0, "Liu Jianjun's family came to see us."),
    (16.0, 19.5, "We gave our blood to the DNA database and we still search every night."),
    (19.5, 21.9, "他们说罗润在福建。"),  # the sample file is 22 s long
]


def timed(start: float, end: float, text: str) -> Segment:
    """A line with Whisper-like word times: the words share the line evenly, a Chinese
    line one word a character."""
    pieces = list(text) if not text.isascii() else text.split()
    step = (end - start) / len(pieces)
    words = [
        Word(round(start + i * step, 3), round(start + (i + 1) * step, 3),
             (" " if i and text.isascii() else "") + p)
        for i, p in enumerate(pieces)
    ]  # fmt: skip
    return Segment(start, end, text, words=words)


def word_span(seg: Segment, first: str, last: str) -> tuple[float, float]:
    """Start of the word ``first`` and end of the word ``last`` (as written) in ``seg``."""
    texts = [w.word.strip() for w in seg.words]
    return seg.words[texts.index(first)].start, seg.words[texts.index(last)].end


def put_transcript(archive: Archive, media_id: str, segs: list[Segment]) -> None:
    with archive.store.transaction():
        tid = archive.store.next_id("tr")
        with SegmentWriter(transcript_path(archive.root, media_id, tid)) as w:
            for s in segs:
                w.append(s)
        rec = TranscriptRecord(tid, media_id, "scripted", {}, "2024-01-01T00:00:00+00:00",
                               status="done", segment_count=len(segs), duration=segs[-1].end)  # fmt: skip
        archive.store.table("transcripts").insert(rec.to_dict())
        media = archive.get_media(media_id)
        media.transcript_id, media.transcript_status = tid, "done"
        archive.store.table("media").upsert(media.to_dict(), Query().id == media_id)


def liu_archive(archive: Archive, with_words: bool = True) -> tuple[str, list[Segment]]:
    [res] = archive.import_paths([MEDIA / "interview_liu.mov"])
    segs = [timed(*line) if with_words else Segment(*line) for line in LINES]
    put_transcript(archive, res.id, segs)
    C.import_cases(archive, SAMPLES / "cases_from_seeds.csv")
    C.import_people(archive, SAMPLES / "people_from_seeds.csv")
    luo = C.get_case(archive, LUO_CASE)
    luo.child_name_zh = "罗润"
    C.upsert_case(archive, luo)
    return res.id, segs


def by_line(links) -> dict:
    return {(round(x.start, 2), x.target_id): x for x in links}


def test_a_link_starts_and_ends_on_the_words_of_the_name(archive: Archive) -> None:
    mid, segs = liu_archive(archive)
    found = by_line(C.suggest_links(archive))
    liu = found[(1.0, LIU_CASE)]
    assert (liu.start, liu.end) == (1.0, 6.2)  # the line: the passage and its id
    assert (liu.match_start, liu.match_end) == pytest.approx(word_span(segs[0], "Liu", "Jingjun"))
    assert liu.match_start > 1.5  # "Liu" is the third word, not the line's start
    jingle = found[(8.9, LIU_CASE)]  # a mishearing, in an interview about the case
    assert jingle.cut == pytest.approx(word_span(segs[2], "Jingle", "Jingle"))
    luo = found[(19.5, LUO_CASE)]  # characters: one word each
    assert luo.cut == pytest.approx(word_span(segs[5], "罗", "润"))
    # Stored with them: a fresh read says the same.
    again = by_line(C.list_links(archive, media_id=mid))
    assert again[(1.0, LIU_CASE)].cut == liu.cut

    # Accepting makes a tag over the words; markers and clips cut on it.
    tag = C.accept_link(archive, liu.link_id)
    assert (tag.start, tag.end) == pytest.approx(liu.cut)
    assert C.tag_spans(archive, case=LIU_CASE) == {mid: [pytest.approx(liu.cut)]}
    builder = PassageBuilder(archive)
    passage = builder.from_link(C.get_link(archive, jingle.link_id))
    assert (passage.start, passage.end) == pytest.approx(jingle.cut)


def test_without_word_times_a_link_cuts_on_the_line(archive: Archive) -> None:
    liu_archive(archive, with_words=False)
    liu = by_line(C.suggest_links(archive))[(1.0, LIU_CASE)]
    assert liu.cut == (1.0, 6.2)
    tag = C.accept_link(archive, liu.link_id)
    assert (tag.start, tag.end) == (1.0, 6.2)


@pytest.mark.parametrize("bad", [("x", 2.0), (90.0, 95.0), (3.0, 2.0), (True, 2), ([1], {})])
def test_word_times_from_a_hostile_archive_are_not_trusted(archive: Archive, bad) -> None:
    liu_archive(archive)
    liu = by_line(C.suggest_links(archive))[(1.0, LIU_CASE)]
    with archive.store.transaction():
        archive.store.table("links").update(
            {"match_start": bad[0], "match_end": bad[1]}, Query().link_id == liu.link_id
        )
    assert C.list_links(archive)[0].cut == (1.0, 6.2)  # the line, not the damage
    tag = C.accept_link(archive, liu.link_id)
    assert (tag.start, tag.end) == (1.0, 6.2)


def test_the_cli_lists_the_words_times(archive: Archive, isolated_archive: Path) -> None:
    _mid, segs = liu_archive(archive)
    archive.close()
    rows = json.loads(run_cli("links", "suggest", "--json").stdout)
    liu = next(r for r in rows if r["target_id"] == LIU_CASE and r["start"] == 1.0)
    assert (liu["match_start"], liu["match_end"]) == pytest.approx(
        word_span(segs[0], "Liu", "Jingjun")
    )
    # The text lists say when the name is said, as the TUI's review does, not when its
    # line starts: an editor types that time back or jumps to it.
    from tapelog.archive.clock import running_clock

    said = running_clock(liu["match_start"])
    assert said != running_clock(liu["start"])
    for words in (["links", "suggest"], ["links", "list"]):
        row = next(
            r
            for r in run_cli(*words, "--time", "running").stdout.splitlines()
            if r.startswith(liu["link_id"])
        )
        assert f"\t{said}\t" in row, row


# -- an archive from before links carried word times ----------------------------------


def _age(root: Path) -> None:
    """Rewrite the archive as tapelog wrote it before: links without word times, an
    accepted link's tag over the whole line, every table in one file (schema 3)."""
    store = root / "store"
    tables = {}
    for name in TABLES:
        docs: list[dict] = []
        for path in table_files(root, name):
            if path.exists():
                docs += json.loads(path.read_text(encoding="utf-8")).values()
        tables[name] = docs
    lines = {}
    for doc in tables["links"]:
        doc.pop("match_start"), doc.pop("match_end")
        if doc.get("tag_id"):
            lines[doc["tag_id"]] = (doc["start"], doc["end"])
    for doc in tables["tags"]:
        if doc["id"] in lines:
            doc["start"], doc["end"] = lines[doc["id"]]
    for doc in tables["meta"]:
        if doc.get("key") == "schema":
            doc["version"] = 3
    shutil.rmtree(store)
    store.mkdir()
    for name, docs in tables.items():
        table = {str(i): d for i, d in enumerate(docs, 1)}
        (store / f"{name}.json").write_text(json.dumps(table, ensure_ascii=False), "utf-8")


def test_an_old_archive_keeps_every_decision_and_cuts_on_the_words(isolated_archive: Path) -> None:
    archive = Archive.open(isolated_archive)
    mid, segs = liu_archive(archive)
    found = by_line(C.suggest_links(archive))
    accepted, rejected = found[(1.0, LIU_CASE)], found[(8.9, LIU_CASE)]
    pending = found[(19.5, LUO_CASE)]
    C.accept_link(archive, accepted.link_id)
    C.reject_link(archive, rejected.link_id)
    moved = C.add_tag(archive, mid, 16.0, 19.5, cases=[LUO_CASE])  # the editor's own
    archive.close()
    _age(isolated_archive)
    assert (isolated_archive / "store" / "links.json").exists()

    archive = Archive.open(isolated_archive)  # moved into shards on open
    assert archive.store.schema_version == SCHEMA_VERSION
    raw = {d["link_id"]: d for d in archive.store.table("links").all()}
    assert set(raw) == {x.link_id for x in found.values()}
    assert "match_start" not in raw[accepted.link_id]  # as the old archive stored it
    status = {x.link_id: x.status for x in C.list_links(archive)}
    assert status[accepted.link_id] == "accepted" and status[rejected.link_id] == "rejected"
    assert status[pending.link_id] == "pending"
    # Looked up, an old link already cuts on its words (worked out from the transcript).
    assert C.get_link(archive, pending.link_id).cut == pytest.approx(pending.cut)
    assert C.get_link(archive, rejected.link_id).cut == pytest.approx(rejected.cut)
    tag_id = C.get_link(archive, accepted.link_id).tag_id
    assert (C.get_tag(archive, tag_id).start, C.get_tag(archive, tag_id).end) == (1.0, 6.2)

    # Suggesting again: the words' times are stored, the old tag is cut to the words,
    # no decision is lost and nothing rejected comes back.
    again = C.suggest_links(archive)
    assert {x.link_id for x in again} == {pending.link_id}
    raw = {d["link_id"]: d for d in archive.store.table("links").all()}
    assert (raw[accepted.link_id]["match_start"], raw[accepted.link_id]["match_end"]) == (
        pytest.approx(accepted.cut)
    )
    assert raw[rejected.link_id]["status"] == "rejected"
    tag = C.get_tag(archive, tag_id)
    assert (tag.start, tag.end) == pytest.approx(accepted.cut) and tag.link_id == accepted.link_id
    assert (C.get_tag(archive, moved.id).start, C.get_tag(archive, moved.id).end) == (16.0, 19.5)
    # Accepting the old pending one cuts on its words.
    luo = C.accept_link(archive, pending.link_id)
    assert (luo.start, luo.end) == pytest.approx(pending.cut)
    archive.close()


def test_an_accepted_tag_the_editor_moved_is_kept(archive: Archive, isolated_archive: Path) -> None:
    mid, _segs = liu_archive(archive)
    liu = by_line(C.suggest_links(archive))[(1.0, LIU_CASE)]
    tag = C.accept_link(archive, liu.link_id)
    C.edit_tag(archive, tag.id, start=0.5, end=7.0)
    table = archive.store.table("links")
    with archive.store.transaction():
        table.update({"match_start": None, "match_end": None}, Query().link_id == liu.link_id)
    C.suggest_links(archive)
    assert table.get(Query().link_id == liu.link_id)["match_start"] == pytest.approx(liu.cut[0])
    kept = C.get_tag(archive, tag.id)
    assert (kept.start, kept.end) == (0.5, 7.0)


# -- the TUI's link review jumps to the name --------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_link_review_opens_the_interview_at_the_name(tmp_path: Path, anyio_backend) -> None:
    from tapelog.tui.app import TapelogApp
    from tapelog.tui.screens.interview import InterviewScreen

    from tests.test_tui import until
    from tests.test_tui_support import build_ui_archive

    archive = build_ui_archive(tmp_path / "ui")
    with archive.store.transaction():  # l1's line is 4.52-9.33
        archive.store.table("links").update(
            {"match_start": 6.25, "match_end": 6.9}, Query().link_id == "l1"
        )
    app = TapelogApp(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await until(app, pilot, lambda: app.screen.query("#links-context"))
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, InterviewScreen))
        assert app.screen.start_at == 6.25
    archive.close()


def test_a_lines_words_found_once_cut_as_each_looked_up_alone() -> None:
    """``LineTimes`` (the linking's per-line lookup) gives what ``cut_at`` gives for every
    stretch of a line: words spelled, damaged, missing, times outside the line."""
    import random

    from tapelog.archive.links_cut import LineTimes, cut_at

    rng = random.Random(7)
    vocab = ["Liu", "Jingjun", "was", "taken,", "in", "Taiyuan.", "-a", "12,000", "yuan", "我们"]
    for _ in range(300):
        n = rng.randint(0, 12)
        picked = [rng.choice(vocab) for _ in range(n)]
        t = 10.0
        words = []
        for w in picked:
            d = rng.choice([0.2, 0.4, 3.0])  # 3.0: a word that runs past the line
            words.append(Word(t, t + d, " " + w, 0.9))
            t += d
        text = "".join(w.word for w in words).strip()
        if rng.random() < 0.15 and words:  # the words no longer spell the line
            words[rng.randrange(len(words))] = Word(11.0, 11.5, " edited", 0.9)
        if rng.random() < 0.1:
            words.insert(0, Word(10.0, 10.0, "   ", 0.1))  # an empty word
        seg = Segment(10.0, 10.0 + 0.3 * max(n, 1), text, words)
        line = LineTimes(seg)
        for _ in range(10):
            lo = rng.randint(-1, len(text) + 1)
            hi = rng.randint(lo - 1, len(text) + 2)
            assert line.cut(lo, hi) == cut_at(seg, lo, hi), (text, lo, hi)
        assert line.cut(None, None) == cut_at(seg, None, None)
