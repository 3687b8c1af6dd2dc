"""The column-at-a-time instant converters agree with the one-value converter exactly (the
queue compares epochs from both: a first reply against its due instant), on SQLite's text and
on PostgreSQL's datetimes, NULLs included (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import peewee
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wzdesk.store.fields import UTCDateTimeField
from wzdesk.store.queries import read_as_epoch
from wzdesk.store.stored_values import epoch_from_db, epochs_from_db, optional_epochs_from_db

instants = st.datetimes(
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def as_sqlite(instant: datetime) -> str:
    """How the SQLite store writes an instant: naive UTC text, to the microsecond."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


@given(st.lists(instants, max_size=20), st.integers(-12, 12))
def test_column_converters_agree_with_the_value_converter(
    values: list[datetime], hours: int
) -> None:
    texts = [as_sqlite(value) for value in values]
    zoned = [value.astimezone(timezone(timedelta(hours=hours))) for value in values]
    naive = [value.replace(tzinfo=None) for value in values]
    for column in (texts, zoned, naive):
        assert epochs_from_db(column) == [epoch_from_db(value) for value in column]
    assert epochs_from_db(texts) == [value.timestamp() for value in values]


@given(st.lists(st.one_of(st.none(), instants), max_size=20))
def test_nulls_stay_nulls(values: list[datetime | None]) -> None:
    texts = [None if value is None else as_sqlite(value) for value in values]
    assert optional_epochs_from_db(texts) == [
        None if value is None else epoch_from_db(value) for value in texts
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(instants, min_size=1, max_size=20))
def test_instants_read_as_epoch_agree_with_the_python_conversion(
    database: peewee.Database, values: list[datetime]
) -> None:
    """``read_as_epoch``: PostgreSQL's own ``EXTRACT(EPOCH …)::float8`` of a stored instant is
    the float Python's conversion of the datetime gives (both round the exact microseconds
    once), so reports and the queue read the same epochs on either backend. On SQLite the
    column comes as its text."""

    class Stamp(peewee.Model):
        at = UTCDateTimeField(null=True)

        class Meta:
            table_name = "stamp_check"

    with database.bind_ctx([Stamp]):
        Stamp.create_table(temporary=True)
        try:
            Stamp.insert_many([(value,) for value in [None, *values]], fields=[Stamp.at]).execute()
            query = Stamp.select(read_as_epoch(Stamp.at)).order_by(Stamp.id)
            read = [row[0] for row in query.tuples()]
        finally:
            Stamp.drop_table()
    assert read[0] is None
    asked_as_floats = isinstance(database, peewee.PostgresqlDatabase)
    assert all(type(value) is float for value in read[1:]) == asked_as_floats
    assert epochs_from_db(read[1:]) == [value.timestamp() for value in values]
    assert optional_epochs_from_db(read) == [None] + [value.timestamp() for value in values]
