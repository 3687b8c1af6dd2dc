"""Shared fixtures: a fresh database on each backend, a frozen clock, acting users.

Every test that takes ``database`` runs on SQLite, and also on PostgreSQL when
``WZDESK_TEST_PG_URL`` names a server (``.ci/run`` starts one and sets it), e.g.
``WZDESK_TEST_PG_URL=postgresql://postgres@127.0.0.1:55432/wzdesk_test python -m pytest``.
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import peewee
import pytest
from hypothesis import HealthCheck, settings

from wzdesk.core.clock import FixedClock
from wzdesk.core.rules import Role
from wzdesk.services.cases import NewCase
from wzdesk.services.context import ServiceContext
from wzdesk.store.database import db, open_database

TORONTO = ZoneInfo("America/Toronto")

#: Nothing a test does lands in the user's own data folder: the default database and, on
#: PostgreSQL, the desk's backups and attachments go to the user data directory
#: (``store.location.default_data_dir``, which reads ``XDG_DATA_HOME``). One folder per test
#: process, removed at its end.
_DATA_HOME = tempfile.mkdtemp(prefix="wzdesk-test-data-")
os.environ["XDG_DATA_HOME"] = _DATA_HOME
atexit.register(shutil.rmtree, _DATA_HOME, ignore_errors=True)


#: Hypothesis over one demo desk a test builds: every example reads the same (function-scoped)
#: desk at another instant or page, and a desk costs seconds to build.
ON_ONE_DEMO_DESK = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def worker_database(url: str | None) -> str | None:
    """Under pytest-xdist (``-n 3``), each worker gets a PostgreSQL database of its own (named
    after the given one plus the worker id, created when missing): tests reset the schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    import psycopg

    server, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone():
            admin.execute(f'CREATE DATABASE "{own}"')
    os.environ["WZDESK_TEST_PG_URL"] = f"{server}/{own}"
    return f"{server}/{own}"


PG_URL = worker_database(os.environ.get("WZDESK_TEST_PG_URL"))
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def local(*parts: int) -> datetime:
    """An instant given in Toronto wall time (tests read like the policy)."""
    return datetime(*parts, tzinfo=TORONTO)  # type: ignore[misc]


