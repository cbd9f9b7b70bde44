"""Voice review: other files' speakers that sound like a named voice, one key each.

The same suggestions and decisions as ``tapelog speakers matches / accept / reject``
(``archive.voices``): a suggestion is never applied until accepted here or there. The
preview shows the speaker's first lines; ``p`` plays the first one, so the reviewer
hears the voice before giving it a name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from tapelog.archive import voices
from tapelog.archive.errors import TapelogError
from tapelog.archive.voices import VoiceMatch
from tapelog.tui.format import col
from tapelog.tui.messages import ArchiveChanged, OpenPassage, ShowError
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Label, Static

if TYPE_CHECKING:
    from tapelog.transcribe.types import Segment
    from tapelog.tui.player import Playback


class VoicesScreen(TapelogScreen):
    DEFAULT_CSS = """
    VoicesScreen #voices-title { background: $boost; padding: 0 1; height: 1; }
    VoicesScreen #voices-preview { height: 7; border-top: solid $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("p", "play", "Play voice"),
        Binding("s", "suggest", "Match again"),
        Binding("escape", "stop", "Stop", show=False),
        Binding("enter", "open", "Open file", show=False),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[VoiceMatch] = []
        self.sources: dict[str, tuple[str, str]] = {}
        self.names: dict[str, str] = {}
        self._lines: dict[tuple[str, str], list[Segment]] = {}
        self.playback: Playback | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="voices-title")
        yield VirtualList(self._format, empty_text="No voice suggestions waiting for review")
        yield Static("", id="voices-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(VirtualList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.matches = self.guard(voices.list_matches, self.archive) or []
        self.sources = self.guard(voices.voice_sources, self.archive) or {}
        self.names = {m.id: m.name for m in self.guard(self.archive.list_media) or []}
        self._lines.clear()
        self.query_one(VirtualList).set_items(self.matches)
        self.query_one("#voices-title", Label).update(
            f"Voice review · {len(self.matches)} suggested · a accept · x reject"
            " · p play · s match again"
        )
        self._update_preview()

    def refresh_from_archive(self) -> None:
        current = self._current()
        self.reload()
        ids = [m.id for m in self.matches]
        if current is not None and current.id in ids:
            self.query_one(VirtualList).cursor = ids.index(current.id)

    def _first_lines(self, m: VoiceMatch) -> list[Segment]:
        key = (m.media_id, m.label)
        if key not in self._lines:
            self._lines[key] = self.guard(voices.first_lines, self.archive, *key) or []
        return self._lines[key]

    def _format(self, m: VoiceMatch, index: int, width: int) -> Text:
        text = Text()
        text.append(f"{m.score:4.2f} ")
        text.append(col(f"{m.label} in {self.names.get(m.media_id, m.media_id)}", 34))
        text.append(" sounds like ")
        text.append(m.name, style="bold yellow")
        if m.flags:
            text.append(f" [{', '.join(m.flags)}]", style="red")
        return text

    def _update_preview(self) -> None:
        m = self._current()
        pane = self.query_one("#voices-preview", Static)
        if m is None:
            pane.update("")
            return
        out = Text()
        src_media, src_label = self.sources.get(m.voice_id, ("?", "?"))
        out.append(
            f"{m.name}'s voice was named in {self.names.get(src_media, src_media)} "
            f"({src_label}) · score {m.score:.2f}\n",
            style="dim",
        )
        if m.flags:
            out.append(f"{m.name} is flagged: {', '.join(m.flags)}\n", style="red")
        clock = self.clocks[m.media_id]
        for seg in self._first_lines(m):
            out.append(f"{clock.at(seg.start)} ", style="cyan")
            out.append(f"{m.label}: {seg.text.strip()}\n")
        pane.update(out)

    @on(VirtualList.Highlighted)
    def _moved(self) -> None:
        self._update_preview()

    def _current(self) -> VoiceMatch | None:
        return self.query_one(VirtualList).current

    def action_reload(self) -> None:
        self.reload()

    def _decide(self, accept: bool) -> None:
        m = self._current()
        if m is None:
            return
        if self.attempt(voices.decide, self.archive, m.id, accept):
            verb = "named" if accept else "is not"
            self.notify(f"{m.label} in {self.names.get(m.media_id, m.media_id)} {verb} "
                        f"{m.name}", timeout=2, markup=False)  # fmt: skip
            self.reload()
            self.post_message(ArchiveChanged())

    def action_accept(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)

    def action_play(self) -> None:
        """Play the speaker's first line (the player's own window)."""
        from tapelog.tui.player import Playback, find_player
        from tapelog.tui.screens.interview import player_env

        m = self._current()
        lines = self._first_lines(m) if m else []
        if m is None or not lines:
            return
        self.action_stop()
        try:
            media = self.archive.get_media(m.media_id)
            player = find_player(player_env(self.archive))
            playback = Playback(player, self.archive.media_path(media), lines[0].start)
            playback.play()
        except TapelogError as exc:
            self.post_message(ShowError(str(exc), title="Cannot play"))
            return
        self.playback = playback
        self.notify(f"Playing {m.label} from {self.clocks[m.media_id].at(lines[0].start)}",
                    timeout=2, markup=False)  # fmt: skip

    def action_stop(self) -> None:
        if self.playback is not None:
            self.playback.stop()
            self.playback = None

    def on_unmount(self) -> None:
        self.action_stop()

    def action_suggest(self) -> None:
        self.notify("Matching every file's speakers to the named voices…")
        self.run_suggest()

    @work(thread=True, exclusive=True, group="voices", exit_on_error=False)
    def run_suggest(self) -> None:
        try:
            found = voices.suggest(self.archive)
        except TapelogError as exc:
            self.post_message(ShowError(str(exc)))
            return
        self.app.call_from_thread(self._suggested, len(found))

    def _suggested(self, count: int) -> None:
        self.reload()
        self.notify(f"{count} new voice suggestions")

    def action_open(self) -> None:
        m = self._current()
        if m is not None:
            lines = self._first_lines(m)
            self.post_message(OpenPassage(m.media_id, lines[0].start if lines else 0.0))

    @on(VirtualList.Chosen)
    def _chosen(self) -> None:
        self.action_open()
