"""Voices across the archive: single-track files transcribed (Whisper stood in by an
engine that writes one line every 2 s, the edge; real audio, real diarization, real
TinyDB), a speaker named once, suggested in other files, accepted or rejected."""

from __future__ import annotations

import base64
import json
import tarfile
import wave
from pathlib import Path

import numpy as np
import pytest
from tapelog.archive import voices
from tapelog.archive.errors import NotFoundError, UsageError
from tapelog.archive.models import Person
from tapelog.archive.portable import export_archive
from tapelog.archive.records import upsert_person
from tapelog.media.audio import load_audio
from tapelog.transcribe.embedders import available
from tapelog.transcribe.types import Segment, TranscribeOptions, TranscriptionInfo, Word
from tinydb import Query

from bench.der import read_rttm

Q = Query()

DIAR = Path(__file__).resolve().parent.parent / "bench" / "data" / "diar"
# The first held-out set: used to choose the window rule (BENCHMARKS.md), so no longer
# held out; its held02 is the case the rule was made for.
HELD = DIAR.parent / "diar_heldout"
HELD2 = DIAR.parent / "diar_heldout2"  # looked at since: no longer held out either
MEDIA = Path(__file__).resolve().parent.parent / "samples" / "media"
needs_campp = pytest.mark.skipif("campp" not in available(), reason="needs the [voices] extra")


class LineEngine:
    """One line of text every 2 s, words every 0.5 s: times are what matter here."""

    def transcribe(self, audio, options, offset=0.0, runaway="redo"):
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
    return _import_paths(archive, *(DIAR / n for n in names))


def _import_paths(archive, *paths):
    results = archive.import_paths(list(paths))
    assert all(r.status == "imported" for r in results), results
    return [r.id for r in results]


def _label_of(archive, media_id: str, conv: str, person: str, data: Path = DIAR) -> str:
    """The label (S1...) that speaks most where ``person`` truly speaks."""
    ref = [r for r in read_rttm((data / f"{conv}.rttm").read_text()) if r[0] == person]
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
    (pending,) = voices.list_matches(archive)
    with archive.store.transaction():  # the person is deleted
        archive.store.table("people").truncate()
    # The suggestion made while he was known is no longer offered, nor can be accepted.
    assert voices.list_matches(archive) == []
    with pytest.raises(NotFoundError):
        voices.decide(archive, pending.id, accept=True)
    assert voices.suggest(archive) == []
    assert [v["matchable"] for v in voices.list_voices(archive)] == [False]
    assert voices.forget(archive, "Peng Gaofeng") == 1  # the print itself can still go


@needs_campp
def test_another_files_speaker_holding_two_voices_is_not_suggested_as_one(archive, engine):
    """Luo Run named in conv06. In conv12 the spectral grouping put Sun Haiyang and
    Luo Run in one speaker, whose print sounded like Luo Run (0.925) and was suggested
    as him though Sun talks most in it; now that speaker is split by CAM++, and only
    speakers where Luo Run talks most are suggested as him."""
    m6, m12 = _import(archive, "conv06.ogg", "conv12.ogg")
    for mid in (m6, m12):
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    archive.rename_speaker(_label_of(archive, m6, "conv06", "Luo_Run"), "Luo Run", media_id=m6)
    ref = read_rttm((DIAR / "conv12.rttm").read_text())
    most: dict[str, dict[str, float]] = {}
    for s in archive.segments(m12):
        for who, a, b in ref:
            if s.speaker and a < s.end and b > s.start:
                per = most.setdefault(s.speaker, {})
                per[who] = per.get(who, 0) + min(b, s.end) - max(a, s.start)
    his = {label for label, per in most.items() if max(per, key=per.__getitem__) == "Luo_Run"}
    found = {(m.media_id, m.label, m.name) for m in voices.list_matches(archive)}
    assert his and found == {(m12, label, "Luo Run") for label in his}, most


