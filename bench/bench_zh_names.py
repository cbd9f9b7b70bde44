"""Where the time goes when Mandarin is decoded with names (issue 12: <= 1.5x plain).

    .venv/bin/python -m bench.bench_zh_names [--files zh01_zhang ...] [--sample] [--json F]
    .venv/bin/python -m bench.bench_zh_names --english --files en01_liu_father ... [--rounds 2]

For each Mandarin interview of the names benchmark (and the 10 s sample
``samples/media/mandarin_zh.wav``), base with ``language="zh"``, in one process and
one model, interleaved: plain; right after it the second look's decode
(``--vocab-from-cases``: hotwords, greedy, a runaway window handed the plain decode),
as the archive runs it, so it may reuse the plain pass's encoder output (its ratio is
1 + second look / plain); then, with nothing kept, the case names (``vocab_for_media``,
in characters) as hotwords on the first pass (``tapelog transcribe --hotwords``) and the
same as an initial prompt. Each row gives CPU seconds (this process, all threads) and
what they went to: the encoder (and its outputs reused), the decoder (``generate``,
per decode, tokens), and windows the loop guard redid without the names; the ratio to
plain is the figure. ``--english``: tiny.en on English interviews, plain and second look.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import load  # noqa: E402
from bench.names_score import DATA, build_archive, labels  # noqa: E402

SAMPLE = REPO / "samples" / "media" / "mandarin_zh.wav"


class Probe:
    """CPU time in faster-whisper's encoder and decoder calls, and tokens decoded."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.tokens = 0

    def install(self) -> None:
        from faster_whisper import transcribe as T

        probe = self
        enc, gen = T.WhisperModel.encode, T.WhisperModel.generate_with_fallback

        def encode(self, features):
            c = time.process_time()
            try:
                return enc(self, features)
            finally:
                probe.cpu["encode"] += time.process_time() - c
                probe.calls["encode"] += 1

        def generate(self, encoder_output, prompt, tokenizer, options):
            c = time.process_time()
            try:
                out = gen(self, encoder_output, prompt, tokenizer, options)
                probe.tokens += len(out[0].sequences_ids[0])
                return out
            finally:
                probe.cpu["decode"] += time.process_time() - c
                probe.calls["decode"] += 1

        T.WhisperModel.encode = encode
        T.WhisperModel.generate_with_fallback = generate

    def reset(self) -> None:
        self.cpu.clear()
        self.calls.clear()
        self.tokens = 0


def one(engine, audio, options, probe: Probe, runaway: str = "redo") -> dict:
    probe.reset()
    watch = getattr(engine, "watch", None)  # transcribe.windows (absent before it)
    hits0 = watch.counts.hits if watch else 0
    c0, w0 = time.process_time(), time.perf_counter()
    info, segs = engine.transcribe(audio, options, runaway=runaway)
    texts = [s.text for s in segs]
    return {"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0,
            "encode": probe.cpu["encode"], "decode": probe.cpu["decode"],
            "encodes": probe.calls["encode"], "decodes": probe.calls["decode"],
            "encoder_hits": (watch.counts.hits - hits0) if watch else 0,
            "tokens": probe.tokens, "redone": [list(r) for r in info.redone + info.skipped],
            "text": "".join(texts)}  # fmt: skip


def measure(name: str, audio, names: str, engine, probe: Probe, english: bool = False) -> dict:
    """One file: plain, then the second look (as the archive runs them, one after the
    other), then (Mandarin) the crew's hotwords and prompt as a first pass."""
    from dataclasses import replace

    from tapelog.transcribe.types import TranscribeOptions

    model, language = ("tiny.en", "en") if english else ("base", "zh")
    plain_o = TranscribeOptions(model=model, language=language, cpu_threads=2, batch_size=0)
    try:  # the second look's beam (archive.second_look); the plain one before it was set
        from tapelog.archive.second_look import beam_size

        beam = beam_size(language, plain_o.beam_size)
    except ImportError:
        beam = plain_o.beam_size
    # The second look's decode (archive.second_look): hotwords, word times, and a
    # runaway window given the plain decode instead of decoded again.
    look_o = replace(plain_o, hotwords=names, word_timestamps=True, beam_size=beam)
    before = load()
    rows = {"plain": one(engine, audio, plain_o, probe)}
    # The second look follows the plain pass of its file (the archive's order): it may
    # reuse that pass's windows (transcribe.windows), so it runs right after it.
    rows["second_look"] = one(engine, audio, look_o, probe, "skip")
    p = rows["plain"]["cpu"]
    ratios = {"plain + second look": 1 + rows["second_look"]["cpu"] / p}
    # The crew's hotwords or prompt are a first pass: nothing kept from another pass.
    for key, o in () if english else (("hotwords", replace(plain_o, hotwords=names)),
                                      ("prompt", replace(plain_o, initial_prompt=names))):  # fmt: skip
        if getattr(engine, "watch", None):
            engine.watch.new_file()
        rows[key] = one(engine, audio, o, probe)
        ratios[key] = rows[key]["cpu"] / p
    return {"file": name, "seconds": round(len(audio) / 16000, 1), "names": names,
            "load": [before, load()], "rows": rows, "ratios": ratios}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", nargs="*", default=None, help="interviews (default: the zh ones)")
    ap.add_argument("--sample", action="store_true", help="also the 10 s mandarin_zh.wav")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--english",
        action="store_true",
        help="English interviews (--files), tiny.en: plain and second look only",
    )
    ap.add_argument("--rounds", type=int, default=1, help="each file this many times")
    args = ap.parse_args(argv)

    import tempfile

    from tapelog.archive.vocabulary import vocab_for_media
    from tapelog.media.audio import load_audio
    from tapelog.transcribe.engine import FasterWhisperEngine

    probe = Probe()
    probe.install()
    language = "en" if args.english else "zh"
    engine = FasterWhisperEngine("tiny.en" if args.english else "base", cpu_threads=2)
    zh = [iv["name"] for iv in labels()["interviews"] if iv["language"] == language]
    files = args.files or zh
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        archive, ids = build_archive(Path(tmp) / "a", files)
        todo = [(n, DATA / f"{n}.ogg", vocab_for_media(archive, ids[n], language=language))
                for n in files]  # fmt: skip
        if args.sample and not args.english:
            todo.append(("mandarin_zh.wav", SAMPLE, todo[0][2]))
        for name, path, names in [t for _ in range(args.rounds) for t in todo]:
            r = measure(name, load_audio(path), names, engine, probe, args.english)
            results.append(r)
            rows = r["rows"]
            print(f"{name} ({r['seconds']} s, load {r['load'][0]}-{r['load'][1]}):", flush=True)
            for k, v in rows.items():
                print(f"  {k:12s} CPU {v['cpu']:6.2f} s (encode {v['encode']:.2f} in "
                      f"{v['encodes']}, {v['encoder_hits']} reused, decode {v['decode']:.2f} in "
                      f"{v['decodes']}, "
                      f"{v['tokens']} tokens) redone {v['redone']}", flush=True)  # fmt: skip
            print("  ratios to plain:", {k: round(x, 2) for k, x in r["ratios"].items()})
        archive.close()
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
