"""A realistic archive for the scale benchmarks: real vocabulary, names, word times, tags, cases.

``bench/synth.py``'s archive has about 120 distinct words and no word timestamps, so
the fuzzy vocabulary, the index and the stores were far smaller than a real archive's
and the figures measured on it flattered search (issue 15). This one draws English
words at their real frequencies (``wordfreq``: tens of thousands of distinct terms),
puts the pinyin names of 5,000 people, case names and Chinese places into the talk,
writes numbers as Whisper does ("50,000", "10:30", "1995"), gives every word
Whisper-like timestamps, tags 3 passages an hour (themes, people, cases) and imports
10,000 case records (``--cases 200000`` for the write benchmarks).

Built through the archive's API: case and people sheets are imported with
``import_cases``/``import_people``, transcripts written with ``write_segments``, media,
transcript, speaker and tag records inserted through the store's transactions (in
bulk: one ``add_tag`` call per tag would cost minutes at 30,000 tags), and the index
built by ``sync_index``. Hours beyond ``--distinct`` (1,000) repeat the text of the
first ones under their own media records (see ``realistic_clone``): at 10,000 hours
the transcripts and index rows of 9,000 files are copies, which keeps the build to
minutes on a 2-core machine; the vocabulary is then that of 1,000 hours.

    nice .venv/bin/python bench/realistic.py /work/benchdata/h1000 --hours 1000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tapelog.archive.models import MediaRecord, Tag, TranscriptRecord
from tapelog.archive.record_import import import_cases, import_people
from tapelog.archive.service import Archive, now_iso
from tapelog.archive.transcripts import transcript_path, write_segments
from tapelog.media.info import AudioStreamInfo, MediaInfo
from tapelog.transcribe.types import Segment, Word

SEGMENTS_PER_HOUR = 600
TAGS_PER_HOUR = 3
SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai "
    "Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao"
).split()
GIVEN = (
    "jing jun wei hua ming li fang xiu ying hong lei tao yong jie qiang gang ping hui yan "
    "xia bo chao hao yu xin lan mei juan feng bin kai peng rui tian xue zhi ning an run "
    "le gao jia yi dan shan qing zhen hai bao long"
).split()
PLACES = (
    "Taiyuan Shanxi Guangzhou Guangdong Fujian Xiamen Quanzhou Shenzhen Dongguan Chengdu "
    "Sichuan Chongqing Wuhan Hubei Changsha Hunan Zhengzhou Henan Kunming Yunnan Guiyang "
    "Nanning Guangxi Hefei Anhui Nanjing Jiangsu Hangzhou Zhejiang Jinan Shandong Xian "
    "Shaanxi Lanzhou Harbin Shenyang Beijing Tianjin Shanghai Shijiazhuang Hebei Baotou"
).split()
THEMES = (
    "abduction police search scam-calls dna reunion adoption poverty one-child-policy "
    "grief media volunteers leaflets surveillance trafficking courts hospital school "
    "migrant-work family-life guilt hope travel internet officials rescue"
).split()
STATUSES = ("missing", "reunited", "unknown")


def vocabulary(size: int = 80_000) -> tuple[list[str], np.ndarray]:
    """English words and their probability of being said, from ``wordfreq``."""
    from wordfreq import get_frequency_dict, top_n_list

    table = get_frequency_dict("en")
    words = [w for w in top_n_list("en", size) if w.replace("'", "").isalpha()]
    freq = np.array([table[w] for w in words])
    return words, freq / freq.sum()


def person_names(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct pinyin names ("Liu Jingjun"), as a case sheet would spell them."""
    out: dict[str, None] = {}
    while len(out) < n:
        given = "".join(rng.sample(GIVEN, rng.choice((1, 2, 2))))
        out[f"{rng.choice(SURNAMES)} {given.capitalize()}"] = None
    return list(out)


