"""Cases and people: the records, their sensitivity flags, and every linked passage."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from rich.text import Text
from tapelog.archive import cases as casebook
from tapelog.archive.models import Case, Person
from tapelog.archive.statuses import CaseStatus
from tapelog.tui import casework
from tapelog.tui.format import col, one_line
from tapelog.tui.messages import ArchiveChanged, OpenPassage
from tapelog.tui.screens.base import TapelogScreen
from tapelog.tui.widgets.dialogs import RecordDialog
from tapelog.tui.widgets.virtual_list import VirtualList
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, Static


def record_fields(record: Case | Person) -> dict[str, str]:
    """A record as editable text fields (lists joined with ';', extra columns as k=v)."""
    out = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, list):
            value = "; ".join(value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}={v}" for k, v in value.items())
        out[f.name] = str(value)
    return out


def record_from_fields(cls: type, values: dict[str, str]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        raw = values.get(f.name, "")
        if f.name == "extra":
            pairs = [p.split("=", 1) for p in raw.split(";") if "=" in p]
            kwargs[f.name] = {k.strip(): v.strip() for k, v in pairs}
        elif "list" in str(f.type):
            kwargs[f.name] = [p.strip() for p in raw.split(";") if p.strip()]
        else:
            kwargs[f.name] = raw.strip()
    return cls(**kwargs)


def _key(record: Case | Person) -> str:
    return record.case_id if isinstance(record, Case) else record.person_id


class RecordsScreen(TapelogScreen):
    DEFAULT_CSS = """
    RecordsScreen #rec-title { background: $boost; padding: 0 1; height: 1; }
    RecordsScreen #rec-list { width: 36; border-right: solid $primary; }
    RecordsScreen #rec-detail { height: auto; max-height: 9; padding: 0 1; }
    RecordsScreen #rec-passages-title { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("p", "toggle_kind", "Cases/People"),
        Binding("e", "edit", "Edit"),
        Binding("tab", "switch", "Passages", show=False),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = "case"
        self.records: list[Case | Person] = []
        self.passages: list[casework.Passage] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="rec-title")
        with Horizontal():
            yield VirtualList(self._format_record, id="rec-list", empty_text="No records")
            with Vertical():
                yield Static("", id="rec-detail", markup=False)
                yield Label("Linked passages", id="rec-passages-title")
                yield VirtualList(
                    self._format_passage, id="rec-passages", empty_text="No linked passages"
                )
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#rec-list").focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.kind == "case":
            self.records = [*(self.guard(casebook.list_cases, self.archive) or [])]
        else:
            self.records = [*(self.guard(casebook.list_people, self.archive) or [])]
        self.query_one("#rec-list", VirtualList).set_items(self.records)
        what = "Cases" if self.kind == "case" else "People"
        self.query_one("#rec-title", Label).update(
            f"{what} · {len(self.records)} · p shows {'people' if self.kind == 'case' else 'cases'}"
            " · e edits · Tab to passages"
        )
        self._show_current()

    def refresh_from_archive(self) -> None:
        vlist = self.query_one("#rec-list", VirtualList)
        current = vlist.current
        self.reload()
        if current is not None:
            keys = [_key(r) for r in self.records]
            if _key(current) in keys:
                vlist.cursor = keys.index(_key(current))

    def _format_record(self, rec: Case | Person, index: int, width: int) -> Text:
        text = Text()
        if isinstance(rec, Case):
            text.append(col(rec.case_id, 15), style="cyan")
            text.append(col(casework.case_label(rec), max(1, width - 15 - 10)) + " ")
            reunited = rec.status == CaseStatus.REUNITED
            text.append(col(rec.status, 9), style="green" if reunited else "")
        else:
            flags = casework.sensitive_flags(rec)
            text.append(col(rec.person_id, 7), style="cyan")
            text.append(col(casework.person_label(rec), max(1, width - 7 - (3 if flags else 0))))
            if flags:
                text.append(" ⚠", style="bold red")
        return text

    def _format_passage(self, p: casework.Passage, index: int, width: int) -> Text:
        text = Text()
        text.append(col(p.timecode, 12), style="cyan")
        text.append(col(p.media.name, 14))
        text.append(" " + one_line(p.text.strip()))
        return text

    def _show_current(self) -> None:
        rec = self.query_one("#rec-list", VirtualList).current
        detail = self.query_one("#rec-detail", Static)
        if rec is None:
            detail.update("")
            self.passages = []
            self.query_one("#rec-passages", VirtualList).set_items([])
            return
        out = Text()
        if isinstance(rec, Case):
            out.append(f"{rec.case_id}  {casework.case_label(rec)}", style="bold")
            if rec.child_name_zh:
                out.append(f"  {rec.child_name_zh}")
            out.append(
                f"\nstatus: {rec.status}   sex: {rec.sex or '-'}   born: {rec.birth_date or '-'}"
            )
            out.append(f"\nmissing: {rec.missing_date or '-'}, {rec.missing_place or '-'}")
            if rec.aliases:
                out.append(f"\naliases: {'; '.join(rec.aliases)}")
            if rec.parents:
                out.append(f"\nparents: {'; '.join(rec.parents)}")
            if rec.notes:
                out.append(f"\n{rec.notes}", style="dim")
            key, kind = rec.case_id, "case"
        else:
            out.append(f"{rec.person_id}  {casework.person_label(rec)}", style="bold")
            if rec.name_zh:
                out.append(f"  {rec.name_zh}")
            flags = casework.sensitive_flags(rec)
            if flags:
                out.append(f"   ⚠ {', '.join(flags)}", style="bold red")
            out.append(f"\nrole: {rec.role or '-'}   cases: {', '.join(rec.cases) or '-'}")
            if rec.aliases:
                out.append(f"\naliases: {'; '.join(rec.aliases)}")
            if rec.notes:
                out.append(f"\n{rec.notes}", style="dim")
            key, kind = rec.person_id, "person"
        detail.update(out)
        self.passages = self.guard(casework.passages, self.archive, kind, key, self.time_mode) or []
        self.query_one("#rec-passages", VirtualList).set_items(self.passages, cursor=0)
        self.query_one("#rec-passages-title", Label).update(
            f"Linked passages · {len(self.passages)} (Enter opens)"
        )

    @on(VirtualList.Highlighted, "#rec-list")
    def _moved(self) -> None:
        self._show_current()

    @on(VirtualList.Chosen, "#rec-passages")
    def _open_passage(self, event: VirtualList.Chosen) -> None:
        p = self.passages[event.index]
        self.post_message(OpenPassage(p.media.id, p.tag.start))

    @on(VirtualList.Chosen, "#rec-list")
    def _to_passages(self) -> None:
        if self.passages:
            self.set_focus(self.query_one("#rec-passages"))

    def action_switch(self) -> None:
        lst, psg = self.query_one("#rec-list"), self.query_one("#rec-passages")
        self.set_focus(psg if lst.has_focus else lst)  # now: a key typed next goes there

    def action_toggle_kind(self) -> None:
        self.kind = "person" if self.kind == "case" else "case"
        self.query_one("#rec-list", VirtualList).cursor = 0
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_edit(self) -> None:
        rec = self.query_one("#rec-list", VirtualList).current
        if rec is None:
            return
        cls = type(rec)
        key = "case_id" if cls is Case else "person_id"

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            new = record_from_fields(cls, values)
            save = casebook.upsert_case if cls is Case else casebook.upsert_person
            if self.attempt(save, self.archive, new):
                self.notify(f"Saved {getattr(new, key)}", markup=False)
                self.reload()
                self.post_message(ArchiveChanged())

        title = f"Edit {getattr(rec, key)}"
        self.app.push_screen(RecordDialog(title, record_fields(rec), readonly=(key,)), done)
