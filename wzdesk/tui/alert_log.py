"""The alerts this console raised (a case crossing into at risk or breached while it was open),
kept in memory for the alerts screen, beside the ones ``wzdesk notify`` sent."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from textual.app import App

#: The newest alerts a console keeps.
KEEP = 500
_ATTRIBUTE = "_wzdesk_console_alerts"
_COUNT = "_wzdesk_console_alerts_raised"


@dataclass(frozen=True)
class ConsoleAlert:
    """One notification the console raised."""

    at: datetime
    ref: str
    text: str
    severity: str  # error (breached) | warning (at risk)


def console_alerts(app: App[object]) -> deque[ConsoleAlert]:
    """The running app's log of alerts it raised (created on first use)."""
    log: deque[ConsoleAlert] | None = getattr(app, _ATTRIBUTE, None)
    if log is None:
        log = deque(maxlen=KEEP)
        setattr(app, _ATTRIBUTE, log)
    return log


def console_alerts_raised(app: App[object]) -> int:
    """How many alerts the running app raised in all: more than it keeps, on a busy desk
    (a crossing every few seconds fills :data:`KEEP` in well under an hour)."""
    return int(getattr(app, _COUNT, 0))


def record_console_alert(
    app: App[object], at: datetime, ref: str, text: str, severity: str
) -> None:
    """Remember an alert the console raised (the main screen calls this as it notifies)."""
    console_alerts(app).appendleft(ConsoleAlert(at, ref, text, severity))
    setattr(app, _COUNT, console_alerts_raised(app) + 1)
