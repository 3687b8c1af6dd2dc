"""The case history read model: every case newest first, searched, filtered by status, scoped to
a client or a contact, paged in SQL."""

from __future__ import annotations

import peewee
import pytest
from playhouse.test_utils import count_queries

from tests.conftest import local, new_case
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.services import cases as case_service
from wzdesk.services import history
from wzdesk.services.cases import open_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.demo import generate
from wzdesk.services.directory import add_client, add_contact
from wzdesk.services.history import HistoryQuery, history_page
from wzdesk.store.models import Case, Contact


@pytest.fixture
def cases(supervisor: ServiceContext, acme: str) -> dict[str, str]:
    """ACME: an open, a resolved and a closed case (by Ana), one by Raj; Globex: one by Gil."""
    add_client(supervisor, "GLX", "Globex Inc")
    add_contact(supervisor, "GLX", "Gil Ortiz", "gil@globex.example", "905 555 0199", "primary")

    def opened(received, **fields: str) -> str:  # type: ignore[no-untyped-def]
        return str(open_case(supervisor, new_case(received_at=received, **fields)).ref)

    refs = {
        "open": opened(local(2026, 3, 2, 9), summary="Payroll export fails"),
        "resolved": opened(local(2026, 2, 2, 9), summary="Typo on the login page"),
        "closed": opened(local(2025, 11, 3, 9), summary="100% CPU on reports"),
        "raj": opened(local(2026, 3, 4, 9), summary="Approval emails", contact="raj@acme.example"),
        "globex": opened(
            local(2026, 3, 6, 9), client="GLX", contact="gil@globex.example", summary="Login slow"
        ),
    }
    case_service.resolve(supervisor, refs["resolved"], "Fixed the label.")
    case_service.resolve(supervisor, refs["closed"], "Added an index.")
    case_service.close(supervisor, refs["closed"])
    return refs


def refs_of(query: HistoryQuery, offset: int = 0, limit: int = 50) -> list[str]:
    return [row.ref for row in history_page(query, offset, limit).rows]


def test_every_case_newest_first_with_the_count(cases: dict[str, str]) -> None:
    page = history_page(HistoryQuery())
    assert [row.ref for row in page.rows] == [
        cases["globex"],
        cases["raj"],
        cases["open"],
        cases["resolved"],
        cases["closed"],
    ]
    assert (page.total, page.page, page.pages, page.scope) == (5, 1, 1, "")
    closed = page.rows[-1]
    assert (closed.status, closed.client_code, closed.contact_name) == (
        "closed",
        "ACME",
        "Ana Diaz",
    )
    assert closed.received_at == local(2025, 11, 3, 9) and closed.ended_at is not None


def test_status_filters(cases: dict[str, str]) -> None:
    assert set(refs_of(HistoryQuery(status="open"))) == {
        cases["open"],
        cases["raj"],
        cases["globex"],
    }
    assert refs_of(HistoryQuery(status="resolved")) == [cases["resolved"]]
    assert refs_of(HistoryQuery(status="closed")) == [cases["closed"]]
    with pytest.raises(InvalidInput) as bad:
        history_page(HistoryQuery(status="pending"))
    assert bad.value.field == "status"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("payroll", ["open"]),  # summary, any case
        ("ACME", ["raj", "open", "resolved", "closed"]),  # client code
        ("globex", ["globex"]),  # client name
        ("raj patel", ["raj"]),  # contact name
        ("gil@globex", ["globex"]),  # contact email
        ("100%", ["closed"]),  # a literal percent sign, not a wildcard
        ("_", []),  # nor an underscore
    ],
)
def test_search_matches_reference_client_summary_and_contact(
    cases: dict[str, str], text: str, expected: list[str]
) -> None:
    assert refs_of(HistoryQuery(text=text)) == [cases[name] for name in expected]


def test_search_by_reference(cases: dict[str, str]) -> None:
    assert refs_of(HistoryQuery(text=cases["closed"].lower())) == [cases["closed"]]


