"""Filters first: the lines a search may return, before any text is matched.

``--case``, ``--person``, ``--theme`` (tagged spans), ``--speaker`` (per file) and
``--media`` narrow the rows; matching the text over the whole index and dropping what
the filters reject afterwards cost over a second at 1,000 hours when the words were
common elsewhere and absent from the case's passages (issue 15). The allowed lines
are found in SQL (the ``segments_time`` index finds the lines a span covers) and kept
as ranges of row ids: a file's lines are one run of ids, so a few hundred ranges
describe even a theme's thousands of passages. Then the cheapest of three (``plan``):
each allowed line's text checked for the words, read from FTS5's own copy of the text
(what a filter makes cheap: tens of thousands of lines in 10-20 ms); FTS5 probed
inside each range (``fts.rowid BETWEEN lo AND hi``: few ranges, rare words); or the
text matched over the whole index and each match checked against the ranges (a wide
filter, such as a label every file has, with rare words).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

# Costs in microseconds (filtered queries at 10,000 h, bench/bench_search_real.py):
# checking one allowed line's text (per extra phrase a share more); FTS5 matching the
# text over the whole index (per entry of the words' line lists); probing FTS5 run by
# run (per run, and per entry, per run). The line-by-line check is what a filter makes
# cheap: 19,000 tagged lines cost 10-20 ms where matching common words first cost
# 15-360 ms and probing 1,500 runs 0.2-20 s.
LINE_US = 0.8
LINE_PHRASE_SHARE = 0.15
TEXT_US = 300.0
POSTING_US = 0.006
PROBE_US = 30.0
PROBE_POSTING_US = 0.002
UNKNOWN_POSTINGS = 1_000_000  # a word the vocabulary does not count yet: assume common
_TEXT_COLUMN = {"fts": "norm", "pyfts": "py"}
# A span covers the lines that start before its end and end after its start; lines
# are found from their start, so the longest line bounds how early one may start.
MAX_LINE_KEY = "max_line_s"

TEMP_SCHEMA = """
CREATE TEMP TABLE IF NOT EXISTS scope_spans (media_id TEXT, s REAL, e REAL);
CREATE TEMP TABLE IF NOT EXISTS scope_keys (media_id TEXT, label TEXT);
CREATE TEMP TABLE IF NOT EXISTS scope_ranges (lo INTEGER PRIMARY KEY, hi INTEGER NOT NULL);
"""


@dataclass
class Scope:
    """What a search may return; None for a filter not given."""

    media_ids: set[str] | None = None
    speakers: set[tuple[str, str]] | None = None  # (media_id, label): a name is per file
    spans: dict[str, list[tuple[float, float]]] | None = None
    languages: list[str] | None = None
    # The allowed rows as ranges of ids, once found (a search asks twice: text, pinyin).
    runs: list[tuple[int, int]] | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        media_ids: Iterable[str] | None = None,
        speakers: Iterable[tuple[str, str]] | None = None,
        languages: Iterable[str] | None = None,
        spans: dict[str, list[tuple[float, float]]] | None = None,
    ) -> Scope:
        return cls(
            media_ids=None if media_ids is None else set(media_ids),
            speakers=None if speakers is None else set(speakers),
            spans=spans,
            languages=None if languages is None else list(languages),
        )

    def files(self) -> set[str] | None:
        """The files that may hold a hit (None: any)."""
        out: set[str] | None = None
        for ids in (
            self.media_ids,
            None if self.speakers is None else {m for m, _lb in self.speakers},
            None if self.spans is None else {m for m, sp in self.spans.items() if sp},
        ):
            if ids is not None:
                out = set(ids) if out is None else out & ids
        return out

    def by_rows(self) -> bool:
        return self.media_ids is not None or self.speakers is not None or self.spans is not None


def language_sql(scope: Scope) -> tuple[str, list[object]]:
    if scope.languages is None:
        return "", []
    if not scope.languages:
        return " AND 0", []
    return f" AND s.language IN ({','.join('?' * len(scope.languages))})", list(scope.languages)


def max_line(conn: sqlite3.Connection) -> float:
    """The longest line's duration, kept in ``info`` (read once from an older index)."""
    row = conn.execute("SELECT value FROM info WHERE key = ?", (MAX_LINE_KEY,)).fetchone()
    if row is not None:
        return float(row[0])
    found = conn.execute('SELECT max("end" - start) FROM segments').fetchone()[0] or 0.0
    with contextlib.suppress(sqlite3.OperationalError), conn:  # read-only: next time again
        conn.execute(
            "INSERT OR REPLACE INTO info (key, value) VALUES (?, ?)", (MAX_LINE_KEY, str(found))
        )
    return float(found)


def note_lines(conn: sqlite3.Connection, longest: float) -> None:
    """Keep ``max_line`` true as lines are added (called inside the writer's transaction)."""
    row = conn.execute("SELECT value FROM info WHERE key = ?", (MAX_LINE_KEY,)).fetchone()
    if row is not None and float(row[0]) < longest:
        conn.execute("UPDATE info SET value = ? WHERE key = ?", (str(longest), MAX_LINE_KEY))


