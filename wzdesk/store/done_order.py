"""The done cases in the search's order, as two indexes of their own hold them.

Most urgent first, a resolved or closed case comes after every open one, ordered by its next
due instant (a done case that was never answered, or closed unresolved, still has one; NULLs
last), then by severity, then by id (``search._order``). A list of done cases alone (``case
list --status closed``) sorted every match for its first page: at a million cases 629,000
closed cases, 2.0 s on SQLite and 0.3 s on PostgreSQL.

Two partial indexes (migration ``_done_order_index``) hold the done cases in that order:
``case_done_timed`` those with a target still running (few: both due instants are never NULL,
so these are exactly the ones with a next due instant), by that instant, severity and id;
``case_done_rank`` the others, which come after them, by severity and id. The search reads the
first entries of each in turn (``search._done_walked``, ``quick_cases.first_done``); a query
of one severity starts the second walk at its rank, past the cases of the severities before.

The expressions are written here once, as SQL text with the values in it: SQLite and
PostgreSQL match an index's expressions and conditions structurally, and a bound parameter
matches no value written in an index. Peewee-free, for the quick path. Changing them needs a
migration that builds the indexes again.

The lengths of those walks are here too, with :func:`first_probed`, the probe of the running
cases' first entries on PostgreSQL, which the search and the quick path share.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

#: ``search._SEVERITY_RANK`` with its values written in (the order of ``core.sla.Severity``).
RANKS = {"critical": 0, "major": 1, "moderate": 2, "minor": 3}
SEVERITY_RANK = (
    "(CASE severity "
    + " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in RANKS.items())
    + " ELSE 9 END)"
)

#: The done cases with a target still running (``is_open`` is false exactly for resolved and
#: closed cases), and the others. Queries repeat these word for word.
TIMED = "(NOT is_open) AND ((first_response_at IS NULL) OR (resolved_at IS NULL))"
MET = "(NOT is_open) AND (first_response_at IS NOT NULL) AND (resolved_at IS NOT NULL)"

TIMED_INDEX = "case_done_timed"
MET_INDEX = "case_done_rank"


def next_due(postgres: bool) -> str:
    """``search._next_due``: the nearest due instant among the timers still running."""
    least = "LEAST" if postgres else "MIN"
    return (
        "(CASE WHEN ((first_response_at IS NULL) AND (resolved_at IS NULL)) "
        f"THEN {least}(response_due, resolution_due) "
        "WHEN (first_response_at IS NULL) THEN response_due "
        "WHEN (resolved_at IS NULL) THEN resolution_due END)"
    )


def timed_order(postgres: bool) -> str:
    """The ORDER BY of a walk of ``case_done_timed``: its own columns."""
    return f"{next_due(postgres)}, {SEVERITY_RANK}, id"


#: The ORDER BY of a walk of ``case_done_rank``.
MET_ORDER = f"{SEVERITY_RANK}, id"


def ranks_between(severities: Collection[str] | None) -> str:
    """A condition on the rank for a walk of ``case_done_rank`` among ``severities`` only
    (None or empty: every severity): a range of the index's first column."""
    ranks = sorted(RANKS[name] for name in severities or () if name in RANKS)
    if not ranks:
        return "1=1"
    return f"({SEVERITY_RANK} BETWEEN {ranks[0]} AND {ranks[-1]})"


def index_statements(postgres: bool) -> list[str]:
    """The statements that build the two indexes (migration ``_done_order_index``)."""
    return [
        f'CREATE INDEX IF NOT EXISTS "{TIMED_INDEX}" ON "case" '
        f"({next_due(postgres)}, {SEVERITY_RANK}, id) WHERE {TIMED}",
        f'CREATE INDEX IF NOT EXISTS "{MET_INDEX}" ON "case" ({SEVERITY_RANK}, id) WHERE {MET}',
    ]


