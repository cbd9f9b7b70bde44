"""Linking benchmark: precision/recall on a labelled set, and speed at archive scale.

``python -m bench.bench_linking`` prints a Markdown table:

* precision and recall of ``archive.linking.find_mentions`` on
  ``bench/data/linking_labels.json`` (passages from the seed articles, spelling and
  word-order variants, mishearings, Chinese homophones, and near-name decoys that must
  NOT link), against the seed cases/people plus 10,000 generated records, so that a
  decoy has real namesakes to be confused with;
* time to build the name index for 10,000 case records and to scan one hour of
  transcript (1,000 segments of interview-like text) against it (goal: under 1 s).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from tapelog.archive.caseio import read_cases, read_people
from tapelog.archive.linking import NameIndex, find_mentions
from tapelog.archive.models import Case, Person
from tapelog.transcribe.types import Segment

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "bench" / "data" / "linking_labels.json"

# Surnames the labelled set does not use, so its decoys have no accidental namesakes.
_SURNAME_TEXT = "yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao zhang"
SURNAMES = _SURNAME_TEXT.split()
_GIVEN_TEXT = (
    "wei fang na min jing qiang lei jun yang yong jie tao ming chao xiu xia hui hua "
    "ping gang gui zhen hong bo ying yan dan feng ning xin yu hao kai rui tian cheng long"
)
GIVEN = _GIVEN_TEXT.split()
_PLACE_TEXT = (
    "Hefei Wuhan Changsha Nanning Kunming Guiyang Chengdu Xiamen Fuzhou Nanchang Jinan "
    "Zhengzhou Shijiazhuang Lanzhou Xining Yinchuan Hohhot Harbin Changchun Shenyang"
)
PLACES = _PLACE_TEXT.split()
FILLER = (
    "we went to the police station again and they told us to wait",
    "every night I look at the posters and the messages online",
    "my wife still keeps his clothes in the cupboard",
    "the officer said there was nothing more they could do",
    "we printed ten thousand flyers and gave them out at the train station",
    "a man called and asked for money, he said he knew where our son was",
    "the neighbours helped us search the market for three days",
    "we gave blood for the DNA database in the spring",
    "I left my job in the factory to look for him full time",
    "some parents told us about a village in the south",
)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def generate_cases(n: int, seed: int = 7) -> list[Case]:
    """``n`` plausible case records with pinyin names (namesakes included, as in life)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        fam = rnd.choice(SURNAMES)
        given = rnd.choice(GIVEN) + rnd.choice(GIVEN)
        name = f"{_cap(fam)} {_cap(given)}"
        aliases = [_cap(given)] if rnd.random() < 0.3 else []
        out.append(
            Case(
                case_id=f"G-{i:05d}",
                child_name=name,
                aliases=aliases,
                sex=rnd.choice("MF"),
                birth_date=str(rnd.randint(1990, 2015)),
                missing_date=str(rnd.randint(1995, 2020)),
                missing_place=f"{rnd.choice(PLACES)}, China",
                status=rnd.choice(["missing", "found", "reunited", "unknown"]),
                parents=[f"{_cap(fam)} {_cap(rnd.choice(GIVEN))}"],
            )
        )
    return out


def generate_transcript(cases: list[Case], n: int = 1000, seed: int = 11) -> list[Segment]:
    """``n`` segments (~3.6 s each: one hour) of interview talk naming some cases."""
    rnd = random.Random(seed)
    segs = []
    t = 0.0
    for _ in range(n):
        text = rnd.choice(FILLER)
        if rnd.random() < 0.15:
            c = rnd.choice(cases)
            text = f"{c.child_name} was {rnd.randint(2, 9)} when {text}"
        text = _cap(text) + "."
        dur = 2.0 + rnd.random() * 3.2
        segs.append(Segment(round(t, 2), round(t + dur, 2), text))
        t += dur
    return segs


def seed_records() -> tuple[list[Case], list[Person]]:
    cases, _ = read_cases(REPO / "samples" / "cases_from_seeds.csv")
    people, _ = read_people(REPO / "samples" / "people_from_seeds.csv")
    return cases, people


