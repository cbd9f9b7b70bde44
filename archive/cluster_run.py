"""The client of a cluster transcription: the only process that writes the archive.

Workers send each segment as Whisper produces it (a Dask event, numbered within its
part) and return the part's segments again when it ends; this loop saves them in
file order as they arrive, through the same ``TranscriptionJob`` a local run uses, so
progress, resume after an interruption and every store guarantee are those of a local
run, segment by segment. A part whose worker is killed is run again elsewhere by Dask;
its segments are numbered again from 0 and the ones already saved are skipped, so
nothing is written twice. A worker that cannot load the model is left out and its
part sent to the others. A few files are in flight at a time (parts for about two
per worker), so a thousand-hour archive is never all in memory.
"""

from __future__ import annotations

import os
import queue
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tapelog.archive.errors import NoAudioError, TapelogError, TranscriptionError, UsageError
from tapelog.archive.models import STATUS_FAILED
from tapelog.archive.progress import CancelToken, ProgressCallback
from tapelog.archive.transcription_job import TranscriptionJob
from tapelog.transcribe.cluster import (
    ClusterError,
    ClusterOptions,
    PartTask,
    WorkerModelError,
    close_quietly,
    connect,
    language_probabilities,
    local_threads,
    pack_audio,
    remote_path,
    run_part,
)
from tapelog.transcribe.parts import Part, split_at_silences
from tapelog.transcribe.types import (
    AUTO_MODEL,
    DETECT_SECONDS,
    Segment,
    TranscribeOptions,
    TranscriptionInfo,
)

if TYPE_CHECKING:
    from tapelog.archive.service import Archive
    from tapelog.archive.transcription import TranscribeResult

Prepare = Callable[[str, TranscribeOptions], TranscribeOptions]
POLL_S = 1.0  # how often an idle client looks at its connection and at cancel


@dataclass
class _File:
    job: TranscriptionJob
    parts: list[Part]
    tasks: list[PartTask] = field(default_factory=list)
    futures: dict[Any, int] = field(default_factory=dict)  # future -> part index
    heard: dict[int, list[Segment]] = field(default_factory=dict)  # per part, in order
    finished: set[int] = field(default_factory=set)
    head: int = 0  # the first part not yet saved whole
    saved: int = 0  # segments of the head part saved


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
    on_warning: Callable[[str], None] | None = None,
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
    run = _Run(archive, client, copts, options, prepare, progress, on_result, on_warning)
    try:
        return run.go(list(media_ids), max(2, 2 * n_workers), cancel)
    except (OSError, TimeoutError) as exc:
        raise run.lost(type(exc).__name__) from None
    finally:
        run.close_all()
        close_quietly(client, cluster)


