"""Names heard and linked, per setting, on the labelled interviews in bench/data/names/.

Two steps, so that a change to linking is re-scored without re-running Whisper:

    .venv/bin/python -m bench.bench_names run --setting plain       # transcribe (slow)
    .venv/bin/python -m bench.bench_names score                     # every saved setting

``run`` builds a temp archive with the benchmark's case sheet and interviews, asks the
archive for the options a setting means (``default`` is exactly what ``tapelog transcribe
--all`` does with no flag), transcribes every interview and saves the segments and
timings under ``bench/out/names/<setting>/``. ``score`` links the saved transcripts with
the archive's own linking (``suggest_links``) and reports, per setting:

* name recall: labelled mentions with a suggestion for the right case (in the sentence);
* precision: suggestions that point at a labelled mention's case; decoy links counted;
* suggestions per found mention (the goal is one);
* non-name WER (English) / CER (Mandarin): errors on the words that are not names;
* real-time factor (wall s / audio s) and loops (a phrase repeated 4+ times).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_whisper_matrix import normalise  # noqa: E402
from bench.names_script import CASES  # noqa: E402

DATA = REPO / "bench" / "data" / "names"
OUT = REPO / "bench" / "out" / "names"


def labels() -> dict:
    return json.loads((DATA / "labels.json").read_text(encoding="utf-8"))


def build_archive(root: Path, only: list[str] | None = None):
    """A fresh archive holding the case sheet and the interviews (in label order)."""
    from tapelog.archive import cases as C
    from tapelog.archive.service import Archive

    archive = Archive.open(root)
    C.import_records(archive, DATA / "cases.csv", "cases")
    C.import_records(archive, DATA / "people.csv", "people")
    files = [DATA / iv["file"] for iv in labels()["interviews"] if not only or iv["name"] in only]
    results = archive.import_paths(files)
    ids = {Path(r.path).stem: r.id for r in results if r.id}
    return archive, ids


def options_for(archive, mid: str, setting: str, language: str | None):
    """The TranscribeOptions a named setting means for one file."""
    from dataclasses import replace

    from tapelog.archive.cases import vocab_for_media
    from tapelog.transcribe.types import TranscribeOptions

    model, _, bias = setting.partition(":")
    mech, _, which = bias.partition("-")
    opts = TranscribeOptions(model=model, language=language)
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


def run(setting: str, only: list[str] | None, threads: int) -> None:
    from tapelog.transcribe.types import TranscribeOptions

    dest = OUT / setting.replace(":", "_")
    dest.mkdir(parents=True, exist_ok=True)
    ivs = {iv["name"]: iv for iv in labels()["interviews"]}
    with tempfile.TemporaryDirectory() as tmp:
        archive, ids = build_archive(Path(tmp) / "a", only)
        for name, mid in ids.items():
            iv = ivs[name]
            lang = iv["language"]
            if setting.startswith("tiny.en") and lang != "en":
                continue
            if setting != "default":
                opts = options_for(archive, mid, setting, lang)
                opts = TranscribeOptions(**{**opts.to_dict(), "cpu_threads": threads})
            else:
                opts = default_options(archive, mid, threads)
            t0 = time.perf_counter()
            archive.transcribe(mid, opts)
            wall = time.perf_counter() - t0
            segs = [s.to_dict() for s in archive.segments(mid)]
            rec = archive.get_transcript(archive.get_media(mid).transcript_id)
            out = {"interview": name, "wall_s": wall, "duration": iv["duration"],
                   "options": rec.options, "segments": segs}  # fmt: skip
            (dest / f"{name}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))
            print(f"{setting} {name}: {wall:.1f} s for {iv['duration']:.0f} s", file=sys.stderr)
        archive.close()


def default_options(archive, mid: str, threads: int):
    """What `tapelog transcribe --all` uses with no flags: the model by language and the
    archive's own choice of names (``archive.transcribe`` runs the second look)."""
    from tapelog.transcribe.types import AUTO_MODEL, TranscribeOptions

    return TranscribeOptions(model=AUTO_MODEL, cpu_threads=threads)


# -- scoring ----------------------------------------------------------------------------


def _nonname_errors(ref_words: list[str], name_mask: list[bool], hyp: str) -> tuple[int, int]:
    """(errors, reference words) over the words that are not names.

    Substitutions and deletions of non-name words count; an insertion counts unless it
    sits next to a name word (a name heard as two words is a name error, not this one's).
    """
    import jiwer

    hyp_words = hyp.split()
    n = sum(1 for m in name_mask if not m)
    if not hyp_words:
        return n, n
    out = jiwer.process_words(" ".join(ref_words), " ".join(hyp_words))
    errors = 0
    for chunk in out.alignments[0]:
        if chunk.type in ("substitute", "delete"):
            errors += sum(
                1 for i in range(chunk.ref_start_idx, chunk.ref_end_idx) if not name_mask[i]
            )
        elif chunk.type == "insert":
            i = chunk.ref_start_idx
            near = [j for j in (i - 1, i) if 0 <= j < len(name_mask)]
            if not any(name_mask[j] for j in near):
                errors += chunk.hyp_end_idx - chunk.hyp_start_idx
    return errors, n


