"""A process that writes to an archive in every way tapelog does, to be SIGKILLed at random.

Run by ``tests/test_reliability.py``. Every write that has committed is acknowledged by
one line appended to an ack file with a single ``write`` (the page cache keeps it when
the process is killed), so the test knows exactly what must have survived:

    T<TAB>speaker<TAB>mid<TAB>label<TAB>name   about to rename (may or may not land)
    A<TAB>speaker<TAB>mid<TAB>label<TAB>name   renamed
    A<TAB>media<TAB>id<TAB>path                imported
    A<TAB>seg<TAB>mid<TAB>end                  a transcript segment up to ``end`` is on disk
    A<TAB>tdone<TAB>mid<TAB>tid                transcription finished and made current
    A<TAB>corr<TAB>id<TAB>mid<TAB>text         correction stored
    A<TAB>tag<TAB>tag_id<TAB>link_id<TAB>case  tag + link + case in one multi-table commit
    A<TAB>cases<TAB>id,id,...                  case records imported (archive.caseio)
    E<TAB>traceback                            the worker hit a real bug (the test fails)

Two ways to run:

* ``crash_worker.py serve``: a fork server. It imports everything once, then reads
  ``fork SEED ROOT MEDIA_DIR ACKFILE`` / ``wait PID`` / ``quit`` lines on stdin; each
  ``fork`` starts a fresh child process that opens the archive and writes until it is
  killed. Python's start-up (0.2-0.4 s here) would otherwise eat the 60 s budget of
  200 kills; the children are still separate processes that die by SIGKILL.
* ``crash_worker.py run SEED ROOT MEDIA_DIR ACKFILE``: one fresh interpreter, which
  prints ``ready`` on stdout once its imports are done.

Transcription runs the real ``Archive.transcribe`` (record, resume, SegmentWriter,
speaker assignment, finishing) with a stand-in engine, because Whisper takes seconds
to load and the kills come 20-300 ms after start.
"""

from __future__ import annotations

import os
import random
import sys
import time
import traceback
import types
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SAMPLES = REPO / "samples" / "media"
SAMPLE_FILES = ("eight_channel.wav", "two_channel_interview.mov", "silence.wav")
FAKE_MODEL = "crash-test-engine"


# --- a stand-in speech engine ---------------------------------------------------------


class _FakeEngine:
    """Yields evenly spaced segments over the audio it is given, a little at a time."""

    def __init__(self) -> None:
        self.ends: set[float] = set()  # segment ends it produced (acknowledged once saved)

    def transcribe(self, audio, options, offset: float = 0.0, runaway: str = "redo"):
        from tapelog.transcribe.types import Segment, TranscriptionInfo, Word

        total = offset + len(audio) / 16000.0
        step = max(0.1, (total - offset) / 12) if total > offset else 0.1

        def gen():
            t = offset
            while t + 0.05 < total:
                end = min(total, t + step)
                time.sleep(0.003)
                text = f"line at {t:.2f} seconds"
                self.ends.add(round(end, 3))
                yield Segment(
                    start=round(t, 3),
                    end=round(end, 3),
                    text=text,
                    words=[Word(round(t, 3), round(end, 3), text, 0.9)],
                    speaker="CH1",
                )
                t = end

        info = TranscriptionInfo(
            language="en", language_probability=1.0, duration=total, model=FAKE_MODEL
        )
        return info, gen()


ENGINE = _FakeEngine()


def install_fake_engine() -> None:
    """Make ``from transcribe.engine import get_engine`` return the stand-in."""
    engine = ENGINE
    mod = types.ModuleType("tapelog.transcribe.engine")
    mod.get_engine = lambda options: engine  # type: ignore[attr-defined]
    sys.modules["tapelog.transcribe.engine"] = mod