#: A walk reads at most this many entries per case it wants, and at most :data:`PROBE_MOST`
#: of each index (as ``search._first_walked`` reads the running cases': asked for 42,520 of
#: 100,000 open cases, PostgreSQL scanned the table and sorted them).
PROBE_PER_MATCH = 20
PROBE_MOST = 5000
#: ... and, when the running cases' first probe found some matches but too few and the query
#: tests the stored instants (``timed``: a top-level ``due:``, ``at-risk``, ``breached:`` or a
#: date, which the planner misjudges: ``core.query.judges_instants``), once more, twice as
#: far as their share says the wanted ones lie, up to this many entries. The walk stops at
#: the last match it wants. The first entries are the most overdue, where some matches are
#: rarer than further on: 47 critical cases due within four hours among the first 4,100 at a
#: million cases, 3,251 among 20,000. Past about 30,000 entries PostgreSQL sorts the running
#: cases instead (and, from an at-risk query's start at now, sooner: at 20,000 ``at-risk
#: client:TML`` took 184 ms, at the share's 8,700 entries 33 ms). Other queries keep the
#: planner's plan: for ``sev:minor client:TML`` its walk of the client's open cases (52 ms)
#: beat 9,000 entries of the running cases (115 ms).
PROBE_LONGEST = 20_000

#: ``probe(length)``: the matches among the first ``length`` entries of a walk, in its order.
Probe = Callable[[int], Sequence[Sequence[Any]]]


def first_probed(probe: Probe, count: int, timed: bool) -> Sequence[Sequence[Any]] | None:
    """The first ``count`` matches of the running cases' walk on PostgreSQL, found among its
    first entries (``search._first_walked``, ``quick_cases.first_open``); None when too few
    of those match (the caller then takes the planner's plan)."""
    length = min(PROBE_PER_MATCH * count, PROBE_MOST)
    rows = probe(length)
    if timed and 0 < len(rows) < count:
        # A share of the entries met it (majors among the overdue: 189 of the first 4,100
        # for ``due:<8h sev:major`` at a million cases, and the planner's plan read every
        # open case, 207-234 ms): walk on, when that share says it is worth it.
        further = 2 * length * count // len(rows)
        if further <= 2 * PROBE_LONGEST:
            rows = probe(min(further, PROBE_LONGEST))
    return rows if len(rows) >= count else None


#: ``read(where, order, length)``: (id, 1 when it meets the query's condition else 0) of the
#: first ``length`` cases meeting ``where`` in ``order``.
Reader = Callable[[str, str, int], Sequence[Sequence[Any]]]


def first_found(
    read: Reader, count: int, severities: Collection[str] | None, postgres: bool
) -> list[int] | None:
    """The ids of the first ``count`` done cases meeting a condition, or more (every match
    among the entries read: the caller sorts them and keeps ``count``); None when too few
    match among the entries read and the indexes hold more, or when ``count`` is more than a
    walk reads (the planner's plan then, which uses the other indexes for a narrow condition,
    one assignee's closed cases, and sorts its matches).

    The timed cases first, then the others, from their rank among ``severities`` on. Each
    walk's rows are judged here, not ordered by the query that reads them: the matches among
    an index's first entries are its first matches, whatever order they come back in.

    On PostgreSQL only while a walk may read :data:`PROBE_PER_MATCH` entries per case
    wanted (pages up to 250): each entry read is a row fetched from the table, and at a
    million cases 5,000 moderate cases' rows took 356 ms to read, for a page of 1,200 of
    them the planner found in 110 ms. SQLite reads its rows by id in a few microseconds (5,000
    entries: 11 ms), and its planner's sort of every match cost seconds."""
    if count > PROBE_MOST or (postgres and PROBE_PER_MATCH * count > PROBE_MOST):
        return None
    length = min(PROBE_PER_MATCH * count, PROBE_MOST)
    found: list[int] = []
    walks = (
        (TIMED, timed_order(postgres)),
        (f"{MET} AND {ranks_between(severities)}", MET_ORDER),
    )
    for where, order in walks:
        rows = read(where, order, length)
        found += [int(case_id) for case_id, met in rows if met == 1]
        if len(found) >= count:
            return found
        if len(rows) >= length:  # too few among the entries read, and more past them
            return None
    return found  # every done case read
