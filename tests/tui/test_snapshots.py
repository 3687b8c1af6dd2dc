"""SVG snapshots of the key screens at 80×24, 120×40 and 200×50, with the clock inside business
hours (SQLite only: the picture does not depend on the backend, and one set of files is easier
to review). The desk holds a breached case, an at-risk one, a late response with time left, a
paused one, someone else's, and a resolved one.

Update after a deliberate change: ``python -m pytest tests/tui/test_snapshots.py --snapshot-update``
and review the SVGs (``snapshot_report.html`` shows the differences).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import local, new_case
from tests.tui.helpers import detail_ref, queue, settle
from wzdesk.services import cases
from wzdesk.tui.screens.intake import IntakeScreen

SIZES = [(80, 24), (120, 40), (200, 50)]


@pytest.fixture
def database_url(tmp_path: Path) -> str:  # overrides the two-backend fixture
    return f"sqlite:///{tmp_path / 'snap.db'}"


@pytest.fixture
def full_desk(desk: dict[str, str], supervisor: Any) -> dict[str, str]:
    """The desk plus a critical case 50 minutes from breaching its response (at risk)."""
    at_risk = cases.open_case(
        supervisor,
        new_case(summary="Login page times out", received_at=local(2026, 3, 6, 16, 50)),
    )
    return {**desk, "at_risk": at_risk.ref}


async def _loaded(pilot: Any) -> None:
    await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
    await settle(pilot, lambda: len(queue(pilot).rows) == 7 and detail_ref(pilot))
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue(snap_compare, full_desk, agent, make_app, size) -> None:  # type: ignore[no-untyped-def]
    app = make_app(agent, refresh_seconds=3600)
    assert snap_compare(app, terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_case(snap_compare, full_desk, agent, make_app, size) -> None:  # type: ignore[no-untyped-def]
    """The late-response case (time left on resolution): full screen at 80 columns."""
    app = make_app(agent, refresh_seconds=3600)

    async def ready(pilot: Any) -> None:
        await _loaded(pilot)
        while queue(pilot).current_row.ref != full_desk["late"]:
            await pilot.press("j")
        if size[0] < 100:
            await pilot.press("enter")
        await settle(pilot, lambda: detail_ref(pilot) == full_desk["late"])
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_phone_intake(snap_compare, full_desk, phone_staff, make_app, clock, size) -> None:  # type: ignore[no-untyped-def]
    """A call in progress: caller found, timer running."""
    app = make_app(phone_staff, refresh_seconds=3600)

    async def ready(pilot: Any) -> None:
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        await pilot.press(*"ana")
        await settle(pilot, lambda: pilot.app.screen.callers)
        await pilot.press("enter")
        await settle(pilot, lambda: pilot.app.screen.caller is not None)
        clock.advance(timedelta(minutes=2, seconds=5))
        pilot.app.screen._tick()  # what the one-second timer does, without waiting on a busy CPU
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_queue_when_the_desk_is_closed(snap_compare, full_desk, agent, make_app, clock) -> None:  # type: ignore[no-untyped-def]
    clock.advance(timedelta(hours=10, minutes=30))  # Monday 20:30: countdowns stand still
    app = make_app(agent, refresh_seconds=3600)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_loaded)


def test_help(snap_compare, full_desk, agent, make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(agent, refresh_seconds=3600)

    async def ready(pilot: Any) -> None:
        await _loaded(pilot)
        await pilot.press("f1")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(120, 40), run_before=ready)
