"""What each console user has read: the version of a case they last opened.

The queue marks a case that changed since you last opened it (by someone else: your own
actions reload the case and so mark it read), and a case newly assigned to you that you have
not opened yet.
"""

from __future__ import annotations

from datetime import datetime

from wzdesk.services.context import write_transaction
from wzdesk.store.models import CaseSeen
from wzdesk.store.queries import tuples


def mark_seen(login: str, case_id: int, version: int, at: datetime) -> None:
    """Record that ``login`` has read ``case_id`` at ``version`` (a newer read only)."""
    with write_transaction():
        updated = (
            CaseSeen.update(version=version, seen_at=at)
            .where(
                (CaseSeen.login == login)
                & (CaseSeen.case == case_id)
                & (CaseSeen.version < version)
            )
            .execute()
        )
        if updated:
            return
        if (
            not CaseSeen.select()
            .where((CaseSeen.login == login) & (CaseSeen.case == case_id))
            .exists()
        ):
            CaseSeen.create(login=login, case=case_id, version=version, seen_at=at)


def seen_versions(login: str) -> dict[int, int]:
    """Case id → the version ``login`` last opened."""
    query = CaseSeen.select(CaseSeen.case, CaseSeen.version).where(CaseSeen.login == login)
    return {int(case_id): int(version) for case_id, version in tuples(query)}
