"""What a transcription runs with: model, language and vocabulary prompt.

One rule for the CLI (``tapelog transcribe``) and the TUI's queue, so both pick the same
model for the same file: a model left to ``auto`` comes from the archive's settings
(``model`` for English, ``model_multilingual`` for another language or translation),
and when the language is not known the English default becomes ``AUTO_MODEL``, so the
multilingual model hears the first 30 s and the file gets the model that fits
(``transcription.choose_model``). The language is checked one way, against Whisper's
codes, before any file is touched.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tapelog.archive.progress import CancelToken
from tapelog.transcribe.types import AUTO_MODEL, TranscribeOptions

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

# What the user may type to mean "not chosen": the archive's settings decide.
UNSET = ("", "auto")


def check_language(language: str | None) -> str | None:
    """A Whisper language code, lower-cased, or None (detect) for nothing or ``auto``.

    Raises ``UsageError`` for anything else (``english``, ``zz``), before any file is
    touched: an unknown code used to fail inside the engine mid-run.
    """
    if language is None or language.strip().lower() in UNSET:
        return None
    from tapelog.transcribe.engine import check_language as whisper_code

    return whisper_code(language)


def check_batch_size(value: str | int | None) -> int | None:
    """The batch size typed (``--batch-size``, the TUI's options): None for nothing or
    ``auto`` (the model's measured default), else a whole number of windows, checked
    against what the pipeline can run (``transcribe.checks.check_batch``)."""
    from tapelog.archive.errors import UsageError
    from tapelog.transcribe.checks import MAX_BATCH, check_batch

    if value is None or str(value).strip().lower() in UNSET:
        return None
    text = str(value).strip()
    if not text.isdigit():
        raise UsageError(
            f"batch size must be auto, 0 (sequential) or 1-{MAX_BATCH}, not '{text[:20]}'"
        )
    size = int(text)
    check_batch(TranscribeOptions(batch_size=size))
    return size


def transcribe_options(
    settings: dict[str, str],
    base: TranscribeOptions,
    *,
    model: str | None = None,
    language: str | None = None,
    translate: bool = False,
    batch_size: str | int | None = None,
) -> TranscribeOptions:
    """``base`` with the model, language, task and batch size the crew asked for
    (None/``auto``: the archive's settings pick the model, Whisper detects the
    language, the model's default batch size), checked before any file is touched."""
    from tapelog.transcribe.checks import check_batch

    code = check_language(language)
    batch = check_batch_size(batch_size)
    if model is None or model.strip() in UNSET:
        multilingual = translate or code not in (None, "en")
        key = "model_multilingual" if multilingual else "model"
        model = settings.get(key) or ("base" if multilingual else "tiny.en")
        from tapelog.transcribe.models import is_english_only

        if code is None and not translate and is_english_only(model):
            model = AUTO_MODEL  # the archive picks per file (transcription.choose_model)
    chosen = replace(
        base,
        model=model,
        language=code,
        task="translate" if translate else "transcribe",
        batch_size=batch if batch is not None else base.batch_size,
    )
    check_batch(chosen)  # with --no-vad or the crew's names: one line, before any file
    return chosen


def options_for_media(
    archive: Archive,
    media_id: str,
    options: TranscribeOptions,
    *,
    vocab_from_cases: bool | None,
    cancel: CancelToken | None = None,
) -> TranscribeOptions:
    """The options for one file: its model (and language) first, then the case and
    people names for its second look (``archive.second_look``), written for that
    language (a Mandarin vocabulary in characters, an English one in letters).

    ``vocab_from_cases`` True: the names, for any language; False: none; None: the
    archive decides after the plain pass (``second_look.names_for``: by default,
    whenever it holds case records). The names never go into the first pass: there
    they changed words that were not names (BENCHMARKS.md, "Names at the defaults").
    """
    options = archive.choose_model(media_id, options, cancel)
    if vocab_from_cases is None:
        return options
    if not vocab_from_cases:
        return replace(options, names="")
    from tapelog.archive.vocabulary import vocab_for_media

    return replace(options, names=vocab_for_media(archive, media_id, language=options.language))


def vocab_from_cases_default(settings: dict[str, str]) -> bool | None:
    """The archive's setting (``tapelog config vocab_from_cases``): ``true`` / ``false``,
    or None for ``auto`` (the default: the archive decides per file)."""
    value = settings.get("vocab_from_cases", "auto").lower()
    return {"true": True, "false": False}.get(value)
