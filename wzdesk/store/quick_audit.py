"""``wzdesk audit`` in plain SQL, over the quick read-only connection (issue 13: scripts
start fast without Peewee).

The statement is the one :func:`wzdesk.services.reports.audit_entries` makes through the
models: the same conditions (instants bound as the database keeps them), newest
first, ties by id. ``tests/services/test_quick_reads.py`` compares both paths' output.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wzdesk.store.quick_read import QuickReader
from wzdesk.store.stored_values import instant_from_db


def audit_rows(
    reader: QuickReader,
    columns: Sequence[str],
    now: datetime,
    case_ref: str | None,
    actor: str | None,
    since: datetime | None,
    limit: int,
) -> list[tuple[Any, ...]]:
    """The newest ``limit`` entries up to ``now`` (of the case ``case_ref``, by ``actor``,
    since ``since``), as tuples of ``columns``, ``at`` first (an aware instant)."""
    where, params = ["at <= ?"], [reader.instant(now)]
    if case_ref is not None:
        where.append("entity = 'case' AND entity_id = ?")
        params.append(case_ref)
    if actor is not None:
        where.append("actor = ?")
        params.append(actor)
    if since is not None:
        where.append("at >= ?")
        params.append(reader.instant(since))
    sql = (
        f"SELECT {', '.join(columns)} FROM audit_entry WHERE {' AND '.join(where)} "
        "ORDER BY at DESC, id DESC LIMIT ?"
    )
    found = reader.rows(sql, (*params, limit))
    return [(instant_from_db(row[0]), *row[1:]) for row in found]
