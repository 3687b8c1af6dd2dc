"""A query of the query language (:mod:`wzdesk.core.query`) as SQL text in SQLite's spelling
(the quick reader rewrites the few words PostgreSQL spells otherwise), for the quick read-only
path of ``case list`` (issue 13). Instants are bound as ``Terms.at`` binds them.

The search engine (:mod:`wzdesk.services.search`) compiles the same tree into Peewee
expressions; importing Peewee costs more than a filtered page. Each function here writes the
very condition or order the engine's function of the same name builds (the column tests of
:mod:`wzdesk.store.queries` included), so that both paths select and rank the same cases:
``tests/services/test_quick_query.py`` compares them over random queries and instants.

Free text is written only when the caller asks (``Terms.free_text``; ``view list``'s counts
do not): otherwise :class:`NoQuickForm` is raised, and the caller leaves the query to the
ordinary path. :func:`rest` and :func:`held_text` are what the engine's walk for common words
asks (:mod:`wzdesk.store.text_plans`).
Columns are named bare: every statement reads the case table alone (the client's code, for
``sort:client``, is a subquery).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

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
    TextTerm,
    deepest_first,
    requires_open,
)
from wzdesk.core.sla import Severity
from wzdesk.store import fts_sql, pg_text_sql
from wzdesk.store.quick_read import listed_ids
from wzdesk.store.stored_values import instant_to_sqlite

#: SQL text and its parameters.
Where = tuple[str, tuple[Any, ...]]
#: For ``due:``: the business-time horizons ``seconds`` from now, each with the (policy
#: version id, severity) pairs whose calendar reaches it (``search._due``'s groups).
Horizons = Callable[[int], Mapping[datetime, Sequence[tuple[int, str]]]]


class NoQuickForm(Exception):
    """The query holds a term this module was not asked to write (free text)."""


class Terms:
    """What a query is judged against (``search.SearchContext``, less the policy book): the
    instant, the acting login (``assignee:me``), the support zone in force (dates) and the
    due-horizon groups (``due:``); ``free_text``: whether to write free text too."""

    def __init__(
        self,
        now: datetime,
        me: str | None,
        zone: ZoneInfo,
        horizons: Horizons,
        free_text: bool = False,
        bind: Callable[[datetime], Any] = instant_to_sqlite,
        postgres: bool = False,
    ) -> None:
        self.now = now
        self.me = me
        self.zone = zone
        self.horizons = horizons
        self.free_text = free_text
        #: Free text as PostgreSQL's indexes read it (:mod:`pg_text_sql`), else SQLite's FTS5.
        self.postgres = postgres
        #: An instant as a statement binds it (``QuickReader.instant``; SQLite's text).
        self.at = bind


def _both(a: str, b: str) -> str:
    return f"({a} AND {b})"


def _either(a: str, b: str) -> str:
    return f"({a} OR {b})"


def _all_of(parts: Sequence[str], glue: str = " AND ") -> str:
    """``search._all_of``: ``(a AND b AND c)``, flat."""
    return parts[0] if len(parts) == 1 else "(" + glue.join(parts) + ")"


#: ``search._scope``.
_SCOPES = {"open": "status != 'closed'", "closed": "status = 'closed'", "all": "1=1"}


def where(query: Query, terms: Terms) -> Where:
    """The whole condition of a query, scope included (``search.where``, without the rare-word
    shortcut, which only lets the database start from fewer rows)."""
    params: list[Any] = []
    condition = _SCOPES[query.scope]
    if query.where is not None:
        condition = _both(compile_node(query.where, terms, params), condition)
    return condition, tuple(params)


def rest(query: Query, terms: Terms) -> Where:
    """The scope and the terms the query ANDs in, its free text left out: the open cases the
    engine's walk for common words passes (``search._urgent_with_text``'s ``rest``)."""
    items = query.where.items if isinstance(query.where, And) else (query.where,)
    params: list[Any] = []
    others = [compile_node(i, terms, params) for i in items if not isinstance(i, TextTerm | None)]
    return _all_of([_SCOPES[query.scope], *others]), tuple(params)


def held_text(term: TextTerm, held: Sequence[int], params: list[Any]) -> str:
    """``search._text`` asked of a few cases (``among``): those of them whose texts hold the
    words, ``held`` (``text_sql.holding``); a word also finds the case it names and its
    client's cases."""
    return _named_too(term, f"(id IN {listed_ids(held)})" if held else "1=0", params)


def counted(query: Query, terms: Terms) -> Where:
    """What a count of the query's matches asks (``search.count_cases``): :func:`where`,
    behind ``is_open = 1`` when every match is open (``core.query.requires_open``)."""
    condition, params = where(query, terms)
    if requires_open(query.where):
        condition = _both("(is_open = 1)", condition)
    return condition, params


