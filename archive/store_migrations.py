"""Schema versions and the registered migrations that bring an older store up to date.

Migrations work on raw dicts (table name -> doc id -> document) so they do not depend
on the record classes of the day they were written. How the tables lie on disk (one
file, or shards) is the store's business: after any migration ``Store.migrate``
writes every table in today's layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tapelog.archive.statuses import TranscriptStatus
from tapelog.archive.store_files import TABLES

Migration = Callable[[dict[str, dict[str, Any]]], None]
MIGRATIONS: dict[int, tuple[str, Migration]] = {}


def migration(version: int, description: str) -> Callable[[Migration], Migration]:
    """Register a function that brings raw store data from ``version - 1`` to ``version``."""

    def register(fn: Migration) -> Migration:
        if version in MIGRATIONS:
            raise ValueError(f"migration {version} registered twice")
        MIGRATIONS[version] = (description, fn)
        return fn

    return register


@migration(1, "create the tables")
def _m001_tables(data: dict[str, dict[str, Any]]) -> None:
    for name in TABLES:
        data.setdefault(name, {})


@migration(2, "media records carry an explicit transcript status and language")
def _m002_media_status(data: dict[str, dict[str, Any]]) -> None:
    for doc in data.get("media", {}).values():
        doc.setdefault("transcript_status", TranscriptStatus.NONE.value)
        doc.setdefault("language", None)
        doc.setdefault("error", None)


@migration(3, "a translation sits beside the original transcript, not in its place")
def _m003_translation_beside(data: dict[str, dict[str, Any]]) -> None:
    transcripts = list(data.get("transcripts", {}).values())
    for doc in data.get("media", {}).values():
        doc.setdefault("translation_id", None)
        mine = sorted(
            (t for t in transcripts if t.get("media_id") == doc.get("id")),
            key=lambda t: str(t.get("created", "")),
        )
        current = next((t for t in mine if t.get("id") == doc.get("transcript_id")), None)
        if current is None or (current.get("options") or {}).get("task") != "translate":
            continue
        doc["translation_id"] = current["id"]
        originals = [
            t
            for t in mine
            if t.get("status") == TranscriptStatus.DONE.value
            and (t.get("options") or {}).get("task", "transcribe") != "translate"
        ]
        original = originals[-1] if originals else None
        doc["transcript_id"] = original["id"] if original else None
        doc["language"] = original.get("language") if original else None
        if original is None:
            doc["transcript_status"] = TranscriptStatus.NONE.value


@migration(4, "the tables that grow (tags, cases, media...) are kept in small shard files")
def _m004_shards(data: dict[str, dict[str, Any]]) -> None:
    # The records do not change; Store.migrate writes the tables as shards
    # (archive.shards), with document ids hashed from each record's key.
    for name in TABLES:
        data.setdefault(name, {})


SCHEMA_VERSION = max(MIGRATIONS)


def schema_version_of(meta: dict[str, Any]) -> int:
    for doc in meta.values():
        if isinstance(doc, dict) and doc.get("key") == "schema":
            return int(doc.get("version", 0))
    return 0


def set_schema_version(meta: dict[str, Any], version: int) -> None:
    for doc in meta.values():
        if doc.get("key") == "schema":
            doc["version"] = version
            return
    next_id = max((int(k) for k in meta), default=0) + 1
    meta[str(next_id)] = {"key": "schema", "version": version}
