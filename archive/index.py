"""The search index: SQLite FTS5 over every current transcript, derived from the store.

TinyDB scans every document on every query, far too slow for 600k segments, so
search runs on an FTS5 index in ``index/search.sqlite``. The index is a cache: each
media file's rows carry a signature (transcript version, file size and time, the
corrections made), and ``sync`` re-indexes exactly the media whose signature changed,
drops media that are gone, and rebuilds everything if the file is missing or broken.

Lines and queries go through ``searchtext.analyse`` (spoken numbers as digits, case,
punctuation and diacritics folded, each CJK character a token); the indexed terms keep
the times of the words they came from, so a hit says where its words are
(``matchspan``). The parts: the file and its schema (``index_core``), writing it
(``index_write``), the filters that narrow the lines before any text is matched
(``index_scope``), exact and pinyin search (``index_exact``), fuzzy search
(``index_fuzzy``) over the indexed vocabulary (``index_vocab``).
"""

from __future__ import annotations

from collections.abc import Iterable

from tapelog.archive.index_core import (
    HIT_COLUMNS,
    INDEX_DIR,
    INDEX_NAME,
    INDEX_VERSION,
    SCHEMA,
    IndexRow,
    fts_terms,
)
from tapelog.archive.index_exact import PINYIN_SCORE
from tapelog.archive.index_fuzzy import FuzzySearch
from tapelog.archive.index_scope import Scope
from tapelog.archive.index_write import IndexWriter
from tapelog.archive.matchspan import RawHit
from tapelog.archive.searchtext import terms

__all__ = [
    "HIT_COLUMNS",
    "INDEX_DIR",
    "INDEX_NAME",
    "INDEX_VERSION",
    "PINYIN_SCORE",
    "SCHEMA",
    "IndexRow",
    "RawHit",
    "Scope",
    "SearchIndex",
    "fts_terms",
    "tokens",
]


def tokens(text: str, language: str | None = None) -> list[str]:
    """Terms of ``text`` as the index holds them (see ``searchtext.analyse``)."""
    return terms(text, language)


class SearchIndex(IndexWriter, FuzzySearch):
    """The index: written by ``sync_index``, read by exact and fuzzy search.

    ``media_ids``, ``speakers`` ((file, label) pairs), ``languages`` and ``spans``
    (tagged passages per file) narrow the lines before the text is matched.
    """

    def search(
        self,
        query: str,
        *,
        fuzzy: bool = False,
        limit: int = 50,
        media_ids: Iterable[str] | None = None,
        speakers: Iterable[tuple[str, str]] | None = None,
        languages: Iterable[str] | None = None,
        spans: dict[str, list[tuple[float, float]]] | None = None,
    ) -> list[RawHit]:
        scope = Scope.of(media_ids, speakers, languages, spans)
        if fuzzy:
            return self.search_fuzzy(query, limit=limit, scope=scope)
        return self.search_exact(query, limit=limit, scope=scope)