@needs_campp
def test_a_speaker_holding_two_alike_voices_is_not_suggested_as_either(archive, engine):
    """held02: the Interviewer and Xing Dan (two US female espeak voices) in one speaker
    whose print agrees (their 1.5 s CAM++ windows do not split), and sounds like the
    Interviewer as a whole (0.88) though Xing Dan talks most. Window by window only
    about half of it sounds like her, so it is held back; the Interviewer's own
    speaker in held10 is still suggested."""
    from tests.conftest import run_cli

    m8, m2, m10 = _import_paths(archive, *(HELD / f"held{k}.ogg" for k in ("08", "02", "10")))
    for mid in (m8, m2, m10):
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    named = _label_of(archive, m8, "held08", "Interviewer", HELD)
    archive.rename_speaker(named, "Interviewer", media_id=m8)
    hers = _label_of(archive, m10, "held10", "Interviewer", HELD)
    found = {(m.media_id, m.label, m.name) for m in voices.list_matches(archive)}
    assert found == {(m10, hers, "Interviewer")}, found
    rows = {d["label"]: d for d in archive.store.table("file_voices").search(Q.media_id == m2)}
    mixed = rows[_label_of(archive, m2, "held02", "Interviewer", HELD)]
    known = archive.store.table("voices").all()
    assert voices._cos(mixed["print"], known[0]["print"]) >= voices.MATCH_THRESHOLD
    assert mixed["agreement"] >= voices.MIN_AGREEMENT  # what let it through before
    assert voices.window_share(mixed, "Interviewer", known) < voices.MIN_SHARE
    # Held back, and the crew can see it and why.
    (held,) = voices.held_back(archive)
    assert (held["media_id"], held["label"], held["name"]) == (m2, mixed["label"], "Interviewer")
    assert held["why"].endswith("stretches sound like Interviewer"), held
    archive.close()
    out = run_cli("speakers", "matches", "--held-back", archive=archive.root)
    assert out.returncode == 0, out.stderr
    assert f"{m2} {mixed['label']}\tsounds like Interviewer" in out.stdout
    assert "held back: " in out.stdout and m10 not in out.stdout


@needs_campp
def test_a_speaker_is_judged_by_windows_over_all_its_talk(archive, engine):
    """hold11 (held-out set 2): one speaker holds Xing Dan (most), Luo Run and Liu
    Jingjun; the windows its print is made of (nearest the group's centre) are mostly
    Luo Run's, so the print agrees and sounds like him. Windows spread over all of the
    speaker are mostly not his: not suggested as Luo Run."""
    m5, m11 = _import_paths(archive, *(HELD2 / f"hold{k}.ogg" for k in ("05", "11")))
    for mid in (m5, m11):
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    archive.rename_speaker(
        _label_of(archive, m5, "hold05", "Luo_Run", HELD2), "Luo Run", media_id=m5
    )
    assert voices.list_matches(archive) == []
    (luo,) = archive.store.table("voices").all()
    mixed = archive.store.table("file_voices").get(
        (Q.media_id == m11) & (Q.label == _label_of(archive, m11, "hold11", "Xing_Dan", HELD2))
    )
    assert voices._cos(mixed["print"], luo["print"]) >= voices.MATCH_THRESHOLD
    assert mixed["agreement"] >= voices.MIN_AGREEMENT
    assert voices.window_share(mixed, "Luo Run", [luo]) < voices.MIN_SHARE


def test_a_print_of_two_voices_is_kept_but_never_matched(tmp_path):
    """Prints stored as transcription stores them: a speaker whose print agreement is
    low (two voices) is not suggested; named, its print is not matched and says why."""
    from tapelog.transcribe.diarize import Diarization

    from tests.test_tui_support import LIU, build_ui_archive, write_transcript

    a = build_ui_archive(tmp_path / "mixed")
    try:
        liu, two = (m.id for m in a.list_media()[:2])
        write_transcript(a, liu, [Segment(s, e, t, speaker="S1") for s, e, t in LIU])
        rng = np.random.default_rng(16)
        his, other = rng.normal(size=192), rng.normal(size=192)
        near = (his + 0.2 * rng.normal(size=192)).tolist()

        def store(mid, prints, agreement):
            d = Diarization([], prints, "campp", agreement=agreement)
            voices.save_file_prints(a, mid, a.get_media(mid).transcript_id, d, set(prints))

        store(two, {"CH1": other.tolist(), "CH2": his.tolist()}, {"CH1": 0.9, "CH2": 0.9})
        store(liu, {"S1": near}, {"S1": voices.MIN_AGREEMENT - 0.05})
        a.rename_speaker("CH2", "Luo An Xin", media_id=two)
        assert voices.list_matches(a) == []  # sounds like him, but holds two voices
        store(liu, {"S1": near}, {"S1": voices.MIN_AGREEMENT + 0.05})
        assert [(m.media_id, m.name) for m in voices.suggest(a)] == [(liu, "Luo An Xin")]
        # The other way: a named voice made from two voices is kept, never matched.
        store(two, {"CH1": other.tolist(), "CH2": his.tolist()}, {"CH1": 0.9, "CH2": 0.5})
        a.rename_speaker("CH2", "Luo An Xin", media_id=two)
        luo = next(v for v in voices.list_voices(a) if v["name"] == "Luo An Xin")
        assert (luo["matchable"], luo["why"]) == (False, "two voices in one speaker")
    finally:
        a.close()