def new_case(**overrides: Any) -> NewCase:
    """A complete critical question from ACME's primary admin (override any field)."""
    values: dict[str, Any] = {
        "client": "ACME",
        "contact": "ana@acme.example",
        "severity": "critical",
        "channel": "portal",
        "category": "question",
        "summary": "Cannot post invoices",
        "description": "The post button does nothing since this morning.",
    }
    values.update(overrides)
    return NewCase(**values)


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    database = open_database(url, migrate=False)
    database.execute_sql("DROP SCHEMA public CASCADE")
    database.execute_sql("CREATE SCHEMA public")
    database.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database on each backend under test."""
    if request.param == "postgresql":
        assert PG_URL
        if "database" not in request.fixturenames:  # else it makes a fresh copy of its own
            reset_postgres(PG_URL)
        yield PG_URL
    else:
        yield f"sqlite:///{tmp_path / 'wzdesk.db'}"
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


@pytest.fixture
def database(database_url: str, migrated: Path) -> Iterator[peewee.Database]:
    """An open, migrated, empty database bound to the models: a copy of one migrated once
    per test process (running every migration cost 0.1 s a test on SQLite and 0.35 s on
    PostgreSQL, a third of the suite's time)."""
    if database_url.startswith("sqlite:"):
        shutil.copyfile(migrated, database_url.removeprefix("sqlite:///"))
    else:
        _fresh_postgres(database_url)
    database = open_database(database_url)
    yield database
    database.close()


def _template_name(url: str) -> str:
    return url.rsplit("/", 1)[1] + "_migrated"


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration run (and, with PostgreSQL, a template database
    beside the test database, likewise): what :func:`database` copies for each test."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    open_database(f"sqlite:///{path}").close()  # the last close folds the WAL into the file
    if PG_URL:
        import psycopg

        server = PG_URL.rsplit("/", 1)[0]
        template = _template_name(PG_URL)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{template}"')
        open_database(f"{server}/{template}").close()
    return path


#: What a fresh copy of the template holds, per test database (see :func:`_fresh_postgres`).
_PG_SEEDS: dict[str, _PostgresSeed] = {}


@dataclass(frozen=True)
class _PostgresSeed:
    """A migrated database's rows and sequences, kept to put a used test database back in its
    fresh state in place, and the shape of its schema, to tell whether that is enough."""

    shape: str
    holding_rows: str  # SELECT: the names of the tables that hold rows
    seeds: dict[str, str]  # table -> INSERT of the rows a fresh copy holds
    restart: str  # SELECT setval(...) of every sequence, as in a fresh copy


#: The schema's shape: relations and who may use them, columns (dropped ones too),
#: constraints, functions, triggers, schemas, extensions, default privileges and who may
#: connect. A test that changed any of them (a restore, a migration test, ``reset_postgres``,
#: the roles script's GRANTs) leaves a database that only a new copy puts back.
_SHAPE_SQL = r"""
SELECT concat_ws('|',
  (SELECT string_agg(concat(c.oid, c.relname, c.relkind::text, c.relacl::text), ','
                     ORDER BY c.oid)
     FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(concat(a.attrelid, a.attname, a.atttypid, a.attnotnull), ','
                     ORDER BY a.attrelid, a.attnum)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace),
  (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_proc
    WHERE pronamespace = 'public'::regnamespace),
  (SELECT string_agg(t.oid::text, ',' ORDER BY t.oid) FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_namespace
    WHERE nspname NOT LIKE 'pg\_temp\_%' AND nspname NOT LIKE 'pg\_toast\_temp\_%'),
  (SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_extension),
  (SELECT string_agg(concat(oid, defaclacl::text), ',' ORDER BY oid) FROM pg_default_acl),
  (SELECT concat(datacl::text, '') FROM pg_database WHERE datname = current_database()))
"""


def _fresh_postgres(url: str) -> None:
    """Make the test database what a fresh copy of the migrated template is. Copying it
    (DROP and CREATE DATABASE, then a cold catalog cache for every new connection) cost about
    0.13 s a test at idle, 0.3 s under ``-n 2``; most tests leave the schema as it was and
    rows in a few tables, so those tables are emptied and refilled with the copy's rows, and
    the sequences set back (about 30 ms). DELETE, not TRUNCATE: truncating a table truncates
    every table that refers to it, and each gets new files for itself and its indexes (50-75
    ms for the five tables a fresh copy fills). Anything else, or any doubt, and the database
    is copied again."""
    seed = _PG_SEEDS.get(url)
    if seed is None or not _reset_in_place(url, seed):
        _copy_postgres_template(url)
        if seed is None:
            _PG_SEEDS[url] = _read_seed(url)


def _reset_in_place(url: str, seed: _PostgresSeed) -> bool:
    import psycopg
    from psycopg import sql

    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    try:
        with psycopg.connect(url) as connection:
            # What a test left connected (a console's thread, a server it started) goes, as
            # DROP DATABASE ... WITH (FORCE) made it go.
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            connection.commit()
            shape = connection.execute(_SHAPE_SQL).fetchone()
            if shape is None or shape[0] != seed.shape:
                return False
            # The tables holding rows now, and those a fresh copy fills (a test may have
            # emptied one of those).
            holding = {row[0] for row in connection.execute(seed.holding_rows).fetchall()}
            used = sorted(holding | set(seed.seeds))
            # The copy's rows go back as they are, in any table order: no foreign-key checks
            # or triggers while they do (a superuser's setting; anyone else gets a new copy).
            connection.execute("SET LOCAL session_replication_role = replica")
            for name in used:
                connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(name)))
                if name in seed.seeds:
                    connection.execute(seed.seeds[name].encode())
            if seed.restart:
                connection.execute(seed.restart.encode())
            connection.commit()
    except psycopg.Error:
        return False
    return True


