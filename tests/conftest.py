"""Shared fixtures: a fresh database on each backend, a frozen clock, acting users.

Every test that takes ``database`` runs on SQLite, and also on PostgreSQL when
``WZDESK_TEST_PG_URL`` names a server (``.ci/run`` starts one and sets it), e.g.
``WZDESK_TEST_PG_URL=postgresql://postgres@127.0.0.1:55432/wzdesk_test python -m pytest``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
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


#: Hypothesis over one demo desk a test builds: every example reads the same (function-scoped)
#: desk at another instant or page, and a desk costs seconds to build.
ON_ONE_DEMO_DESK = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def worker_database(url: str | None) -> str | None:
    """Under pytest-xdist (``-n 2``), each worker gets a PostgreSQL database of its own (named
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
        _copy_postgres_template(database_url)
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
