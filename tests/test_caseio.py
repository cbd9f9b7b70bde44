"""Reading case records and people from CSV/JSON as researchers' spreadsheets save them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tapelog.archive.caseio import read_cases, read_people, read_records
from tapelog.archive.errors import ImportFormatError, NotFoundError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HEADER = "case_id,child_name,child_name_zh,aliases,status,missing_place\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(data, str):
        p.write_text(data, encoding="utf-8")
    else:
        p.write_bytes(data)
    return p


def test_seed_fixtures_read_whole():
    cases, problems = read_cases(SAMPLES / "cases_from_seeds.csv")
    assert problems == []
    assert [c.case_id for c in cases][:2] == ["C-2010-TY-001", "C-2009-GZ-002"]
    liu = cases[0]
    assert liu.child_name == "Liu Jingjun"
    assert liu.aliases == ["Jingjun", "Liu Jing Jun"]
    assert liu.parents == ["Mr. Liu", "Mrs. Liu"]
    assert liu.status == "missing" and liu.missing_place == "Taiyuan, Shanxi"
    people, problems = read_people(SAMPLES / "people_from_seeds.csv")
    assert problems == []
    assert {p.person_id: p.flags for p in people}["P-005"] == ["minor"]
    assert people[0].cases == ["C-2010-TY-001"]


def test_excel_bom_semicolons_and_unknown_columns(tmp_path):
    # Excel in many locales: BOM + ';' as the separator; a cell holding ';' is quoted.
    text = 'case_id;child_name;aliases;Reporter\nC1;Liu Jingjun;"Jingjun;Jingle";BBC\n'
    p = write(tmp_path, "c.csv", "\ufeff".encode() + text.encode())
    cases, problems = read_cases(p)
    assert problems == []
    assert cases[0].case_id == "C1"
    assert cases[0].aliases == ["Jingjun", "Jingle"]
    assert cases[0].extra == {"reporter": "BBC"}


def test_utf16_excel_unicode_text(tmp_path):
    text = "case_id\tchild_name\tchild_name_zh\nC1\tLiu Jingjun\t刘景军\n"
    p = write(tmp_path, "c.txt", text.encode("utf-16"))
    cases, problems = read_cases(p)
    assert problems == [] and cases[0].child_name_zh == "刘景军"


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_imports(tmp_path):
    text = (
        HEADER
        + "C1,Liu Jingjun,,,missing,Taiyuan\n"
        + ',"Nobody",,,missing,\n'  # line 3: no id
        + "C1,Again,,,missing,\n"  # line 4: duplicate
        + 'C2,"Luo\nRun",,,lost,\n'  # lines 5-6: a name over two lines (a quote astray?)
        + "\n"
        + "C3,Le Le,,Lele;Peng Lele,Reunited,\n"  # line 8: status case-insensitive
    )
    cases, problems = read_cases(write(tmp_path, "c.csv", text))
    assert [c.case_id for c in cases] == ["C1", "C3"]
    assert cases[1].status == "reunited"
    assert [str(p).split(":")[0] for p in problems] == ["line 3", "line 4", "line 5"]
    assert "missing case_id" in problems[0].reason
    assert "duplicate" in problems[1].reason
    assert "runs on to line 6" in problems[2].reason  # invalid statuses: test_cases_cli


def test_bad_flag_is_a_problem(tmp_path):
    text = "person_id,name,flags\nP1,Mr. Liu,minor;secret\nP2,Mrs. Liu,off-record\n"
    people, problems = read_people(write(tmp_path, "p.csv", text))
    assert [p.person_id for p in people] == ["P2"]
    assert "line 2" in str(problems[0]) and "unknown flag 'secret'" in str(problems[0])


@pytest.mark.parametrize(
    "data, message",
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        (b"PK\x03\x04\x00\x00binary\x00stuff", "binary"),
        ("Caf\xe9,name\n".encode("cp1252"), "not UTF-8"),
        ("id,name\n1,Liu\n", "no 'case_id' or 'person_id' column"),
    ],
)
def test_unreadable_files_raise_one_clear_error(tmp_path, data, message):
    p = write(tmp_path, "bad.csv", data)
    with pytest.raises(ImportFormatError) as err:
        read_records(p)
    assert message in str(err.value) and "bad.csv" in str(err.value)


def test_wrong_columns_names_expected_and_found(tmp_path):
    p = write(tmp_path, "people.csv", "name,role\nMr. Liu,parent\n")
    with pytest.raises(ImportFormatError) as err:
        read_people(p)
    msg = str(err.value)
    assert "no 'person_id' column" in msg and "person_id, name" in msg
    assert "found name, role" in msg


def test_json_list_and_object(tmp_path):
    items = [
        {"case_id": "C1", "child_name": "Luo Run", "aliases": ["Lou Run"], "province": "GD"},
        {"child_name": "no id"},
        {"case_id": "C2", "child_name": "Le Le", "aliases": "Lele;Peng Lele"},
    ]
    kind, recs, problems = read_records(write(tmp_path, "c.json", json.dumps(items)))
    assert kind == "cases" and [r.case_id for r in recs] == ["C1", "C2"]
    assert recs[0].aliases == ["Lou Run"] and recs[0].extra == {"province": "GD"}
    assert recs[1].aliases == ["Lele", "Peng Lele"]
    assert str(problems[0]) == "item 2: missing case_id"
    wrapped = write(tmp_path, "p.json", json.dumps({"people": [{"person_id": "P1"}]}))
    kind, recs, _ = read_records(wrapped)
    assert kind == "people" and recs[0].person_id == "P1"
    with pytest.raises(ImportFormatError, match="invalid JSON"):
        read_records(write(tmp_path, "x.json", "[{"))


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFoundError):
        read_cases(tmp_path / "nope.csv")
