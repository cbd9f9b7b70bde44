"""Cases, people, themes, tags and links on a real archive, and through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tapelog.archive import cases as C
from tapelog.archive.errors import ImportFormatError, NotFoundError, UsageError
from tapelog.archive.models import Case, TranscriptRecord
from tapelog.archive.service import Archive
from tapelog.archive.transcripts import SegmentWriter, transcript_path
from tapelog.transcribe.types import Segment
from tinydb import Query

from bench.bench_linking import generate_cases
from tests.conftest import MEDIA, SAMPLES, run_cli

LIU_CASE = "C-2010-TY-001"
LIU_LINES = [
    (1.0, 6.2, "My son Liu Jingjun was taken from the alley behind our room in Taiyuan"),
    (6.2, 8.9, "in April two thousand ten."),
    (8.9, 11.6, "The police did not help us at first. Jingle was only two."),
    (11.6, 16.0, "Liu Jianjun's family came to see us."),
    (16.0, 21.5, "We gave our blood to the DNA database and we still search every night."),
]


def put_transcript(archive: Archive, media_id: str, lines) -> None:
    """Store a scripted transcript the way a finished transcription run does."""
    segs = [Segment(s, e, t) for s, e, t in lines]
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


@pytest.fixture
def liu(archive: Archive) -> tuple[Archive, str]:
    """The archive with interview_liu.mov, its transcript and the seed records."""
    [res] = archive.import_paths([MEDIA / "interview_liu.mov"])
    put_transcript(archive, res.id, LIU_LINES)
    C.import_cases(archive, SAMPLES / "cases_from_seeds.csv")
    C.import_people(archive, SAMPLES / "people_from_seeds.csv")
    return archive, res.id


# -- import ----------------------------------------------------------------------------


def test_reimport_updates_by_id_and_never_duplicates(archive, tmp_path):
    first = C.import_cases(archive, SAMPLES / "cases_from_seeds.csv")
    assert len(first.added) == 4 and not first.problems
    changed = (SAMPLES / "cases_from_seeds.csv").read_text(encoding="utf-8")
    changed = changed.replace(
        "C-2009-GZ-002,Luo Run,,Lou Run", "C-2009-GZ-002,Luo Run,罗润,Lou Run"
    )
    p = tmp_path / "cases.csv"
    p.write_text(changed + "C-NEW,Le Le,,,,,,,bogus,,\n", encoding="utf-8-sig")
    again = C.import_cases(archive, p)
    assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 1, 3)
    assert [str(x) for x in again.problems] == [
        "line 6: C-NEW: invalid status 'bogus' (use missing, found, reunited, unknown)"
    ]
    assert len(C.list_cases(archive)) == 4
    assert C.get_case(archive, "C-2009-GZ-002").child_name_zh == "罗润"


def test_reimport_of_some_columns_keeps_the_others(archive, tmp_path):
    """A status update sheet must not wipe aliases, extra columns or a minor's flag."""
    C.import_cases(archive, SAMPLES / "cases_from_seeds.csv")
    C.import_people(archive, SAMPLES / "people_from_seeds.csv")
    before = C.get_case(archive, "C-2010-TY-001")
    assert before.aliases and C.get_person(archive, "P-005").flags == ["minor"]
    cases = tmp_path / "status.csv"
    cases.write_text("case_id,status,region\nC-2010-TY-001,found,Shanxi\n", encoding="utf-8")
    rep = C.import_cases(archive, cases)
    assert rep.updated == ["C-2010-TY-001"]
    after = C.get_case(archive, "C-2010-TY-001")
    assert after.status == "found" and after.extra["region"] == "Shanxi"
    assert (after.aliases, after.child_name, after.notes) == (
        before.aliases,
        before.child_name,
        before.notes,
    )
    people = tmp_path / "names.json"
    people.write_text(json.dumps([{"person_id": "P-005", "name": "Jingjun"}]))
    C.import_people(archive, people)
    kept = C.get_person(archive, "P-005")
    assert kept.name == "Jingjun" and kept.flags == ["minor"]
    # A column that is there with an empty cell does clear its field.
    cleared = tmp_path / "clear.csv"
    cleared.write_text("person_id,flags\nP-005,\n", encoding="utf-8")
    C.import_people(archive, cleared)
    assert C.get_person(archive, "P-005").flags == []


