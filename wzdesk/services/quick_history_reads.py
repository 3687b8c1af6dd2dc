"""``wzdesk case explain REF`` and ``wzdesk sla events --case REF``, answered without Peewee
(issue 13; :mod:`wzdesk.services.quick_reads` says how the quick path works).

The case's facts are read in plain SQL (:mod:`wzdesk.store.quick_history`), the statements
:mod:`wzdesk.services.sla_history` makes through the models, into the same
:class:`~wzdesk.services.history_fields.CaseRow`, and shaped by the same functions. A
reference no case has, a case received after the clock's now (the ordinary path words both)
and ``sla events`` over a period (a report's reading) take the ordinary path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wzdesk.core.refs import ref_text
from wzdesk.core.rules import Action
from wzdesk.core.sla_history import Pause
from wzdesk.services.history_fields import (
    CASE_COLUMNS,
    STATUS_KINDS,
    CaseRow,
    case_row,
    event_dicts,
    explanation,
    met_at,
    met_event,
    severity_change,
    status_as_of,
)
from wzdesk.services.policy_book import read_policy_book
from wzdesk.services.quick_reads import StepAside, read_quickly
from wzdesk.store import quick_history
from wzdesk.store.quick_read import QuickReader


def quick_explain(
    url: str | None, identity: str | None, ref: str, now: datetime
) -> dict[str, Any] | None:
    """``case explain REF``'s object at ``now``, or None when the ordinary path must answer;
    ``identity``: as for :func:`read_quickly` (the role must be allowed to explain)."""

    def read(reader: QuickReader) -> dict[str, Any]:
        row = _case_row(reader, ref, now)
        book = read_policy_book(reader.rows)
        met = tuple(_met(reader, row, target, now) for target in ("response", "resolution"))
        status = status_as_of(
            row, now, lambda: quick_history.status_changes(reader, row.id, STATUS_KINDS, now)
        )
        since = quick_history.effective_from(reader, row.policy_id)
        return explanation(row, book.by_id(row.policy_id), since, now, status, (met[0], met[1]))

    return read_quickly(url, identity, read, Action.EXPLAIN_SLA)


def quick_events(
    url: str | None, identity: str | None, ref: str, now: datetime
) -> list[dict[str, Any]] | None:
    """``sla events --case REF``: the case's SLA events up to ``now``, in the support zone in
    force then; None when the ordinary path must answer."""

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        row = _case_row(reader, ref, now)
        book = read_policy_book(reader.rows)
        return list(event_dicts([row], book.by_id, now, book.at(now).calendar.zone))

    return read_quickly(url, identity, read)


def _case_row(reader: QuickReader, ref: str, now: datetime) -> CaseRow:
    """``sla_history._one_case``: the case's row with its facts; a reference no case has, or a
    case not received yet at ``now``, steps aside (the ordinary path words the error)."""
    found = quick_history.case_columns(reader, ref_text(ref), CASE_COLUMNS)
    if found is None:
        raise StepAside
    columns, client, assignee = found
    if columns[CASE_COLUMNS.index("received_at")] > now:
        raise StepAside
    case = int(columns[0])
    changes = [
        severity_change(at, data) for at, data in quick_history.severity_changes(reader, case)
    ]
    pauses = [Pause(*pause) for pause in quick_history.pauses(reader, case)]
    return case_row(columns, client, assignee, changes, pauses)


def _met(reader: QuickReader, row: CaseRow, target: str, now: datetime) -> dict[str, Any] | None:
    at = met_at(row, target, now)
    if at is None:
        return None
    return met_event(target, at, quick_history.met_by(reader, row.id, at, target))
