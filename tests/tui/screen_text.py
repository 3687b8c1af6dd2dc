"""Reading the console as the user sees it: the terminal's lines, as text."""

from __future__ import annotations

from textual.pilot import Pilot


def screen_lines(pilot: Pilot) -> list[str]:
    """The terminal as the user sees it, line by line (modal screens and toasts included)."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def line_with(pilot: Pilot, text: str) -> str:
    """The first line on screen that shows ``text`` (fails, printing the screen, if none)."""
    found = [line for line in screen_lines(pilot) if text in line]
    assert found, f"{text!r} is not on screen:\n" + "\n".join(screen_lines(pilot))
    return found[0]
