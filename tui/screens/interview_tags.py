"""The Interview screen's tags: which tags cover a line, and tagging a span, listing,
editing, deleting and undoing (u / Ctrl+Z) tags.

``InterviewTags`` is the base of ``InterviewScreen``, which loads the transcript and
its tags and keeps the fields declared here up to date.
"""

from __future__ import annotations

from rich.text import Text
from tapelog.archive import cases as casebook
from tapelog.archive.models import MediaRecord, Tag
from tapelog.transcribe.types import Segment
from tapelog.tui import casework
from tapelog.tui.format import col, one_line
from tapelog.tui.messages import ArchiveChanged
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.widgets.confirm import ask_new_themes
from tapelog.tui.widgets.tag_dialogs import TagAction, TagDialog, TagListDialog, TagRequest
from tapelog.tui.widgets.virtual_list import VirtualList


class InterviewTags(TapelogScreen):
    """Tagging for a screen that shows one media file's transcript line by line."""

    # Kept up to date by the screen (``InterviewScreen.reload``).
    media_id: str
    media: MediaRecord | None
    segments: list[Segment]
    tags: list[Tag]
    labels: dict[str, str]  # case/person key -> what the crew reads
    chosen_tag: str | None  # picked in the tag list, for lines with several
    # Tag changes that u / Ctrl+Z takes back, newest last: ("added" | "edited" |
    # "deleted", the tag as it was before, or as added).
    undo_stack: list[tuple[str, Tag]]
    _keys_shown: tuple[bool, ...] | None = None  # which of the footer's keys apply

    def refresh_keys(self) -> None:
        """Redraw the footer only when one of its keys comes or goes (edit and delete a
        tag, undo, stop). Textual rebuilds the whole footer on each refresh: 10-30 ms of
        CPU, which on every cursor move was most of what a key cost."""
        stop = bool(self.check_action("stop", ()))
        shown = (bool(self._tags_here()), bool(self.undo_stack), stop)
        if shown != self._keys_shown:
            self._keys_shown = shown
            self.refresh_bindings()

    def jump_to(self, seconds: float) -> None:
        """Put the cursor on the line at ``seconds`` (the screen knows its lines)."""
        raise NotImplementedError

    def tags_at(self, seg: Segment) -> list[Tag]:
        return [t for t in self.tags if t.start < seg.end and t.end > seg.start]

    def tag_names(self, tag: Tag) -> list[str]:
        """What a tag names, each once: an accepted link tags the case and the child's
        own person record, both "Liu Jingjun" (a crew read "Liu Jingjun, Liu Jingjun")."""
        names = [*tag.themes, *(self.labels.get(k, k) for k in [*tag.cases, *tag.people])]
        return list(dict.fromkeys(names))

    def describe_tag(self, tag: Tag) -> str:
        names = ", ".join(self.tag_names(tag)) or tag.note or tag.id
        return f"“{names}” at {self.clock(self.media).at(tag.start)}"

    def _tags_here(self) -> list[Tag]:
        if not self.is_mounted:
            return []
        seg = self.query_one(VirtualList).current
        return self.tags_at(seg) if seg is not None else []

    def _format_tag(self, tag: Tag, index: int, width: int) -> Text:
        text = Text()
        clock = self.clock(self.media)
        text.append(col(clock.at(tag.start), 12), style="cyan")
        text.append(col(clock.length(tag.end - tag.start), 12), style="dim")
        text.append(", ".join(self.tag_names(tag)), style="yellow")
        if tag.note:
            text.append(f" — {one_line(tag.note)}")
        return text

    def action_tag(self) -> None:
        vlist = self.query_one(VirtualList)
        if not self.segments:
            return
        lo, hi = vlist.selection
        start, end = self.segments[lo].start, self.segments[hi].end
        vocab = self.guard(casework.vocabulary, self.archive)
        if vocab is None:
            return
        span = f"{self.clock(self.media).span(start, end)} ({hi - lo + 1} lines)"

        def done(request: TagRequest | None) -> None:
            if request is None:
                return
            if not (request.themes or request.people or request.cases or request.note):
                self.notify("Nothing to tag with", severity="warning")
                return

            def write(new_themes: bool) -> None:
                tag = self.guard(
                    casebook.add_tag,
                    self.archive,
                    self.media_id,
                    start,
                    end,
                    themes=request.themes,
                    people=request.people,
                    cases=request.cases,
                    note=request.note,
                    new_themes=new_themes,
                )
                if tag is not None:
                    vlist.clear_selection()
                    self._changed_tag("added", tag, f"Tagged {span} · u undoes")

            ask_new_themes(self.app, self.archive, request.themes, write, lambda: ask(request))

        def ask(initial: TagRequest | None = None) -> None:
            dialog = TagDialog(span, vocab.themes, vocab.people, vocab.cases, initial=initial)
            self.app.push_screen(dialog, done)

        ask()

    # -- tags: list, edit, delete, undo

    def _changed_tag(self, kind: str, before: Tag, message: str) -> None:
        self.undo_stack.append((kind, before))
        self.reload()
        self.refresh_keys()
        self.notify(message, timeout=6, markup=False)
        self.post_message(ArchiveChanged())

    def action_tags(self, only_here: bool = False, then: str = "goto") -> None:
        """The tags of this interview (or of the cursor's line) in a list to pick from."""
        tags = self._tags_here() if only_here else list(self.tags)
        seg = self.query_one(VirtualList).current
        here = self.tags_at(seg) if seg is not None else []
        cursor = tags.index(here[0]) if here and here[0] in tags else 0
        if only_here:
            title = f"{len(tags)} tags on this line: which one? (Enter {then}s it)"
        else:
            title = f"Tags of {self.media_id} · {len(tags)}"

        def done(action: TagAction | None) -> None:
            if action is None:
                return
            kind = then if only_here and action.kind == "goto" else action.kind
            self.chosen_tag = action.tag.id
            if kind == "goto":
                self.jump_to(action.tag.start)
            elif kind == "edit":
                self._edit_tag(action.tag)
            elif kind == "delete":
                self._delete_tag(action.tag)

        self.app.push_screen(TagListDialog(title, tags, self._format_tag, cursor), done)

    def _tag_here(self, then: str) -> Tag | None:
        """The one tag on the cursor's line; with several, ask which (the list does ``then``)."""
        tags = self._tags_here()
        if not tags:
            self.notify("No tag on this line (t lists this interview's tags)", timeout=3)
            return None
        chosen = [t for t in tags if t.id == self.chosen_tag]
        if len(tags) == 1 or chosen:
            return (chosen or tags)[0]
        self.action_tags(only_here=True, then=then)
        return None

    def action_edit_tag(self) -> None:
        tag = self._tag_here("edit")
        if tag is not None:
            self._edit_tag(tag)

    def action_delete_tag(self) -> None:
        tag = self._tag_here("delete")
        if tag is not None:
            self._delete_tag(tag)

    def _edit_tag(self, tag: Tag) -> None:
        vocab = self.guard(casework.vocabulary, self.archive)
        if vocab is None:
            return
        span = self.clock(self.media).span(tag.start, tag.end)

        def done(request: TagRequest | None) -> None:
            if request is None:
                return
            if not (request.themes or request.people or request.cases or request.note):
                self.notify("A tag needs a theme, person, case or note (x deletes it)", timeout=4)
                return

            def write(new_themes: bool) -> None:
                edited = self.guard(
                    casebook.edit_tag,
                    self.archive,
                    tag.id,
                    themes=request.themes,
                    people=request.people,
                    cases=request.cases,
                    note=request.note,
                    new_themes=new_themes,
                )
                if edited is not None:
                    at = self.clock(self.media).at(tag.start)
                    self._changed_tag("edited", tag, f"Edited tag at {at} · u undoes")

            ask_new_themes(self.app, self.archive, request.themes, write, lambda: ask(request))

        def ask(initial: TagRequest) -> None:
            dialog = TagDialog(span, vocab.themes, vocab.people, vocab.cases, initial=initial)
            self.app.push_screen(dialog, done)

        ask(TagRequest(list(tag.themes), list(tag.people), list(tag.cases), tag.note))

    def _delete_tag(self, tag: Tag) -> None:
        deleted = self.guard(casebook.delete_tag, self.archive, tag.id)
        if deleted is not None:
            what = self.describe_tag(deleted)
            self._changed_tag("deleted", deleted, f"Deleted tag {what} · u or Ctrl+Z undoes")

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo", timeout=2)
            return
        kind, tag = self.undo_stack.pop()
        if kind == "added":
            ok = self.attempt(casebook.delete_tag, self.archive, tag.id)
            message = f"Undone: removed the new tag {self.describe_tag(tag)}"
        else:
            ok = self.attempt(casebook.restore_tag, self.archive, tag)
            verb = "restored" if kind == "deleted" else "took back the edit of"
            message = f"Undone: {verb} tag {self.describe_tag(tag)}"
        self.refresh_keys()
        if ok:
            self.reload()
            self.notify(message, timeout=4, markup=False)
            self.post_message(ArchiveChanged())
