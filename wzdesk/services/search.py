"""Case search: the query language compiled to one SQL query (filter, order, LIMIT in the database).

SLA terms are conditions on the deadlines stored on each case row (``store/queries.py``), so
"breached" or "due within two business hours" is an indexed comparison, never a Python loop
over cases. Free text goes through the full-text index (``store/fulltext.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, cast

import peewee

from wzdesk.core.bounds import check_limit
from wzdesk.core.case_sla import RESPONSE_RUNNING
from wzdesk.core.query import (
    And,
    DateTerm,
    DueTerm,
    FieldTerm,
    Node,
    Not,
    Or,
    Query,
    SlaTerm,
    SortKey,
    Streams,
    TextTerm,
    deepest_first,
    holds_text,
    parse_query,
    requires_open,
)
from wzdesk.core.rules import CLIENT_STATUSES
from wzdesk.core.sla import Severity
from wzdesk.core.values import Value
from wzdesk.services import urgency
from wzdesk.services.case_filter import CaseFilter, flags_query
from wzdesk.services.directory import get_client, get_user
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store import dated_sql, done_order, fts_sql, fulltext, queries, text_plans
from wzdesk.store.database import db
from wzdesk.store.models import Case, Client, Contact, User

#: A SQL condition (an expression, or literal SQL such as ``1=1``).
Cond = peewee.ColumnBase

_SEVERITY_RANK = peewee.Case(Case.severity, [(s.value, s.rank) for s in Severity], 9)


class SearchContext(Value):
    """What a query is judged against: the instant, the acting login (``assignee:me``), the
    policy book (business time for ``due:``; the support zone for dates)."""

    _fields = ("now", "me", "book", "public_only", "among")
    now: datetime
    me: str | None
    book: PolicyBook
    #: Free text looks at the public timeline only (a client's search, never internal notes).
    public_only: bool
    #: Only these cases are asked about: free text reads their texts, not the index's every
    #: hit for the words (:func:`queue_matches` re-checking the cases a re-read changed).
    among: Sequence[int] | None

    def __init__(
        self,
        now: datetime,
        me: str | None,
        book: PolicyBook,
        public_only: bool = False,
        among: Sequence[int] | None = None,
    ) -> None:
        self._set(now=now, me=me, book=book, public_only=public_only, among=among)


def context(now: datetime, me: str | None, book: PolicyBook | None = None) -> SearchContext:
    return SearchContext(now, me, book or load_policy_book())


def _day_start(day: date, book: PolicyBook, now: datetime) -> datetime:
    zone = book.at(now).calendar.zone
    return datetime.combine(day, time(0), zone)


def _both(a: Cond, b: Cond) -> Cond:
    return a & b


def _all_of(conditions: Sequence[Cond], glue: str = " AND ") -> Cond:
    """``(a AND b AND c)``, flat. Joined two by two, a query of a hundred terms nested a
    hundred parentheses and SQLite's parser gave up ("parser stack overflow")."""
    if len(conditions) == 1:
        return conditions[0]
    return cast(Cond, peewee.NodeList(conditions, glue, parens=True))


def compile_node(node: Node, ctx: SearchContext) -> Cond:
    """A SQL condition for ``node`` that is never NULL (so that ``-`` negates exactly)."""
    match node:
        case And(items):
            return _all_of([compile_node(item, ctx) for item in deepest_first(items)])
        case Or(items):
            return _all_of([compile_node(item, ctx) for item in deepest_first(items)], " OR ")
        case Not(Not(item)):  # never NULL: the two NOTs cancel (each cost the parser a level)
            return compile_node(item, ctx)
        case Not(item):
            return cast(Cond, ~compile_node(item, ctx))
        case FieldTerm(field, value):
            return _field(field, value, ctx)
        case DateTerm():
            return _date(node, ctx)
        case SlaTerm(kind):
            return _sla(kind, ctx.now)
        case DueTerm(op, seconds):
            return _due(op, seconds, ctx)
        case TextTerm():
            return _text(node, ctx.public_only, ctx.among)
    raise AssertionError(node)  # pragma: no cover


def _field(field: str, value: str, ctx: SearchContext) -> Cond:
    if field in ("severity", "status", "channel", "category"):
        return cast(Cond, getattr(Case, field) == value)
    if field == "ref":
        return Case.ref == value
    if field == "client":
        return cast(Cond, Case.client.in_(Client.select(Client.id).where(Client.code == value)))
    if field == "contact":
        contacts = Contact.select(Contact.id).where(
            (Contact.email == value) | (peewee.fn.LOWER(Contact.name) == value)
        )
        return Case.contact.in_(contacts)
    if field == "assignee":
        if value == "none":
            return Case.assignee.is_null()
        login = (ctx.me or "") if value == "me" else value
        users = User.select(User.id).where(peewee.fn.LOWER(User.login) == login.lower())
        return _both(Case.assignee.is_null(False), Case.assignee.in_(users))
    if field == "tag":  # tags are stored sorted, lower case, comma-separated
        wrapped = peewee.Value(",").concat(Case.tags).concat(",")
        position = peewee.fn.STRPOS if fulltext.is_postgres() else peewee.fn.INSTR
        return position(wrapped, f",{value},") > 0
    raise AssertionError(field)  # pragma: no cover