def allowed_ids(conn: sqlite3.Connection, scope: Scope) -> list[int]:
    """Row ids of the lines the scope allows, ascending (language is left to the query)."""
    conn.executescript(TEMP_SCHEMA)
    conn.execute("DELETE FROM temp.scope_spans")
    conn.execute("DELETE FROM temp.scope_keys")
    files = scope.files()
    assert files is not None
    keys = "" if scope.speakers is None else (
        " AND EXISTS (SELECT 1 FROM temp.scope_keys k WHERE k.media_id = g.media_id "
        "AND k.label = g.speaker)"
    )  # fmt: skip
    if scope.speakers is not None:
        conn.executemany(
            "INSERT INTO temp.scope_keys VALUES (?, ?)",
            [(m, lb) for m, lb in scope.speakers if m in files],
        )
    if scope.spans is not None:
        conn.executemany(
            "INSERT INTO temp.scope_spans VALUES (?, ?, ?)",
            [(m, s, e) for m in sorted(files) for s, e in scope.spans.get(m, ())],
        )
        sql = (
            # CROSS JOIN: the spans drive (segments_time finds each one's lines); the
            # planner otherwise scans every line of the index (190 vs 2 ms at 1,000 h).
            "SELECT DISTINCT g.id FROM temp.scope_spans p CROSS JOIN segments g "
            "ON g.media_id = p.media_id AND g.start < p.e AND g.start >= p.s - ? "
            f'AND g."end" > p.s WHERE 1{keys} ORDER BY g.id'
        )
        return [r[0] for r in conn.execute(sql, (max_line(conn),))]
    out: list[int] = []
    for mid in sorted(files):
        out += [r[0] for r in conn.execute(
            f"SELECT g.id FROM segments g WHERE g.media_id = ?{keys}", (mid,))]  # fmt: skip
    out.sort()
    return out


def ranges(ids: list[int]) -> list[tuple[int, int]]:
    """Ascending ids as runs of consecutive ids (lo, hi), both inclusive."""
    out: list[tuple[int, int]] = []
    for i in ids:
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


@dataclass
class Needle:
    """What a line's text must hold, for checking allowed lines one by one: any of
    ``phrases`` (terms as the index holds them, in order). ``postings``: how many
    entries of the words' line lists FTS5 reads to match them over the whole index
    (the sum of their line counts; None: unknown)."""

    phrases: list[list[str]]
    postings: int | None = None

    def where(self, column: str) -> tuple[str, list[object]]:
        # Terms are words and numbers separated by single spaces (``searchtext``), so
        # a phrase is the terms in order with a space on each side.
        test = f"instr(' ' || {column} || ' ', ?) > 0"
        return "(" + " OR ".join([test] * len(self.phrases)) + ")", [
            " " + " ".join(p) + " " for p in self.phrases
        ]


def plan(runs: list[tuple[int, int]], needle: Needle) -> str:
    """``lines`` (check each allowed line), ``ranges`` (probe FTS5 run by run) or
    ``text`` (match over the whole index, check each match): the cheapest, by costs
    measured at 10,000 hours (see the constants)."""
    rows = sum(hi - lo + 1 for lo, hi in runs)
    postings = needle.postings if needle.postings is not None else UNKNOWN_POSTINGS
    cost = {
        "lines": rows * LINE_US * (1 + LINE_PHRASE_SHARE * (len(needle.phrases) - 1)),
        "text": TEXT_US + postings * POSTING_US,
        "ranges": len(runs) * (PROBE_US + postings * PROBE_POSTING_US),
    }
    return min(cost, key=lambda k: cost[k])


def scoped_select(
    conn: sqlite3.Connection,
    columns: str,
    table: str,
    scope: Scope,
    match: str,
    needle: Needle,
) -> tuple[str, list[object]] | None:
    """SQL and its parameters for the lines inside the scope whose text matches.

    ``match`` is the FTS5 MATCH expression and ``needle`` the same as phrases, for
    checking lines one by one; ``columns`` may name the matched text as ``{text}``.
    None when the scope allows no line at all. Lines come in archive order (row id).
    """
    lang, lang_params = language_sql(scope)
    matched = columns.format(text=f"{table}.{_TEXT_COLUMN[table]}")
    if not scope.by_rows():
        sql = (
            f"SELECT {matched} FROM {table} JOIN segments s ON s.id = {table}.rowid "
            f"WHERE {table} MATCH ?{lang}"
        )
        return sql, [match, *lang_params]
    if scope.runs is None:
        scope.runs = ranges(allowed_ids(conn, scope))
    runs = scope.runs
    if not runs:
        return None
    conn.execute("DELETE FROM temp.scope_ranges")
    conn.executemany("INSERT INTO temp.scope_ranges VALUES (?, ?)", runs)
    conn.commit()  # the temp tables only; no transaction may stay open on the index
    how = plan(runs, needle)
    if how == "lines":
        # FTS5 keeps each line's text in its ``_content`` table, keyed by row id.
        test, test_params = needle.where("c.c0")
        sql = (
            f"SELECT {columns.format(text='c.c0')} FROM temp.scope_ranges r CROSS JOIN "
            f"segments s ON s.id BETWEEN r.lo AND r.hi JOIN {table}_content c ON c.id = s.id "
            f"WHERE {test}{lang}"
        )
        return sql, [*test_params, *lang_params]
    if how == "ranges":
        sql = (
            f"SELECT {matched} FROM temp.scope_ranges r CROSS JOIN {table} JOIN segments s "
            f"ON s.id = {table}.rowid WHERE {table} MATCH ? "
            f"AND {table}.rowid BETWEEN r.lo AND r.hi{lang}"
        )
    else:
        sql = (
            f"SELECT {matched} FROM {table} JOIN segments s ON s.id = {table}.rowid "
            f"WHERE {table} MATCH ? AND (SELECT r.hi FROM temp.scope_ranges r "
            f"WHERE r.lo <= s.id ORDER BY r.lo DESC LIMIT 1) >= s.id{lang}"
        )
    return sql, [match, *lang_params]