def test_best_voice_needs_a_clean_print_a_score_and_a_margin():
    """The rule on made-up prints: a mixed print, a weak score and a close second
    person are each enough to suggest nothing; two prints of one person are no rival."""
    rng = np.random.default_rng(3)
    luo, sun = rng.normal(size=192), rng.normal(size=192)

    def doc(vec, name="", agreement=None):
        return {"embedder": "campp", "print": vec.tolist(), "name": name, "agreement": agreement}

    known = [doc(luo, "Luo Run", 0.9), doc(sun, "Sun Haiyang", 0.9)]
    him = doc(luo + 0.1 * rng.normal(size=192), agreement=0.88)
    score, best = voices.best_voice(him, known)
    assert best["name"] == "Luo Run" and score >= voices.MATCH_THRESHOLD
    assert voices.best_voice(him | {"agreement": voices.MIN_AGREEMENT - 0.01}, known) is None
    assert voices.best_voice(him | {"agreement": None}, known) is not None  # older prints
    assert voices.best_voice(him, [known[0] | {"agreement": 0.5}, known[1]]) is None
    assert voices.best_voice(doc(luo + 3 * rng.normal(size=192)), known) is None  # weak
    twin = known + [doc(luo + 0.05 * rng.normal(size=192), "Luo Run's brother", 0.9)]
    assert voices.best_voice(him, twin) is None  # another person within the margin
    again = known + [doc(luo + 0.05 * rng.normal(size=192), "Luo Run", 0.9)]
    assert voices.best_voice(him, again)[1]["name"] == "Luo Run"  # the same person twice


def test_window_share_holds_back_a_print_half_of_another_voice():
    """Made-up prints: a speaker whose windows are half another (unknown) voice close to
    the known one has a mean that still scores high against it; the windows tell."""
    from tapelog.transcribe.diarize import Diarization

    rng = np.random.default_rng(16)
    her = rng.normal(size=192)
    alike = her + 1.0 * rng.normal(size=192)  # another voice, near hers (cos ~0.7)
    known = [{"embedder": "campp", "print": her.tolist(), "name": "Interviewer",
              "agreement": 0.9}]  # fmt: skip

    def speaker(rows: np.ndarray) -> dict:
        d = Diarization([], {"S1": rows.mean(axis=0).tolist()}, "campp", agreement={"S1": 0.85},
                        windows={"S1": rows / np.linalg.norm(rows, axis=1, keepdims=True)})  # fmt: skip
        return voices.file_print(d, "S1")

    clean = speaker(her + 0.45 * rng.normal(size=(12, 192)))
    mixed = speaker(np.vstack([her + 0.45 * rng.normal(size=(6, 192)),
                               alike + 0.45 * rng.normal(size=(6, 192))]))  # fmt: skip
    assert voices._cos(mixed["print"], her.tolist()) >= voices.MATCH_THRESHOLD
    assert voices.window_share(clean, "Interviewer", known) >= voices.MIN_SHARE
    assert voices.window_share(mixed, "Interviewer", known) < voices.MIN_SHARE
    assert voices.best_voice(clean, known)[1]["name"] == "Interviewer"
    assert voices.best_voice(mixed, known) is None
    assert voices.best_voice(mixed | {"windows": None}, known) is not None  # older prints
    # Windows nearer another known person count against: a second known voice that
    # sounds like half of the speaker takes those windows.
    rival = {"embedder": "campp", "print": alike.tolist(), "name": "Xing Dan", "agreement": 0.9}
    assert voices.window_share(mixed, "Interviewer", [*known, rival]) <= 0.5
    # What does not decode to windows of the print's size is read as no windows.
    infinite = base64.b64encode(b"\x00\xfc" * 192).decode()  # float16 -inf, right size
    for bad in ("not base64!", "", "AAAA", 12, ["x"], infinite):
        assert voices.window_share(clean | {"windows": bad}, "Interviewer", known) is None


