"""What an imported archive file must prove before anything of it lands in DEST.

The tar's member names and checksums say the file arrived as it was written; they say
nothing about whether the writer was tapelog, or honest. So before the store is moved
into place, its tables are read the way ``Store`` reads them and refused if:

* a table is not a JSON object of numbered records (another tool's file, a hand edit);
* the schema is newer than this tapelog knows (it would be refused on open, after the
  store had landed in DEST);
* a record's id would become a path outside the archive (``archive.paths``);
* the file expands to far more than it holds, or more than DEST has room for.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tapelog.archive.errors import StoreError
from tapelog.archive.paths import shown_id, unsafe_fields
from tapelog.archive.record_types import record_problem
from tapelog.archive.store import SCHEMA_VERSION, TABLES, _schema_version

# gzip of real store tables and transcripts shrinks them 5-15 times; a file that claims
# to expand a hundred times is a decompression bomb, not an archive.
MAX_EXPANSION = 100
# Room kept free on DEST's disk after the import (the store needs room to write).
FREE_SPACE_MARGIN = 64 << 20


class ImportRefusedError(StoreError):
    """An archive file that is whole but not acceptable; DEST is left as it was."""


def check_sizes(sizes: dict[str, int], listed: dict[str, Any], file: Path) -> int:
    """Every member's size as the manifest says, the total bounded; returns the total."""
    for rel, size in sizes.items():
        want = listed.get(rel)
        if not isinstance(want, dict) or want.get("size") != size:
            raise ImportRefusedError(
                f"{rel} is {size} bytes, not the size the manifest gives; nothing was imported",
                path=str(file),
            )
    total = sum(sizes.values())
    packed = max(file.stat().st_size, 1)
    if total > MAX_EXPANSION * packed + (1 << 20):
        raise ImportRefusedError(
            f"the file would expand to {total:,} bytes, over {MAX_EXPANSION} times its own "
            "size (a decompression bomb?); nothing was imported",
            path=str(file),
        )
    return total


def check_free_space(dest: Path, total: int) -> None:
    """Refuse before unpacking what DEST's disk cannot hold (with room to spare)."""
    probe = dest if dest.exists() else dest.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return
    if total + FREE_SPACE_MARGIN > free:
        raise ImportRefusedError(
            f"the archive needs {total:,} bytes and the disk has {free:,} free "
            f"(keeping {FREE_SPACE_MARGIN >> 20} MB spare); nothing was imported",
            path=str(dest),
        )


def check_store_tables(store_dir: Path, file: Path) -> None:
    """The unpacked store is ours, of a schema we know, with no unsafe ids."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(store_dir.glob("*.json")):
        name = path.stem
        if name not in TABLES:
            raise ImportRefusedError(f"unknown store table '{shown_id(name)}'", path=str(file))
        tables[name] = _records(path, name, file)
    version = _schema_version({str(i): d for i, d in enumerate(tables.get("meta", []))})
    if version > SCHEMA_VERSION:
        raise ImportRefusedError(
            f"written by a newer tapelog (schema {version}, this one knows {SCHEMA_VERSION}); "
            "upgrade tapelog to import it; nothing was imported",
            path=str(file),
        )
    bad = unsafe_fields(tables)
    if bad:
        table, field, value = bad[0]
        raise ImportRefusedError(
            f"{len(bad)} record(s) with an unsafe id, e.g. {table} {field} "
            f"'{shown_id(value)}' (it would name a file outside the archive); "
            "nothing was imported",
            path=str(file),
        )


def _records(path: Path, name: str, file: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ImportRefusedError(
            f"store table '{name}' is not valid JSON ({type(exc).__name__}); nothing was imported",
            path=str(file),
        ) from None
    if not isinstance(data, dict):
        raise ImportRefusedError(
            f"store table '{name}' is not a table of records; nothing was imported",
            path=str(file),
        )
    for key, doc in data.items():
        if not key.isdigit() or not isinstance(doc, dict):
            raise ImportRefusedError(
                f"store table '{name}' has an entry '{shown_id(key)}' that is not a record; "
                "nothing was imported",
                path=str(file),
            )
        reason = record_problem(name, doc)
        if reason:
            raise ImportRefusedError(
                f"store table '{name}' record {shown_id(key)} is not a valid record "
                f"({shown_id(reason)}); nothing was imported",
                path=str(file),
            )
    if name == "meta":
        for doc in data.values():
            if doc.get("key") == "schema" and not isinstance(doc.get("version"), int):
                raise ImportRefusedError(
                    "the schema version is not a number; nothing was imported", path=str(file)
                )
    return list(data.values())


# Settings that name a program or a place on the machine that wrote the archive. A
# player setting is a command line tapelog runs when someone presses Play: from another
# crew's file it would run their command here. A model setting may name a folder or a
# hub repository (a download). Both are dropped on import unless harmless.
def drop_machine_settings(store_dir: Path) -> list[str]:
    """Remove such settings from the unpacked meta table; returns what was dropped."""
    from tapelog.archive.atomic import write_bytes
    from tapelog.transcribe.models import OFFLINE_MODELS

    path = store_dir / "meta.json"
    if not path.is_file():
        return []
    meta = json.loads(path.read_text(encoding="utf-8"))
    dropped: list[str] = []
    for key, doc in list(meta.items()):
        name = str(doc.get("key", ""))
        value = doc.get("value")
        harmless = name.startswith("setting:model") and value in OFFLINE_MODELS
        if name in ("setting:player", "setting:model", "setting:model_multilingual") and not (
            harmless or value in ("", None)
        ):
            dropped.append(f"{name.removeprefix('setting:')}={shown_id(value)}")
            del meta[key]
    if dropped:
        write_bytes(path, json.dumps(meta, ensure_ascii=False).encode("utf-8"), mode_like=path)
    return dropped
