"""The client of a cluster transcription: the only process that writes the archive.

Workers return segments part by part; this loop saves each file's parts in order as
they arrive, through the same ``TranscriptionJob`` a local run uses, so progress,
resume after an interruption and every store guarantee are those of a local run. A
part whose worker is killed is run again elsewhere by Dask; its result reaches this
loop once, so nothing is written twice. A few files are in flight at a time (parts
for about two per worker), so a thousand-hour archive is never all in memory.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tapelog.archive.errors import NoAudioError, TapelogError, UsageError
from tapelog.archive.models import STATUS_FAILED
from tapelog.archive.progress import CancelToken, ProgressCallback
from tapelog.archive.transcription_job import TranscriptionJob
from tapelog.transcribe.cluster import (
    ClusterError,
    ClusterOptions,
    PartTask,
    connect,
    detect_language,
    local_threads,
    pack_audio,
    remote_path,
    run_part,
)
from tapelog.transcribe.parts import Part, split_at_silences
from tapelog.transcribe.types import AUTO_MODEL, Segment, TranscribeOptions

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tapelog.archive.transcription import TranscribeResult

Prepare = Callable[[str, TranscribeOptions], TranscribeOptions]


@dataclass
class _File:
    job: TranscriptionJob
    parts: list[Part]
    futures: list[Any] = field(default_factory=list)
    results: dict[int, list[Segment]] = field(default_factory=dict)
    saved: int = 0  # parts saved, in order


def transcribe_on_cluster(
    archive: Archive,
    media_ids: list[str],
    options: TranscribeOptions,
    copts: ClusterOptions,
    *,
    prepare: Prepare | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_result: Callable[[TranscribeResult], None] | None = None,
) -> list[TranscribeResult]:
    """Transcribe ``media_ids`` on a cluster; one result per file (failed ones say why).

    Raises ``ClusterError`` before anything is written when the scheduler cannot be
    reached, and when it is lost mid-run (what was saved stays; a re-run resumes).
    """
    if copts.path_map and media_ids:
        paths = [archive.get_media(mid).path for mid in media_ids]
        if not any(remote_path(p, copts.path_map) for p in paths):
            raise UsageError(
                f"--path-map: no media file to transcribe is under {copts.path_map[0]} "
                f"(they are under {os.path.dirname(paths[0])}/...)"
            )
    client, cluster, n_workers = connect(copts)
    if cluster is not None and options.cpu_threads == 0:
        options = replace(options, cpu_threads=local_threads(n_workers))
    run = _Run(archive, client, copts, options, prepare, progress, on_result)
    try:
        return run.go(list(media_ids), max(2, 2 * n_workers), cancel)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"lost the Dask scheduler during the run ({type(exc).__name__}); every segment "
            "received is saved: run the same command again to resume"
        ) from None
    finally:
        run.close_all()
        client.close()
        if cluster is not None:
            cluster.close()


class _Run:
    def __init__(self, archive, client, copts, options, prepare, progress, on_result) -> None:
        self.archive = archive
        self.client = client
        self.copts = copts
        self.options = options
        self.prepare = prepare
        self.progress = progress
        self.on_result = on_result
        self.files: dict[str, _File] = {}
        self.results: list[TranscribeResult] = []

    def go(self, pending: list[str], limit: int, cancel: CancelToken | None) -> list:
        from distributed import as_completed

        self.ac = as_completed([], with_results=False)
        order = 0
        while pending or self.files:
            while pending and sum(len(f.parts) - f.saved for f in self.files.values()) < limit:
                order += 1
                self._start(pending.pop(0), order)
            if not self.files:
                continue
            future = next(self.ac)
            if cancel is not None:
                cancel.check()
            self._arrived(future)
        return self.results

    # -- a file starts

    def _start(self, mid: str, order: int) -> None:
        try:
            options = self._options(mid)
            job = TranscriptionJob.begin(self.archive, mid, options)
        except TapelogError as exc:
            self._failed(mid, exc)
            return
        parts = split_at_silences(job.remaining_audio, self.copts.part_seconds)
        base = int(job.offset * 16000)
        parts = [Part(p.start + base, p.end + base, p.at_silence) for p in parts if p.end > p.start]
        f = _File(job, parts)
        self.files[mid] = f
        if not parts or job.total - job.offset < 0.1:
            self._complete(mid)
            return
        where = remote_path(self.archive.get_media(mid).path, self.copts.path_map)
        for i, part in enumerate(parts):
            task = PartTask(mid, i, part.start, part.end, job.options.to_dict())
            if where is None:
                task.pcm = pack_audio(job.audio[part.start : part.end])
            else:
                task.path = where
            fut = self.client.submit(
                run_part, task, key=f"tapelog-{mid}-{i}-{uuid.uuid4().hex[:8]}",
                priority=-order, pure=False,
            )  # fmt: skip
            f.futures.append(fut)
            self.ac.add(fut)

    def _options(self, mid: str) -> TranscribeOptions:
        """The file's model and language, detected on a worker when they are 'auto'."""
        from tapelog.transcribe.models import is_english_only

        options = self.options
        if options.language is None and options.task != "translate" and (
            options.model == AUTO_MODEL or not is_english_only(options.model)
        ):
            # Told once per file, not once per part (parts could disagree).
            partial = [t for t in self.archive.transcripts(mid) if t.status == "partial"]
            language = partial[-1].language if partial else None
            if language is None:
                from tapelog.media.audio import load_audio

                media = self.archive.get_media(mid)
                if not media.info.has_audio:
                    raise NoAudioError("has no audio stream to transcribe", path=media.path)
                head = load_audio(self.archive.media_path(media), max_seconds=30)
                model = options.model
                if model == AUTO_MODEL:
                    model = self.archive.settings()["model_multilingual"]
                multi = replace(options, model=model)
                fut = self.client.submit(detect_language, multi.to_dict(), pack_audio(head))
                language, _p = fut.result()
            options = replace(options, language=language)
        options = self.archive.choose_model(mid, options)
        return self.prepare(mid, options) if self.prepare else options

    # -- results come back

    def _arrived(self, future: Any) -> None:
        mid = next((m for m, f in self.files.items() if future in f.futures), None)
        if mid is None:
            return  # a part of a file that already failed
        f = self.files[mid]
        try:
            res = future.result()
        except TapelogError as exc:
            self._abandon(mid, exc)
            return
        except Exception as exc:  # KilledWorker and other cluster failures, per file
            if isinstance(exc, OSError | TimeoutError):
                raise
            name = type(exc).__name__
            self._abandon(mid, ClusterError(f"the cluster could not run a part ({name}: {exc})"))
            return
        if res.index == 0:
            from tapelog.transcribe.types import TranscriptionInfo

            f.job.set_language(TranscriptionInfo(res.language, res.language_probability, 0, ""))
        f.results[res.index] = [Segment.from_dict(d) for d in res.segments]
        while f.saved in f.results:
            for seg in f.results.pop(f.saved):
                f.job.save(seg, self.progress)
            f.saved += 1
        if f.saved == len(f.parts):
            self._complete(mid)

    def _complete(self, mid: str) -> None:
        f = self.files.pop(mid)
        result = f.job.finish(self.progress)
        self.results.append(result)
        if self.on_result:
            self.on_result(result)

    def _abandon(self, mid: str, exc: TapelogError) -> None:
        f = self.files.pop(mid)
        for fut in f.futures:
            fut.cancel()
        f.job.close()
        self._failed(mid, exc)

    def _failed(self, mid: str, exc: TapelogError) -> None:
        from tapelog.archive.transcription import TranscribeResult

        self.archive.mark_failed(mid, str(exc))
        result = TranscribeResult(mid, None, STATUS_FAILED, error=str(exc))
        self.results.append(result)
        if self.on_result:
            self.on_result(result)

    def close_all(self) -> None:
        for f in self.files.values():
            f.job.close()
