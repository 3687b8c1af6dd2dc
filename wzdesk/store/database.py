"""Choosing and opening the database: ``--db URL`` / ``WZDESK_DB`` / the user data dir.

SQLite is the zero set-up default (WAL, busy timeout, foreign keys on, so several consoles and
scripts can share one file); PostgreSQL serves a team of agents on one database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import peewee

from wzdesk.core.errors import InvalidInput
from wzdesk.store.fields import POSTGRES_FIELD_TYPES, SQLITE_FIELD_TYPES
from wzdesk.store.location import DatabaseTarget, parse_database_url
from wzdesk.store.migrations import upgrade

#: Bound to the real database by :func:`open_database`; every model uses it.
db = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64_000,
}


def connect(target: DatabaseTarget) -> peewee.Database:
    """A real (unopened) Peewee database for the target."""
    if target.backend == "postgresql":
        params: dict[str, Any] = dict(target.params)
        return peewee.PostgresqlDatabase(
            target.location,
            field_types=POSTGRES_FIELD_TYPES,
            prefer_psycopg3=True,
            autoconnect=True,
            **params,
        )
    if target.location != ":memory:":
        Path(target.location).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return peewee.SqliteDatabase(
        str(Path(target.location).expanduser()) if target.location != ":memory:" else ":memory:",
        pragmas=SQLITE_PRAGMAS,
        field_types=SQLITE_FIELD_TYPES,
        timeout=10,
    )


def open_database(url: str | None = None, *, migrate: bool = True) -> peewee.Database:
    """Bind :data:`db` to the database named by ``url`` and bring its schema up to date."""
    target = parse_database_url(url if url is not None else os.environ.get("WZDESK_DB"))
    database = connect(target)
    db.initialize(database)
    try:
        database.connect(reuse_if_open=True)
    except peewee.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise InvalidInput(
            f"cannot open {target.description}: {first_line}", field="--db"
        ) from None
    if migrate:
        upgrade(database, target)
    return database
