"""The trigram index the history's search reads (migration 24, ``store/substring.py``): it
finds what reading every case finds, follows every write, serves the count without reading
every case, and the search works the same where the database could not build it."""

from __future__ import annotations

import re
from pathlib import Path

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playhouse.test_utils import count_queries

from tests.conftest import PG_URL, local, new_case, reset_postgres
from wzdesk.services import history
from wzdesk.services.cases import open_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.demo import generate
from wzdesk.services.history import HistoryQuery, history_page
from wzdesk.store import migrations
from wzdesk.store.database import open_database
from wzdesk.store.models import Case, Client, Contact
from wzdesk.store.substring import TRIGRAM_TABLE, ref_or_summary_contains, trigram_ids

#: Summaries whose characters the index's query language or LIKE would read as syntax.
AWKWARD = [
    '100% done_ok, said "stop"',
    "NEAR(alpha beta) x OR y AND z*",
    "back\\slash and it's quoted",
    "Tab\there  two spaces",
    "Ünïcödé CAFÉ crème",
]
#: Texts to look for: ASCII, where SQLite's LIKE and the index agree on case.
TEXTS = [
    "exp",
    "EXPORT",
    "port fai",
    "100%",
    "% d",
    "done_ok",
    "e_o",
    '"stop"',
    'd "s',
    "NEAR(",
    "x OR y",
    "z*",
    "\\sla",
    "it's",
    "\there",
    "  two",
    "WZ-10",
    "zeppelin",
    "e",
    "ab",
]


def _ids(condition: peewee.Expression) -> list[int]:
    return [int(row[0]) for row in Case.select(Case.id).where(condition).order_by(Case.id).tuples()]


def _indexed(text: str) -> list[int]:
    """What the search asks of the index: SQLite's trigram table, or PostgreSQL's ILIKE."""
    ids = trigram_ids(text)
    return _ids(ref_or_summary_contains(text) if ids is None else Case.id.in_(ids))


def _every_case_read(text: str) -> list[int]:
    return _ids(Case.ref.contains(text) | Case.summary.contains(text))


def _assert_finds_what_reading_every_case_finds() -> None:
    for text in TEXTS:
        assert _indexed(text) == _every_case_read(text), text


def _has_trigram_index(database: peewee.Database) -> bool:
    if isinstance(database, peewee.PostgresqlDatabase):
        return any(i.name == "case_ref_summary_trigram" for i in database.get_indexes("case"))
    return database.table_exists(TRIGRAM_TABLE)


def test_the_index_finds_what_reading_every_case_finds_after_every_write(
    database: peewee.Database, supervisor: ServiceContext, acme: str, clock
) -> None:  # type: ignore[no-untyped-def]
    """Cases opened, a summary and a reference changed, a case deleted: the index follows
    (SQLite's triggers; PostgreSQL's index), for texts its query language would misread."""
    assert _has_trigram_index(database)
    generate(clock, 60)
    for number, summary in enumerate(AWKWARD):
        open_case(supervisor, new_case(received_at=local(2026, 3, 2, 9 + number), summary=summary))
    _assert_finds_what_reading_every_case_finds()
    first, second, third = (int(c.id) for c in Case.select(Case.id).order_by(Case.id).limit(3))
    Case.update(summary="Payroll export fails again").where(Case.id == first).execute()
    Case.update(ref="WZ-777777").where(Case.id == second).execute()
    Case.delete().where(Case.id == third).execute()
    _assert_finds_what_reading_every_case_finds()
    assert _indexed("xport fails aga") == [first]
    assert _indexed("wz-7777") == [second]
    assert third not in _indexed(str(Case.get_by_id(first).ref)[:3])


def test_letters_beyond_ascii_match_in_either_case(
    database: peewee.Database, supervisor: ServiceContext, acme: str
) -> None:
    """PostgreSQL's ILIKE folds every letter's case; SQLite's LIKE folds ASCII only, and its
    trigram index folds them all, as PostgreSQL does."""
    ref = str(open_case(supervisor, new_case(summary="Ünïcödé CAFÉ crème")).ref)
    page = history_page(HistoryQuery(text="café cr"))
    assert [row.ref for row in page.rows] == [ref]
    assert [row.ref for row in history_page(HistoryQuery(text="ünïCÖDÉ")).rows] == [ref]


