"""A text box that applies keys in the order they were typed.

Textual's ``Input`` inserts a typed character as it handles the key, but runs its own
editing keys (Backspace, Delete, the arrows, Ctrl+W...) as bindings, once the key has
gone up to the app and come back: keys that arrive together, as over a slow SSH link
or while the screen is busy drawing search results, came out of order. "abc",
Backspace, "d" in one packet gave "abc", not "abd" (Textual issue #6605; a fix is
proposed upstream, not released in the version pinned). Here the box's own bindings
run as its key arrives, in order with the characters around it.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

# The box's own editing keys (``Input.BINDINGS``), not those it inherits: Up and Down
# scroll nothing in a one-line box and go on to the screen (the search moves to its
# results on Down).
_EDITING_KEYS = frozenset(
    k.strip()
    for b in Input.BINDINGS
    for k in (b.key if isinstance(b, Binding) else b[0]).split(",")
)


class OrderedInput(Input):
    """An ``Input`` whose own editing keys run in the order typed."""

    _in_transit = 0  # keys sent up to the app and not yet handled there

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused  # now, not ``has_focus``: that follows later
        if focused is not None and focused is not self:
            # Typed ahead of a key that moved the focus on ("Down, Enter" from the
            # search box; "sc<Tab><Tab>Lu" in the tag dialog): it is the new field's.
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        if not event.is_printable and event.key in _EDITING_KEYS and not self._in_transit:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue  # the app ran those as the key arrived
                if await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        if not event.is_printable:
            # It goes up to the app for the screen's bindings (Down: to the results).
            # Until it is back, keys after it go up too, behind it: "Down, Enter" opens
            # the result Down moved to, not the search again.
            self._in_transit += 1
            event._tapelog_input = self  # type: ignore[attr-defined]
        await super()._on_key(event)

    def key_returned(self) -> None:
        """The app has handled a key this box sent up (``tui.app``)."""
        self._in_transit = max(0, self._in_transit - 1)
