"""A one-line search box whose Enter hands the focus on at once, and the keys typed after it.

``/payroll`` Enter ``j`` typed at once: Textual runs Enter's binding (submit) only when the key
comes back to the app, and the box's own queue inserts ``j`` before that, so the query became
``payrollj``. The box submits on Enter itself, in its own queue, and moves the focus to
``then_focus`` there and then; a key that arrives after that (typed ahead of the move) is not
inserted but goes on to the app, which hands it to the widget focused now
(:mod:`wzdesk.tui.typeahead`).

Esc likewise: the screen's Esc binding (clear the box, leave it, or close the screen) ran only
when the key came back, after the box had inserted the keys typed behind it, so ``/pay`` Esc
``j`` left ``j`` in the box. The box runs the screen's ``back`` action itself, in its own queue.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

from wzdesk.tui.typeahead import typed_ahead


class SearchBox(Input):
    """An :class:`Input` for a query over a list: Enter submits and focuses ``then_focus``
    (a selector on the screen, e.g. the list)."""

    def __init__(self, *args: Any, then_focus: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.then_focus = then_focus

    async def _on_key(self, event: events.Key) -> None:
        if typed_ahead(self.app, event):
            event.prevent_default()  # not inserted here: the app hands it to the list
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.screen.set_focus(self.screen.query_one(self.then_focus))
            await self.action_submit()
        elif event.key == "escape":
            event.stop()
            event.prevent_default()
            await self.run_action("screen.back")  # the screens' Esc (clear, leave, close)
        # Otherwise Input's own _on_key runs next: Textual calls it down the class hierarchy
        # unless prevent_default() was called, as above.
