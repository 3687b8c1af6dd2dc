"""The line a list screen shows when its highlight moved without the user moving it."""

from __future__ import annotations

from textual.widgets import Static


class NoticeLine(Static):
    """Says which item left the list (decided or removed elsewhere) and what is highlighted
    now, in a line and a toast, so that the next key is not pressed on an item the user never
    picked; hidden while it has nothing to say. Names and subjects are shown as written."""

    def __init__(self, *, id: str) -> None:
        super().__init__("", id=id, markup=False)
        self.display = False

    def say(self, text: str) -> None:
        """Show ``text`` (and toast it); ``""`` hides the line."""
        self.update(text)
        self.display = bool(text)
        if text:
            self.notify(text, title="Highlight moved", severity="warning", timeout=8)
