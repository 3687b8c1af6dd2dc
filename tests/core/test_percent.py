"""Shares as percentages: 100.0% and 0.0% only when they are so."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wzdesk.core.timefmt import format_percent


def test_the_ends_are_never_rounded_onto() -> None:
    """A review saw 2,001 targets met on time and 1 late read 100.0% in the report's table
    and in the console's insights, the late one nowhere to be seen."""
    assert format_percent(2001 / 2002) == "99.9%"
    assert format_percent(1 / 2002) == "0.1%"
    assert format_percent(1.0) == "100.0%" and format_percent(0.0) == "0.0%"
    assert format_percent(0.875) == "87.5%" and format_percent(24 / 29) == "82.8%"
    assert format_percent(0.9994) == "99.9%" and format_percent(0.0006) == "0.1%"


@given(st.floats(min_value=0.0, max_value=1.0))
def test_a_share_reads_within_a_tenth_and_on_its_side_of_the_ends(share: float) -> None:
    shown = float(format_percent(share).removesuffix("%"))
    assert abs(shown - share * 100) <= 0.1 + 1e-9
    assert (shown == 100.0) is (share == 1.0)
    assert (shown == 0.0) is (share == 0.0)