def test_people_naming_unknown_cases_import_with_a_warning(archive, tmp_path):
    C.import_cases(archive, SAMPLES / "cases_from_seeds.csv")
    p = tmp_path / "people.csv"
    p.write_text("person_id,name,cases\nP-9,Mr. Wang,C-NOPE;C-2010-TY-001\n", encoding="utf-8")
    rep = C.import_people(archive, p)
    assert rep.added == ["P-9"] and not rep.problems
    assert rep.warnings == [
        "P-9: case C-NOPE is not in the archive (import the case records, or correct the id)"
    ]
    out = run_cli("people", "import", str(p), archive=archive.root)
    assert out.returncode == 0 and "warning:" in out.stderr and "C-NOPE" in out.stderr


def test_an_unclosed_quote_is_reported_not_swallowed(archive, tmp_path):
    p = tmp_path / "quote.csv"
    p.write_text(
        'case_id,child_name,status,notes\nC-A,Ann,missing,"two\nlines"\n'
        'C-B,"Unclosed,missing\nC-C,Fine,found\n',
        encoding="utf-8",
    )
    rep = C.import_cases(archive, p)
    assert rep.added == ["C-A"]  # a note may span lines
    assert [str(x) for x in rep.problems] == [
        "line 4: 'child_name' runs on to line 5: is a quote not closed? lines 4-5 were not imported"
    ]


def test_unreadable_file_writes_nothing(archive, tmp_path):
    bad = tmp_path / "cases.csv"
    bad.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="expected case columns"):
        C.import_records(archive, bad)
    assert C.list_cases(archive) == [] and C.list_people(archive) == []
    with pytest.raises(NotFoundError):
        C.get_case(archive, "C-1")


def test_ten_thousand_cases_import_and_the_name_index_is_built_once(archive, tmp_path):
    """Behaviour only: import and linking times are measured in bench/ (BENCHMARKS.md)."""
    p = tmp_path / "many.json"
    p.write_text(json.dumps({"cases": [c.to_dict() for c in generate_cases(10_000)]}))
    report = C.import_cases(archive, p)
    again = C.import_cases(archive, p)
    assert len(report.added) == 10_000 and len(again.unchanged) == 10_000
    assert len(C.list_cases(archive)) == 10_000
    first = C.name_index(archive)  # builds once, then cached until the cases change
    assert C.name_index(archive) is first
    C.import_cases(archive, p)  # unchanged cases: the store is not rewritten
    assert C.name_index(archive) is first


# -- themes and tags -------------------------------------------------------------------


def test_tags_validate_media_span_and_ids(liu):
    archive, mid = liu
    tag = C.add_tag(archive, mid, 1.0, 6.2, themes=["police response/inaction"],
                    cases=[LIU_CASE], people=["P-005"], note="the alley",
                    new_themes=True)  # fmt: skip
    assert tag.id and tag.cases == [LIU_CASE]
    assert "police response" in C.list_themes(archive)  # the parent level is implied
    with pytest.raises(NotFoundError, match="no case with id 'C-NOPE'"):
        C.add_tag(archive, mid, 1, 2, cases=["C-NOPE"])
    with pytest.raises(NotFoundError, match="no person"):
        C.add_tag(archive, mid, 1, 2, people=["P-NOPE"])
    with pytest.raises(NotFoundError):
        C.add_tag(archive, "m999", 1, 2)
    for start, end in ((-1, 2), (5, 5), (6, 3), (1, 60), (float("nan"), 2)):
        with pytest.raises(UsageError):
            C.add_tag(archive, mid, start, end, note="x")
    # A tag that says nothing is refused here, for the CLI and the TUI alike.
    with pytest.raises(UsageError, match="a tag needs a theme, a person, a case or a note"):
        C.add_tag(archive, mid, 1, 2, note="  ")
    dur = archive.get_media(mid).info.duration
    clamped = C.add_tag(archive, mid, 20, dur + 0.0005, note="to the end")
    assert clamped.end == round(dur, 3)
    assert [t.id for t in C.list_tags(archive, case=LIU_CASE)] == [tag.id]
    edited = C.edit_tag(
        archive, tag.id, note="new note", themes=["surveillance footage"], new_themes=True
    )
    with pytest.raises(UsageError, match=f"tapelog tags delete {clamped.id}"):
        C.edit_tag(archive, clamped.id, note="")
    assert edited.note == "new note" and edited.themes == ["surveillance footage"]
    gone = C.delete_tag(archive, tag.id)
    assert C.list_tags(archive, case=LIU_CASE) == []
    C.restore_tag(archive, gone)
    assert C.get_tag(archive, tag.id).note == "new note"


