"""Fixtures for driving the real console with Pilot over a seeded database.

The clock is a :class:`FixedClock` on a business day (Monday 9 March 2026, 10:00 Toronto) that
tests move with ``clock.advance(...)``: countdowns, crossings and call timers are tested with
time that really moves, not a frozen instant.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee
import pytest

from tests.conftest import local, new_case
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.context import ServiceContext
from wzdesk.tui.app import WzdeskApp


@pytest.fixture
def seeded(
    database: peewee.Database,
    supervisor: ServiceContext,
    agent: ServiceContext,
    acme: str,
    clock: FixedClock,
) -> list[str]:
    """Three open cases of ACME: a critical one breached, a major one, a minor one."""
    refs = []
    for severity, summary, received in [
        ("critical", "Payroll export fails", local(2026, 3, 6, 12, 0)),
        ("major", "Approval emails missing", local(2026, 3, 9, 9, 0)),
        ("minor", "Typo on the login page", local(2026, 3, 9, 9, 30)),
    ]:
        case = cases.open_case(
            supervisor,
            new_case(
                severity=severity, summary=summary, description="Details.", received_at=received
            ),
        )
        refs.append(case.ref)
    return refs


@pytest.fixture
def desk(seeded: list[str], supervisor: ServiceContext, agent: ServiceContext) -> dict[str, str]:
    """The three seeded cases and four more, by name:

    * ``breached``: critical, response 4h overdue (the seeded first case);
    * ``major``, ``minor``: the other seeded cases (unassigned, pending);
    * ``sams``: moderate, assigned to sam (the supervisor), not kim (the agent);
    * ``late``: critical, response met late, resolution 13h left (no minus sign anywhere);
    * ``waiting``: moderate, waiting on the client (resolution clock paused);
    * ``resolved``: minor, resolved (not in the queue).
    """
    refs = dict(zip(("breached", "major", "minor"), seeded, strict=True))
    sams = cases.open_case(
        supervisor,
        new_case(
            severity="moderate", summary="Report totals off", received_at=local(2026, 3, 9, 8)
        ),
    )
    cases.assign(supervisor, sams.ref, "sam")
    late = cases.open_case(
        supervisor,
        new_case(severity="critical", summary="Slow timesheets", received_at=local(2026, 3, 6, 9)),
    )
    cases.reply(supervisor, late.ref, "Looking into it.")  # at 10:00 Monday: after Fri 13:00
    waiting = cases.open_case(
        supervisor,
        new_case(
            severity="moderate", summary="Need the log file", received_at=local(2026, 3, 9, 8, 30)
        ),
    )
    cases.reply(supervisor, waiting.ref, "Please send the log.")
    cases.set_status(supervisor, waiting.ref, "waiting_client")
    resolved = cases.open_case(
        supervisor,
        new_case(
            severity="minor", summary="Where is the export button", received_at=local(2026, 3, 9, 7)
        ),
    )
    cases.resolve(supervisor, resolved.ref, "It is under Reports.")
    refs.update(sams=sams.ref, late=late.ref, waiting=waiting.ref, resolved=resolved.ref)
    return refs


@pytest.fixture
def make_app(clock: FixedClock) -> Callable[..., WzdeskApp]:
    """Build the app as ``wzdesk`` does, acting as the given context."""

    def build(context: ServiceContext, **options: object) -> WzdeskApp:
        options.setdefault("bell", False)
        options.setdefault("refresh_seconds", 0.2)
        app = WzdeskApp(context, clock=clock, database_label="test", **options)  # type: ignore[arg-type]
        app.animation_level = "none"  # scrolling jumps: what is on screen never depends on timing
        return app

    return build
