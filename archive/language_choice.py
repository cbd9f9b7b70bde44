"""Which language a file's speech is in: Whisper's detection, among the archive's languages.

A crew's archive is about a known set of languages. Whisper ``base`` listening to the
first 30 s can be unsure, and then wrong in a way no crew would be: it heard espeak-ng's
Mandarin (zh03 of the names bench) as Thai (th 0.50, zh 0.36) and wrote Thai for the
whole file; ``samples/media/mandarin_zh.wav`` gave th 0.82, zh 0.055, en 0.050. On
English files of the names bench and the samples, English was first every time (0.46-0.98)
and Chinese never above 0.008 (BENCHMARKS.md, "Names at the default settings").

The rule, in one place for the CLI, the TUI and the cluster (``choose_language``):

* The archive setting ``languages`` (``tapelog config languages zh,en``) lists the
  languages its speech is in; the most probable of those is taken, whatever else Whisper
  thought more likely; where Whisper gave every one of them under ``NOISE`` (it heard
  another language), the first listed, the crew's main one.
* Whisper's figures are the mean over the file's first 30 s windows, three at most
  (``Engine.language_probabilities``): zh03's first window was Thai at 0.68 on an AMD
  EPYC without AVX-512 and its second Mandarin; over both, th 0.50 and zh 0.28.
* Not set: the archive's languages are English plus Chinese when its case or people
  records hold names in Chinese characters. Whisper's first language is taken when it is
  one of those or when Whisper is sure of it (``CONFIDENT``); an unsure guess outside
  them gives way to the most probable of the archive's languages when that one is at
  least ``CLOSE`` times as probable (zh03: zh 0.36 against th 0.50, or 0.28 against
  0.57 on another CPU). Further off it is
  kept: without the setting, mandarin_zh.wav (zh 0.055 against th 0.82) stays Thai, and
  a Mandarin file in an archive with no Chinese records (zh01: zh 0.58, en 0.15) stays
  Mandarin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tapelog.archive import names as N

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

# Whisper's probability at or above which a language outside the archive's is believed.
# Speech Whisper knows well is far above it (English here: 0.82-0.98 on most files); the
# espeak Mandarin it misheard as Thai was at 0.50 and 0.82.
CONFIDENT = 0.9
# How probable, against Whisper's unsure first guess, one of the archive's languages must
# be to be taken instead (not set). zh03 measured 0.72 (zh 0.36 / th 0.50) on one CPU
# and 0.49 (0.28 / 0.57) on another (AMD EPYC, 2026-12-01): 0.5 split them; on a third
# its first window alone gave 0.31 (0.21 / 0.68), its two windows 0.57. zh01 in an
# archive with no Chinese records must stay Mandarin at 0.26 (en 0.15 / zh 0.58; 0.21
# over two windows on the third CPU).
CLOSE = 0.4
# Under this, Whisper's probability for a listed language is noise: samples/media's
# mandarin_zh.wav (th 0.91) gave zh 0.055 and en 0.050 on one CPU, zh 0.019 and en 0.025
# on another. When every listed language is under it, the crew's first is taken.
NOISE = 0.1
DEFAULT_LANGUAGES = ("en",)
CHINESE = "zh"


@dataclass(frozen=True)
class LanguageChoice:
    """The language chosen for a file, and why (kept on nothing: the choice is cheap to
    explain again from Whisper's figures)."""

    language: str
    probability: float
    detected: str  # Whisper's own first choice
    detected_probability: float
    among: tuple[str, ...]  # the languages the choice was made among ("" : all)
    reason: str


def parse_languages(value: str) -> tuple[str, ...]:
    """``"zh, EN"`` -> ``("zh", "en")``; every code must be one Whisper knows (a usage
    error otherwise); empty or ``auto`` means "not set"."""
    from tapelog.transcribe.checks import check_language

    codes = [c for c in value.replace(";", ",").replace(" ", ",").split(",") if c.strip()]
    if [c.lower() for c in codes] == ["auto"]:
        return ()
    return tuple(dict.fromkeys(check_language(c) for c in codes))


def choose_language(
    probabilities: Iterable[tuple[str, float]],
    listed: Sequence[str] = (),
    archive_languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> LanguageChoice:
    """The language for one file from Whisper's ``probabilities`` (every language).

    ``listed``: the crew's ``languages`` setting (strict when given);
    ``archive_languages``: the languages the archive is about when it is not set.
    """
    ranked = sorted(((str(c), float(p)) for c, p in probabilities), key=lambda x: -x[1])
    if not ranked:
        raise ValueError("no language probabilities")
    top, top_p = ranked[0]
    if listed:
        code, p = _best(ranked, listed)
        if code != top and p < NOISE:  # Whisper cannot tell them apart: the crew's first
            code, p = listed[0], dict(ranked).get(listed[0], 0.0)
            why = f"{top} heard at {top_p:.2f}, the listed languages under {NOISE}: the first"
            return LanguageChoice(code, p, top, top_p, tuple(listed), why)
        why = "the archive's languages setting" if code != top else "detected"
        return LanguageChoice(code, p, top, top_p, tuple(listed), why)
    code, p = _best(ranked, archive_languages)
    if top in archive_languages or top_p >= CONFIDENT or p < CLOSE * top_p:
        return LanguageChoice(top, top_p, top, top_p, tuple(archive_languages), "detected")
    return LanguageChoice(
        code, p, top, top_p, tuple(archive_languages),
        f"{top} heard at {top_p:.2f} only: {code} at {p:.2f} is one of the archive's",
    )  # fmt: skip


def _best(ranked: list[tuple[str, float]], among: Sequence[str]) -> tuple[str, float]:
    for code, p in ranked:
        if code in among:
            return code, p
    return among[0], 0.0


def records_in_chinese(archive: Archive) -> bool:
    """Whether a case or person record names someone in Chinese characters (stops at the
    first; read only when Whisper is unsure, so a large English archive pays it rarely)."""
    fields = {"cases": ("child_name_zh", "child_name", "aliases", "parents"),
              "people": ("name_zh", "name", "aliases")}  # fmt: skip
    for table, keys in fields.items():
        for doc in archive.store.table(table):
            if any(_has_han(doc.get(k)) for k in keys):
                return True
    return False


def _has_han(value: Any) -> bool:
    if isinstance(value, str):
        return N.has_han(value)
    if isinstance(value, list):
        return any(isinstance(v, str) and N.has_han(v) for v in value)
    return False


def default_languages(archive: Archive) -> tuple[str, ...]:
    """English, and Chinese when the archive's records are written in it."""
    return (*DEFAULT_LANGUAGES, CHINESE) if records_in_chinese(archive) else DEFAULT_LANGUAGES


def listed_languages(archive: Archive) -> tuple[str, ...]:
    """The crew's ``languages`` setting (empty: not set)."""
    return parse_languages(archive.settings().get("languages", ""))


def detect(archive: Archive, engine: Any, head: Any) -> LanguageChoice:
    """Ask ``engine`` (a multilingual one) about ``head`` (the first 30 s) and choose."""
    return choose_for(archive, language_probabilities(engine, head))


def choose_for(archive: Archive, ranked: list[tuple[str, float]]) -> LanguageChoice:
    """The archive's choice from Whisper's probabilities (the cluster's worker gives them)."""
    ranked = sorted(ranked, key=lambda x: -x[1])
    listed = listed_languages(archive)
    if listed:
        return choose_language(ranked, listed)
    top, top_p = ranked[0]
    if top in DEFAULT_LANGUAGES or top_p >= CONFIDENT:
        return choose_language(ranked)  # no need to read the records
    return choose_language(ranked, archive_languages=default_languages(archive))


def asks_for_the_archives_language(archive: Archive, options: Any) -> bool:
    """Whether a run with a model the crew named (not ``auto``) has its language chosen
    among the archive's: a multilingual model, no language given, a transcription (not
    a translation), and a ``languages`` list set by the crew. Unset, Whisper's own
    detection stands for a named model, as it always did; the archive's default list
    (English, plus Chinese for records in characters) is for ``auto`` only."""
    from tapelog.transcribe.models import is_english_only

    return (
        options.language is None
        and options.task != "translate"
        and not is_english_only(options.model)
        and bool(listed_languages(archive))
    )


def language_probabilities(engine: Any, head: Any) -> list[tuple[str, float]]:
    """Every language's probability; an engine that gives only its first choice (a
    stand-in, a worker of an older version) counts as sure of it."""
    every = getattr(engine, "language_probabilities", None)
    if every is not None:
        ranked: list[tuple[str, float]] = every(head)
        return sorted(ranked, key=lambda x: -x[1])
    code, p = engine.detect_language(head)
    return [(code, p)]
