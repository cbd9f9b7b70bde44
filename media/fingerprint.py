"""Content fingerprints that survive renames and moves, and stay cheap on huge files.

Camera originals get copied between drives and renamed by editors; the archive must know
a file it has already imported. Hashing a 100 GB file in full would take minutes, so the
fingerprint hashes the size plus sampled regions: the first and last MiB (where
containers keep headers, ``moov`` atoms and indexes) and evenly spaced 64 KiB chunks in
between. Two different recordings of the same length differ in those regions in practice;
a one-byte edit outside them would go unnoticed, which is an accepted trade-off.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tapelog.archive.errors import MediaError

PREFIX = "b2:"
EDGE = 1 << 20  # first and last MiB
CHUNK = 64 << 10
MIDDLE_CHUNKS = 16


def fingerprint(path: str | os.PathLike[str]) -> str:
    """``b2:`` + blake2b-160 hex of (size, head, spaced chunks, tail); name-independent."""
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            h = hashlib.blake2b(digest_size=20, person=b"tapelog-fp1")
            h.update(size.to_bytes(8, "little"))
            for offset, length in _regions(size):
                f.seek(offset)
                h.update(f.read(length))
    except FileNotFoundError:
        raise MediaError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise MediaError("is a directory, not a media file", path=str(path)) from None
    except PermissionError:
        raise MediaError("permission denied", path=str(path)) from None
    except OSError as exc:
        raise MediaError(f"cannot read ({exc.strerror or exc})", path=str(path)) from None
    return PREFIX + h.hexdigest()


def _regions(size: int) -> list[tuple[int, int]]:
    """Byte ranges to hash: all of a small file; head, middle samples and tail otherwise."""
    if size <= 2 * EDGE + MIDDLE_CHUNKS * CHUNK:
        return [(0, size)]
    regions = [(0, EDGE)]
    span = size - 2 * EDGE - CHUNK
    for i in range(MIDDLE_CHUNKS):
        regions.append((EDGE + span * (i + 1) // (MIDDLE_CHUNKS + 1), CHUNK))
    regions.append((size - EDGE, EDGE))
    return regions
