"""Names heard right, with and without `tapelog transcribe --vocab-from-cases`.

Builds a temp archive through the real console script: the seed cases and people
(``samples/cases_from_seeds.csv``, ``samples/people_from_seeds.csv``), then the two
English sample interviews. Each is transcribed (``--force``, same model and settings)
three ways:

* **plain**: no bias;
* **vocab prompt**: ``--vocab-from-cases``, i.e. ``archive.cases.vocab_for_media`` as
  Whisper's ``initial_prompt`` (seeds the first 30 s window only);
* **vocab hotwords**: the same vocabulary passed as ``--hotwords`` (faster-whisper puts
  it before every window). On a file shorter than one 30 s window the two put the same
  tokens before the same window, so they can only differ on longer files.

Reported for each: name recall (occurrences of the expected names spelled as in the
case records, ignoring case, spaces and hyphens, over their occurrences in the script),
which spellings Whisper produced instead, and the overall word error rate (jiwer, the
normalisation of ``bench.bench_whisper_matrix``).

    .venv/bin/python -m bench.bench_vocab_wer [--models tiny.en base]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_whisper_matrix import normalise, references  # noqa: E402

MEDIA = REPO / "samples" / "media"
TAPELOG = Path(sys.executable).with_name("tapelog")
NAMES = {
    "interview_liu.mov": ["Liu Jingjun", "Taiyuan"],
    "two_channel_interview.mov": ["Luo Run", "Fujian", "Peng Gaofeng", "Le Le"],
}
CONDITIONS = ("plain", "vocab prompt", "vocab hotwords")


def compact(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def name_hits(name: str, reference: str, hypothesis: str) -> tuple[int, int]:
    """(occurrences spelled right in the hypothesis, capped; occurrences in the script)."""
    key = compact(name)
    expected = compact(reference).count(key)
    return min(compact(hypothesis).count(key), expected), expected


def tapelog(archive: Path, *argv: str) -> str:
    env = {**os.environ, "TAPELOG_ARCHIVE": str(archive)}
    proc = subprocess.run(
        [str(TAPELOG), *argv], capture_output=True, text=True, env=env, timeout=900
    )
    if proc.returncode != 0:
        raise SystemExit(f"tapelog {' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--models", nargs="+", default=["tiny.en"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    import jiwer

    refs = references()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="tapelog-vocab-") as tmp:
        arch = Path(tmp) / "archive"
        tapelog(arch, "cases", "import", str(REPO / "samples" / "cases_from_seeds.csv"))
        tapelog(arch, "people", "import", str(REPO / "samples" / "people_from_seeds.csv"))
        imported = json.loads(tapelog(arch, "import", *(str(MEDIA / n) for n in NAMES), "--json"))
        ids = {Path(r["path"]).name: r["id"] for r in imported}

        from tapelog.archive.cases import vocab_for_media
        from tapelog.archive.service import Archive

        archive = Archive.open(arch)
        vocab = {name: vocab_for_media(archive, mid) for name, mid in ids.items()}
        archive.close()

        for model in args.models:
            for condition in CONDITIONS:
                for name, mid in ids.items():
                    argv = ["transcribe", mid, "--force", "--model", model, "--json"]
                    argv += ["--threads", str(args.threads)]
                    # Explicit either way: an archive setting can make the vocab a default.
                    if condition == "vocab prompt":
                        argv.append("--vocab-from-cases")
                    else:
                        argv.append("--no-vocab-from-cases")
                    if condition == "vocab hotwords":
                        argv += ["--hotwords", vocab[name]]
                    t0 = time.perf_counter()
                    tapelog(arch, *argv)
                    seconds = time.perf_counter() - t0
                    shown = json.loads(tapelog(arch, "show", mid, "--json"))
                    segments = shown["segments"] if isinstance(shown, dict) else shown
                    text = " ".join(s["text"] for s in segments)
                    hits = {n: name_hits(n, refs[name], text) for n in NAMES[name]}
                    rows.append(
                        {
                            "model": model,
                            "condition": condition,
                            "media": name,
                            "seconds": seconds,
                            "text": text,
                            "hits": hits,
                            "wer": jiwer.wer(normalise(refs[name]), normalise(text)),
                        }
                    )
                    print(f"{model} {condition} {name}: {text}", file=sys.stderr)

    print("Vocabulary from the seed records (`archive.cases.vocab_for_media`):\n")
    for name, v in vocab.items():
        print(f"- `{name}`: {v}")
    print()
    print("| model | condition | name recall | names missed | WER |")
    print("|---|---|---|---|---|")
    summary = []
    for model in args.models:
        for condition in CONDITIONS:
            sel = [r for r in rows if r["model"] == model and r["condition"] == condition]
            got = sum(h[0] for r in sel for h in r["hits"].values())
            total = sum(h[1] for r in sel for h in r["hits"].values())
            missed = [n for r in sel for n, h in r["hits"].items() if h[0] < h[1]]
            overall = jiwer.wer(
                [normalise(refs[r["media"]]) for r in sel], [normalise(r["text"]) for r in sel]
            )
            heard = "; ".join(missed) or "-"
            print(
                f"| {model} | {condition} | {got}/{total} ({got / total:.0%}) | {heard} "
                f"| {overall:.1%} |"
            )
            summary.append(
                {
                    "model": model,
                    "condition": condition,
                    "name_recall": got / total,
                    "wer": overall,
                    "missed": missed,
                }
            )
    print()
    print("Transcripts:\n")
    for r in rows:
        print(f"- {r['model']}, {r['condition']}, `{r['media']}`: {r['text']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"vocab": vocab, "rows": rows, "summary": summary}, indent=2)
        )


if __name__ == "__main__":
    main()
