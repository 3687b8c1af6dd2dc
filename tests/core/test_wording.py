"""Instants, targets and hours in words a client understands."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from wzdesk.core.calendar import ALWAYS_OPEN_WEEK, DEFAULT_WEEK, parse_hours
from wzdesk.core.wording import hours_in_words, instant_in_words, target_in_words

TORONTO = ZoneInfo("America/Toronto")


def test_instant_in_words_in_the_support_zone_across_dst() -> None:
    assert instant_in_words(datetime(2026, 3, 9, 14, tzinfo=UTC), TORONTO) == (
        "Monday 9 March, 10:00 EDT"
    )
    assert instant_in_words(datetime(2026, 3, 6, 22, tzinfo=UTC), TORONTO) == (
        "Friday 6 March, 17:00 EST"
    )


def test_targets_in_words() -> None:
    assert target_in_words(4 * 3600) == "4 business hours"
    assert target_in_words(1 * 3600) == "1 business hour"
    assert target_in_words(10 * 3600) == "1 business day"
    assert target_in_words(30 * 3600) == "3 business days"
    assert target_in_words(15 * 3600) == "15 business hours"
    assert target_in_words(5400) == "90 business minutes"
    assert target_in_words(4 * 3600, around_the_clock=True) == "4 hours, around the clock"


def test_hours_in_words() -> None:
    assert hours_in_words(DEFAULT_WEEK, "America/Toronto") == (
        "Monday to Friday, 08:00-18:00 (America/Toronto time), except holidays"
    )
    assert hours_in_words(ALWAYS_OPEN_WEEK, "UTC").startswith("Monday to Sunday, all day")
    split = parse_hours("09:00-12:00,13:00-17:00")
    week = (split, split, (), split, split, (), ())
    assert hours_in_words(week, "Europe/Paris") == (  # type: ignore[arg-type]
        "Monday to Tuesday, 09:00-12:00, 13:00-17:00; Thursday to Friday, 09:00-12:00, "
        "13:00-17:00 (Europe/Paris time), except holidays"
    )