def evaluate(labels: dict, index: NameIndex) -> dict[str, float]:
    """Precision/recall over every (passage, target) pair in the labelled set."""
    tp = fp = fn = 0
    errors = []
    for doc in labels["documents"]:
        segs = [Segment(float(i), float(i + 1), p["text"]) for i, p in enumerate(doc["passages"])]
        found = find_mentions(index, segs, context=doc.get("context", []))
        # A case suggestion carries the person records folded into it (the child's,
        # a parent's): each counts as found.
        got = {(m.segment, t) for m in found for t in (m.target_id, *m.people)}
        want = {(i, t) for i, p in enumerate(doc["passages"]) for t in p["expect"]}
        tp += len(got & want)
        for si, tid in sorted(got - want):
            fp += 1
            errors.append(f"FP {doc['id']}#{si} {tid}: {segs[si].text}")
        for si, tid in sorted(want - got):
            fn += 1
            errors.append(f"FN {doc['id']}#{si} {tid}: {segs[si].text}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall,
            "errors": errors}  # fmt: skip


def timing(n_cases: int = 10_000, n_segments: int = 1000, repeat: int = 3) -> dict[str, float]:
    cases = generate_cases(n_cases)
    segs = generate_transcript(cases, n_segments)
    best_build = best_scan = float("inf")
    mentions = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        index = NameIndex(cases, [])
        t1 = time.perf_counter()
        found = find_mentions(index, segs)
        t2 = time.perf_counter()
        best_build, best_scan = min(best_build, t1 - t0), min(best_scan, t2 - t1)
        mentions = len(found)
    return {"build_s": best_build, "scan_s": best_scan, "total_s": best_build + best_scan,
            "mentions": mentions}  # fmt: skip


def with_word_probabilities(segs: list[Segment], unsure: float = 0.1, seed: int = 13):
    """The same lines with a word each, one in ten (``unsure``) given under 0.5, as
    Whisper gives them: what the sound matching of names (``archive.name_heard``)
    looks at."""
    from tapelog.transcribe.types import Word

    rnd = random.Random(seed)
    out = []
    for s in segs:
        toks = s.text.split()
        step = (s.end - s.start) / max(1, len(toks))
        words = [Word(s.start + k * step, s.start + (k + 1) * step, " " + w,
                      rnd.random() * 0.5 if rnd.random() < unsure else 0.9)
                 for k, w in enumerate(toks)]  # fmt: skip
        out.append(Segment(s.start, s.end, s.text, words))
    return out


def _none(*_a, **_k) -> list:
    return []


def heard_timing(n_cases: int = 10_000, n_segments: int = 1000, repeat: int = 3) -> dict:
    """Scanning an hour with word probabilities, in the context of the three cases it
    names most, with and without the sound matching of names (``archive.name_heard``:
    in context, beside a family name, and whole names out of context)."""
    from collections import Counter

    import tapelog.archive.linking as L

    cases = generate_cases(n_cases)
    segs = with_word_probabilities(generate_transcript(cases, n_segments))
    index = NameIndex(cases, [])
    named = Counter(m.target_id for m in find_mentions(index, segs))
    context = [t for t, _n in named.most_common(3)]
    real = L.heard_spans, L.family_spans, L.whole_spans
    best = {"with_s": float("inf"), "without_s": float("inf")}
    try:
        for _ in range(repeat):
            for key, fns in (("with_s", real), ("without_s", (_none, _none, _none))):
                L.heard_spans, L.family_spans, L.whole_spans = fns
                t0 = time.perf_counter()
                find_mentions(index, segs, context=context)
                best[key] = min(best[key], time.perf_counter() - t0)
    finally:
        L.heard_spans, L.family_spans, L.whole_spans = real
    return best


def family_timing(n_cases: int = 10_000, n_segments: int = 1000, seed: int = 3) -> dict:
    """The worst case of matching a family name beside unsure words: every line the
    sheet's largest family's name beside two made-up, unsure, capitalised words
    ("I asked Lin Kugi Bolu about it.")."""
    from tapelog.transcribe.types import Word

    cases = generate_cases(n_cases)
    index = NameIndex(cases, [])
    big = max(index.family, key=lambda k: len(index.family[k]))
    rnd = random.Random(seed)

    def made_up() -> str:
        return "".join(rnd.choice("bcdfghjklmnprstwz") + rnd.choice("aeiou") for _ in range(2))

    segs = []
    for i in range(n_segments):
        a, b = made_up().capitalize(), made_up().capitalize()
        toks = f"I asked {big.capitalize()} {a} {b} about it.".split()
        words = [Word(i * 3 + k * 0.3, i * 3 + k * 0.3 + 0.3, " " + w,
                      0.3 if w in (a, b) else 0.95) for k, w in enumerate(toks)]  # fmt: skip
        segs.append(Segment(i * 3.0, i * 3.0 + 3.0, " ".join(toks), words))
    t0 = time.perf_counter()
    find_mentions(index, segs)
    return {"family": big, "names": len(index.family[big]), "scan_s": time.perf_counter() - t0}