_DATE_COLUMNS = {
    "received": Case.received_at,
    "updated": Case.updated_at,
    "resolved": Case.resolved_at,
    "closed": Case.closed_at,
}


def _date(term: DateTerm, ctx: SearchContext) -> Cond:
    column = _DATE_COLUMNS[term.field]
    zone = ctx.book.at(ctx.now).calendar.zone
    start, end = term.day_range(ctx.now.astimezone(zone).date())
    condition: Cond = column.is_null(False)
    if start is not None:
        condition = _both(condition, column >= _day_start(start, ctx.book, ctx.now))
    if end is not None:
        condition = _both(condition, column < _day_start(end, ctx.book, ctx.now))
    return condition


def _sla(kind: str, now: datetime) -> Cond:
    match kind:
        case "breached_response":
            return _both(Case.is_open == True, queries.response_breached(now))  # noqa: E712
        case "breached_resolution":
            return _both(Case.is_open == True, queries.resolution_breached(now))  # noqa: E712
        case "breached_any":
            return queries.breached(now)
        case "at_risk":
            return queries.at_risk(now)
        case "paused":
            return _both(Case.is_open == True, Case.paused_since.is_null(False))  # noqa: E712
        case "late":
            resolution_late = _both(
                Case.resolved_at.is_null(False), Case.resolved_at > Case.resolution_due
            )
            return queries.response_late() | resolution_late
    raise AssertionError(kind)  # pragma: no cover


def _running_response() -> Cond:
    return _both(Case.is_open == True, Case.first_response_at.is_null())  # noqa: E712


def _running_resolution() -> Cond:
    return _both(
        _both(Case.is_open == True, Case.resolved_at.is_null()),  # noqa: E712
        Case.paused_since.is_null(),
    )


def _due(op: str, seconds: int, ctx: SearchContext) -> Cond:
    """Running (not paused) timers with less than ``seconds`` of business time left.

    The horizon ``now + seconds`` of business time depends on the calendar (a policy version's
    hours, or 24x7 for a severity set so), so cases are grouped by horizon: usually one, and the
    condition is then two plain ranges on the stored due instants."""
    inclusive = op in ("<=", ">")
    groups = ctx.book.due_horizons(ctx.now, seconds)  # the book holds every version
    any_within: Cond = peewee.SQL("1=0")
    for index, (horizon, pairs) in enumerate(groups.items()):
        if inclusive:
            soon = (Case.response_due <= horizon, Case.resolution_due <= horizon)
        else:
            soon = (Case.response_due < horizon, Case.resolution_due < horizon)
        within: Cond = _both(_running_response(), soon[0]) | _both(_running_resolution(), soon[1])
        if len(groups) > 1:
            members: Cond = peewee.SQL("1=0")
            for version_id, severity_value in pairs:
                members = members | _both(
                    Case.policy == version_id, Case.severity == severity_value
                )
            within = _both(members, within)
        any_within = within if index == 0 else (any_within | within)
    if op in ("<", "<="):
        return _both(any_within, _ticking())
    running: Cond = _running_response() | _running_resolution()
    return _both(_both(running, cast(Cond, ~any_within)), _ticking())


def _ticking() -> Cond:
    """Implied by a running timer, and judged on the paused cases' index: an open case that
    is not paused has no frozen time left, and a paused one whose response target runs
    stores :data:`RESPONSE_RUNNING`. Without it the search's walk of the paused cases for
    ``due:<2h`` read every paused case's row to find none (131 ms at a million cases)."""
    return Case.paused_left.is_null() | (Case.paused_left <= RESPONSE_RUNNING)


def _text(term: TextTerm, public_only: bool = False, among: Sequence[int] | None = None) -> Cond:
    """Words (as prefixes) or a phrase over summary, description and the timeline; a word that
    is a case reference also finds that case. ``among``: only these cases are asked about
    (their texts are read, not the index's every hit for the words)."""
    named = None if term.phrase else term.text.upper()  # a reference or a client code too
    if among is None and fulltext.is_postgres():  # one list there (see fulltext.matches)
        return fulltext.matches(Case.id, term.words, term.phrase, public_only, named)
    if among is None:  # SQLite builds the list once either way; as one list it took longer
        condition = fulltext.matches(Case.id, term.words, term.phrase, public_only)
    else:
        condition = _listed(fulltext.holding(among, term.words, term.phrase, public_only))
    if named is not None:
        clients = Client.select(Client.id).where(Client.code == named)
        condition = condition | (Case.ref == named) | Case.client.in_(clients)
    return condition


