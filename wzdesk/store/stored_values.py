"""Reading stored values back, without Peewee.

The column types in :mod:`wzdesk.store.fields` and the quick read-only path of
:mod:`wzdesk.store.quick_read` both turn what a driver returns into Python values (and an
instant into SQLite's text); they share these functions so that the two paths cannot drift
apart. SQLite returns text, PostgreSQL returns ``date`` and aware ``datetime`` objects: each
function takes either.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

Hours = tuple[tuple[int, int], ...]


#: How SQLite keeps an instant: fixed-width UTC text, so that text order is time order.
SQLITE_INSTANT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def instant_to_sqlite(value: datetime) -> str:
    """An aware instant as SQLite stores it (and as a statement compares it with a column)."""
    return value.astimezone(UTC).strftime(SQLITE_INSTANT_FORMAT)


def instant_from_db(value: Any) -> datetime | None:
    """An instant column as an aware UTC datetime (None stays None)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    # fromisoformat is C code, ~30x faster than strptime: it matters for 10,000-row reads.
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


#: SQLite keeps instants as naive UTC text: subtracting a naive epoch skips a tzinfo swap per value.
NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001


def epoch_from_db(value: Any) -> float:
    """An instant column as epoch seconds, straight from the driver's value (UTC text on
    SQLite, a datetime on PostgreSQL, or epoch seconds already when the query asked
    PostgreSQL for them): reading thousands of rows, a datetime per value cost more than the
    query."""
    if type(value) is float:
        return value
    if isinstance(value, str):
        return (datetime.fromisoformat(value) - NAIVE_EPOCH).total_seconds()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return (value - NAIVE_EPOCH).total_seconds()
        return value.timestamp()
    raise TypeError(f"expected a stored instant, got {value!r}")


def epochs_from_db(values: Sequence[Any]) -> list[float]:
    """:func:`epoch_from_db` of a whole column (a query's instants read at once): SQLite's text
    is parsed inline, without a call per value (loading 100,000 open cases converts nearly a
    million instants)."""
    if values and type(values[0]) is float:  # asked of PostgreSQL as epoch seconds
        return list(values)
    parse, epoch = datetime.fromisoformat, NAIVE_EPOCH
    return [
        (parse(value) - epoch).total_seconds() if type(value) is str else epoch_from_db(value)
        for value in values
    ]


def optional_epochs_from_db(values: Sequence[Any]) -> list[float | None]:
    """:func:`epochs_from_db` of a column that may hold NULLs (None stays None)."""
    parse, epoch = datetime.fromisoformat, NAIVE_EPOCH
    return [
        value
        if value is None or type(value) is float
        else (parse(value) - epoch).total_seconds()
        if type(value) is str
        else epoch_from_db(value)
        for value in values
    ]


def date_from_db(value: Any) -> date | None:
    """A date column as a ``date`` (ISO text on SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def hours_from_json(text: str | None) -> Hours | None:
    """Opening hours stored as JSON ``[[start, end], ...]`` (seconds since local midnight)."""
    if text is None:
        return None
    return tuple((int(start), int(end)) for start, end in json.loads(text))


def week_from_json(text: str) -> tuple[Hours, ...]:
    """A policy's weekly hours stored as JSON: seven lists of ``[start, end]``."""
    return tuple(tuple((int(s), int(e)) for s, e in day) for day in json.loads(text))
