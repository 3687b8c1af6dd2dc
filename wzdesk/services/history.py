"""Case history: every case, open and historical, newest first, one page at a time.

The console's history screen (and the client's or the contact's history from a case) reads
through here. Sorting, filtering and paging happen in SQL (``ORDER BY received_at DESC, id
DESC`` on an index, ``LIMIT``/``OFFSET``) so a page costs the same at 40 cases as at 100,000;
rows come back as plain tuples (building Peewee models dominated wide reads).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import peewee

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Status, phone_digits
from wzdesk.services.directory import find_contact, get_client
from wzdesk.store.database import db
from wzdesk.store.fulltext import is_postgres
from wzdesk.store.models import Case, Client, Contact, User
from wzdesk.store.substring import ref_or_summary_contains, trigram_ids

#: The status filter's choices, in the order the screen offers them.
STATUS_FILTERS = ("all", "open", "resolved", "closed")
PAGE_SIZE = 50


@dataclass(frozen=True)
class HistoryQuery:
    """What to list: a text to search, a status filter, and an optional scope.

    ``text`` matches the reference, the client (code or name), the summary and the contact
    (name or email), case-insensitively. ``status``: ``open`` (not resolved, not closed),
    ``resolved``, ``closed`` or ``all``. ``client`` (a client code) and ``contact`` (an email
    or phone number; within ``client`` when both are given) narrow the list to one client's or
    one contact's cases.
    """

    text: str = ""
    status: str = "all"
    client: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class HistoryRow:
    """One case as the history lists it (instants are aware, UTC)."""

    ref: str
    received_at: datetime
    status: str
    severity: str
    client_code: str
    contact_name: str
    assignee: str | None
    summary: str
    ended_at: datetime | None  # closed, else resolved, else None


@dataclass(frozen=True)
class HistoryPage:
    """One page of matches and how many match in all."""

    rows: list[HistoryRow]
    total: int
    offset: int
    limit: int
    scope: str  # "" for every case, else e.g. "ACME · Acme Corporation"
    #: The case the search text names by its whole reference, listed first on the first
    #: page (the others follow newest first); None when the text names none of the matches.
    pinned: str | None = None

    @property
    def page(self) -> int:
        """1-based number of this page."""
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least 1)."""
        return max(1, -(-self.total // self.limit))


@dataclass(frozen=True)
class _Scope:
    client_id: int | None
    contact_ids: tuple[int, ...] | None
    label: str


def _scope(query: HistoryQuery) -> _Scope:
    """Resolve the client code and contact key to ids (NotFound names the field)."""
    client = get_client(query.client) if query.client else None
    if not query.contact:
        label = f"{client.code} · {client.name}" if client is not None else ""
        return _Scope(client.id if client is not None else None, None, label)
    if client is not None:
        contact = find_contact(client, query.contact)
        return _Scope(client.id, (contact.id,), f"{contact.name} ({client.code})")
    key = query.contact.strip()
    digits = phone_digits(key)
    if "@" in key:
        condition = Contact.email == key.lower()
    elif len(digits) >= 7:
        condition = Contact.phone_digits == digits
    else:
        raise InvalidInput(
            f"expected the contact's email or phone number, got {key!r}", field="contact"
        )
    contacts = list(Contact.select(Contact, Client).join(Client).where(condition))
    if not contacts:
        raise NotFound(f"no contact {key!r}", field="contact")
    names = sorted({f"{c.name} ({c.client.code})" for c in contacts})
    return _Scope(None, tuple(c.id for c in contacts), ", ".join(names))


def _where(
    query: HistoryQuery, scope: _Scope, text: peewee.Expression | None, counting: bool
) -> peewee.Expression | None:
    """The WHERE clause, on the case's own columns only (``text``: one of
    :class:`_TextMatch`'s forms).

    The open cases are tested two ways. Counting uses the index of ``is_open``. A page must
    not: the planner would fetch every open case through it and sort them all to return 50;
    written as an expression no index covers, it walks the ``received_at`` index newest first
    and stops after the page, soon, since the open cases are the newest. Resolved and closed
    ones are the oldest: a page of them walks the (status, received_at) index instead (schema
    26; along the received-at index it passed every newer case, 157 ms for the closed ones'
    first page at a million cases, 0.6 ms along this one).
    """
    conditions: list[peewee.Expression] = []
    if query.status == "open" and counting:
        conditions.append(Case.is_open == True)  # noqa: E712 - SQL, not Python truthiness
    elif query.status == "open":
        closed = [Status.RESOLVED.value, Status.CLOSED.value]
        conditions.append(peewee.fn.LOWER(Case.status).not_in(closed))
    elif query.status == "resolved":
        conditions.append(Case.status == Status.RESOLVED.value)
    elif query.status == "closed":
        conditions.append(Case.status == Status.CLOSED.value)
    # SQLite's walk must not take a client's or contact's index for a way in either
    # (:func:`_unindexed`): it read all 50,077 cases of a client that way and sorted them
    # (110 ms at a million cases, 3.6 ms walked). A page is walked only past FEW_MATCHES
    # matches, so it finds them soon.
    client = Case.client if counting else _unindexed(Case.client)
    contact = Case.contact if counting else _unindexed(Case.contact)
    if scope.client_id is not None:
        conditions.append(client == scope.client_id)
    if scope.contact_ids is not None:
        conditions.append(contact.in_(scope.contact_ids))
    if text is not None:
        conditions.append(text)
    where: peewee.Expression | None = None
    for condition in conditions:
        where = condition if where is None else (where & condition)
    return where


@dataclass(frozen=True)
class _TextMatch:
    """The search text's condition, in the forms each read wants.

    ``row`` tests a case (counting, the sorted page, the named case); ``walked`` is the same
    test for the walk along the received-at index, written so that SQLite does not take it
    for a way in (it would read every match and sort them, where the walk stops after a
    page); ``ids``, where SQLite's trigram table answers, selects the matching ids from
    indexes alone, for a count with nothing else to test."""

    row: peewee.Expression
    walked: peewee.Expression
    ids: peewee.SelectBase | None


def _text_matches(query: HistoryQuery) -> _TextMatch | None:
    """The search text's condition: the reference or the summary holds it (through the
    trigram index, :mod:`wzdesk.store.substring`), or the case's client (code or name) or
    contact (name or email) does. Clients and contacts are looked up in their own small
    tables first, so neither counting nor a page needs a join."""
    text = query.text.strip()
    if not text:
        return None
    clients = Client.select(Client.id).where(
        Client.code.contains(text) | Client.name.contains(text)
    )
    contacts = Contact.select(Contact.id).where(
        Contact.name.contains(text) | Contact.email.contains(text)
    )
    # None: left out, as SQLite would read every case to test "0 = 1".
    listed = [
        column.in_(found)
        for column, found in ((Case.client, _listed(clients)), (Case.contact, _listed(contacts)))
        if found
    ]
    ids = trigram_ids(text)
    if ids is None:  # PostgreSQL ORs the indexes' answers (a bitmap) by itself
        condition = ref_or_summary_contains(text)
        for other in listed:
            condition = condition | other
        return _TextMatch(condition, condition, None)
    for other in listed:  # SQLite: one list of ids, from the indexes (client's, contact's)
        ids = ids | Case.select(Case.id).where(other)
    return _TextMatch(Case.id.in_(ids), (Case.id + 0).in_(ids), ids)


#: The clients and contacts a text names, up to this many, are put in the condition as a list
#: of ids; more, and as the query that finds them.
LISTED_IDS = 500


def _listed(found: peewee.ModelSelect[Any]) -> peewee.ModelSelect[Any] | list[int]:
    """The ids ``found`` selects, read now when there are few of them. PostgreSQL answers
    ``client_id IN (1, 2)`` from the clients' index, beside the trigram index's answer for
    the text; ``IN (SELECT ...)`` it tests against every case in turn, so the search read every
    case whatever the index held."""
    ids = [int(row[0]) for row in found.limit(LISTED_IDS + 1).tuples()]
    return found if len(ids) > LISTED_IDS else ids


#: A filtered list with no more than this many matches is sorted, not walked. The newest-first
#: page walks the ``received_at`` index and reads each case to test it, until the page is full:
#: soon for a common text, but past every case for a rare one (at a million cases on SQLite,
#: 3.1–4.9 s for a text found nowhere and 2.0–2.6 s for a reference with 112 matches, where
#: counting them takes 0.5–0.8 s). Sorting a few matches costs one more pass over the cases.
FEW_MATCHES = 2000


def history_page(query: HistoryQuery, offset: int = 0, limit: int = PAGE_SIZE) -> HistoryPage:
    """One page of the cases matching ``query``, newest first (by when they were received),
    with the count of all matches. An offset past the end gives the last page. A search
    text that is a whole reference lists that case first (:attr:`HistoryPage.pinned`).

    The matches are counted first: none, and no page is read; up to :data:`FEW_MATCHES`,
    the page's cases are found by sorting them (on an expression no index covers, so the
    cases are read in one pass, not along the index) and then read by id; more, and the page
    is read along the index, which finds them soon."""
    if limit < 1:
        raise InvalidInput(f"expected a page size of at least 1, got {limit}", field="limit")
    if query.status not in STATUS_FILTERS:
        raise InvalidInput(
            f"expected one of {', '.join(STATUS_FILTERS)}, got {query.status!r}", field="status"
        )
    scope = _scope(query)
    text = _text_matches(query)
    counting_where = _where(query, scope, None if text is None else text.row, counting=True)
    if text is not None and text.ids is not None and _where(query, scope, None, True) is None:
        total = int(text.ids.count(db))  # the ids alone, not a read of each case
    else:
        # COUNT(*), not COUNT(id): PostgreSQL then counts from an index alone (the id is in
        # none but the key's), 172 -> 15 ms for the open cases of a million.
        counting = Case.select(peewee.fn.COUNT(peewee.SQL("*")))
        if counting_where is not None:
            counting = counting.where(counting_where)
        total = int(counting.scalar() or 0)
    if total == 0:
        return HistoryPage([], 0, 0, limit, scope.label)
    offset = max(0, min(offset, (max(total, 1) - 1) // limit * limit))
    newest: peewee.ColumnBase = Case.received_at
    where = _where(query, scope, None if text is None else text.walked, counting=False)
    # Resolved or closed alone is read along its own index, however few match. A few open
    # cases are sorted like any other few matches: one of them may be years old, and the
    # walk along the received-at index would pass every case since.
    unscoped = text is None and scope.client_id is None and scope.contact_ids is None
    own_index = unscoped and query.status in ("resolved", "closed")
    few = counting_where is not None and total <= FEW_MATCHES and not own_index
    if few:  # the case table alone: joined, SQLite read the cases client by client
        newest = peewee.fn.COALESCE(Case.received_at, Case.received_at)
        where = counting_where
    named = _named_case(query, where)
    select = Case.select(Case.id) if few else _rows()
    if named is not None:  # it comes first; the others follow it, one place further on
        where = (Case.id != named[0]) if where is None else (where & (Case.id != named[0]))
    if where is not None:
        select = select.where(where)
    select = select.order_by(newest.desc(), Case.id.desc())
    if named is None:
        select = select.limit(limit).offset(offset)
    elif offset == 0:
        select = select.limit(limit - 1)
    else:
        select = select.limit(limit).offset(offset - 1)
    found = cast(Iterable[tuple[Any, ...]], select.tuples())
    rows = _by_id([values[0] for values in found]) if few else [_row(v) for v in found]
    if named is not None and offset == 0:
        rows = _by_id([named[0]]) + rows
    pinned = None if named is None else named[1]
    return HistoryPage(rows, total, offset, limit, scope.label, pinned)


def _rows() -> peewee.ModelSelect[Case]:
    """The columns a history row shows, joined."""
    return (
        Case.select(
            Case.ref,
            Case.received_at,
            Case.status,
            Case.severity,
            Client.code,
            Contact.name,
            User.login,
            Case.summary,
            Case.resolved_at,
            Case.closed_at,
            Case.id,
        )
        .join(Client, on=(_unindexed(Case.client) == Client.id))
        .switch(Case)
        .join(Contact, on=(_unindexed(Case.contact) == Contact.id))
        .switch(Case)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
    )


def _unindexed(column: peewee.ForeignKeyField) -> peewee.ColumnBase:
    """``column`` as SQLite may not walk its index (``column + 0``) to read a page, whether
    in the WHERE clause or in a join (the page's case gives its client's id, not the other
    way round). PostgreSQL's as it is: it weighs the plans by its statistics, which "+ 0"
    would blind (it then expected 10 of a contact's 16,743 cases and sorted every case)."""
    if is_postgres():
        return column
    return column + 0


def _by_id(ids: list[int]) -> list[HistoryRow]:
    """The rows of the cases ``ids``, in that order (a case deleted since it was found, by
    retention, is left out)."""
    if not ids:
        return []
    found = {
        values[-1]: _row(values)
        for values in cast(Iterable[tuple[Any, ...]], _rows().where(Case.id.in_(ids)).tuples())
    }
    return [found[case_id] for case_id in ids if case_id in found]  # one gone meanwhile: left out


def _named_case(query: HistoryQuery, where: peewee.Expression | None) -> tuple[int, str] | None:
    """The case the search text is, whole (id and reference), when it is among the matches:
    an agent who types a reference wants that case, not the cases whose references begin with
    it (``WZ-1001`` also finds WZ-10010 and WZ-100100…, listed newest first). One look-up on
    the references' unique index."""
    ref = query.text.strip().upper()
    if not ref:
        return None
    named = Case.select(Case.id, Case.ref).where(Case.ref == ref)
    if where is not None:
        named = named.where(where)
    row = named.first()
    return None if row is None else (int(row.id), str(row.ref))


def _row(values: tuple[Any, ...]) -> HistoryRow:
    ref, received, status, severity, client, contact, assignee, summary, resolved, closed, *_ = (
        values  # the case's id may follow
    )
    return HistoryRow(
        ref=str(ref),
        received_at=received,
        status=str(status),
        severity=str(severity),
        client_code=str(client),
        contact_name=str(contact),
        assignee=None if assignee is None else str(assignee),
        summary=str(summary),
        ended_at=closed or resolved,
    )
