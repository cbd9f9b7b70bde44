"""The footer at 80 columns: the voice review (F6) and help (F1) stay in view on every
screen, as Textual draws it (the footer row read from a screenshot), and the keys that
drop out of the footer still work."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from tapelog.tui.app import TapelogApp
from tapelog.tui.screens.voices import VoicesScreen
from tapelog.tui.widgets.footer_fit import fit_footer, key_width
from textual.binding import ActiveBinding, Binding

from tests.test_tui_support import build_ui_archive

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def archive(tmp_path: Path):
    a = build_ui_archive(tmp_path / "footer-archive")
    yield a
    a.close()


def footer_row(app) -> str:
    """The bottom row of the screen as drawn (Textual's SVG screenshot, text only)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    svg = app.export_screenshot()
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), m.group(3)))
    bottom = rows[max(rows)]
    return html.unescape("".join(t for _x, t in sorted(bottom))).replace("\xa0", " ")


# Each main screen as a crew reaches it: the key pressed from the library, and keys after.
SCREENS = {
    "library": [],
    "interview": ["enter"],
    "search": ["2"],
    "links": ["3"],
    "cases": ["4"],
}


@pytest.mark.parametrize("screen", sorted(SCREENS))
async def test_voice_review_and_help_are_in_the_footer_at_80_columns(archive, screen) -> None:
    app = TapelogApp(archive)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*SCREENS[screen])
        await pilot.pause()
        row = footer_row(app)
        assert " f6 Voices " in row and " f1 Help " in row, row
        await pilot.press("f6")  # and it takes you there
        await pilot.pause()
        assert isinstance(app.screen, VoicesScreen)


async def test_wide_terminal_keeps_every_key_and_narrow_ones_still_work(archive) -> None:
    app = TapelogApp(archive)
    async with app.run_test(size=(160, 24)) as pilot:
        row = footer_row(app)
        for label in ("f Filter", "c Cancel", "f3 Search", "f5 Cases", "^p palette"):
            assert label in row, row
        assert "f2 Library" not in row  # the screen on view: the key would do nothing
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        row = footer_row(app)
        assert "f Filter" not in row and " f6 Voices " in row, row
        before = app.screen.status_filter
        await pilot.press("f")  # dropped from the footer, not from the keyboard
        await pilot.pause()
        assert app.screen.status_filter != before


def _active(*bindings: Binding) -> dict[str, ActiveBinding]:
    return {b.key: ActiveBinding(None, b, True, "") for b in bindings}  # type: ignore[arg-type]


def shown_key(binding: Binding) -> str:  # the key as the footer shows it
    return binding.key


def test_fit_footer_drops_by_priority() -> None:
    own = [Binding("a", "one", "First"), Binding("b", "two", "Second"), Binding("c", "x", "Third")]
    nav = [
        Binding("f2", "goto('library')", "Library"),
        Binding("f3", "goto('search')", "Search"),
        Binding("f6", "goto('voices')", "Voices"),
        Binding("5", "goto('voices')", "Voices"),  # one action, two keys: one in the footer
        Binding("f1", "help", "Help"),
        Binding("q", "quit", "Quit", show=False),
    ]
    active = _active(*own, *nav)

    def cells(keys) -> int:
        return sum(key_width(k, active[k].binding.description) for k in keys)

    everything = ["a", "b", "c", "f2", "f3", "f6", "f1"]
    assert list(fit_footer(active, cells(everything), shown_key)) == list(active)
    # One cell short: the other screens' keys go first, the last listed first.
    assert "f3" not in fit_footer(active, cells(everything) - 1, shown_key)
    assert "f2" in fit_footer(active, cells(everything) - 1, shown_key)
    # Narrow: the screen's own keys go from its last; voices, help and hidden keys stay.
    kept = fit_footer(active, cells(["a", "f6", "f1"]), shown_key)
    assert list(kept) == ["a", "f6", "5", "f1", "q"]
    # The key of the screen on view is never shown.
    assert "f2" not in fit_footer(active, 1000, shown_key, here="goto('library')")