def filter_query(flt: CaseFilter, text: str | None = None) -> Query:
    """The query ``case list``'s flags stand for, ANDed with the query ``text`` (see
    :func:`case_filter.flags_query`)."""
    parsed = parse_query(text) if text else Query()
    return flags_query(
        flt, parsed, lambda typed: get_user(typed).login, lambda typed: get_client(typed).code
    )


def _next_due() -> Any:
    """The nearest due instant among the running timers (NULL when none runs)."""
    both = peewee.fn.MIN(Case.response_due, Case.resolution_due)
    if fulltext.is_postgres():
        both = peewee.fn.LEAST(Case.response_due, Case.resolution_due)
    return peewee.Case(
        None,
        [
            (_both(Case.first_response_at.is_null(), Case.resolved_at.is_null()), both),
            (Case.first_response_at.is_null(), Case.response_due),
            (Case.resolved_at.is_null(), Case.resolution_due),
        ],
        None,
    )


#: Sort keys whose value may be NULL (a done case has no running timer): NULLs go last. The
#: others are never NULL, and ``sort:-updated`` written ``DESC NULLS LAST`` did not match
#: the index's order on PostgreSQL, which sorted every case: 836 ms at a million cases.
_NULLABLE_SORTS = frozenset({"due"})


#: ``sort:status`` in a client's search (``client_side``): by the status the client is shown.
CLIENT_STATUS_SORT = "client_status"
_CLIENT_STATUS = peewee.Case(Case.status, list(CLIENT_STATUSES.items()), Case.status)


def _order(sort: tuple[SortKey, ...]) -> list[Any]:
    done = peewee.Case(None, [(Case.status.in_(["resolved", "closed"]), 1)], 0)
    urgency = [done, _next_due().asc(nulls="LAST"), _SEVERITY_RANK]
    if not sort:
        return [*urgency, Case.id]
    columns: dict[str, list[Any]] = {
        "due": [done, _next_due()],
        "updated": [Case.updated_at],
        "received": [Case.received_at],
        "severity": [_SEVERITY_RANK],
        "ref": [Case.id],
        "status": [Case.status],
        CLIENT_STATUS_SORT: [_CLIENT_STATUS],
        "client": [Client.code],
    }
    order: list[Any] = []
    for key in sort:
        for column in columns[key.key]:
            if isinstance(column, peewee.Ordering):
                order.append(column)
            elif key.key in _NULLABLE_SORTS:
                order.append(
                    column.desc(nulls="LAST") if key.descending else column.asc(nulls="LAST")
                )
            else:  # NULLS LAST on a column with no NULL kept PostgreSQL off its index
                order.append(column.desc() if key.descending else column.asc())
    tie = Case.id.desc() if sort[-1].descending else Case.id.asc()  # newest first with -key
    return [*order, tie]


def _rare_text_cases(node: Node | None) -> list[int] | None:
    """The cases every match is among, when the query ANDs in a rare word or phrase
    (:func:`fts_sql.rare_text_cases`, which the quick path of ``case list`` asks too)."""
    return fts_sql.rare_text_cases(
        node,
        fulltext.matching_case_ids,
        lambda code: bool(Client.select().where(Client.code == code).exists()),
        lambda ref: _ids(Case.select(Case.id).where(Case.ref == ref)),
    )


def _cases_with_every_word(node: Node | None, public_only: bool) -> list[int] | None:
    """The cases that hold every word or phrase the query ANDs in, when there are two or more
    and few cases hold them all; None otherwise (:func:`text_plans.cases_with_every_word`,
    which the quick path of ``case list`` asks too)."""
    return text_plans.cases_with_every_word(
        node,
        lambda code: bool(Client.select().where(Client.code == code).exists()),
        _exceeds,
        lambda term: fulltext.case_ids(term.words, term.phrase, public_only) | _named_case(term),
        lambda ids, term: (
            fulltext.holding(ids, term.words, term.phrase, public_only) | _named_case(term)
        ),
    )


def _exceeds(term: TextTerm, count: int, prefixes: bool) -> bool:
    """:data:`text_plans.Exceeds` over the store's connection."""
    return fulltext.hits_exceed(term.words, term.phrase, count, prefixes)


