"""Per-archive settings, kept in the store so they travel with the archive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tapelog.archive.errors import UsageError
from tinydb import Query

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

Q = Query()

SETTINGS = {
    "vocab_from_cases": (
        "auto",
        "second look for case and people names: auto (English and Mandarin files, when "
        "the archive holds case records), true (every language) or false",
    ),
    "model": ("tiny.en", "default Whisper model for English"),
    "model_multilingual": ("base", "default model for other languages and translation"),
    "languages": (
        "",
        "languages the archive's speech is in, e.g. zh,en: detection chooses among them "
        "(one: no detection); empty: English, plus Chinese when case records are in characters",
    ),
    "player": ("", "external player command (mpv, ffplay, vlc); empty: find one"),
    "voice_model": ("auto", "voices on one track: auto (campp if installed), campp, spectral"),
}


def settings(archive: Archive) -> dict[str, str]:
    """Per-archive settings (kept in the store, so they travel with the archive)."""
    out = {k: default for k, (default, _help) in SETTINGS.items()}
    for doc in archive.store.table("meta").search(
        Q.key.test(lambda k: str(k).startswith("setting:"))
    ):
        out[doc["key"].removeprefix("setting:")] = str(doc["value"])
    return out


def setting(archive: Archive, key: str) -> str:
    return archive.settings()[setting_key(key)]


def set_setting(archive: Archive, key: str, value: str) -> None:
    key = setting_key(key)
    if key == "vocab_from_cases" and value.lower() not in ("auto", "true", "false"):
        raise UsageError("vocab_from_cases is auto, true or false")
    if key == "voice_model" and value not in ("auto", "campp", "spectral"):
        raise UsageError("voice_model is auto, campp or spectral")
    if key == "languages":
        from tapelog.archive.language_choice import parse_languages

        value = ",".join(parse_languages(value))
    with archive.store.transaction():
        archive.store.table("meta").upsert(
            {"key": f"setting:{key}", "value": value}, Q.key == f"setting:{key}"
        )


def setting_key(key: str) -> str:
    key = key.replace("-", "_")
    if key not in SETTINGS:
        raise UsageError(f"no setting '{key}' (settings: {', '.join(SETTINGS)})")
    return key
