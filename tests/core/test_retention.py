"""Backup rotation: daily, weekly and monthly generations, as properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wzdesk.core.retention import Retention, to_keep

START = datetime(2026, 1, 1, 2, 30, tzinfo=UTC)

instants = st.lists(
    st.integers(min_value=0, max_value=3 * 365 * 24).map(lambda h: START + timedelta(hours=h)),
    max_size=120,
)
rules = st.builds(
    Retention,
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=14),
)


def test_a_year_of_nightly_backups_keeps_7_4_12() -> None:
    nightly = [START + timedelta(days=d) for d in range(365)]
    kept = sorted(to_keep(nightly, Retention()))
    newest = nightly[-1]
    assert kept[-7:] == nightly[-7:]  # the last seven days
    assert len(kept) <= 7 + 4 + 12
    months = {(k.year, k.month) for k in kept}
    assert len(months) == 12  # one per month for a year
    assert all(newest - k < timedelta(days=366) for k in kept)


@settings(max_examples=200, deadline=None)
@given(instants, rules)
def test_rotation_properties(backups: list[datetime], rule: Retention) -> None:
    kept = to_keep(backups, rule)
    assert kept <= set(backups)
    assert len(kept) <= max(1, rule.daily + rule.weekly + rule.monthly)
    if backups:  # the newest backup (the one just made) is never rotated away, 0/0/0 too
        assert max(backups) in kept
    # Rotating what was kept removes nothing more.
    assert to_keep(kept, rule) == kept
    # Every one of the most recent `daily` days with a backup keeps its newest.
    days = sorted({b.date() for b in backups}, reverse=True)[: rule.daily]
    for day in days:
        assert max(b for b in backups if b.date() == day) in kept


def test_nonsense_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="daily"):
        Retention(daily=-1)
    with pytest.raises(ValueError, match="monthly"):
        Retention(monthly=10_000)
