"""The console's first screen is read from an index (issue 13): the ids behind
``QueueSnapshot.load_top`` come from a walk of the partial index ``case_open_next_due`` that
stops after the page, on both backends, and then only those cases are joined. If the query and
the index drift apart, or the planner is tempted elsewhere, the plan sorts every open case:
these tests fail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import peewee
import pytest

from wzdesk.services.queue import top_ids_query, top_query
from wzdesk.store.stored_values import instant_to_sqlite

#: ``sqlite_stat1`` of a 1,000,000-case demo desk (99,764 open) whose client indexes were
#: added after its last ANALYZE: with them SQLite once chose to walk the clients and sort
#: every open case (650 ms for the first screen instead of 1.5 ms).
BIG_DESK_STATISTICS = [
    ("case", "case_open_next_due", "99764 1"),
    # The search's two streams (migration _paused_order), from ANALYZE on the same desk.
    ("case", "case_running_next_due", "79876 1 1 1 1 1 1"),
    ("case", "case_paused_left", "20435 1 1 1 1 1 1"),
    ("case", "case_updated_at", "1000000 1"),
    ("case", "snapshot_case_client_id_is_open", "1000000 50000 25000"),
    ("case", "snapshot_case_is_open_assignee_id", "1000000 500000 71429"),
    ("case", "snapshot_case_is_open_resolution_due", "1000000 500000 3"),
    ("case", "snapshot_case_is_open_response_due", "1000000 500000 3"),
    ("case", "snapshot_case_assignee_id", "1000000 142858"),
    ("case", "snapshot_case_status", "1000000 166667"),
    # The history's resolved and closed lists (migration _history_status_index).
    ("case", "case_status_received_at_id", "1000000 166667 1 1"),
    # The done cases in the search's order (migration _done_order_index), on the same desk.
    ("case", "case_done_rank", "899689 224923 1"),
    # What saved views test (migration _view_count_index), from ANALYZE on a million-case desk.
    ("case", "case_view_count", "1000000 500000 166667 27778 6945 455 49 1 1 1 1 1 1 1"),
    ("case", "snapshot_case_contact_id", "1000000 16667"),
    ("case", "snapshot_case_client_id", "1000000 50000"),
    ("case", "snapshot_case_ref", "1000000 1"),
    ("contact", "snapshot_contact_client_id", "82 5"),
    ("client", "snapshot_client_code", "20 1"),
]


def _plan(database: peewee.Database, query: peewee.ModelSelect) -> str:
    sql, params = query.sql()
    if isinstance(database, peewee.PostgresqlDatabase):
        with database.atomic():
            # On empty tables scanning and sorting is cheapest; discourage both so that the
            # plan shows whether the index can serve the ORDER BY at all (if it cannot, the
            # planner still sorts, whatever the setting).
            database.execute_sql("SET LOCAL enable_seqscan = off")
            database.execute_sql("SET LOCAL enable_sort = off")
            # An incremental sort is a sort too: once, in a full run, the planner chose one
            # for a login's audit page over the index that serves its order whole.
            database.execute_sql("SET LOCAL enable_incremental_sort = off")
            rows = database.execute_sql("EXPLAIN " + sql, params).fetchall()
    else:
        rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(str(row[-1]) for row in rows)


def _as_if_big(database: peewee.Database) -> None:
    """Give SQLite's planner the statistics of a big desk (it reads them at ANALYZE time)."""
    database.execute_sql("ANALYZE")  # creates sqlite_stat1
    database.execute_sql("DELETE FROM sqlite_stat1")
    for table, index, stat in BIG_DESK_STATISTICS:
        database.execute_sql("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (table, index, stat))
    database.execute_sql("ANALYZE sqlite_schema")  # load them


@contextmanager
def _walks_recorded() -> Iterator[list[peewee.Query]]:
    """The queries the search runs through ``search._raw`` (its walks), in order."""
    from wzdesk.services import search

    walks: list[peewee.Query] = []
    real = search._raw

    def recorded(rows: peewee.Query) -> list[tuple[object, ...]]:
        walks.append(rows)
        return real(rows)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "_raw", recorded)
        yield walks


def test_the_first_screen_walks_the_index_without_sorting(database: peewee.Database) -> None:
    plan = _plan(database, top_ids_query(40))
    assert "case_open_next_due" in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan  # SQLite sorting the rows itself
    assert "Sort" not in plan, plan  # PostgreSQL sorting the rows itself