def _write_wav(path: Path, audio: np.ndarray, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _one_voice(tmp_path: Path, conv: str, person: str) -> Path:
    """A single-voice file cut from a generated conversation: ``person``'s turns that
    nobody else's overlap, with short pauses between them."""
    ref = read_rttm((DIAR / f"{conv}.rttm").read_text())
    audio = load_audio(DIAR / f"{conv}.ogg")
    pause = np.zeros(8000, dtype=np.float32)
    parts = []
    for who, a, b in ref:
        if who == person and not any(o != who and s < b and e > a for o, s, e in ref):
            parts += [audio[int(a * 16000) : int(b * 16000)], pause]
    return _write_wav(tmp_path / f"{person}_alone.wav", np.concatenate(parts))


def test_one_voice_is_one_speaker_that_can_be_named(archive, engine):
    """A file with one voice gets one label (S1), not none, so it can be named."""
    archive.set_setting("voice_model", "spectral")
    (mid,) = _import_paths(archive, MEDIA / "interview_liu.mov")
    archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    assert {s.speaker for s in archive.segments(mid)} == {"S1"}
    assert archive.get_transcript(archive.get_media(mid).transcript_id).speakers == ["S1"]
    archive.rename_speaker("S1", "Liu Jingjun", media_id=mid)
    assert [v["name"] for v in voices.list_voices(archive)] == ["Liu Jingjun"]


@needs_campp
def test_a_one_voice_file_is_matched_to_a_known_voice(archive, engine, tmp_path):
    alone = _one_voice(tmp_path, "conv03", "Peng_Gaofeng")
    m5, solo = _import_paths(archive, DIAR / "conv05.ogg", alone)
    for mid in (m5, solo):
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    assert {s.speaker for s in archive.segments(solo)} == {"S1"}
    archive.rename_speaker(
        _label_of(archive, m5, "conv05", "Peng_Gaofeng"), "Peng Gaofeng", media_id=m5
    )
    (m,) = voices.list_matches(archive)
    assert (m.media_id, m.label, m.name) == (solo, "S1", "Peng Gaofeng")


def test_files_with_no_voice_to_tell_apart(archive, engine, tmp_path):
    """Silence, music only, under 2 s, and 8 channels: transcribed, no voice labels
    (channels for the 8-channel file), no prints, nothing suggested."""
    archive.set_setting("voice_model", "spectral")
    t = np.arange(16000 * 8) / 16000
    music = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * 0.05
    short = load_audio(DIAR / "conv01.ogg")[: int(1.5 * 16000)]
    files = [
        MEDIA / "silence.wav",
        _write_wav(tmp_path / "music.wav", music),
        _write_wav(tmp_path / "short.wav", short),
        MEDIA / "eight_channel.wav",
    ]
    ids = _import_paths(archive, *files)
    for mid in ids:
        assert archive.transcribe(mid, TranscribeOptions(model="tiny.en")).status == "done"
    labels = [{s.speaker for s in archive.segments(mid)} for mid in ids]
    assert labels[:3] == [{None}, {None}, {None}]
    assert labels[3] and all(lb and lb.startswith("CH") for lb in labels[3])
    assert archive.store.table("file_voices").all() == []
    assert voices.suggest(archive) == []


@needs_campp
def test_an_accepted_voice_is_credited_in_search_markers_and_dossiers(archive, engine, tmp_path):
    """Named in one file, accepted in another: search by his name finds both files,
    and the second file's markers and the case dossier credit his lines to him."""
    import xml.etree.ElementTree as ET

    from tapelog.archive.exports import export_dossier, export_markers
    from tapelog.archive.models import Case, Tag

    from tests.conftest import run_cli

    m3, m5 = _import(archive, "conv03.ogg", "conv05.ogg")
    for mid in (m3, m5):
        archive.transcribe(mid, TranscribeOptions(model="tiny.en", language="en"))
    archive.rename_speaker(
        _label_of(archive, m3, "conv03", "Peng_Gaofeng"), "Peng Gaofeng", media_id=m3
    )
    (m,) = voices.list_matches(archive)
    voices.decide(archive, m.id, accept=True)
    end = archive.get_media(m5).info.duration
    with archive.store.transaction():
        archive.store.table("cases").insert(Case("C1", child_name="Peng Ran").to_dict())
        archive.store.table("tags").insert(Tag("t1", m5, 0.0, end, cases=["C1"]).to_dict())
    export_markers(archive, [m5], tmp_path / "m.xml", "fcp7")
    (comment,) = [e.text for e in ET.parse(tmp_path / "m.xml").getroot().iter("comment")]
    assert "Peng Gaofeng: hello0" in comment
    export_dossier(archive, "C1", tmp_path / "c.md", "md")
    assert "Peng Gaofeng: hello0" in (tmp_path / "c.md").read_text(encoding="utf-8")
    archive.close()
    out = run_cli("search", "hello0", "--speaker", "Peng Gaofeng", "--json", archive=archive.root)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert {h["media_id"] for h in hits} == {m3, m5}
    assert {h["speaker"] for h in hits} == {"Peng Gaofeng"}
