"""A line-drawn widget's own style, worked out once per repaint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    # A plain mixin at run time: as a Widget subclass placed ahead of ScrollView it broke the
    # queue's scrolling of its cursor into view (a test caught it; not traced further).
    _Base = object


class OwnStyleOnce(_Base):
    """Mixed into widgets that draw with ``render_line`` (before their Widget base):
    :attr:`own_style` is ``rich_style`` read once per repaint, not once per line. Textual
    computes ``rich_style`` by walking every ancestor's background, and that walk was over a
    third of the cost of drawing a screenful of queue rows."""

    _painting_style: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._painting_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._painting_style = None

    @property
    def own_style(self) -> Style:
        """The widget's own style (background, colour), as of this repaint."""
        painting = self._painting_style
        return self.rich_style if painting is None else painting
