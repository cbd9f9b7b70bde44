"""tapelog's archive: the store, transcripts, search index and the records a crew keeps.

Core package: must never import textual, tui or cli (import-linter contracts in
pyproject.toml, checked by `make test`).
Kept empty so that ``media`` and ``transcribe`` can import ``archive.errors`` cheaply.
"""
