"""A fixed, deterministic archive for the TUI tests (no Whisper: scripted transcripts).

The sample media are imported for real (probe, fingerprint); their transcripts are the
lines of samples/SCRIPTS.md written the way a transcription run writes them, so
snapshots do not change when a model's output does.
"""

from __future__ import annotations

from pathlib import Path

from tapelog.archive.models import (
    Case,
    LinkSuggestion,
    Person,
    Tag,
    TranscriptRecord,
)
from tapelog.archive.service import Archive
from tapelog.archive.transcripts import SegmentWriter, transcript_path
from tapelog.transcribe.types import Segment
from tinydb import Query

MEDIA = Path(__file__).resolve().parent.parent / "samples" / "media"
CREATED = "2024-01-01T00:00:00.000000+00:00"

LIU = [
    (1.0, 6.2, "My son Liu Jingjun was taken from the alley behind our room in Taiyuan"),
    (6.2, 8.9, "in April two thousand ten."),
    (8.9, 11.6, "The police did not help us at first."),
    (11.6, 16.0, "Then the scam calls started, a man asked for fifty thousand yuan."),
    (16.0, 21.5, "We gave our blood to the DNA database and we still search every night."),
]
TWO = [
    (0.50, 3.82, "CH1", "Mister Luo, when did your son Luo Run go missing?"),
    (
        4.52,
        9.33,
        "CH2",
        "Luo Run disappeared in Fujian in two thousand seven, near the bus station.",
    ),
    (10.03, 11.88, "CH1", "Who helped you search for him?"),
    (12.58, 17.61, "CH2", "Peng Gaofeng helped us. He found his own son Le Le after many years."),
    (18.31, 19.69, "CH1", "Do you still have hope?"),
    (20.39, 22.56, "CH2", "Yes. Every single day."),
]


def write_transcript(archive: Archive, media_id: str, segments: list[Segment], lang="en"):
    q = Query()
    with archive.store.transaction():
        tid = archive.store.next_id("tr")
        speakers = sorted({s.speaker for s in segments if s.speaker})
        rec = TranscriptRecord(
            id=tid,
            media_id=media_id,
            model="scripted",
            options={"task": "transcribe"},
            created=CREATED,
            status="done",
            language=lang,
            segment_count=len(segments),
            duration=segments[-1].end,
            speakers=speakers,
        )
        with SegmentWriter(transcript_path(archive.root, media_id, tid)) as w:
            for s in segments:
                w.append(s)
        archive.store.table("transcripts").insert(rec.to_dict())
        media = archive.get_media(media_id)
        media.transcript_id = tid
        media.transcript_status = "done"
        media.language = lang
        archive.store.table("media").upsert(media.to_dict(), q.id == media_id)


def build_ui_archive(root: Path, *, records: bool = True) -> Archive:
    """Four sample files, two scripted transcripts, the seed cases/people, a tag, links."""
    a = Archive.open(root)
    results = a.import_paths(
        [
            MEDIA / "interview_liu.mov",
            MEDIA / "two_channel_interview.mov",
            MEDIA / "no_audio.mp4",
            MEDIA / "silence.wav",
        ]
    )
    assert [r.status for r in results] == ["imported"] * 4, results
    liu, two = results[0].id, results[1].id
    write_transcript(a, liu, [Segment(s, e, t) for s, e, t in LIU])
    write_transcript(a, two, [Segment(s, e, t, speaker=sp) for s, e, sp, t in TWO])
    a.rename_speaker("CH1", "Interviewer", media_id=two)
    if records:
        add_records(a, liu, two)
    return a


def add_records(a: Archive, liu: str, two: str) -> None:
    cases = [
        Case("C-2010-TY-001", "Liu Jingjun", aliases=["Jingjun"], status="missing",
             missing_date="2010-04-11", missing_place="Taiyuan, Shanxi", parents=["Mr. Liu"]),
        Case("C-2009-GZ-002", "Luo Run", aliases=["Lou Run"], status="reunited",
             parents=["Luo An Xin"]),
        Case("C-2009-GD-003", "Le Le", aliases=["Lele"], status="missing",
             parents=["Peng Gaofeng"]),
    ]  # fmt: skip
    people = [
        Person("P-001", "Mr. Liu", role="parent", cases=["C-2010-TY-001"]),
        Person("P-003", "Luo An Xin", role="parent", cases=["C-2009-GZ-002"]),
        Person("P-004", "Peng Gaofeng", role="parent", cases=["C-2009-GD-003"],
               flags=["off-record"]),
    ]  # fmt: skip
    tags = [
        Tag("g1", liu, 8.9, 11.6, themes=["police response"], cases=["C-2010-TY-001"],
            created=CREATED),
    ]  # fmt: skip
    links = [
        LinkSuggestion("l1", two, 4.52, 9.33, "Luo Run", "case", "C-2009-GZ-002", 0.97,
                       matched="Luo Run", context=TWO[1][3]),
        LinkSuggestion("l2", two, 12.58, 17.61, "Le Le", "case", "C-2009-GD-003", 0.91,
                       matched="Le Le", context=TWO[3][3]),
    ]  # fmt: skip
    with a.store.transaction():
        a.store.table("cases").insert_multiple(c.to_dict() for c in cases)
        a.store.table("people").insert_multiple(p.to_dict() for p in people)
        a.store.table("tags").insert_multiple(t.to_dict() for t in tags)
        # Tags made later get ids after these (as if these were made with add_tag).
        a.store.table("meta").upsert(
            {"key": "counter:g", "value": len(tags)}, Query().key == "counter:g"
        )
        a.store.table("links").insert_multiple(x.to_dict() for x in links)
        for theme in ("police response", "scam calls and extortion", "DNA database"):
            a.store.table("themes").insert({"name": theme})
