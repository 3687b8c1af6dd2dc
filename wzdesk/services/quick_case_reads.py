"""``wzdesk case list`` with no filter and ``wzdesk case show``, answered without Peewee
(issue 13; :mod:`wzdesk.services.quick_reads` says how the quick path works).

The page is what :func:`wzdesk.services.search.search_cases` gives for the default query
(every case not closed, most urgent first): the same walk of the queue's index in plain SQL
(:mod:`wzdesk.store.quick_cases`), ranked by the same :func:`urgency.first_in_order`, each case
shown by the same :func:`case_fields.case_dict`.

``case show`` reads the rows ``case_views.show_case`` reads through the models and gives them
to the same assembly, :func:`case_fields.sheet_dict`, with the same two-admin rule. A case
with attachments (their files are in the blob store the mail settings name) or a reference no
case has (the ordinary path words the error) takes the ordinary path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wzdesk.core.refs import ref_text
from wzdesk.services import urgency
from wzdesk.services.case_fields import case_dict, link_items, outgoing_items, sheet_dict
from wzdesk.services.policy_book import read_policy_book
from wzdesk.services.quick_reads import admin_flags_of, read_quickly
from wzdesk.store import quick_cases
from wzdesk.store.quick_read import QuickReader


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
    ``identity``: as for :func:`read_quickly`."""

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

    return read_quickly(url, identity, read)


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
            client_flags=admin_flags_of(reader, case.client.id).text,
        )

    return read_quickly(url, identity, read)


def _first(reader: QuickReader, count: int | None) -> list[int]:
    """``search_ids``'s ``first`` for the default query: at least the first ``count`` cases in
    SQL's urgency order (open ones by the index walk, then done ones)."""
    if count is None or count > urgency.STREAMED_UP_TO:
        return quick_cases.sorted_ids(reader, count)
    more = min(4 * count, urgency.STREAMED_UP_TO)
    found: Sequence[int] = quick_cases.first_open(reader, more)
    if len(found) < more:
        found = [*found, *quick_cases.first_done(reader, more - len(found))]
    return list(found)
