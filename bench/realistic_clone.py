"""Hours past the realistic archive's distinct ones: copies, so 10,000 hours build in minutes.

Indexing a transcript costs about 0.1-0.2 s of Python an hour (tokens, spoken numbers,
word times), so 10,000 hours through ``sync_index`` would take most of an hour of a
shared 2-core machine. Hour ``h`` past the distinct ones repeats the text of hour
``h % distinct``: its transcript file is a hard link to that hour's, its media and
transcript records are its own (inserted through the store), and its index rows are
copied in SQL from the source hour's rows: the rows ``replace_media`` would have
written, since the text, times and language are the same. The index's state row gets
the signature ``sync_index`` computes, so the next sync sees nothing to do, and the
fuzzy vocabulary is marked stale so it is recounted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from tapelog.archive.search import index_signature
from tapelog.archive.service import Archive
from tapelog.archive.transcripts import transcript_path


def clone_hours(
    archive: Archive, hours: range, distinct: int, make: Callable[[int], tuple[dict, dict]]
) -> dict:
    t0 = time.perf_counter()
    media_docs, tr_docs = [], []
    root = archive.root
    for h in hours:
        m, tr = make(h)
        src = h % distinct
        src_file = transcript_path(root, f"m{src + 1}", f"tr{src + 1}")
        dst = transcript_path(root, m["id"], tr["id"])
        dst.parent.mkdir(parents=True, exist_ok=True)
        if not dst.exists():
            os.link(src_file, dst)
        media_docs.append(m)
        tr_docs.append(tr)
    with archive.store.transaction() as store:
        store.table("media").insert_multiple(media_docs)
        store.table("transcripts").insert_multiple(tr_docs)
    t_write = time.perf_counter() - t0
    conn = archive.index._connect()
    by_id = {d["id"]: d for d in media_docs}
    t1 = time.perf_counter()
    with archive.index._lock, conn:
        for h in hours:
            mid, src = f"m{h + 1}", f"m{h % distinct + 1}"
            conn.execute(
                'INSERT INTO segments (media_id, seg_index, start, "end", speaker, language, '
                'text, times) SELECT ?, seg_index, start, "end", speaker, language, text, '
                "times FROM segments WHERE media_id = ? ORDER BY id",
                (mid, src),
            )
            conn.execute(
                "INSERT INTO fts (rowid, norm) SELECT d.id, f.norm FROM segments s "
                "JOIN fts f ON f.rowid = s.id JOIN segments d ON d.media_id = ? "
                "AND d.seg_index = s.seg_index WHERE s.media_id = ?",
                (mid, src),
            )
            media = archive.get_media(mid) if mid not in by_id else _record(by_id[mid])
            sig = index_signature(archive, media, "0:")
            conn.execute(
                "INSERT OR REPLACE INTO state (media_id, signature) VALUES (?, ?)", (mid, sig)
            )
        conn.execute("INSERT OR REPLACE INTO info (key, value) VALUES ('vocab_fresh', '0')")
    archive.index._vocab = None
    return {"cloned_hours": len(hours), "clone_write_s": t_write,
            "clone_index_s": time.perf_counter() - t1}  # fmt: skip


def _record(doc: dict):
    from tapelog.archive.models import MediaRecord

    return MediaRecord.from_dict(doc)