def _dated_cases(node: Node | None, ctx: SearchContext) -> list[int] | None:
    """The cases every match is among, when the query ANDs in a received or updated date range
    that holds few cases (:func:`dated_sql.dated_case_ids`); None otherwise."""
    term = dated_sql.bounding_date(node)
    if term is None:
        return None
    column = _DATE_COLUMNS[term.field]
    start, end = term.day_range(ctx.now.astimezone(ctx.book.at(ctx.now).calendar.zone).date())
    bound = [
        None if day is None else column.db_value(_day_start(day, ctx.book, ctx.now))
        for day in (start, end)
    ]
    return dated_sql.dated_case_ids(fulltext.read_rows, fulltext.is_postgres(), term.field, *bound)


def _named_case(term: TextTerm) -> set[int]:
    """The case a word names by its reference (a word is a reference too), if any."""
    if term.phrase:
        return set()
    return set(_ids(Case.select(Case.id).where(Case.ref == term.text.upper())))


def where(query: Query, ctx: SearchContext) -> Cond:
    """The whole condition of a query, scope included."""
    return _where(query, ctx)[0]


def _scope(query: Query) -> Cond:
    scopes = {
        "open": Case.status != "closed",
        "closed": Case.status == "closed",
        "all": peewee.SQL("1=1"),
    }
    return scopes[query.scope]


def _where(query: Query, ctx: SearchContext) -> tuple[Cond, bool]:
    """:func:`where`, and whether it starts from a rare word's few cases (then walking the
    open cases in urgency order would cost more than sorting those)."""
    condition = _scope(query)
    if query.where is not None:
        condition = _both(compile_node(query.where, ctx), condition)
    if ctx.among is not None:
        return _both(_listed(ctx.among), condition), True  # those cases are the few
    if query.where is None:
        return condition, False
    rare = _rare_text_cases(query.where)
    if rare is None:
        return condition, False
    # Implied by the condition: it only lets the database start from those rows.
    return _both(_listed(rare), condition), True


def _listed(case_ids: Iterable[int]) -> Cond:
    """``Case.id IN (...)`` with the ids written out (integers only), not bound: SQLite
    before 3.32 takes at most 999 parameters."""
    listed = ", ".join(str(int(case_id)) for case_id in sorted(case_ids))
    return Case.id.in_(peewee.SQL(f"({listed})")) if listed else peewee.SQL("1=0")


#: ``sort:due``: most urgent first, as with no ``sort:`` at all (``sort:-due`` and ``sort:due``
#: after another key order by the stored instants).
_DUE_FIRST = (SortKey("due", False),)


def _ids(rows: peewee.Query) -> list[int]:
    return [int(row[0]) for row in _raw(rows)]


def _raw(rows: peewee.Query) -> list[tuple[Any, ...]]:
    """A query's rows as the driver returns them: Peewee's per-row conversion (a datetime per
    due instant) cost more than the walk itself."""
    return cast(list[tuple[Any, ...]], db.execute(rows).fetchall())


def _most_urgent(
    condition: Cond,
    limit: int,
    running: bool = False,
    due_from: datetime | None = None,
    timed: bool = False,
) -> list[int]:
    """The ``limit`` first matches in urgency order without sorting every match: the open
    ones by a walk of the queue's index (:func:`_first_open`), then, when fewer are open, the
    done ones (``running``: the running open ones only, on their own index; the paused and
    the done ones are streams of their own, ``urgency.first_in_order``).

    It used to walk two streams, the (is_open, response_due) index for unanswered cases and
    the (is_open, resolution_due) one, and sort their union. The response stream passed every
    answered open case on its way: ``is:paused`` (paused cases have all been answered) took
    470 ms per page at a million cases on SQLite, whatever the page."""
    found = _first_open(condition, limit, running, due_from, timed)
    if len(found) < limit and not running:  # the running cases' done ones: their own stream
        found += _first_done(condition, limit - len(found))
    return found


def _one_clients_most_urgent(condition: Cond, limit: int) -> list[int] | None:
    """The ``limit`` most urgent open matches of one client's list (``condition`` names the
    client) without sorting every match: a walk of the queue's index would pass every other
    client's open cases (456 ms a page for a client with 3 open cases at a million cases).

    An open case's next due instant is the earlier of its running timers', so the most urgent
    ones are among the first ``limit`` by response due (unanswered cases) and the first
    ``limit`` by resolution due, each walked in order on its (client_id, is_open, due) index, ties
    at the edge included. Only those candidates get the exact urgency sort. When fewer than
    ``limit`` open cases match, the resolution stream read them all, and the done ones
    follow. None for a pile of ties (the plain query sorts them)."""
    streams = (
        (Case.response_due, _both(Case.is_open == True, Case.first_response_at.is_null())),  # noqa: E712
        (Case.resolution_due, Case.is_open == True),  # noqa: E712
    )
    candidates: set[int] = set()
    enough = False
    for due, running in streams:
        scoped = _both(condition, running)
        # Due instants as stored: compared only with each other (ties at the edge).
        first = _raw(Case.select(Case.id, due).where(scoped).order_by(due).limit(limit + 1))
        candidates.update(int(row[0]) for row in first[:limit])
        if len(first) < limit:
            continue
        enough = True
        edge = first[limit - 1][1]
        if len(first) > limit and first[limit][1] == edge:  # ties past the edge: take them all
            up_to = _both(scoped, due <= due.python_value(edge))
            candidates.update(_ids(Case.select(Case.id).where(up_to)))
    if len(candidates) > 20 * urgency.STREAMED_UP_TO:  # a pile of ties: sort them all
        return None
    ordered = Case.select(Case.id).where(_listed(candidates)).order_by(*_order(()))
    found = _ids(ordered.limit(limit))
    if not enough:  # every open match was read: the done ones follow
        found += _first_done(condition, limit - len(found))
    return found