def whole_timing(n_cases: int = 10_000, n_segments: int = 1000, seed: int = 4) -> dict:
    """The worst case of matching whole names heard as English words out of context
    (``name_heard.whole_spans``): every line three made-up, unsure, capitalised words,
    the first sounding like the sheet's largest family ("I asked Lynn Kugi Bolu")."""
    from tapelog.transcribe.types import Word

    cases = generate_cases(n_cases)
    index = NameIndex(cases, [])
    big = max(index.family, key=lambda k: len(index.family[k]))
    rnd = random.Random(seed)

    def made_up() -> str:
        return "".join(rnd.choice("bcdfghjklmnprstwz") + rnd.choice("aeiou") for _ in range(2))

    segs = []
    for i in range(n_segments):
        a, b = made_up().capitalize(), made_up().capitalize()
        f = big.capitalize() + "n"  # "Linn": no family name spelled right
        toks = f"I asked {f} {a} {b} about it.".split()
        words = [Word(i * 3 + k * 0.3, i * 3 + k * 0.3 + 0.3, " " + w,
                      0.3 if w in (f, a, b) else 0.95) for k, w in enumerate(toks)]  # fmt: skip
        segs.append(Segment(i * 3.0, i * 3.0 + 3.0, " ".join(toks), words))
    t0 = time.perf_counter()
    find_mentions(index, segs)
    return {"family": big, "names": len(index.family[big]), "scan_s": time.perf_counter() - t0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--segments", type=int, default=1000)
    ap.add_argument("--verbose", action="store_true", help="list every wrong link")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    cases, people = seed_records()
    extra_cases = [Case.from_dict(d) for d in labels.get("records", {}).get("cases", [])]
    extra_people = [Person.from_dict(d) for d in labels.get("records", {}).get("people", [])]
    index = NameIndex(cases + extra_cases + generate_cases(args.cases), people + extra_people)
    q = evaluate(labels, index)
    t = timing(args.cases, args.segments)
    n_pass = sum(len(d["passages"]) for d in labels["documents"])
    print("| metric | value |")
    print("|---|---|")
    print(f"| labelled passages | {n_pass} |")
    print(f"| expected links / found correct / wrong / missed | "
          f"{q['tp'] + q['fn']} / {q['tp']} / {q['fp']} / {q['fn']} |")  # fmt: skip
    print(f"| precision | {q['precision']:.3f} |")
    print(f"| recall | {q['recall']:.3f} |")
    print(f"| index build, {args.cases:,} cases | {t['build_s'] * 1000:.0f} ms |")
    print(f"| scan {args.segments:,} segments (1 h) | {t['scan_s'] * 1000:.0f} ms |")
    print(f"| total (goal < 1 s) | {t['total_s'] * 1000:.0f} ms |")
    h = heard_timing(args.cases, args.segments)
    print(
        f"| scan 1 h with word probabilities, in 3 cases' context: with / without "
        f"names heard as English words | {h['with_s'] * 1000:.0f} / "
        f"{h['without_s'] * 1000:.0f} ms ({h['with_s'] / h['without_s']:.2f}x) |"
    )
    f = family_timing(args.cases, args.segments)
    print(
        f"| worst case: {args.segments:,} lines each a family name ({f['family']}, "
        f"{f['names']:,} names) beside two made-up unsure words | {f['scan_s']:.1f} s |"
    )
    w = whole_timing(args.cases, args.segments)
    print(
        f"| worst case: {args.segments:,} lines each three made-up unsure words, the first "
        f"like a family name ({w['family']}) | {w['scan_s']:.1f} s |"
    )
    if args.verbose:
        for e in q["errors"]:
            print(e)
    if args.json:
        from bench.common import machine

        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "cases": args.cases,
                    "segments": args.segments,
                    "passages": n_pass,
                    **q,
                    "timing": t,
                    "heard_timing": h,
                    "family_timing": f,
                    "whole_timing": w,
                },
                indent=2,
            )  # fmt: skip
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
