"""``tapelog links suggest`` for one hour of transcript against many case records.

    .venv/bin/python -m bench.bench_links_suggest                    # 200,000 cases
    .venv/bin/python -m bench.bench_links_suggest --cases 20000      # quicker
    .venv/bin/python -m bench.bench_links_suggest --work /tmp/ls     # keep (and reuse) it

The archive is built through tapelog's API: a case sheet and a people sheet in the
importers' columns (``bench.realistic.write_sheets``: pinyin names, aliases, parents,
places), imported with ``import_cases``/``import_people``, and one hour of realistic
talk (``bench.realistic.Talk``: words at their English frequencies, 600 lines with word
times, names of those records said now and then) saved as a transcript. Then, each a
whole process (start, imports, open, scan, save, print):

* ``first``: no saved name index: it is built from the 200,000 records and saved;
* ``reused``: the saved index read (``--rounds`` runs, median);
* ``after an edit``: one case record changed (``tapelog cases import`` of one row), so
  the saved index is stale: built and saved again.

Each run's suggestions are compared with the first run's: the saved index must give
the same links. Wall and CPU (user + system) per run, the peak memory, the 1-minute load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tapelog.archive.record_import import import_cases, import_people
from tapelog.archive.service import Archive
from tapelog.archive.transcripts import transcript_path, write_segments

from bench.common import children_cpu, load, machine
from bench.realistic import GIVEN, SURNAMES, Talk, _media, write_sheets

TAPELOG = str(Path(sys.executable).with_name("tapelog"))
SAVED = Path("index") / "names.sqlite"


def names(n: int, seed: int = 1) -> list[str]:
    """``n`` distinct pinyin names: a family name and a given name of 1-3 syllables."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        given = "".join(rng.sample(GIVEN, rng.choice((1, 2, 2, 2, 3))))
        out[f"{rng.choice(SURNAMES)} {given.capitalize()}"] = None
    return list(out)


def build(root: Path, cases: int, people: int) -> dict:
    """The archive: the sheets imported, one hour of talk transcribed; what it cost."""
    rng = random.Random(1)
    t0 = time.perf_counter()
    every = names(cases + people)
    archive = Archive.open(root)
    case_csv, people_csv = write_sheets(root.parent / f"{root.name}-sheets", rng, every,
                                        cases, people)  # fmt: skip
    import_cases(archive, case_csv)
    import_people(archive, people_csv)
    media, transcript = _media(0)
    segs = Talk(rng, every).segments(0)
    write_segments(transcript_path(root, media["id"], transcript["id"]), segs)
    with archive.store.transaction() as store:
        store.table("media").insert(media)
        store.table("transcripts").insert(transcript)
    archive.close()
    return {"build_s": round(time.perf_counter() - t0, 1), "segments": len(segs)}


def run(root: Path, *args: str) -> dict:
    """One whole ``tapelog`` process: wall and CPU seconds, its output. Python may write
    its bytecode caches, as an installed tapelog's are (a shell with
    PYTHONDONTWRITEBYTECODE would compile every module in every run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cpu0, t0 = children_cpu(), time.perf_counter()
    proc = subprocess.run([TAPELOG, "--archive", str(root), *args], capture_output=True,
                          text=True, env=env)  # fmt: skip
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"tapelog {' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "load": load(),
            "out": proc.stdout}  # fmt: skip


def suggest(root: Path) -> dict:
    return run(root, "links", "suggest", "m1")


def edit_one_case(root: Path) -> None:
    """Change one case record through ``tapelog cases import`` (a researcher's fix)."""
    sheet = root.parent / f"{root.name}-edit.csv"
    sheet.write_text(f"case_id,notes\nC-1988-000000,checked {time.time()}\n", encoding="utf-8")
    run(root, "cases", "import", str(sheet))


def measure(root: Path, rounds: int, edit: bool = True) -> dict:
    (root / SAVED).unlink(missing_ok=True)
    first = suggest(root)
    saved = (root / SAVED).stat().st_size if (root / SAVED).exists() else 0
    reused = [suggest(root) for _ in range(rounds)]
    after_edit = again = {}
    if edit:
        edit_one_case(root)
        after_edit = suggest(root)
        again = suggest(root)
    for r in [*reused, *([after_edit, again] if edit else [])]:
        if r["out"] != first["out"]:
            raise SystemExit("a saved name index gave other suggestions than a built one")
    return {
        "suggestions": len(first["out"].splitlines()),
        "saved_index_mb": round(saved / 2**20, 1),
        "first": _strip(first),
        "reused": {
            "wall_s_median": statistics.median(r["wall_s"] for r in reused),
            "cpu_s_median": statistics.median(r["cpu_s"] for r in reused),
            "wall_s": [r["wall_s"] for r in reused],
            "cpu_s": [r["cpu_s"] for r in reused],
            "load": [r["load"] for r in reused],
        },
        "after_edit": _strip(after_edit),
        "reused_after_edit": _strip(again),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def _strip(r: dict) -> dict:
    return {k: v for k, v in r.items() if k != "out"}


def markdown(r: dict) -> str:
    f, u, e = r["first"], r["reused"], r["after_edit"]
    return "\n".join([
        f"`tapelog links suggest m1`, 1 h ({r['segments']} lines) vs {r['cases']:,} cases and "
        f"{r['people']:,} people, whole process; {r['suggestions']} suggestions; saved index "
        f"{r['saved_index_mb']} MB",
        "",
        "| run | wall | CPU | load |",
        "|---|---|---|---|",
        f"| first (index built and saved) | {f['wall_s']} s | {f['cpu_s']} s | {f['load']} |",
        f"| reused (median of {len(u['wall_s'])}) | {u['wall_s_median']} s | "
        f"{u['cpu_s_median']} s | {min(u['load'])}-{max(u['load'])} |",
        f"| after one case edited (built and saved again) | {e.get('wall_s')} s | "
        f"{e.get('cpu_s')} s | {e.get('load')} |",
        "",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--people", type=int, default=5_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-edit", action="store_true", help="skip the run after a case edit")
    ap.add_argument("--work", type=Path, default=None, help="build (or reuse) the archive here")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tl-links-") as tmp:
        root = (args.work or Path(tmp)) / f"c{args.cases}"
        result: dict = {"machine": machine(), "cases": args.cases, "people": args.people}
        marker = root / "bench_links.json"
        if marker.is_file():
            result |= json.loads(marker.read_text())
        else:
            root.mkdir(parents=True, exist_ok=True)
            result |= build(root, args.cases, args.people)
            marker.write_text(json.dumps({k: result[k] for k in ("build_s", "segments")}))
        result |= measure(root, args.rounds, edit=not args.no_edit)
    print(markdown(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
