"""``wzdesk case list`` with no filter and ``wzdesk case show``, answered without Peewee
(issue 13: scripts start fast).

The page is what :func:`wzdesk.services.search.search_cases` gives for the default query
(every case not closed, most urgent first): the same walk of the queue's index in plain SQL
(:mod:`wzdesk.store.quick_cases`), ranked by the same :func:`urgency.first_in_order`, each case
shown by the same :func:`case_fields.case_dict`. An import-linter contract keeps this module
and everything it imports free of Peewee.

``case show`` reads the rows ``case_views.show_case`` reads through the models
(:mod:`wzdesk.store.quick_cases`) and gives them to the same assembly,
:func:`case_fields.sheet_dict`, with the same two-admin rule
(:func:`admin_rule.admin_flags_from`). A case with attachments (their files are in the blob
store the mail settings name) or a reference no case has (the ordinary path words the error)
takes the ordinary path.

It answers only when it is sure to answer as the ordinary path would, and returns None
otherwise: a database the quick reader cannot open (see :mod:`wzdesk.store.quick_read`), or a
sign-in with more to it than reading a user (no such user, a deactivated one, the first user
of a new database: the ordinary path creates, refuses or explains).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from wzdesk.core.refs import ref_text
from wzdesk.core.text import clean
from wzdesk.services import urgency
from wzdesk.services.admin_rule import AdminFlags, admin_flags_from
from wzdesk.services.case_fields import case_dict, link_items, outgoing_items, sheet_dict
from wzdesk.services.directory_fields import client_row, contact_dict, user_dict
from wzdesk.services.os_account import os_login
from wzdesk.services.policy_book import read_policy_book
from wzdesk.store import quick_cases, quick_directory
from wzdesk.store.quick_read import QuickReader, open_quick_reader

#: As ``search._STREAMED_UP_TO``: up to this many the page is read from the queue's index.
STREAMED_UP_TO = 1000
#: As ``directory.MAX_LOOKUP``: the longest identity or client code looked up.
MAX_LOOKUP = 200

T = TypeVar("T")


class QuickList:
    """A page of the default listing: ``found`` matches asked for (one past the page says
    whether it is whole) and the case objects of the first ``limit``."""

    def __init__(self, found: int, rows: list[dict[str, Any]]) -> None:
        self.found = found
        self.rows = rows


def _quick(url: str | None, identity: str | None, read: Callable[[QuickReader], T]) -> T | None:
    """``read`` over the quick reader in one snapshot, once the user is known to sign in; None
    when the quick path cannot answer (``read`` may say None too)."""
    reader = open_quick_reader(url)
    if reader is None:
        return None
    try:
        with reader.snapshot():
            if not _signed_in(reader, os_login() if identity is None else identity):
                return None
            return read(reader)
    finally:
        reader.close()


def quick_case_list(
    url: str | None, identity: str | None, now: datetime, limit: int | None, asked: int | None
) -> QuickList | None:
    """The default listing's first ``asked`` cases (all, for None), the first ``limit`` of them
    as case objects; None when the ordinary path must answer (see the module's docstring).

    ``identity``: a trusted caller's (tests); else the OS login, as the ordinary path signs in."""

    def read(reader: QuickReader) -> QuickList:
        book = read_policy_book(reader.rows)
        ids = urgency.first_in_order(
            lambda count: _first(reader, count),
            asked,
            book,
            now,
            lambda chunk: quick_cases.urgency_rows(reader, chunk),
        )
        shown = ids if limit is None else ids[:limit]
        cases = quick_cases.cases_by_id(reader, shown)
        return QuickList(len(ids), [case_dict(cases[i], book, now) for i in shown if i in cases])

    return _quick(url, identity, read)


def quick_case_show(
    url: str | None, identity: str | None, ref: str, now: datetime
) -> dict[str, Any] | None:
    """``case show REF``'s object, or None when the ordinary path must answer (see the
    module's docstring); ``identity`` as for :func:`quick_case_list`."""

    def read(reader: QuickReader) -> dict[str, Any] | None:
        found = quick_cases.case_id(reader, ref_text(ref))
        if found is None or quick_cases.has_attachments(reader, found):
            return None
        case = quick_cases.cases_by_id(reader, [found])[found]
        book = read_policy_book(reader.rows)
        zone = book.by_id(case.policy_id).calendar.zone
        events = quick_cases.events(reader, found)
        not_sent = [event for event in events if event.kind == "mail_not_sent"]
        mails = quick_cases.outgoing_mail(reader, found)
        return sheet_dict(
            case,
            book,
            now,
            events=events,
            pauses=quick_cases.pauses(reader, found),
            attachments=[],
            outgoing=outgoing_items(mails, not_sent, zone),
            links=link_items(*quick_cases.links(reader, found, case.merged_into_id)),
            client_flags=_admin_flags(reader, case.client.id).text,
        )

    return _quick(url, identity, read)


def quick_users(url: str | None, identity: str | None) -> list[dict[str, object]] | None:
    """``user list``: every console user by login, or None (the ordinary path answers)."""
    return _quick(
        url, identity, lambda reader: [user_dict(u) for u in quick_directory.users(reader)]
    )


def quick_contacts(
    url: str | None, identity: str | None, client_code: str | None
) -> list[dict[str, object]] | None:
    """``contact list [--client CODE]``, or None (a code no client has: the ordinary path says
    so, naming ``--client``)."""

    def read(reader: QuickReader) -> list[dict[str, object]] | None:
        client = None
        if client_code:
            client = quick_directory.client_id(
                reader, clean(client_code).strip().upper()[:MAX_LOOKUP]
            )
            if client is None:
                return None
        return [contact_dict(c) for c in quick_directory.contacts(reader, client)]

    return _quick(url, identity, read)


def quick_clients(
    url: str | None, identity: str | None, flagged: bool
) -> list[tuple[dict[str, object], AdminFlags]] | None:
    """``client list``: each client's columns and its two-admin flags, by code; ``flagged``:
    only the active clients the rule flags (``contacts.flagged_clients``). None: the ordinary
    path answers."""

    def read(reader: QuickReader) -> list[tuple[dict[str, object], AdminFlags]]:
        found = []
        for client in quick_directory.clients(reader, active_only=flagged):
            flags = _admin_flags(reader, int(client.id))
            if flags.flags or not flagged:
                found.append((client_row(client), flags))
        return found

    return _quick(url, identity, read)


def _admin_flags(reader: QuickReader, client: int) -> AdminFlags:
    """The two-admin rule for one client (``contacts.admin_flags``)."""
    return admin_flags_from(*quick_cases.admins(reader, client))


def _signed_in(reader: QuickReader, identity: str) -> bool:
    """Whether ``identity`` is an active console user (``directory.sign_in`` reads no more)."""
    user = quick_cases.console_user(reader, clean(identity)[:MAX_LOOKUP])
    return user is not None and user[1]


def _first(reader: QuickReader, count: int | None) -> list[int]:
    """``search_ids``'s ``first`` for the default query: at least the first ``count`` cases in
    SQL's urgency order (open ones by the index walk, then done ones)."""
    if count is None or count > STREAMED_UP_TO:
        return quick_cases.sorted_ids(reader, count)
    more = min(4 * count, STREAMED_UP_TO)
    found: Sequence[int] = quick_cases.first_open(reader, more)
    if len(found) < more:
        found = [*found, *quick_cases.first_done(reader, more - len(found))]
    return list(found)
