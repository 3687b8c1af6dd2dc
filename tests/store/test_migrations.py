"""Schema versions: a fresh database reaches the latest version and matches the models; old
databases upgrade in place and keep their data (and a copy of the file on SQLite)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import peewee
import pytest

from tests.conftest import PG_URL, reset_postgres
from wzdesk.core.errors import InvalidInput
from wzdesk.store.database import connect, open_database
from wzdesk.store.location import parse_database_url
from wzdesk.store.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    _schema_table,
    current_version,
    upgrade,
)
from wzdesk.store.models import ALL_MODELS, Holiday, PolicyTarget, PolicyVersion


def test_fresh_database_reaches_latest_version(database: peewee.Database) -> None:
    assert LATEST_VERSION == len(MIGRATIONS) >= 2
    assert current_version(database) == LATEST_VERSION
    schema = _schema_table(database)
    assert [row.version for row in schema.select().order_by(schema.version)] == list(
        range(1, LATEST_VERSION + 1)
    )
    # The shipped SLA policy is seeded: one version, four severities.
    assert PolicyVersion.select().count() == 1
    assert PolicyTarget.select().count() == 4


def test_migrated_tables_match_the_models(database: peewee.Database) -> None:
    for model in ALL_MODELS:
        table = model._meta.table_name
        built = {c.name: c for c in database.get_columns(table)}
        expected = {f.column_name: f for f in model._meta.sorted_fields}
        assert sorted(built) == sorted(expected), table
        for name, field in expected.items():
            assert built[name].null == field.null, f"{table}.{name} nullability"
            assert built[name].primary_key == field.primary_key, f"{table}.{name} primary key"


def test_migrated_indexes_match_the_models(database: peewee.Database) -> None:
    for model in ALL_MODELS:
        table = model._meta.table_name
        built = {
            (tuple(index.columns), index.unique)
            for index in database.get_indexes(table)
            # Primary keys are indexed implicitly (PostgreSQL lists "*_pkey", SQLite an
            # autoindex for a text key).
            if not index.name.endswith("_pkey")
            and not index.name.startswith("sqlite_autoindex")
            # The full-text GIN indexes on PostgreSQL (store/fulltext.py) index an expression,
            # not a model field.
            and not index.name.endswith("_search_text")
            # The queue's order (migration _queue_order_index): an expression, checked by
            # tests/services/test_queue_index.py.
            and index.name != "case_open_next_due"
            # The search's two streams (migration _paused_order): partial, one on an
            # expression; their plans are checked by tests/services/test_queue_index.py.
            and index.name not in ("case_running_next_due", "case_paused_left")
            # The outbox's messages still to go (migration _outbox_unsent_index): partial;
            # its plan is checked by tests/services/test_queue_index.py.
            and index.name != "outbound_mail_unsent"
            # The history's trigrams on PostgreSQL (migration _history_trigrams): GIN with
            # pg_trgm's operator class; its use is checked by tests/store/test_trigrams.py.
            and index.name != "case_ref_summary_trigram"
            # The done cases in the search's order (migration _done_order_index): partial,
            # on expressions; their plans are checked by tests/services/test_done_order.py.
            and index.name not in ("case_done_timed", "case_done_rank")
        }
        expected = {
            (tuple(e.column_name for e in index._expressions), index._unique)
            for index in model._meta.fields_to_index()
        }
        assert built == expected, table


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    database = open_database(database_url)
    try:
        target = parse_database_url(database_url)
        schema = _schema_table(database)
        before = [(r.version, r.applied_at) for r in schema.select().order_by(schema.version)]
        assert upgrade(database, target) == 0
        assert upgrade(database, target) == 0
        after = [(r.version, r.applied_at) for r in schema.select().order_by(schema.version)]
        assert after == before
        assert PolicyVersion.select().count() == 1  # not seeded twice
    finally:
        database.close()
    again = open_database(database_url)  # reopening does not migrate again either
    try:
        assert current_version(again) == LATEST_VERSION
        assert PolicyVersion.select().count() == 1
    finally:
        again.close()


def test_v1_sqlite_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    # Build a version-1 database by hand, as the first release left it, with a holiday.
    old = connect(parse_database_url(url))
    old.connect()
    with old.atomic():
        MIGRATIONS[0](old)
        schema = _schema_table(old)
        schema.create_table()
        schema.create(version=1, applied_at=datetime(2026, 1, 5, tzinfo=UTC))
        old.execute_sql(
            "INSERT INTO holiday (day, name, source, created_at) VALUES (?, ?, ?, ?)",
            ("2026-07-01", "Canada Day", "manual", "2026-01-05 12:00:00.000000"),
        )
    assert current_version(old) == 1
    assert not old.table_exists("case")
    old.close()

    database = open_database(url)
    try:
        assert current_version(database) == LATEST_VERSION
        assert database.table_exists("case")
        kept = Holiday.get(Holiday.day == date(2026, 7, 1))
        assert kept.name == "Canada Day"
        assert kept.created_at == datetime(2026, 1, 5, 12, tzinfo=UTC)
        assert PolicyVersion.select().count() == 1  # the v1 seed is not repeated
    finally:
        database.close()

    backup = tmp_path / "old.db.before-v2"
    assert backup.exists()
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT MAX(version) FROM wzdesk_schema").fetchone() == (1,)
        assert copy.execute("SELECT day, name FROM holiday").fetchall() == [
            ("2026-07-01", "Canada Day")
        ]
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "case" not in tables
    finally:
        copy.close()


def test_fresh_sqlite_database_leaves_no_backup(tmp_path: Path) -> None:
    open_database(f"sqlite:///{tmp_path / 'new.db'}").close()
    assert sorted(p.name for p in tmp_path.iterdir() if ".before-" in p.name) == []


def test_newer_database_is_refused(database_url: str) -> None:
    database = open_database(database_url)
    try:
        schema = _schema_table(database)
        schema.create(version=LATEST_VERSION + 1, applied_at=datetime.now(UTC))
    finally:
        database.close()
    with pytest.raises(InvalidInput) as caught:
        open_database(database_url)
    assert caught.value.field == "--db"
    assert "newer" in caught.value.message


def test_sqlite_full_text_triggers_survive_every_migration(tmp_path) -> None:
    """A later migration that rebuilds ``case`` (SQLite's way to add a foreign key) drops its
    triggers; full text and the history's trigrams must still follow every write after the
    last migration."""
    from wzdesk.store.database import open_database

    database = open_database(f"sqlite:///{tmp_path / 'fts.db'}")
    try:
        triggers = {
            row[0]
            for row in database.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            ).fetchall()
        }
    finally:
        database.close()
    assert {f"case_text_{table}_{verb}" for table in ("case", "event")
            for verb in ("insert", "update", "delete")} <= triggers  # fmt: skip
    assert {f"case_trigram_{verb}" for verb in ("insert", "update", "delete")} <= triggers


def _database_at(url: str, version: int) -> peewee.Database:
    """A database built by the migrations up to ``version`` (open; the caller closes it)."""
    old = connect(parse_database_url(url))
    old.connect()
    schema = _schema_table(old)
    for number in range(1, version + 1):
        with old.atomic():
            MIGRATIONS[number - 1](old)
            schema.create_table(safe=True)
            schema.create(version=number, applied_at=datetime(2026, 1, 5, tzinfo=UTC))
    return old


def _assert_upgrades_keeping_the_case(url: str) -> None:
    database = open_database(url)
    try:
        assert current_version(database) == LATEST_VERSION
        assert database.execute_sql('SELECT COUNT(*) FROM "case"').fetchone()[0] == 1  # kept
    finally:
        database.close()


def _one_row_everywhere(database: peewee.Database) -> None:
    """A row in every table (ids 1, every foreign key pointing at row 1), by column type."""
    samples = {"INTEGER": 1, "REAL": 1.0, "NUMERIC": 1, "DECIMAL": 1}
    database.execute_sql("PRAGMA foreign_keys = OFF")
    tables = [
        name
        for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'case_text%' AND name NOT LIKE 'case_trigram%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%'"
        ).fetchall()
    ]
    for table in tables:
        columns = database.execute_sql(f'PRAGMA table_info("{table}")').fetchall()
        names = [f'"{c[1]}"' for c in columns]
        values = [
            samples.get(c[2].split("(")[0].upper(), "2026-03-09 14:00:00.000000") for c in columns
        ]
        database.execute_sql(
            f'INSERT OR IGNORE INTO "{table}" ({", ".join(names)}) '
            f"VALUES ({', '.join('?' for _ in names)})",
            values,
        )
    database.execute_sql("PRAGMA foreign_keys = ON")


@pytest.mark.parametrize("version", range(2, LATEST_VERSION))
def test_a_sqlite_database_with_rows_upgrades_from_every_version(
    tmp_path: Path, version: int
) -> None:
    """Every migration runs on a database holding rows that reference each other (an empty
    one hides, e.g., a table rebuild that foreign keys refuse)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = _database_at(url, version)
    _one_row_everywhere(old)
    old.close()
    _assert_upgrades_keeping_the_case(url)


def _one_row_everywhere_postgres(database: peewee.Database) -> None:
    """The PostgreSQL twin of :func:`_one_row_everywhere` (triggers and foreign keys are off
    while the rows go in: ``session_replication_role``)."""
    samples = {
        "integer": 1,
        "bigint": 1,
        "smallint": 1,
        "boolean": True,
        "numeric": 1,
        "double precision": 1.0,
        "real": 1.0,
        "timestamp with time zone": "2026-03-09 14:00:00+00",
        "date": "2026-03-09",
    }
    database.execute_sql("SET session_replication_role = replica")
    tables = [
        name
        for (name,) in database.execute_sql(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    for table in tables:
        columns = database.execute_sql(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s",
            (table,),
        ).fetchall()
        names = [f'"{name}"' for name, _ in columns]
        values = [samples.get(kind, "x") for _, kind in columns]
        database.execute_sql(
            f'INSERT INTO "{table}" ({", ".join(names)}) '
            f"VALUES ({', '.join('%s' for _ in names)}) ON CONFLICT DO NOTHING",
            values,
        )
    database.execute_sql("SET session_replication_role = DEFAULT")


@pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL")
@pytest.mark.parametrize("version", range(2, LATEST_VERSION))
def test_a_postgresql_database_with_rows_upgrades_from_every_version(version: int) -> None:
    assert PG_URL is not None
    reset_postgres(PG_URL)
    old = _database_at(PG_URL, version)
    with old.atomic():
        _one_row_everywhere_postgres(old)
    old.close()
    _assert_upgrades_keeping_the_case(PG_URL)


def test_alerts_sent_per_rule_are_claimed_per_person_on_upgrade(database_url: str) -> None:
    """Migration 30 claims the alerts already sent (one per rule) for the people they went
    to, so that ``notify`` after the upgrade does not send them again under its per-person
    keys; the records stay as they were, each naming its rule."""
    postgres = database_url.startswith("postgresql")
    old = _database_at(database_url, 29)
    if postgres:
        with old.atomic():
            _one_row_everywhere_postgres(old)  # case 1
    else:
        _one_row_everywhere(old)
    marker = "%s" if postgres else "?"
    sent = [
        ("alert:1:1:response:at_risk:1773075600", "alert_at_risk", 1,
         "kim <kim@vendor.example>, pat (no email on file)"),
        ("alert:4:1:response:at_risk:1773075600", "alert_at_risk", 4,
         "kim <kim@vendor.example>"),  # the same event again, by a second rule
        ("alert:3:1:unassigned", "alert_unassigned", 3, "sam <sam@vendor.example>"),
        ("alert:2:1:resolution:breached:1773079200", "alert_breach", 2,
         "nobody (no console user matches the rule)"),
        ("reminder:1:1773075600", "reminder", None, "ana@acme.example"),
    ]  # fmt: skip
    for number, (key, kind, rule, to) in enumerate(sent, start=10):
        old.execute_sql(
            "INSERT INTO notification (id, key, kind, case_id, rule_id, recipients, summary, "
            f"created_at, created_by) VALUES ({', '.join([marker] * 9)})",
            (number, key, kind, 1, rule, to, "sent", "2026-03-09 17:01:00.000000", "kim"),
        )
    old.close()
    database = open_database(database_url)
    try:
        assert current_version(database) == LATEST_VERSION
        claims = database.execute_sql("SELECT key, case_id FROM alert_claim").fetchall()
        assert sorted(claims) == [
            ("alert:1:resolution:breached:1773079200", 1),  # each event, then its people
            ("alert:1:resolution:breached:1773079200:none", 1),
            ("alert:1:response:at_risk:1773075600", 1),
            ("alert:1:response:at_risk:1773075600:to:kim", 1),
            ("alert:1:response:at_risk:1773075600:to:pat", 1),
            ("alert:1:unassigned:30", 1),
            ("alert:1:unassigned:30:to:sam", 1),
        ]
        records = database.execute_sql(
            "SELECT key, rule_id, rules FROM notification WHERE id >= 10"
        ).fetchall()
        assert sorted(records) == sorted(
            (key, rule, "" if rule is None else str(rule)) for key, _, rule, _ in sent
        )
    finally:
        database.close()
