"""Interview view: one transcript line by line, with tags (``interview_tags``), edits,
speakers and playback."""

from __future__ import annotations

import bisect
import contextlib
import os

from rich.text import Text
from tapelog.archive import cases as casebook
from tapelog.archive.errors import Cancelled, TapelogError
from tapelog.archive.models import MediaRecord, Tag
from tapelog.archive.progress import CancelToken
from tapelog.transcribe.types import Segment
from tapelog.tui.format import col, one_line
from tapelog.tui.messages import ArchiveChanged, ShowError
from tapelog.tui.player import PLAYER_ENV, Playback, find_player
from tapelog.tui.screens.interview_tags import InterviewTags
from tapelog.tui.screens.interview_view import View, labels_by_key, names_given
from tapelog.tui.widgets.dialogs import InputDialog
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Footer, Label, Static

TAG_COL = 18


def player_env(archive) -> dict[str, str]:
    """The environment with the archive's `player` setting, unless TAPELOG_PLAYER is set."""
    env = dict(os.environ)
    if not env.get(PLAYER_ENV):
        try:
            configured = archive.setting("player")
        except (AttributeError, TapelogError):
            configured = ""
        if configured:
            env[PLAYER_ENV] = configured
    return env


class InterviewScreen(InterviewTags):
    DEFAULT_CSS = """
    InterviewScreen #iv-title { background: $boost; padding: 0 1; height: 1; }
    InterviewScreen #iv-detail { height: 5; border-top: solid $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit", "Edit line"),
        Binding("v", "select", "Select", show=False),  # the footer keeps tag keys in 80 cols
        Binding("g", "tag", "Tag"),
        Binding("t", "tags", "Tags"),
        Binding("G", "edit_tag", "Edit tag"),
        Binding("x,delete", "delete_tag", "Del tag"),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("n", "name_speaker", "Name speaker"),
        Binding("p", "play", "Play"),
        Binding("s", "stop", "Stop"),
        Binding("l", "translation", "Original/translation", show=False),
        Binding("N", "names_again", "Look again for case names", show=False),
    ]

    def __init__(self, media_id: str, start: float = 0.0) -> None:
        super().__init__()
        self.media_id = media_id
        self.start_at = start
        self.media: MediaRecord | None = None
        self.segments: list[Segment] = []
        self.starts: list[float] = []
        self.has_speakers = False
        self.names: dict[str, str] = {}
        self.tags: list[Tag] = []
        self.labels: dict[str, str] = {}
        self.given: list[str] = []  # the names Whisper was given for this transcript
        self._names_cancel: CancelToken | None = None  # a names pass running (N)
        self._tc_cache: dict[int, str] = {}
        self.playback: Playback | None = None
        self._follow: Timer | None = None
        self.chosen_tag: str | None = None  # picked in the tag list, for lines with several
        # Tag changes that u / Ctrl+Z takes back, newest last: ("added" | "edited" |
        # "deleted", the tag as it was before, or as added).
        self.undo_stack: list[tuple[str, Tag]] = []
        self.show_translation = False  # l: the English translation, beside the original
        self._serial = 0  # each read of the archive; only the latest is shown

    def compose(self) -> ComposeResult:
        yield Label("", id="iv-title", markup=False)
        yield VirtualList(
            self._format, empty_text="No transcript yet: transcribe it in the Library"
        )
        yield Static("", id="iv-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.jump_to(self.start_at)
        self.query_one(VirtualList).focus()

    def reload(self) -> None:
        """Read and show everything now, on the UI thread (after this screen's own write)."""
        self._serial += 1
        view = self._read()
        if view is not None:
            self._show(view)

    def _read(self) -> View | None:
        """What the screen shows, read from the archive; touches no widget (any thread)."""
        media = self.guard(self.archive.get_media, self.media_id)
        if media is None:
            return None
        read = self.archive.translation_segments if self.show_translation else self.archive.segments
        return View(
            media,
            self.guard(read, self.media_id) or [],
            self.guard(self.archive.speaker_names, self.media_id) or {},
            self.guard(casebook.list_tags, self.archive, media_id=self.media_id) or [],
            self.guard(labels_by_key, self.archive) or {},
            self.guard(names_given, self.archive, media) or [],
        )

    def _show(self, view: View) -> None:
        self.media = view.media
        self.segments = view.segments
        self.starts = [s.start for s in self.segments]
        self.has_speakers = any(s.speaker for s in self.segments)
        self.names, self.tags, self.labels, self.given = (
            view.names,
            view.tags,
            view.labels,
            view.given,
        )
        self._tc_cache.clear()
        self.query_one(VirtualList).set_items(self.segments)
        self._update_title()
        self._update_detail()

    def refresh_from_archive(self) -> None:
        """Reload now; the cursor and a range selection stay at the same times."""
        self._serial += 1
        view = self._read()
        if view is not None:
            self._show_keeping_place(view)

    def outside_change(self) -> None:
        """Another process wrote: read in a thread, so keys are answered meanwhile."""
        self._serial += 1
        self._read_outside(self._serial)

    @work(thread=True, exclusive=True, group="outside", exit_on_error=False)
    def _read_outside(self, serial: int) -> None:
        view = self._read()
        if view is not None and serial == self._serial:
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                self.app.call_from_thread(self._show_if_latest, serial, view)

    def _show_if_latest(self, serial: int, view: View) -> None:
        # A newer read (this screen's own write, or a later change) wins over this one.
        if serial == self._serial and self.is_mounted:
            self._show_keeping_place(view)

    def _show_keeping_place(self, view: View) -> None:
        vlist = self.query_one(VirtualList)
        seg = vlist.current
        anchor = vlist.range_anchor
        anchor_at = self.segments[anchor].start if anchor is not None else None
        self._show(view)
        if seg is not None:
            self.jump_to(seg.start)
        if anchor_at is not None and self.segments:
            i = bisect.bisect_right(self.starts, anchor_at + 1e-6) - 1
            vlist.range_anchor = max(0, i)
            vlist.refresh()
            self._update_detail()
        self.refresh_keys()

    def _update_title(self) -> None:
        m = self.media
        if m is None:
            return
        self.refresh_keys()  # Stop shows while playing
        playing = "  ▶ playing" if self.playback and self.playback.running else ""
        given = self.given
        names = ""
        if given:  # which names Whisper was given (the second look, or the crew's own)
            names = f" · names given: {', '.join(given[:2])}" + (
                f" +{len(given) - 2}" if len(given) > 2 else ""
            )
        self.query_one("#iv-title", Label).update(
            f"{m.id} · {m.name} · {self.clock(m).length(m.info.duration)} · {m.language or '-'} · "
            f"{len(self.segments)} lines · {len(self.tags)} tags{names}{playing}"
            + (" · English translation (l: original)" if self.show_translation else "")
        )

    # -- rows

    def timecode(self, index: int) -> str:
        tc = self._tc_cache.get(index)
        if tc is None:
            tc = self.clock(self.media).at(self.segments[index].start)
            self._tc_cache[index] = tc
        return tc

    def speaker(self, seg: Segment) -> str:
        if not seg.speaker:
            return ""
        return self.names.get(seg.speaker, seg.speaker)

    def _format(self, seg: Segment, index: int, width: int) -> Text:
        text = Text()
        text.append(col(self.timecode(index), 12), style="cyan")
        if self.has_speakers:
            text.append(col(self.speaker(seg), 10), style="bold magenta")
        tags = self.tags_at(seg)
        room = width - text.cell_len - (TAG_COL + 1 if tags else 0)
        text.append(col(seg.text.strip(), max(1, room)))
        if tags:
            names = ", ".join(dict.fromkeys(n for t in tags for n in self.tag_names(t)))
            text.append(" ")
            text.append(col("#" + names, TAG_COL), style="yellow")
        return text

    def _update_detail(self) -> None:
        vlist = self.query_one(VirtualList)
        seg = vlist.current
        detail = self.query_one("#iv-detail", Static)
        if seg is None:
            detail.update("")
            return
        lo, hi = vlist.selection
        head = f"{self.timecode(vlist.cursor)}  {self.speaker(seg)}".rstrip()
        if hi > lo:
            head += f"  · {hi - lo + 1} lines selected (g to tag)"
        tags = self.tags_at(seg)
        tag_line = "; ".join(
            ", ".join(self.tag_names(t)) + (f" — {one_line(t.note)}" if t.note else "")
            for t in tags
        )
        if tags:
            tag_line = f"Tags: {tag_line}  (G edits · x deletes · t lists)"
        detail.update(f"{head}\n{seg.text.strip()}" + (f"\n{tag_line}" if tags else ""))

    @on(VirtualList.Highlighted)
    def _moved(self) -> None:
        self._update_detail()
        self.refresh_keys()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Tag edit/delete show (and work) on a tagged line; undo once there is one."""
        if action in ("edit_tag", "delete_tag"):
            return bool(self._tags_here())
        if action == "undo":
            return bool(self.undo_stack)
        if action == "stop":
            return self.playback is not None
        return True

    def jump_to(self, seconds: float) -> None:
        if not self.segments:
            return
        i = bisect.bisect_right(self.starts, seconds + 1e-6) - 1
        self.query_one(VirtualList).cursor = max(0, i)

    # -- actions

    def action_back(self) -> None:
        vlist = self.query_one(VirtualList)
        if vlist.range_anchor is not None:
            vlist.clear_selection()
            self._update_detail()
            return
        self.action_stop()
        self.app.pop_screen()

    def action_select(self) -> None:
        vlist = self.query_one(VirtualList)
        if vlist.range_anchor is None:
            vlist.start_selection()
            self.notify("Selecting: move with ↑/↓, g to tag, Esc to clear", timeout=3)
        else:
            vlist.clear_selection()
        self._update_detail()

    def action_translation(self) -> None:
        """Switch between the words spoken and the English translation kept beside them."""
        if not self.show_translation and not (self.media and self.media.translation_id):
            self.notify("No English translation of this file yet (o in the Library)", timeout=4)
            return
        self.show_translation = not self.show_translation
        self.refresh_from_archive()  # the cursor stays at the same time
        shown = "English translation" if self.show_translation else "original"
        self.notify(f"Showing the {shown} (l switches)", timeout=2)

    def action_edit(self) -> None:
        vlist = self.query_one(VirtualList)
        seg = vlist.current
        if seg is None:
            return
        if self.show_translation:
            self.notify("Corrections are made to the original: l shows it", timeout=3)
            return

        def done(text: str | None) -> None:
            if text is None or text.strip() == seg.text.strip():
                return
            corr = self.guard(self.archive.correct_segment, self.media_id, seg.start, seg.end, text)
            if corr is not None:
                self.notify("Line corrected (the old text is kept in history)")
                self.reload()
                self.post_message(ArchiveChanged())
                self.align_line(corr)

        self.app.push_screen(
            InputDialog(f"Correct the line at {self.timecode(vlist.cursor)}", seg.text.strip()),
            done,
        )

    @work(thread=True, group="align", exit_on_error=False)
    def align_line(self, corr) -> None:
        """Give the corrected words their own times (a second or so), off the UI thread."""
        from tapelog.archive.realign import align_correction

        try:
            align_correction(self.archive, corr)
        except TapelogError as exc:
            self.app.call_from_thread(
                self.notify,
                f"Line kept without word times: {exc}",
                severity="warning",
                markup=False,
            )
            return
        self.post_message(ArchiveChanged())

    @on(VirtualList.Chosen)
    def _chosen(self) -> None:
        self.action_edit()

    def action_name_speaker(self) -> None:
        seg = self.query_one(VirtualList).current
        if seg is None:
            return
        if not seg.speaker:
            self.post_message(
                ShowError(
                    "this line has no speaker label: one voice was heard, or the file "
                    "was transcribed with --no-diarize"
                )
            )
            return
        label = seg.speaker

        def done(name: str | None) -> None:
            if name is None:
                return
            if self.attempt(self.archive.rename_speaker, label, name, media_id=self.media_id):
                self.reload()
                self.post_message(ArchiveChanged())
                # The voice print was saved with the name (archive.voices).
                self.notify_suggestions()

        current = self.names.get(label, "")
        self.app.push_screen(InputDialog(f"Name speaker {label}", current), done)

    def notify_suggestions(self) -> None:
        """Say how many speakers elsewhere now sound like a named voice (reviewed with
        `tapelog speakers matches`), so a name is never applied behind the crew's back."""
        from tapelog.archive.voices import list_matches

        pending = self.guard(list_matches, self.archive) or []
        if pending:
            self.app.notify(
                f"{len(pending)} speaker(s) in other files sound like a named voice: "
                "review with `tapelog speakers matches`"
            )

    # -- playback

    def action_play(self) -> None:
        seg = self.query_one(VirtualList).current
        if self.media is None:
            return
        self.action_stop()
        start = seg.start if seg is not None else 0.0
        try:
            player = find_player(player_env(self.archive))
            path = self.archive.media_path(self.media)
            playback = Playback(player, path, start)
            playback.play()
        except TapelogError as exc:
            self.post_message(ShowError(str(exc), title="Cannot play"))
            return
        self.playback = playback
        self._follow = self.set_interval(0.25, self._follow_playback)
        self._update_title()

    def _follow_playback(self) -> None:
        playback = self.playback
        if playback is None or not playback.running:
            self.action_stop()
            return
        self.jump_to(playback.position())

    def action_stop(self) -> None:
        if self._follow is not None:
            self._follow.stop()
            self._follow = None
        if self.playback is not None:
            self.playback.stop()
            self.playback = None
            self._update_title()

    def action_names_again(self) -> None:
        """The names pass alone on this file (``second_look.look_again``, as `transcribe
        --names-again`): after the crew tagged it with its case."""
        if self.media is None or self.media.transcript_status != "done":
            self.notify("Transcribe this file first (t in the Library)", timeout=3)
            return
        if self._names_cancel is not None:
            self.notify("Already looking again for names in this file", timeout=3)
            return
        self.notify("Looking again for case names…", timeout=3)
        self._names_cancel = CancelToken()
        self._names_again(self._names_cancel)

    @work(thread=True, exclusive=True, group="names", exit_on_error=False)
    def _names_again(self, cancel: CancelToken) -> None:
        from tapelog.archive.second_look import look_again

        try:
            look = look_again(self.archive, self.media_id, cancel=cancel)
        except Cancelled:
            return
        except TapelogError as exc:
            self.post_message(ShowError(str(exc), title="Looking again for names failed"))
            return
        finally:
            self._names_cancel = None
        if look is None:
            said = "No case names to look for: tag the file with its case (g), then N"
        else:
            said = f"Names given: {', '.join(look.names)}; {look.changed} stretch(es) changed"
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self.app.call_from_thread(self.notify, said, timeout=8)
        self.post_message(ArchiveChanged())

    def on_unmount(self) -> None:
        if self._names_cancel is not None:
            self._names_cancel.cancel()
        self.action_stop()
