"""The quick read-only path of ``wzdesk sla due`` and ``wzdesk holidays list`` (issue 13): it
reads exactly what the store reads, and steps aside whenever it cannot be sure to."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date
from pathlib import Path

import peewee
import psycopg2
import pytest

from tests.conftest import PG_URL, local
from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.errors import DatabaseUnavailable
from wzdesk.core.sla import Severity, SeverityTargets, SlaPolicy
from wzdesk.services.calendar import (
    PolicyChange,
    add_holiday,
    add_policy_version,
    holiday_list,
    list_holidays,
    load_policy_book,
    policy_versions,
)
from wzdesk.services.context import ServiceContext
from wzdesk.services.policy_book import (
    PolicyBook,
    quick_holiday_list,
    quick_policy_book,
    quick_policy_versions,
)
from wzdesk.store.database import open_database
from wzdesk.store.models import Holiday, PolicyTarget, PolicyVersion
from wzdesk.store.quick_read import open_quick_reader, psycopg2_statement


def _a_full_calendar(supervisor: ServiceContext) -> None:
    """Holidays closed all day and a half day; a second policy version with a 24x7 target,
    targets in open days and other hours."""
    add_holiday(supervisor, date(2026, 12, 25), "Christmas Day")
    add_holiday(supervisor, date(2026, 12, 24), "Christmas Eve", hours="08:00-12:00")
    add_holiday(supervisor, date(2026, 4, 3), "Good Friday")
    add_policy_version(
        supervisor,
        PolicyChange(
            effective_from=local(2026, 3, 11),
            response_hours={Severity.CRITICAL: 2},
            around_the_clock={Severity.CRITICAL: True},
            resolution_days={Severity.MINOR: 15},
            weekly_hours=("fri=08:00-16:00",),
            at_risk_ratio=0.8,
            note="24x7 for critical",
        ),
    )


def _book_from_the_models() -> PolicyBook:
    """The reference: the book as the Peewee models see the rows."""
    closed = {h.day for h in Holiday.select() if h.hours is None}
    special = tuple((h.day, h.hours) for h in Holiday.select() if h.hours is not None)
    versions = []
    for version in PolicyVersion.select():
        targets = {
            Severity(t.severity): SeverityTargets(
                t.response_seconds,
                t.resolution_seconds,
                t.around_the_clock,
                t.response_days,
                t.resolution_days,
            )
            for t in PolicyTarget.select().where(PolicyTarget.policy == version)
        }
        calendar = BusinessCalendar(version.zone_name, version.week, closed, special)
        policy = SlaPolicy(calendar, targets, version.at_risk_ratio)
        versions.append((version.effective_from, version.id, policy))
    return PolicyBook(versions)


def test_the_plain_sql_reading_is_what_the_models_read(supervisor) -> None:
    """On each backend: the SQL behind both paths maps every column as the models do."""
    _a_full_calendar(supervisor)
    book = load_policy_book()
    assert len(book.policies()) == 2
    assert book.signature == _book_from_the_models().signature
    assert holiday_list() == [row.as_dict() for row in list_holidays()]
    assert [h["hours"] for h in holiday_list()] == [None, "08:00-12:00", None]


def test_the_quick_path_reads_what_the_store_reads(supervisor, database_url: str) -> None:
    _a_full_calendar(supervisor)
    quick = quick_policy_book(database_url)
    assert quick is not None
    assert quick.signature == load_policy_book().signature
    received = local(2026, 12, 24, 10, 0)  # the half day, then Christmas, then Saturday
    for severity in Severity:
        expected = load_policy_book().at(received).resolution_due(severity, received)
        assert quick.at(received).resolution_due(severity, received) == expected
    assert quick_holiday_list(database_url) == holiday_list()
    versions = quick_policy_versions(database_url)
    assert versions == policy_versions()  # policy show: notes, authors, 24x7 and day targets
    assert [v["note"] for v in versions] != ["", ""]


def test_it_steps_aside_for_a_file_that_is_not_there(tmp_path: Path) -> None:
    missing = tmp_path / "new.db"
    assert open_quick_reader(str(missing)) is None
    assert not missing.exists()  # the ordinary path creates it, with the first-run seeding


def test_it_steps_aside_for_a_file_that_is_no_wzdesk_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100)
    assert open_quick_reader(str(text)) is None
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert open_quick_reader(f"sqlite:///{other}") is None


def test_it_steps_aside_for_a_schema_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    open_database(str(path)).close()
    reader = open_quick_reader(str(path))
    assert reader is not None
    reader.close()
    with sqlite3.connect(path) as connection:  # as if written by the previous release
        connection.execute(
            "DELETE FROM wzdesk_schema WHERE version = (SELECT MAX(version) FROM wzdesk_schema)"
        )
    assert open_quick_reader(str(path)) is None


@pytest.mark.parametrize("url", ["", "mysql://x/y", "postgresql://h:port/x"])
def test_it_steps_aside_for_other_urls(url: str) -> None:
    """An empty URL, a scheme it does not know, a URL the ordinary path refuses (it names
    --db)."""
    assert open_quick_reader(url) is None


def test_a_server_that_refuses_is_reported_in_the_ordinary_paths_words() -> None:
    """Reported here, not passed on: the ordinary path would wait for the server again (a
    connect timeout, twice)."""
    url = "postgresql://nobody@127.0.0.1:1/none"
    with pytest.raises(DatabaseUnavailable) as ordinary:
        open_database(url)
    with pytest.raises(DatabaseUnavailable) as quick:
        open_quick_reader(url)
    assert str(quick.value) == str(ordinary.value)
    assert "cannot open PostgreSQL 127.0.0.1:1/none: " in str(quick.value)


def test_without_psycopg2_postgresql_is_left_to_the_ordinary_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ordinary path then goes through psycopg 3 (``store.database.connect``)."""
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    assert open_quick_reader("postgresql://nobody@127.0.0.1:1/none") is None


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "SELECT a FROM t WHERE b = ? AND c IN (?, ?)",
            "SELECT a FROM t WHERE b = %s AND c IN (%s, %s)",
        ),
        ("SELECT '?' || x FROM t WHERE y = ?", "SELECT '?' || x FROM t WHERE y = %s"),
        (
            "SELECT x FROM t WHERE y LIKE '50%' AND z = ?",
            "SELECT x FROM t WHERE y LIKE '50%%' AND z = %s",
        ),
        ("SELECT 'it''s ?' FROM t WHERE y = ?", "SELECT 'it''s ?' FROM t WHERE y = %s"),
    ],
)
def test_a_statement_is_written_for_psycopg2(sql: str, expected: str) -> None:
    """Each ``?`` outside quotes becomes ``%s``; a ``%`` is doubled (psycopg2 reads ``%%`` as
    one)."""
    assert psycopg2_statement(sql) == expected


