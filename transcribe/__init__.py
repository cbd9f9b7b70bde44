"""Offline speech-to-text behind a small engine interface (faster-whisper today).

Core package: never imports textual, tui or cli.
"""
