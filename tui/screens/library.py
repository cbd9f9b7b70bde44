"""Library: every media file, importing, and the transcription queue (``transcribe_queue``).

Import and transcription run in thread workers; they report through messages
(``tui.messages``) and stop between steps when their CancelToken is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from rich.text import Text
from tapelog.archive.errors import TapelogError
from tapelog.archive.library import media_listing
from tapelog.archive.models import MediaRecord
from tapelog.archive.progress import CancelToken, ProgressEvent
from tapelog.archive.service import Archive
from tapelog.archive.statuses import ImportStatus, QueueStatus, TranscriptStatus, words
from tapelog.tui import casework
from tapelog.tui.format import col
from tapelog.tui.messages import ArchiveChanged, ImportFinished, OpenPassage, ShowError
from tapelog.tui.screens.transcribe_queue import TranscribeQueueScreen, short_options
from tapelog.tui.widgets.import_dialog import ImportDialog, ImportRequest
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static
from textual.worker import get_current_worker

STATUS_FILTERS = ("all", *words(TranscriptStatus))


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


class LibraryScreen(TranscribeQueueScreen):
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
        Binding("N", "names_again", "Names again", show=False),
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

    def compose(self) -> ComposeResult:
        yield Label("", id="lib-title", markup=False)
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
        media = self.guard(media_listing, self.archive) or []
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
            status = "names" if m.id in self._names_only else QueueStatus.RUNNING
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
            "names": "cyan",
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
        self.notify(f"Importing {os.path.basename(path) or path}…", markup=False)
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

    # -- transcription queue (``TranscribeQueueScreen``)

    def action_transcribe(self, names_only: bool = False) -> None:
        """Queue the marked files, or the one under the cursor."""
        media = [r.media for r in self.rows if r.media.id in self.marked]
        current = self._current()
        if not media and current is not None:
            media = [current]
        added = self.queue_media(media, names_only)
        self.marked.clear()
        self.reload()
        if added and self._active is None:
            self.run_queue()

    def action_names_again(self) -> None:
        """Queue the names pass alone (as `transcribe --names-again`) on the marked
        transcribed files, or the one under the cursor: after tagging them with their
        cases, a crew looks again for those cases' names without transcribing again."""
        self.action_transcribe(names_only=True)
