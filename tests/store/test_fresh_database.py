"""The test database a test gets on PostgreSQL is what a fresh copy of the migrated template
is, also when it was put back in place after an earlier test wrote to it (tests/conftest.py,
``_fresh_postgres``): every table's rows and every sequence's next value."""

from __future__ import annotations

from typing import Any

import peewee
import pytest

from tests.conftest import PG_URL, _fresh_postgres, _template_name, new_case
from wzdesk.services.context import ServiceContext

pytestmark = pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL")


def _database_oid(url: str) -> int:
    """Which database the name stands for: a new copy is a new database."""
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        assert row is not None
        return int(row[0])


def _state(url: str) -> dict[str, Any]:
    """Each table's rows (as JSON, in a fixed order) and each sequence's last value."""
    import psycopg

    state: dict[str, Any] = {}
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            rows = connection.execute(
                f"SELECT coalesce(json_agg(t ORDER BY t::text), '[]')::text FROM \"{table}\" t"
            ).fetchone()
            state[table] = rows[0] if rows else None
        for name, last in connection.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            state[f"sequence {name}"] = last
    return state


def test_a_database_put_back_in_place_is_the_templates_copy(
    database: peewee.Database, supervisor: ServiceContext, acme: str
) -> None:
    from wzdesk.services.cases import open_case

    if not isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("SQLite copies the migrated file for every test")
    assert PG_URL is not None
    open_case(supervisor, new_case())
    database.execute_sql("DELETE FROM alert_rule")  # a table a fresh copy fills, emptied
    template = _state(f"{PG_URL.rsplit('/', 1)[0]}/{_template_name(PG_URL)}")
    written = _state(PG_URL)
    assert written != template  # the case, its client, contacts, audit, sequences, rules
    same_database = _database_oid(PG_URL)
    _fresh_postgres(PG_URL)
    assert _state(PG_URL) == template
    _fresh_postgres(PG_URL)  # nothing written since: still the same
    assert _state(PG_URL) == template
    assert _database_oid(PG_URL) == same_database  # put back in place, not copied anew


@pytest.mark.parametrize(
    "change",
    [
        'ALTER TABLE "case" ADD COLUMN scribble text',
        'CREATE TABLE "left_behind" (id integer)',
        'REVOKE SELECT ON "case" FROM PUBLIC',  # who may use a table (the roles script's kind)
        "GRANT CONNECT ON DATABASE {name} TO PUBLIC",
    ],
)
def test_a_changed_schema_gets_a_new_copy(database: peewee.Database, change: str) -> None:
    if not isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("SQLite copies the migrated file for every test")
    assert PG_URL is not None
    template = _state(f"{PG_URL.rsplit('/', 1)[0]}/{_template_name(PG_URL)}")
    database.execute_sql(change.format(name=f'"{PG_URL.rsplit("/", 1)[1]}"'))
    before = _database_oid(PG_URL)
    _fresh_postgres(PG_URL)
    assert _database_oid(PG_URL) != before
    assert _state(PG_URL) == template
