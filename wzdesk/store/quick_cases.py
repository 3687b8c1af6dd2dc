"""``case list`` and ``case show`` in plain SQL, over the quick read-only connection.

``wzdesk case list`` with no filter lists the cases not closed, most urgent first. The search
engine (:mod:`wzdesk.services.search`) builds that page from Peewee expressions; importing
Peewee and defining the models costs about 45 ms of CPU, four times ``python -c pass`` and more
than the page itself (issue 13). These are the same statements written out (in SQLite's
spelling: :mod:`wzdesk.store.quick_read`), each named after the search function whose query it
is, with the search's PostgreSQL probes; :mod:`wzdesk.services.quick_case_reads` strings them
together as :func:`search.search_ids` does. ``tests/services/test_quick_reads.py`` and
``test_quick_query.py`` check on both databases that both paths give the same page, case for
case, and on SQLite that the walk reads the queue's index.

``case show``'s reading is here too (:func:`case_id`, :func:`events`, :func:`outgoing_mail`,
:func:`links`; the client's admins are read by :mod:`wzdesk.store.quick_directory`): the rows
that ``case_views.show_case`` reads through the models, given to the same assembly
(:func:`wzdesk.services.case_fields.sheet_dict`).

The conditions of filters and queries are :mod:`wzdesk.store.quick_query`'s.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from wzdesk.core.case_sla import RESPONSE_RUNNING
from wzdesk.store import done_order
from wzdesk.store.quick_query import URGENCY_ORDER, Where
from wzdesk.store.quick_read import QuickReader, Record, listed_ids, records
from wzdesk.store.stored_values import instant_from_db

#: Not closed: the scope of a listing without ``--all`` (``search._scope``, "open").
LISTED: Where = ("(status != 'closed')", ())

#: An open case's stored next due instant: the very expression of the partial index
#: ``case_open_next_due`` (migration ``_queue_order_index``; ``queries.open_next_due``).
_OPEN_NEXT_DUE = (
    "(CASE WHEN ((first_response_at IS NULL) AND (response_due < resolution_due)) "
    "THEN response_due ELSE resolution_due END)"
)

#: The same value written the other way round: the expression of the partial index
#: ``case_running_next_due`` (migration ``_paused_order``; ``queries.running_next_due``).
_RUNNING_NEXT_DUE = (
    "(CASE WHEN ((response_due < resolution_due) AND (first_response_at IS NULL)) "
    "THEN response_due ELSE resolution_due END)"
)

#: What the case object shows (:class:`wzdesk.services.case_fields.CaseRecord`), joined with
#: its client, contact and assignee (``search._joined``).
_CASE_COLUMNS = (
    "ref",
    "policy_id",
    "channel",
    "category",
    "severity",
    "status",
    "summary",
    "description",
    "steps_to_reproduce",
    "affected_users",
    "tags",
    "escalated_to",
    "escalation_reason",
    "classification",
    "version",
    "needs_contact",
    "merged_into_id",
    "resolution_paused_after_due",
)
_INSTANT_COLUMNS = (
    "received_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "paused_since",
    "response_due",
    "response_at_risk_at",
    "resolution_due",
    "resolution_at_risk_at",
)
_JOINED = (
    "SELECT c.id, "
    + ", ".join(f"c.{name}" for name in _CASE_COLUMNS + _INSTANT_COLUMNS)
    + ", cl.id, cl.code, cl.name, ct.name, ct.email, ct.phone, ct.is_admin, u.login"
    ' FROM "case" AS c JOIN client AS cl ON cl.id = c.client_id'
    " JOIN contact AS ct ON ct.id = c.contact_id"
    ' LEFT OUTER JOIN "user" AS u ON u.id = c.assignee_id'
)

#: ``read`` chunks: within SQLite's oldest limit of 999 parameters, as the search's.
CHUNK = 500


def _ids(rows: Sequence[Sequence[Any]]) -> list[int]:
    return [int(row[0]) for row in rows]


def first_open(
    reader: QuickReader,
    count: int,
    condition: Where = LISTED,
    running: bool = False,
    due_from: Any = None,
    timed: bool = False,
) -> list[int]:
    """``search._first_open``: the first ``count`` open cases meeting ``condition`` by a walk
    of the queue's index, the ties at the edge taken whole, then sorted exactly (``running``:
    ``condition`` is :func:`running`'s, walked on ``case_running_next_due``, from ``due_from``
    on, an instant as bound, when given). On PostgreSQL the first entries are probed first
    (``search._first_walked``; ``timed``: the query tests the stored instants)."""
    sql, params = condition
    due = _RUNNING_NEXT_DUE if running else _OPEN_NEXT_DUE
    walk = f"is_open AND {sql}"  # bare is_open: the index's own condition
    if running and due_from is not None:
        walk, params = f"{walk} AND ({due} >= ?)", (*params, due_from)
    first = None
    if reader.postgres:
        first = _first_walked(reader, count + 1, condition, running, due_from, timed)
    if first is None:
        first = reader.rows(
            f'SELECT id, {due} FROM "case" WHERE {walk} ORDER BY {due} LIMIT {int(count) + 1}',
            params,
        )
    found = {int(row[0]) for row in first[:count]}
    edge = first[count - 1][1] if len(first) >= count else None
    if len(first) > count and first[count][1] == edge:  # ties past the edge: take them all
        ties = f'SELECT id FROM "case" WHERE {walk} AND {due} = ?'
        found.update(_ids(reader.rows(ties, (*params, edge))))
    if not found:
        return []
    return _ids(
        reader.rows(
            f'SELECT id FROM "case" WHERE id IN {listed_ids(sorted(found))} '
            f"ORDER BY {URGENCY_ORDER} LIMIT {int(count)}"
        )
    )


def _first_walked(
    reader: QuickReader,
    count: int,
    condition: Where,
    running: bool,
    due_from: Any,
    timed: bool,
) -> Sequence[Sequence[Any]] | None:
    """``search._first_walked``: (id, due) of the first ``count`` open cases meeting
    ``condition`` among the first entries of the queue's index, judged on those rows; None
    when too few of them meet it (PostgreSQL misjudges conditions on the due instants and
    sorts every open case instead of walking)."""
    due = _RUNNING_NEXT_DUE if running else _OPEN_NEXT_DUE
    among: Where = ("is_open AND (paused_left IS NULL)" if running else "is_open", ())
    if running and due_from is not None:
        among = (f"{among[0]} AND ({due} >= ?)", (due_from,))
    return done_order.first_probed(
        lambda length: _probed(reader, condition, due, among, length, count), count, timed
    )


def _probed(
    reader: QuickReader, condition: Where, key: str, among: Where, length: int, count: int
) -> Sequence[Sequence[Any]]:
    """(id, ``key``) of the first ``count`` cases meeting ``condition`` among the first
    ``length`` cases meeting ``among`` in ``key`` order, judged on those rows: the statement
    of the search's PostgreSQL probes (``search._first_walked``, ``_paused_walked``)."""
    sql, params = condition
    where, where_params = among
    return reader.rows(
        f"SELECT id, sort_key FROM (SELECT id, {key} AS sort_key, "
        f'CASE WHEN {sql} THEN 1 ELSE 0 END AS meets FROM "case" WHERE {where} '
        f"ORDER BY {key} LIMIT {int(length)}) AS walked "
        f"WHERE meets = 1 ORDER BY sort_key LIMIT {int(count)}",
        (*params, *where_params),
    )