def test_a_whole_reference_lists_its_case_first_and_pages_keep_every_match_once(
    cases: dict[str, str], supervisor: ServiceContext
) -> None:
    """Typing a case's whole reference lists that case first: the text also finds the cases
    whose reference begins with it or whose summary names it, newest first, and at a million
    cases the named one was the 32nd of 112. The others follow it on every page,
    each once."""
    named = cases["open"]
    mentions = [
        str(
            open_case(
                supervisor, new_case(received_at=local(2026, 3, 5, hour), summary=f"See {named}")
            ).ref
        )
        for hour in (9, 10, 11)
    ]
    newest_first = [mentions[2], mentions[1], mentions[0]]
    for typed in (named, named.lower(), f"  {named} "):
        first = history_page(HistoryQuery(text=typed), 0, 2)
        assert (first.pinned, first.total, first.pages) == (named, 4, 2)
        assert [r.ref for r in first.rows] == [named, newest_first[0]]
        second = history_page(HistoryQuery(text=typed), 2, 2)
        assert [r.ref for r in second.rows] == newest_first[1:]
        whole = history_page(HistoryQuery(text=typed), 0, 50)
        assert [r.ref for r in whole.rows] == [named, *newest_first]
    # Not among the matches (another status), or only part of a reference: no pin.
    resolved = history_page(HistoryQuery(text=named, status="resolved"))
    assert (resolved.pinned, resolved.total) == (None, 0)
    part = history_page(HistoryQuery(text=named[:-1]))
    assert part.pinned is None and named in [r.ref for r in part.rows]
    assert refs_of(HistoryQuery(text=named, status="open")) == [named, *newest_first]


def test_scoped_to_a_client_or_a_contact(cases: dict[str, str]) -> None:
    client = history_page(HistoryQuery(client="acme"))
    assert client.scope == "ACME · Acme Corporation" and client.total == 4
    contact = history_page(HistoryQuery(client="ACME", contact="raj@acme.example"))
    assert ([r.ref for r in contact.rows], contact.scope) == ([cases["raj"]], "Raj Patel (ACME)")
    by_phone = history_page(HistoryQuery(contact="(905) 555-0199"))
    assert ([r.ref for r in by_phone.rows], by_phone.scope) == (
        [cases["globex"]],
        "Gil Ortiz (GLX)",
    )
    assert refs_of(HistoryQuery(client="ACME", status="closed", text="cpu")) == [cases["closed"]]
    with pytest.raises(NotFound):
        history_page(HistoryQuery(client="NOPE"))
    with pytest.raises(NotFound):
        history_page(HistoryQuery(contact="who@nowhere.example"))


def test_pages_come_from_the_database(
    database: peewee.Database, supervisor: ServiceContext, clock
) -> None:  # type: ignore[no-untyped-def]
    generate(clock, 130)
    everything = [
        ref
        for ref, _, _ in Case.select(Case.ref, Case.received_at, Case.id)
        .order_by(Case.received_at.desc(), Case.id.desc())
        .tuples()
    ]
    with count_queries() as counted:
        first = history_page(HistoryQuery(), 0, 50)
    assert counted.count == 2  # the count and the page, whatever the size
    third = history_page(HistoryQuery(), 100, 50)
    assert [r.ref for r in first.rows] == everything[:50]
    assert [r.ref for r in third.rows] == everything[100:130]
    assert (third.page, third.pages, third.total) == (3, 3, 130)
    past_the_end = history_page(HistoryQuery(), 5000, 50)
    assert past_the_end.offset == 100  # the last page
    received = [row.received_at for row in first.rows]
    assert received == sorted(received, reverse=True)
    with pytest.raises(InvalidInput):
        history_page(HistoryQuery(), 0, 0)


def _pages(query: HistoryQuery, limit: int) -> list[tuple[object, ...]]:
    """Every page of ``query`` at page size ``limit`` (and one asked past the end), as what
    the screen shows of each."""
    first = history_page(query, 0, limit)
    shown = []
    for offset in [*range(0, first.total, limit), 10_000]:
        page = history_page(query, offset, limit)
        shown.append((page.offset, page.total, page.pinned, [r.ref for r in page.rows]))
    return shown


