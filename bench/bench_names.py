"""Names heard and linked, per setting, on the labelled interviews in bench/data/names/.

Two steps, so that a change to linking is re-scored without re-running Whisper:

    .venv/bin/python -m bench.bench_names run --setting default     # transcribe (slow)
    .venv/bin/python -m bench.bench_names score                     # every saved setting
    .venv/bin/python -m bench.bench_names bench [--quick] [--json F] # make bench: both

``run`` builds a temp archive with the benchmark's case sheet and interviews, asks the
archive for the options a setting means (``default`` is exactly what ``tapelog transcribe
--all`` does with no flag), transcribes every interview and saves the segments and
timings under ``bench/out/names/<setting>/``. ``score`` links the saved transcripts with
the archive's own linking (``suggest_links``) and reports, per setting:

* name recall: labelled mentions with a suggestion for the right case (in the sentence);
* precision: suggestions that point at a labelled mention's case; decoy links counted;
* suggestions per found mention (the goal is one);
* non-name WER (English) / CER (Mandarin): errors on the words that are not names;
* real-time factor (wall s and CPU s / audio s, with the load average) and loops (a
  phrase repeated 4+ times).

English and Mandarin are reported apart (word vs character error rates). ``bench``
transcribes afresh at the defaults and plain tiny.en, then scores: what ``make bench``
runs (``bench/run_all.py``); the CI slice is ``tests/test_names_bench.py``.
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

from bench.names_score import (  # noqa: E402
    SETS,
    build_archive,
    labels,
    score_setting,
    summarise,
    use_set,
)
from bench.names_script import CASES  # noqa: E402

OUT = REPO / "bench" / "out" / "names"
# The --quick slice: one English interview, one Mandarin.
QUICK = ["en05_wang_mother", "zh05_wang_n"]  # Mandarin in the natural voice: names to find


def options_for(archive, mid: str, setting: str, language: str | None):
    """The TranscribeOptions a named setting means for one file."""
    from dataclasses import replace

    from tapelog.archive.cases import vocab_for_media
    from tapelog.transcribe.types import TranscribeOptions

    model, _, bias = setting.partition(":")
    mech, _, which = bias.partition("-")
    # names="": no second look (the archive would give English files one by default).
    opts = TranscribeOptions(model=model, language=language, names="")
    opts = archive.choose_model(mid, opts) if model == "auto" else opts
    vocab = vocab_for_media(archive, mid, language=opts.language) if mech else ""
    if which and vocab:
        vocab = _narrow(vocab, which, opts.language)
    if mech == "prompt":
        opts = replace(opts, initial_prompt=vocab or None)
    elif mech == "hotwords":
        opts = replace(opts, hotwords=vocab or None)
    return opts


def _narrow(vocab: str, which: str, language: str | None) -> str:
    """Prototype vocabularies: ``latin`` drops names in characters (English speech);
    ``children`` keeps only child names and aliases."""
    from tapelog.archive import names as N
    from tapelog.transcribe.guard import vocabulary_items

    items = vocabulary_items(vocab)
    if language != "zh":
        items = [i for i in items if not N.has_han(i)]
    if which == "children":
        kids = {N.compact(x) for row in CASES for x in (row[1], row[2], *row[3].split(";")) if x}
        items = [i for i in items if N.compact(i) in kids]
    sep = "、" if language == "zh" else ", "
    return sep.join(items) + ("。" if language == "zh" else ".")


def run(
    setting: str,
    only: list[str] | None,
    threads: int,
    out: Path = OUT,
    batch_size: int | None = None,
    config: list[str] | None = None,
    cases_only: bool = False,
    extra: int = 0,
    tagged: bool = False,
) -> Path:
    """Transcribe the interviews at ``setting``; saves one JSON per interview (segments,
    options, wall and CPU seconds, load) in ``out/<setting>`` and returns that folder.
    ``config``: archive settings (``KEY=VALUE``, as ``tapelog config KEY VALUE``) set
    before transcribing; the folder's name says them."""
    from tapelog.transcribe.types import TranscribeOptions

    from bench.common import load

    dest = out / (
        folder_name(setting, batch_size, config)
        + ("_cases-only" if cases_only else "")
        + (f"_extra{extra}" if extra else "")
        + ("_tagged" if tagged else "")
    )
    dest.mkdir(parents=True, exist_ok=True)
    ivs = {iv["name"]: iv for iv in labels()["interviews"]}
    with tempfile.TemporaryDirectory() as tmp:
        archive, ids = build_archive(Path(tmp) / "a", only, people=not cases_only, extra=extra)
        for item in config or []:
            key, _, value = item.partition("=")
            archive.set_setting(key, value)
        for name, mid in ids.items():
            iv = ivs[name]
            lang = iv["language"]
            context = [own_case(iv)] if tagged else []
            if context:  # as a crew tags an interview with its case before transcribing
                from tapelog.archive.tags import add_tag

                add_tag(archive, mid, 0.0, 5.0, cases=context)
            if setting.startswith("tiny.en") and lang != "en":
                continue
            if setting != "default":
                opts = options_for(archive, mid, setting, lang)
                opts = TranscribeOptions(**{**opts.to_dict(), "cpu_threads": threads})
            else:
                opts = default_options(archive, mid, threads)
            if batch_size is not None:
                opts = TranscribeOptions(**{**opts.to_dict(), "batch_size": batch_size})
            before = load()
            t0, c0 = time.perf_counter(), time.process_time()
            archive.transcribe(mid, opts)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            segs = [s.to_dict() for s in archive.segments(mid)]
            rec = archive.get_transcript(archive.get_media(mid).transcript_id)
            out_rec = {"interview": name, "wall_s": wall, "cpu_s": cpu, "duration": iv["duration"],
                       "load": [before, load()], "options": rec.options,
                       "context": context, "segments": segs}  # fmt: skip
            (dest / f"{name}.json").write_text(json.dumps(out_rec, ensure_ascii=False, indent=1))
            print(f"{setting} {name}: {wall:.1f} s wall, {cpu:.1f} s CPU for "
                  f"{iv['duration']:.0f} s (load {before} -> {load()})", file=sys.stderr)  # fmt: skip
        archive.close()
    return dest