def running(condition: Where) -> Where:
    """``condition`` without the paused cases, which :func:`paused_first` reads
    (``search_ids``; the done ones come last, :func:`first_done`). Not ``is_open``: the walks
    add it (:func:`first_open`, :func:`open_only`), and twice in one statement PostgreSQL
    counted its selectivity twice and sorted every open case instead of walking the index
    (``sev:critical channel:phone`` at a million cases: 260 ms against the engine's 43)."""
    sql, params = condition
    return (f"({sql} AND (paused_left IS NULL))", params)


def open_only(condition: Where) -> Where:
    """``condition``'s open cases (``search_ids``' sort of every running match)."""
    sql, params = condition
    return (f"(is_open AND {sql})", params)


def paused_first(
    reader: QuickReader, count: int | None, condition: Where = LISTED, ticking: bool = False
) -> list[tuple[int, float]]:
    """``search._paused_first``: (id, stored time left) of the first ``count`` paused open
    cases meeting ``condition``, least left first (the index ``case_paused_left``); with
    ``ticking`` (every match's timer runs), only the index's range of paused cases whose
    response target runs (``search._paused_stream``)."""
    sql, params = condition
    limit = "" if count is None else f" LIMIT {int(count)}"
    stream = f"paused_left <= {RESPONSE_RUNNING!r}" if ticking else "paused_left IS NOT NULL"
    if count is not None and reader.postgres:  # search._paused_walked
        among: Where = (f"({stream})", ())
        walked = _probed(reader, condition, "paused_left", among, done_order.PROBE_MOST, count)
        if len(walked) >= count:
            return [(int(case_id), float(left)) for case_id, left in walked]
    rows = reader.rows(
        f'SELECT id, paused_left FROM "case" WHERE ({stream}) '
        f"AND {sql} ORDER BY paused_left{limit}",
        params,
    )
    return [(int(case_id), float(left)) for case_id, left in rows]


