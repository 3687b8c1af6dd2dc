"""SVG snapshots of the main screens at fixed sizes with a frozen clock (SQLite only: the
picture does not depend on the backend, and one set of files is easier to review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.test_flows import settle
from wzdesk.tui.screens.intake import IntakeScreen
from wzdesk.tui.widgets import CaseDetail, QueueTable, SlaPanel
from wzdesk.tui.widgets.services_section import ServicesSection


@pytest.fixture
def database_url(tmp_path: Path) -> str:  # overrides the two-backend fixture
    return f"sqlite:///{tmp_path / 'snap.db'}"


async def _queue_and_detail_ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
    await settle(pilot, lambda: len(pilot.app.screen.query_one(QueueTable).rows) == 3)
    await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
    await settle(pilot, lambda: pilot.app.screen.query_one(ServicesSection).loaded)


def test_main_screen(snap_compare, seeded, agent, make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(agent, refresh_seconds=3600)
    assert snap_compare(app, terminal_size=(140, 40), run_before=_queue_and_detail_ready)


def test_main_screen_narrow(snap_compare, seeded, agent, make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(agent, refresh_seconds=3600)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_queue_and_detail_ready)


def test_wallboard(snap_compare, seeded, supervisor, make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(supervisor, refresh_seconds=3600, wallboard=True)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
        await settle(pilot, lambda: pilot.app.screen.query_one(SlaPanel).board is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=ready)


def test_phone_intake(snap_compare, seeded, phone_staff, make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(phone_staff, refresh_seconds=3600)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        await pilot.press(*"ana")
        await settle(pilot, lambda: pilot.app.screen.callers)
        await pilot.press("enter")
        await settle(pilot, lambda: pilot.app.screen.caller is not None)

    assert snap_compare(app, terminal_size=(100, 34), run_before=ready)


def test_help(snap_compare, seeded, agent, make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(agent, refresh_seconds=3600)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await _queue_and_detail_ready(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 44), run_before=ready)
