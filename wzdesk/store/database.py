"""Choosing and opening the database: ``--db URL`` / ``WZDESK_DB`` / the user data dir.

SQLite is the zero set-up default (WAL, busy timeout, foreign keys on, so several consoles and
scripts can share one file); PostgreSQL serves a team of agents on one database.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee

from wzdesk.core.errors import DatabaseUnavailable, InvalidInput
from wzdesk.core.paths import typed_path
from wzdesk.store.fields import POSTGRES_FIELD_TYPES, SQLITE_FIELD_TYPES
from wzdesk.store.location import (
    DatabaseTarget,
    default_database_path,
    parse_database_url,
    path_kind,
    url_from_environment,
)
from wzdesk.store.schema_version import SCHEMA_VERSION, stored_version

#: Bound to the real database by :func:`open_database`; every model uses it.
db = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64_000,
}


#: Namespace of wzdesk's PostgreSQL advisory locks (two-key form; migrations use the one-key one).
_LOCK_SPACE = 0x777A646B


def connect(target: DatabaseTarget, pool: int | None = None) -> peewee.Database:
    """A real (unopened) Peewee database for the target (a new SQLite file is created 0600).

    ``pool``: keep up to that many connections open and hand them from one request to the
    next (a server: a PostgreSQL connection costs a round trip and an authentication, and
    closing SQLite's last connection checkpoints its journal). Threads wait for a free one.

    PostgreSQL goes through psycopg2 when it is installed (``wzdesk[postgres]``), else
    through psycopg 3 (Peewee's own choice). The suite runs on psycopg2, and a write and a
    read through psycopg 3 alone (``tests/cli/test_start.py``). psycopg2 is the one installed
    because every command pays its import: 35–40 ms of CPU against psycopg 3's 150–250 ms,
    which was most of a script's cost on PostgreSQL.
    """
    postgres: type[peewee.Database] = peewee.PostgresqlDatabase
    sqlite: type[peewee.Database] = peewee.SqliteDatabase
    pooled: dict[str, Any] = {}
    if pool is not None:  # servers only: the pool module is not loaded otherwise
        from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

        postgres, sqlite = PooledPostgresqlDatabase, PooledSqliteDatabase
        pooled = {"max_connections": pool, "stale_timeout": 300, "timeout": 30}
        if target.backend == "sqlite":  # a pooled connection serves one thread at a time
            pooled["check_same_thread"] = False
    if target.backend == "postgresql":
        params: dict[str, Any] = dict(target.params)
        return postgres(
            target.location,
            field_types=POSTGRES_FIELD_TYPES,
            autoconnect=True,
            **params,
            **pooled,
        )
    location = target.location
    if location != ":memory:":
        location = str(prepare_sqlite_file(typed_path(location, "--db")))
    # ``timeout``: SQLite's wait for a lock, or (pooled) the wait for a free connection; the
    # busy_timeout pragma sets SQLite's own wait either way.
    return sqlite(
        location,
        pragmas=SQLITE_PRAGMAS,
        field_types=SQLITE_FIELD_TYPES,
        **(pooled or {"timeout": 10}),
    )


def prepare_sqlite_file(path: Path) -> Path:
    """Make sure ``path`` can be a SQLite database: an existing file, or a new one created
    readable and writable by its owner only (0600; SQLite gives its ``-wal`` and ``-shm``
    files the same mode).

    A missing folder is a typo, not a wish (refused, naming ``--db``), except for the default
    database, whose folder in the user data directory is created (0700).
    """
    kind = path_kind(path, "--db")
    if kind == "folder":
        raise InvalidInput(f"{path} is a folder; expected a database file", field="--db")
    if kind != "missing":
        return path
    folder = path.parent
    if path_kind(folder, "--db") != "folder":
        if path != default_database_path() and path != default_database_path(demo=True):
            raise InvalidInput(
                f"the folder {folder} does not exist (a typo?); create it first", field="--db"
            )
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:  # another process created it a moment ago
        pass
    except OSError as error:
        raise DatabaseUnavailable(
            f"cannot create the database file {path}: {error.strerror}", field="--db"
        ) from None
    return path


def open_database(
    url: str | None = None, *, migrate: bool = True, pool: int | None = None
) -> peewee.Database:
    """Bind :data:`db` to the database named by ``url`` and bring its schema up to date
    (``pool``: see :func:`connect`).

    A server that cannot be reached, a database that does not exist, a file that cannot be
    read: :class:`DatabaseUnavailable` (exit code 1), in one line.
    """
    target = parse_database_url(url if url is not None else url_from_environment())
    database = connect(target, pool)
    db.initialize(database)
    try:
        database.connect(reuse_if_open=True)
        if isinstance(database, peewee.SqliteDatabase):
            database.execute_sql("SELECT count(*) FROM sqlite_master")  # a file that is no db
    except peewee.ImproperlyConfigured:
        raise DatabaseUnavailable(
            f"cannot open {target.description}: no PostgreSQL driver is installed "
            "(psycopg2); python -m pip install 'wzdesk[postgres]'",
            field="--db",
        ) from None
    except peewee.DatabaseError as error:
        database.close()
        raise target.unavailable(error) from None
    if migrate and stored_version(database) != SCHEMA_VERSION:
        from wzdesk.store.migrations import upgrade  # only when there is something to do

        upgrade(database, target)
    if pool is not None:
        database.close()  # back to the pool: the threads serving requests take it from there
    return database


def _lock_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) - 2**31  # a signed 32-bit key


#: Held exclusively by a restore, shared by every write transaction (PostgreSQL).
_RESTORE_LOCK = "database.restore"


def wait_for_restore() -> None:
    """First thing in a write transaction on PostgreSQL: wait while a restore replaces the
    database (:func:`writers_held_off`), then hold it off until commit.

    A note saved between the restore's kept-aside dump and its replacement was in neither
    database. Writers now wait, and land in the restored one; the lock is taken before the
    transaction touches a table, so it holds no table lock the restore's DROP waits for."""
    database = db.obj
    if isinstance(database, peewee.PostgresqlDatabase):
        key = _lock_key(_RESTORE_LOCK)
        database.execute_sql("SELECT pg_advisory_xact_lock_shared(%s, %s)", (_LOCK_SPACE, key))


@contextmanager
def writers_held_off() -> Iterator[None]:
    """PostgreSQL: while the block runs, every write transaction waits (it starts with
    :func:`wait_for_restore`); the block starts once those under way have committed. A session
    lock: it outlasts the transactions inside, and goes with the connection if the process
    dies. SQLite: nothing; the restore holds the file's write lock itself
    (``dumps.restore_sqlite``)."""
    database = db.obj
    if not isinstance(database, peewee.PostgresqlDatabase):
        yield
        return
    key = (_LOCK_SPACE, _lock_key(_RESTORE_LOCK))
    database.execute_sql("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        database.execute_sql("SELECT pg_advisory_unlock(%s, %s)", key)


def lock_for_transaction(name: str) -> None:
    """Inside a write transaction: wait until no other transaction holds the lock ``name``.

    PostgreSQL: a transaction-scoped advisory lock (released at commit or rollback). SQLite:
    nothing to do, a write transaction there already runs alone (``BEGIN IMMEDIATE``).
    """
    database = db.obj
    if isinstance(database, peewee.PostgresqlDatabase):
        key = _lock_key(name)
        database.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, key))


def fetch_rows(sql: str) -> list[tuple[Any, ...]]:
    """The rows of one statement without parameters, on the open database (for readings
    written in plain SQL, such as :mod:`wzdesk.store.calendar_rows`)."""
    rows: list[tuple[Any, ...]] = db.obj.execute_sql(sql).fetchall()
    return rows


def refresh_statistics() -> None:
    """Refresh the query planner's statistics (``ANALYZE``), after a bulk load.

    Without them PostgreSQL plans the first queries on freshly loaded tables as if they were
    empty until autovacuum catches up (a free-text search at 2,000 demo cases took 300 ms
    instead of 2 ms), and SQLite has no row counts to choose between indexes.
    """
    db.obj.execute_sql("ANALYZE")


def open_target() -> DatabaseTarget:
    """Where the open database is (to hand to ``pg_dump``, or to find the SQLite file)."""
    database = db.obj
    if isinstance(database, peewee.PostgresqlDatabase):
        params = database.connect_params  # what connect() was given: the URL's, options too
        return DatabaseTarget("postgresql", database.database, tuple(sorted(params.items())))
    return DatabaseTarget("sqlite", database.database)