def compile_node(node: Node, terms: Terms, params: list[Any]) -> str:
    """``search.compile_node``: a condition that is never NULL where the engine's is not."""
    match node:
        case And(items):  # flat, as the engine's (nested, SQLite's parser overflowed)
            return _all_of([compile_node(item, terms, params) for item in deepest_first(items)])
        case Or(items):
            parts = [compile_node(item, terms, params) for item in deepest_first(items)]
            return _all_of(parts, " OR ")
        case Not(Not(item)):  # as the engine's: the two NOTs cancel
            return compile_node(item, terms, params)
        case Not(item):
            return f"NOT {compile_node(item, terms, params)}"
        case FieldTerm(field, value):
            return _field(field, value, terms, params)
        case DateTerm():
            return _date(node, terms, params)
        case SlaTerm(kind):
            return _sla(kind, terms, params)
        case DueTerm(op, seconds):
            return _due(op, seconds, terms, params)
        case TextTerm() if terms.free_text and terms.postgres:
            return _pg_text(node, params)
        case TextTerm() if terms.free_text:
            return _text(node, params)
    raise NoQuickForm(node)


def _text(term: TextTerm, params: list[Any]) -> str:
    """``search._text`` on SQLite: the cases whose text holds the words (as prefixes) or the
    phrase; a word also finds the case it names and its client's cases."""
    fts = fts_sql.fts_query(term.words, term.phrase)
    params.extend([fts, fts])
    return _named_too(term, f"(id IN ({fts_sql.HITS}))", params)


def _named_too(term: TextTerm, condition: str, params: list[Any]) -> str:
    """``condition``, or, for a word (not a phrase), the case it names and its client's cases."""
    if term.phrase:
        return condition
    named = term.text.upper()
    params.extend([named, named])
    return f"(({condition} OR (ref = ?)) OR (client_id IN (SELECT id FROM client WHERE code = ?)))"


def _pg_text(term: TextTerm, params: list[Any]) -> str:
    """``search._text`` on PostgreSQL (``fulltext.matches``): one list of the cases whose text
    holds the words (as prefixes) or the phrase, and of the case and client a word names."""
    hits = pg_text_sql.hits(term.words, term.phrase) if term.words else None
    found = pg_text_sql.one_list(hits, None if term.phrase else term.text.upper())
    if found is None:
        return "1=0"
    params.extend(found[1])
    return f"(id IN ({found[0]}))"


def _field(field: str, value: str, terms: Terms, params: list[Any]) -> str:
    if field in ("severity", "status", "channel", "category", "ref"):
        params.append(value)
        return f"({field} = ?)"
    if field == "client":
        params.append(value)
        return "(client_id IN (SELECT id FROM client WHERE (code = ?)))"
    if field == "contact":
        params.extend((value, value))
        return "(contact_id IN (SELECT id FROM contact WHERE ((email = ?) OR (LOWER(name) = ?))))"
    if field == "assignee":
        if value == "none":
            return "(assignee_id IS NULL)"
        login = (terms.me or "") if value == "me" else value
        params.append(login.lower())
        return _both(
            "(assignee_id IS NOT NULL)",
            '(assignee_id IN (SELECT id FROM "user" WHERE (LOWER(login) = ?)))',
        )
    if field == "tag":  # tags are stored sorted, lower case, comma-separated
        params.append(f",{value},")
        return "(INSTR(',' || tags || ',', ?) > 0)"
    raise AssertionError(field)  # pragma: no cover