def own_case(iv: dict) -> str:
    """The case an interview is about: the one its mentions name most."""
    from collections import Counter

    named = Counter(n["case"] for s in iv["sentences"] for n in s["names"])
    return named.most_common(1)[0][0]


def folder_name(
    setting: str, batch_size: int | None = None, config: list[str] | None = None
) -> str:
    name = setting.replace(":", "_")
    name = name if batch_size is None else f"{name}_batch{batch_size}"
    for item in config or []:
        name += "_" + item.replace("=", "-").replace(",", "+")
    return name


def default_options(archive, mid: str, threads: int):
    """What `tapelog transcribe --all` uses with no flags: the model by language and the
    archive's own choice of names (``archive.transcribe`` runs the second look)."""
    from tapelog.transcribe.types import AUTO_MODEL, TranscribeOptions

    return TranscribeOptions(model=AUTO_MODEL, cpu_threads=threads)


HEADER = (
    "| setting | language | files | audio s | name recall | precision | decoy links "
    "| suggestions / found mention | non-name WER (en) / CER (zh) | RTF wall / CPU "
    "| files with a loop | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(name: str, language: str, f: dict) -> str:
    load = f"{f['load'][0]:.1f}-{f['load'][1]:.1f}" if f["load"] else "-"
    return (f"| {name} | {language} | {f['files']} | {f['audio_s']:.0f} | {f['recall']:.2f} "
            f"({f['found']}/{f['mentions']}) | {f['precision']:.2f} | {f['decoy_links']} "
            f"| {f['per_found']:.2f} | {f['nonname_error']:.1%} | {f['rtf']:.3f} / "
            f"{f['cpu_rtf']:.3f} | {f['loops']} | {load} |")  # fmt: skip


def score(verbose: bool, out: Path = OUT) -> dict[str, dict]:
    """Every saved setting under ``out``, English and Mandarin apart; prints the table."""
    print(HEADER)
    figures: dict[str, dict] = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        for language in ("en", "zh"):
            t = score_setting(folder, language)
            if not t["files"]:
                continue
            f = figures[f"{folder.name}/{language}"] = summarise(t)
            print(row(folder.name, language, f))
            for voice in ("espeak", "natural") if language == "zh" else ():
                v = score_setting(folder, language, voice=voice)
                if v["files"]:
                    f = figures[f"{folder.name}/{language}-{voice}"] = summarise(v)
                    print(row(folder.name, f"{language} ({voice} voice)", f))
            if verbose:
                for m in t["misses"]:
                    print(f"  missed: {m}")
                for path in sorted(folder.glob("*.json")):
                    one = score_setting(folder, language, only=path.stem)
                    if one["files"]:
                        print(row(f"{folder.name}: {path.stem}", language, summarise(one)))
        both = score_setting(folder)
        if {f"{folder.name}/en", f"{folder.name}/zh"} <= figures.keys():
            f = figures[f"{folder.name}/all"] = summarise(both)
            print(row(folder.name, "en + zh", f))
    return figures


def bench(only: list[str] | None, threads: int, out: Path, json_path: Path | None) -> None:
    """``make bench``: the defaults end to end and plain tiny.en (the non-name WER they
    must not be worse than), transcribed afresh into ``out``, then scored."""
    for setting in ("default", "tiny.en"):
        run(setting, only, threads, out)
    figures = score(False, out)
    en, plain = figures.get("default/en"), figures.get("tiny.en/en")
    if en and plain:
        print(f"\ndefault vs plain tiny.en, English: non-name WER {en['nonname_error']:.1%} vs "
              f"{plain['nonname_error']:.1%}, CPU {en['cpu_rtf'] / plain['cpu_rtf']:.2f}x")  # fmt: skip
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps({"only": only, "figures": figures}, indent=2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--setting", required=True,
                   help="default, or MODEL[:prompt|:hotwords] (MODEL: tiny.en, base, auto)")  # fmt: skip
    r.add_argument("--batch-size", type=int, default=None, help="override the batch size")
    r.add_argument(
        "--cases-only",
        action="store_true",
        help="the archive without the people sheet (a crew with a case sheet only)",
    )
    r.add_argument("--tagged", action="store_true",
                   help="tag each interview with its case first (the crew's workflow)")  # fmt: skip
    r.add_argument("--extra-cases", type=int, default=0, metavar="N",
                   help="N generated cases (names in characters and pinyin) added to the sheet")  # fmt: skip
    r.add_argument("--config", nargs="*", default=None, metavar="KEY=VALUE",
                   help="archive settings, e.g. languages=zh,en vocab_from_cases=true")  # fmt: skip
    s = sub.add_parser("score")
    s.add_argument("--verbose", action="store_true")
    s.add_argument("--by-line", action="store_true",
                   help="count a suggestion on every sentence its line spans (before 2026-11-30)")  # fmt: skip
    b = sub.add_parser("bench", help="default and plain tiny.en afresh, then scored")
    b.add_argument("--quick", action="store_true", help="two interviews, one per language")
    b.add_argument("--json", type=Path, default=None)
    for p in (r, s, b):
        p.add_argument("--out", type=Path, default=None,
                       help="where transcripts are saved (bench/out/names[_sparse])")  # fmt: skip
        p.add_argument("--set", choices=sorted(SETS), default="main",
                       help="the labelled set: main, sparse... (long interviews), natural... (Piper)")  # fmt: skip
    for p in (r, b):
        p.add_argument("--only", nargs="*", default=None, help="interview names")
        p.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    use_set(args.set)
    if args.out is None:
        args.out = OUT if args.set == "main" else OUT.with_name("names_" + args.set)
    if args.cmd == "run":
        run(
            args.setting,
            args.only,
            args.threads,
            args.out,
            args.batch_size,
            args.config,
            args.cases_only,
            args.extra_cases,
            args.tagged,
        )
    elif args.cmd == "score":
        if args.by_line:
            import bench.names_score as NS

            NS.STRICT = False
        score(args.verbose, args.out)
    else:
        only = args.only or (QUICK if args.quick else None)
        bench(only, args.threads, args.out, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