def _count_statement(query: HistoryQuery) -> tuple[str, list[object]]:
    with count_queries(only_select=True) as counted:
        history_page(query)
    for record in counted.get_queries():
        sql, params = record.msg
        if "COUNT(" in sql.upper():
            return sql, list(params)
    raise AssertionError("the search counted nothing")


def test_the_count_reads_the_index_not_every_case(
    database: peewee.Database, supervisor: ServiceContext, clock
) -> None:  # type: ignore[no-untyped-def]
    """A text of three characters or more is counted from the index (SQLite: the cases the
    trigram table names, counted as they are or read by id to test their status; PostgreSQL:
    a bitmap of the trigram index, OR'd with the clients' and contacts' indexes). On SQLite a
    shorter one has no trigram and reads every case (PostgreSQL's planner weighs the index's
    whole scan against the table's: at a million cases it reads the table)."""
    generate(clock, 40)
    plans = {}
    for text, status in (("export", "all"), ("WZ-1001", "all"), ("e", "all"), ("port", "open")):
        sql, params = _count_statement(HistoryQuery(text=text, status=status))
        if isinstance(database, peewee.PostgresqlDatabase):
            with database.atomic():  # a handful of cases: the planner would read them all
                database.execute_sql("SET LOCAL enable_seqscan = off")
                rows = database.execute_sql(f"EXPLAIN {sql}", params).fetchall()
        else:
            rows = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        plans[text] = "\n".join(str(row[-1]) for row in rows)
    if isinstance(database, peewee.PostgresqlDatabase):
        for text in ("export", "WZ-1001"):
            assert "case_ref_summary_trigram" in plans[text], plans[text]
            assert "Seq Scan" not in plans[text], plans[text]
    else:
        every_case = re.compile(r"^SCAN t\d+$", re.MULTILINE)  # a table's scan, not an index's
        for text in ("export", "WZ-1001", "port"):
            assert "VIRTUAL TABLE INDEX 0:M" in plans[text], plans[text]  # the trigram MATCH
            assert not every_case.search(plans[text]), plans[text]
        # With nothing else to test, the ids are counted without reading a case.
        assert "SEARCH t" not in plans["export"], plans["export"]
        assert every_case.search(plans["e"]), plans["e"]


def _without_the_index(database: peewee.Database) -> None:
    if isinstance(database, peewee.PostgresqlDatabase):
        database.execute_sql('DROP INDEX "case_ref_summary_trigram"')
    else:
        database.execute_sql(f"DROP TABLE {TRIGRAM_TABLE}")
        for verb in ("insert", "update", "delete"):
            database.execute_sql(f"DROP TRIGGER case_trigram_{verb}")


