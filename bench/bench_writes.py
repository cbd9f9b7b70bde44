"""Small writes at two archive sizes, and a 200,000-record case sheet imported.

    .venv/bin/python -m bench.bench_writes                 # 10 media/100 tags/1,000 cases
                                                           # vs 10,000/30,000/200,000
    .venv/bin/python -m bench.bench_writes --quick         # vs 1,000/3,000/20,000

Both archives are built through tapelog's API: media records as ``import`` saves them
(``MediaRecord``; probing 10,000 real camera files would take hours), case records
by ``tapelog cases import`` of a generated CSV (a subprocess: its wall time and peak
memory are the import figures), tags by ``add_tag`` (case ids checked), link
suggestions as ``links suggest`` saves them. Then each small write runs ``--rounds``
times on each archive, interleaved so both see the same machine load:

* add a tag (``add_tag`` with a theme and a case, as ``tapelog tag --case``);
* accept a link suggestion (``accept_link``: a tag, the link updated);
* edit a case record (``upsert_case``);
* edit a media record (``mark_failed``, a media record saved).

The figure is big/small of the median: a write that stays small has a ratio near 1.
Also a whole ``tapelog tag ... --case`` process on each archive (start, open, write).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tapelog.archive import cases as C  # noqa: E402
from tapelog.archive.models import LinkSuggestion, MediaRecord  # noqa: E402
from tapelog.archive.service import Archive, now_iso  # noqa: E402
from tapelog.media.info import AudioStreamInfo, MediaInfo  # noqa: E402

from bench.common import children_cpu, load, machine  # noqa: E402

TAPELOG = [str(Path(sys.executable).with_name("tapelog"))]
THEME = "police response"


def write_sheet(path: Path, n: int, seed: int = 7) -> None:
    """A case sheet like a researcher's: ids, names, aliases, places, statuses, notes."""
    rng = random.Random(seed)
    statuses = ("missing", "found", "unknown")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("case_id,child_name,aliases,status,place,date_missing,notes\n")
        for i in range(n):
            name = f"Child {i} {rng.choice(('Liu', 'Wang', 'Peng', 'Luo', 'Zhang'))}"
            fh.write(
                f"C-{i:07d},{name},Alias {i};小{i % 1000},{rng.choice(statuses)},"
                f"Town {i % 977},20{i % 20:02d}-0{i % 9 + 1}-1{i % 9},"
                f"seen near the station {rng.randrange(10**6)}\n"
            )