def first_done(
    reader: QuickReader,
    count: int | None,
    condition: Where = LISTED,
    severities: Collection[str] | None = None,
    walk: bool = False,
) -> list[int]:
    """``search._first_done``: the first ``count`` done cases meeting ``condition`` (resolved;
    closed too when it allows them), most urgent first (all, for None); with ``walk``, from
    the first entries of their own indexes when enough match (``done_order.first_found``)."""
    sql, params = condition
    if walk and count is not None:

        def read(where: str, order: str, length: int) -> Sequence[Sequence[Any]]:
            return reader.rows(
                f'SELECT id, CASE WHEN {sql} THEN 1 ELSE 0 END FROM "case" WHERE {where} '
                f"ORDER BY {order} LIMIT {int(length)}",
                params,
            )

        found = done_order.first_found(read, count, severities, reader.postgres)
        if found == []:
            return []  # PostgreSQL refuses an empty IN ()
        if found is not None:
            return sorted_ids(reader, count, (f"id IN {listed_ids(found)}", ()))
    limit = "" if count is None else f" LIMIT {int(count)}"
    return _ids(
        reader.rows(
            f'SELECT id FROM "case" WHERE (is_open = 0) AND {sql} ORDER BY {URGENCY_ORDER}{limit}',
            params,
        )
    )


def sorted_ids(
    reader: QuickReader,
    count: int | None,
    condition: Where = LISTED,
    ordered_by: str = URGENCY_ORDER,
) -> list[int]:
    """``search._sorted_ids``: every case meeting ``condition``, sorted by SQL (the first
    ``count``); ``ordered_by``: :func:`quick_query.order`'s list."""
    sql, params = condition
    limit = "" if count is None else f" LIMIT {int(count)}"
    return _ids(
        reader.rows(f'SELECT id FROM "case" WHERE {sql} ORDER BY {ordered_by}{limit}', params)
    )


def count(reader: QuickReader, condition: Where) -> int:
    """How many cases meet ``condition`` (``search.count_cases``)."""
    sql, params = condition
    return int(reader.rows(f'SELECT count(*) FROM "case" WHERE {sql}', params)[0][0])


def urgency_rows(reader: QuickReader, case_ids: Sequence[int]) -> Sequence[Sequence[Any]]:
    """The columns :func:`wzdesk.services.urgency.open_keys` ranks by, in
    :data:`~wzdesk.services.urgency.URGENCY_COLUMNS` order (the caller passes those names)."""
    if not case_ids:
        return []  # PostgreSQL refuses an empty IN ()
    return reader.rows(
        "SELECT id, is_open, severity, policy_id, first_response_at, response_due, "
        "resolution_due, paused_since, resolution_paused_after_due "
        f'FROM "case" WHERE id IN {listed_ids(case_ids)}'
    )