def _first_open(
    condition: Cond,
    count: int,
    running: bool = False,
    due_from: datetime | None = None,
    timed: bool = False,
) -> list[int]:
    """The first ``count`` open cases meeting ``condition``, in urgency order (all of them,
    when fewer meet it).

    A walk of the console's own index, ``case_open_next_due``: for an open case its
    expression is the urgency instant (see :func:`queries.open_next_due`), so the walk is in
    urgency order up to ties, which are taken whole at the edge and then sorted exactly. (Two
    streams, one per due instant, passed every answered open case on the way to the
    unanswered ones: 170 ms for 1,400 of them at 100,000 open on SQLite; PostgreSQL, which
    misjudges how many cases are unanswered, scanned the table.)

    ``running``: ``condition`` leaves out the paused cases (read apart by their frozen time
    left, ``urgency.first_in_order``); the walk is then of ``case_running_next_due``, from
    ``due_from`` on when no running match falls due before it (``urgency.running_due_from``)."""
    due = queries.running_next_due() if running else queries.open_next_due()
    walk = _both(Case.is_open, condition)  # bare is_open: the index's own condition
    if running and due_from is not None:
        walk = _both(walk, cast(Any, due) >= due_from)
    first = None
    if fulltext.is_postgres():
        first = _first_walked(condition, count + 1, running, due_from, timed)
    if first is None:
        first = _raw(Case.select(Case.id, due).where(walk).order_by(due).limit(count + 1))
    found = {int(row[0]) for row in first[:count]}
    edge = first[count - 1][1] if len(first) >= count else None
    if len(first) > count and first[count][1] == edge:  # ties past the edge: take them all
        found.update(_ids(Case.select(Case.id).where(_both(walk, due == edge))))
    return _ids(Case.select(Case.id).where(_listed(found)).order_by(*_order(())).limit(count))


def _first_walked(
    condition: Cond,
    count: int,
    running: bool = False,
    due_from: datetime | None = None,
    timed: bool = False,
) -> Sequence[Sequence[Any]] | None:
    """(id, due) of the first ``count`` open cases meeting ``condition`` in due order, found
    among the first entries of the queue's index; None when too few of those meet it.

    PostgreSQL's planner misjudges how many open cases meet a condition on the due instants
    or the pause (it expected 408 open cases due within two hours where 22,589 were, at a
    million cases), and then reads every open case and sorts them instead of walking the
    index: 569 ms for ``due:<2h``. Asked for the first entries with no condition, it walks
    the index; the condition is judged on those rows, and the walk stops when enough have
    met it. When too few meet it (``assignee:me``, a few hundred among 100,000 open), the
    planner's own plan, an index on the assignee, is the better one, and the caller asks
    for it. ``timed``: the query tests the stored instants, and a probe that found some but too
    few walks on (``done_order.PROBE_LONGEST``). (SQLite's planner walks the index by itself, and
    there the entries looked at are sorted again: PostgreSQL only.)"""
    due = cast(Any, queries.running_next_due() if running else queries.open_next_due())
    meets = peewee.Case(None, [(condition, 1)], 0)
    among = _both(Case.is_open, Case.paused_left.is_null()) if running else Case.is_open
    if running and due_from is not None:  # as _first_open's walk
        among = _both(among, due >= due_from)
    entries = Case.select(Case.id, due.alias("due"), meets.alias("meets")).where(among)

    def probe(length: int) -> list[tuple[Any, ...]]:
        sql, params = entries.order_by(due).limit(length).sql()
        return _raw_sql(
            f"SELECT id, due FROM ({sql}) AS walked WHERE meets = 1 "
            f"ORDER BY due LIMIT {int(count)}",
            params,
        )

    return done_order.first_probed(probe, count, timed)