def test_theme_rename_and_merge_carry_every_tag(liu):
    archive, mid = liu
    a = C.add_tag(archive, mid, 1, 2, themes=["police", "police/inaction"], new_themes=True)
    b = C.add_tag(archive, mid, 3, 4, themes=["cops"], new_themes=True)
    assert C.rename_theme(archive, "police", "police response") == 1
    assert C.get_tag(archive, a.id).themes == ["police response", "police response/inaction"]
    assert "police" not in C.list_themes(archive)
    with pytest.raises(UsageError, match="merge"):
        C.rename_theme(archive, "cops", "Police Response")
    assert C.merge_themes(archive, ["cops"], "police response") == 1
    assert C.get_tag(archive, b.id).themes == ["police response"]
    assert "cops" not in C.list_themes(archive)
    spans = C.tag_spans(archive, theme="police response")
    assert spans == {mid: [(1.0, 2.0), (3.0, 4.0)]}
    with pytest.raises(NotFoundError):
        C.tag_spans(archive, theme="no such theme")


# -- links -----------------------------------------------------------------------------


def test_suggest_accept_reject_are_stable(liu):
    archive, mid = liu
    first = C.suggest_links(archive)
    by = {(x.start, x.target_id): x for x in first}
    # One suggestion per mention: the case, the child's person record folded in.
    assert (1.0, LIU_CASE) in by and (1.0, "P-005") not in by
    assert by[(1.0, LIU_CASE)].people == ["P-005"]
    assert (8.9, LIU_CASE) in by  # "Jingle", in an interview about that case
    assert not any(x.start == 11.6 for x in first)  # Liu Jianjun is someone else
    again = C.suggest_links(archive)
    assert [x.link_id for x in again] == [x.link_id for x in first]
    assert len(archive.store.table("links")) == len(first)

    tag = C.accept_link(archive, by[(1.0, LIU_CASE)].link_id)
    assert tag.source == "link" and tag.cases == [LIU_CASE] and tag.link_id
    assert tag.people == ["P-005"]  # accepting the one item tags the child too
    C.reject_link(archive, by[(8.9, LIU_CASE)].link_id)
    third = C.suggest_links(archive, [mid])
    ids = {x.link_id for x in third}
    assert by[(8.9, LIU_CASE)].link_id not in ids  # rejected: not suggested again
    assert by[(1.0, LIU_CASE)].link_id not in ids  # accepted: no longer pending
    assert C.tag_spans(archive, case=LIU_CASE) == {mid: [(1.0, 6.2)]}
    with pytest.raises(NotFoundError):
        C.accept_link(archive, "k-nope")


def test_sensitive_spans_and_vocab(liu):
    archive, mid = liu
    C.add_tag(archive, mid, 1.0, 6.2, people=["P-005"])  # the child: minor
    C.add_tag(archive, mid, 8.9, 11.6, people=["P-001"])
    assert C.sensitive_spans(archive) == {mid: [(1.0, 6.2, ["minor"])]}
    vocab = C.vocab_for_media(archive, mid, max_chars=60)
    assert vocab.startswith("Liu Jingjun") and len(vocab) <= 62
    full = C.vocab_for_media(archive, mid)
    assert "Luo Run" in full and "Taiyuan" in full and len(full) <= 602
    # Mandarin: only names in characters (Latin names pulled the transcript into pinyin).
    assert C.vocab_for_media(archive, mid, language="zh") == ""  # the seeds have none
    case = C.get_case(archive, "C-2009-GZ-002")
    case.child_name_zh = "罗润"
    C.upsert_case(archive, case)
    assert C.vocab_for_media(archive, mid, language="zh") == "罗润。"
    assert "罗润" in C.vocab_for_media(archive, mid) and "Luo Run" in full


# -- CLI -------------------------------------------------------------------------------


