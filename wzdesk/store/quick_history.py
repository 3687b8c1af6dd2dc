"""``case explain REF`` and ``sla events --case REF`` in plain SQL, over the quick read-only
SQLite connection (issue 13): the statements :mod:`wzdesk.services.sla_history` makes through
the models for one case, the instants read as aware UTC datetimes as the models read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wzdesk.store.quick_read import QuickReader
from wzdesk.store.stored_values import instant_from_db


def case_columns(
    reader: QuickReader, ref: str, columns: Sequence[str]
) -> tuple[list[Any], str, str | None] | None:
    """The case ``ref`` names (as stored) read as ``columns`` (``history_fields.CASE_COLUMNS``),
    its client's code and its assignee's login; None when no case has it."""
    found = reader.rows(
        f"SELECT {', '.join(f'c.{name}' for name in columns)}, cl.code, u.login "
        'FROM "case" AS c LEFT OUTER JOIN client AS cl ON cl.id = c.client_id '
        'LEFT OUTER JOIN "user" AS u ON u.id = c.assignee_id WHERE c.ref = ?',
        (ref,),
    )
    if not found:
        return None
    values = [
        instant_from_db(value) if name.endswith("_at") else value  # an instant column
        for name, value in zip(columns, found[0], strict=False)
    ]
    code, login = found[0][len(columns) :]
    return values, "" if code is None else str(code), login


def pauses(reader: QuickReader, case: int) -> list[tuple[datetime, datetime | None, str]]:
    """(start, end, reason) of the case's pauses in start order (``load_case_rows``)."""
    found = reader.rows(
        "SELECT started_at, ended_at, reason FROM sla_pause WHERE case_id = ? "
        "ORDER BY started_at, id",
        (case,),
    )
    return [(_instant(start), instant_from_db(end), str(reason)) for start, end, reason in found]


def severity_changes(reader: QuickReader, case: int) -> list[tuple[datetime, str | None]]:
    """(at, data) of the case's severity changes in time order (``load_case_rows``)."""
    found = reader.rows(
        "SELECT at, data_json FROM case_event WHERE case_id = ? AND kind = 'severity' "
        "ORDER BY at, id",
        (case,),
    )
    return [(_instant(at), data) for at, data in found]


def status_changes(
    reader: QuickReader, case: int, kinds: Sequence[str], now: datetime
) -> list[tuple[str, str | None]]:
    """(kind, data) of the case's timeline events of ``kinds`` up to ``now``, newest first
    (``sla_history.status_as_of``)."""
    return [
        (str(kind), data)
        for kind, data in reader.rows(
            f"SELECT kind, data_json FROM case_event WHERE case_id = ? AND kind IN "
            f"({', '.join('?' for _ in kinds)}) AND at <= ? ORDER BY at DESC, id DESC",
            (case, *kinds, reader.instant(now)),
        )
    ]


def met_by(
    reader: QuickReader, case: int, at: datetime, target: str
) -> tuple[str, str | None, datetime] | None:
    """(kind, author, at) of the timeline event that met ``target`` at ``at``: the first public
    event then (response), or the resolution (``sla_history._met_event``); None if none. A
    merged duplicate's events moved to its primary with their times: they are looked for there
    too."""
    which = "public" if target == "response" else "kind = 'resolve'"
    found = reader.rows(
        "SELECT kind, author, at FROM case_event WHERE case_id IN "
        '(?, (SELECT merged_into_id FROM "case" WHERE id = ?)) AND at = ? AND '
        f"{which} ORDER BY case_id = ? DESC, id LIMIT 1",
        (case, case, reader.instant(at), case),
    )
    if not found:
        return None
    kind, author, event_at = found[0]
    return str(kind), author, _instant(event_at)


def effective_from(reader: QuickReader, version: int) -> datetime:
    """When the policy version came into force (it exists: a case names it)."""
    found = reader.rows("SELECT effective_from FROM policy_version WHERE id = ?", (version,))
    return _instant(found[0][0])


def _instant(value: Any) -> datetime:
    instant = instant_from_db(value)
    assert instant is not None
    return instant