def write_sheets(
    folder: Path, rng: random.Random, names: list[str], n_cases: int, n_people: int
) -> tuple[Path, Path]:
    """A case sheet and a people sheet in the importers' CSV columns."""
    folder.mkdir(parents=True, exist_ok=True)
    cases, people = folder / "cases.csv", folder / "people.csv"
    with cases.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "child_name", "aliases", "sex", "birth_date", "missing_date",
                    "missing_place", "status", "parents", "notes"])  # fmt: skip
        for i in range(n_cases):
            year = 1988 + i % 35
            w.writerow([
                f"C-{year}-{i:06d}", names[i], names[i].split()[1], rng.choice("MF"),
                str(year - rng.randint(1, 9)), f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"{rng.choice(PLACES)}, {rng.choice(PLACES)}", rng.choice(STATUSES),
                f"{rng.choice(SURNAMES)} {rng.choice(GIVEN).capitalize()}",
                f"Last seen near the {rng.choice(('market', 'station', 'school', 'river'))}.",
            ])  # fmt: skip
    with people.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "name", "aliases", "role", "cases", "flags", "notes"])
        for i in range(n_people):
            w.writerow([f"P-{i:05d}", names[n_cases + i], "", rng.choice(("parent", "police",
                        "volunteer", "journalist")), f"C-{1988 + i % 35}-{i % n_cases:06d}",
                        "minor" if i % 97 == 0 else "", ""])  # fmt: skip
    return cases, people