def preload() -> None:
    import numpy  # noqa: F401
    import tapelog.archive.caseio
    import tapelog.archive.cases
    import tapelog.archive.check
    import tapelog.archive.service
    import tapelog.media.audio
    import tapelog.media.fingerprint
    import tapelog.media.probe
    import tapelog.transcribe.speakers  # noqa: F401

    install_fake_engine()
    if os.environ.get("TAPELOG_CRASH_SABOTAGE") == "nonatomic":
        _sabotage_atomic_writes()


def _sabotage_atomic_writes() -> None:
    """Proof that the crash test can fail: write store files in place, in two halves.

    Only used by hand (``TAPELOG_CRASH_SABOTAGE=nonatomic``) to show the test catches a
    store that is not crash-safe; RELIABILITY.md records the result.
    """
    import tapelog.archive.store as store_mod

    def in_place(path, text, *, sync_dir=True):
        data = text.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            time.sleep(0.002)
            fh.write(data[len(data) // 2 :])

    store_mod.atomic_write_text = in_place


# --- the writes -----------------------------------------------------------------------


class Acks:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def line(self, *fields: object) -> None:
        text = "\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields) + "\n"
        os.write(self.fd, text.encode("utf-8"))


def _new_wav(folder: Path, rng: random.Random, name: str) -> Path:
    """A 1 s mono WAV of a tone at a random pitch: unique content, quick to import."""
    import math

    folder.mkdir(parents=True, exist_ok=True)
    freq = rng.uniform(200, 2000)
    phase = rng.random()
    frames = bytearray()
    for i in range(16000):
        v = int(8000 * math.sin(2 * math.pi * (freq * i / 16000 + phase)))
        frames += v.to_bytes(2, "little", signed=True)
    path = folder / f"{name}.wav"
    tmp = folder / f".{name}.part"
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes(frames))
    os.replace(tmp, path)
    return path


def work(seed: int, root: str, media_dir: str, ack_path: str, max_ops: int = 100_000) -> None:
    from tapelog.archive.models import Case, LinkSuggestion, Tag
    from tapelog.archive.service import Archive, now_iso
    from tapelog.archive.speakers import speaker_labels
    from tapelog.transcribe.types import TranscribeOptions
    from tinydb import Query

    rng = random.Random(seed)
    acks = Acks(ack_path)
    archive = Archive.open(root)
    store = archive.store
    Q = Query()
    # No diarization: its CPU work (CAM++ when installed) would have the kills land
    # between writes rather than in them; this test is about the store.
    options = TranscribeOptions(model=FAKE_MODEL, cpu_threads=1, diarize=False)

    def do_import() -> None:
        if rng.random() < 0.2:
            path = SAMPLES / rng.choice(SAMPLE_FILES)
        else:
            path = _new_wav(Path(media_dir), rng, f"w{seed}-{rng.randrange(10**9)}")
        for r in archive.import_paths([path]):
            if r.status in ("imported", "already-imported"):
                acks.line("A", "media", r.id, str(path.resolve()))
            else:
                raise AssertionError(f"import failed: {r.error}")

    def pick_media(pred) -> object | None:
        choices = [m for m in archive.list_media() if pred(m)]
        return rng.choice(choices) if choices else None

    def do_transcribe() -> None:
        media = pick_media(lambda m: m.transcript_status != "done" and m.info.has_audio)
        if media is None:
            return do_import()

        def progress(event) -> None:
            # Archive.transcribe reports each segment's end right after it is saved;
            # its first and last events (resume point, end of audio) are not segments.
            if event.task == "transcribe" and round(event.done, 3) in ENGINE.ends:
                acks.line("A", "seg", media.id, f"{event.done:.3f}")

        result = archive.transcribe(media.id, options, progress=progress)
        acks.line("A", "tdone", media.id, result.transcript_id)

    def do_correct() -> None:
        media = pick_media(lambda m: True)
        if media is None:
            return do_import()
        start = round(rng.uniform(0, max(0.1, media.info.duration - 0.2)), 2)
        text = f"corrected {seed}-{rng.randrange(10**6)}"
        corr = archive.correct_segment(media.id, start, start + 0.1, text)
        acks.line("A", "corr", corr.id, media.id, text)

    def do_rename() -> None:
        media = pick_media(lambda m: m.transcript_status == "done")
        if media is None:
            return do_transcribe()
        labels = sorted(speaker_labels(archive, media.id))
        if not labels:
            return None
        label = rng.choice(labels)
        name = f"name-{seed}-{rng.randrange(10**6)}"
        acks.line("T", "speaker", media.id, label, name)
        archive.rename_speaker(label, name, media_id=media.id)
        acks.line("A", "speaker", media.id, label, name)

    def do_tag() -> None:
        media = pick_media(lambda m: True)
        if media is None:
            return do_import()
        start = round(rng.uniform(0, max(0.1, media.info.duration - 0.2)), 2)
        with store.transaction():
            case = Case(case_id=store.next_id("case-"), child_name=f"Child {seed}")
            store.table("cases").insert(case.to_dict())
            link = LinkSuggestion(
                link_id=store.next_id("l"),
                media_id=media.id,
                start=start,
                end=start + 0.1,
                mention=case.child_name,
                target_type="case",
                target_id=case.case_id,
                score=90.0,
                status="accepted",
            )
            tag = Tag(
                id=store.next_id("tg"),
                media_id=media.id,
                start=start,
                end=start + 0.1,
                cases=[case.case_id],
                note="crash test",
                created=now_iso(),
                source="link",
                link_id=link.link_id,
            )
            link.tag_id = tag.id
            store.table("links").insert(link.to_dict())
            store.table("tags").insert(tag.to_dict())
        acks.line("A", "tag", tag.id, link.link_id, case.case_id)
        _ = Q

    def do_case_import() -> None:
        """A researcher's CSV of case records through archive.cases.import_records."""
        from tapelog.archive.cases import import_records

        ids = [f"K{seed}-{rng.randrange(10**6)}" for _ in range(rng.randint(1, 4))]
        csv = Path(media_dir) / f"cases-{seed}-{rng.randrange(10**9)}.csv"
        csv.parent.mkdir(parents=True, exist_ok=True)
        rows = ["case_id,child_name,aliases,status"]
        rows += [f"{i},Child {i},Alias {i};小{i},missing" for i in ids]
        csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
        report = import_records(archive, csv, "cases")
        assert not report.problems, report.problems
        acks.line("A", "cases", ",".join(ids))

    ops = [do_import] * 3 + [do_transcribe] * 5 + [do_correct] * 4 + [do_rename] * 3
    ops += [do_tag] * 4
    ops += [do_case_import] * 2
    for _ in range(max_ops):
        rng.choice(ops)()


def _child(seed: int, root: str, media_dir: str, ack_path: str, max_ops: int) -> int:
    try:
        work(seed, root, media_dir, ack_path, max_ops)
        return 0
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        Acks(ack_path).line("E", traceback.format_exc().replace("\n", " | "))
        return 3


def serve() -> None:
    preload()
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "fork":
            seed, root, media_dir, ack = int(parts[1]), parts[2], parts[3], parts[4]
            max_ops = int(parts[5]) if len(parts) > 5 else 100_000
            pid = os.fork()
            if pid == 0:  # the child: a new process that writes until it is killed
                code = 1
                try:
                    os.close(0)
                    code = _child(seed, root, media_dir, ack, max_ops)
                finally:
                    os._exit(code)
            out.write(f"pid {pid}\n")
            out.flush()
        elif parts[0] == "wait":
            _pid, status = os.waitpid(int(parts[1]), 0)
            out.write(f"reaped {parts[1]} {status}\n")
            out.flush()
        elif parts[0] == "quit":
            break


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        serve()
        return 0
    if argv[:1] == ["run"] and len(argv) >= 5:
        preload()
        print("ready", flush=True)
        max_ops = int(argv[5]) if len(argv) > 5 else 100_000
        return _child(int(argv[1]), argv[2], argv[3], argv[4], max_ops)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
