"""The fuzzy vocabulary's bigram index, kept in the index file beside the vocabulary.

Building the bigram index (``index_vocab.Vocabulary``) from 76,000 terms costs about
half a second of Python, which every process paid on its first fuzzy search (issue 15).
It is saved in the table ``vocab_index`` (``index_core.SCHEMA``) as plain arrays (never pickle: an archive may
come from anyone) and loaded in a few milliseconds.

It can never be stale: it is stored under a key that every change of the vocabulary
changes. ``vocab_gen`` in ``info`` is bumped in the same SQLite transaction as any
change of ``vocab_cache`` (``bump``), and the key also holds the count and the total
of the vocabulary's row counts, so even a writer that does not know about the key (an
older tapelog) makes a saved index unusable. A process that built the index saves it
only if the key is still the one it read the vocabulary under.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from tapelog.archive.index_vocab import Vocabulary

GEN_KEY = "vocab_gen"
MAGIC = b"TLVX1\n"


def key_of(conn: sqlite3.Connection) -> str:
    """The vocabulary's present key: its change counter, term count and total."""
    row = conn.execute("SELECT value FROM info WHERE key = ?", (GEN_KEY,)).fetchone()
    count, total = conn.execute("SELECT count(*), total(doc) FROM vocab_cache").fetchone()
    return f"{row[0] if row else 0}:{count}:{int(total)}"


def bump(conn: sqlite3.Connection) -> None:
    """The vocabulary changed (call inside the writer's transaction): drop the index."""
    conn.execute(
        "INSERT INTO info (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE "
        "SET value = CAST(value AS INTEGER) + 1",
        (GEN_KEY,),
    )
    conn.execute("DELETE FROM vocab_index")


def load(conn: sqlite3.Connection, key: str) -> Vocabulary | None:
    """The saved index if it was built from the vocabulary under ``key``, else None."""
    row = conn.execute("SELECT key, data FROM vocab_index WHERE id = 1").fetchone()
    if row is None or row[0] != key:
        return None
    try:
        return decode(bytes(row[1]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, struct.error):
        return None  # damaged: built again (and saved over it)


def save(conn: sqlite3.Connection, key: str, vocab: Vocabulary) -> None:
    """Keep ``vocab``'s index if the vocabulary is still the one it was built from.

    A read-only or full disk keeps it for this process only.
    """
    data = encode(vocab)
    with contextlib.suppress(sqlite3.OperationalError), conn:
        if key_of(conn) != key:
            return  # another process changed the vocabulary meanwhile
        conn.execute(
            "INSERT OR REPLACE INTO vocab_index (id, key, data) VALUES (1, ?, ?)", (key, data)
        )


def encode(vocab: Vocabulary) -> bytes:
    """The vocabulary and its index as a header and raw little-endian arrays."""
    import numpy as np

    terms = list(vocab._sorted)
    grams = sorted(vocab._postings)
    lists = [vocab._postings[g] for g in grams]
    offsets = np.zeros(len(grams) + 1, dtype="<i8")
    offsets[1:] = np.cumsum([len(x) for x in lists]) if lists else []
    parts = {
        "terms": "\n".join(terms).encode("utf-8"),
        "docs": np.array([vocab.doc_freq[t] for t in terms], dtype="<i8").tobytes(),
        "starts": np.asarray(vocab._starts, dtype="<i8").tobytes(),
        "grams": "\n".join(grams).encode("utf-8"),
        "offsets": offsets.tobytes(),
        "postings": (np.concatenate(lists) if lists else np.zeros(0)).astype("<i4").tobytes(),
    }
    header = json.dumps({k: len(v) for k, v in parts.items()}).encode("ascii")
    return MAGIC + struct.pack("<I", len(header)) + header + b"".join(parts.values())


def decode(data: bytes) -> Vocabulary:
    """A ``Vocabulary`` from ``encode``'s bytes; ValueError if they do not hold one."""
    import numpy as np
    from tapelog.archive.index_vocab import Vocabulary

    if not data.startswith(MAGIC):
        raise ValueError("not a vocabulary index")
    at = len(MAGIC)
    (n,) = struct.unpack_from("<I", data, at)
    sizes = json.loads(data[at + 4 : at + 4 + n])
    at += 4 + n
    parts: dict[str, bytes] = {}
    for name in ("terms", "docs", "starts", "grams", "offsets", "postings"):
        size = int(sizes[name])
        if size < 0 or at + size > len(data):
            raise ValueError("truncated vocabulary index")
        parts[name] = data[at : at + size]
        at += size
    text = parts["terms"].decode("utf-8")
    terms = text.split("\n") if text else []
    docs = np.frombuffer(parts["docs"], dtype="<i8")
    starts = np.frombuffer(parts["starts"], dtype="<i8")
    gtext = parts["grams"].decode("utf-8")
    grams = gtext.split("\n") if gtext else []
    offsets = np.frombuffer(parts["offsets"], dtype="<i8")
    postings = np.frombuffer(parts["postings"], dtype="<i4")
    _check(terms, docs, starts, grams, offsets, postings)
    lengths = np.fromiter((len(t) for t in terms), dtype=np.int32, count=len(terms))
    return Vocabulary.restored(
        terms=terms,
        docs=docs.tolist(),
        sorted_terms=np.array(terms, dtype=object),
        lengths=lengths,
        starts=starts.astype(np.intp),
        postings={g: postings[offsets[i] : offsets[i + 1]] for i, g in enumerate(grams)},
    )


def _check(terms: list[str], docs: np.ndarray, starts: np.ndarray, grams: list[str],
           offsets: np.ndarray, postings: np.ndarray) -> None:  # fmt: skip
    """Refuse arrays that would index out of range (a damaged or hand-made file)."""
    import numpy as np

    n = len(terms)
    if len(docs) != n or len(offsets) != len(grams) + 1:
        raise ValueError("vocabulary index sizes disagree")
    if len(offsets) and (offsets[0] != 0 or offsets[-1] != len(postings)):
        raise ValueError("vocabulary index offsets out of range")
    if len(offsets) > 1 and bool(np.any(np.diff(offsets) < 0)):
        raise ValueError("vocabulary index offsets out of order")
    if len(postings) and (int(postings.min()) < 0 or int(postings.max()) >= n):
        raise ValueError("vocabulary index postings out of range")
    if len(starts) and (int(starts.min()) < 0 or int(starts.max()) > n):
        raise ValueError("vocabulary index lengths out of range")
