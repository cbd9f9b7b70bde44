"""Library: every media file, importing, and the transcription queue.

Import and transcription run in thread workers; they report through messages
(``tui.messages``) and stop between steps when their CancelToken is set.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from tapelog.archive.errors import Cancelled, TapelogError
from tapelog.archive.models import MediaRecord
from tapelog.archive.progress import CancelToken, ProgressEvent
from tapelog.archive.service import Archive
from tapelog.archive.statuses import ImportStatus, QueueStatus, TranscriptStatus, words
from tapelog.archive.transcribe_choice import options_for_media
from tapelog.archive.transcribe_choice import transcribe_options as choose_options
from tapelog.transcribe.types import AUTO_MODEL, TranscribeOptions
from tapelog.tui import casework
from tapelog.tui.format import col, eta_text
from tapelog.tui.fuzzy import Choice
from tapelog.tui.messages import (
    ArchiveChanged,
    ImportFinished,
    OpenPassage,
    OptionsChecked,
    ShowError,
    TranscribeFinished,
    TranscribeProgress,
)
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.widgets.dialogs import (
    ImportDialog,
    ImportRequest,
    TranscribeChoice,
    TranscribeOptionsDialog,
)
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, ProgressBar, Static
from textual.worker import get_current_worker

STATUS_FILTERS = ("all", *words(TranscriptStatus))


def transcribe_options(
    choice: TranscribeChoice, settings: dict[str, str], base: TranscribeOptions
) -> TranscribeOptions:
    """The options for ``choice``, by the CLI's rule (``archive.transcribe_choice``):
    ``auto`` model from the archive's settings, ``auto`` language detected."""
    return choose_options(
        settings, base, model=choice.model, language=choice.language, translate=choice.translate
    )


@dataclass
class LibraryRow:
    """One file in the list; its timecode is worked out only when the row is drawn
    (0.85 s for every file of a 10,000-file archive, most of them never on screen)."""

    media: MediaRecord
    archive: Archive = field(repr=False)
    tags: int = 0
    _timecode: str | None = field(default=None, repr=False)

    @property
    def timecode(self) -> str:
        if self._timecode is None:
            m = self.media
            self._timecode = self.archive.source_timecode(m, 0.0) or m.info.start_timecode or ""
        return self._timecode


def describe_options(options: TranscribeOptions, choice: TranscribeChoice) -> str:
    task = "translate to English" if options.task == "translate" else "transcribe"
    names = " · case names" if choice.vocab_from_cases else ""
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


class QueueItem(Horizontal):
    """One file in the transcription queue: name, progress bar, ETA."""

    DEFAULT_CSS = """
    QueueItem { height: 1; }
    QueueItem .q-name { width: 24; }
    QueueItem ProgressBar { width: 1fr; }
    QueueItem .q-eta { width: 18; }
    """

    def __init__(self, media: MediaRecord) -> None:
        super().__init__(id=f"q-{media.id}")
        self.media = media

    def compose(self) -> ComposeResult:
        yield Label(col(f"{self.media.id} {self.media.name}", 23), classes="q-name")
        yield ProgressBar(total=100, show_eta=False, show_percentage=True)
        yield Label(QueueStatus.QUEUED, classes="q-eta")

    def update_progress(self, event: ProgressEvent) -> None:
        if event.fraction is not None:
            self.query_one(ProgressBar).update(progress=event.fraction * 100)
        self.query_one(".q-eta", Label).update(eta_text(event.eta))

    def set_state(self, text: str) -> None:
        self.query_one(".q-eta", Label).update(text)


