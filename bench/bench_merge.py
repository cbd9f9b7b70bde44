"""Merging two loggers' archives: time and peak memory of `tapelog archive merge`.

Two synthetic archives (``bench/synth.py``: 600 segments an hour) of HOURS each: B
shares half its media with A (same content fingerprints, other transcript runs) and
has half of its own; each has tags on every file and a case sheet. Measured, each in a
fresh process (so its peak RSS is the merge's own): the dry run, the merge, and the
same merge again (which must change nothing). A is indexed before the merge, as a
working archive is, so the merge's index step (timed apart, CPU and wall) indexes
what it brought; ``--no-index-first`` merges into an archive never indexed.

    .venv/bin/python bench/bench_merge.py --hours 500
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import load, machine  # noqa: E402

PROBE = r"""
import json, resource, sys, time
from tapelog.archive.merge import merge_archive
from tapelog.archive.service import Archive
a = Archive.open(sys.argv[1])
sync, spent = a.sync_index, {}
def timed_sync(*args, **kwargs):  # the index catching up with what the merge brought
    t, c = time.perf_counter(), time.process_time()
    try:
        return sync(*args, **kwargs)
    finally:
        spent["index_wall_s"] = round(time.perf_counter() - t, 2)
        spent["index_cpu_s"] = round(time.process_time() - c, 2)
a.sync_index = timed_sync
t0, c0 = time.perf_counter(), time.process_time()
rep = merge_archive(a, sys.argv[2], dry_run=sys.argv[3] == "dry")
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), **spent,
                  "added": rep.added, "updated": rep.updated, "review": len(rep.review),
                  "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def _decorate(root: Path, hours: int, own_from: int, tag: str) -> None:
    """Tags on every file, a case sheet, and media of its own from ``own_from`` on."""
    from tapelog.archive.models import Case, Tag
    from tapelog.archive.service import Archive, now_iso
    from tinydb import Query

    a = Archive.open(root)
    with a.store.transaction():
        media = a.store.table("media")
        for doc in media.all():
            n = int(doc["id"][1:])
            if n > own_from:
                media.update({"fingerprint": f"synthetic-{tag}:{n}"}, doc_ids=[doc.doc_id])
        tags = [
            Tag(f"g{i}", f"m{i % hours + 1}", 60.0 * (i // hours), 60.0 * (i // hours) + 30,
                themes=[f"theme{i % 7}"], cases=[f"C{i % 50}"], created=now_iso()).to_dict()
            for i in range(hours * 4)
        ]  # fmt: skip
        a.store.table("tags").insert_multiple(tags)
        a.store.table("cases").insert_multiple(
            Case(f"C{i}", child_name=f"Child {i}", notes=f"{tag} notes").to_dict()
            for i in range(50)
        )
        # The id counters an archive keeps as it grows (synth.py writes records directly):
        # without them the merge's new media, transcripts and tags would take ids in use.
        meta = a.store.table("meta")
        for prefix, last in (("m", hours), ("tr", hours), ("g", hours * 4)):
            key = f"counter:{prefix}"
            meta.upsert({"key": key, "value": last}, Query().key == key)
    a.close()


def run(hours: int, work: Path, index_first: bool = True) -> dict:
    from bench.synth import build

    a_root, b_root = work / "a", work / "b"
    t0 = time.perf_counter()
    build(a_root, hours, seed=1, index=index_first)
    build(b_root, hours, seed=2, index=False)
    _decorate(a_root, hours, hours, "a")
    _decorate(b_root, hours, hours // 2, "b")
    built = time.perf_counter() - t0
    out: dict = {
        "hours_each": hours,
        "build_s": round(built, 1),
        "machine": machine(),
        "a_indexed_before": index_first,
    }
    for step, mode in (("dry_run", "dry"), ("merge", "real"), ("merge_again", "real")):
        before = load()
        res = subprocess.run(
            [sys.executable, "-c", PROBE, str(a_root), str(b_root), mode],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        out[step] = json.loads(res.stdout.strip().splitlines()[-1]) | {"load_1min": before}
        print(step, out[step], flush=True)
    # The merged archive is whole: unique ids, every reference kept, transcripts in order.
    t0 = time.perf_counter()
    exe = Path(sys.executable).with_name("tapelog")
    check = subprocess.run([str(exe), "--archive", str(a_root), "check"], capture_output=True)
    said = (check.stdout + check.stderr).decode()
    errors = re.search(r"(\d+) error\(s\)", said)  # warnings: synthetic footage is absent
    out["check"] = {"errors": int(errors.group(1)) if errors else None,
                    "wall_s": round(time.perf_counter() - t0, 1), "says": said[-300:]}  # fmt: skip
    print("check", out["check"], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--hours", type=int, default=500)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument(
        "--no-index-first",
        action="store_true",
        help="merge into an archive never indexed (the merge then indexes it all)",
    )
    ap.add_argument("--out", "--json", type=Path, default=REPO / "bench" / "out" / "merge.json")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="tapelog-merge-"))
    try:
        result = run(args.hours, work, not args.no_index_first)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
