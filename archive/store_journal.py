"""How the store commits: one file replaced atomically, or many through a journal.

A commit that changes one file replaces it (temp file, fsync, ``os.replace``). One
that changes several first writes a journal, itself atomic: the small files' texts,
or, for a commit of many files (a bulk import, a table split in two), the names of
temp files already on disk; then the files are replaced and the journal deleted. A
crash in between is finished by the next transaction (``recover_journal``): all of a
commit or none of it. Every step of applying a journal is safe to repeat.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapelog.archive.store_files import (
    DELETES_KEY,
    JOURNAL_NAME,
    MOVES_KEY,
    atomic_write_text,
    dumps,
    fsync_dir,
    os_error,
    remove_dead_temps,
    stage_text,
    valid_file_name,
)

if TYPE_CHECKING:
    from tapelog.archive.store_tables import _Tables

# A commit of more files than this stages them as temp files and journals only their
# names (a bulk import, a re-split), rather than holding every text in the journal.
JOURNAL_TEXTS_MAX = 8


class Journal:
    """The commit half of ``Store`` (a mixin: it uses the store's folder and tables)."""

    root: Path
    dir: Path
    _cache: dict[str, Any]

    def table_path(self, name: str) -> Path:
        raise NotImplementedError

    @property
    def mode_source(self) -> Path:
        raise NotImplementedError

    def _txn_tables(self) -> _Tables | None:
        raise NotImplementedError

    def _maybe_backup(self) -> None:
        raise NotImplementedError

    # Whether this store has looked for dead writers' temp files since it was opened.
    _temps_swept = False

    def _recover_journal(self) -> None:
        """Finish a multi-file commit that a crash interrupted (call under the lock).

        Then removes temp files of writers that died before their rename (after the
        journal: a big commit's staged files are temp files until it moves them): at
        the first transaction of this ``Store`` and after a recovery, not at every one
        (listing every shard folder cost each small write ~0.8 ms at 20,000 cases).
        """
        journal = self.dir / JOURNAL_NAME
        if journal.exists():
            self._temps_swept = False
            try:
                pending = json.loads(journal.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pending = None  # written atomically, so a broken one was never committed
            if isinstance(pending, dict):
                self._apply_pending(pending)
            try:
                journal.unlink()
            except OSError as exc:
                raise os_error(exc, journal) from exc
            fsync_dir(self.dir)
        if not self._temps_swept:
            remove_dead_temps(self.dir)
            self._temps_swept = True

    def _apply_pending(self, pending: dict[str, Any]) -> None:
        """Write a journal's texts, moves and deletes (each step safe to repeat)."""
        moves = pending.pop(MOVES_KEY, [])
        deletes = pending.pop(DELETES_KEY, [])
        folders = {self.dir}
        for name, text in pending.items():
            if not (valid_file_name(name) and isinstance(text, str)):
                continue  # a journal names only files of its own store
            path = self.table_path(name)
            folders.add(self._ensure_dir(path))
            atomic_write_text(path, text, sync_dir=False, mode_like=self.mode_source)
        for folder in folders:
            fsync_dir(folder)
        self._apply_moves(moves if isinstance(moves, list) else [])
        for name in deletes if isinstance(deletes, list) else []:
            if not valid_file_name(name):
                continue
            path = self.table_path(name)
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise os_error(exc, path) from exc
            folders.add(path.parent)
        for folder in folders:
            fsync_dir(folder)

    def _ensure_dir(self, path: Path) -> Path:
        """The folder of a shard file, made (and recorded in the store folder) if new."""
        folder = path.parent
        if folder != self.dir and not folder.is_dir():
            try:
                folder.mkdir(exist_ok=True)
                os.chmod(folder, os.stat(self.dir).st_mode & 0o7777)
            except OSError as exc:
                raise os_error(exc, folder) from exc
            fsync_dir(self.dir)
        return folder

    def _apply_moves(self, moves: list[Any]) -> None:
        """Move staged files into place (idempotent: a move already done is skipped)."""
        base = self.root.resolve()
        synced: set[Path] = set()
        for pair in moves:
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                continue
            src, dst = (self.root / str(p) for p in pair)
            if not (src.resolve().is_relative_to(base) and dst.resolve().is_relative_to(base)):
                continue  # a journal names only files inside its archive
            if not src.exists():
                continue
            try:
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
            except OSError as exc:
                raise os_error(exc, dst) from exc
            synced.add(dst.parent)
        for folder in synced:
            fsync_dir(folder)

    def move_on_commit(self, src: Path, dst: Path) -> None:
        """Move ``src`` to ``dst`` (both inside the archive) as part of this transaction.

        The move is written into the commit's journal with the tables, so a crash
        leaves either none of the transaction (the staged file is a leftover temp
        file) or all of it (the next open finishes the tables and the moves).
        """
        txn = self._txn_tables()
        if txn is None:
            raise RuntimeError("move_on_commit must be called inside a transaction")
        rel = [str(Path(p).resolve().relative_to(self.root.resolve())) for p in (src, dst)]
        txn.moves.append((rel[0], rel[1]))

    def _commit(self, tables: _Tables) -> None:
        names = sorted(tables.dirty)
        deletes = sorted(tables.deleted - tables.dirty)
        if not names and not tables.moves and not deletes:
            return
        self._maybe_backup()
        if len(names) == 1 and not tables.moves and not deletes:
            path = self.table_path(names[0])
            self._ensure_dir(path)
            atomic_write_text(path, dumps(tables[names[0]]), mode_like=self.mode_source)
        else:
            pending: dict[str, Any] = {}
            moves = list(tables.moves)
            if len(names) <= JOURNAL_TEXTS_MAX:
                pending.update((name, dumps(tables[name])) for name in names)
            else:
                moves += self._stage(tables, names)
            if moves:
                pending[MOVES_KEY] = moves
            if deletes:
                pending[DELETES_KEY] = deletes
            journal = self.dir / JOURNAL_NAME
            atomic_write_text(
                journal, json.dumps(pending, ensure_ascii=False), mode_like=self.mode_source
            )
            self._apply_pending(pending)
            try:
                journal.unlink()
            except OSError as exc:
                raise os_error(exc, journal) from exc
            fsync_dir(self.dir)
        for name in [*names, *deletes]:
            self._cache.pop(name, None)

    def _stage(self, tables: _Tables, names: list[str]) -> list[tuple[str, str]]:
        """Write many files as temp files, then make them durable with one ``sync``
        (an fsync per file costs 4,000 fsyncs for a 200,000-case import); returns the
        moves that put them in place."""
        root = self.root.resolve()
        moves: list[tuple[str, str]] = []
        for name in names:
            path = self.table_path(name)
            self._ensure_dir(path)
            tmp = stage_text(path, dumps(tables[name]), mode_like=self.mode_source, sync=False)
            dict.pop(tables, name, None)  # a bulk write need not hold every text at once
            moves.append(
                (str(tmp.resolve().relative_to(root)), str(path.resolve().relative_to(root)))
            )
        os.sync()  # every staged file (and its folder entry) on disk before the journal
        return moves