class LibraryScreen(TapelogScreen):
    DEFAULT_CSS = """
    LibraryScreen #lib-title { background: $boost; padding: 0 1; height: 1; }
    LibraryScreen #lib-head { color: $text-muted; height: 1; padding: 0 0 0 0; }
    LibraryScreen #queue { height: auto; max-height: 6; border-top: solid $primary; }
    LibraryScreen #queue.-empty { display: none; }
    """
    BINDINGS = [
        Binding("i", "import", "Import"),
        Binding("space", "mark", "Mark"),
        Binding("t", "transcribe", "Transcribe"),
        Binding("o", "options", "Options"),
        Binding("c", "cancel", "Cancel"),
        Binding("f", "filter", "Filter"),
        Binding("enter", "open", "Open", show=False),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status_filter = "all"
        self.marked: set[str] = set()
        self.rows: list[LibraryRow] = []
        # Filled and emptied from the UI thread, taken from by the queue's worker thread:
        # every look at it goes through the lock (``_queued``, ``_enqueue``, ...).
        self._queue: deque[str] = deque()
        self._queue_lock = threading.Lock()
        self._tokens: dict[str, CancelToken] = {}
        self._active: str | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="lib-title")
        yield Static(self._heading(80), id="lib-head")
        yield VirtualList(self._format, empty_text="No media yet: press i to import")
        yield Vertical(id="queue", classes="-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(VirtualList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    # -- rows

    def reload(self) -> None:
        media = self.guard(self.archive.list_media) or []
        counts = self.guard(casework.tag_counts, self.archive) or {}
        rows = []
        for m in media:
            if self.status_filter != "all" and m.transcript_status != self.status_filter:
                continue
            rows.append(LibraryRow(m, self.archive, counts.get(m.id, 0)))
        self.rows = rows
        self.query_one(VirtualList).set_items(rows)
        shown = f"{len(rows)} of {len(media)}" if self.status_filter != "all" else len(media)
        options = self.guard(self.options)
        queue = f" · {short_options(options, self.tapelog.transcribe_choice)}" if options else ""
        self.query_one("#lib-title", Label).update(
            f"Library · {shown} files · status: {self.status_filter}"
            + (f" · {len(self.marked)} marked" if self.marked else "")
            + queue
        )

    def refresh_from_archive(self) -> None:
        current = self._current()
        self.reload()
        if current is not None:
            ids = [r.media.id for r in self.rows]
            if current.id in ids:
                self.query_one(VirtualList).cursor = ids.index(current.id)

    @staticmethod
    def _widths(width: int) -> tuple[int, int]:
        name = max(10, width - 2 - 6 - 12 - 12 - 5 - 9 - 4)
        return name, width

    def _heading(self, width: int) -> str:
        name, _ = self._widths(width)
        return (
            "  "
            + col("ID", 6)
            + col("File", name)
            + col("Length", 12)
            + col("Source TC", 12)
            + col("Lang", 5)
            + col("Status", 9)
            + "Tags"
        )

    def on_resize(self) -> None:
        self.query_one("#lib-head", Static).update(self._heading(self.size.width))

    def _format(self, row: LibraryRow, index: int, width: int) -> Text:
        m = row.media
        name, _ = self._widths(width)
        status = m.transcript_status
        if self._active == m.id:
            status = QueueStatus.RUNNING
        elif self._queued(m.id):
            status = QueueStatus.QUEUED
        text = Text()
        text.append("● " if m.id in self.marked else "  ", style="bold yellow")
        text.append(col(m.id, 6))
        text.append(col(m.name, name))
        text.append(col(self.clock(m).length(m.info.duration), 12))
        text.append(col(row.timecode or "-", 12))
        text.append(col(m.language or "-", 5))
        style: dict[str, str] = {
            TranscriptStatus.DONE: "green",
            TranscriptStatus.FAILED: "red",
            TranscriptStatus.PARTIAL: "yellow",
            QueueStatus.RUNNING: "cyan",
        }
        text.append(col(status, 9), style=style.get(status, ""))
        text.append(str(row.tags) if row.tags else "-")
        return text

    def _current(self) -> MediaRecord | None:
        row = self.query_one(VirtualList).current
        return row.media if row else None

    # -- actions

    def action_reload(self) -> None:
        self.reload()

    def action_mark(self) -> None:
        media = self._current()
        if media is None:
            return
        self.marked.symmetric_difference_update({media.id})
        vlist = self.query_one(VirtualList)
        vlist.cursor += 1
        self.reload()

    def action_filter(self) -> None:
        i = STATUS_FILTERS.index(self.status_filter)
        self.status_filter = STATUS_FILTERS[(i + 1) % len(STATUS_FILTERS)]
        self.reload()

    def action_open(self) -> None:
        media = self._current()
        if media is not None:
            self.post_message(OpenPassage(media.id, 0.0))

    @on(VirtualList.Chosen)
    def _chosen(self) -> None:
        self.action_open()

    # -- import

    def action_import(self) -> None:
        start = os.environ.get("TAPELOG_IMPORT_DIR") or os.getcwd()
        self.app.push_screen(ImportDialog(start), self._import_chosen)

    def _import_chosen(self, request: ImportRequest | None) -> None:
        if request is None:
            return
        path = os.path.expanduser(request.path.rstrip(os.sep) or os.sep)
        if not os.path.exists(path):
            self.post_message(ShowError(f"{request.path}: no such file or folder"))
            return
        self.notify(f"Importing {os.path.basename(path) or path}…")
        self.run_import(path, request.recursive)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, path: str, recursive: bool) -> None:
        worker = get_current_worker()
        token = CancelToken()

        def progress(event: ProgressEvent) -> None:
            if worker.is_cancelled:
                token.cancel()

        try:
            results = self.archive.import_paths(
                [path], recursive=recursive, progress=progress, cancel=token
            )
        except TapelogError as exc:
            self.post_message(ShowError(str(exc)))
            return
        self.post_message(ImportFinished(results))

    def on_import_finished(self, message: ImportFinished) -> None:
        results = message.results
        new = sum(r.status == ImportStatus.IMPORTED for r in results)
        known = sum(r.status == ImportStatus.ALREADY_IMPORTED for r in results)
        failed = [r for r in results if r.status == ImportStatus.FAILED]
        self.reload()
        self.post_message(ArchiveChanged())
        if not results:
            self.post_message(ShowError("no media files found there", title="Nothing imported"))
            return
        self.notify(f"Imported {new} new, {known} already in the archive, {len(failed)} failed")
        copies = [r for r in results if r.duplicate_of]
        if copies:
            lines = "\n".join(
                f"{os.path.basename(r.path)} = {r.id} {os.path.basename(r.duplicate_of or '')}"
                for r in copies[:8]
            )
            more = f"\n… and {len(copies) - 8} more" if len(copies) > 8 else ""
            self.notify(
                f"Same content as files already here:\n{lines}{more}",
                title="Already imported",
                timeout=8,
                markup=False,
            )
        if failed:
            lines = "\n".join(f"• {r.error}" for r in failed[:8])
            more = f"\n… and {len(failed) - 8} more" if len(failed) > 8 else ""
            self.post_message(ShowError(lines + more, title=f"{len(failed)} files not imported"))

    # -- transcription queue

    def action_transcribe(self) -> None:
        ids = [r.media.id for r in self.rows if r.media.id in self.marked]
        if not ids and self._current() is not None:
            ids = [self._current().id]  # type: ignore[union-attr]
        queue = self.query_one("#queue", Vertical)
        added = 0
        for mid in ids:
            if mid in self._tokens:
                continue
            media = next(r.media for r in self.rows if r.media.id == mid)
            if not media.info.has_audio:
                self.notify(f"{media.name} has no audio", severity="warning")
                continue
            self._tokens[mid] = CancelToken()
            self._enqueue(mid)
            queue.mount(QueueItem(media))
            added += 1
        queue.set_class(not self._tokens, "-empty")
        self.marked.clear()
        self.reload()
        if added and self._active is None:
            self.run_queue()

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
        self.notify(f"Cancelling {target}")

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
        self.notify(f"Loading model {options.model}…", timeout=3)
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
        elif message.status == TranscriptStatus.DONE:
            self.notify(f"{message.media_id} transcribed: {message.detail}")

    def _finish_item(self, mid: str, status: str) -> None:
        self._tokens.pop(mid, None)
        for item in self.query(f"#q-{mid}").results(QueueItem):
            item.set_state(status)
            self.set_timer(2.0, item.remove)
        queue = self.query_one("#queue", Vertical)
        self.set_timer(2.1, lambda: queue.set_class(not self._tokens, "-empty"))
        self.reload()

    @property
    def busy(self) -> bool:
        return bool(self._tokens)
