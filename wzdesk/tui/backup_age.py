"""The age of the last verified backup, for supervisors (the policy promises daily backups and
their periodic testing; a desk that stopped backing up should not find out on the bad day).

:func:`backup_age_text` says it in words (pure); :class:`BackupAge` is a one-line widget that
reads the status in a thread worker when mounted and every ten minutes, and turns to a warning
once the newest verified backup is more than a day old, or there is none (one whose file is
gone counts as none). Mount it only for supervisors (``BackupAge.wanted(role)``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual import work
from textual.widgets import Static

from wzdesk.core.rules import Role
from wzdesk.services.backup import BackupStatus, backup_status
from wzdesk.tui.workers import desk, in_thread

#: Older than this, the last verified backup is a warning.
STALE_AFTER = timedelta(days=1)
#: How often the widget re-reads the status (backups are daily; this is plenty).
REFRESH_SECONDS = 600.0


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def backup_age_text(status: BackupStatus, now: datetime) -> tuple[str, bool]:
    """(what to show, whether it is a warning)."""
    age = status.verified_age_seconds(now)
    if age is None and status.verified_missing:
        gone = Path(status.verified_missing).name
        return f"No verified backup: {gone} is gone; run 'wzdesk backup verify'", True
    if age is None:
        made = "" if status.last_backup_at is None else " (backups are made, none verified)"
        return f"No verified backup{made}: run 'wzdesk backup verify'", True
    text = f"Last verified backup: {_age(max(0.0, age))} old"
    if age > STALE_AFTER.total_seconds():
        return f"{text}: back up and verify (wzdesk backup && wzdesk backup verify)", True
    return text, False


class BackupAge(Static):
    """One line: how old the newest verified backup is; a warning after a day."""

    DEFAULT_CSS = """
    BackupAge { height: 1; padding: 0 1; color: $text-muted; }
    BackupAge.-stale { color: $warning; text-style: bold; }
    """

    @staticmethod
    def wanted(role: Role) -> bool:
        """Whether a console user in ``role`` is shown the widget (supervisors)."""
        return role is Role.SUPERVISOR

    def on_mount(self) -> None:
        self.update("Last verified backup: …")
        desk(self).after_first_screen(self.refresh_status)  # not while the queue first paints
        self.set_interval(REFRESH_SECONDS, self.refresh_status)

    @work(thread=True, exclusive=True, group="backup-age", exit_on_error=False)
    def refresh_status(self) -> None:
        status = in_thread(backup_status)
        self.app.call_from_thread(self.show, status)

    def show(self, status: BackupStatus) -> None:
        text, stale = backup_age_text(status, desk(self).clock.now())
        self.set_class(stale, "-stale")
        self.update(text)
