"""The few cases a received or updated date range holds, read along the date's index: a plan
both search paths share (the engine, :mod:`wzdesk.services.search`, and the quick read-only
path of ``case list``, :mod:`wzdesk.services.quick_case_reads`), as plain SQL over any
connection (``rows``: ``(sql, params) -> rows``, ``?`` marks; PostgreSQL's reader rewrites them).

Cases updated or received lately are seldom the most urgent (a case just answered has its next
target far off), so the search's walk of the open cases in urgency order passed most of them to
fill a page of ``updated:today``: 115-229 ms on SQLite at a million cases, 4,674 of them
updated that day. Read by date, those cases cost what they are, and SQL sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wzdesk.core.query import And, DateTerm, Node

Rows = Callable[[str, Sequence[Any]], Sequence[Sequence[Any]]]

#: A date range holding at most this many cases bounds the query; beyond, the walk is the
#: better plan (a page of ``updated:last-7d``, 65,000 cases at a million, is found at once
#: among the most urgent).
DATED_MOST = 5_000
#: PostgreSQL: a range the planner expects to hold more than this many cases is not read at
#: all (a scan that stops at the limit read 5,000 rows of a recent week from the heap, 73 ms).
_EXPECTED_MOST = 2 * DATED_MOST
#: The date fields whose column leads an index of its own (``case_received_at_id``,
#: ``case_updated_at``).
INDEXED = {"received": "received_at", "updated": "updated_at"}


def bounding_date(node: Node | None) -> DateTerm | None:
    """The first received or updated date term the query ANDs in (every match meets it)."""
    items = node.items if isinstance(node, And) else (node,)
    for item in items:
        if isinstance(item, DateTerm) and item.field in INDEXED:
            return item
    return None


def dated_case_ids(
    rows: Rows, postgres: bool, field: str, start: Any | None, end: Any | None
) -> list[int] | None:
    """The ids of the cases whose ``field`` date falls in [``start``, ``end``) (bound values,
    as the reader binds instants; None for an open end), when there are at most
    :data:`DATED_MOST`; None for more. Read in the column's order, so that both backends walk
    its index and stop after the cap."""
    column = INDEXED[field]
    conditions, params = [f"{column} IS NOT NULL"], []
    if start is not None:
        conditions.append(f"{column} >= ?")
        params.append(start)
    if end is not None:
        conditions.append(f"{column} < ?")
        params.append(end)
    select = f'SELECT id FROM "case" WHERE {" AND ".join(conditions)}'
    if postgres:
        plan = rows(f"EXPLAIN (FORMAT JSON) {select}", params)[0][0]
        if int(plan[0]["Plan"]["Plan Rows"]) > _EXPECTED_MOST:
            return None
    found = rows(f"{select} ORDER BY {column} LIMIT {DATED_MOST + 1}", params)
    return [int(row[0]) for row in found] if len(found) <= DATED_MOST else None
