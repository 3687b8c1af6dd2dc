"""Long live lists drawn a line at a time: the breach panel's rows, the wallboard's cases.

Both list every row at stake, thousands on a big desk, and each row's time moves. Held in one
``Static``, such a list is rendered whole, every line, whenever any text in it changes, and
with a minute turning on one row or another that is about every second: at 9,899 open cases
the wide breach panel took ~300 ms a time (28% of a core) and the wallboard's every-row list
57% of a core. Drawn with Textual's line API, only the lines in view are drawn, and a tick
redraws only those whose text changed.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from wzdesk.tui.widgets.own_style import OwnStyleOnce

#: Lines above and below the view that a tick checks too (a scroll between two ticks).
MARGIN = 2


class LineSource(Protocol):
    """What a :class:`LiveLines` draws: a count of lines, and any one line as of an instant."""

    def line_count(self) -> int: ...

    def line(self, index: int, now: float) -> Text: ...


@runtime_checkable
class CountedSource(LineSource, Protocol):
    """A :class:`LineSource` whose lines stand for cases (a row one, "+N more" N)."""

    def cases_on_lines(self, start: int, stop: int) -> int: ...


def out_of_view(scroller: Widget, lines: LiveLines) -> str:
    """What ``scroller``'s edge says of ``lines`` (a :class:`LiveLines` inside it whose source
    counts cases): "↑ 8 above · ↓ 27 cases below", or nothing when every line is in view.
    A list cut at a panel's edge with only a scroll bar to show it read as complete."""
    source = lines.source
    if not isinstance(source, CountedSource):
        return ""
    top = int(scroller.scroll_y) - lines.virtual_region.y
    end = top + scroller.scrollable_content_region.height
    above = source.cases_on_lines(0, max(0, top))
    below = source.cases_on_lines(max(0, end), source.line_count())
    parts = [f"↑ {above:,} above"] if above else []
    if below:
        parts.append(f"↓ {below:,} {'case' if below == 1 else 'cases'} below")
    return " · ".join(parts)


class LiveLines(OwnStyleOnce, Widget):
    """Lines from a :class:`LineSource`, or a placeholder until it is given one.

    Its height is the source's line count; inside a scrolling container only the lines in
    view are drawn (Textual asks for those alone).
    """

    DEFAULT_CSS = "LiveLines { height: auto; }"

    def __init__(self, placeholder: Text, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder
        self.source: LineSource | None = None
        self.now = 0.0
        #: line -> its text when last drawn or checked (only lines near the view)
        self._drawn: dict[int, str] = {}

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 if self.source is None else self.source.line_count()

    def show(self, source: LineSource, now: float) -> None:
        """A new or reshaped source: every line in view is drawn again, and the screen laid
        out again if the height changed."""
        before = self.get_content_height(self.size, self.size, self.size.width)
        self.source, self.now = source, now
        self._drawn.clear()
        self.refresh(layout=source.line_count() != before)

    def tick(self, now: float, scroller: Widget) -> None:
        """Times moved on: redraw the lines in ``scroller``'s view whose text changed (a
        minute at most per row)."""
        self.now = now
        source = self.source
        if source is None:
            return
        top = int(scroller.scroll_y) - self.virtual_region.y - MARGIN
        end = top + scroller.size.height + 2 * MARGIN
        first, end = max(0, top), min(source.line_count(), end)
        self._drawn = {y: text for y, text in self._drawn.items() if first <= y < end}
        width = self.size.width
        for y in range(first, end):
            text = source.line(y, now).plain
            if self._drawn.get(y) != text:
                self._drawn[y] = text
                self.refresh(Region(0, y, width, 1))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.own_style
        if self.source is None:
            text = self.placeholder.copy() if y == 0 else Text()
        elif y >= self.source.line_count():  # shorter now, and not laid out again yet
            text = Text()
        else:
            text = self.source.line(y, self.now)
            self._drawn[y] = text.plain
        text.truncate(width, overflow="ellipsis")
        segments = Segment.apply_style(text.render(self.app.console), base)
        return Strip(segments).extend_cell_length(width, base).crop(0, width)
