"""A translation sits beside the original transcript, each with its own version.

``--translate`` used to replace what ``show`` displayed, and a later translation was
paired in the SRT with a stale original. Whisper is the edge here: a scripted engine
writes the lines, so the test is about which version goes where.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from tapelog.archive.service import Archive
from tapelog.archive.transcripts import SegmentWriter, transcript_path
from tapelog.transcribe.types import Segment, TranscribeOptions, TranscriptionInfo
from tinydb import Query

from tests.conftest import run_cli

pytestmark = pytest.mark.anyio


class ScriptedEngine:
    """Three lines per run: English for a translation, the n-th version of the original."""

    def __init__(self) -> None:
        self.runs = 0

    def transcribe(self, audio, options, offset: float = 0.0, runaway: str = "redo"):
        self.runs += 1
        english = options.task == "translate"
        lines = [
            Segment(
                float(i * 3),
                float(i * 3 + 2),
                f"English line {i}" if english else f"原文 {i} 第{self.runs}版",
            )
            for i in range(3)
        ]
        info = TranscriptionInfo("en" if english else "zh", 1.0, 10.5, options.model)
        return info, iter(lines)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> ScriptedEngine:
    scripted = ScriptedEngine()
    mod = types.ModuleType("tapelog.transcribe.engine")
    mod.get_engine = lambda options: scripted  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tapelog.transcribe.engine", mod)
    return scripted


ORIGINAL = TranscribeOptions(model="scripted", language="zh", cpu_threads=1)
TRANSLATE = TranscribeOptions(model="scripted", language="zh", task="translate", cpu_threads=1)


def test_translation_beside_the_original_each_with_its_version(
    archive: Archive, media_dir: Path, engine: ScriptedEngine, tmp_path: Path
) -> None:
    (m,) = archive.import_paths([media_dir / "mandarin_zh.wav"])
    first = archive.transcribe(m.id, ORIGINAL)
    archive.transcribe(m.id, TRANSLATE)
    media = archive.get_media(m.id)
    assert media.transcript_id == first.transcript_id and media.language == "zh"
    assert media.translation_id and media.translation_id != first.transcript_id
    # `show` keeps to the words spoken; --translation shows the English.
    shown = run_cli("show", m.id, archive=archive.root)
    assert "原文 0 第1版" in shown.stdout and "English line" not in shown.stdout
    assert f"tapelog show {m.id} --translation" in shown.stdout
    english = run_cli("show", m.id, "--translation", archive=archive.root)
    assert "English line 0" in english.stdout and "原文" not in english.stdout
    # A better original later: the translation stays, and pairs with the NEW original.
    archive.transcribe(m.id, ORIGINAL.__class__(**{**ORIGINAL.to_dict(), "model": "scripted2"}))
    srt = tmp_path / "both.srt"
    out = run_cli("export", "transcript", m.id, "-o", str(srt), archive=archive.root)
    assert out.returncode == 0, out.stderr
    cues = srt.read_text(encoding="utf-8")
    assert "English line 0\n原文 0 第3版" in cues and "第1版" not in cues
    for text, want, unwanted in (
        ("original", "原文 0 第3版", "English"),
        ("translation", "English line 0", "原文"),
    ):
        one = tmp_path / f"{text}.txt"
        out = run_cli(
            "export", "transcript", m.id, "-o", str(one), "--text", text, archive=archive.root
        )
        assert out.returncode == 0, out.stderr
        body = one.read_text(encoding="utf-8")
        assert want in body and unwanted not in body
    # Asking again for what is done needs --force; a translation is its own work.
    again = run_cli("transcribe", m.id, "--translate", "--model", "x", archive=archive.root)
    assert f"{m.id}\talready translated" in again.stdout


def test_json_of_a_translation_names_both_languages(
    archive: Archive, media_dir: Path, engine: ScriptedEngine, tmp_path: Path
) -> None:
    """English lines labelled "zh" would send a script picking tracks by language astray."""
    (m,) = archive.import_paths([media_dir / "mandarin_zh.wav"])
    archive.transcribe(m.id, ORIGINAL)
    archive.transcribe(m.id, TRANSLATE)
    docs = {}
    for text in ("original", "translation", "both"):
        path = tmp_path / f"{text}.json"
        out = run_cli(
            "export", "transcript", m.id, "-o", str(path), "--text", text, archive=archive.root
        )
        assert out.returncode == 0, out.stderr
        docs[text] = json.loads(path.read_text(encoding="utf-8"))
    assert docs["original"]["language"] == "zh" and "original_language" not in docs["original"]
    for text in ("translation", "both"):
        assert docs[text]["language"] == "en", text
        assert docs[text]["original_language"] == "zh", text
    assert docs["both"]["segments"][0]["original"].startswith("原文 0")


def test_show_translation_of_a_file_without_one(archive: Archive, media_dir: Path) -> None:
    archive.import_paths([media_dir / "silence.wav"])
    out = run_cli("show", "m1", "--translation", archive=archive.root)
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "tapelog: m1 has no translation yet (`tapelog transcribe m1 --translate`)"
    )


def _legacy_translation_current(root: Path, media_dir: Path) -> None:
    """An archive as older tapelog left it: the translation made current, schema 2."""
    a = Archive.open(root)
    (m,) = a.import_paths([media_dir / "mandarin_zh.wav"])
    q = Query()
    for tid, task, text, created in (
        ("tr1", "transcribe", "原文", "2024-01-01T00:00:01"),
        ("tr2", "translate", "English", "2024-01-01T00:00:02"),
    ):
        with SegmentWriter(transcript_path(a.root, m.id, tid)) as w:
            w.append(Segment(0.0, 2.0, text))
        rec = {"id": tid, "media_id": m.id, "model": "base", "options": {"task": task},
               "created": created, "status": "done", "language": "en" if task != "transcribe"
               else "zh"}  # fmt: skip
        with a.store.transaction():
            a.store.table("transcripts").insert(rec)
    with a.store.transaction():
        media = a.get_media(m.id)
        media.transcript_id, media.transcript_status, media.language = "tr2", "done", "en"
        doc = media.to_dict()
        doc.pop("translation_id", None)
        a.store.table("media").upsert(doc, q.id == m.id)
        a.store.table("meta").update({"version": 2}, q.key == "schema")
    a.close()


def test_an_older_archive_gets_its_original_back(tmp_path: Path, media_dir: Path) -> None:
    root = tmp_path / "old"
    _legacy_translation_current(root, media_dir)
    a = Archive.open(root)
    try:
        media = a.get_media("m1")
        assert (media.transcript_id, media.translation_id, media.language) == ("tr1", "tr2", "zh")
        assert [s.text for s in a.segments("m1")] == ["原文"]
        assert [s.text for s in a.translation_segments("m1")] == ["English"]
    finally:
        a.close()
    out = run_cli("show", "m1", "--json", "--translation", archive=root)
    assert json.loads(out.stdout)["segments"][0]["text"] == "English"


async def test_the_interview_toggles_original_and_translation(tmp_path: Path, media_dir) -> None:
    from tapelog.tui.app import TapelogApp
    from tapelog.tui.screens.interview import InterviewScreen

    root = tmp_path / "old"
    _legacy_translation_current(root, media_dir)
    a = Archive.open(root)
    app = TapelogApp(a)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, InterviewScreen)
            assert [s.text for s in screen.segments] == ["原文"]
            await pilot.press("l")
            await pilot.pause()
            assert [s.text for s in screen.segments] == ["English"]
            assert "English translation" in str(screen.query_one("#iv-title").render())
            await pilot.press("e")  # corrections go to the original, not the translation
            await pilot.pause()
            assert app.screen is screen
            await pilot.press("l")
            await pilot.pause()
            assert [s.text for s in screen.segments] == ["原文"]
    finally:
        a.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
