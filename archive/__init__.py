"""tapelog's archive: the store, transcripts, search index and the records a crew keeps.

Core package: must never import textual, tui or cli (tests/test_import_hygiene.py).
Kept empty so that ``media`` and ``transcribe`` can import ``archive.errors`` cheaply.
"""
