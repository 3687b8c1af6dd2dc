"""The key bar (our footer): the keys that work here and now, F1/F2/F3 always first.

Textual's own footer lists the focused widget's keys first and the app's last, so on an 80-column
terminal the global keys (help, log a call, new case) fell off the end. This one puts the app's
function keys first, then the focused pane's keys, wraps between keys (never inside one) onto a
second line when needed, and says how many keys did not fit rather than cutting them silently.
Keys a role may not use are not listed (their screens' ``check_action`` hides them); keys that
do not apply to the selected case are shown dimmed.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

#: Shown first, in this order, whenever they are active.
FIRST_KEYS = ("f1", "f2", "f3")
MAX_LINES = 2


def key_label(shown: str) -> str:
    """How a key reads in the bar: ``F1``, ``Ctrl+S``, ``Esc``, ``Enter`` (not f1, ^s, esc)."""
    if len(shown) > 1 and shown[0] == "f" and shown[1:].isdigit():
        return shown.upper()
    if shown.startswith("^") and len(shown) == 2:
        return f"Ctrl+{shown[1].upper()}"
    return {"esc": "Esc", "⏎": "Enter", "space": "Space", "tab": "Tab"}.get(shown, shown)


def key_bar_text(
    items: list[tuple[str, str, bool]], width: int, key_style: Style, dim: Style
) -> Text:
    """``F1 Help  F2 Call …`` in at most :data:`MAX_LINES` lines of ``width`` cells.

    ``items``: (key as shown, description, enabled). Items that do not fit are counted in a
    final ``+N (F1)`` so nothing disappears without a word.
    """
    text = Text(no_wrap=True, overflow="crop")
    line, used = 1, 0
    for index, (key, description, enabled) in enumerate(items):
        piece = f" {key} {description} "
        rest = len(items) - index
        more = f" +{rest} more: F1 "
        room_needed = len(piece) + (len(more) if line == MAX_LINES and rest > 1 else 0)
        if used and used + room_needed > width:
            if line == MAX_LINES:
                text.append(more, dim)
                return text
            text.append("\n")
            line, used = line + 1, 0
        text.append(f" {key}", key_style if enabled else dim)
        text.append(f" {description} ", Style() if enabled else dim)
        used += len(piece)
    return text


class KeyBar(Widget):
    """A one- or two-line footer of the active keys.

    Worked out when drawn, once per change of the keys (or of the width), not once per change
    announced: mounting a screen announces several (focus, rows, the highlighted case), and the
    bar read every binding's state for each, ~2 ms a time, seven times before the console's
    first frame. Its height is told to the layout (:meth:`get_content_height`), so the first
    frame has it at its height."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: auto; max-height: 2; background: $panel; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._changes = 0  # key changes announced
        self._made: tuple[object, ...] | None = None  # (changes, width, theme) of _text
        self._text = Text()
        self._relaid: tuple[object, ...] | None = None  # _made when a relayout was last asked

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._changes += 1
            self.refresh()

    def items(self) -> list[tuple[str, str, bool]]:
        """(key, description, enabled) for every shown active binding, F1/F2/F3 first."""
        seen_actions: set[str] = set()
        first: dict[str, tuple[str, str, bool]] = {}
        rest: list[tuple[str, str, bool]] = []
        for key, active in self.screen.active_bindings.items():
            binding: Binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen_actions:
                continue  # keys that do nothing here now are left out (F1 lists them all)
            seen_actions.add(binding.action)
            item = (key_label(self.app.get_key_display(binding)), binding.description, True)
            if key in FIRST_KEYS:
                first[key] = item
            else:
                rest.append(item)
        return [first[k] for k in FIRST_KEYS if k in first] + rest

    def text_for(self, width: int) -> Text:
        """The bar at ``width`` cells, as the keys are now."""
        made = (self._changes, width, self.app.theme)
        if made != self._made:
            theme = self.app.current_theme
            key_style = Style(bold=True, color=theme.accent or "cyan")
            self._text = key_bar_text(self.items(), max(20, width), key_style, Style(dim=True))
            self._made = made
        return self._text

    @property
    def content(self) -> Text:
        """What the bar says now."""
        return self.text_for(self.size.width or self.screen.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.text_for(width).plain.count("\n") + 1

    def render(self) -> Text:
        text = self.text_for(self.size.width)
        if text.plain.count("\n") + 1 != self.size.height and self._relaid != self._made:
            # The keys now take a line more or less: lay out again (once for this text, should
            # a style ever hold the bar at another height).
            self._relaid = self._made
            self.call_later(self.refresh, layout=True)
        return text
