"""Hours past the realistic archive's distinct ones: copies, so 10,000 hours build in minutes.

Indexing a transcript costs about 0.1-0.2 s of Python an hour (tokens, spoken numbers,
word times), so 10,000 hours through ``sync_index`` would take most of an hour of a
shared 2-core machine. Hour ``h`` past the distinct ones repeats the text of hour
``h % distinct``: its transcript file is a hard link to that hour's, its media and
transcript records are its own (inserted through the store), and its index rows are
copied in SQL from the source hour's rows (lines, their words and, for Mandarin, their pinyin): the rows
``replace_media`` would have written, since the text, times and language are the same.
Archives cloned before the pinyin rows were copied (the first 10,000 h build: 12,002 of
120,000 Mandarin lines had them) are completed with ``python bench/realistic_clone.py
--add-pinyin ROOT``. The index's state row gets
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
            _copy_pinyin(conn, mid, src)
            media = archive.get_media(mid) if mid not in by_id else _record(by_id[mid])
            sig = index_signature(archive, media, "0:")
            conn.execute(
                "INSERT OR REPLACE INTO state (media_id, signature) VALUES (?, ?)", (mid, sig)
            )
        conn.execute("INSERT OR REPLACE INTO info (key, value) VALUES ('vocab_fresh', '0')")
    archive.index._vocab = None
    return {"cloned_hours": len(hours), "clone_write_s": t_write,
            "clone_index_s": time.perf_counter() - t1}  # fmt: skip


def _copy_pinyin(conn, mid: str, src: str) -> None:
    """The pinyin rows of hour ``mid``'s Mandarin lines, as the source hour has them."""
    conn.execute(
        "INSERT INTO pyfts (rowid, py) SELECT d.id, p.py FROM segments s "
        "JOIN pyfts p ON p.rowid = s.id JOIN segments d ON d.media_id = ? "
        "AND d.seg_index = s.seg_index WHERE s.media_id = ? "
        "AND d.id NOT IN (SELECT rowid FROM pyfts_content)",
        (mid, src),
    )


def add_pinyin(root: str, distinct: int = 1000) -> int:
    """Complete an archive cloned without pinyin rows; returns the rows added."""
    import sqlite3

    conn = sqlite3.connect(f"{root}/index/search.sqlite")
    before = conn.execute("SELECT count(*) FROM pyfts_content").fetchone()[0]
    media = [r[0] for r in conn.execute(
        "SELECT DISTINCT media_id FROM segments WHERE language = 'zh'")]  # fmt: skip
    with conn:
        for mid in media:
            n = int(mid[1:])
            if n > distinct:
                _copy_pinyin(conn, mid, f"m{(n - 1) % distinct + 1}")
    added = conn.execute("SELECT count(*) FROM pyfts_content").fetchone()[0] - before
    conn.close()
    return int(added)


def _record(doc: dict):
    from tapelog.archive.models import MediaRecord

    return MediaRecord.from_dict(doc)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Complete a cloned archive's pinyin rows.")
    ap.add_argument("--add-pinyin", metavar="ROOT", required=True)
    ap.add_argument("--distinct", type=int, default=1000)
    args = ap.parse_args()
    print(f"added {add_pinyin(args.add_pinyin, args.distinct)} pinyin rows")
