"""Reading camera files: probing metadata and timecode, fingerprints, audio for Whisper.

Core package: never imports textual, tui or cli.
"""