class _Run:
    def __init__(
        self,
        archive: Archive,
        client: Any,
        copts: ClusterOptions,
        options: TranscribeOptions,
        prepare: Prepare | None,
        progress: ProgressCallback | None,
        on_result: Callable[[TranscribeResult], None] | None,
        on_warning: Callable[[str], None] | None,
    ) -> None:
        self.archive = archive
        self.client = client
        self.copts = copts
        self.options = options
        self.prepare = prepare
        self.progress = progress
        self.on_result = on_result
        self.on_warning = on_warning
        self.files: dict[str, _File] = {}
        self.results: list[TranscribeResult] = []
        self.no_model: dict[str, str] = {}  # worker address -> why it cannot load the model
        # Segments and finished parts arrive on Dask's threads; this loop alone saves.
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.topic = f"tapelog-segments-{uuid.uuid4().hex}"
        client.subscribe_topic(self.topic, lambda event: self.inbox.put(("segment", event[1])))

    def go(self, pending: list[str], limit: int, cancel: CancelToken | None) -> list:
        order = 0
        while pending or self.files:
            while pending and self._in_flight() < limit:
                order += 1
                self._start(pending.pop(0), order)
            if not self.files:
                continue
            try:
                kind, item = self.inbox.get(timeout=POLL_S)
            except queue.Empty:
                kind, item = "idle", None
            if cancel is not None:
                cancel.check()
            if kind == "segment":
                self._heard(item)
            elif kind == "done":
                self._arrived(item)
            elif self.client.status not in ("running", "newly-created"):
                raise self.lost(f"client {self.client.status}")
        return self.results

    def _in_flight(self) -> int:
        return sum(len(f.parts) - f.head for f in self.files.values())

    def lost(self, why: str) -> ClusterError:
        where = self.copts.scheduler or "of the local cluster"
        return ClusterError(
            f"lost the Dask scheduler {where} during the run ({why}); every segment "
            "received is saved: run the same command again to resume"
        )

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
            task = PartTask(mid, i, part.start, part.end, job.options.to_dict(), topic=self.topic)
            if where is None:
                task.pcm = pack_audio(job.audio[part.start : part.end])
            else:
                task.path = where
            f.tasks.append(task)
            try:
                self._submit(f, i, order)
            except WorkerModelError as exc:
                self._abandon(mid, exc)
                return

    def _submit(self, f: _File, index: int, order: int = 0) -> None:
        """Send one part to the workers that can load the model."""
        task = f.tasks[index]
        workers = None
        if self.no_model:
            workers = [w for w in self.client.scheduler_info()["workers"] if w not in self.no_model]
            if not workers:
                why = "; ".join(sorted(self.no_model.values()))
                raise WorkerModelError(f"no worker of the cluster can load the model ({why})")
        fut = self.client.submit(
            run_part, task, key=f"tapelog-{task.media_id}-{index}-{uuid.uuid4().hex[:8]}",
            priority=-order, pure=False, workers=workers, allow_other_workers=False,
        )  # fmt: skip
        f.futures[fut] = index
        fut.add_done_callback(lambda done: self.inbox.put(("done", done)))

    def _options(self, mid: str) -> TranscribeOptions:
        """The file's model and language, detected on a worker when they are 'auto'."""
        from tapelog.archive import language_choice as L

        options = self.options
        auto = options.model == AUTO_MODEL and options.language is None
        if (auto and options.task != "translate") or L.asks_for_the_archives_language(
            self.archive, options
        ):
            # Told once per file, not once per part (parts could disagree).
            partial = [t for t in self.archive.transcripts(mid) if t.status == "partial"]
            language = partial[-1].language if partial else None
            listed = L.listed_languages(self.archive)
            if language is None and len(listed) == 1:
                language = listed[0]  # the archive's one language: nothing to detect
            if language is None:
                from tapelog.media.audio import load_audio

                media = self.archive.get_media(mid)
                if not media.info.has_audio:
                    raise NoAudioError("has no audio stream to transcribe", path=media.path)
                head = load_audio(self.archive.media_path(media), max_seconds=DETECT_SECONDS)
                model = options.model
                if model == AUTO_MODEL:
                    model = self.archive.settings()["model_multilingual"]
                multi = replace(options, model=model)
                fut = self.client.submit(language_probabilities, multi.to_dict(), pack_audio(head))
                try:
                    ranked = [(str(c), float(p)) for c, p in fut.result()]
                except TapelogError:
                    raise
                except Exception as exc:  # a worker of another version, a lost worker
                    why = (str(exc).splitlines() or [type(exc).__name__])[0]
                    raise TranscriptionError(
                        f"a worker could not tell the language: {why}"
                    ) from exc
                language = L.choose_for(self.archive, ranked).language
            options = replace(options, language=language)
        options = self.archive.choose_model(mid, options)
        return self.prepare(mid, options) if self.prepare else options

    # -- segments and parts come back

    def _heard(self, msg: Any) -> None:
        """One segment, as a worker produced it: saved now if its part is the head."""
        f = self.files.get(str(msg.get("media_id"))) if isinstance(msg, dict) else None
        if f is None:
            return  # a file already finished or given up
        index, seq = msg.get("index"), msg.get("seq")
        heard = f.heard.setdefault(index, [])
        if index in f.finished or seq != len(heard):
            return  # the whole part is in, or a re-run repeating what we have
        if index == 0 and seq == 0:
            info = TranscriptionInfo(msg.get("language"), msg.get("language_probability"), 0, "")
            f.job.set_language(info)
        heard.append(Segment.from_dict(msg["segment"]))
        self._flush(msg["media_id"], f)

    def _arrived(self, future: Any) -> None:
        mid, f = next(((m, f) for m, f in self.files.items() if future in f.futures), ("", None))
        if f is None:
            return  # a part of a file that already failed
        index = f.futures.pop(future)
        try:
            res = future.result()
        except WorkerModelError as exc:
            self._without(exc.worker, str(exc), f, mid, index)
            return
        except TapelogError as exc:
            self._abandon(mid, exc)
            return
        except Exception as exc:  # KilledWorker and other cluster failures, per file
            if isinstance(exc, OSError | TimeoutError):
                raise
            if self.client.status not in ("running", "newly-created") or "connection-lost" in str(
                exc
            ):
                raise self.lost(type(exc).__name__) from None
            name = type(exc).__name__
            self._abandon(mid, ClusterError(f"the cluster could not run a part ({name}: {exc})"))
            return
        if index == 0:
            f.job.set_language(TranscriptionInfo(res.language, res.language_probability, 0, ""))
        heard = f.heard.setdefault(index, [])
        heard.extend(Segment.from_dict(d) for d in res.segments[len(heard) :])
        f.finished.add(index)
        self._flush(mid, f)

    def _flush(self, mid: str, f: _File) -> None:
        """Save, in file order, whatever is heard of the head part and of finished parts."""
        while f.head < len(f.parts):
            heard = f.heard.get(f.head, [])
            for seg in heard[f.saved :]:
                f.job.save(seg, self.progress)
            f.saved = len(heard)
            if f.head not in f.finished:
                return
            f.heard.pop(f.head, None)
            f.head, f.saved = f.head + 1, 0
        self._complete(mid)

    def _without(self, worker: str, why: str, f: _File, mid: str, index: int) -> None:
        """A worker without the model: said once, left out, its part sent elsewhere."""
        if worker not in self.no_model:
            self.no_model[worker] = why
            if self.on_warning:
                self.on_warning(f"{why}; its parts go to the other workers")
        try:
            self._submit(f, index)
        except WorkerModelError as exc:
            self._abandon(mid, exc)

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