def _urgency_rows(case_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """What :func:`urgency.open_keys` ranks a window by (:data:`urgency.URGENCY_COLUMNS`)."""
    columns = [getattr(Case, name) for name in urgency.URGENCY_COLUMNS]
    return _raw(Case.select(*columns).where(Case.id.in_(list(case_ids))))


def _raw_sql(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    return cast(list[tuple[Any, ...]], db.execute_sql(sql, params).fetchall())


def _first_done(
    condition: Cond,
    count: int | None,
    severities: Collection[str] | None = None,
    walk: bool = False,
) -> list[int]:
    """The first ``count`` cases meeting ``condition`` that are done (resolved; closed too
    with ``is:all``), in urgency order: what follows the open ones (all, for None).

    ``walk``: read from the first entries of the done cases' own indexes when enough of them
    match (:func:`_done_walked`; ``severities``: those every match has, where the query
    says); else, and without ``walk``, the planner's plan, which uses the other indexes for
    a narrow condition (one client's or one assignee's closed cases) and sorts the matches.
    Only the search's done stream walks: its query names no one party (whose index the
    planner reads; on PostgreSQL a walk's every entry is a row fetched, and a small
    client's matches may lie thousands of entries apart)."""
    if walk and count is not None:
        found = _done_walked(condition, count, severities)
        if found is not None:
            listed = Case.select(Case.id).where(_listed(found)).order_by(*_order(()))
            return _ids(listed.limit(count))
    done = _both(Case.is_open == False, condition)  # noqa: E712
    return _ids(Case.select(Case.id).where(done).order_by(*_order(())).limit(count))


def _done_walked(
    condition: Cond, count: int, severities: Collection[str] | None
) -> list[int] | None:
    """:func:`wzdesk.store.done_order.first_found` over Peewee's connection: the ids of at
    least the first ``count`` done cases meeting ``condition``, or None. (SQLite's planner
    sorted all 629,000 closed cases of a million for a page under 51 rows, ``case list
    --status closed`` 2.0 s, where it walked an index in the search's order for 51 and
    more; PostgreSQL sorted them for every page, 0.3 s.)"""
    meets = peewee.Case(None, [(condition, 1)], 0)

    def read(where: str, order: str, length: int) -> list[tuple[Any, ...]]:
        walk = Case.select(Case.id, meets).where(peewee.SQL(where))
        return _raw(walk.order_by(peewee.SQL(order)).limit(length))

    return done_order.first_found(read, count, severities, fulltext.is_postgres())


def _urgent_with_text(
    query: Query, ctx: SearchContext, condition: Cond, limit: int
) -> list[int] | None:
    """The ``limit`` most urgent matches of a query that ANDs in common words (or more), found
    by walking the open cases that meet the rest of the query in urgency order
    (:func:`_first_open`) and asking only those whether they hold the words
    (:func:`fulltext.holding`): :func:`text_plans.urgent_with_text`, which the quick path of
    ``case list`` asks too. ``condition``: the whole query's, already compiled (the done
    cases are read by it). None: the caller takes the plain plan."""
    words = text_plans.top_words(query.where)
    if not words:
        return None
    assert query.where is not None  # it holds the words
    items = query.where.items if isinstance(query.where, And) else (query.where,)
    rest = _all_of(
        [_scope(query), *(compile_node(i, ctx) for i in items if not isinstance(i, TextTerm))]
    )

    def held(fresh: list[int]) -> set[int]:
        holding = _listed(fresh)
        for term in words:
            holding = _both(holding, _text(term, ctx.public_only, among=fresh))
        return set(_ids(Case.select(Case.id).where(holding)))

    return text_plans.urgent_with_text(
        words,
        limit,
        lambda count: _first_open(rest, count),
        held,
        lambda count: _first_done(condition, count),
        _exceeds,
        fulltext.texts_estimate,
    )


def _joined() -> peewee.ModelSelect[Case]:
    return (
        Case.select(Case, Client, Contact, User)
        .join(Client, on=(Case.client == Client.id))
        .switch(Case)
        .join(Contact, on=(Case.contact == Contact.id))
        .switch(Case)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
    )


def search_ids(
    query: Query | str,
    ctx: SearchContext,
    limit: int | None = None,
    *,
    offset: int = 0,
    within: Cond | None = None,
    ordered: bool = True,
) -> list[int]:
    """The ids of the matching cases, in the query's order: filtered, ordered and limited on
    the case table alone (the client is joined only to sort by it).

    ``offset``: rows skipped first (a page past the first); ``within``: a condition every
    match must also meet (one client's cases, for the client API); ``ordered``: False when
    only which cases match counts (the console's filter box), not their order.

    Most urgent first (the default order) is the queue's order: SQL reads its windows by
    stored due instants, and :func:`urgency.first_in_order` ranks them as the console does
    (a paused case by the time it has left, not by its stored instant)."""
    check_limit(limit)
    parsed = parse_query(query) if isinstance(query, str) else query
    condition, few = _where(parsed, ctx)
    if within is not None:
        condition = _both(condition, within)
    if not ordered or parsed.sort not in ((), _DUE_FIRST):
        return _sorted_ids(condition, parsed.sort, limit, offset)
    if not few:
        dated = _dated_cases(parsed.where, ctx)
        if dated is not None:  # implied by the condition: the database starts from those rows
            condition, few = _both(_listed(dated), condition), True

    # Free text at the top level: the walk, then the cases with every word (text_plans).
    words = text_plans.WordsFirst(
        lambda count: _urgent_with_text(parsed, ctx, condition, count),
        lambda: _cases_with_every_word(parsed.where, ctx.public_only),
        lambda met, count: _sorted_ids(_both(_listed(met), condition), (), count, 0),
    )
    # The paused cases are read apart, least time left first (see urgency.first_in_order);
    # not with free text (the text plans walk one stream) nor in one client's list (its own
    # indexes, which the paused stream would not use).
    paused: urgency.PausedStream | None = None
    done: urgency.DoneStream | None = None
    streams = Streams(parsed.where)
    in_streams = within is None and not few and not holds_text(parsed.where)
    if in_streams:
        whole = condition
        # Open cases only (the done ones are a stream of their own): the walks add is_open
        # themselves, the sort below does here. (Twice in one query, PostgreSQL counted its
        # selectivity twice and sorted every open case instead of walking the index: 240 ms
        # for sev:critical at a million cases.)
        condition = _both(condition, Case.paused_left.is_null())

        def paused(count: int | None) -> list[tuple[int, float]]:
            if streams.none_paused or streams.only_done:
                return []
            return _paused_first(whole, count, streams.ticking)

        def done(count: int | None) -> list[int]:
            if streams.only_paused:
                return []
            return _first_done(whole, count, streams.severities, streams.walk_done)

    def first(count: int | None) -> list[int]:
        """At least the first ``count`` matches in SQL's urgency order (stored instants)."""
        if in_streams and (streams.only_paused or streams.only_done):
            return []  # every match is in the paused cases' stream, or the done ones
        streamable = count is not None and count <= urgency.STREAMED_UP_TO and not few
        # A longer window costs the index walks below little, while each round may cost the
        # same whatever its length (a free-text condition, or a plan PostgreSQL misjudges:
        # is:paused scanned every open case): read enough for one round.
        more = None if count is None else min(4 * count, urgency.STREAMED_UP_TO)
        if streamable and within is not None:  # one client's list keeps its own indexes
            assert more is not None
            streamed = _one_clients_most_urgent(condition, more)
            if streamed is not None:
                return streamed
        found = words.first(count, streamable and within is None)
        if found is not None:
            return found
        if streamable and within is None:
            assert more is not None
            # Nothing running that matches is due before due_from: the walk starts there.
            due_from = urgency.running_due_from(parsed.where, ctx.now, ctx.book)
            return _most_urgent(
                condition, more, running=in_streams, due_from=due_from, timed=streams.timed
            )
        return _sorted_ids(
            _both(Case.is_open, condition) if in_streams else condition, (), count, 0
        )

    wanted = None if limit is None else offset + limit
    ranked = urgency.first_in_order(first, wanted, ctx.book, ctx.now, _urgency_rows, paused, done)
    return ranked[offset:]


def _paused_first(
    condition: Cond, count: int | None, ticking: bool = False
) -> list[tuple[int, float]]:
    """(id, stored time left) of the first ``count`` paused open matches, least left first:
    a walk of the index ``case_paused_left`` (on PostgreSQL, :func:`_paused_walked` first).
    ``ticking``: every match's timer runs (:func:`~wzdesk.core.query.requires_ticking`), so
    only the stream's first values can match: a range of the index, not all of it."""
    stream = _paused_stream(ticking)
    if count is not None and fulltext.is_postgres():
        walked = _paused_walked(condition, count, stream)
        if walked is not None:
            return walked
    held = _both(stream, condition)  # the index's own condition (and its range)
    rows = Case.select(Case.id, Case.paused_left).where(held).order_by(Case.paused_left)
    if count is not None:
        rows = rows.limit(count)
    return [(int(case_id), float(left)) for case_id, left in _raw(rows)]


def _paused_stream(ticking: bool) -> Cond:
    """The paused cases' index's condition, or, when only running timers match, its range
    of them (``paused_left <= RESPONSE_RUNNING`` implies it is not NULL)."""
    if ticking:
        return Case.paused_left <= RESPONSE_RUNNING
    return Case.paused_left.is_null(False)


def _paused_walked(
    condition: Cond, count: int, stream: Cond | None = None
) -> list[tuple[int, float]] | None:
    """PostgreSQL: the first ``count`` paused open cases meeting ``condition`` found among
    the first ``done_order.PROBE_MOST`` entries of ``case_paused_left``, judged on those rows as
    :func:`_first_walked` judges the running ones; None when too few of them meet it. The
    planner misjudges the paused cases at risk (6 expected, 6,900 there at a million cases)
    and gathered every paused case through two bitmaps to sort them (150 ms); the walk passes
    the 1,900 that paused already breached and stops at the page."""
    meets = peewee.Case(None, [(condition, 1)], 0)
    entries = Case.select(Case.id, Case.paused_left.alias("frozen"), meets.alias("meets"))
    paused = entries.where(_paused_stream(False) if stream is None else stream)
    paused = paused.order_by(Case.paused_left)
    sql, params = paused.limit(done_order.PROBE_MOST).sql()
    rows = _raw_sql(
        f"SELECT id, frozen FROM ({sql}) AS walked WHERE meets = 1 "
        f"ORDER BY frozen LIMIT {int(count)}",
        params,
    )
    if len(rows) < count:
        return None
    return [(int(case_id), float(left)) for case_id, left in rows]


def queue_matches(
    query: Query | str, ctx: SearchContext, among: Iterable[int] | None = None
) -> list[int]:
    """The open cases a query selects, in no order: what the console's filter box keeps of the
    queue (which holds the open cases only); ``among``: of those cases only."""
    within: Cond = Case.is_open == True  # noqa: E712
    if among is not None:
        listed = sorted(among)
        ctx = SearchContext(ctx.now, ctx.me, ctx.book, ctx.public_only, listed)
    return search_ids(query, ctx, ordered=False, within=within)


def queue_count(query: Query | str, ctx: SearchContext) -> int:
    """How many open cases a query selects: what the console's queue lists for it."""
    return count_cases(query, ctx, within=Case.is_open == True)  # noqa: E712


#: Fields whose match a case's own row decides (a client's code and a user's login do not
#: change; a contact's name and email do, without touching the case).
_CASE_FIELDS = frozenset(
    {"severity", "status", "channel", "category", "ref", "client", "assignee", "tag"}
)


def case_only(query: Query) -> bool:
    """Whether a case's match depends on nothing but its own row and timeline: then a case
    that did not change cannot have started or stopped matching, and re-reading the changed
    ones is the whole update. Due instants, SLA states and relative dates move with the
    clock; a contact's name or email changes without the case."""

    def only(node: Node) -> bool:
        match node:
            case And(items) | Or(items):
                return all(only(item) for item in items)
            case Not(item):
                return only(item)
            case FieldTerm(field, _):
                return field in _CASE_FIELDS
            case TextTerm():
                return True
        return False

    return query.where is None or only(query.where)


def _sorted_ids(
    condition: Cond, sort: tuple[SortKey, ...], limit: int | None, offset: int
) -> list[int]:
    """The plain plan: every match sorted by SQL, then the page."""
    selected = Case.select(Case.id)
    if any(key.key == "client" for key in sort):
        selected = selected.join(Client, on=(Case.client == Client.id))
    selected = selected.where(condition).order_by(*_order(sort))
    if limit is not None:
        selected = selected.limit(limit)
    if offset:
        selected = selected.offset(offset)
    return [int(row[0]) for row in cast(Iterable[tuple[Any, ...]], selected.tuples())]


def search_cases(query: Query | str, ctx: SearchContext, limit: int | None = None) -> list[Case]:
    """Cases matching ``query``, in its order (most urgent first by default), at most ``limit``,
    with client, contact and assignee: the ids first, then only those rows joined."""
    ids = search_ids(query, ctx, limit)
    found: dict[int, Case] = {}
    for start in range(0, len(ids), 500):  # within any backend's parameter limit
        chunk = ids[start : start + 500]
        for case in _joined().where(Case.id.in_(chunk)):
            found[case.id] = case
    return [found[i] for i in ids if i in found]


def count_cases(query: Query | str, ctx: SearchContext, within: Cond | None = None) -> int:
    """How many cases match (``wzdesk view list``'s count); ``within``: as for
    :func:`search_ids`."""
    return int(Case.select().where(count_condition(query, ctx, within)).count())


def count_condition(query: Query | str, ctx: SearchContext, within: Cond | None = None) -> Cond:
    """What :func:`count_cases` asks: behind ``is_open`` when every match is open
    (``core.query.requires_open``), so that the count reads the open cases' part of the
    ``case_view_count`` index."""
    parsed = parse_query(query) if isinstance(query, str) else query
    condition = where(parsed, ctx)
    if within is None and requires_open(parsed.where):
        within = Case.is_open == True  # noqa: E712
    return condition if within is None else _both(within, condition)
