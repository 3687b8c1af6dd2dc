"""Fixtures for driving the real console with Pilot over a seeded database."""

from __future__ import annotations

from collections.abc import Callable

import peewee
import pytest

from wzdesk.core.clock import FixedClock
from wzdesk.services.cases import NewCase, open_case
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
    from datetime import timedelta

    from tests.conftest import local

    refs = []
    for severity, summary, received in [
        ("critical", "Payroll export fails", local(2026, 3, 6, 12, 0)),
        ("major", "Approval emails missing", local(2026, 3, 9, 9, 0)),
        ("minor", "Typo on the login page", local(2026, 3, 9, 9, 30)),
    ]:
        case = open_case(
            supervisor,
            NewCase(
                client=acme,
                contact="ana@acme.example",
                severity=severity,
                channel="portal",
                category="question",
                summary=summary,
                description="Details.",
                received_at=received,
            ),
        )
        refs.append(case.ref)
    assert clock.now() - timedelta(days=1) < clock.now()
    return refs


@pytest.fixture
def make_app(clock: FixedClock) -> Callable[..., WzdeskApp]:
    """Build the app as ``wzdesk`` does, acting as the given context."""

    def build(context: ServiceContext, **options: object) -> WzdeskApp:
        options.setdefault("bell", False)
        options.setdefault("refresh_seconds", 0.2)
        return WzdeskApp(context, clock=clock, database_label="test", **options)  # type: ignore[arg-type]

    return build
