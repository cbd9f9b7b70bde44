"""Where Whisper runs: the CPU, or an NVIDIA GPU when CTranslate2 sees one and the
CUDA libraries it links can be loaded (a clear error when they cannot)."""

from __future__ import annotations

import os

from tapelog.archive.errors import ModelError, UsageError
from tapelog.transcribe.checks import DEVICES

# What CTranslate2's PyPI wheels link for CUDA (CUDA 12 cuBLAS, cuDNN 9), and where the
# NVIDIA PyPI wheels (nvidia-cublas-cu12, nvidia-cudnn-cu12) put them.
CUDA_LIBRARIES = {"libcublas.so.12": "cublas", "libcudnn.so.9": "cudnn"}


def missing_cuda_libraries() -> list[str]:
    """The CUDA libraries that cannot be loaded (from the system or NVIDIA's wheels)."""
    import ctypes
    import importlib.util

    missing = []
    for lib, package in CUDA_LIBRARIES.items():
        candidates = [lib]
        spec = importlib.util.find_spec("nvidia")
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            candidates.insert(0, os.path.join(folder, package, "lib", lib))
        for candidate in candidates:
            try:
                ctypes.CDLL(candidate, mode=ctypes.RTLD_GLOBAL)
                break
            except OSError:
                continue
        else:
            missing.append(lib)
    return missing


def resolve_device(device: str) -> str:
    """``cpu`` or ``cuda`` for ``auto|cpu|cuda``; a clear error when CUDA cannot work.

    Checked where the model runs (a Dask worker may have the GPU the client lacks).
    """
    if device not in DEVICES:
        raise UsageError(f"unknown device '{device}' (auto, cpu or cuda)")
    if device == "cpu":
        return "cpu"
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    missing = missing_cuda_libraries() if gpus else []
    if device == "auto":
        return "cuda" if gpus and not missing else "cpu"
    if not gpus:
        raise ModelError(
            "--device cuda: CTranslate2 sees no NVIDIA GPU here (no GPU, or no driver); "
            "use --device cpu or auto"
        )
    if missing:
        raise ModelError(
            f"--device cuda: the CUDA libraries Whisper needs are missing ({', '.join(missing)}); "
            "`pip install nvidia-cublas-cu12 nvidia-cudnn-cu12` or install CUDA 12 and cuDNN 9, "
            "or use --device cpu"
        )
    return "cuda"
