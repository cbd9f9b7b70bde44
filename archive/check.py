"""``tapelog check``: prove an archive is whole, or say exactly what is wrong and how to fix it.

The store, the transcript files and the search index are separate files that crashes,
full disks, copies between machines and hand edits can leave out of step. This module
reads everything (it never writes) and lists problems:

* errors: the archive loses or misreports data until they are fixed (a store file that
  does not parse, a reference to a record that does not exist, a transcript whose
  record or file is gone, a broken line in the middle of a transcript, segments out of
  order or outside their media);
* warnings: tapelog repairs them itself or they need a person's decision (a media file
  moved away, a stale search index, leftovers of a killed process, a half-written last
  line that the next ``transcribe`` cuts off).

``check_archive`` works on an opened ``Archive``; ``check_root`` first checks that the
store files parse at all (a corrupt store cannot be opened) and then opens it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tapelog.archive.check_files import check_store_files
from tapelog.archive.check_problem import ERROR, WARNING, Problem, errors, sorted_problems
from tapelog.archive.check_refs import check_ids, check_references
from tapelog.archive.check_transcripts import check_media_files, check_transcripts
from tapelog.archive.errors import TapelogError
from tapelog.archive.search import index_signature
from tapelog.archive.store import TABLES

if TYPE_CHECKING:
    from tapelog.archive.service import Archive

__all__ = [
    "ERROR",
    "WARNING",
    "Problem",
    "check_archive",
    "check_root",
    "errors",
    "index_signatures_wanted",
]


def check_root(root: str | Path, *, deep: bool = False) -> list[Problem]:
    """Check the archive at ``root`` without changing it (opening finishes a journal)."""
    from tapelog.archive.service import Archive

    root = Path(root).expanduser()
    problems = check_store_files(root)
    if errors(problems):
        return problems
    try:
        archive = Archive.open(root, create=False)
    except TapelogError as exc:
        return [*problems, Problem(ERROR, f"the archive does not open: {exc}", str(root))]
    try:
        # Opening may have finished a journal or migrated; look at the files again.
        return [*check_store_files(root), *_check_opened(archive, deep=deep)]
    finally:
        archive.close()


def check_archive(archive: Archive, *, deep: bool = False) -> list[Problem]:
    """Every problem of an opened archive, errors first."""
    problems = check_store_files(archive.root)
    if errors(problems):
        return problems
    return sorted_problems([*problems, *_check_opened(archive, deep=deep)])


def _check_opened(archive: Archive, *, deep: bool) -> list[Problem]:
    tables = {name: archive.store.table(name).all() for name in TABLES}
    problems: list[Problem] = check_ids(archive, tables)
    problems += check_references(archive, tables)
    problems += check_media_files(archive, tables["media"], deep=deep)
    problems += check_transcripts(archive, tables)
    problems += _check_index(archive)
    return sorted_problems(problems)


def _check_index(archive: Archive) -> list[Problem]:
    """Compare the index's signatures with what ``Archive.sync_index`` would want."""
    from tapelog.archive.index import INDEX_DIR, INDEX_NAME

    path = archive.root / INDEX_DIR / INDEX_NAME
    if not path.exists():
        return []  # never built (no search yet): built on the first search, not a problem
    wanted = index_signatures_wanted(archive)
    try:
        have = archive.index.signatures()
    except Exception as exc:  # noqa: BLE001 - sqlite errors of a broken cache file
        return [
            Problem(
                WARNING,
                f"the search index cannot be read ({exc})",
                str(path),
                "run `tapelog reindex`",
            )
        ]
    stale = sorted(m for m, sig in wanted.items() if have.get(m) != sig)
    gone = sorted(set(have) - set(wanted))
    if not stale and not gone:
        return []
    parts = []
    if stale:
        parts.append(f"{len(stale)} media not indexed as they are now ({', '.join(stale[:5])})")
    if gone:
        parts.append(f"{len(gone)} media indexed that are gone ({', '.join(gone[:5])})")
    return [
        Problem(
            WARNING,
            "the search index is stale: " + "; ".join(parts),
            str(path),
            "it catches up on the next search, or now with `tapelog reindex`",
        )
    ]


def index_signatures_wanted(archive: Archive) -> dict[str, str]:
    """The per-media signatures ``Archive.sync_index`` would store, computed the same way."""
    corr: dict[str, list[str]] = {}
    for d in archive.store.table("corrections").all():
        corr.setdefault(d["media_id"], []).append(d["created"])
    wanted: dict[str, str] = {}
    for media in archive.list_media():
        cs = corr.get(media.id, [])
        sig = index_signature(archive, media, f"{len(cs)}:{max(cs) if cs else ''}")
        if sig is not None:
            wanted[media.id] = sig
    return wanted
