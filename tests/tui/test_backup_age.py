"""Supervisors see the age of the last verified backup, and a warning after a day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import peewee
import pytest
from textual.app import App, ComposeResult

from wzdesk.core.clock import FixedClock
from wzdesk.core.rules import Role
from wzdesk.services import backup
from wzdesk.services.backup import BackupStatus
from wzdesk.services.context import ServiceContext
from wzdesk.tui.backup_age import BackupAge, backup_age_text


def test_the_words_and_when_they_warn(clock: FixedClock) -> None:
    now = clock.now()
    nothing = BackupStatus(None, None, None, None)
    assert backup_age_text(nothing, now) == (
        "No verified backup: run 'wzdesk backup verify'",
        True,
    )
    unverified = BackupStatus(now, None, None, None)
    assert "backups are made, none verified" in backup_age_text(unverified, now)[0]
    gone = BackupStatus(now, None, None, None, "/srv/b/wzdesk-20261202T150000Z.tar.gz")
    assert backup_age_text(gone, now) == (
        "No verified backup: wzdesk-20261202T150000Z.tar.gz is gone; run 'wzdesk backup verify'",
        True,
    )
    fresh = BackupStatus(now, now - timedelta(hours=5), now, "b.tar.gz")
    assert backup_age_text(fresh, now) == ("Last verified backup: 5 h old", False)
    day = BackupStatus(now, now - timedelta(hours=24), now, "b.tar.gz")
    assert backup_age_text(day, now)[1] is False  # a day old is still fine
    stale = BackupStatus(now, now - timedelta(hours=25), now, "b.tar.gz")
    text, warn = backup_age_text(stale, now)
    assert warn and text.startswith("Last verified backup: 25 h old: back up and verify")
    old = BackupStatus(now, now - timedelta(days=9), now, "b.tar.gz")
    assert backup_age_text(old, now)[0].startswith("Last verified backup: 9 days old")
    assert BackupAge.wanted(Role.SUPERVISOR)
    assert not BackupAge.wanted(Role.AGENT) and not BackupAge.wanted(Role.PHONE)


class _Host(App[None]):
    """The smallest app the widget runs in: it needs the app's clock."""

    def __init__(self, clock: FixedClock) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield BackupAge()

    def after_first_screen(self, read: Callable[[], object]) -> None:
        read()  # no queue here to paint first


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_widget_shows_the_recorded_age_and_turns_to_a_warning(
    database: peewee.Database,
    supervisor: ServiceContext,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WZDESK_ATTACHMENTS", str(tmp_path / "attachments"))
    made = backup.make_backup(supervisor, tmp_path / "backups")
    backup.verify_backup(supervisor, made.path)
    clock.advance(timedelta(hours=3))
    app = _Host(clock)
    async with app.run_test() as pilot:
        widget = app.query_one(BackupAge)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(widget.render()) == "Last verified backup: 3 h old"
        assert not widget.has_class("-stale")
        clock.advance(timedelta(days=1))
        widget.refresh_status()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(widget.render()).startswith("Last verified backup: 27 h old: back up")
        assert widget.has_class("-stale")