def reference_words(iv: dict) -> tuple[list[str], list[bool]]:
    """The interview's reference as normalised words (or characters) and a name mask."""
    words: list[str] = []
    mask: list[bool] = []
    for s in iv["sentences"]:
        text = s["text"]
        spans = [n["spoken"] for n in s["names"]]
        parts = re.split("(" + "|".join(map(re.escape, spans)) + ")", text) if spans else [text]
        for part in parts:
            is_name = part in spans
            toks = _units(part, iv["language"])
            words += toks
            mask += [is_name] * len(toks)
    return words, mask


def _units(text: str, language: str) -> list[str]:
    if language == "zh":
        return [c for c in text if c.isalnum()]
    return normalise(text.replace("-", " ")).split()


def loops(text: str, n: int = 3, times: int = 4) -> int:
    """How many times the most repeated n-word (or n-character) phrase occurs, if 4+."""
    units = text.split() if " " in text.strip() else list(text)
    counts: dict[tuple[str, ...], int] = {}
    for i in range(len(units) - n + 1):
        key = tuple(units[i : i + n])
        counts[key] = counts.get(key, 0) + 1
    top = max(counts.values(), default=0)
    return top if top >= times else 0


def score_setting(folder: Path) -> dict:
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.transcribe.types import Segment

    ivs = {iv["name"]: iv for iv in labels()["interviews"]}
    tot = {"mentions": 0, "found": 0, "suggestions": 0, "right": 0, "decoy": 0,
           "err": 0, "words": 0, "wall": 0.0, "audio": 0.0, "loops": 0, "files": 0}  # fmt: skip
    misses: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        archive, _ids = build_archive(Path(tmp) / "a", only=["-"])  # records only
        index = C.name_index(archive)
        for path in sorted(folder.glob("*.json")):
            got = json.loads(path.read_text(encoding="utf-8"))
            iv = ivs[got["interview"]]
            segs = [Segment.from_dict(d) for d in got["segments"]]
            sugg = find_mentions(index, segs)
            want = [(s, n["case"]) for s in iv["sentences"] for n in s["names"]]
            tot["mentions"] += len(want)
            used: set[int] = set()
            for s, case in want:
                hit = [i for i, g in enumerate(sugg) if g.target_id == case
                       and g.start < s["end"] + 0.5 and g.end > s["start"] - 0.5]  # fmt: skip
                if hit:
                    tot["found"] += 1
                    used |= set(hit)
                else:
                    misses.append(f"{iv['name']} {case} '{s['text'][:60]}'")
            for i, g in enumerate(sugg):
                tot["suggestions"] += 1
                ok = i in used
                tot["right"] += ok
                if not ok:
                    misses.append(f"{iv['name']} WRONG {g.target_id} {g.kind} '{g.mention}' "
                                  f"in '{g.context[:60]}'")  # fmt: skip
                tot["decoy"] += (not ok) and g.target_id.startswith("D-")
            text = " ".join(s.text for s in segs)
            ref, mask = reference_words(iv)
            e, n = _nonname_errors(ref, mask, " ".join(_units(text, iv["language"])))
            tot["err"] += e
            tot["words"] += n
            tot["wall"] += got["wall_s"]
            tot["audio"] += iv["duration"]
            tot["loops"] += loops(text) > 0
            tot["files"] += 1
        archive.close()
    return {**tot, "misses": misses}


def score(verbose: bool) -> None:
    print("| setting | files | audio s | name recall | precision | decoy links "
          "| suggestions / found mention | non-name WER/CER | RTF | files with a loop |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for folder in sorted(p for p in OUT.iterdir() if p.is_dir()):
        t = score_setting(folder)
        if not t["files"]:
            continue
        recall = t["found"] / t["mentions"] if t["mentions"] else 1.0
        precision = t["right"] / t["suggestions"] if t["suggestions"] else 1.0
        per = t["suggestions"] / t["found"] if t["found"] else 0.0
        print(f"| {folder.name} | {t['files']} | {t['audio']:.0f} | {recall:.2f} "
              f"({t['found']}/{t['mentions']}) | {precision:.2f} | {t['decoy']} | {per:.2f} "
              f"| {t['err'] / max(1, t['words']):.1%} | {t['wall'] / t['audio']:.3f} "
              f"| {t['loops']} |")  # fmt: skip
        if verbose:
            for m in t["misses"]:
                print(f"  missed: {m}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--setting", required=True,
                   help="default, or MODEL[:prompt|:hotwords] (MODEL: tiny.en, base, auto)")  # fmt: skip
    r.add_argument("--only", nargs="*", default=None, help="interview names")
    r.add_argument("--threads", type=int, default=2)
    s = sub.add_parser("score")
    s.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.cmd == "run":
        run(args.setting, args.only, args.threads)
    else:
        score(args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
