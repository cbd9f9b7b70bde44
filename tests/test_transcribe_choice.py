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


# -- the file's language among the archive's (archive.language_choice) ----------------------

# base's probabilities on the first 30 s, measured 2026-11-30 (BENCHMARKS.md, issue 12).
ZH03 = [("th", 0.503), ("zh", 0.362), ("en", 0.039), ("vi", 0.038)]  # espeak Mandarin
ZH03_EPYC = [("th", 0.574), ("zh", 0.283), ("en", 0.039), ("vi", 0.034)]  # another CPU
SAMPLE_ZH = [("th", 0.818), ("zh", 0.055), ("en", 0.050), ("la", 0.019)]  # mandarin_zh.wav
ZH01 = [("zh", 0.576), ("en", 0.152), ("th", 0.081), ("la", 0.058)]
EN07 = [("en", 0.456), ("la", 0.232), ("km", 0.061), ("nn", 0.056), ("zh", 0.001)]


def test_an_unsure_guess_gives_way_to_the_archives_language() -> None:
    from tapelog.archive.language_choice import choose_language

    both = ("en", "zh")
    assert choose_language(ZH03, archive_languages=both).language == "zh"
    assert choose_language(ZH03_EPYC, archive_languages=both).language == "zh"
    # Not one of the archive's languages, or not close enough: Whisper's guess stands.
    assert choose_language(ZH03).language == "th"
    assert choose_language(SAMPLE_ZH, archive_languages=both).language == "th"
    assert choose_language(ZH01).language == "zh"  # en 0.15 is not close to zh 0.58
    # English stays English however unsure, Chinese records or not.
    for langs in (("en",), both):
        assert choose_language(EN07, archive_languages=langs).language == "en"
    # Sure of a language the archive does not list: believed.
    assert choose_language([("fr", 0.95), ("en", 0.04)]).language == "fr"


def test_the_crews_languages_are_the_only_choices() -> None:
    from tapelog.archive.language_choice import choose_language

    for ranked in (ZH03, SAMPLE_ZH):
        chosen = choose_language(ranked, listed=("zh", "en"))
        assert (chosen.language, chosen.detected) == ("zh", "th")
    assert choose_language(EN07, listed=("zh", "en")).language == "en"
    assert choose_language([("fr", 0.95), ("en", 0.04)], listed=("en",)).language == "en"
    # Every listed language noise (the sample on an AMD EPYC without AVX-512, where en
    # came out above zh): the crew's first, in the crew's order.
    noise = [("th", 0.914), ("en", 0.025), ("zh", 0.019)]
    assert choose_language(noise, listed=("zh", "en")).language == "zh"
    assert choose_language(noise, listed=("en", "zh")).language == "en"
    # One of them clearly heard: the most probable of them, whatever the order.
    assert choose_language([("th", 0.6), ("en", 0.3), ("zh", 0.1)], listed=("zh", "en")
                           ).language == "en"  # fmt: skip


def test_languages_setting_is_checked_and_kept_clean(archive) -> None:
    archive.set_setting("languages", " ZH, en ")
    assert archive.setting("languages") == "zh,en"
    out = run_cli("config", "languages", "zh,klingon", archive=archive.root)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "unknown language 'klingon'" in out.stderr
    assert archive.setting("languages") == "zh,en"
    out = run_cli("config", "languages", "", archive=archive.root)
    assert out.returncode == 0 and archive.setting("languages") == ""
    archive.set_setting("languages", "Auto")  # as --language auto: not set
    assert archive.setting("languages") == ""


def test_one_listed_language_needs_no_detection(archive, media_dir: Path, monkeypatch) -> None:
    import tapelog.transcribe.engine as eng

    def no_engine(options):
        raise AssertionError("no model should load to tell one language")

    archive.import_paths([media_dir / "silence.wav"])
    archive.set_setting("languages", "zh")
    monkeypatch.setattr(eng, "get_engine", no_engine)
    chosen = archive.choose_model("m1", TranscribeOptions(model=AUTO_MODEL))
    assert (chosen.model, chosen.language) == ("base", "zh")


NAMES_BENCH = Path(__file__).resolve().parent.parent / "bench" / "data" / "names"