def test_with_a_big_desks_statistics_sqlite_still_walks_the_index(
    database: peewee.Database,
) -> None:
    if isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("SQLite's statistics table; PostgreSQL is checked above")
    _as_if_big(database)
    ids = _plan(database, top_ids_query(40))
    assert "USING INDEX case_open_next_due" in ids and "TEMP B-TREE" not in ids.upper(), ids
    whole = _plan(database, top_query(40))
    # The page's cases are fetched by id (and only those 40 rows sorted), no table walk.
    assert "SEARCH t1 USING INTEGER PRIMARY KEY" in whole, whole
    assert "USING INDEX case_open_next_due" in whole, whole


def test_the_search_walks_the_open_cases_on_the_same_index(database: peewee.Database) -> None:
    """A common word's walk in urgency order (``search._first_open``) reads the open cases
    from ``case_open_next_due`` too, a page's worth or a few thousand, never sorting them
    all; also with a big desk's statistics on SQLite, and with more of the query's terms."""
    from wzdesk.core.query import parse_query
    from wzdesk.services import search

    if not isinstance(database, peewee.PostgresqlDatabase):
        _as_if_big(database)
    for text in ("", "sev:critical", "assignee:none -status:new"):
        query = parse_query(text)
        condition = search._scope(query)
        if query.where is not None:
            ctx = search.context(datetime(2026, 3, 9, 15, tzinfo=UTC), "kim")
            condition = condition & search.compile_node(query.where, ctx)
        with _walks_recorded() as walks:
            assert search._first_open(condition, 1500) == []  # no cases: none to walk
        plan = _plan(database, walks[0])
        assert "case_open_next_due" in plan, (text, plan)
        assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan, (text, plan)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sev:major",
        "is:paused",
        "-status:waiting_client",
        "at-risk",
        "at-risk sev:minor",
        "due:<2h",
        "sev:major due:>1h",
    ],
)
def test_a_page_walks_the_running_and_the_paused_cases_on_their_own_indexes(
    database: peewee.Database, text: str
) -> None:
    """Most urgent first, the search reads the running cases from ``case_running_next_due``
    (from now on, for ``at-risk``: nothing running at risk is due before; from the horizon
    on, for ``due:>1h``) and the paused
    ones from ``case_paused_left``, each a page's walk, never a sort of every match; also
    with a big desk's statistics on SQLite."""
    from wzdesk.services import search

    if not isinstance(database, peewee.PostgresqlDatabase):
        _as_if_big(database)
    ctx = search.context(datetime(2026, 3, 9, 15, tzinfo=UTC), "kim")
    with _walks_recorded() as walks:
        assert search.search_ids(text, ctx, 20) == []  # no cases: the walks find none
    by_order = {
        "running": 'ORDER BY CASE WHEN (("t1"."response_due" < "t1"."resolution_due")',
        "paused": 'ORDER BY "t1"."paused_left"',
    }
    plans = {
        stream: [_plan(database, walk) for walk in walks if order in walk.sql()[0]]
        for stream, order in by_order.items()
    }
    running, paused = plans["running"], plans["paused"]
    # is:paused: no running case can match, and none is read (core.query.requires_paused)
    assert paused and (running or text == "is:paused"), [walk.sql()[0] for walk in walks]
    assert not (running and text == "is:paused"), running
    assert all("case_running_next_due" in plan for plan in running), running
    assert all("case_paused_left" in plan for plan in paused), paused
    for plan in running + paused:
        assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan, (text, plan)
    starts_later = text.startswith("at-risk") or "due:>" in text  # at now; at the horizon
    if starts_later and not isinstance(database, peewee.PostgresqlDatabase):
        assert "USING INDEX case_running_next_due (<expr>>?)" in running[0], running
    if "due:" in text:  # only the paused cases whose response runs: the index's first values
        for plan in paused:
            if isinstance(database, peewee.PostgresqlDatabase):
                conditions = [line for line in plan.splitlines() if "Index Cond" in line]
                assert any("paused_left <=" in line for line in conditions), plan
            else:
                assert "USING INDEX case_paused_left (paused_left<?)" in plan, plan


def test_newest_first_reads_the_received_index_backwards(database: peewee.Database) -> None:
    """``sort:-received`` (and ``-updated``) order by columns that are never NULL: written
    ``DESC NULLS LAST`` they did not match the index's order on PostgreSQL, which sorted
    every case (219 ms at a million cases for ``received:last-7d sort:-received``)."""
    from wzdesk.core.query import parse_query
    from wzdesk.services import search
    from wzdesk.store.models import Case

    query = parse_query("is:all sort:-received")
    plan = _plan(database, Case.select(Case.id).order_by(*search._order(query.sort)).limit(50))
    assert "case_received_at_id" in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan
    assert "Sort" not in plan, plan


