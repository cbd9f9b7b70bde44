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


def test_batch_size_is_checked_one_way_and_defaults_by_model(
    archive, media_dir, monkeypatch
) -> None:
    """``--batch-size`` and the TUI's field go through ``transcribe_options``: auto
    leaves it to the model, a number is used, anything else is one line (exit 2)."""
    from tapelog.transcribe.checks import DEFAULT_BATCH, batch_size_for
    from tapelog.tui.screens.transcribe_queue import transcribe_options as tui_options
    from tapelog.tui.widgets.transcribe_dialog import TranscribeChoice

    base = TranscribeOptions()
    assert transcribe_options(SETTINGS, base, batch_size="auto").batch_size is None
    assert transcribe_options(SETTINGS, base, batch_size=" 8 ").batch_size == 8
    assert transcribe_options(SETTINGS, base, batch_size="0").batch_size == 0
    assert tui_options(TranscribeChoice(batch_size="4"), SETTINGS, base).batch_size == 4
    for bad, words in (("-1", "not '-1'"), ("eight", "not 'eight'"), ("65", "not 65"),
                       ("2.5", "not '2.5'")):  # fmt: skip
        with pytest.raises(UsageError, match="batch size must be auto, 0 .sequential. or 1-64"):
            transcribe_options(SETTINGS, base, batch_size=bad)
        with pytest.raises(UsageError, match=words):
            tui_options(TranscribeChoice(batch_size=bad), SETTINGS, base)
    with pytest.raises(UsageError, match="needs VAD"):
        transcribe_options(SETTINGS, TranscribeOptions(vad=False), batch_size="8")
    with pytest.raises(UsageError, match="cannot guard names"):
        transcribe_options(SETTINGS, TranscribeOptions(hotwords="Luo Run"), batch_size="8")
    # Left to the model: its measured default (sequential for both shipped models on
    # the names bench), sequential where batching cannot run.
    assert DEFAULT_BATCH == {"tiny.en": 0, "base": 0}
    for model in ("tiny.en", "base", "/some/dir"):
        assert batch_size_for(TranscribeOptions(model=model)) == 0
    monkeypatch.setitem(DEFAULT_BATCH, "base", 8)  # a model that batches by default
    assert batch_size_for(TranscribeOptions(model="base")) == 8
    assert batch_size_for(TranscribeOptions(model="base", vad=False)) == 0
    assert batch_size_for(TranscribeOptions(model="base", hotwords="Luo Run")) == 0
    assert batch_size_for(TranscribeOptions(model="base", batch_size=0)) == 0
    # The file's options say what will run (the record keeps it), the crew's size kept.
    archive.import_paths([media_dir / "silence.wav"])
    chosen = options_for_media(archive, "m1", TranscribeOptions(model="base", language="zh"),
                               vocab_from_cases=False)  # fmt: skip
    assert chosen.batch_size == 8
    kept = TranscribeOptions(model="base", language="zh", batch_size=3)
    assert options_for_media(archive, "m1", kept, vocab_from_cases=False).batch_size == 3
    for args in (["--batch-size", "lots"], ["--batch-size", "8", "--no-vad"]):
        out = run_cli("transcribe", "m1", *args, archive=archive.root)
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert out.stderr.startswith("tapelog: batch"), out.stderr


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
