"""Choosing and opening the database: ``--db URL`` / ``WZDESK_DB`` / the user data dir.

SQLite is the zero set-up default (WAL, busy timeout, foreign keys on, so several consoles and
scripts can share one file); PostgreSQL serves a team of agents on one database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from wzdesk.core.errors import InvalidInput
from wzdesk.store.fields import POSTGRES_FIELD_TYPES, SQLITE_FIELD_TYPES

#: Bound to the real database by :func:`open_database`; every model uses it.
db = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64_000,
}

DB_URL_FORM = "a SQLite file path, sqlite:///path.db, or postgresql://user@host:port/name"


@dataclass(frozen=True)
class DatabaseTarget:
    """Where the data lives, parsed from a URL or path."""

    backend: str  # "sqlite" or "postgresql"
    location: str  # file path (SQLite) or database name (PostgreSQL)
    params: tuple[tuple[str, str | int], ...] = ()

    @property
    def description(self) -> str:
        """A human label (no password)."""
        if self.backend == "sqlite":
            return f"SQLite {self.location}"
        params = dict(self.params)
        host, port = params.get("host", "localhost"), params.get("port", 5432)
        return f"PostgreSQL {host}:{port}/{self.location}"


def default_data_dir() -> Path:
    """The per-user data directory (``~/.local/share/wzdesk`` on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("wzdesk", appauthor=False))


def default_database_path(demo: bool = False) -> Path:
    """The default SQLite file; the demo database is a separate file beside it."""
    return default_data_dir() / ("demo.db" if demo else "wzdesk.db")


def parse_database_url(url: str | None) -> DatabaseTarget:
    """Parse ``--db``/``WZDESK_DB``; ``None`` means the default SQLite file."""
    if not url:
        return DatabaseTarget("sqlite", str(default_database_path()))
    if url.startswith(("postgresql://", "postgres://")):
        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        if not name:
            raise InvalidInput(
                f"expected {DB_URL_FORM}; the database name is missing", field="--db"
            )
        params: dict[str, str | int] = {}
        if parsed.hostname:
            params["host"] = parsed.hostname
        if parsed.port:
            params["port"] = parsed.port
        if parsed.username:
            params["user"] = unquote(parsed.username)
        if parsed.password:
            params["password"] = unquote(parsed.password)
        return DatabaseTarget("postgresql", name, tuple(sorted(params.items())))
    if url.startswith("sqlite:"):
        # As SQLAlchemy and Peewee read it: sqlite:///relative.db, sqlite:////absolute.db
        path = url.removeprefix("sqlite:").removeprefix("///").removeprefix("//")
        if not path:
            raise InvalidInput(f"expected {DB_URL_FORM}; the file path is missing", field="--db")
        return DatabaseTarget("sqlite", path)
    if "://" in url:
        raise InvalidInput(f"expected {DB_URL_FORM}, got {url!r}", field="--db")
    return DatabaseTarget("sqlite", url)


def connect(target: DatabaseTarget) -> peewee.Database:
    """A real (unopened) Peewee database for the target."""
    if target.backend == "postgresql":
        return peewee.PostgresqlDatabase(
            target.location,
            field_types=POSTGRES_FIELD_TYPES,
            prefer_psycopg3=True,
            autoconnect=True,
            **dict(target.params),
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
    from wzdesk.store.migrations import upgrade

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