def _read_seed(url: str) -> _PostgresSeed:
    """What a fresh copy of the template at ``url`` holds (read right after copying it)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as connection:
        shape = connection.execute(_SHAPE_SQL).fetchone()
        assert shape is not None
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        ]
        holding_rows = sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT {} WHERE EXISTS (SELECT 1 FROM {})").format(
                sql.Literal(name), sql.Identifier(name)
            )
            for name in tables
        )
        seeds = {}
        for name in tables:
            # Columns a row can be given (not generated ones), the rows as one JSON array.
            columns = [
                row[0]
                for row in connection.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
                    " AND attnum > 0 AND NOT attisdropped AND attgenerated = ''"
                    " ORDER BY attnum",
                    (sql.Identifier(name).as_string(connection),),
                ).fetchall()
            ]
            rows = connection.execute(
                sql.SQL("SELECT json_agg(t)::text FROM {} t").format(sql.Identifier(name))
            ).fetchone()
            if rows is None or rows[0] is None:
                continue
            listed = sql.SQL(", ").join(sql.Identifier(column) for column in columns)
            seeds[name] = (
                sql.SQL("INSERT INTO {} ({}) SELECT {} FROM json_populate_recordset(NULL::{}, {})")
                .format(
                    sql.Identifier(name), listed, listed, sql.Identifier(name), sql.Literal(rows[0])
                )
                .as_string(connection)
            )
        restart = [
            sql.SQL("setval({}, {}, {})").format(
                sql.Literal(qualified),
                sql.Literal(start if last is None else last),
                sql.Literal(last is not None),
            )
            for qualified, last, start in connection.execute(
                "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value"
                " FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        ]
        return _PostgresSeed(
            shape=shape[0],
            holding_rows=holding_rows.as_string(connection),
            seeds=seeds,
            restart=(
                sql.SQL("SELECT {}").format(sql.SQL(", ").join(restart)).as_string(connection)
                if restart
                else ""
            ),
        )


def _copy_postgres_template(url: str) -> None:
    """Replace the test database with a copy of the migrated template (server-side: tens of
    milliseconds). Any session still on the old one is ended first."""
    import psycopg

    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template_name(url)}"')


T = TypeVar("T")


@dataclass(frozen=True)
class _BuiltDesk:
    """A desk a fixture built on a test database, kept to copy into the next test's."""

    copy: str  # SQLite: a file; PostgreSQL: a database (a template) on the test server
    before: tuple[tuple[str, int], ...]  # the database's rows per table when the build began
    value: Any  # what the build returned
    after: datetime  # the clock's instant when it ended


@pytest.fixture(scope="session")
def _built_desks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Any, _BuiltDesk]]:
    """The desks :func:`built_once` kept in this test process; PostgreSQL's copies are
    dropped at its end."""
    desks: dict[Any, _BuiltDesk] = {}
    yield desks
    kept = [desk.copy for desk in desks.values() if not desk.copy.endswith(".db")]
    if kept and PG_URL:
        import psycopg

        with psycopg.connect(f"{PG_URL.rsplit('/', 1)[0]}/postgres", autocommit=True) as admin:
            for name in kept:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows_per_table(database: peewee.Database) -> tuple[tuple[str, int], ...]:
    tables = database.get_tables()
    counts = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM \"{name}\"" for name in tables)
    return tuple(sorted((str(name), int(n)) for name, n in database.execute_sql(counts)))