def test_without_the_index_the_search_lists_the_same_pages(
    database: peewee.Database, supervisor: ServiceContext, clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Every page of every search, the count and the pinned case, with the index and after it
    is gone (reading every case), on both of the history's ways to a page."""
    generate(clock, 90)
    named = str(Case.select().order_by(Case.id).first().ref)  # type: ignore[union-attr]
    queries = [
        HistoryQuery(text="export"),
        HistoryQuery(text=named),
        HistoryQuery(text="port", status="resolved"),
        HistoryQuery(text="acm", status="open"),
        HistoryQuery(text="zeppelin"),
        HistoryQuery(text="e"),
    ]

    def shown() -> list[object]:
        pages: list[object] = []
        for few in (10_000, 0):
            monkeypatch.setattr(history, "FEW_MATCHES", few)
            for query in queries:
                first = history_page(query, 0, 7)
                for offset in range(0, first.total, 7):
                    page = history_page(query, offset, 7)
                    pages.append((page.total, page.pinned, [row.ref for row in page.rows]))
        return pages

    indexed = shown()
    assert any(total for total, _, _ in indexed[:-1])  # type: ignore[misc]
    _without_the_index(database)
    assert not _has_trigram_index(database)
    assert shown() == indexed


def _upgrade_from_23(url: str) -> peewee.Database:
    old = open_database(url, migrate=False)
    schema = migrations._schema_table(old)
    for number in range(1, 24):
        with old.atomic():
            migrations.MIGRATIONS[number - 1](old)
            schema.create_table(safe=True)
            schema.create(version=number, applied_at=local(2026, 1, 5, 9))
    old.close()
    return open_database(url)


def _refused_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite library without the trigram tokenizer answers "no such tokenizer"."""
    statements = list(migrations._TRIGRAMS_SQLITE)
    statements[0] = statements[0].replace("'trigram'", "'no_such_tokenizer'")
    monkeypatch.setattr(migrations, "_TRIGRAMS_SQLITE", tuple(statements))


def _refused_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server without ``pg_trgm`` refuses CREATE EXTENSION, inside the upgrade's transaction."""
    monkeypatch.setattr(
        migrations, "_TRIGRAM_EXTENSION", "CREATE EXTENSION IF NOT EXISTS wzdesk_no_such_thing"
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_that_cannot_index_trigrams_upgrades_and_searches(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock
) -> None:  # type: ignore[no-untyped-def]
    """The migration leaves the index out, the upgrade completes, and the search reads every
    case instead."""
    if backend == "postgresql":
        if PG_URL is None:
            pytest.skip("needs PostgreSQL")
        reset_postgres(PG_URL)
        url = PG_URL
        _refused_on_postgresql(monkeypatch)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
        _refused_on_sqlite(monkeypatch)
    database = _upgrade_from_23(url)
    try:
        assert migrations.current_version(database) == migrations.LATEST_VERSION
        assert not _has_trigram_index(database)
        generate(clock, 30)
        assert history_page(HistoryQuery(text="export")).total == len(_every_case_read("export"))
        _assert_finds_what_reading_every_case_finds()
    finally:
        database.close()


def test_a_save_that_changes_no_text_indexes_nothing_again(
    database: peewee.Database, supervisor: ServiceContext, acme: str
) -> None:
    """Peewee's ``save`` writes every column: SQLite's triggers re-index a case's texts (full
    text, trigrams) only when one of them changed (migrations 24 and 25)."""
    if isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL's indexes are the server's")
    case = Case.get_by_id(open_case(supervisor, new_case(summary="Printer offline")).id)
    connection = database.connection()
    before = connection.total_changes
    case.status = "waiting_client"
    case.save()
    assert connection.total_changes - before == 1  # the case's row alone
    case.summary = "Zebra crossing report"
    case.save()
    assert connection.total_changes - before > 2  # and now its texts, again
    words = "SELECT case_id FROM case_text WHERE case_text MATCH 'zebra'"
    assert [row[0] for row in database.execute_sql(words).fetchall()] == [case.id]
    assert _indexed("ebra cross") == [case.id]
    assert _indexed("Printer") == []


@pytest.fixture
def awkward_desk(database: peewee.Database, supervisor: ServiceContext, acme: str, clock) -> None:  # type: ignore[no-untyped-def]
    generate(clock, 40)
    for number, summary in enumerate(AWKWARD):
        open_case(supervisor, new_case(received_at=local(2026, 3, 3, 9 + number), summary=summary))


#: Texts drawn from what the summaries hold and what the query language and LIKE treat as
#: syntax (ASCII: SQLite's LIKE folds no other letter's case).
FUZZ = st.text(alphabet=st.sampled_from("exportfailsWZ-10 %_\"*()\\'ORNEAR:^."), max_size=8)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=FUZZ)
def test_any_text_finds_what_reading_every_case_finds(awkward_desk: None, text: str) -> None:
    """Whatever is typed, the index (or, under three characters, the scan) lists the cases
    a scan with LIKE lists, and the history counts what the old search, reading every case,
    counted."""
    assert _indexed(text) == _every_case_read(text), text
    stripped = text.strip()
    if stripped:  # the history's count: the same cases, or their client's or contact's
        clients = Client.select(Client.id).where(
            Client.code.contains(stripped) | Client.name.contains(stripped)
        )
        contacts = Contact.select(Contact.id).where(
            Contact.name.contains(stripped) | Contact.email.contains(stripped)
        )
        read_whole = Case.select().where(
            Case.ref.contains(stripped)
            | Case.summary.contains(stripped)
            | Case.client.in_(clients)
            | Case.contact.in_(contacts)
        )
        assert history_page(HistoryQuery(text=stripped)).total == read_whole.count(), stripped
