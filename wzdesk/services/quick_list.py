"""``wzdesk case list`` with no filter, answered without Peewee (issue 13: scripts start fast).

The page is what :func:`wzdesk.services.search.search_cases` gives for the default query
(every case not closed, most urgent first): the same walk of the queue's index in plain SQL
(:mod:`wzdesk.store.quick_cases`), ranked by the same :func:`urgency.first_in_order`, each case
shown by the same :func:`case_fields.case_dict`. An import-linter contract keeps this module
and everything it imports free of Peewee.

It answers only when it is sure to answer as the ordinary path would, and returns None
otherwise: a database the quick reader cannot open (see :mod:`wzdesk.store.quick_read`), or a
sign-in with more to it than reading a user (no such user, a deactivated one, the first user
of a new database: the ordinary path creates, refuses or explains).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wzdesk.core.text import clean
from wzdesk.services import urgency
from wzdesk.services.case_fields import case_dict
from wzdesk.services.os_account import os_login
from wzdesk.services.policy_book import read_policy_book
from wzdesk.store import quick_cases
from wzdesk.store.quick_read import QuickReader, open_quick_reader

#: As ``search._STREAMED_UP_TO``: up to this many the page is read from the queue's index.
STREAMED_UP_TO = 1000
#: As ``directory.MAX_LOOKUP``: the longest identity looked up.
MAX_LOOKUP = 200


class QuickList:
    """A page of the default listing: ``found`` matches asked for (one past the page says
    whether it is whole) and the case objects of the first ``limit``."""

    def __init__(self, found: int, rows: list[dict[str, Any]]) -> None:
        self.found = found
        self.rows = rows


def quick_case_list(
    url: str | None, identity: str | None, now: datetime, limit: int | None, asked: int | None
) -> QuickList | None:
    """The default listing's first ``asked`` cases (all, for None), the first ``limit`` of them
    as case objects; None when the ordinary path must answer (see the module's docstring).

    ``identity``: a trusted caller's (tests); else the OS login, as the ordinary path signs in."""
    reader = open_quick_reader(url)
    if reader is None:
        return None
    try:
        with reader.snapshot():
            if not _signed_in(reader, os_login() if identity is None else identity):
                return None
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
            rows = [case_dict(cases[i], book, now) for i in shown if i in cases]
            return QuickList(len(ids), rows)
    finally:
        reader.close()


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
