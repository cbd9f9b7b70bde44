"""A speaker's voice, window by window (issue 16): CAM++ vectors of up to 12 windows
spread over all of the speaker's talk, kept with its print, and how many of them sound
like a known voice.

A print is the mean of up to 12 windows of 1.5 s, the half nearest the group's centre.
When the grouping put two people in one speaker and their windows do not split (two
voices alike to CAM++, so the print's agreement stays high), the mean can still score
high against one of them, and the windows nearest the centre can be mostly the one who
talks less. Windows spread over the whole speaker, taken one by one, show it:
``archive.voices.judge`` holds such a speaker back. Kept as float16 in base64 (~6 KB
for 12 windows of 192 values), in ``file_voices`` only (personal data: no export
carries it).
"""

from __future__ import annotations

from typing import Any

# Window by window: a speaker is suggested as a voice only when at least ``MIN_SHARE``
# of its kept windows (1.5 s each, up to 12 over all its talk) score ``WINDOW_MATCH``
# against that voice and no other known person's voice higher. Held back: a speaker
# holding a second person whom ``MIN_AGREEMENT`` does not split (two voices alike to
# CAM++), whose print, their mean, can still sound like one of them. ``WINDOW_MATCH``:
# on bench/data/diar, 99 in 100 windows of another person score their nearest wrong
# voice under 0.749 (one person's windows against their voice from another file: 92%
# above). ``MIN_SHARE`` two in three: chosen on bench/data/diar and diar_heldout with
# every choice of the file each person is named in (BENCHMARKS.md): precision 1.0 on
# both from 0.74 to 0.76 (0.955 at 0.73). Windows spread over the speaker rather than
# the print's own: chosen after diar_heldout2 (BENCHMARKS.md).
WINDOW_MATCH = 0.75
MIN_SHARE = 2 / 3


def pack(windows) -> str | None:
    """Windows (unit vectors, an array) as stored: float16, base64."""
    import base64

    if windows is None or not len(windows):
        return None
    return base64.b64encode(windows.astype("<f2").tobytes()).decode("ascii")


def unpack(doc: dict[str, Any]):
    """A speaker's kept windows as unit vectors, or None (prints saved before windows
    were kept, or anything that does not decode to vectors of the print's size)."""
    import base64
    import binascii

    import numpy as np

    packed, dim = doc.get("windows"), len(doc.get("print") or ())
    if not isinstance(packed, str) or not dim:
        return None
    try:
        raw = base64.b64decode(packed, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw or len(raw) % (2 * dim):
        return None
    w = np.frombuffer(raw, dtype="<f2").astype(np.float32).reshape(-1, dim)
    if not np.isfinite(w).all():
        return None
    return w / np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-9)


def window_votes(
    speaker: dict[str, Any], name: str, voices: list[dict[str, Any]]
) -> tuple[int, int] | None:
    """How many of a speaker's kept windows sound like ``name`` one by one, of how
    many: ``WINDOW_MATCH`` or more against one of that person's voices, and no other
    known person's voice nearer. None when the speaker's windows were not kept."""
    import numpy as np

    windows = unpack(speaker)
    if windows is None:
        return None
    per_person: dict[str, Any] = {}
    for v in voices:
        p = np.asarray(v["print"], dtype=np.float32)
        cos = windows @ (p / max(float(np.linalg.norm(p)), 1e-9))
        per_person[v["name"]] = np.maximum(per_person.get(v["name"], cos), cos)
    if name not in per_person:
        return None
    own = per_person.pop(name)
    nearest_other = np.max(np.stack(list(per_person.values())), axis=0) if per_person else -1.0
    return int(np.sum((own >= WINDOW_MATCH) & (own >= nearest_other))), len(windows)