def test_on_postgresql_it_reads_only_a_wzdesk_database_at_this_schema(
    database: peewee.Database, database_url: str
) -> None:
    """Tables from the previous release, or none yet: the ordinary path upgrades or creates.
    What it opens is read-only, and binds values and instants as the models do."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's reader")
    assert PG_URL
    reader = open_quick_reader(PG_URL)
    assert reader is not None and reader.postgres
    with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        reader.rows("DELETE FROM holiday")
    with reader.snapshot(), pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        reader.rows("DELETE FROM holiday")
    assert reader.rows("SELECT ? || '?%', ?", ("a", 2)) == [("a?%", 2)]
    instant = local(2026, 3, 11, 10, 0)
    assert reader.rows(
        "SELECT ?::timestamptz = '2026-03-11 14:00:00+00'", (reader.instant(instant),)
    ) == [(True,)]
    reader.close()
    top = database.execute_sql("SELECT MAX(version) FROM wzdesk_schema").fetchone()[0]
    database.execute_sql("DELETE FROM wzdesk_schema WHERE version = %s", (top,))
    assert open_quick_reader(PG_URL) is None
    assert open_quick_reader(PG_URL.rsplit("/", 1)[0] + "/postgres") is None  # no tables


def test_it_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    open_database(str(path)).close()
    reader = open_quick_reader(str(path))
    assert reader is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.rows("DELETE FROM holiday")
    reader.close()