@pytest.fixture
def built_once(
    database_url: str,
    database: peewee.Database,
    clock: FixedClock,
    _built_desks: dict[Any, _BuiltDesk],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., Any]:
    """``built_once(build, *key)``: what ``build()`` returns, having built its desk in the test
    database; the first time in a test process (per backend, clock instant and ``key``), by
    running it, after that by copying the database it left (and moving the clock as it did).

    A demo desk costs 0.6 s to build on SQLite and 2-3 s on PostgreSQL, and a few modules
    build one for each of dozens of tests that only read it; a copy costs milliseconds on
    SQLite and about a tenth of a second on PostgreSQL (a database made from a template). The
    copy is exactly what the build would have left: ``build`` depends only on the database,
    the clock's instant and ``key`` (say in ``key`` whatever else it reads); and a database
    holding other rows when it is asked (what another fixture wrote first) is built on, not
    replaced. What ``build`` returns is deep-copied for each test."""

    def once(build: Callable[[], T], *key: Any) -> T:
        backend = database_url.split(":", 1)[0]
        name = (build.__module__, build.__qualname__, *key, backend, clock.now())
        rows = _rows_per_table(database)
        desk = _built_desks.get(name)
        if desk is not None and desk.before == rows:
            _copy_desk(desk.copy, database_url, database)
            clock.advance(desk.after - clock.now())
            return copy.deepcopy(desk.value)  # type: ignore[no-any-return]
        value = build()
        if desk is None:
            kept = _keep_desk(database_url, database, tmp_path_factory, len(_built_desks))
            _built_desks[name] = _BuiltDesk(kept, rows, copy.deepcopy(value), clock.now())
        return value

    return once


def _keep_desk(
    url: str, database: peewee.Database, tmp_path_factory: pytest.TempPathFactory, number: int
) -> str:
    """A copy of the test database as it is now, to :func:`_copy_desk` later."""
    if url.startswith("sqlite:"):
        kept = str(tmp_path_factory.mktemp("desk") / "desk.db")
        target = sqlite3.connect(kept)
        try:
            database.connection().backup(target)  # a consistent copy, whatever the journal holds
        finally:
            target.close()
        return kept
    import psycopg

    database.close()
    server, name = url.rsplit("/", 1)
    kept = f"{name}_desk{number}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{kept}" WITH (FORCE)')
        # No connections to it (nor autovacuum, which visits only the databases used): its
        # copies start as the test database was, statistics and all.
        admin.execute(f'CREATE DATABASE "{kept}" TEMPLATE "{name}" ALLOW_CONNECTIONS false')
    database.connect()
    return kept


def _copy_desk(kept: str, url: str, database: peewee.Database) -> None:
    """Make the test database a copy of the kept one (a new file, or a new database)."""
    database.close()
    if url.startswith("sqlite:"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        shutil.copyfile(kept, path)
    else:
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
    database.connect()


@pytest.fixture
def clock() -> FixedClock:
    """Monday 9 March 2026, 10:00 Toronto: a business day, just after the DST switch."""
    return FixedClock(local(2026, 3, 9, 10, 0))


@pytest.fixture
def supervisor(database: peewee.Database, clock: FixedClock) -> ServiceContext:
    from wzdesk.services.directory import sign_in

    return sign_in("sam", clock).context


@pytest.fixture
def agent(supervisor: ServiceContext, clock: FixedClock) -> ServiceContext:
    from wzdesk.services.directory import add_user

    add_user(supervisor, "kim", "Kim Lee", "agent")
    return ServiceContext("kim", Role.AGENT, clock)


@pytest.fixture
def phone_staff(supervisor: ServiceContext, clock: FixedClock) -> ServiceContext:
    from wzdesk.services.directory import add_user

    add_user(supervisor, "pat", "Pat Moss", "phone")
    return ServiceContext("pat", Role.PHONE, clock)


@pytest.fixture
def acme(supervisor: ServiceContext) -> str:
    """Client ACME with a primary admin (Ana), a backup admin (Raj) and a non-admin (Bob)."""
    from wzdesk.services.directory import add_client, add_contact

    add_client(supervisor, "ACME", "Acme Corporation")
    add_contact(
        supervisor, "ACME", "Ana Diaz", "ana@acme.example", "+1 416 555 0101", admin_rank="primary"
    )
    add_contact(
        supervisor, "ACME", "Raj Patel", "raj@acme.example", "416-555-0103", admin_rank="backup"
    )
    add_contact(supervisor, "ACME", "Bob Smith", "bob@acme.example", "416 555 0102")
    return "ACME"