def cases_by_id(reader: QuickReader, case_ids: Sequence[int]) -> dict[int, Any]:
    """The cases ``case_ids`` name (those that still exist), each with its client, contact
    and assignee, as :func:`wzdesk.services.case_fields.case_dict` reads them (a
    ``CaseRecord``: typed Any, since the store does not import the services' types)."""
    found: dict[int, Any] = {}
    plain, instants = len(_CASE_COLUMNS), len(_INSTANT_COLUMNS)
    for start in range(0, len(case_ids), CHUNK):
        chunk = case_ids[start : start + CHUNK]
        for row in reader.rows(f"{_JOINED} WHERE c.id IN {listed_ids(chunk)}"):
            values: dict[str, Any] = dict(zip(_CASE_COLUMNS, row[1 : 1 + plain], strict=True))
            for name, value in zip(
                _INSTANT_COLUMNS, row[1 + plain : 1 + plain + instants], strict=True
            ):
                values[name] = instant_from_db(value)
            client_id, code, client_name, name, email, phone, is_admin, login = row[
                1 + plain + instants :
            ]
            values["id"] = int(row[0])
            values["client"] = Record(id=client_id, code=code, name=client_name)
            values["contact"] = Record(name=name, email=email, phone=phone, is_admin=is_admin)
            values["assignee"] = None if login is None else Record(login=login)
            found[int(row[0])] = Record(**values)
    return found


def case_id(reader: QuickReader, ref: str) -> int | None:
    """The id of the case whose reference is ``ref`` (as stored: ``refs.ref_text``), or None."""
    found = reader.rows('SELECT id FROM "case" WHERE ref = ?', (ref,))
    return int(found[0][0]) if found else None


def has_attachments(reader: QuickReader, case: int) -> bool:
    return bool(reader.rows("SELECT 1 FROM attachment WHERE case_id = ? LIMIT 1", (case,)))


_EVENT = ("id", "at", "author", "kind", "public", "body", "duration_seconds", "data_json")


def events(reader: QuickReader, case: int) -> list[Record]:
    """The case's timeline, oldest first (``case_views.events_of``)."""
    sql = f"SELECT {', '.join(_EVENT)} FROM case_event WHERE case_id = ? ORDER BY at, id"
    return records(reader.rows(sql, (case,)), _EVENT)


_PAUSE = ("started_at", "ended_at", "reason")


def pauses(reader: QuickReader, case: int) -> list[Record]:
    """The case's pauses in start order (``case_views.pauses_of``)."""
    sql = f"SELECT {', '.join(_PAUSE)} FROM sla_pause WHERE case_id = ? ORDER BY started_at"
    return records(reader.rows(sql, (case,)), _PAUSE)


_MAIL = (
    "id",
    "kind",
    "audience",
    "recipients",
    "subject",
    "status",
    "attempts",
    "transport",
    "last_error",
    "created_at",
    "sent_at",
)


def outgoing_mail(reader: QuickReader, case: int) -> list[Record]:
    """The messages written for the case, in id order (``case_views.outgoing_of``)."""
    sql = f"SELECT {', '.join(_MAIL)} FROM outbound_mail WHERE case_id = ? ORDER BY id"
    return records(reader.rows(sql, (case,)), _MAIL)


def links(
    reader: QuickReader, case: int, merged_into: int | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], str | None, list[str]]:
    """(kind, other ref) of the links the case made and of those made to it, in link order;
    the ref of the case it was merged into; the refs merged into it (``related.links_of``)."""
    made = reader.rows(
        'SELECT l.kind, c.ref FROM case_link AS l JOIN "case" AS c ON c.id = l.target_id '
        "WHERE l.source_id = ? ORDER BY l.id",
        (case,),
    )
    received = reader.rows(
        'SELECT l.kind, c.ref FROM case_link AS l JOIN "case" AS c ON c.id = l.source_id '
        "WHERE l.target_id = ? ORDER BY l.id",
        (case,),
    )
    primary = None
    if merged_into is not None:
        found = reader.rows('SELECT ref FROM "case" WHERE id = ?', (merged_into,))
        primary = str(found[0][0]) if found else None
    merged = reader.rows('SELECT ref FROM "case" WHERE merged_into_id = ? ORDER BY id', (case,))
    return (
        [(str(kind), str(ref)) for kind, ref in made],
        [(str(kind), str(ref)) for kind, ref in received],
        primary,
        [str(row[0]) for row in merged],
    )
