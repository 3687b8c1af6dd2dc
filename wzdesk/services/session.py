"""Opening the desk's database for a face (command line or console), and what faces ask of it
before any use case runs: where it is, whether it holds cases, whether an error was the
database's.

The faces never import the store; this module is their one door to it.
"""

from __future__ import annotations

import sqlite3

import peewee

from wzdesk.store.database import db, open_database
from wzdesk.store.location import (
    DatabaseTarget,
    parse_database_url,
    url_from_environment,
)
from wzdesk.store.models import Case


def open_store(url: str | None, pool: int | None = None) -> DatabaseTarget:
    """Bind the models to the database named by ``url`` (or ``WZDESK_DB``, or the default),
    upgrading its schema if needed; return where it is. ``pool``: a server's pool of
    connections, up to that many (see :func:`wzdesk.store.database.connect`)."""
    open_database(url, pool=pool)
    return database_target(url)


def close_store() -> None:
    """Close every connection of the open database (a server's whole pool) at shutdown."""
    database = db.obj
    if database is None:
        return
    close_all = getattr(database, "close_all", None)  # a pool closes the idle and in use
    if close_all is not None:
        close_all()
    elif not database.is_closed():
        database.close()


def database_target(url: str | None) -> DatabaseTarget:
    """Where ``url`` (or ``WZDESK_DB``, or the default) points, without opening it."""
    return parse_database_url(url if url is not None else url_from_environment())


def has_cases() -> bool:
    """Whether the open database holds any case (a new desk is offered demo data)."""
    return Case.select().exists()


def database_failure(error: BaseException) -> str | None:
    """The first line of a database error (unreachable server, disk full), else ``None``:
    Peewee's, or the bare driver's of the quick read-only path (a file locked or failing
    in the middle of a read there is the database's trouble too, not a bug of ours)."""
    if isinstance(error, peewee.DatabaseError | sqlite3.Error):
        text = str(error).strip()
        first = text.splitlines()[0] if text else repr(error)
        if database_busy(error):
            return f"{first} (by another wzdesk: a restore, a long import); try again"
        return first
    return None


def database_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's busy timeout running out: another process held the
    write lock longer (a restore, a long import), nothing was written, and the same request
    may well work a moment later."""
    if not isinstance(error, peewee.OperationalError | sqlite3.OperationalError):
        return False
    text = str(error).strip()
    return text.splitlines()[0] == "database is locked" if text else False
