"""Voices across the archive: single-track files transcribed (Whisper stood in by an
engine that writes one line every 2 s, the edge; real audio, real diarization, real
TinyDB), a speaker named once, suggested in other files, accepted or rejected."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from tapelog.archive import voices
from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.models import Person
from tapelog.archive.portable import export_archive
from tapelog.archive.records import upsert_person
from tapelog.transcribe.embedders import available
from tapelog.transcribe.types import Segment, TranscribeOptions, TranscriptionInfo, Word

from bench.der import read_rttm

DIAR = Path(__file__).resolve().parent.parent / "bench" / "data" / "diar"
needs_campp = pytest.mark.skipif("campp" not in available(), reason="needs the [voices] extra")


class LineEngine:
    """One line of text every 2 s, words every 0.5 s: times are what matter here."""

    def transcribe(self, audio, options, offset=0.0):
        total = len(audio) / 16000

        def gen():
            t = offset
            while t + 0.5 < total:
                words = [Word(t + i * 0.5, t + i * 0.5 + 0.4, f" hello{i}") for i in range(4)]
                words = [w for w in words if w.end <= total]
                yield Segment(t, min(total, t + 2.0), "".join(w.word for w in words), words)
                t += 2.0

        return TranscriptionInfo("en", 1.0, total, "stand-in"), gen()

    def detect_language(self, audio):
        return "en", 1.0


@pytest.fixture
def engine(monkeypatch):
    import tapelog.transcribe.engine as eng

    monkeypatch.setattr(eng, "get_engine", lambda options: LineEngine())


def _import(archive, *names):
    results = archive.import_paths([DIAR / n for n in names])
    assert all(r.status == "imported" for r in results), results
    return [r.id for r in results]


def _label_of(archive, media_id: str, conv: str, person: str) -> str:
    """The label (S1...) that speaks most where ``person`` truly speaks."""
    ref = [r for r in read_rttm((DIAR / f"{conv}.rttm").read_text()) if r[0] == person]
    talk: dict[str, float] = {}
    for s in archive.segments(media_id):
        for _, a, b in ref:
            if s.speaker and a < s.end and b > s.start:
                talk[s.speaker] = talk.get(s.speaker, 0) + min(b, s.end) - max(a, s.start)
    return max(talk, key=talk.get)


def test_single_track_gets_voices_unless_turned_off(archive, engine):
    archive.set_setting("voice_model", "spectral")
    (mid,) = _import(archive, "conv01.ogg")
    archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    assert {s.speaker for s in archive.segments(mid)} == {"S1", "S2"}
    assert archive.get_transcript(archive.get_media(mid).transcript_id).speakers == ["S1", "S2"]
    # A spectral print is saved with the file but is never matched across files.
    archive.rename_speaker("S1", "Liu Jingjun", media_id=mid)
    assert voices.list_voices(archive)[0]["matchable"] is False
    assert voices.suggest(archive) == []
    off = TranscribeOptions(model="tiny.en", language="en", diarize=False)
    archive.transcribe(mid, off)
    assert {s.speaker for s in archive.segments(mid)} == {None}


def test_unknown_voice_model_setting_is_refused(archive):
    with pytest.raises(UsageError):
        archive.set_setting("voice_model", "pyannote")


@needs_campp
def test_a_named_voice_is_suggested_elsewhere_and_reviewed(archive, engine, tmp_path):
    ids = _import(archive, "conv03.ogg", "conv05.ogg", "conv04.ogg")  # Peng Gaofeng in all
    for mid in ids:
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    m3, m5, m4 = ids
    upsert_person(archive, Person("p1", "Peng Gaofeng", flags=["minor"]))
    archive.rename_speaker(
        _label_of(archive, m3, "conv03", "Peng_Gaofeng"), "Peng Gaofeng", media_id=m3
    )
    found = {(m.media_id, m.label): m for m in voices.list_matches(archive)}
    want5 = (m5, _label_of(archive, m5, "conv05", "Peng_Gaofeng"))
    want4 = (m4, _label_of(archive, m4, "conv04", "Peng_Gaofeng"))
    assert set(found) == {want5, want4}  # nobody else suggested as him
    assert all(m.score >= voices.MATCH_THRESHOLD and m.flags == ("minor",) for m in found.values())
    # Not applied until accepted.
    assert want5[1] not in archive.speaker_names(m5)
    voices.decide(archive, found[want5].id, accept=True)
    voices.decide(archive, found[want4].id, accept=False)
    assert archive.speaker_names(m5)[want5[1]] == "Peng Gaofeng"
    assert want4[1] not in archive.speaker_names(m4)
    assert voices.suggest(archive) == []  # a rejection is remembered
    with pytest.raises(UsageError):
        voices.decide(archive, found[want4].id, accept=True)
    hits = archive.search("hello0", speakers=["Peng Gaofeng"], limit=500)
    assert {h.media_id for h in hits} <= {m3, m5} and hits
    # Voice prints never leave the archive.
    export_archive(archive.root, tmp_path / "out.tar")
    with tarfile.open(tmp_path / "out.tar") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(next(n for n in names if n.endswith("manifest.json"))))
    assert not [n for n in names if Path(n).stem in voices.TABLES]
    assert any(n.endswith("speakers.json") for n in names) and manifest["files"]
    # Forgetting deletes the prints; names already given stay.
    assert voices.forget(archive, "Peng Gaofeng") == 1
    assert voices.list_voices(archive) == []
    assert archive.speaker_names(m5)[want5[1]] == "Peng Gaofeng"
    with pytest.raises(NotFoundError):
        voices.forget(archive, "Peng Gaofeng")


@needs_campp
def test_a_deleted_persons_voice_is_not_matched(archive, engine):
    ids = _import(archive, "conv03.ogg", "conv05.ogg")
    for mid in ids:
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    upsert_person(archive, Person("p1", "Peng Gaofeng"))
    archive.rename_speaker(
        _label_of(archive, ids[0], "conv03", "Peng_Gaofeng"), "Peng Gaofeng", media_id=ids[0]
    )
    assert voices.list_matches(archive)
    with archive.store.transaction():  # the person is deleted
        archive.store.table("people").truncate()
        archive.store.table("voice_matches").truncate()
    assert voices.suggest(archive) == []
