"""The Textual terminal UI: thin widgets over the core packages."""
