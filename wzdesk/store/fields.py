"""Column types that keep time honest.

Every instant is stored in UTC. On PostgreSQL the column is ``TIMESTAMPTZ`` (a plain
``TIMESTAMP`` silently drops the offset); on SQLite it is fixed-width UTC text, so that text
order is time order. Naive datetimes are refused on the way in: a naive value is a bug.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import peewee

from wzdesk.store.stored_values import date_from_db, instant_from_db, instant_to_sqlite


def _is_postgres(field: peewee.Field) -> bool:
    database = field.model._meta.database
    database = getattr(database, "obj", database)  # unwrap a DatabaseProxy
    return isinstance(database, peewee.PostgresqlDatabase)


class UTCDateTimeField(peewee.Field):
    """An aware instant, stored as UTC; read back as an aware UTC datetime."""

    field_type = "UTCDATETIME"

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"{self.name}: expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{self.name}: refusing a naive datetime; pass an aware instant")
        utc = value.astimezone(UTC)
        if _is_postgres(self):
            return datetime(*utc.timetuple()[:6], utc.microsecond, tzinfo=UTC)
        return instant_to_sqlite(utc)

    def python_value(self, value: Any) -> datetime | None:
        return instant_from_db(value)


class IsoDateField(peewee.Field):
    """A calendar date (no time, no zone), stored as ``DATE``; ISO text on SQLite."""

    field_type = "DATE"

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"{self.name}: expected a date")
        return value if _is_postgres(self) else value.isoformat()

    def python_value(self, value: Any) -> date | None:
        return date_from_db(value)


#: Per-backend column types for the custom fields above.
SQLITE_FIELD_TYPES = {"UTCDATETIME": "TEXT"}
POSTGRES_FIELD_TYPES = {"UTCDATETIME": "TIMESTAMPTZ"}
