"""SVG snapshots of the wallboard at 80x24, 120x40 and 200x50 and of the case history at 120x40,
with the clock frozen on a Monday at 10:00 (business hours) and at-risk rows on the board
(SQLite only: the picture does not depend on the backend)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.test_flows import settle
from tests.tui.test_wallboard import desk_cases  # noqa: F401 - a fixture
from wzdesk.tui.screens.history import HistoryScreen
from wzdesk.tui.screens.wallboard import WallboardScreen


@pytest.fixture
def database_url(tmp_path: Path) -> str:  # overrides the two-backend fixture
    return f"sqlite:///{tmp_path / 'snap.db'}"


async def _wallboard_ready(pilot) -> None:  # type: ignore[no-untyped-def]
    def built() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, WallboardScreen)
            and bool(screen.users)
            and screen.wallboard is not None
            and bool(screen.wallboard.names)
            and not screen._building
        )

    await settle(pilot, built)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
def test_wallboard(snap_compare, desk_cases, supervisor, make_app, size) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app = make_app(supervisor, refresh_seconds=3600, wallboard=True)
    assert snap_compare(app, terminal_size=size, run_before=_wallboard_ready)


def test_history(snap_compare, desk_cases, agent, make_app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app = make_app(agent, refresh_seconds=3600)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
        pilot.app.push_screen(HistoryScreen())
        await settle(pilot, lambda: getattr(pilot.app.screen, "page", None) is not None)
        await pilot.press("tab", "tab")  # to the list
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=ready)
