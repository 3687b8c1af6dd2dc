"""What every part of the web face is built with (its own module: the app imports the parts,
the parts need this, and neither imports the other's module)."""

from __future__ import annotations

from dataclasses import dataclass

from wzdesk.core.clock import Clock


@dataclass(frozen=True)
class WebConfig:
    """The clock every request's instants come from (frozen by ``WZDESK_NOW`` or a test)."""

    clock: Clock
