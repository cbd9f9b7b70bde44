"""Tables that grow with the archive, kept as many small files so a small write stays small.

A tag, a case, a media record is one document among tens or hundreds of thousands. In
one file per table, adding a tag rewrote and re-parsed every tag. Here such a table is
split into shard files ``store/<table>/<depth>-<n>.json`` by a hash of the record's
key (``id``, ``case_id``...):

* a document's TinyDB id is that hash (52 bits; the low 16 bits probe past a clash),
  and its shard is the id's top ``depth`` bits, so a lookup by key or by document id
  reads one shard and a write rewrites one shard of at most ``SPLIT_AT`` documents;
* when a shard outgrows ``SPLIT_AT`` the table is re-split at ``depth + 1`` (every
  shard in two, in the same transaction), so shards stay the same size at 100 or
  200,000 records and the cost of a write with them;
* the depth lives in the ``meta`` table (``{"key": "shards:tags", "depth": 6}``);
  files of another depth are never read (a re-split deletes them in its commit);
* a query on anything but the key (tags of one media file) reads every shard, as a
  single file was read before; parsed shards are cached by file signature.

``ShardedTable`` is a TinyDB ``Table``: callers keep ``store.table("tags").get(Q.id ==
t)`` and the store routes it. A table file of the old layout (``store/tags.json``) is
read with the shards until the store moves it into shards (``Store.migrate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tapelog.archive.shard_layout import (
    MAX_DEPTH,
    PROBE_BITS,
    SHARDED,
    SPLIT_AT,
    depth_in,
    key_hash,
    key_in_query,
    shard_files,
    shard_name,
    shard_of,
    split_at,
    with_depth,
)
from tinydb.table import Document, Table

__all__ = ["SHARDED", "SPLIT_AT", "ShardedTable", "depth_in", "shard_files"]


class ShardedTable(Table):
    """A TinyDB table kept in shard files; lookups and writes by key touch one shard."""

    def __init__(self, storage: Any, name: str, key: str) -> None:
        super().__init__(storage, name, cache_size=0)
        self.key = key
        self._depth_seen: tuple[Any, int] | None = None

    # -- layout

    def _files(self) -> Any:
        """The store's mapping of loaded files (``store._Tables``): this transaction's,
        or a fresh one outside a transaction."""
        return self._storage.read()

    @property
    def _store_dir(self) -> Path:
        return Path(getattr(self._storage, "store_dir"))  # noqa: B009 - our _Storage

    def _depth(self, tables: Mapping[str, Any]) -> int:
        meta = tables["meta"]
        cached = self._depth_seen
        if cached is not None and cached[0] is meta:  # meta is replaced, never changed
            return cached[1]
        depth = depth_in(meta, self.name)
        self._depth_seen = (meta, depth)
        return depth

    def _shard_names(self, tables: Any, depth: int) -> list[str]:
        """Every shard of the current depth: on disk, or new in this transaction."""
        table_dir = self._store_dir / self.name
        names = {f"{self.name}/{n}" for n in shard_files(table_dir, depth)}
        prefix = f"{self.name}/{depth}-"
        names.update(n for n in dict.keys(tables) if n.startswith(prefix))
        names.difference_update(getattr(tables, "deleted", ()))
        return sorted(names)

    def _legacy(self, tables: Any) -> dict[str, Any]:
        """The table's old single file, until the store has moved it into shards."""
        if self.name in getattr(tables, "deleted", ()):
            return {}
        return tables[self.name]

    def _shard_for_id(self, tables: Any, doc_id: int) -> str:
        depth = self._depth(tables)
        return shard_name(self.name, depth, shard_of(doc_id, depth))

    def _require_txn(self) -> Any:
        tables = self._files()
        if not getattr(tables, "in_txn", False):
            raise RuntimeError("store writes must happen inside Store.transaction()")
        return tables

    # -- reading

    def _read_table(self) -> dict[str, Mapping]:
        tables = self._files()
        merged: dict[str, Mapping] = dict(self._legacy(tables))
        for name in self._shard_names(tables, self._depth(tables)):
            merged.update(tables[name])
        return merged

    def _hits(self, tables: Any, cond: Any) -> list[tuple[str, str, dict[str, Any]]] | None:
        """(file, doc key, doc) of the documents matching ``cond``, found in the one shard
        its key routes to; None when ``cond`` does not pin the key (read every shard)."""
        value = key_in_query(cond, self.key)
        if value is None:
            return None
        simple = cond._hash[0] == "=="
        key = self.key
        name = self._shard_for_id(tables, key_hash(value))
        shard = tables[name]
        out = []
        if simple and getattr(tables, "in_txn", False):
            # A transaction looks up many keys (an import): index each shard once.
            out = [(name, k, shard[k]) for k in _key_index(tables, name, key).get(value, ())]
        else:
            for k, d in shard.items():
                if (d.get(key) == value) if simple else cond(d):
                    out.append((name, k, d))
        for k, d in self._legacy(tables).items():
            if (d.get(key) == value) if simple else cond(d):
                out.append((self.name, k, d))
        return out

    def search(self, cond: Any) -> list[Document]:
        hits = self._hits(self._files(), cond)
        if hits is None:
            return super().search(cond)
        return [Document(doc, int(k)) for _, k, doc in hits]

    def get(self, cond: Any = None, doc_id: int | None = None, doc_ids: Any = None) -> Any:
        if doc_id is not None or doc_ids is not None:
            tables = self._files()
            ids = [doc_id] if doc_id is not None else list(doc_ids)
            out = []
            for i in ids:
                doc = tables[self._shard_for_id(tables, int(i))].get(str(i))
                if doc is None:
                    doc = self._legacy(tables).get(str(i))
                if doc is not None:
                    out.append(Document(doc, int(i)))
            return (out[0] if out else None) if doc_id is not None else out
        hits = self._hits(self._files(), cond)
        if hits is None:
            return super().get(cond)
        return Document(hits[0][2], int(hits[0][1])) if hits else None

    def contains(self, cond: Any = None, doc_id: int | None = None) -> bool:
        if doc_id is not None:
            return self.get(doc_id=doc_id) is not None
        return self.get(cond) is not None

    def count(self, cond: Any) -> int:
        return len(self.search(cond))

    def __len__(self) -> int:
        return len(self._read_table())

    # -- writing

    def _put(self, tables: Any, doc: Mapping[str, Any]) -> int:
        """Insert one document under the id its key hashes to; returns that id."""
        base = key_hash(doc.get(self.key, ""))
        name = self._shard_for_id(tables, base)
        shard = _owned(tables, name)
        for probe in range(1 << PROBE_BITS):
            if str(base | probe) not in shard:
                break
        else:  # pragma: no cover - 65,536 documents with one key
            raise ValueError(f"too many documents with {self.key} {doc.get(self.key)!r}")
        shard[str(base | probe)] = dict(doc)
        index = tables.key_index.get(name)
        if index is not None and isinstance(doc.get(self.key), str):
            index.setdefault(doc[self.key], []).append(str(base | probe))
        if len(shard) > split_at(self.name):
            self._split(tables)
        return base | probe

    def insert(self, document: Mapping) -> int:
        if not isinstance(document, Mapping):
            raise ValueError("Document is not a Mapping")
        tables = self._require_txn()
        doc_id = self._put(tables, document)
        self._storage.write(tables)
        return doc_id

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        tables = self._require_txn()
        ids = [self._put(tables, dict(doc)) for doc in documents]
        self._storage.write(tables)
        return ids

    def _matching(self, tables: Any, cond: Any, doc_ids: Any) -> list[tuple[str, str]] | None:
        """(file, doc key) of the documents to change, or None: no fast route."""
        if doc_ids is None:
            hits = self._hits(tables, cond)
            return None if hits is None else [(name, k) for name, k, _ in hits]
        out = []
        legacy = self._legacy(tables)
        for i in doc_ids:
            name = self._shard_for_id(tables, int(i))
            if str(i) in tables[name]:
                out.append((name, str(i)))
            elif str(i) in legacy:
                out.append((self.name, str(i)))
        return out

    def _change(
        self, tables: Any, hits: list[tuple[str, str]], fn: Callable[[dict], None] | None
    ) -> list[int]:
        """Apply ``fn`` to the hit documents (None: remove them); re-file a changed key."""
        moved: list[dict[str, Any]] = []
        for name in dict.fromkeys(n for n, _ in hits):
            shard = _owned(tables, name)
            tables.key_index.pop(name, None)
            for n, k in hits:
                if n != name:
                    continue
                if fn is None:
                    shard.pop(k, None)
                    continue
                doc = shard[k]
                before = doc.get(self.key)
                fn(doc)
                if doc.get(self.key) != before or name == self.name:
                    moved.append(shard.pop(k))
            tables[name] = shard
        for doc in moved:
            self._put(tables, doc)
        return [int(k) for _, k in hits]

    def update(self, fields: Any, cond: Any = None, doc_ids: Any = None) -> list[int]:
        tables = self._require_txn()
        hits = self._matching(tables, cond, doc_ids)
        if hits is None:
            return self._update_all(fields, cond)
        apply = fields if callable(fields) else (lambda doc: doc.update(fields))
        ids = self._change(tables, hits, apply)
        self._storage.write(tables)
        return ids

    def upsert(self, document: Mapping, cond: Any = None) -> list[int]:
        if cond is None and isinstance(document, Document):
            return self.update(dict(document), doc_ids=[document.doc_id]) or [
                self.insert(dict(document))
            ]
        tables = self._require_txn()
        hits = self._matching(tables, cond, None)
        if hits is None:
            return super().upsert(document, cond)
        if hits:
            ids = self._change(tables, hits, lambda doc: doc.update(document))
        else:
            ids = [self._put(tables, document)]
        self._storage.write(tables)
        return ids

    def remove(self, cond: Any = None, doc_ids: Any = None) -> list[int]:
        if cond is None and doc_ids is None:
            raise RuntimeError("Use truncate() to remove all documents")  # as TinyDB
        tables = self._require_txn()
        hits = self._matching(tables, cond, doc_ids)
        if hits is None:
            return [int(k) for k in self._remove_all(cond)]
        ids = self._change(tables, hits, None)
        self._storage.write(tables)
        return ids

    def truncate(self) -> None:
        tables = self._require_txn()
        self._replace(tables, [])
        self._storage.write(tables)

    # -- whole-table writes (a query not on the key; rare: theme renames, imports)

    def _update_all(self, fields: Any, cond: Any) -> list[int]:
        tables = self._require_txn()
        docs = self._read_table()
        apply = fields if callable(fields) else (lambda doc: doc.update(fields))
        hit = [k for k, d in docs.items() if cond is None or cond(d)]  # None: all, as TinyDB
        for k in hit:
            apply(docs[k])
        if hit:
            self._replace(tables, list(docs.values()))
            self._storage.write(tables)
        return [int(k) for k in hit]

    def _remove_all(self, cond: Any) -> list[str]:
        tables = self._require_txn()
        docs = self._read_table()
        hit = [k for k, d in docs.items() if cond(d)]
        if hit:
            keep = [d for k, d in docs.items() if k not in set(hit)]
            self._replace(tables, keep)
            self._storage.write(tables)
        return hit

    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        """TinyDB's generic write (any method not routed above): the whole table."""
        tables = self._require_txn()
        docs: dict[int, Mapping] = {int(k): dict(v) for k, v in self._read_table().items()}
        updater(docs)
        self._replace(tables, list(docs.values()))
        self._storage.write(tables)

    def replace_all(self, docs: Iterable[Mapping[str, Any]]) -> None:
        """Make the table hold exactly ``docs`` (migrations, merges of whole tables)."""
        tables = self._require_txn()
        self._replace(tables, list(docs))
        self._storage.write(tables)

    def _replace(self, tables: Any, docs: list[Mapping[str, Any]]) -> None:
        depth = self._depth(tables)
        for name in self._shard_names(tables, depth):
            _drop(tables, name)
        if self._legacy(tables) or (self._store_dir / f"{self.name}.json").exists():
            _drop(tables, self.name)
        need = 0
        while need < MAX_DEPTH and len(docs) > (split_at(self.name) // 2) << need:
            need += 1
        tables["meta"] = with_depth(tables["meta"], self.name, need)
        for doc in docs:
            self._put(tables, doc)

    def _split(self, tables: Any) -> None:
        """Split every shard in two (the table now has ``depth + 1``); same transaction.

        Shard ``i`` becomes ``2i`` and ``2i + 1``: one shard at a time, so a split never
        holds a second copy of the table.
        """
        depth = self._depth(tables)
        if depth >= MAX_DEPTH:
            return
        names = self._shard_names(tables, depth)
        tables["meta"] = with_depth(tables["meta"], self.name, depth + 1)
        for name in names:
            halves: dict[str, dict[str, Any]] = {}
            for k, doc in tables[name].items():
                target = shard_name(self.name, depth + 1, shard_of(int(k), depth + 1))
                halves.setdefault(target, {})[k] = doc
            _drop(tables, name)
            for target, shard in halves.items():
                tables[target] = shard


def _owned(tables: Any, name: str) -> dict[str, Any]:
    """A shard this transaction may change in place (a copy the first time: the parsed
    file is cached and shared until the commit)."""
    shard = tables[name]
    if name not in tables.dirty:
        index = tables.key_index.get(name)
        shard = dict(shard)
        tables[name] = shard
        if index is not None:  # the same documents under the same ids
            tables.key_index[name] = index
    return shard


def _key_index(tables: Any, name: str, key: str) -> dict[str, list[str]]:
    """Key value -> doc ids of one shard, built on first use in a transaction."""
    index = tables.key_index.get(name)
    if index is None:
        index = {}
        for k, d in tables[name].items():
            value = d.get(key)
            if isinstance(value, str):
                index.setdefault(value, []).append(k)
        tables.key_index[name] = index
    return index


def _drop(tables: Any, name: str) -> None:
    """Empty a shard in this transaction; its file is deleted by the commit (unless the
    shard is written again). Kept as an empty shard, not forgotten: a later read in the
    transaction must not load the old file back."""
    dict.__setitem__(tables, name, {})
    tables.key_index.pop(name, None)
    tables.dirty.discard(name)
    tables.deleted.add(name)
