"""Case sheets and archive files that would exhaust memory or crash a reader.

Every reader answers hostile input with the project's error in one line: a JSON sheet
nested 100,000 deep, a 100,000-digit number, a sheet of a million rows (read as a
stream, refused past the stated limit before it fills memory), an archive whose
store holds a folder where a table should be.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from tapelog.archive import caseio
from tapelog.archive.errors import ImportFormatError, StoreError

from tests.conftest import MEDIA, run_cli


def _one_line_refusal(proc) -> str:
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


@pytest.mark.parametrize(
    "text, reason",
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"case_id": "C-1", "age": ' + "9" * 100_000 + "}]", "unreadable JSON"),
        ('{"cases": [{"case_id": ' + "[" * 50_000 + "]" * 50_000 + "}]}", "nested too deeply"),
    ],
    ids=["deep", "long-number", "deep-in-a-record"],
)
def test_json_sheets_that_break_the_parser_are_one_line_errors(
    tmp_path: Path, text: str, reason: str
) -> None:
    sheet = tmp_path / "cases.json"
    sheet.write_text(text)
    with pytest.raises(ImportFormatError, match=reason):
        caseio.read_records(sheet, "cases")
    assert reason in _one_line_refusal(run_cli("cases", "import", str(sheet)))
    assert run_cli("cases", "list", "--json").stdout.strip() in ("[]", "")


def test_a_million_row_sheet_is_refused_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = tmp_path / "cases.csv"
    with open(sheet, "w", encoding="utf-8") as fh:
        fh.write("case_id,child_name,notes\n")
        for i in range(1_000_000):
            fh.write(f"C-{i},Child {i},{'x' * 10}\n")
    size = sheet.stat().st_size
    proc = run_cli("cases", "import", str(sheet))
    assert "more than 200,000 rows" in _one_line_refusal(proc)
    # Streamed: with a limit of 1,000 rows, reading stops at row 1,001 and memory holds
    # a thousand records, not the 27 MB file (the old reader held it whole, twice).
    monkeypatch.setattr(caseio, "MAX_ROWS", 1000)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError, match="more than 1,000 rows"):
            caseio.read_records(sheet, "cases")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 10, (peak, size)


def test_sheets_past_the_byte_limits_are_refused_before_reading(tmp_path: Path) -> None:
    for name, limit in (("big.csv", caseio.MAX_CSV_BYTES), ("big.json", caseio.MAX_JSON_BYTES)):
        sheet = tmp_path / name
        with open(sheet, "wb") as fh:
            fh.write(b"case_id,child_name\n" if name.endswith(".csv") else b'[{"case_id": "')
            fh.truncate(limit + 1)  # sparse: nothing of it is ever in memory
        with pytest.raises(ImportFormatError, match="too big for a sheet"):
            caseio.read_records(sheet, "cases")
        assert "split it" in _one_line_refusal(run_cli("cases", "import", str(sheet)))


def test_a_not_utf8_byte_deep_in_a_streamed_sheet_is_one_line(tmp_path: Path) -> None:
    sheet = tmp_path / "cases.csv"
    rows = "".join(f"C-{i},Child {i}\n" for i in range(5000))
    sheet.write_bytes(b"case_id,child_name\n" + rows.encode() + "Caf\xe9,x\n".encode("cp1252"))
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        caseio.read_records(sheet, "cases")


def test_an_archive_with_a_folder_where_a_table_should_be(tmp_path: Path, archive) -> None:
    from tapelog.archive.portable import export_archive

    archive.import_paths([MEDIA / "silence.wav"])
    (archive.store.dir / "zz_extra.json").mkdir()
    with pytest.raises(StoreError, match="zz_extra.json"):
        export_archive(archive.root, tmp_path / "out.tar")
    proc = run_cli("archive", "export", str(tmp_path / "out.tar"), archive=archive.root)
    _one_line_refusal(proc)
    assert not (tmp_path / "out.tar").exists()
