"""Which keys the footer shows when they do not all fit in the terminal's width.

Textual's footer lists a screen's keys, then the app's, and cuts off what does not
fit: at 80-100 columns every screen lost the way to the other screens, the voice
review (F6) and help (F1) included, so a crew never saw that the voice review exists.
Here the footer keeps, in this order, the voice review and help, then the screen's own
keys as the screen lists them (its first ones matter most), then the command palette
hint, then the other screens' keys; the rest drop out of the footer only: every key
still works and is listed in help (F1) and the command palette (Ctrl+P).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import ActiveBinding, Binding

# Kept whatever the width: the screen crews must find to act on voice suggestions
# (they wait there, never applied silently), and help, which lists every key.
ALWAYS = ("goto('voices')", "help")
# The first to go when the footer is too narrow, the last listed first.
SPARE_NAV = ("goto('records')", "goto('links')", "goto('search')", "goto('library')")
PALETTE_KEY = "ctrl+p"
PALETTE_WIDTH = 14  # "▏ ^p palette " as Textual docks it on the right


def key_width(key_display: str, description: str) -> int:
    """Cells one key takes in Textual's footer: " key description "."""
    return len(key_display) + len(description) + 3


def fit_footer(
    active: dict[str, ActiveBinding],
    width: int,
    display: Callable[[Binding], str],
    here: str | None = None,
) -> dict[str, ActiveBinding]:
    """``active`` (a screen's active bindings) less the shown keys that do not fit in
    ``width`` cells, dropped by the priorities above. ``here`` is the action that goes
    to the screen on view (``goto('library')``): shown, it would do nothing, so it goes
    first. Keys that are not shown, and the order of the rest, are kept.

    Widths are counted per action, as the footer shows one key per action (``f6,5``
    is shown as f6)."""
    cost: dict[str, int] = {}  # action -> cells, in the footer's order
    for ab in active.values():
        b = ab.binding
        if b.show and b.action != here and b.action not in cost:
            cost[b.action] = key_width(display(b), b.description)
    palette = PALETTE_KEY in active
    spare = [a for a in SPARE_NAV if a in cost]
    own = [a for a in reversed(cost) if a not in ALWAYS + SPARE_NAV]
    for action in [*spare, PALETTE_KEY, *own]:
        if sum(cost.values()) + (PALETTE_WIDTH if palette else 0) <= width:
            break
        if action == PALETTE_KEY:
            palette = False
        else:
            cost.pop(action)
    return {
        k: ab
        for k, ab in active.items()
        if (k == PALETTE_KEY and palette)
        or (k != PALETTE_KEY and (not ab.binding.show or ab.binding.action in cost))
    }