@pytest.mark.slow
def test_espeak_mandarin_heard_as_thai_goes_to_chinese(archive, media_dir: Path) -> None:
    """Real base on zh03 of the names bench (th 0.50, zh 0.36; th 0.57, zh 0.28 on an AMD
    EPYC): with the archive's cases written in characters it is Mandarin, not Thai;
    English files stay English."""
    from tapelog.archive import cases as C
    from tapelog.archive.models import Case

    auto = TranscribeOptions(model=AUTO_MODEL, cpu_threads=1)
    archive.import_paths([NAMES_BENCH / "zh03_liu.ogg", media_dir / "interview_liu.mov"])
    ids = {m.name: m.id for m in archive.list_media()}
    zh, en = ids["zh03_liu.ogg"], ids["interview_liu.mov"]
    assert archive.choose_model(zh, auto).language == "th"  # no records: Whisper's guess
    C.upsert_case(archive, Case(case_id="C1", child_name="Liu Jingjun", child_name_zh="刘景军"))
    assert (archive.choose_model(zh, auto).model, archive.choose_model(zh, auto).language) == (
        "base", "zh")  # fmt: skip
    assert archive.choose_model(en, auto).language == "en"


@pytest.mark.slow
def test_the_crews_languages_decide_for_the_mandarin_sample(archive, media_dir: Path) -> None:
    """mandarin_zh.wav: th 0.82, zh 0.055, en 0.050. Only the crew's list can say."""
    auto = TranscribeOptions(model=AUTO_MODEL, cpu_threads=1)
    archive.import_paths([media_dir / "mandarin_zh.wav", media_dir / "interview_liu.mov"])
    ids = {m.name: m.id for m in archive.list_media()}
    archive.set_setting("languages", "zh,en")
    assert archive.choose_model(ids["mandarin_zh.wav"], auto).language == "zh"
    english = archive.choose_model(ids["interview_liu.mov"], auto)
    assert (english.model, english.language) == ("tiny.en", "en")
    # A multilingual model the crew named goes by the crew's list (as on the cluster);
    # an English-only one is not asked, and a language given stands.
    named = TranscribeOptions(model="base", cpu_threads=1)
    assert archive.choose_model(ids["mandarin_zh.wav"], named).language == "zh"
    tiny = TranscribeOptions(model="tiny.en", cpu_threads=1)
    assert archive.choose_model(ids["mandarin_zh.wav"], tiny).language is None
    given = TranscribeOptions(model="base", language="ja", cpu_threads=1)
    assert archive.choose_model(ids["mandarin_zh.wav"], given).language == "ja"
    # Without the crew's list, a named model's language is Whisper's to find, as before.
    archive.set_setting("languages", "")
    assert archive.choose_model(ids["mandarin_zh.wav"], named).language is None


class _InProcessClient:
    """Stands in for the Dask client (the edge): runs a submitted function here."""

    def subscribe_topic(self, topic, handler) -> None:
        pass

    def submit(self, fn, *args, **_kw):
        from concurrent.futures import Future

        done: Future = Future()
        done.set_result(fn(*args))
        return done


@pytest.mark.slow
def test_the_cluster_chooses_the_language_by_the_same_rule(archive, media_dir: Path) -> None:
    """The cluster detects on a worker (``transcribe.cluster.language_probabilities``)
    and the archive chooses (``language_choice.choose_for``), as a local run does."""
    from tapelog.archive import cases as C
    from tapelog.archive.cluster_run import _Run
    from tapelog.archive.models import Case
    from tapelog.transcribe.cluster import ClusterOptions

    archive.import_paths([NAMES_BENCH / "zh03_liu.ogg"])
    C.upsert_case(archive, Case(case_id="C1", child_name="Liu Jingjun", child_name_zh="刘景军"))
    auto = TranscribeOptions(model=AUTO_MODEL, cpu_threads=1)
    run = _Run(archive, _InProcessClient(), ClusterOptions(), auto, None, None, None, None)
    chosen = run._options("m1")
    assert (chosen.model, chosen.language) == ("base", "zh")
    archive.set_setting("languages", "th")  # one language: no worker asked
    run.client = None
    assert run._options("m1").language == "th"


class _OldWorkerClient(_InProcessClient):
    """A worker on an older tapelog: it has no ``language_probabilities``."""

    def submit(self, fn, *args, **_kw):
        from concurrent.futures import Future

        done: Future = Future()
        done.set_exception(AttributeError("module has no attribute 'language_probabilities'"))
        return done


def test_a_worker_that_cannot_tell_the_language_is_one_clear_error(
    archive, media_dir: Path
) -> None:
    """Not a traceback: the run's error (a TapelogError) names what went wrong."""
    from tapelog.archive.cluster_run import _Run
    from tapelog.archive.errors import TranscriptionError
    from tapelog.transcribe.cluster import ClusterOptions

    archive.import_paths([media_dir / "mandarin_zh.wav"])
    auto = TranscribeOptions(model=AUTO_MODEL, cpu_threads=1)
    run = _Run(archive, _OldWorkerClient(), ClusterOptions(), auto, None, None, None, None)
    with pytest.raises(TranscriptionError, match="could not tell the language"):
        run._options("m1")