_DATE_COLUMNS = {
    "received": "received_at",
    "updated": "updated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The instant a support-zone day starts."""
    return datetime.combine(day, time(0), zone)


def _date(term: DateTerm, terms: Terms, params: list[Any]) -> str:
    column = _DATE_COLUMNS[term.field]
    start, end = term.day_range(terms.now.astimezone(terms.zone).date())
    condition = f"({column} IS NOT NULL)"
    if start is not None:
        params.append(terms.at(day_start(start, terms.zone)))
        condition = _both(condition, f"({column} >= ?)")
    if end is not None:
        params.append(terms.at(day_start(end, terms.zone)))
        condition = _both(condition, f"({column} < ?)")
    return condition


#: ``queries.response_late()``: answered, after the response due instant.
_RESPONSE_LATE = "((first_response_at IS NOT NULL) AND (first_response_at > response_due))"


def _response_breached(terms: Terms, params: list[Any]) -> str:
    """``queries.response_breached``."""
    params.append(terms.at(terms.now))
    return "((response_due < ?) AND (first_response_at IS NULL))"


def _resolution_breached(terms: Terms, params: list[Any]) -> str:
    """``queries.resolution_breached``."""
    params.append(terms.at(terms.now))
    return "((resolution_due < ?) AND ((paused_since IS NULL) OR (paused_since > resolution_due)))"


def _sla(kind: str, terms: Terms, params: list[Any]) -> str:
    match kind:
        case "breached_response":
            return _both("(is_open = 1)", _response_breached(terms, params))
        case "breached_resolution":
            return _both("(is_open = 1)", _resolution_breached(terms, params))
        case "breached_any":  # queries.breached
            response = _response_breached(terms, params)
            return _both("is_open", _either(response, _resolution_breached(terms, params)))
        case "at_risk":  # queries.at_risk
            params.append(terms.at(terms.now))
            response = "((first_response_at IS NULL) AND (response_at_risk_at <= ?))"
            params.append(terms.at(terms.now))
            resolution = (
                "((resolution_at_risk_at <= ?) AND "
                "((paused_since IS NULL) OR (paused_since >= resolution_at_risk_at)))"
            )
            overdue = _either(
                _response_breached(terms, params), _resolution_breached(terms, params)
            )
            at_risk = _both(_both("is_open", _either(response, resolution)), f"NOT {overdue}")
            params += [RESPONSE_RUNNING, terms.at(terms.now)]  # queries._frozen_in_time
            frozen = (
                "((((paused_left IS NULL) OR (paused_left >= 0)) OR (paused_left <= ?)) "
                "OR (paused_since > ?))"
            )
            return _both(at_risk, frozen)
        case "paused":
            return _both("(is_open = 1)", "(paused_since IS NOT NULL)")
        case "late":
            resolution_late = _both("(resolved_at IS NOT NULL)", "(resolved_at > resolution_due)")
            return _either(_RESPONSE_LATE, resolution_late)
    raise AssertionError(kind)  # pragma: no cover


_RUNNING_RESPONSE = "((is_open = 1) AND (first_response_at IS NULL))"
_RUNNING_RESOLUTION = "(((is_open = 1) AND (resolved_at IS NULL)) AND (paused_since IS NULL))"


def _due(op: str, seconds: int, terms: Terms, params: list[Any]) -> str:
    """``search._due``: running (not paused) timers with less than ``seconds`` of business
    time left, grouped by horizon."""
    inclusive = op in ("<=", ">")
    compare = "<=" if inclusive else "<"
    groups = terms.horizons(seconds)
    any_within = "1=0"
    for index, (horizon, pairs) in enumerate(groups.items()):
        within = _either(
            _both(_RUNNING_RESPONSE, f"(response_due {compare} ?)"),
            _both(_RUNNING_RESOLUTION, f"(resolution_due {compare} ?)"),
        )
        within_params: list[Any] = [terms.at(horizon), terms.at(horizon)]
        if len(groups) > 1:
            members = "1=0"
            member_params: list[Any] = []
            for version_id, severity in pairs:
                members = _either(members, "((policy_id = ?) AND (severity = ?))")
                member_params += [version_id, severity]
            within = _both(members, within)
            within_params = member_params + within_params
        params.extend(within_params)
        any_within = within if index == 0 else _either(any_within, within)
    params.append(RESPONSE_RUNNING)
    if op in ("<", "<="):
        return _both(any_within, _TICKING)
    running = _either(_RUNNING_RESPONSE, _RUNNING_RESOLUTION)
    return _both(_both(running, f"NOT {any_within}"), _TICKING)


#: ``search._TICKING``: a case with a running timer has no frozen time left (judged on the
#: paused cases' index, so the search's walk of them skips their rows for ``due:``).
_TICKING = "((paused_left IS NULL) OR (paused_left <= ?))"


#: The nearest due instant among the running timers, NULL when none runs (``search._next_due``).
NEXT_DUE = (
    "(CASE WHEN (first_response_at IS NULL AND resolved_at IS NULL) "
    "THEN MIN(response_due, resolution_due) "
    "WHEN first_response_at IS NULL THEN response_due "
    "WHEN resolved_at IS NULL THEN resolution_due ELSE NULL END)"
)

SEVERITY_RANK = (
    "(CASE severity "
    + " ".join(f"WHEN '{severity.value}' THEN {severity.rank}" for severity in Severity)
    + " ELSE 9 END)"
)

_DONE = "(CASE WHEN status IN ('resolved', 'closed') THEN 1 ELSE 0 END)"

#: Most urgent first (``search._order(())``): open before done, the nearest running due
#: instant (none last: written out, as Peewee does where SQLite predates ``NULLS LAST``), the
#: severity, the reference.
URGENCY_ORDER = (
    f"{_DONE}, (CASE WHEN {NEXT_DUE} IS NULL THEN 1 ELSE 0 END), {NEXT_DUE}, {SEVERITY_RANK}, id"
)

_SORT_COLUMNS = {
    "due": (_DONE, NEXT_DUE),
    "updated": ("updated_at",),
    "received": ("received_at",),
    "severity": (SEVERITY_RANK,),
    "ref": ("id",),
    "status": ("status",),
    "client": ("(SELECT code FROM client WHERE client.id = client_id)",),
}


def order(sort: tuple[SortKey, ...]) -> str:
    """``search._order``: the ORDER BY list of a query's ``sort:`` keys (most urgent first
    with none), the reference breaking ties (newest first when the last key descends)."""
    if not sort:
        return URGENCY_ORDER
    terms: list[str] = []
    for key in sort:
        direction = "DESC" if key.descending else "ASC"
        nulls = " NULLS LAST" if key.key == "due" else ""  # search._NULLABLE_SORTS
        terms += [f"{column} {direction}{nulls}" for column in _SORT_COLUMNS[key.key]]
    tie = "id DESC" if sort[-1].descending else "id ASC"
    return ", ".join([*terms, tie])
