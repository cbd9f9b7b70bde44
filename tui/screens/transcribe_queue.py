"""The Library's transcription queue: files wait their turn, one worker transcribes them.

``TranscribeQueueScreen`` holds the queue, its options and the worker; the Library screen
builds on it and decides which files go in (marked ones, or the one under the cursor).
The queue is filled and emptied from the UI thread and taken from by the worker
thread, so every look at it goes through a lock.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable

from tapelog.archive.errors import Cancelled, TapelogError
from tapelog.archive.models import MediaRecord
from tapelog.archive.progress import CancelToken, ProgressEvent
from tapelog.archive.statuses import QueueStatus, TranscriptStatus
from tapelog.archive.transcribe_choice import options_for_media
from tapelog.archive.transcribe_choice import transcribe_options as choose_options
from tapelog.transcribe.types import AUTO_MODEL, TranscribeOptions
from tapelog.tui.format import col, eta_text
from tapelog.tui.fuzzy import Choice
from tapelog.tui.messages import (
    ArchiveChanged,
    OptionsChecked,
    ShowError,
    TranscribeFinished,
    TranscribeProgress,
)
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.widgets.transcribe_dialog import TranscribeChoice, TranscribeOptionsDialog
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker


def transcribe_options(
    choice: TranscribeChoice, settings: dict[str, str], base: TranscribeOptions
) -> TranscribeOptions:
    """The options for ``choice``, by the CLI's rule (``archive.transcribe_choice``):
    ``auto`` model from the archive's settings, ``auto`` language detected."""
    return choose_options(
        settings,
        base,
        model=choice.model,
        language=choice.language,
        translate=choice.translate,
        batch_size=choice.batch_size,
    )


def describe_options(options: TranscribeOptions, choice: TranscribeChoice) -> str:
    task = "translate to English" if options.task == "translate" else "transcribe"
    names = " · case names" if choice.vocab_from_cases else ""
    if options.batch_size is not None:
        names += (
            f" · batch {options.batch_size}" if options.batch_size else " · one window at a time"
        )
    if options.model == AUTO_MODEL:
        return f"English model for English, multilingual for the rest · {task}{names}"
    return f"{options.model} · {options.language or 'auto'} · {task}{names}"


def short_options(options: TranscribeOptions, choice: TranscribeChoice) -> str:
    """``tiny.en auto``, ``base zh→en +names``: what t will use, for the title line."""
    model = options.model if len(options.model) <= 16 else "…" + options.model[-15:]
    task = "→en" if options.task == "translate" else ""
    names = " +names" if choice.vocab_from_cases else ""
    if options.model == AUTO_MODEL:  # tiny.en for English, base for the rest: per file
        return f"whisper: model by language{task}{names}"
    return f"whisper: {model} {options.language or 'auto'}{task}{names}"


# What a queued names pass (``queue_media(..., names_only=True)``) ends as.
NAMES_DONE = "names done"
NAMES_FAILED = "names failed"


class QueueItem(Horizontal):
    """One file in the transcription queue: name, progress bar, ETA."""

    DEFAULT_CSS = """
    QueueItem { height: 1; }
    QueueItem .q-name { width: 24; }
    QueueItem ProgressBar { width: 1fr; }
    QueueItem .q-eta { width: 18; }
    """

    def __init__(self, media: MediaRecord, names_only: bool = False) -> None:
        super().__init__(id=f"q-{media.id}")
        self.media = media
        self.names_only = names_only

    def compose(self) -> ComposeResult:
        label = f"{self.media.id} {'names ' if self.names_only else ''}{self.media.name}"
        yield Label(col(label, 23), classes="q-name", markup=False)
        yield ProgressBar(total=100, show_eta=False, show_percentage=True)
        yield Label(QueueStatus.QUEUED, classes="q-eta")

    def update_progress(self, event: ProgressEvent) -> None:
        if event.fraction is not None:
            self.query_one(ProgressBar).update(progress=event.fraction * 100)
        self.query_one(".q-eta", Label).update(eta_text(event.eta))

    def set_state(self, text: str) -> None:
        self.query_one(".q-eta", Label).update(text)


