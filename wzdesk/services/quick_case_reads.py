"""``wzdesk case list`` and ``wzdesk case show``, answered without Peewee (issue 13;
:mod:`wzdesk.services.quick_reads` says how the quick path works).

The page is what :func:`wzdesk.services.search.search_cases` gives for the query the flags
and ``--query`` stand for (:func:`case_filter.flags_query`, the same on both paths): the same
condition and order written as SQL text (:mod:`wzdesk.store.quick_query`), the same walk of
the queue's index for the most urgent first (:mod:`wzdesk.store.quick_cases`), ranked by the
same :func:`urgency.first_in_order`, each case shown by the same :func:`case_fields.case_dict`.
Free text is answered here too, over SQLite's FTS5 table or PostgreSQL's GIN indexes
(:mod:`wzdesk.store.text_sql`, the statements the engine sends there). When the query ANDs in
a rare word or phrase (found in at most ``fts_sql.RARE_HITS`` texts) SQL reads those few cases
only, as the engine does then (:func:`wzdesk.store.fts_sql.rare_text_cases`, the same for
both). A common word ("payroll" at a million cases, in ~80,000 texts) takes the engine's
plans, written once for both paths in :mod:`wzdesk.store.text_plans`: the open cases that meet
the rest of the query are walked in urgency order and only those asked whether they hold the
words, the done cases following when the open ones run out; when the walk gives up, the cases
with every word; else the walk of the queue's index with the whole condition. On SQLite the
texts asked about are matched in an in-memory database of the reader's own
(``QuickReader.probe``): the quick connection is ``query_only``, and refuses even the
temporary table the ordinary path matches them in. At a million cases (2026-12-07, a 2-core
machine, 7 pairs) ``case list --query payroll --limit 20`` went from 13.9× ``python -c
pass``'s CPU to 6.7–6.8× on SQLite (190–195 ms to 100–106), and from 11.9× to 5.2× on
PostgreSQL (173–184 ms to 75–82).

A flag the ordinary path refuses (it words the error) and ``--as`` take the ordinary path. On
PostgreSQL the walks first probe the first entries of an index, as the search does there
(``search._first_walked``, ``_paused_walked``, ``done_order.first_found``).

``view list`` counts each view's matches with the same condition (``search.count_cases``); a
view with free text sends the whole list to the ordinary path.

``case show`` reads the rows ``case_views.show_case`` reads through the models and gives them
to the same assembly, :func:`case_fields.sheet_dict`, with the same two-admin rule. A case
with attachments (their files are in the blob store the mail settings name) or a reference no
case has (the ordinary path words the error) takes the ordinary path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from wzdesk.core.errors import UserError
from wzdesk.core.query import (
    Query,
    SortKey,
    Streams,
    TextTerm,
    holds_text,
    parse_query,
)
from wzdesk.core.refs import ref_text
from wzdesk.core.text import clean
from wzdesk.services import urgency
from wzdesk.services.case_fields import case_dict, link_items, outgoing_items, sheet_dict
from wzdesk.services.case_filter import CaseFilter, flags_query
from wzdesk.services.directory_fields import MAX_LOOKUP, client_code_text
from wzdesk.services.policy_book import read_policy_book
from wzdesk.services.quick_reads import StepAside, acting_login, admin_flags_of, read_quickly
from wzdesk.store import (
    dated_sql,
    fts_sql,
    quick_cases,
    quick_directory,
    quick_query,
    text_plans,
    text_sql,
)
from wzdesk.store.quick_query import day_start
from wzdesk.store.quick_read import QuickReader, listed_ids


class QuickList:
    """A page of the listing: ``found`` matches asked for (one past the page says
    whether it is whole) and the case objects of the first ``limit``."""

    def __init__(self, found: int, rows: list[dict[str, Any]]) -> None:
        self.found = found
        self.rows = rows


def quick_case_list(
    url: str | None,
    identity: str | None,
    now: datetime,
    limit: int | None,
    asked: int | None,
    flt: CaseFilter | None = None,
    query_text: str | None = None,
) -> QuickList | None:
    """The first ``asked`` matches (all, for None) of ``case list``'s flags ``flt`` and query
    ``query_text`` (none: every case not closed), the first ``limit`` of them as case objects;
    None when the ordinary path must answer (see the module's docstring). ``identity``: as for
    :func:`read_quickly`."""

    def read(reader: QuickReader) -> QuickList:
        try:
            query = flags_query(
                flt or CaseFilter(),
                parse_query(query_text) if query_text else Query(),
                lambda typed: _login_of(reader, typed),
                lambda typed: _code_of(reader, typed),
            )
        except UserError:
            raise StepAside from None  # the ordinary path words it, naming the flag
        book = read_policy_book(reader.rows)
        me = acting_login(reader, identity)
        rare = _rare_text_cases(reader, query)
        terms = quick_query.Terms(
            now,
            me,
            book.at(now).calendar.zone,
            lambda seconds: book.due_horizons(now, seconds),
            free_text=True,
            bind=reader.instant,
            postgres=reader.postgres,
        )
        try:
            condition = quick_query.where(query, terms)
        except quick_query.NoQuickForm:
            raise StepAside from None  # a term this path does not write
        if rare is None and query.sort in ((), _DUE_FIRST):
            rare = _dated_cases(reader, query, terms)  # as search_ids, in urgency order only
        if rare is not None:  # implied by the condition: SQL reads those cases only
            condition = _among(rare, condition)
        if query.sort in ((), _DUE_FIRST) and rare is not None:
            # A few cases: SQL sorts them all (search_ids, when _where found them few).
            ids = urgency.first_in_order(
                lambda count: quick_cases.sorted_ids(reader, count, condition),
                asked,
                book,
                now,
                lambda chunk: quick_cases.urgency_rows(reader, chunk),
            )
        elif query.sort in ((), _DUE_FIRST) and holds_text(query.where):
            ids = urgency.first_in_order(
                _text_first(reader, query, terms, condition),
                asked,
                book,
                now,
                lambda chunk: quick_cases.urgency_rows(reader, chunk),
            )
        elif query.sort in ((), _DUE_FIRST):
            # The paused ones are read apart, by time left (search_ids); nothing running that
            # matches is due before due_from, and the walk starts there.
            running = quick_cases.running(condition)
            start = urgency.running_due_from(query.where, now, book)
            due_from = None if start is None else reader.instant(start)
            streams = Streams(query.where)  # as search_ids reads them
            ids = urgency.first_in_order(
                lambda count: (
                    []
                    if streams.only_paused or streams.only_done
                    else _first(reader, count, running, due_from, streams.timed)
                ),
                asked,
                book,
                now,
                lambda chunk: quick_cases.urgency_rows(reader, chunk),
                lambda count: (
                    []
                    if streams.none_paused or streams.only_done
                    else quick_cases.paused_first(reader, count, condition, streams.ticking)
                ),
                lambda count: (
                    []
                    if streams.only_paused
                    else quick_cases.first_done(
                        reader, count, condition, streams.severities, streams.walk_done
                    )
                ),
            )
        else:
            ids = quick_cases.sorted_ids(reader, asked, condition, quick_query.order(query.sort))
        shown = ids if limit is None else ids[:limit]
        cases = quick_cases.cases_by_id(reader, shown)
        return QuickList(len(ids), [case_dict(cases[i], book, now) for i in shown if i in cases])

    return read_quickly(url, identity, read)


def quick_view_list(
    url: str | None, identity: str | None, now: datetime
) -> list[dict[str, Any]] | None:
    """``view list``'s objects: the views the user sees, each with how many cases it matches
    at ``now``; None when the ordinary path must answer (see the module's docstring)."""
    from wzdesk.services.desk_fields import view_dict

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        book = read_policy_book(reader.rows)
        me = acting_login(reader, identity)
        zone = book.at(now).calendar.zone
        terms = quick_query.Terms(
            now, me, zone, lambda seconds: book.due_horizons(now, seconds), bind=reader.instant
        )
        found = []
        for view in quick_directory.saved_views(reader, me):
            try:
                condition = quick_query.counted(parse_query(view.query), terms)
            except (UserError, quick_query.NoQuickForm):
                raise StepAside from None  # free text, or a query the ordinary path words
            found.append(view_dict(view, zone, quick_cases.count(reader, condition)))
        return found

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


#: ``sort:due``: most urgent first, as with no ``sort:`` (``search._DUE_FIRST``).
_DUE_FIRST = (SortKey("due", False),)


def _first(
    reader: QuickReader,
    count: int | None,
    condition: quick_query.Where,
    due_from: Any,
    timed: bool,
) -> list[int]:
    """``search_ids``'s ``first`` with no free text: at least the first ``count`` running
    open matches in SQL's urgency order (the index walk: ``_most_urgent``); ``condition`` is
    :func:`quick_cases.running`'s."""
    if count is None or count > urgency.STREAMED_UP_TO:
        return quick_cases.sorted_ids(reader, count, quick_cases.open_only(condition))
    more = min(4 * count, urgency.STREAMED_UP_TO)
    return quick_cases.first_open(reader, more, condition, True, due_from, timed)


def _rare_text_cases(reader: QuickReader, query: Query) -> list[int] | None:
    """The few cases every match of a query with free text is among, when it ANDs in a rare
    word (``search._rare_text_cases``); None otherwise."""
    if not holds_text(query.where):
        return None
    return fts_sql.rare_text_cases(
        query.where,
        lambda words, phrase, cap: text_sql.matching_case_ids(
            reader.rows, reader.postgres, words, phrase, cap
        ),
        lambda code: quick_directory.client_id(reader, code) is not None,
        lambda ref: sorted(_case_named(reader, ref)),
    )


def _text_first(
    reader: QuickReader, query: Query, terms: quick_query.Terms, condition: quick_query.Where
) -> Callable[[int | None], list[int]]:
    """``search_ids``' ``first`` for a query with free text and no few cases to start from
    (one stream, the done cases after the open ones): the engine's plans for common words
    (:class:`text_plans.WordsFirst`), else the walk of the queue's index with the whole
    condition (``search._most_urgent``), or SQL's sort of every match."""
    words = text_plans.WordsFirst(
        lambda count: _urgent_with_text(reader, query, terms, condition, count),
        lambda: _cases_with_every_word(reader, query),
        lambda met, count: quick_cases.sorted_ids(reader, count, _among(met, condition)),
    )
    timed = Streams(query.where).timed

    def first(count: int | None) -> list[int]:
        streamable = count is not None and count <= urgency.STREAMED_UP_TO
        found = words.first(count, streamable)
        if found is not None:
            return found
        if count is None or not streamable:
            return quick_cases.sorted_ids(reader, count, condition)
        more = min(4 * count, urgency.STREAMED_UP_TO)
        found = quick_cases.first_open(reader, more, condition, timed=timed)
        if len(found) < more:
            found += quick_cases.first_done(reader, more - len(found), condition)
        return found

    return first


def _urgent_with_text(
    reader: QuickReader,
    query: Query,
    terms: quick_query.Terms,
    condition: quick_query.Where,
    limit: int,
) -> list[int] | None:
    """``search._urgent_with_text``: :func:`text_plans.urgent_with_text` over this reader,
    walking the open cases that meet the rest of the query."""
    words = text_plans.top_words(query.where)
    if not words:
        return None
    rest = quick_query.rest(query, terms)

    def held(fresh: list[int]) -> set[int]:
        params: list[Any] = []
        parts = [f"id IN {listed_ids(fresh)}"]
        for term in words:
            holding = sorted(_holding(reader, fresh, term))
            parts.append(quick_query.held_text(term, holding, params))
        return set(quick_cases.sorted_ids(reader, None, (" AND ".join(parts), tuple(params)), "id"))

    return text_plans.urgent_with_text(
        words,
        limit,
        lambda count: quick_cases.first_open(reader, count, rest),
        held,
        lambda count: quick_cases.first_done(reader, count, condition),
        lambda term, count, prefixes: _exceeds(reader, term, count, prefixes),
        lambda: text_sql.texts_estimate(reader.rows),
    )


def _cases_with_every_word(reader: QuickReader, query: Query) -> list[int] | None:
    """``search._cases_with_every_word``: :func:`text_plans.cases_with_every_word` over this
    reader."""
    return text_plans.cases_with_every_word(
        query.where,
        lambda code: quick_directory.client_id(reader, code) is not None,
        lambda term, count, prefixes: _exceeds(reader, term, count, prefixes),
        lambda term: (
            text_sql.case_ids(reader.rows, reader.postgres, term.words, term.phrase)
            | _named(reader, term)
        ),
        lambda ids, term: _holding(reader, ids, term) | _named(reader, term),
    )


def _exceeds(reader: QuickReader, term: TextTerm, count: int, prefixes: bool) -> bool:
    """``fulltext.hits_exceed`` over this reader (:data:`text_plans.Exceeds`)."""
    return text_sql.hits_exceed(
        reader.rows, reader.postgres, term.words, term.phrase, count, prefixes
    )


def _holding(reader: QuickReader, case_ids: list[int], term: TextTerm) -> set[int]:
    """``fulltext.holding`` over this reader: which of ``case_ids`` hold the term's words."""
    return text_sql.holding(
        reader.rows, reader.postgres, reader.probe, case_ids, term.words, term.phrase
    )


def _named(reader: QuickReader, term: TextTerm) -> set[int]:
    """``search._named_case``: the case a word (not a phrase) names by its reference, if any."""
    return set() if term.phrase else _case_named(reader, term.text.upper())


def _case_named(reader: QuickReader, ref: str) -> set[int]:
    found = quick_cases.case_id(reader, ref)
    return set() if found is None else {found}


def _among(case_ids: list[int], condition: quick_query.Where) -> quick_query.Where:
    """``condition`` among those cases only (``search._listed``; PostgreSQL refuses an empty
    ``IN ()``)."""
    sql, params = condition
    among = f"id IN {listed_ids(case_ids)}" if case_ids else "1=0"
    return (f"({among} AND {sql})", params)


def _dated_cases(reader: QuickReader, query: Query, terms: quick_query.Terms) -> list[int] | None:
    """The few cases a received or updated date range of the query holds
    (``search._dated_cases``), or None."""
    term = dated_sql.bounding_date(query.where)
    if term is None:
        return None
    start, end = term.day_range(terms.now.astimezone(terms.zone).date())
    bound = [None if day is None else terms.at(day_start(day, terms.zone)) for day in (start, end)]
    return dated_sql.dated_case_ids(reader.rows, reader.postgres, term.field, *bound)


def _code_of(reader: QuickReader, typed: str) -> str:
    """``directory.get_client(typed).code``; a code no client has steps aside (the ordinary
    path says so, naming ``--client``)."""
    code = client_code_text(typed)
    if quick_directory.client_id(reader, code) is None:
        raise StepAside
    return code


def _login_of(reader: QuickReader, typed: str) -> str:
    """``directory.get_user(typed).login``; a login nobody has steps aside (the ordinary path
    says so, naming ``--assignee``)."""
    found = quick_directory.user_login(reader, clean(typed).strip().lower()[:MAX_LOOKUP])
    if found is None:
        raise StepAside
    return found
