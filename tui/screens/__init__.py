"""Screens of the tapelog TUI."""