class TranscribeQueueScreen(TapelogScreen):
    """A screen with a transcription queue (the Library); ``_current`` is the file the
    cursor is on, which `c` cancels if it is queued."""

    def __init__(self) -> None:
        super().__init__()
        # Filled and emptied from the UI thread, taken from by the queue's worker thread:
        # every look at it goes through the lock (``_queued``, ``_enqueue``, ...).
        self._queue: deque[str] = deque()
        self._queue_lock = threading.Lock()
        self._tokens: dict[str, CancelToken] = {}
        self._active: str | None = None
        # Files queued for the names pass alone (``second_look.look_again``, as
        # `transcribe --names-again`), not a new transcription.
        self._names_only: set[str] = set()

    def _current(self) -> MediaRecord | None:
        return None

    def queue_media(self, media: list[MediaRecord], names_only: bool = False) -> int:
        """Put files with audio at the end of the queue (once each); how many went in.
        ``names_only``: for the names pass alone, on files already transcribed (after
        the crew tagged them with their cases)."""
        queue = self.query_one("#queue", Vertical)
        added = 0
        for m in media:
            if m.id in self._tokens:
                continue
            if not m.info.has_audio:
                self.notify(f"{m.name} has no audio", severity="warning", markup=False)
                continue
            if names_only and m.transcript_status != TranscriptStatus.DONE:
                self.notify(f"{m.name}: transcribe it first (t)", severity="warning", markup=False)
                continue
            self._tokens[m.id] = CancelToken()
            if names_only:
                self._names_only.add(m.id)
            self._enqueue(m.id)
            queue.mount(QueueItem(m, names_only))
            added += 1
        queue.set_class(not self._tokens, "-empty")
        return added

    def _queued(self, mid: str) -> bool:
        with self._queue_lock:
            return mid in self._queue

    def _enqueue(self, mid: str) -> None:
        with self._queue_lock:
            self._queue.append(mid)

    def _unqueue(self, mid: str) -> bool:
        """Take ``mid`` off the queue; False if the worker has already taken it."""
        with self._queue_lock:
            if mid not in self._queue:
                return False
            self._queue.remove(mid)
            return True

    def _next_queued(self) -> str | None:
        """The next file for the worker, or None when the queue is empty."""
        with self._queue_lock:
            return self._queue.popleft() if self._queue else None

    def action_cancel(self) -> None:
        """Cancel the file under the cursor if queued, else the running one."""
        media = self._current()
        target = media.id if media is not None and media.id in self._tokens else self._active
        if target is None:
            self.notify("Nothing to cancel")
            return
        self._tokens[target].cancel()
        if self._unqueue(target):
            self._finish_item(target, QueueStatus.CANCELLED)
        self.notify(f"Cancelling {target}", markup=False)

    def options(self, media_id: str | None = None) -> TranscribeOptions:
        """The options the queue uses (for ``media_id``: with its case-name vocabulary)."""
        choice = self.tapelog.transcribe_choice
        options = transcribe_options(
            choice, self.archive.settings(), self.tapelog.transcribe_options
        )
        if media_id is not None:
            # In the queue's worker: telling the language takes base about a second.
            # Ticked: a second look with the case names; unticked: the archive decides
            # (by default, whenever it holds case records).
            options = options_for_media(
                self.archive, media_id, options, vocab_from_cases=choice.vocab_from_cases or None
            )
        return options

    # -- transcription options

    def action_options(self, current: TranscribeChoice | None = None) -> None:
        from tapelog.transcribe.models import available_models

        settings = self.guard(self.archive.settings) or {}
        names = dict.fromkeys(["auto", "tiny.en", "base", *available_models()])
        hint = (
            f"auto: {settings.get('model', 'tiny.en')} for English, "
            f"{settings.get('model_multilingual', 'base')} otherwise (tapelog config)"
        )
        dialog = TranscribeOptionsDialog(
            current or self.tapelog.transcribe_choice, [Choice(n, n) for n in names], hint
        )
        self.app.push_screen(dialog, self._options_chosen)

    def _options_chosen(self, choice: TranscribeChoice | None) -> None:
        if choice is None:
            return
        from tapelog.transcribe.engine import check_options

        try:
            settings = self.archive.settings()
            options = transcribe_options(choice, settings, self.tapelog.transcribe_options)
            check_options(options)
        except TapelogError as exc:
            self.post_message(OptionsChecked(choice, None, str(exc)))
            return
        self.notify(f"Loading model {options.model}…", timeout=3, markup=False)
        self.check_model(choice, options)

    @work(thread=True, exclusive=True, group="options", exit_on_error=False)
    def check_model(self, choice: TranscribeChoice, options: TranscribeOptions) -> None:
        """Load the model once (cached for the queue): a bad name is an error here."""
        from tapelog.transcribe.engine import get_engine

        try:
            get_engine(options)
        except TapelogError as exc:
            self.post_message(OptionsChecked(choice, options, str(exc)))
            return
        self.post_message(OptionsChecked(choice, options))

    def on_options_checked(self, message: OptionsChecked) -> None:
        if message.error is not None:
            # Back to the dialog with what was typed, the reason on top of it.
            self.action_options(message.choice)
            self.post_message(ShowError(message.error, title="Transcription options refused"))
            return
        self.tapelog.transcribe_choice = message.choice
        self.notify(f"Queue: {describe_options(message.options, message.choice)}", markup=False)
        self.reload()

    @work(thread=True, group="transcribe", exit_on_error=False)
    def run_queue(self) -> None:
        worker = get_current_worker()
        while not worker.is_cancelled:
            mid = self._next_queued()
            if mid is None:
                break
            token = self._tokens.get(mid)
            if token is None or token.cancelled:
                continue
            self._active = mid
            progress = self._progress_callback(mid, token)
            if mid in self._names_only:
                self._look_again(mid, progress, token)
                continue
            try:
                result = self.archive.transcribe(
                    mid, self.options(mid), progress=progress, cancel=token
                )
                detail = f"{result.segments} segments, {result.language or '?'}"
                self.post_message(TranscribeFinished(mid, TranscriptStatus.DONE, detail))
            except Cancelled:
                self.post_message(TranscribeFinished(mid, QueueStatus.CANCELLED))
            except TapelogError as exc:
                with contextlib.suppress(TapelogError):
                    self.archive.mark_failed(mid, str(exc))
                self.post_message(TranscribeFinished(mid, TranscriptStatus.FAILED, str(exc)))
            finally:
                self._active = None

    def _look_again(
        self, mid: str, progress: Callable[[ProgressEvent], None], token: CancelToken
    ) -> None:
        """The names pass alone on one queued file, in the queue's worker. A failure
        leaves the transcript as it was (it is not marked failed)."""
        from tapelog.archive.second_look import look_again

        try:
            look = look_again(self.archive, mid, progress=progress, cancel=token)
        except Cancelled:
            self.post_message(TranscribeFinished(mid, QueueStatus.CANCELLED))
        except TapelogError as exc:
            self.post_message(TranscribeFinished(mid, NAMES_FAILED, str(exc)))
        else:
            if look is None:
                said = "no case names to look for: tag it with its case (g in the interview)"
            else:
                said = f"names given: {', '.join(look.names)}; {look.changed} stretch(es) changed"
            self.post_message(TranscribeFinished(mid, NAMES_DONE, said))
        finally:
            self._active = None

    def _progress_callback(self, mid: str, token: CancelToken) -> Callable[[ProgressEvent], None]:
        """Posts progress at most 10 times a second; a cancelled worker cancels the token."""
        worker = get_current_worker()
        last = 0.0

        def progress(event: ProgressEvent) -> None:
            nonlocal last
            if worker.is_cancelled:
                token.cancel()
            now = time.monotonic()
            if now - last >= 0.1 or (event.total and event.done >= event.total):
                last = now
                self.post_message(TranscribeProgress(mid, event))

        return progress

    def on_transcribe_progress(self, message: TranscribeProgress) -> None:
        for item in self.query(f"#q-{message.media_id}").results(QueueItem):
            item.update_progress(message.event)

    def on_transcribe_finished(self, message: TranscribeFinished) -> None:
        self._finish_item(message.media_id, message.status)
        self.reload()
        self.post_message(ArchiveChanged())
        if message.status == TranscriptStatus.FAILED:
            self.post_message(ShowError(message.detail, title="Transcription failed"))
        elif message.status == NAMES_FAILED:
            title = f"Looking again for names in {message.media_id} failed"
            self.post_message(ShowError(message.detail, title=title))
        elif message.status == TranscriptStatus.DONE:
            self.notify(f"{message.media_id} transcribed: {message.detail}", markup=False)
        elif message.status == NAMES_DONE:
            self.notify(f"{message.media_id}: {message.detail}", timeout=8, markup=False)

    def _finish_item(self, mid: str, status: str) -> None:
        self._tokens.pop(mid, None)
        self._names_only.discard(mid)
        for item in self.query(f"#q-{mid}").results(QueueItem):
            item.set_state(status)
            self.set_timer(2.0, item.remove)
        queue = self.query_one("#queue", Vertical)
        self.set_timer(2.1, lambda: queue.set_class(not self._tokens, "-empty"))
        self.reload()

    @property
    def busy(self) -> bool:
        return bool(self._tokens)