def import_sheet(root: Path, sheet: Path) -> dict[str, float]:
    """``tapelog cases import`` in its own process: wall seconds and peak memory (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*TAPELOG, "--archive", str(root), "cases", "import", str(sheet)],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"cases import failed: {proc.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(wall, 2),
        "cpu_seconds": round(children_cpu() - cpu0, 2),
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
    }


def build(root: Path, media: int, tags: int, cases: int, links: int) -> dict[str, float]:
    """An archive of this size through the API; returns how long each part took."""
    out: dict[str, float] = {}
    archive = Archive.open(root)
    t0 = time.perf_counter()
    with archive.store.transaction():
        archive.store.table("media").insert_multiple(_media(i).to_dict() for i in range(media))
    out["media_s"] = round(time.perf_counter() - t0, 2)
    sheet = root.parent / f"{root.name}-cases.csv"
    write_sheet(sheet, cases)
    out.update({f"import_{k}": v for k, v in import_sheet(root, sheet).items()})
    rng = random.Random(3)
    t0 = time.perf_counter()
    with archive.store.transaction():
        for i in range(tags):
            C.add_tag(
                archive, f"m{i % media + 1}", 10.0, 20.0, themes=[THEME],
                cases=[f"C-{rng.randrange(cases):07d}"], new_themes=True,
            )  # fmt: skip
        archive.store.table("links").insert_multiple(
            _link(i, media, cases).to_dict() for i in range(links)
        )
    out["tags_s"] = round(time.perf_counter() - t0, 2)
    archive.close()
    return out


def _media(i: int) -> MediaRecord:
    info = MediaInfo(
        path=f"/footage/day{i // 8:03d}/A{i:05d}.mov", container="mov,mp4,m4a,3gp,3g2,mj2",
        duration=3600.0, size_bytes=40_000_000_000,
        audio_streams=[AudioStreamInfo(1, "pcm_s24le", 2, 48000)], video_codec="prores",
        width=3840, height=2160, fps_num=25, fps_den=1, start_timecode="10:00:00:00",
    )  # fmt: skip
    return MediaRecord(
        id=f"m{i + 1}", path=info.path, fingerprint=f"bench:{i}", info=info,
        imported_at=now_iso(), transcript_status="none",
    )  # fmt: skip


def _link(i: int, media: int, cases: int) -> LinkSuggestion:
    return LinkSuggestion(
        link_id=f"L{i}", media_id=f"m{i % media + 1}", start=30.0 + i % 100, end=32.0 + i % 100,
        mention="Liu Jingjun", target_type="case", target_id=f"C-{i * 7 % cases:07d}",
        score=0.9, matched="Liu Jingjun",
    )  # fmt: skip


class Writes:
    """The four small writes on one open archive, each timed (milliseconds)."""

    def __init__(self, root: Path, media: int, cases: int) -> None:
        self.archive = Archive.open(root)
        self.media, self.cases = media, cases
        self.rng = random.Random(11)
        self.next_link = 0
        self.times: dict[str, list[float]] = {k: [] for k in self.OPS}
        self.cpu: dict[str, list[float]] = {k: [] for k in self.OPS}

    OPS = ("add a tag", "accept a link", "edit a case", "edit a media record")

    def run(self, op: str) -> None:
        a, rng = self.archive, self.rng
        t0, c0 = time.perf_counter(), time.process_time()
        if op == "add a tag":
            C.add_tag(a, f"m{rng.randrange(self.media) + 1}", 1.0, 2.0, themes=[THEME],
                      cases=[f"C-{rng.randrange(self.cases):07d}"])  # fmt: skip
        elif op == "accept a link":
            C.accept_link(a, f"L{self.next_link}")
            self.next_link += 1
        elif op == "edit a case":
            case = C.get_case(a, f"C-{rng.randrange(self.cases):07d}")
            case.notes = f"checked {rng.randrange(10**6)}"
            C.upsert_case(a, case)
        else:
            a.mark_failed(f"m{rng.randrange(self.media) + 1}", f"bench {rng.randrange(10**6)}")
        self.times[op].append((time.perf_counter() - t0) * 1000)
        self.cpu[op].append((time.process_time() - c0) * 1000)


def cli_tag(root: Path, cases: int, n: int) -> float:
    """Median wall ms of a whole ``tapelog tag m1 1 2 --case ID`` process."""
    rng = random.Random(5)
    walls = []
    for _ in range(n):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [*TAPELOG, "--archive", str(root), "tag", "m1", "1", "2",
             "--case", f"C-{rng.randrange(cases):07d}"],
            capture_output=True, text=True,
        )  # fmt: skip
        walls.append((time.perf_counter() - t0) * 1000)
        if proc.returncode != 0:
            raise SystemExit(f"tag --case failed: {proc.stderr.strip()}")
    return round(statistics.median(walls), 1)


def measure(args: argparse.Namespace, work: Path) -> dict:
    sizes = {"small": (10, 100, 1000), "big": args.big}
    result: dict = {"machine": machine(), "sizes": {}, "build": {}}
    roots = {}
    for label, (media, tags, cases) in sizes.items():
        root = work / label
        links = args.rounds + 10
        result["build"][label] = build(root, media, tags, cases, links)
        result["sizes"][label] = {"media": media, "tags": tags, "cases": cases}
        roots[label] = root
    result["load_before_writes"] = load()
    writers = {k: Writes(roots[k], *(sizes[k][0], sizes[k][2])) for k in sizes}
    for _ in range(3):  # warm: first reads parse the shards
        for w in writers.values():
            for op in Writes.OPS:
                w.run(op)
    for w in writers.values():
        w.times = {k: [] for k in Writes.OPS}
        w.cpu = {k: [] for k in Writes.OPS}
    for _ in range(args.rounds):
        for w in writers.values():
            for op in Writes.OPS:
                w.run(op)
    result["load_after_writes"] = load()
    rows = {}
    for op in Writes.OPS:
        small = statistics.median(writers["small"].times[op])
        big = statistics.median(writers["big"].times[op])
        small_cpu = statistics.median(writers["small"].cpu[op])
        big_cpu = statistics.median(writers["big"].cpu[op])
        rows[op] = {"small_ms": round(small, 2), "big_ms": round(big, 2),
                    "ratio": round(big / small, 2), "small_cpu_ms": round(small_cpu, 2),
                    "big_cpu_ms": round(big_cpu, 2),
                    "cpu_ratio": round(big_cpu / small_cpu, 2)}  # fmt: skip
    result["writes"] = rows
    result["cli_tag_case_ms"] = {k: cli_tag(roots[k], sizes[k][2], 5) for k in sizes}
    result["load_end"] = load()
    return result


def markdown(r: dict) -> str:
    s, b = r["sizes"]["small"], r["sizes"]["big"]
    lines = [
        f"Small writes, median of {r['rounds']} each (load {r['load_before_writes']}"
        f"-{r['load_after_writes']}, {r['machine']['cores']} cores)",
        "",
        f"| write | {s['media']} media, {s['tags']} tags, {s['cases']:,} cases | "
        f"{b['media']:,} media, {b['tags']:,} tags, {b['cases']:,} cases | ratio | "
        "CPU ms, small / big | CPU ratio |",
        "|---|---|---|---|---|---|",
    ]
    for op, row in r["writes"].items():
        lines.append(
            f"| {op} | {row['small_ms']} ms | {row['big_ms']} ms | **{row['ratio']}** | "
            f"{row['small_cpu_ms']} / {row['big_cpu_ms']} | {row['cpu_ratio']} |"
        )
    cli = r["cli_tag_case_ms"]
    lines.append(
        f"| `tapelog tag ... --case` (whole process) | {cli['small']} ms | {cli['big']} ms | "
        f"{round(cli['big'] / cli['small'], 2)} | | |"
    )
    imp = r["build"]["big"]
    lines += [
        "",
        f"`tapelog cases import` of {b['cases']:,} case records (CSV): "
        f"{imp['import_seconds']} s ({imp['import_cpu_seconds']} s CPU), "
        f"peak memory {imp['import_peak_rss_mb']} MB.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="big = 1,000 media, 3,000 tags, 20,000 cases"
    )
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--work", type=Path, default=None, help="build the archives here")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    args.big = (1000, 3000, 20_000) if args.quick else (10_000, 30_000, 200_000)
    with tempfile.TemporaryDirectory(prefix="tl-writes-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        result = measure(args, work)
    result["rounds"] = args.rounds
    print(markdown(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
