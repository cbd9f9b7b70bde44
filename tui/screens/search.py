"""Search: one query box over every transcript, live results, filters, saved selections.

Typing restarts a short debounce timer; the query then runs in a thread worker (the
newest query wins, older ones are cancelled), so typing never waits on the index.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from tapelog.archive.errors import TapelogError
from tapelog.tui import casework
from tapelog.tui.format import col, one_line
from tapelog.tui.fuzzy import Choice, resolve
from tapelog.tui.messages import OpenPassage, SearchFinished, ShowError
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.widgets.dialogs import DIALOG_CSS, InputDialog
from tapelog.tui.widgets.fuzzy_input import FuzzyInput
from tapelog.tui.widgets.ordered_input import OrderedInput
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static
from textual.worker import get_current_worker

if TYPE_CHECKING:
    from tapelog.tui.player import Playback

DEBOUNCE_S = 0.2
FILTER_KEYS = ("case", "person", "theme", "speaker", "language")


@dataclass
class Filters:
    values: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.values.items() if v) or "none"


class FilterDialog(ModalScreen[Filters | None]):
    """Case, person, theme, speaker and language filters, each with autocomplete."""

    DEFAULT_CSS = DIALOG_CSS + "FilterDialog { align: center middle; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Apply")]

    def __init__(self, current: Filters, choices: dict[str, list[Choice]]) -> None:
        super().__init__()
        self.current = current
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Search filters (empty = any)", classes="title")
            for key in FILTER_KEYS:
                yield Label(key.capitalize())
                yield FuzzyInput(
                    self.choices.get(key, []),
                    value=self.current.values.get(key, ""),
                    multiple=False,
                    id=f"filter-{key}",
                )
            yield Label("Tab completes · Enter on the last field or Ctrl+S applies", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#filter-case Input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.focused is self.query_one("#filter-language Input"):
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        values = {}
        for key in FILTER_KEYS:
            value = self.query_one(f"#filter-{key}", FuzzyInput).value.strip()
            found = resolve(value, self.choices.get(key, [])) if value else None
            values[key] = found.key if found else value
        self.dismiss(Filters(values))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchScreen(TapelogScreen):
    DEFAULT_CSS = """
    SearchScreen #search-box { height: 3; }
    SearchScreen #search-status { height: 1; padding: 0 1; color: $text-muted; }
    SearchScreen #search-preview { height: 6; border-top: solid $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+f", "toggle_fuzzy", "Exact/fuzzy"),
        Binding("ctrl+o", "filters", "Filters"),
        Binding("ctrl+s", "save", "Save selection"),
        Binding("p,ctrl+l", "play", "Play quote"),
        Binding("s", "stop", "Stop", show=False),
        Binding("space", "mark", "Mark", show=False),
        Binding("escape", "focus_query", "Query", show=False),
        Binding("down", "focus_results", "Results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.fuzzy = False
        self.filters = Filters()
        self.hits: list = []
        self.marked: set[int] = set()
        self._serial = 0
        self._debounce: Timer | None = None
        self.last_elapsed: float | None = None
        self.last_query = ""
        self.results_at = 0.0
        self._keep_cursor = False  # a refresh after an outside change keeps the cursor
        self.playback: Playback | None = None

    def compose(self) -> ComposeResult:
        yield OrderedInput(placeholder="Search every transcript…", id="search-box")
        yield Label("Type to search · Ctrl+F fuzzy · Ctrl+O filters", id="search-status")
        yield VirtualList(self._format, empty_text="No results")
        yield Static("", id="search-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    # -- querying

    @on(Input.Changed, "#search-box")
    def _changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, self.start_search)

    @on(Input.Submitted, "#search-box")
    def _submitted(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.start_search()
        if self.hits:
            self._focus_now(self.query_one(VirtualList))

    def start_search(self) -> None:
        query = self.query_one(Input).value.strip()
        self._serial += 1
        if not query:
            self.workers.cancel_group(self, "search")
            self.hits = []
            self.query_one(VirtualList).set_items([])
            self._status("Type to search · Ctrl+F fuzzy · Ctrl+O filters")
            return
        self._status(f"searching “{query}”…")
        self.run_search(self._serial, query, self.fuzzy, dict(self.filters.values))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, serial: int, query: str, fuzzy: bool, filters: dict[str, str]) -> None:
        worker = get_current_worker()
        t0 = time.perf_counter()
        try:
            spans = casework.filter_spans(
                self.archive,
                case=filters.get("case") or None,
                person=filters.get("person") or None,
                theme=filters.get("theme") or None,
            )
            if worker.is_cancelled:
                return
            hits = self.archive.search(
                query,
                fuzzy=fuzzy,
                limit=200,
                spans=spans,
                speakers=[filters["speaker"]] if filters.get("speaker") else None,
                languages=[filters["language"]] if filters.get("language") else None,
            )
        except TapelogError as exc:
            self.post_message(ShowError(str(exc), title="Search failed"))
            return
        if not worker.is_cancelled:
            self.post_message(SearchFinished(serial, query, hits, time.perf_counter() - t0))

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.serial != self._serial:
            return  # an older query finished after a newer one started
        self.hits = message.hits
        self.marked.clear()
        self.last_elapsed = message.elapsed
        self.last_query = message.query
        self.results_at = time.perf_counter()  # when the results were drawn (benchmarks)
        keep, self._keep_cursor = self._keep_cursor, False
        self.query_one(VirtualList).set_items(self.hits, cursor=None if keep else 0)
        self._update_status()
        self._update_preview()

    def refresh_from_archive(self) -> None:
        """Run the query again: the results may have changed (new transcripts, names)."""
        if self.query_one(Input).value.strip() and not self.marked:
            self._keep_cursor = True
            self.start_search()

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Label).update(text)

    def _update_status(self) -> None:
        mode = "fuzzy" if self.fuzzy else "exact"
        n = len(self.hits)
        marked = f" · {len(self.marked)} marked" if self.marked else ""
        # Whisper mishears names; an editor who finds nothing should know what to try.
        hint = " · Ctrl+F: fuzzy finds misspellings" if n == 0 and not self.fuzzy else ""
        self._status(
            f"{n} hit{'s' * (n != 1)} · {mode} · filters: {self.filters.describe()}{marked}{hint}"
        )

    # -- rows

    def _format(self, hit, index: int, width: int) -> Text:
        text = Text()
        text.append("● " if index in self.marked else "  ", style="bold yellow")
        tc = self.clocks[hit.media_id].at(hit.match_start)
        text.append(col(tc, 12), style="cyan")
        media_name = hit.path.rsplit("/", 1)[-1]
        text.append(col(media_name, 14))
        text.append(" ")
        text.append(col(hit.speaker or "", 9) + " ", style="magenta")
        if hit.flags:
            text.append("⚠" + ",".join(hit.flags) + " ", style="bold red")
        text.append_text(_quote(hit))
        return text

    def _update_preview(self) -> None:
        hit = self.query_one(VirtualList).current
        preview = self.query_one("#search-preview", Static)
        if hit is None:
            preview.update("")
            return
        name = hit.path.rsplit("/", 1)[-1]
        flags = f"  ⚠ {', '.join(hit.flags)}" if hit.flags else ""
        span = self.clocks[hit.media_id].span(hit.match_start, hit.match_end)
        span = f"words {span}" if hit.word_timed else f"line {span} (no word times)"
        body = Text(f"{hit.media_id} {name} · {span}{flags}\n", style="dim")
        for line in hit.context_before[-1:]:
            body.append(line.strip() + "\n", style="dim")
        body.append_text(_quote(hit))
        for line in hit.context_after[:1]:
            body.append("\n" + line.strip(), style="dim")
        preview.update(body)

    @on(VirtualList.Highlighted)
    def _moved(self) -> None:
        self._update_preview()

    @on(VirtualList.Chosen)
    def _chosen(self, event: VirtualList.Chosen) -> None:
        hit = self.hits[event.index]
        self.post_message(OpenPassage(hit.media_id, hit.match_start))

    # -- actions

    def action_play(self) -> None:
        """Play the highlighted hit from its first matched word (the player's own window)."""
        from tapelog.tui.player import Playback, find_player
        from tapelog.tui.screens.interview import player_env

        hit = self.query_one(VirtualList).current
        if hit is None:
            return
        self.action_stop()
        try:
            media = self.archive.get_media(hit.media_id)
            player = find_player(player_env(self.archive))
            playback = Playback(player, self.archive.media_path(media), hit.match_start)
            playback.play()
        except TapelogError as exc:
            self.post_message(ShowError(str(exc), title="Cannot play"))
            return
        self.playback = playback
        self.notify(f"Playing from {self.clocks[hit.media_id].at(hit.match_start)}", timeout=2)

    def action_stop(self) -> None:
        if self.playback is not None:
            self.playback.stop()
            self.playback = None

    def on_unmount(self) -> None:
        self.action_stop()

    def action_toggle_fuzzy(self) -> None:
        self.fuzzy = not self.fuzzy
        self.notify(f"{'Fuzzy' if self.fuzzy else 'Exact'} search", timeout=2)
        self.start_search()

    def action_focus_query(self) -> None:
        self._focus_now(self.query_one(Input))

    def action_focus_results(self) -> None:
        if self.hits:
            self._focus_now(self.query_one(VirtualList))

    def _focus_now(self, widget) -> None:
        """Move focus before the next key is read, not after.

        ``Widget.focus`` defers the move, so keys that arrive together (Down, Enter over a
        slow SSH link, or typed ahead) went to the query box and re-ran the search
        instead of opening the result.
        """
        self.set_focus(widget)

    def action_mark(self) -> None:
        vlist = self.query_one(VirtualList)
        if not self.hits or not vlist.has_focus:
            return
        self.marked.symmetric_difference_update({vlist.cursor})
        vlist.cursor += 1
        self._update_status()

    def action_filters(self) -> None:
        vocab = self.guard(casework.vocabulary, self.archive)
        if vocab is None:
            return
        speakers = sorted(set(self.archive.all_speaker_names().values()))
        languages = sorted({m.language for m in self.archive.list_media() if m.language})
        choices = {
            "case": vocab.cases,
            "person": vocab.people,
            "theme": vocab.themes,
            "speaker": [Choice(s, s) for s in speakers],
            "language": [Choice(lang, lang) for lang in languages],
        }

        def done(filters: Filters | None) -> None:
            if filters is not None:
                self.filters = filters
                self.start_search()

        self.app.push_screen(FilterDialog(self.filters, choices), done)

    def action_save(self) -> None:
        if not self.hits:
            self.post_message(ShowError("there are no results to save: search first"))
            return
        chosen = [self.hits[i] for i in sorted(self.marked)] or list(self.hits)

        def done(name: str | None) -> None:
            if not name or not name.strip():
                return
            if self.attempt(casework.save_selection, self.archive, name.strip(), chosen):
                self.notify(f"Saved {len(chosen)} quotes as “{name.strip()}”", markup=False)

        what = f"{len(chosen)} {'marked' if self.marked else ''} quotes".replace("  ", " ")
        self.app.push_screen(InputDialog(f"Save {what} as a selection named", ""), done)


def _quote(hit) -> Text:
    """The line with the matched words (numbers, misspellings, pinyin included) marked."""
    raw = one_line(hit.text)
    quote = Text(raw)
    lo, hi = hit.match_lo, hit.match_hi
    if 0 <= lo < hi <= len(raw) and (lo, hi) != (0, len(raw)):
        quote.stylize("bold underline", lo, hi)
    quote.rstrip()
    return quote
