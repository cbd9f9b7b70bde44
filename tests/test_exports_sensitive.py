"""Sensitive passages in exports: what redaction and --include-sensitive must show.

People flagged minor / off-record / no-release make every passage tagged with them
sensitive (issue 3 item 6, issue 5 item 7). Left out by default; redacted on request,
which must hide their names too and cannot hide a shot on a timeline; included on
request, each passage carrying its flags and the export saying how many it kept.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tapelog.archive.exports import export_dossier, export_markers, export_selects, write_selects
from tapelog.archive.exports.common import Passage, Sensitivity
from tapelog.archive.exports.timeline import read_back
from tapelog.archive.models import Case, Person, SelectionItem, SpeakerName, Tag
from tapelog.archive.selections import add_items
from tapelog.transcribe.types import Segment

from tests.fcpxml_reader import read_fcpxml
from tests.test_exports import _transcript, edl_locators

SEGS = [
    Segment(1.0, 6.0, "My son Liu Jingjun was taken from the alley.", speaker="CH1"),
    Segment(6.2, 9.0, "The police did not help us at first.", speaker="CH2"),
    Segment(9.0, 14.0, "Then a man asked for fifty thousand yuan.", speaker="CH2"),
    Segment(14.0, 20.0, "I remember the van and the man.", speaker="CH3"),
]
SEQUENCES = ("edl", "fcp7", "fcpxml")


@pytest.fixture
def arch(archive, media_dir: Path):
    """m1 (25 fps, 10:00:00:00, 22 s): a no-release parent at 1-6 s, a minor at 14-20 s."""
    (res,) = archive.import_paths([media_dir / "interview_liu.mov"])
    assert res.id == "m1"
    _transcript(archive, "m1", SEGS)
    with archive.store.transaction():
        db = archive.store.table
        db("cases").insert(Case("C1", child_name="Liu Jingjun", aliases=["Jingjun"]).to_dict())
        db("cases").insert(Case("C2", child_name="Luo Run").to_dict())
        db("cases").insert(Case("C3", child_name="Le Le").to_dict())
        for person in (
            Person("P1", name="Liu Father", role="parent", cases=["C1"]),
            Person("P3", name="Luo An Xin", role="parent", cases=["C2"], flags=["no-release"]),
            Person("P5", name="Liu Jingjun", aliases=["Jingjun"], role="child", cases=["C1"],
                   flags=["minor"]),
        ):  # fmt: skip
            db("people").insert(person.to_dict())
        for tag in (
            Tag("t1", "m1", 12.52, 13.9, themes=["scam"], cases=["C1"]),
            Tag("t2", "m1", 6.2, 9.0, themes=["police"], people=["P1"]),
            Tag("t3", "m1", 14.0, 20.0, themes=["memory"], people=["P5"], cases=["C1"]),
            Tag("t4", "m1", 1.0, 6.0, themes=["family"], people=["P3"], cases=["C2"]),
        ):
            db("tags").insert(tag.to_dict())
        for label, name in (("CH1", "Luo An Xin"), ("CH2", "Liu Father"), ("CH3", "Liu Jingjun")):
            db("speakers").insert(SpeakerName("m1", label, name).to_dict())
    add_items(
        archive,
        "sel",
        [SelectionItem("m1", 1.0, 6.0), SelectionItem("m1", 6.2, 9.0), SelectionItem("m1", 14.0, 20.0)],
    )  # fmt: skip
    return archive


def _video_clips(path: Path, fmt: str) -> list:
    """The picture clips of an exported timeline (a file's sound may sit beside them)."""
    if fmt == "fcpxml":
        return read_fcpxml(path)
    tl = read_back(path, fmt, rate=25)
    return [c for track in tl.video_tracks() for c in track.find_clips()]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


# -- 1. a redacted passage puts no footage on a timeline ---------------------------------


@pytest.mark.parametrize("fmt", SEQUENCES)
def test_redacted_selects_sequence_leaves_the_sensitive_shots_out(arch, tmp_path, fmt) -> None:
    out = tmp_path / f"sel.{fmt}"
    result = export_selects(arch, "sel", out, fmt, redact=True)
    assert (result.items, result.omitted, result.redacted) == (1, 2, 0)
    assert result.withheld == 2
    (clip,) = _video_clips(out, fmt)  # only the police quote, 6.2 .. 9.0 s
    assert clip.source_range.start_time.value == pytest.approx(900000 + 155, abs=1)
    assert clip.source_range.duration.value == pytest.approx(70, abs=1)
    text = out.read_text(encoding="utf-8")
    assert "redaction cannot hide footage: 2 sensitive passages left out" in text
    assert "redacted" not in text.lower().replace("redaction", "")
    assert "jingjun" not in text.lower() and "luo an xin" not in text.lower()
    assert any("redaction cannot hide footage" in n for n in result.notes)


def test_redacted_markers_keep_a_warning_on_the_span(arch, tmp_path) -> None:
    """The whole clip is on the timeline anyway: the marker stays, words and names hidden."""
    out = tmp_path / "m1.edl"
    result = export_markers(arch, ["m1"], out, "edl", redact=True)
    assert (result.omitted, result.redacted, result.withheld) == (0, 2, 0)
    text = out.read_text()
    assert "REDACTED" in text and "PERSON: LIU JINGJUN" not in text
    assert "REMEMBER THE VAN" not in text and "LUO AN XIN" not in text


def test_redacted_lists_still_redact_their_text(arch, tmp_path) -> None:
    result = export_selects(arch, "sel", tmp_path / "s.md", "md", redact=True)
    assert (result.items, result.omitted, result.redacted, result.withheld) == (3, 0, 2, 0)
    md = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "| [redacted: minor] |" in md and "remember the van" not in md


# -- 2. a redacted passage hides the flagged people's names ------------------------------


def test_redacted_csv_hides_flagged_names(arch, tmp_path) -> None:
    out = tmp_path / "s.csv"
    export_selects(arch, "sel", out, "csv", redact=True)
    text = out.read_text(encoding="utf-8")
    assert "luo an xin" not in text.lower() and "jingjun" not in text.lower()
    parent, police, minor = _csv_rows(out)[:3]
    assert parent["quote"] == "[redacted: no-release]"
    assert parent["tags"] == "theme: family; person: [redacted]; case: C2 Luo Run"
    assert parent["speaker"] == "[redacted]"
    # The minor is the child of case C1: the case's child name names them too.
    assert minor["tags"] == "theme: memory; person: [redacted]; case: C1 [redacted]"
    assert minor["speaker"] == "[redacted]"
    # A passage nobody flagged keeps its names.
    assert police["tags"] == "theme: police; person: Liu Father"
    assert police["speaker"] == "Liu Father"


def test_redacted_dossier_hides_flagged_names(arch, tmp_path) -> None:
    export_dossier(arch, "C1", tmp_path / "c.md", "md", redact=True)
    md = (tmp_path / "c.md").read_text(encoding="utf-8")
    passages = md.split("## Passages", 1)[1]
    line = next(x for x in passages.splitlines() if "\\[redacted: minor\\]" in x)
    meta = passages.splitlines()[passages.splitlines().index(line) + 1]
    assert "person: \\[redacted\\]" in meta and "case: C1 \\[redacted\\]" in meta
    assert "Jingjun" not in line + meta
    export_dossier(arch, "C1", tmp_path / "c.html", "html", redact=True)
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    row = next(r for r in html.split("<tr>") if "[redacted: minor]" in r)
    assert "Jingjun" not in row and "person: [redacted]" in row


def test_hand_made_passage_hides_every_name_when_redacted(arch, tmp_path) -> None:
    """Without the archive to say who is flagged, redaction hides every person."""
    media = arch.get_media("m1")
    p = Passage(media, 14.0, 20.0, text="words", people=["Someone"], flags=["minor"])
    write_selects("x", [p], tmp_path / "x.csv", "csv", sensitivity=Sensitivity("redact"))
    (row,) = _csv_rows(tmp_path / "x.csv")[:1]
    assert row["tags"] == "person: [redacted]" and row["quote"] == "[redacted: minor]"


# -- 3. included on request, each passage carries its flags ----------------------------


def test_included_selects_carry_their_flags(arch, tmp_path) -> None:
    out = tmp_path / "s.csv"
    result = export_selects(arch, "sel", out, "csv", include_sensitive=True)
    assert (result.items, result.omitted, result.included) == (3, 0, 2)
    assert result.to_dict()["included"] == 2
    rows = _csv_rows(out)
    assert [r["flags"] for r in rows[:3]] == ["no-release", "", "minor"]
    assert rows[2]["quote"] == "I remember the van and the man."
    assert rows[-1]["#"] == "note"
    assert rows[-1]["quote"].startswith("2 sensitive passages included at your request")
    assert result.notes == [rows[-1]["quote"]]

    export_selects(arch, "sel", tmp_path / "s.md", "md", include_sensitive=True)
    md = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "> Note: 2 sensitive passages included at your request" in md
    assert "| ⚠ minor I remember the van" in md and "| ⚠ no-release My son" in md
    assert "| The police did not help" in md

    export_selects(arch, "sel", tmp_path / "s.docx", "docx", include_sensitive=True)
    from docx import Document

    doc = Document(str(tmp_path / "s.docx"))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "⚠ minor I remember the van and the man." in cells
    assert any("included at your request" in para.text for para in doc.paragraphs)


@pytest.mark.parametrize("fmt", SEQUENCES)
def test_included_markers_carry_their_flags(arch, tmp_path, fmt) -> None:
    out = tmp_path / f"m1.{fmt}"
    result = export_markers(arch, ["m1"], out, fmt, include_sensitive=True)
    assert (result.items, result.included) == (4, 2)
    text = out.read_text(encoding="utf-8")
    assert "2 sensitive passages included at your request" in text
    (clip,) = _video_clips(out, fmt)
    names = {m.name.upper() for m in clip.markers}
    if fmt == "edl":  # OpenTimelineIO reads the source label as part of the name
        names = {t for *_, t in edl_locators(text)}
    assert any(n.startswith("[MINOR] ") for n in names)
    assert any(n.startswith("[NO-RELEASE] ") for n in names)
    assert sum(n.startswith("[") for n in names) == 2
    if fmt == "fcp7":
        comments = [m.metadata["fcp_xml"].get("comment", "") for m in clip.markers]
        assert any("[MINOR]" in c and "remember the van" in c for c in comments)


def test_included_selects_sequence_marks_its_flags(arch, tmp_path) -> None:
    out = tmp_path / "sel.edl"
    result = export_selects(arch, "sel", out, "edl", include_sensitive=True)
    assert (result.items, result.included) == (3, 2)
    text = out.read_text()
    # The third quote starts the record side at 5 s + 2.8 s: 00:00:07:20.
    assert re.search(r"\* LOC: 00:00:07:20 GREEN +10:00:14:00 \[MINOR\] THEME: MEMORY", text)
    assert "included at your request" in text


def test_included_dossier_marks_its_flags(arch, tmp_path) -> None:
    result = export_dossier(arch, "C1", tmp_path / "c.md", "md", include_sensitive=True)
    assert result.included == 1
    md = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "1 sensitive passage included at your request" in md
    assert "** ⚠ minor — Liu Jingjun: I remember the van" in md
    export_dossier(arch, "C1", tmp_path / "c.html", "html", include_sensitive=True)
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<strong>⚠ minor</strong> I remember the van" in html
    assert "included at your request" in html


# -- 4. messages -----------------------------------------------------------------------


def test_sequence_notes_name_the_real_option(arch, tmp_path) -> None:
    edl = tmp_path / "sel.edl"
    export_selects(arch, "sel", edl, "edl")
    text = edl.read_text()
    assert "use --include-sensitive to keep them" in text
    assert len(_video_clips(edl, "edl")) == 1
    for fmt in ("fcp7", "fcpxml"):
        xml = tmp_path / f"sel.{fmt}"
        export_selects(arch, "sel", xml, fmt)
        body = xml.read_text()
        ET.parse(xml)  # an XML comment cannot hold "--": still well formed
        assert "use the include-sensitive option to keep them" in body
        assert "-include-sensitive" not in body


def test_dossier_with_every_passage_left_out_says_so(arch, tmp_path) -> None:
    result = export_dossier(arch, "C2", tmp_path / "c2.md", "md")
    assert (result.items, result.omitted) == (0, 1)
    md = (tmp_path / "c2.md").read_text(encoding="utf-8")
    assert "The one passage linked to this case was left out as sensitive." in md
    assert "No passage in the archive is linked" not in md
    export_dossier(arch, "C2", tmp_path / "c2.html", "html")
    html = (tmp_path / "c2.html").read_text(encoding="utf-8")
    assert "<p>The one passage linked to this case was left out as sensitive.</p>" in html
    export_dossier(arch, "C3", tmp_path / "c3.md", "md")
    assert "No passage in the archive is linked to this case yet." in (
        tmp_path / "c3.md"
    ).read_text(encoding="utf-8")
