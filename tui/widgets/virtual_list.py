"""A keyboard-driven list that draws only the rows on screen (Textual's Line API).

Transcripts run to 100,000 segments across an archive; one widget per row would take
seconds to mount and hundreds of MB. This list keeps plain records in a Python list and
asks a formatter for the few rows that are visible, so its cost is per screen, not per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Formatter = Callable[[Any, int, int], Text]  # (item, index, width) -> one line


def default_formatter(item: Any, index: int, width: int) -> Text:
    return Text(str(item))


class VirtualList(ScrollView, can_focus=True):
    """Rows of records with a cursor, an optional range selection and marks.

    The screen gives it items and a formatter; it posts ``Highlighted`` when the cursor
    moves and ``Chosen`` on Enter. Shift+Up/Down (or ``v`` then moving) selects a range.
    """

    DEFAULT_CSS = """
    VirtualList { height: 1fr; overflow-x: hidden; }
    VirtualList > .virtual-list--cursor { background: $accent 40%; text-style: bold; }
    VirtualList:focus > .virtual-list--cursor { background: $accent; color: $text; }
    VirtualList > .virtual-list--selected { background: $primary 40%; }
    VirtualList > .virtual-list--empty { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {
        "virtual-list--cursor",
        "virtual-list--selected",
        "virtual-list--empty",
    }
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("shift+up", "extend_up", "Select up", show=False),
        Binding("shift+down", "extend_down", "Select down", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, vlist: VirtualList, index: int) -> None:
            super().__init__()
            self.vlist = vlist
            self.index = index

        @property
        def control(self) -> VirtualList:
            return self.vlist

    class Chosen(Message):
        def __init__(self, vlist: VirtualList, index: int) -> None:
            super().__init__()
            self.vlist = vlist
            self.index = index

        @property
        def control(self) -> VirtualList:
            return self.vlist

    def __init__(
        self,
        formatter: Formatter = default_formatter,
        *,
        empty_text: str = "(nothing here)",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.formatter = formatter
        self.empty_text = empty_text
        self.items: Sequence[Any] = []
        self.range_anchor: int | None = None  # start of a range selection

    # -- data

    def set_items(self, items: Sequence[Any], *, cursor: int | None = None) -> None:
        """Replace the rows; keeps the cursor where it was (clamped) unless told."""
        self.items = items
        self.range_anchor = None
        self.virtual_size = Size(self.size.width, len(items))
        target = self.cursor if cursor is None else cursor
        self.cursor = max(0, min(target, len(items) - 1)) if items else 0
        self.refresh()

    def refresh_rows(self) -> None:
        """Redraw after the items changed in place (a corrected line, a new tag)."""
        self.refresh()

    @property
    def current(self) -> Any | None:
        if not self.items or not 0 <= self.cursor < len(self.items):
            return None
        return self.items[self.cursor]

    @property
    def selection(self) -> tuple[int, int]:
        """The selected range of indexes (inclusive); the cursor row alone by default."""
        if self.range_anchor is None:
            return (self.cursor, self.cursor)
        return (min(self.range_anchor, self.cursor), max(self.range_anchor, self.cursor))

    def clear_selection(self) -> None:
        self.range_anchor = None
        self.refresh()

    def start_selection(self) -> None:
        self.range_anchor = self.cursor
        self.refresh()

    # -- cursor

    def validate_cursor(self, value: int) -> int:
        if not self.items:
            return 0
        return max(0, min(value, len(self.items) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        if self.items:
            self.post_message(self.Highlighted(self, new))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.items))
        self._scroll_to_cursor()

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page()

    def action_page_down(self) -> None:
        self.cursor += self._page()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.items) - 1

    def action_extend_up(self) -> None:
        if self.range_anchor is None:
            self.range_anchor = self.cursor
        self.cursor -= 1

    def action_extend_down(self) -> None:
        if self.range_anchor is None:
            self.range_anchor = self.cursor
        self.cursor += 1

    def action_choose(self) -> None:
        if self.items:
            self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < len(self.items):
            self.cursor = index
            if event.chain >= 2:
                self.action_choose()

    # -- drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.items:
            if y == 0:
                style = self.get_component_rich_style("virtual-list--empty")
                text = Text(self.empty_text, style=style)
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        index = round(self.scroll_y) + y
        if index >= len(self.items):
            return Strip.blank(width, base)
        text = self.formatter(self.items[index], index, width)
        lo, hi = self.selection
        row_style: Style | None = None
        if index == self.cursor:
            row_style = self.get_component_rich_style("virtual-list--cursor")
        elif self.range_anchor is not None and lo <= index <= hi:
            row_style = self.get_component_rich_style("virtual-list--selected")
        return self._strip(text, width, base + row_style if row_style else base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text = text.copy()
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console, end=""))
        return Strip(segments, width).apply_style(base)
