"""Build a synthetic archive of N hours of transcript, for the scale benchmarks.

Text is drawn from the seed articles' vocabulary plus the case names, so queries
look like what an editor types. Records are written the way tapelog writes them
(store records + JSONL transcript files), then the search index is built.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from tapelog.archive.models import MediaRecord, TranscriptRecord
from tapelog.archive.service import Archive, now_iso
from tapelog.archive.transcripts import transcript_path
from tapelog.media.info import AudioStreamInfo, MediaInfo

REPO = Path(__file__).resolve().parent.parent
SEGMENTS_PER_HOUR = 600

PHRASES = [
    "my son was taken from the alley behind our room",
    "the police did not help us at first",
    "then the scam calls started and a man asked for money",
    "we gave our blood to the DNA database",
    "we still search every night on the internet",
    "the surveillance camera shows a man carrying him to a van",
    "he was lured with a baby turtle at the bus station",
    "they sold him to a family in southern Fujian",
    "the one child policy made boys worth more",
    "we travelled to every city with his photograph",
    "I cannot sleep when I think of him",
    "the officials told us to wait at home",
    "other parents joined us in the square",
    "my wife blames herself every day",
    "we printed ten thousand leaflets",
    "a journalist wrote about our case",
]
NAMES = ["Liu Jingjun", "Luo Run", "Le Le", "Peng Gaofeng", "Luo An Xin", "Taiyuan", "Guangzhou"]
FILLER = (
    "well you know and then it was so hard for us because nobody would listen "
    "we waited and waited every morning I went to the station again"
).split()


def _sentence(rng: random.Random) -> str:
    parts = [rng.choice(PHRASES)]
    if rng.random() < 0.3:
        parts.append(rng.choice(NAMES))
    parts.append(" ".join(rng.choices(FILLER, k=rng.randint(3, 9))))
    rng.shuffle(parts)
    text = " ".join(parts)
    return text[0].upper() + text[1:] + "."


def _words(text: str, start: float, end: float) -> list[dict]:
    """Whisper-like word timestamps, spread evenly over the line."""
    parts = text.split()
    step = (end - start) / max(1, len(parts))
    return [
        {"start": round(start + i * step, 3), "end": round(start + (i + 1) * step, 3),
         "word": (" " if i else "") + w, "probability": 0.9}
        for i, w in enumerate(parts)
    ]  # fmt: skip


def build(
    root: Path, hours: int, seed: int = 1, index: bool = True, words: bool = False
) -> dict[str, float]:
    """``words``: give every line word timestamps, as Whisper archives have (5x the JSONL)."""
    rng = random.Random(seed)
    archive = Archive.open(root)
    t0 = time.perf_counter()
    media_docs = []
    transcript_docs = []
    for h in range(hours):
        mid = f"m{h + 1}"
        tid = f"tr{h + 1}"
        info = MediaInfo(
            path=f"/footage/day{h // 8:03d}/A{h:04d}.mov",
            container="mov,mp4,m4a,3gp,3g2,mj2",
            duration=3600.0,
            size_bytes=40_000_000_000,
            audio_streams=[AudioStreamInfo(1, "pcm_s24le", 2, 48000)],
            video_codec="prores",
            width=3840,
            height=2160,
            fps_num=25,
            fps_den=1,
            start_timecode=f"{10 + h % 10:02d}:00:00:00",
        )
        media = MediaRecord(
            id=mid,
            path=info.path,
            fingerprint=f"synthetic:{h}",
            info=info,
            imported_at=now_iso(),
            transcript_id=tid,
            transcript_status="done",
            language="en",
        )
        media_docs.append(media.to_dict())
        transcript_docs.append(
            TranscriptRecord(
                id=tid,
                media_id=mid,
                model="tiny.en",
                options={"task": "transcribe"},
                created=now_iso(),
                status="done",
                language="en",
                segment_count=SEGMENTS_PER_HOUR,
                duration=3600.0,
                speakers=["CH1", "CH2"],
            ).to_dict()
        )
        path = transcript_path(root, mid, tid)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for i in range(SEGMENTS_PER_HOUR):
            start = i * 6.0
            text = _sentence(rng)
            seg = {
                "start": start,
                "end": start + 5.5,
                "text": text,
                "words": _words(text, start, start + 5.5) if words else [],
                "speaker": "CH1" if i % 3 == 0 else "CH2",
            }
            lines.append(json.dumps(seg))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with archive.store.transaction():
        archive.store.table("media").insert_multiple(media_docs)
        archive.store.table("transcripts").insert_multiple(transcript_docs)
    figures = {"write_s": time.perf_counter() - t0}
    if index:
        t1 = time.perf_counter()
        archive.sync_index()
        figures["index_build_s"] = time.perf_counter() - t1
    archive.close()
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root", type=Path)
    ap.add_argument("--hours", type=int, default=1000)
    args = ap.parse_args()
    print(build(args.root, args.hours))


if __name__ == "__main__":
    main()
