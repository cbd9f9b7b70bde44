"""Widgets of the tapelog TUI: thin views over archive records."""
