"""What TinyDB sees of the store: the files a transaction loaded, changed and deleted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.storages import Storage

if TYPE_CHECKING:
    from tapelog.archive.store import Store


class _Tables(dict):
    """What the storage hands TinyDB: table and shard files loaded on first access.

    TinyDB reads "all tables" and writes "all tables" on every operation; this mapping
    makes that cost only the files an operation touches, and notes which ones a write
    replaced (and which shard files a re-split deletes) so only those are written.
    """

    def __init__(self, store: Store, in_txn: bool) -> None:
        super().__init__()
        self._store = store
        self.in_txn = in_txn
        self.dirty: set[str] = set()
        self.deleted: set[str] = set()
        # Files (relative to the archive root) to move into place with this commit.
        self.moves: list[tuple[str, str]] = []
        # Per shard: key value -> doc ids (``ShardedTable``; kept while the shard is).
        self.key_index: dict[str, dict[str, list[str]]] = {}

    def __missing__(self, name: str) -> dict[str, Any]:
        table = self._store._load_table(name)
        dict.__setitem__(self, name, table)
        return table

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __setitem__(self, name: str, value: dict[str, Any]) -> None:
        dict.__setitem__(self, name, value)
        self.dirty.add(name)
        self.deleted.discard(name)
        self.key_index.pop(name, None)


class _Storage(Storage):
    def __init__(self, store: Store) -> None:
        self._store = store
        self.store_dir: Path = store.dir

    def read(self) -> dict[str, Any]:
        txn = self._store._txn_tables()
        return txn if txn is not None else _Tables(self._store, in_txn=False)

    def write(self, data: dict[str, Any]) -> None:
        if self._store._txn_tables() is not data:
            raise RuntimeError("store writes must happen inside Store.transaction()")

    def close(self) -> None:
        pass


class _StorageFactory:
    """TinyDB wants a storage class it can instantiate; hand it our instance."""

    def __init__(self, storage: _Storage) -> None:
        self._storage = storage

    def __call__(self, *args: Any, **kwargs: Any) -> _Storage:
        return self._storage
