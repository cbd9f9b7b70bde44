"""Transcription on Dask: parts cut at silences, joins, the client as the only writer,
killed workers, unreachable schedulers, path maps and devices.

Real Dask clusters on localhost, real ffmpeg and the real tiny.en model on short
sample clips; Whisper runs are kept few (the machine is small and shared).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from tapelog.archive.service import Archive
from tapelog.media.audio import load_audio
from tapelog.transcribe.cluster import pack_audio, parse_path_map, remote_path, unpack_audio
from tapelog.transcribe.parts import SAMPLE_RATE, clamp_to_part, join_parts, split_at_silences
from tapelog.transcribe.types import Segment, Word

from tests.conftest import MEDIA, run_cli, table_bytes


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0


def test_long_audio_is_cut_in_pauses_never_inside_speech():
    audio = load_audio(MEDIA / "interview_liu.mov")
    parts = split_at_silences(audio, part_seconds=6.0)
    assert len(parts) >= 3
    assert parts[0].start == 0 and parts[-1].end == len(audio)
    assert all(
        a.end == b.start for a, b in zip(parts, parts[1:], strict=False)
    )  # no gap, no overlap
    speech = _rms(audio[np.abs(audio) > 0.01])
    for part in parts[:-1]:
        assert part.at_silence, part
        around = audio[part.end - SAMPLE_RATE // 20 : part.end + SAMPLE_RATE // 20]
        assert _rms(around) < 0.1 * speech, f"cut at {part.end_s:.2f} s is inside speech"


def test_a_short_file_is_one_part():
    audio = np.zeros(SAMPLE_RATE * 20, dtype=np.float32)
    assert len(split_at_silences(audio, part_seconds=300)) == 1


def test_joins_keep_every_segment_in_its_own_part_in_order():
    w = Word(9.7, 10.4, " over", 0.9)
    part1 = clamp_to_part([Segment(0.0, 5.0, "one"), Segment(8.0, 10.4, "two over", [w])], 0, 10)
    part2 = clamp_to_part([Segment(9.9, 12.0, "three"), Segment(12.5, 14.0, "four")], 10, 20)
    joined = join_parts([part1, part2])
    assert [s.text for s in joined] == [
        "one",
        "two over",
        "three",
        "four",
    ]  # none lost, none doubled
    assert joined[1].end == 10.0 and joined[1].words[0].end == 10.0
    assert joined[2].start == 10.0
    starts = [s.start for s in joined]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(joined, joined[1:], strict=False))


def test_audio_sent_to_workers_arrives_unchanged():
    audio = load_audio(MEDIA / "interview_liu.mov")
    packed = pack_audio(audio)
    assert np.array_equal(unpack_audio(packed), audio)  # what ffmpeg decoded: 16-bit, lossless
    assert len(packed) < audio.nbytes / 2  # compressed below 16-bit PCM


def test_path_maps():
    assert parse_path_map("/Volumes/Footage=/mnt/footage/") == (
        "/Volumes/Footage/",
        "/mnt/footage/",
    )
    pm = parse_path_map("/a=/b")
    assert remote_path("/a/day1/x.mov", pm) == "/b/day1/x.mov"
    assert remote_path("/ab/x.mov", pm) is None
    for bad in ("/a", "=/b", "/a="):
        with pytest.raises(Exception, match="LOCAL=REMOTE"):
            parse_path_map(bad)


def test_cuda_missing_says_so_in_one_line(archive, monkeypatch):
    archive.import_paths([MEDIA / "silence.wav"])
    res = run_cli("transcribe", "--all", "--device", "cuda", archive=archive.root)
    assert res.returncode == 1
    assert "--device cuda: CTranslate2 sees no NVIDIA GPU here" in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert archive.get_media("m1").transcript_status == "none"  # nothing marked failed

    import ctranslate2
    from tapelog.archive.errors import ModelError
    from tapelog.transcribe import device as engine

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)  # a GPU, no libraries
    monkeypatch.setattr(engine, "CUDA_LIBRARIES", {"libcublas.so.12-not-here": "cublas"})
    with pytest.raises(ModelError, match=r"CUDA libraries Whisper needs are missing .*cublas"):
        engine.resolve_device("cuda")
    assert engine.resolve_device("auto") == "cpu"


def test_unreachable_scheduler_is_one_line_and_writes_nothing(archive):
    archive.import_paths([MEDIA / "silence.wav"])
    before = table_bytes(archive.root, "media")
    res = run_cli("transcribe", "--all", "--scheduler", "tcp://127.0.0.1:9", archive=archive.root)
    assert res.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in res.stderr
    assert "--local-fallback" in res.stderr and "Traceback" not in res.stderr
    assert table_bytes(archive.root, "media") == before
    assert not (archive.root / "transcripts").exists()


def test_path_map_outside_the_media_is_refused(archive):
    archive.import_paths([MEDIA / "silence.wav"])
    res = run_cli(
        "transcribe", "--all", "--workers", "1", "--path-map", "/nowhere=/x", archive=archive.root
    )
    assert res.returncode == 2 and "no media file to transcribe is under /nowhere/" in res.stderr


def _timed_words(archive: Archive, mid: str, t0: float, t1: float) -> list[tuple]:
    return [
        (w.start, w.end, w.word.strip(".,!?").lower())
        for s in archive.raw_segments(mid)
        for w in s.words
        if t0 <= (w.start + w.end) / 2 <= t1
    ]


def _words(archive: Archive, mid: str) -> list[str]:
    return [w.strip(".,!?").lower() for s in archive.segments(mid) for w in s.text.split()]


@pytest.mark.slow
def test_local_cluster_transcribes_in_parts_and_joins_without_lost_or_doubled_words(
    transcribed_archive, archive, tmp_path
):
    """Two workers, files cut into ~8 s parts: the same words as one unsplit run."""
    archive.import_paths([MEDIA / "interview_liu.mov", MEDIA / "two_channel_interview.mov"])
    res = run_cli(
        "transcribe", "--all", "--model", "tiny.en", "--workers", "2", "--part-seconds", "10",
        "--json", archive=archive.root,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert [r["status"] for r in json.loads(res.stdout)] == ["done", "done"]
    whole = Archive.open(transcribed_archive)  # the same files, local, unsplit
    try:
        import jiwer

        for mid, media in (("m1", "interview_liu.mov"), ("m2", "two_channel_interview.mov")):
            ours, ref = _words(archive, mid), _words(whole, mid)
            assert ours, mid
            # Whisper hears a part with less context, so a name may be spelt otherwise;
            # overall the runs agree, and at each cut nothing is missing or doubled.
            assert jiwer.wer(" ".join(ref), " ".join(ours)) <= 0.35, (ref, ours)
            cuts = split_at_silences(load_audio(MEDIA / media), 10.0)[:-1]
            assert cuts, "the file was not cut"
            for cut in cuts:
                t = cut.end_s
                near_ours = _timed_words(archive, mid, t - 3, t + 3)
                near_ref = _timed_words(whole, mid, t - 3, t + 3)
                assert abs(len(near_ours) - len(near_ref)) <= 1, (t, near_ref, near_ours)
                assert all(not (w0 < t < w1) for w0, w1, _w in near_ours), "a word spans a cut"
                texts = [w for _a, _b, w in near_ours]
                doubled = [a for a, b in zip(texts, texts[1:], strict=False) if a == b]
                assert not doubled, (t, texts)
        segs = archive.segments("m2")
        assert {s.speaker for s in segs} == {s.speaker for s in whole.segments("m2")}  # channels
    finally:
        whole.close()
    assert run_cli("check", archive=archive.root).returncode == 0


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_writes_nothing_twice(archive):
    """A worker killed while it holds a part: Dask runs the part again elsewhere."""
    from distributed import Client, LocalCluster
    from tapelog.archive.cluster_run import transcribe_on_cluster
    from tapelog.transcribe.cluster import ClusterOptions
    from tapelog.transcribe.types import TranscribeOptions

    archive.import_paths([MEDIA / "interview_liu.mov", MEDIA / "two_channel_interview.mov"])
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    watcher = Client(cluster)
    killed: list[str] = []

    def kill_one() -> None:
        deadline = time.monotonic() + 300
        while not killed and time.monotonic() < deadline:
            busy = {a: ks for a, ks in watcher.processing().items() if ks}
            if busy:
                addr, keys = next(iter(busy.items()))
                if any(str(k).startswith("tapelog-m") for k in keys):
                    pids = watcher.run(os.getpid, workers=[addr])
                    os.kill(pids[addr], signal.SIGKILL)
                    killed.append(f"{addr} {keys}")
            time.sleep(0.05)

    thread = threading.Thread(target=kill_one, daemon=True)
    thread.start()
    try:
        results = transcribe_on_cluster(
            archive, ["m1", "m2"], TranscribeOptions(model="tiny.en", cpu_threads=1),
            ClusterOptions(scheduler=cluster.scheduler_address, part_seconds=10),
        )  # fmt: skip
    finally:
        thread.join(timeout=10)
        watcher.close()
        cluster.close()
    assert killed, "no worker was killed while it held a part"
    assert sorted(r.media_id for r in results) == ["m1", "m2"]
    assert all(r.status == "done" for r in results), results
    for mid in ("m1", "m2"):
        segs = archive.raw_segments(mid)
        keys = [(s.start, s.text) for s in segs]
        assert len(keys) == len(set(keys)), "a segment was written twice"
        assert all(a.end <= b.start + 1e-6 for a, b in zip(segs, segs[1:], strict=False))
        assert segs[-1].end > 15.0  # the file's end was reached
    assert run_cli("check", archive=archive.root).returncode == 0


@pytest.mark.slow
def test_path_map_pointing_nowhere_on_the_workers_fails_each_file_in_one_line(archive, tmp_path):
    media = tmp_path / "footage"
    media.mkdir()
    (media / "x.wav").write_bytes((MEDIA / "silence.wav").read_bytes())
    archive.import_paths([media / "x.wav"])
    res = run_cli(
        "transcribe", "--all", "--model", "tiny.en", "--workers", "1",
        "--path-map", f"{media}=/mnt/not-mounted", archive=archive.root,
    )  # fmt: skip
    assert res.returncode == 1
    assert "/mnt/not-mounted/x.wav: not found on the worker: check --path-map" in res.stderr
    assert "Traceback" not in res.stderr
    assert Archive.open(archive.root).get_media("m1").transcript_status in ("failed", "partial")


def test_readme_shows_how_to_start_a_scheduler_and_a_worker():
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "dask scheduler" in text and "dask worker tcp://" in text
