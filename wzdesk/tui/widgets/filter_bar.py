"""Quick filters with live counts, and the ``/`` filter box.

The quick filters wrap between items, never inside one (``3 Breached 12`` stays whole), and use
short labels on narrow terminals.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.message import Message
from textual.widgets import Input, Static

from wzdesk.services.queue import QueueCounts
from wzdesk.tui.queue_view import QuickFilter

#: Below this width the quick filters use their short labels.
SHORT_LABELS_BELOW = 110


def quick_filter_text(
    counts: QueueCounts | None, active: QuickFilter, width: int, styles: dict[str, Style]
) -> Text:
    """The quick filters as lines of at most ``width`` cells, wrapped between items.

    ``counts`` None: the queue is still loading, and each count shows as ``…``, not 0."""
    short = width < SHORT_LABELS_BELOW
    text = Text(no_wrap=True, overflow="crop")
    used = 0
    for quick in QuickFilter:
        label = quick.short_label if short else quick.label
        count = "…" if counts is None else quick.count(counts)
        item = f" {quick.key} {label} {count} "
        if used and used + len(item) > width:
            text.append("\n")
            used = 0
        if quick is active:
            style = styles["active"]
        elif quick is QuickFilter.BREACHED and counts is not None and counts.breached:
            style = styles["breached"]
        elif quick is QuickFilter.AT_RISK and counts is not None and counts.at_risk:
            style = styles["at_risk"]
        else:
            style = styles["normal"]
        text.append(item, style)
        used += len(item)
    return text


class FilterBar(Vertical):
    """``0 All 214  1 Mine 12 …`` (whole items per line) and the filter box."""

    DEFAULT_CSS = """
    FilterBar { height: auto; }
    FilterBar #quick { width: 1fr; height: auto; }
    FilterBar Input { width: 1fr; }
    FilterBar Input.-textual-compact { padding: 0 1; }
    FilterBar #filter-error { width: 1fr; height: auto; color: $error; padding: 0 1; }
    FilterBar #filter-error.-hidden { display: none; }
    FilterBar #view-tabs { width: 1fr; height: auto; }
    FilterBar #view-tabs.-hidden { display: none; }
    """

    @dataclass
    class TextChanged(Message):
        """The filter box's text changed."""

        text: str

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = QuickFilter.ALL
        #: None until the whole queue is loaded: the bar then says "…", never a false 0
        self.counts: QueueCounts | None = None
        self._shown: tuple[object, ...] = ()
        self._lines = 0  # lines the quick filters took when last drawn

    def compose(self) -> ComposeResult:
        yield Static(id="view-tabs", classes="-hidden")
        yield Static(id="quick")
        yield Input(
            placeholder="/ filter: ref, client, text  (Esc clears)", id="filter-text", compact=True
        )
        yield Static(id="filter-error", classes="-hidden")

    def show_error(self, error: str | None) -> None:
        """The query's error under the box (naming the token), or nothing."""
        box = self.query_one("#filter-error", Static)
        box.update(error or "")
        box.set_class(not error, "-hidden")

    def show_tabs(self, tabs: list[tuple[str, int | None]], active: int | None) -> None:
        """Pinned saved views as tabs with their live counts (``[`` and ``]`` switch)."""
        line = Text(no_wrap=True, overflow="ellipsis")
        for index, (name, count) in enumerate(tabs):
            label = f" {name} {'…' if count is None else f'{count:,}'} "
            line.append(label, Style(reverse=True, bold=True) if index == active else Style())
            line.append(" ")
        if tabs:
            line.append(" [ ] switch", Style(dim=True))
        widget = self.query_one("#view-tabs", Static)
        widget.update(line)
        widget.set_class(not tabs, "-hidden")

    def show(self, counts: QueueCounts, active: QuickFilter) -> None:
        """Redraw the quick filters with their counts, the active one highlighted."""
        self.counts, self.active = counts, active
        self._draw()

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        width = max(20, self.size.width)
        key = (self.counts, self.active, width)
        if key == self._shown:
            return
        self._shown = key
        theme = self.app.current_theme
        styles = {
            "active": Style(reverse=True, bold=True),
            "breached": Style(color=theme.error or "red", bold=True),
            "at_risk": Style(color=theme.warning or "yellow"),
            "normal": Style(),
        }
        text = quick_filter_text(self.counts, self.active, width, styles)
        lines = text.plain.count("\n") + 1
        # Counts change at every threshold crossing; re-laying out the whole screen for them
        # (up to one every two seconds at 50,000 open cases) only matters if the bar's height
        # changed.
        self.query_one("#quick", Static).update(text, layout=lines != self._lines)
        self._lines = lines

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.TextChanged(event.value))
