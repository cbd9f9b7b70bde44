"""What the second look for names costs, against transcribing the file again with base.

    .venv/bin/python -m bench.bench_second_look [--set main|sparse] [--only NAME...]

Issue 12 asks that the second look (the names pass after the plain one) stay well under
the cost of re-transcribing the file with the larger model. For each English interview
of a labelled set (``bench/names_score.py``), in one process with both models loaded
beforehand, interleaved per file, CPU seconds of this process:

* the plain pass with tiny.en (no names, no speaker split): what the crew pays anyway;
* the second look on that transcript with the names ``names_for`` chooses at the
  defaults (tiny.en's decode of the stretches that may hold a name, or of the whole
  file, and base's closer look at the near-misses left);
* transcribing the same file with base (beam 5, VAD, word times, no names).

Reports per file and in total: the second look / base ratio (the issue's figure), the
second look / plain ratio, and the share of the file the second look decoded.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.names_score import SETS, build_archive, labels, use_set  # noqa: E402


def _cpu(fn):
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - t0


def measure(name: str, threads: int) -> dict:
    from tapelog.archive.second_look import names_for, second_look
    from tapelog.transcribe.types import TranscribeOptions

    with tempfile.TemporaryDirectory() as tmp:
        archive, ids = build_archive(Path(tmp) / "a", [name])
        mid = ids[name]
        plain = TranscribeOptions(model="tiny.en", language="en", cpu_threads=threads,
                                  names="", diarize=False)  # fmt: skip
        _, plain_cpu, _ = _cpu(lambda: archive.transcribe(mid, plain))
        vocab = names_for(archive, mid, TranscribeOptions(language="en"))
        look, look_cpu, look_wall = _cpu(lambda: second_look(archive, mid, vocab))
        duration = archive.get_media(mid).info.duration or 0.0
        archive.close()
        again, ids = build_archive(Path(tmp) / "b", [name])  # the same file, afresh
        base = TranscribeOptions(model="base", language="en", cpu_threads=threads, names="",
                                 diarize=False)  # fmt: skip
        _, base_cpu, _ = _cpu(lambda: again.transcribe(ids[name], base))
        again.close()
    clips = look.clips if look else None
    decoded = duration if clips is None else sum(b - a for a, b in clips)
    return {
        "interview": name,
        "duration": duration,
        "plain_cpu": round(plain_cpu, 2),
        "second_look_cpu": round(look_cpu, 2),
        "second_look_wall": round(look_wall, 2),
        "base_cpu": round(base_cpu, 2),
        "decoded_s": round(decoded, 1),
        "clips": None if clips is None else len(clips),
        "closer_s": (look.closer or {}).get("seconds") if look else None,
    }


def warm(threads: int) -> None:
    """Both models loaded (and base's closer look) before anything is timed."""
    from tapelog.transcribe.engine import get_engine
    from tapelog.transcribe.types import TranscribeOptions

    for model in ("tiny.en", "base"):
        get_engine(TranscribeOptions(model=model, language="en", cpu_threads=threads))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", choices=sorted(SETS), default="main")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    use_set(args.set)
    from bench.common import load

    names = [iv["name"] for iv in labels()["interviews"] if iv["language"] == "en"]
    names = [n for n in names if not args.only or n in args.only]
    warm(args.threads)
    before = load()
    rows = []
    print("| interview | audio s | decoded s | plain CPU s | second look CPU s | base CPU s "
          "| second look / base | second look / plain |\n|---|---|---|---|---|---|---|---|")  # fmt: skip
    for name in names:
        r = measure(name, args.threads)
        rows.append(r)
        print(f"| {name} | {r['duration']:.0f} | {r['decoded_s']:.0f} | {r['plain_cpu']:.1f} "
              f"| {r['second_look_cpu']:.1f} | {r['base_cpu']:.1f} "
              f"| {r['second_look_cpu'] / r['base_cpu']:.2f} "
              f"| {r['second_look_cpu'] / r['plain_cpu']:.2f} |", flush=True)  # fmt: skip
    tot = {k: sum(r[k] for r in rows) for k in ("duration", "decoded_s", "plain_cpu",
                                                "second_look_cpu", "base_cpu")}  # fmt: skip
    print(f"| **all** | {tot['duration']:.0f} | {tot['decoded_s']:.0f} | {tot['plain_cpu']:.1f} "
          f"| {tot['second_look_cpu']:.1f} | {tot['base_cpu']:.1f} "
          f"| **{tot['second_look_cpu'] / tot['base_cpu']:.2f}** "
          f"| {tot['second_look_cpu'] / tot['plain_cpu']:.2f} |")  # fmt: skip
    print(f"load {before} -> {load()}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"set": args.set, "rows": rows, "total": tot,
                                         "load": [before, load()]}, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
