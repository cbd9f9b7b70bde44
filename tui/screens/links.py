"""Link review: names heard in transcripts, matched to cases/people, one key each."""

from __future__ import annotations

from rich.text import Text
from tapelog.archive import cases as casebook
from tapelog.archive.errors import TapelogError
from tapelog.archive.links_cut import fill_cuts
from tapelog.archive.models import LinkSuggestion
from tapelog.archive.sensitivity import tag_warning
from tapelog.transcribe.types import Segment
from tapelog.tui import casework
from tapelog.tui.format import col
from tapelog.tui.fuzzy import resolve
from tapelog.tui.messages import ArchiveChanged, OpenPassage, ShowError
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.widgets.dialogs import InputDialog
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Label, Static


class LinksScreen(TapelogScreen):
    DEFAULT_CSS = """
    LinksScreen #links-title { background: $boost; padding: 0 1; height: 1; }
    LinksScreen #links-context { height: 8; border-top: solid $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("c", "reassign", "Reassign"),
        Binding("s", "suggest", "Find names"),
        Binding("enter", "open", "Open passage", show=False),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.links: list[LinkSuggestion] = []
        self.labels: dict[str, str] = {}
        self._segments: dict[str, list[Segment]] = {}

    def compose(self) -> ComposeResult:
        yield Label("", id="links-title")
        yield VirtualList(self._format, empty_text="No link suggestions waiting for review")
        yield Static("", id="links-context")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(VirtualList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.links = self.guard(casework.pending_links, self.archive) or []
        vocab = self.guard(casework.vocabulary, self.archive)
        self.labels = {c.key: c.label for c in [*vocab.cases, *vocab.people]} if vocab else {}
        self._segments.clear()
        self.query_one(VirtualList).set_items(self.links)
        self.query_one("#links-title", Label).update(
            f"Link review · {len(self.links)} pending · a accept · x reject · c reassign"
            " · s find names"
        )
        self._update_context()

    def refresh_from_archive(self) -> None:
        current = self._current()
        self.reload()
        ids = [x.link_id for x in self.links]
        if current is not None and current.link_id in ids:
            self.query_one(VirtualList).cursor = ids.index(current.link_id)

    def _format(self, link: LinkSuggestion, index: int, width: int) -> Text:
        text = Text()
        text.append(f"{link.score:5.0f} " if link.score > 1 else f"{link.score:5.2f} ")
        text.append(col(f"“{link.mention}”", 18), style="bold")
        text.append(" → ")
        target = self.labels.get(link.target_id, link.target_id)
        # The child's/parent's person record, folded into the case; the child's own
        # record has the case's name ("Luo Run + Luo Run" said nothing twice).
        people = dict.fromkeys(self.labels.get(p, p) for p in link.people)
        people.pop(target, None)
        if people:
            target += " + " + ", ".join(people)
        text.append(col(f"{target} ({link.target_id})", 30), style="yellow")
        text.append(f" {link.media_id} {self.clocks[link.media_id].at(link.cut[0])}", style="cyan")
        return text

    def _segments_of(self, media_id: str) -> list[Segment]:
        if media_id not in self._segments:
            self._segments[media_id] = self.guard(self.archive.segments, media_id) or []
        return self._segments[media_id]

    def _update_context(self) -> None:
        link = self.query_one(VirtualList).current
        pane = self.query_one("#links-context", Static)
        if link is None:
            pane.update("")
            return
        segs = self._segments_of(link.media_id)
        idx = [i for i, s in enumerate(segs) if s.start < link.end and s.end > link.start]
        out = Text()
        try:
            media = self.archive.get_media(link.media_id)
            name = media.name
        except Exception:  # noqa: BLE001 - a deleted file must not hide the queue
            media, name = None, link.media_id
        tc = self.clock(media).at(link.cut[0])
        how = "sounds like" if link.by_sound else "matched"
        out.append(f"{name} · {tc} · {how} “{link.matched or link.mention}”\n", style="dim")
        if idx:
            lo, hi = max(0, idx[0] - 1), min(len(segs), idx[-1] + 2)
            for i in range(lo, hi):
                line = segs[i].text.strip()
                if i in idx:
                    part = Text(line + "\n")
                    part.highlight_words([link.mention], style="bold reverse", case_sensitive=False)
                    out.append_text(part)
                else:
                    out.append(line + "\n", style="dim")
        else:
            out.append(link.context or link.mention)
        pane.update(out)

    @on(VirtualList.Highlighted)
    def _moved(self) -> None:
        self._update_context()

    def _current(self) -> LinkSuggestion | None:
        return self.query_one(VirtualList).current

    def action_reload(self) -> None:
        self.reload()

    def action_accept(self) -> None:
        link = self._current()
        tag = self.guard(casebook.accept_link, self.archive, link.link_id) if link else None
        if link and tag is not None:
            self.notify(f"Accepted: {link.mention} → {link.target_id}", timeout=2, markup=False)
            warning = self.guard(tag_warning, self.archive, tag)
            if warning:
                self.notify(warning, severity="warning", timeout=8)
            self.reload()
            self.post_message(ArchiveChanged())

    def action_reject(self) -> None:
        link = self._current()
        if link and self.attempt(casebook.reject_link, self.archive, link.link_id):
            self.notify(f"Rejected: {link.mention}", timeout=2, markup=False)
            self.reload()

    def action_reassign(self) -> None:
        link = self._current()
        vocab = self.guard(casework.vocabulary, self.archive)
        if link is None or vocab is None:
            return
        # A name heard may be anyone's: a mention suggested as a person can be a case
        # (a child's name), and the other way round. Its own kind is offered first.
        same, other = (
            (vocab.cases, vocab.people)
            if link.target_type == "case"
            else (vocab.people, vocab.cases)
        )
        choices = [*same, *other]

        def done(value: str | None) -> None:
            if not value:
                return
            found = resolve(value, choices)
            target = found.key if found else value.strip()
            if self.attempt(casebook.reassign_link, self.archive, link.link_id, target):
                self.notify(f"Reassigned “{link.mention}” to {target}", timeout=2, markup=False)
                self.reload()
                self.post_message(ArchiveChanged())

        self.app.push_screen(
            InputDialog(f"Reassign “{link.mention}” to which case or person?", choices=choices),
            done,
        )

    def action_suggest(self) -> None:
        self.notify("Looking for names of cases and people in every transcript…")
        self.run_suggest()

    @work(thread=True, exclusive=True, group="links", exit_on_error=False)
    def run_suggest(self) -> None:
        try:
            found = casebook.suggest_links(self.archive)
        except TapelogError as exc:
            self.post_message(ShowError(str(exc)))
            return
        self.app.call_from_thread(self._suggested, len(found))

    def _suggested(self, count: int) -> None:
        self.reload()
        self.notify(f"{count} suggestions waiting for review")

    def action_open(self) -> None:
        link = self._current()
        if link is not None:
            fill_cuts([link], self._segments_of)  # a link stored before word times
            self.post_message(OpenPassage(link.media_id, link.cut[0]))  # at the name

    @on(VirtualList.Chosen)
    def _chosen(self) -> None:
        self.action_open()