class _Recorded:
    """A quick reader that keeps the statements it is given (and finds no rows)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple[object, ...]]] = []

    postgres = False

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[object]:
        self.statements.append((sql, tuple(params)))
        return []

    def instant(self, value: datetime) -> str:
        return instant_to_sqlite(value)


def _quick_outbox_plan(database: peewee.Database, statuses: tuple[str, ...], limit: int) -> str:
    """SQLite's plan for the quick path's ``mail outbox list`` statement."""
    from wzdesk.services.sent_fields import newest_first
    from wzdesk.store import quick_mail

    reader = _Recorded()
    quick_mail.outgoing(reader, statuses, newest_first(statuses), limit)  # type: ignore[arg-type]
    [(sql, params)] = reader.statements
    rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_outbox_history_reads_the_primary_key_backwards(database: peewee.Database) -> None:
    """``mail outbox list --all --limit N`` costs its page, not the outbox: the outbox keeps
    every message a desk ever sent (two or more a case), and the page is its newest N, read
    from the primary key's end on both paths, not sorted out of every row."""
    from wzdesk.services.mail_outbox import outbox_query
    from wzdesk.services.sent_fields import OUTBOX_STATUSES

    plan = _plan(database, outbox_query(OUTBOX_STATUSES, 20))
    assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan, plan
    if isinstance(database, peewee.PostgresqlDatabase):
        assert "Index Scan Backward using outbound_mail_pkey" in plan, plan
        return  # the quick path reads SQLite files only
    assert plan.startswith("SCAN t1\n"), plan  # the table in rowid order: no index, no sort
    quick = _quick_outbox_plan(database, OUTBOX_STATUSES, 21)
    assert "TEMP B-TREE" not in quick.upper() and quick.startswith("SCAN t\n"), quick


#: What ``sqlite_stat1`` says of a desk's outbox after a year: a million messages sent, 200
#: still to go. Two statuses, half the rows each, as far as these statistics can tell.
BIG_OUTBOX_STATISTICS = [
    ("outbound_mail", "snapshot_outbound_mail_status_next_attempt_at", "1000200 500100 500100"),
    ("outbound_mail", "snapshot_outbound_mail_case_id", "1000200 3334"),
    ("outbound_mail", "outbound_mail_unsent", "200 1"),
]


