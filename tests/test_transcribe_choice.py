"""One rule for a transcription's model, language and vocabulary (CLI and TUI alike)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tapelog.archive.errors import UsageError
from tapelog.archive.transcribe_choice import check_language, options_for_media, transcribe_options
from tapelog.transcribe.types import AUTO_MODEL, TranscribeOptions

from tests.conftest import run_cli

SETTINGS = {"model": "tiny.en", "model_multilingual": "base", "vocab_from_cases": "false"}


def test_model_follows_language_and_task() -> None:
    base = TranscribeOptions(beam_size=3)
    detect = transcribe_options(SETTINGS, base)
    assert (detect.model, detect.language, detect.task) == (AUTO_MODEL, None, "transcribe")
    assert transcribe_options(SETTINGS, base, model="auto", language="auto") == detect
    english = transcribe_options(SETTINGS, base, language="EN")
    assert (english.model, english.language) == ("tiny.en", "en")
    zh = transcribe_options(SETTINGS, base, language="zh", translate=True)
    assert (zh.model, zh.language, zh.task, zh.beam_size) == ("base", "zh", "translate", 3)
    # An empty setting falls back to the shipped model rather than naming no model.
    assert transcribe_options({}, base, language="es").model == "base"
    assert transcribe_options(SETTINGS, base, model="small").model == "small"


def test_language_is_checked_one_way() -> None:
    assert check_language(None) is None and check_language(" Auto ") is None
    assert check_language("YUE") == "yue"
    for bad in ("klingon", "xyz", "english"):
        with pytest.raises(UsageError, match=f"unknown language '{bad}'"):
            transcribe_options(SETTINGS, TranscribeOptions(), language=bad)


def test_tui_refuses_a_language_as_the_cli_does(archive, media_dir: Path) -> None:
    """``xyz`` looked like a code to the TUI's own check; the CLI refused it."""
    from tapelog.tui.screens.transcribe_queue import transcribe_options as tui_options
    from tapelog.tui.widgets.transcribe_dialog import TranscribeChoice

    with pytest.raises(UsageError) as refused:
        tui_options(TranscribeChoice(language="xyz"), SETTINGS, TranscribeOptions())
    archive.import_paths([media_dir / "silence.wav"])
    out = run_cli("transcribe", "m1", "--language", "xyz", archive=archive.root)
    assert out.returncode == 2 and str(refused.value) in out.stderr


def test_vocabulary_is_added_after_the_model(archive, media_dir: Path) -> None:
    from tapelog.archive import cases as C
    from tapelog.archive.models import Case

    archive.import_paths([media_dir / "silence.wav"])
    C.upsert_case(archive, Case(case_id="C1", child_name="Luo Run", child_name_zh="罗润"))
    base = TranscribeOptions(model="base", language="zh", initial_prompt="采访")
    plain = options_for_media(archive, "m1", base, vocab_from_cases=False)
    assert plain.initial_prompt == "采访" and plain.names == ""
    # The names go to the second look, never into the crew's own prompt.
    biased = options_for_media(archive, "m1", base, vocab_from_cases=True)
    assert biased.initial_prompt == "采访"
    assert biased.names == "罗润。"  # Chinese: names in characters only
    auto = options_for_media(archive, "m1", base, vocab_from_cases=None)
    assert auto.names is None  # the archive decides after the plain pass