class Talk:
    """Lines of speech: words at their frequencies, names, places and numbers as digits."""

    def __init__(self, rng: random.Random, names: list[str]) -> None:
        self.rng = rng
        self.words, p = vocabulary()
        self.np = np.random.default_rng(rng.randrange(2**32))
        self.p = p
        self.names = names
        # A few people are talked about far more than the rest (Zipf over people).
        w = 1.0 / np.arange(1, len(names) + 1)
        self.name_p = w / w.sum()
        self.pool = iter(())  # word indices drawn 100,000 at a time
        self.zh: ZhTalk | None = None

    def _word(self) -> str:
        i = next(self.pool, None)
        if i is None:
            self.pool = iter(self.np.choice(len(self.words), 100_000, p=self.p).tolist())
            i = next(self.pool)
        return self.words[i]

    def _number(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return f"{self.rng.randint(1, 99) * 1000:,}"
        if r < 0.5:
            return f"{self.rng.randint(1, 12)}:{self.rng.choice(('00', '15', '30', '45'))}"
        if r < 0.8:
            return str(self.rng.randint(1960, 2024))
        return str(self.rng.randint(2, 60))

    def line(self) -> list[str]:
        rng = self.rng
        out = [self._word() for _ in range(rng.randint(4, 20))]
        if rng.random() < 0.12:
            name = self.names[int(self.np.choice(len(self.names), p=self.name_p))]
            k = rng.randrange(len(out))
            out[k:k] = name.split() if rng.random() < 0.7 else [name.split()[1]]
        if rng.random() < 0.05:
            out.insert(rng.randrange(len(out)), rng.choice(PLACES))
        if rng.random() < 0.04:
            out.insert(rng.randrange(len(out)), self._number())
        out[0] = out[0][:1].upper() + out[0][1:]
        if len(out) > 8 and rng.random() < 0.4:
            out[rng.randrange(2, len(out) - 2)] += ","
        out[-1] += "?" if rng.random() < 0.1 else "."
        return out

    def zh_line(self) -> list[str]:
        """A Mandarin line: words at their frequencies, now and then a name in characters."""
        if self.zh is None:
            self.zh = ZhTalk(self.rng, self.names)
        return self.zh.line()

    def segments(self, hour: int, language: str = "en") -> list[Segment]:
        """One hour: 600 lines of 5.5 s, word times spread by word length (as Whisper's)."""
        segs = []
        sep = "" if language == "zh" else " "
        for i in range(SEGMENTS_PER_HOUR):
            start = i * 6.0
            words = self.zh_line() if language == "zh" else self.line()
            weights = [len(w) + 2 for w in words]
            step = 5.5 / sum(weights)
            t = start
            timed = []
            for k, (w, wt) in enumerate(zip(words, weights, strict=True)):
                timed.append(Word(round(t, 2), round(t + wt * step * 0.9, 2),
                                  (sep if k else "") + w, 0.9))  # fmt: skip
                t += wt * step
            speaker = "CH1" if (i // 4 + hour) % 3 == 0 else "CH2"
            segs.append(Segment(start, start + 5.5, sep.join(words), timed, speaker))
        return segs


class ZhTalk:
    """Mandarin lines (wordfreq's Chinese list); names as characters that read as the pinyin."""

    def __init__(self, rng: random.Random, names: list[str]) -> None:
        from tapelog.archive.searchtext import pinyin
        from wordfreq import get_frequency_dict, top_n_list

        self.rng = rng
        self.words = [
            w for w in top_n_list("zh", 20_000) if all("\u4e00" <= c <= "\u9fff" for c in w)
        ]
        table = get_frequency_dict("zh")  # word_frequency would need jieba
        freq = np.array([table[w] for w in self.words])
        self.cum = np.cumsum(freq / freq.sum())
        self.names = names
        self.chars: dict[str, list[str]] = {}
        for w in self.words:
            for c in w:
                self.chars.setdefault(pinyin(c), []).append(c)

    def _name(self) -> str | None:
        from tapelog.archive.searchtext import split_pinyin

        name = self.names[min(int(self.rng.paretovariate(1.0)) - 1, len(self.names) - 1)]
        out = []
        for part in name.lower().split():
            for syl in split_pinyin(part) or []:
                if syl not in self.chars:
                    return None
                out.append(self.rng.choice(self.chars[syl]))
        return "".join(out) or None

    def line(self) -> list[str]:
        n = self.rng.randint(4, 16)
        idx = np.searchsorted(self.cum, [self.rng.random() for _ in range(n)])
        out = [self.words[min(i, len(self.words) - 1)] for i in idx]
        if self.rng.random() < 0.15 and (name := self._name()):
            out.insert(self.rng.randrange(len(out)), name)
        out[-1] += "。"
        return out


def _media(h: int, language: str = "en") -> tuple[dict, dict]:
    mid, tid = f"m{h + 1}", f"tr{h + 1}"
    info = MediaInfo(
        path=f"/footage/day{h // 8:04d}/A{h:05d}.mov", container="mov,mp4,m4a,3gp,3g2,mj2",
        duration=3600.0, size_bytes=40_000_000_000,
        audio_streams=[AudioStreamInfo(1, "pcm_s24le", 2, 48000)], video_codec="prores",
        width=3840, height=2160, fps_num=25, fps_den=1,
        start_timecode=f"{10 + h % 10:02d}:00:00:00",
    )  # fmt: skip
    media = MediaRecord(
        id=mid, path=info.path, fingerprint=f"realistic:{h}", info=info, imported_at=now_iso(),
        transcript_id=tid, transcript_status="done", language=language,
    )  # fmt: skip
    tr = TranscriptRecord(
        id=tid, media_id=mid, model="base", options={"task": "transcribe"}, created=now_iso(),
        status="done", language=language, segment_count=SEGMENTS_PER_HOUR, duration=3600.0,
        speakers=["CH1", "CH2"],
    )  # fmt: skip
    return media.to_dict(), tr.to_dict()


def _language_of(distinct: int):
    """The media records of hour ``h``: Mandarin every 50th of the distinct hours."""

    def make(h: int) -> tuple[dict, dict]:
        return _media(h, "zh" if h % distinct % 50 == 25 else "en")

    return make


def _tags(archive: Archive, rng: random.Random, hours: range, n_cases: int, n_people: int) -> int:
    """3 tags an hour: a theme or two, sometimes a person and a case, in one transaction."""
    people = [f"P-{i:05d}" for i in range(n_people)]
    docs = []
    with archive.store.transaction() as store:
        for h in hours:
            for _ in range(TAGS_PER_HOUR):
                start = rng.randrange(0, 3500)
                i = rng.randrange(n_cases)
                tag = Tag(
                    id=store.next_id("g"), media_id=f"m{h + 1}", start=float(start),
                    end=float(start + rng.randint(20, 120)),
                    themes=rng.sample(THEMES, rng.choice((1, 1, 2))),
                    people=rng.sample(people, 1) if rng.random() < 0.5 else [],
                    cases=[f"C-{1988 + i % 35}-{i:06d}"] if rng.random() < 0.6 else [],
                    created=now_iso(),
                )  # fmt: skip
                docs.append(tag.to_dict())
        store.table("tags").insert_multiple(docs)
        themes = store.table("themes")
        have = {d["name"] for d in themes.all()}
        themes.insert_multiple({"name": t} for t in THEMES if t not in have)
    return len(docs)


def build(root: Path, hours: int, *, cases: int = 10_000, people: int = 5_000,
          distinct: int = 1000, seed: int = 1, index: bool = True) -> dict:  # fmt: skip
    """Build the archive at ``root``; returns what it cost and what it holds."""
    from bench.realistic_clone import clone_hours

    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    archive = Archive.open(root)
    t0 = time.perf_counter()
    names = person_names(random.Random(seed), cases + people)
    sheets = root.parent / f"{root.name}-sheets"
    case_csv, people_csv = write_sheets(sheets, rng, names, cases, people)
    import_cases(archive, case_csv)
    import_people(archive, people_csv)
    t_sheets = time.perf_counter() - t0
    talk = Talk(rng, names)
    media_docs, tr_docs = [], []
    own = min(hours, distinct)
    for h in range(own):
        m, tr = _language_of(distinct)(h)
        language = m["language"]
        media_docs.append(m)
        tr_docs.append(tr)
        segs = talk.segments(h, language)
        write_segments(transcript_path(root, m["id"], tr["id"]), segs)
    with archive.store.transaction() as store:
        store.table("media").insert_multiple(media_docs)
        store.table("transcripts").insert_multiple(tr_docs)
        store.table("speakers").insert_multiple(
            {"media_id": f"m{h + 1}", "label": "CH1", "name": "Interviewer"}
            for h in range(0, own, 100)
        )
    t_write = time.perf_counter() - t0 - t_sheets
    n_tags = _tags(archive, rng, range(hours), cases, people)
    out = {"hours": hours, "distinct_hours": own, "cases": cases, "people": people,
           "tags": n_tags, "sheets_s": t_sheets, "write_s": t_write}  # fmt: skip
    if index:
        t1 = time.perf_counter()
        c1 = time.process_time()
        archive.sync_index()
        out["index_build_s"] = time.perf_counter() - t1
        out["index_build_cpu_s"] = time.process_time() - c1
    if hours > own:
        out.update(clone_hours(archive, range(own, hours), own, _language_of(own)))
    out["segments"] = archive.index.count()
    out["distinct_terms"] = len(archive.index._load_vocab())
    archive.close()
    (root / "realistic.json").write_text(json.dumps(out, indent=2))
    return out


def extend(src: Path, root: Path, hours: int, seed: int = 2) -> dict:
    """A bigger archive from a built one: its files linked or copied, more hours cloned."""
    from bench.realistic_clone import clone_hours

    base = json.loads((src / "realistic.json").read_text())
    shutil.copytree(src / "transcripts", root / "transcripts", copy_function=os.link)
    for part in ("store", "index"):
        shutil.copytree(src / part, root / part)
    archive = Archive.open(root)
    rng = random.Random(seed)
    old, own = base["hours"], base["distinct_hours"]
    out = base | {"hours": hours, "extended_from": str(src)}
    out["tags"] = base["tags"] + _tags(
        archive, rng, range(old, hours), base["cases"], base["people"]
    )
    out.update(clone_hours(archive, range(old, hours), own, _language_of(own)))
    out["segments"] = archive.index.count()
    out["distinct_terms"] = len(archive.index._load_vocab())
    archive.close()
    (root / "realistic.json").write_text(json.dumps(out, indent=2))
    return out


def ensure(root: Path, hours: int, **kw: int) -> dict:
    """The archive at ``root``, built once (benchmarks reuse it: building takes minutes)."""
    done = root / "realistic.json"
    if done.is_file():
        return json.loads(done.read_text()) | {"reused": True}
    return build(root, hours, **kw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("root", type=Path)
    ap.add_argument("--hours", type=int, default=1000)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--people", type=int, default=5_000)
    ap.add_argument("--distinct", type=int, default=1000, help="hours of their own text")
    ap.add_argument("--extend", type=Path, help="start from this built archive (copied)")
    args = ap.parse_args()
    if args.extend:
        print(json.dumps(extend(args.extend, args.root, args.hours), indent=2))
        return
    print(json.dumps(build(args.root, args.hours, cases=args.cases, people=args.people,
                           distinct=args.distinct), indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
