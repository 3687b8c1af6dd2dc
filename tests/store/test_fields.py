"""UTCDateTimeField: aware instants only, stored as UTC, ordered by time on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import peewee
import pytest

from wzdesk.store.database import open_database
from wzdesk.store.models import AuditEntry, Holiday

TOKYO = timezone(timedelta(hours=9))
LOS_ANGELES = timezone(timedelta(hours=-8))
TORONTO_SUMMER = timezone(timedelta(hours=-4))


def _audit(at: datetime, action: str) -> AuditEntry:
    return AuditEntry.create(at=at, actor="test", action=action, entity="x", entity_id="1")


def test_naive_datetime_is_refused(database: peewee.Database) -> None:
    with pytest.raises(ValueError, match="naive"):
        _audit(datetime(2026, 3, 9, 10, 0), "naive")  # noqa: DTZ001
    with pytest.raises(TypeError):
        _audit("2026-03-09 10:00", "text")  # type: ignore[arg-type]
    assert AuditEntry.select().count() == 0


def test_naive_datetime_is_refused_in_a_query(database: peewee.Database) -> None:
    with pytest.raises(ValueError, match="naive"):
        list(AuditEntry.select().where(AuditEntry.at < datetime(2026, 3, 9)))  # noqa: DTZ001


def test_round_trip_keeps_the_instant(database: peewee.Database) -> None:
    sent = datetime(2026, 3, 9, 11, 0, 0, 123456, tzinfo=TORONTO_SUMMER)
    entry = _audit(sent, "round-trip")
    back = AuditEntry.get_by_id(entry.id).at
    assert back == sent  # the same instant...
    assert back.utcoffset() == timedelta(0)  # ...read back in UTC
    assert back == datetime(2026, 3, 9, 15, 0, 0, 123456, tzinfo=UTC)
    assert back.microsecond == 123456
    # Equality with an instant given in another zone finds the row.
    tokyo = sent.astimezone(TOKYO)
    assert AuditEntry.select().where(AuditEntry.at == tokyo).count() == 1


def test_null_stays_null(database: peewee.Database) -> None:
    from wzdesk.store.models import SlaPause

    assert SlaPause.ended_at.db_value(None) is None
    assert SlaPause.ended_at.python_value(None) is None


def test_ordering_by_time_column_is_time_order(database: peewee.Database) -> None:
    # Wall-clock text order would be Tokyo 08:00 < LA 20:00 < Toronto 23:30, but in time:
    instants = {
        "la": datetime(2026, 3, 8, 20, 0, tzinfo=LOS_ANGELES),  # 2026-03-09 04:00 UTC
        "tokyo": datetime(2026, 3, 9, 8, 0, tzinfo=TOKYO),  # 2026-03-08 23:00 UTC
        "toronto": datetime(2026, 3, 8, 23, 30, tzinfo=TORONTO_SUMMER),  # 2026-03-09 03:30 UTC
        "utc": datetime(2026, 3, 9, 3, 45, tzinfo=UTC),
    }
    for name, at in instants.items():
        _audit(at, name)
    by_time = [e.action for e in AuditEntry.select().order_by(AuditEntry.at)]
    assert by_time == ["tokyo", "toronto", "utc", "la"]
    assert by_time == sorted(instants, key=instants.__getitem__)
    # Range conditions compare instants, whatever offset the bound is given in.
    bound = datetime(2026, 3, 8, 22, 40, tzinfo=TORONTO_SUMMER)  # 2026-03-09 02:40 UTC
    later = AuditEntry.select().where(AuditEntry.at > bound).order_by(AuditEntry.at.desc())
    assert [e.action for e in later] == ["la", "utc", "toronto"]


def test_column_type_keeps_the_offset(database: peewee.Database) -> None:
    columns = {c.name: c for c in database.get_columns("audit_entry")}
    if isinstance(database, peewee.PostgresqlDatabase):
        assert "with time zone" in columns["at"].data_type
    else:
        assert columns["at"].data_type.upper() == "TEXT"


def test_sqlite_text_is_fixed_width_utc(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'format.db'}")
    try:
        _audit(datetime(2026, 3, 9, 11, 0, tzinfo=TORONTO_SUMMER), "a")
        _audit(datetime(2026, 3, 9, 11, 0, 0, 5, tzinfo=TORONTO_SUMMER), "b")
        rows = database.execute_sql("SELECT at FROM audit_entry ORDER BY id")
        assert [row[0] for row in rows] == [
            "2026-03-09 15:00:00.000000",
            "2026-03-09 15:00:00.000005",
        ]
    finally:
        database.close()


def test_date_field_round_trip(database: peewee.Database) -> None:
    from datetime import date

    Holiday.create(day=date(2026, 7, 1), name="Canada Day", created_at=datetime.now(UTC))
    assert Holiday.get(Holiday.name == "Canada Day").day == date(2026, 7, 1)
    with pytest.raises(TypeError):
        Holiday.create(day=datetime(2026, 7, 1, tzinfo=UTC), created_at=datetime.now(UTC))