def test_a_few_matches_sorted_list_what_the_walk_along_the_index_lists(
    database: peewee.Database, supervisor: ServiceContext, clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Up to ``FEW_MATCHES`` matches are sorted for their page; more, and the page is walked
    along the index. Both give the same pages, pinned reference included."""
    generate(clock, 130)
    some = Case.select().order_by(Case.id).first()
    assert some is not None
    named = str(some.ref)
    contact = Contact.select().where(Contact.client == some.client, Contact.email != "").first()
    assert contact is not None
    mention = new_case(
        client=some.client.code,
        contact=contact.email,
        received_at=local(2026, 3, 5, 9),
        summary=f"See {named}",
    )
    open_case(supervisor, mention)
    queries = [
        HistoryQuery(text="e"),  # nearly every case
        HistoryQuery(text="export"),
        HistoryQuery(text=named),  # the case itself first, then its mentions and WZ-10010…
        HistoryQuery(text=named, status="all", client=some.client.code),
        HistoryQuery(text="a", status="resolved"),
        HistoryQuery(text="o", status="open"),
        HistoryQuery(text="zeppelin"),
        HistoryQuery(status="resolved"),  # a filter without a text goes the same ways
        HistoryQuery(client=some.client.code, status="open"),
    ]
    for query in queries:
        for limit in (3, 50):
            monkeypatch.setattr(history, "FEW_MATCHES", 10_000)
            whole = _pages(query, limit)
            monkeypatch.setattr(history, "FEW_MATCHES", 0)
            assert _pages(query, limit) == whole, (query, limit)
    monkeypatch.setattr(history, "FEW_MATCHES", 10_000)
    assert _pages(HistoryQuery(text=named), 50)[0][2] == named
    assert _pages(HistoryQuery(text="e"), 50)[0][1] > 100


def test_a_rare_text_is_sorted_not_walked_along_the_index(
    database: peewee.Database, supervisor: ServiceContext, clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """At a million cases, walking the received-at index to fill a page of a text found in
    112 cases read every case one at a time (2.0–2.6 s); a text found nowhere, 3.1–4.9 s.
    A common text's page is still read along the index: it finds the page soon."""
    generate(clock, 130)
    monkeypatch.setattr(history, "FEW_MATCHES", 20)
    ref = str(Case.get_by_id(1).ref)
    for text, total, walks, sorts in (("zeppelin", 0, 0, 0), (ref, 1, 0, 1), ("e", 130, 1, 0)):
        with count_queries(only_select=True) as counted:
            page = history_page(HistoryQuery(text=text))
        statements = [record.msg[0].upper() for record in counted.get_queries()]
        walked = [sql for sql in statements if 'ORDER BY "T1"."RECEIVED_AT" DESC' in sql]
        sorted_ = [sql for sql in statements if 'ORDER BY COALESCE("T1"."RECEIVED_AT"' in sql]
        assert page.total == total
        assert (len(walked), len(sorted_)) == (walks, sorts), statements
        # The case table alone: joined, SQLite read the cases client by client (1.7× slower).
        assert not any("JOIN" in sql for sql in sorted_), sorted_
        if total == 0:
            counts = [sql for sql in statements if "COUNT(" in sql]
            rows = [sql for sql in statements if 'FROM "CASE"' in sql and "COUNT(" not in sql]
            assert len(counts) == 1 and rows == [] and page.rows == []  # counted, no more


def test_a_status_filter_is_counted_from_an_index_alone(
    database: peewee.Database, supervisor: ServiceContext, clock
) -> None:  # type: ignore[no-untyped-def]
    """The count asks for ``COUNT(*)``: PostgreSQL answers it from the status index alone
    (``COUNT(id)`` needs the id, which only the key's index holds: at a million cases it read
    the table, 172 ms for the open cases against 15 ms)."""
    generate(clock, 30)
    if isinstance(database, peewee.PostgresqlDatabase):
        database.execute_sql('VACUUM ANALYZE "case"')  # as autovacuum leaves a settled table
    for status in ("open", "resolved", "closed"):
        with count_queries(only_select=True) as counted:
            history_page(HistoryQuery(status=status))
        sql, params = next(
            record.msg for record in counted.get_queries() if "COUNT(" in record.msg[0]
        )
        if isinstance(database, peewee.PostgresqlDatabase):
            with database.atomic():  # a handful of cases: the planner would read them all
                database.execute_sql("SET LOCAL enable_seqscan = off")
                plan = database.execute_sql(f"EXPLAIN {sql}", params).fetchall()
            assert "Index Only Scan" in "\n".join(row[0] for row in plan), (status, plan)
        else:
            plan = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            assert "COVERING INDEX" in "\n".join(row[-1] for row in plan), (status, plan)


def test_resolved_and_closed_pages_are_read_along_their_own_index(
    database: peewee.Database, supervisor: ServiceContext, clock
) -> None:  # type: ignore[no-untyped-def]
    """The resolved and closed cases are the oldest: along the received-at index a page of
    them passed every newer case (157 ms for the closed ones' first page at a million cases).
    It is read along (status, received_at, id) instead, newest first, without a sort."""
    generate(clock, 30)
    with count_queries(only_select=True) as counted:
        history_page(HistoryQuery(status="open"))
    statements = [record.msg[0] for record in counted.get_queries()]
    # A few open cases are sorted: an old one would make the walk pass every case since.
    assert any('ORDER BY COALESCE("t1"."received_at"' in sql for sql in statements), statements
    for status in ("resolved", "closed"):
        with count_queries(only_select=True) as counted:
            page = history_page(HistoryQuery(status=status))
        assert page.rows and {row.status for row in page.rows} == {status}
        sql, params = next(
            record.msg for record in counted.get_queries() if "ORDER BY" in record.msg[0]
        )
        if isinstance(database, peewee.PostgresqlDatabase):
            # A handful of cases: the planner would read them all, and between the two
            # indexes that give the order (the status one, or received-at with a filter) it
            # chose either, by costs a hair apart (a clean-clone CI run took the other one).
            # What is tested is that this SQL can be read along the status index without a
            # sort: the other index is dropped for the question, and put back (rolled back).
            with database.atomic() as transaction:
                database.execute_sql("SET LOCAL enable_seqscan = off")
                database.execute_sql("SET LOCAL enable_sort = off")
                database.execute_sql("DROP INDEX case_received_at_id")
                rows = database.execute_sql(f"EXPLAIN {sql}", params).fetchall()
                transaction.rollback()
            plan = "\n".join(row[0] for row in rows)
            assert "Index Scan Backward using case_status_received_at_id" in plan, plan
            assert "Sort" not in plan, plan
        else:
            rows = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            plan = "\n".join(row[-1] for row in rows)
            assert "INDEX case_status_received_at_id (status=?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan


def test_a_clients_many_cases_are_walked_newest_first_not_sorted(
    database: peewee.Database, supervisor: ServiceContext, clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Past ``FEW_MATCHES``, a client's page is walked along the received-at index: given a
    big desk's statistics, SQLite read all 50,077 cases of a client through its index and
    sorted them (110 ms at a million cases; 3.6 ms walked)."""
    if isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL weighs both plans by its own statistics")
    from tests.services.test_queue_index import _as_if_big

    generate(clock, 30)
    code = str(Case.select().order_by(Case.id).get().client.code)
    _as_if_big(database)
    monkeypatch.setattr(history, "FEW_MATCHES", 0)
    with count_queries(only_select=True) as counted:
        page = history_page(HistoryQuery(client=code))
    assert page.rows and {row.client_code for row in page.rows} == {code}
    sql, params = next(
        record.msg for record in counted.get_queries() if "ORDER BY" in record.msg[0]
    )
    rows = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    plan = "\n".join(row[-1] for row in rows)
    assert "INDEX case_received_at_id" in plan and "TEMP B-TREE" not in plan, plan