def test_the_messages_still_to_go_are_read_from_their_own_index(
    database: peewee.Database,
) -> None:
    """``mail outbox list`` (the messages still to go) reads the outbox's partial index on
    both paths: with a year's statistics SQLite read every message in id order to find the
    200 still to go (0.45 s at a million sent), since the statistics of the status index say
    each status holds half the outbox."""
    from wzdesk.services.mail_outbox import outbox_query
    from wzdesk.services.sent_fields import UNSENT

    if isinstance(database, peewee.PostgresqlDatabase):
        plan = _plan(database, outbox_query(UNSENT, 51))
        assert "outbound_mail_unsent" in plan and "Sort" not in plan, plan
        return  # the quick path reads SQLite files only
    database.execute_sql("ANALYZE")  # creates sqlite_stat1
    database.execute_sql("DELETE FROM sqlite_stat1")
    for table, index, stat in BIG_OUTBOX_STATISTICS:
        database.execute_sql("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (table, index, stat))
    database.execute_sql("ANALYZE sqlite_schema")  # load them
    for limit in (51, None):
        query = outbox_query(UNSENT, limit)
        plan = _plan(database, query)
        assert "USING INDEX outbound_mail_unsent" in plan and "TEMP B-TREE" not in plan, plan
    quick = _quick_outbox_plan(database, UNSENT, 51)
    assert "USING INDEX outbound_mail_unsent" in quick and "TEMP B-TREE" not in quick, quick


def test_the_mail_history_is_read_from_its_indexes(database: peewee.Database) -> None:
    """A contact's latest messages (the contact view) and the quarantine's history newest
    first (``mail quarantine list --all --limit N``) are read from the ends of their indexes
    on both paths: each sorted every message the desk ever sent, received or held."""
    from wzdesk.services.mail_quarantine import quarantine_query
    from wzdesk.services.people_views import latest_messages_from
    from wzdesk.services.quarantine_fields import QUARANTINE_STATUSES
    from wzdesk.services.sent_fields import OUTBOX_STATUSES
    from wzdesk.store import quick_mail

    assert quick_mail.HELD_STATUSES == QUARANTINE_STATUSES  # the quick path's own copies
    assert quick_mail.STATUSES == OUTBOX_STATUSES
    plans = {
        "contact": _plan(database, latest_messages_from("ana@acme.example")),
        "quarantine": _plan(database, quarantine_query(QUARANTINE_STATUSES, 51)),
    }
    if not isinstance(database, peewee.PostgresqlDatabase):
        reader = _Recorded()
        quick_mail.quarantined(reader, QUARANTINE_STATUSES, 51)  # type: ignore[arg-type]
        [(sql, params)] = reader.statements
        rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        plans["quick quarantine"] = "\n".join(str(row[-1]) for row in rows)
    for name, plan in plans.items():
        assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan, (name, plan)
    assert "mail_message_from_address_received_at" in plans["contact"], plans
    assert "quarantined_mail_held_at_id" in plans["quarantine"], plans


#: What ``sqlite_stat1`` says of a year's audit trail: four million entries by forty actors.
BIG_AUDIT_STATISTICS = [
    ("audit_entry", "snapshot_audit_entry_at", "4000000 2"),
    ("audit_entry", "snapshot_audit_entry_entity_entity_id", "4000000 800000 4"),
    ("audit_entry", "audit_entry_actor_at_id", "4000000 100000 2 1"),
]


@pytest.mark.parametrize("statistics", ["none", "a year's"])
def test_one_logins_audit_entries_are_read_from_their_own_index(
    database: peewee.Database, statistics: str
) -> None:
    """``audit --user LOGIN --limit N`` reads that login's entries newest first from the
    (actor, at) index on both paths. Before, it walked the instants' index and read every
    later entry of everyone else: the whole trail for someone who has left."""
    from wzdesk.services.reports import AUDIT_COLUMNS, AuditQuery, audit_query
    from wzdesk.store import quick_audit

    now = datetime(2026, 3, 11, 15, tzinfo=UTC)
    if statistics != "none":
        if isinstance(database, peewee.PostgresqlDatabase):
            pytest.skip("SQLite's statistics table")
        database.execute_sql("ANALYZE")  # creates sqlite_stat1
        database.execute_sql("DELETE FROM sqlite_stat1")
        for table, index, stat in BIG_AUDIT_STATISTICS:
            database.execute_sql("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (table, index, stat))
        database.execute_sql("ANALYZE sqlite_schema")  # load them
    for since in (None, datetime(2026, 1, 1, tzinfo=UTC)):
        plan = _plan(database, audit_query(AuditQuery(user="leaver", since=since, limit=20), now))
        assert "audit_entry_actor_at_id" in plan, plan
        assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan, plan
        if isinstance(database, peewee.PostgresqlDatabase):
            continue  # the quick path reads SQLite files only
        reader = _Recorded()
        quick_audit.audit_rows(reader, AUDIT_COLUMNS, now, None, "leaver", since, 20)  # type: ignore[arg-type]
        [(sql, params)] = reader.statements
        rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        quick = "\n".join(str(row[-1]) for row in rows)
        assert "audit_entry_actor_at_id" in quick and "TEMP B-TREE" not in quick.upper(), quick


@pytest.mark.parametrize(
    ("text", "seek"),
    [
        ("at-risk OR breached:any", "(is_open=?)"),
        ("assignee:me status:open", "(is_open=? AND status=? AND assignee_id>?)"),
        ("sev:major -is:paused", "severity=?)"),
        ("breached:any sev:major", "(is_open=?)"),
        ("due:<2h", "(is_open=?)"),  # the running timers: resolved_at and policy_id too
    ],
)
def test_a_views_count_reads_the_view_count_index_not_the_cases(
    database: peewee.Database, text: str, seek: str
) -> None:
    """``view list`` and the console's tabs count a view's matches from ``case_view_count``
    alone, never the cases' rows (at a million cases on SQLite ``at-risk OR breached:any``
    read them all, 0.3 s; a view of the open cases seeks their part of the index)."""
    from wzdesk.services import search
    from wzdesk.store.migrations import VIEW_COUNT_INDEX
    from wzdesk.store.models import Case

    if isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("SQLite's statistics table (an empty PostgreSQL table plans by its size)")
    _as_if_big(database)
    ctx = search.context(datetime(2026, 3, 9, 15, tzinfo=UTC), "kim")
    count = Case.select(peewee.fn.COUNT(peewee.SQL("*"))).where(search.count_condition(text, ctx))
    plan = _plan(database, count)
    assert f"USING COVERING INDEX {VIEW_COUNT_INDEX} " in plan and seek in plan, plan


def test_the_stream_indexes_carry_the_client(database: peewee.Database) -> None:
    """``client:ATL`` (a client view) is judged on the stream indexes, as the status, severity
    and assignee are: without the client in them, a page of one client's cases in twenty read
    some 4,200 rows at random at a million cases (70-100 ms on SQLite; schema 31)."""
    indexes = {index.name: index.sql for index in database.get_indexes("case")}
    for name in ("case_running_next_due", "case_paused_left"):
        columns = indexes[name].split("WHERE")[0]
        for column in ("paused_since", "status", "severity", "assignee_id", "client_id"):
            assert column in columns, (name, column, indexes[name])