def test_cli_cases_people_tags_links(isolated_archive: Path, tmp_path: Path):
    a = Archive.open(isolated_archive)
    [res] = a.import_paths([MEDIA / "interview_liu.mov"])
    put_transcript(a, res.id, LIU_LINES)
    a.close()
    mid = res.id
    bad = tmp_path / "cases.csv"
    bad.write_text(
        (SAMPLES / "cases_from_seeds.csv").read_text(encoding="utf-8") + ",nobody,,,,,,,,,\n",
        encoding="utf-8",
    )
    r = run_cli("cases", "import", str(bad))
    assert r.returncode == 1 and "line 6: missing case_id" in r.stderr, r
    assert "4 added" in r.stdout
    r = run_cli("people", "import", str(SAMPLES / "people_from_seeds.csv"))
    assert r.returncode == 0, r.stderr
    cases = json.loads(run_cli("cases", "list", "--json").stdout)
    assert {"case_id", "child_name", "aliases", "status"} <= set(cases[0])
    r = run_cli(
        "tag", mid, "00:00:01.0", "6.2", "--case", LIU_CASE, "--theme", "police response",
        "--new-theme",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run_cli("tag", mid, "1", "2", "--case", "C-NOPE")
    assert r.returncode == 1 and "C-NOPE" in r.stderr
    r = run_cli("tag", mid, "1", "2")
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        "tapelog: a tag needs a theme, a person, a case or a note"
    ]
    tags = json.loads(run_cli("tags", "list", "--case", LIU_CASE, "--json").stdout)
    assert len(tags) == 1 and tags[0]["start"] == 1.0
    sugg = json.loads(run_cli("links", "suggest", mid, "--json").stdout)
    assert {"link_id", "media_id", "start", "end", "mention", "target_type", "target_id",
            "score"} <= set(sugg[0])  # fmt: skip
    r = run_cli("links", "accept", sugg[0]["link_id"], "k-nope")
    assert r.returncode == 1 and "accepted" in r.stdout and "k-nope" in r.stderr
    shown = json.loads(run_cli("cases", "show", LIU_CASE, "--json").stdout)
    assert len(shown["passages"]) >= 1 and "Liu Jingjun" in shown["passages"][0]["text"]
    r = run_cli("cases", "import", str(tmp_path / "missing.csv"))
    assert r.returncode in (1, 2) and "missing.csv" in r.stderr


def test_themes_from_a_file_all_or_nothing_and_delete_only_unused(liu, tmp_path):
    archive, mid = liu
    root = str(archive.root)
    out = run_cli("themes", "add", "--from", str(SAMPLES / "themes.txt"), archive=Path(root))
    assert out.returncode == 0, out.stderr
    listed = set(C.list_themes(archive))
    assert "police response" in listed and "DNA database" in listed
    out = run_cli("themes", "add", "good one", "  ", archive=Path(root))
    assert out.returncode == 2 and "good one" not in C.list_themes(archive)
    C.add_tag(archive, mid, 1.0, 2.0, themes=["police response/inaction"], new_themes=True)
    out = run_cli("themes", "delete", "police response", archive=Path(root))
    assert out.returncode == 2 and "themes merge" in out.stderr
    assert C.list_tags(archive)[0].themes == ["police response/inaction"]  # untouched
    assert run_cli("themes", "delete", "DNA database", archive=Path(root)).returncode == 0
    assert "DNA database" not in C.list_themes(archive)


# -- listing and looking up without reading every case (issue 15 item 7) ---------------


def test_cases_looked_up_by_id_are_read_from_their_shards_alone(archive, tmp_path, monkeypatch):
    p = tmp_path / "many.json"
    p.write_text(json.dumps({"cases": [c.to_dict() for c in generate_cases(2000)]}))
    C.import_cases(archive, p)
    wanted = [c.case_id for c in C.list_cases(archive)[5:8]]
    from tapelog.archive.shards import ShardedTable

    def every_case(self):
        raise AssertionError(f"every {self.name} record was read")

    monkeypatch.setattr(ShardedTable, "_read_table", every_case)
    found, missing = C.find_cases(archive, [wanted[2], wanted[0], "C-NOPE", wanted[0]])
    assert [c.case_id for c in found] == [wanted[0], wanted[2]] and missing == ["C-NOPE"]
    status = found[0].status
    assert C.find_cases(archive, wanted, status=status)[0] == [
        c for c in C.find_cases(archive, wanted)[0] if c.status == status
    ]


def test_cases_list_by_id_and_status_from_the_cli(liu):
    archive, _mid = liu
    C.upsert_case(archive, Case("C-FOUND", "Wang Xiaoyu", status="found"))
    by_id = run_cli("cases", "list", "--id", LIU_CASE, "--id", "C-NOPE", archive=archive.root)
    assert by_id.returncode == 1
    assert [line.split("\t")[0] for line in by_id.stdout.splitlines()] == [LIU_CASE]
    assert "no case with id 'C-NOPE'" in by_id.stderr
    found = run_cli("cases", "list", "--status", "found", "--json", archive=archive.root)
    assert found.returncode == 0
    assert [c["case_id"] for c in json.loads(found.stdout)] == ["C-FOUND"]
    every = run_cli("cases", "list", archive=archive.root)
    assert len(every.stdout.splitlines()) == len(C.list_cases(archive)) > 2
