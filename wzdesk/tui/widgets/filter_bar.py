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
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from wzdesk.services.queue import QueueCounts
from wzdesk.tui.queue_view import QuickFilter
from wzdesk.tui.widgets.search_box import SearchBox

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
        count = "…" if counts is None else f"{quick.count(counts):,}"
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


class QuickFilters(Widget):
    """The quick filters, wrapped to the width the layout gives them.

    Drawn from that width, with the height it needs told to the layout
    (:meth:`get_content_height`), so the first frame already has them at their height. As a
    ``Static`` updated once its width was known, they came in after the first frame and the
    queue below moved down a line as the console opened."""

    DEFAULT_CSS = """
    QuickFilters { width: 1fr; height: auto; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = QuickFilter.ALL
        #: None until the whole queue is loaded: the bar then says "…", never a false 0
        self.counts: QueueCounts | None = None
        self._lines = 0  # lines at the width last drawn

    def show(self, counts: QueueCounts | None, active: QuickFilter) -> None:
        if (counts, active) == (self.counts, self.active):
            return
        self.counts, self.active = counts, active
        lines = self._text(self.size.width).plain.count("\n") + 1 if self.size.width else 0
        # Counts change at every threshold crossing; re-laying out the whole screen for them
        # (up to one every two seconds at 50,000 open cases) only matters if the height did.
        self.refresh(layout=lines != self._lines)

    def _text(self, width: int) -> Text:
        theme = self.app.current_theme
        styles = {
            "active": Style(reverse=True, bold=True),
            "breached": Style(color=theme.error or "red", bold=True),
            "at_risk": Style(color=theme.warning or "yellow"),
            "normal": Style(),
        }
        return quick_filter_text(self.counts, self.active, max(20, width), styles)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._lines = self._text(width).plain.count("\n") + 1
        return self._lines

    def render(self) -> Text:
        return self._text(self.size.width)


class FilterBar(Vertical):
    """``0 All 214  1 Mine 12 …`` (whole items per line) and the filter box."""

    DEFAULT_CSS = """
    FilterBar { height: auto; }
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

    def compose(self) -> ComposeResult:
        yield Static(id="view-tabs", classes="-hidden")
        yield QuickFilters(id="quick")
        yield SearchBox(
            placeholder="/ filter: ref, client, text  (Esc clears)",
            id="filter-text",
            compact=True,
            then_focus="#queue",
        )
        yield Static(id="filter-error", classes="-hidden", markup=False)  # quotes the query

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
        self.query_one(QuickFilters).show(counts, active)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.TextChanged(event.value))
