"""Editors' and researchers' exports at true source timecode.

One module per kind of export; each has a pure ``write_*`` function taking explicit
records (easy to test, usable by the TUI) and an ``export_*`` function taking an
``Archive``. All write atomically, raise ``ExportError`` with the path and reason, and
return an ``ExportResult`` saying how many sensitive passages were left out/redacted.
"""

from tapelog.archive.exports.clips import cut_clip, default_clip_name, export_clip
from tapelog.archive.exports.common import ExportResult, Passage, Sensitivity
from tapelog.archive.exports.dossier import export_dossier, write_dossier
from tapelog.archive.exports.markers import export_markers, write_markers
from tapelog.archive.exports.selects import export_selects, write_selects
from tapelog.archive.exports.transcripts import export_transcript, write_transcript

__all__ = [
    "ExportResult",
    "Passage",
    "Sensitivity",
    "cut_clip",
    "default_clip_name",
    "export_clip",
    "export_dossier",
    "export_markers",
    "export_selects",
    "export_transcript",
    "write_dossier",
    "write_markers",
    "write_selects",
    "write_transcript",
]
