"""Full text over a case's summary, description and timeline, through the database's own index.

* SQLite: an FTS5 table ``case_text`` kept by triggers (created by a migration): one row per
  case at rowid ``-case.id`` holding summary, description and steps; one row per timeline
  event at its own id;
* PostgreSQL: GIN indexes on ``tsvector`` expressions over ``case`` and ``case_event``
  (``'simple'`` configuration: no stemming, like FTS5's ``unicode61``); the queries below
  repeat the indexed expressions exactly, which is what lets the planner use them.

Words match as prefixes (``print`` finds "printer"), phrases word for word in order. The words
given here are already split into letters and digits (``core.query.text_words``), so nothing
the user typed reaches the index's own query syntax.

A rare word is cheaper the other way round: :func:`matching_case_ids` lists its cases (asking
the index for no more than a cap of hits), and the search then reads those cases by id instead
of walking the open cases in urgency order and testing each against every hit.

A common word is cheaper a third way: :func:`holding` says which of a few given cases hold it,
at the cost of those cases' texts, so the search can walk the cases in urgency order until a
page is found instead of first listing every text that holds the word (83,000 for "vacation"
at a million cases).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import peewee

from wzdesk.store import fts_sql, pg_text_sql, text_sql
from wzdesk.store.database import db

#: A SQL condition (an expression, or literal SQL such as ``1=1``).
Cond = peewee.ColumnBase


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def read_rows(sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
    """The store's connection as the reader of :mod:`fts_sql`, :mod:`pg_text_sql` and
    :mod:`dated_sql` (their ``?`` marks as the PostgreSQL drivers' ``%s``)."""
    if is_postgres():
        sql = _pg(sql)
    return db.execute_sql(sql, params).fetchall()  # type: ignore[no-any-return]


def _pg(sql: str) -> str:
    """A :mod:`pg_text_sql` statement as the store's PostgreSQL driver takes it."""
    return sql.replace("?", "%s")


def matches(
    case_id: peewee.Field,
    words: Sequence[str],
    phrase: bool,
    public_only: bool = False,
    named: str | None = None,
) -> Cond:
    """``case_id`` of cases whose text holds every word (as a prefix) or the phrase.

    ``public_only``: only the client-visible timeline counts (a client's search must not
    reveal that a word is in an internal note). ``named``: a word that also finds the case
    it names (a reference) and its client's cases (a client code), in the same list: beside
    it as an OR, PostgreSQL could not join the list and compared each open case with every
    hit in turn (the console's "p" at a million cases ran for more than ten minutes; as one
    list, 1.8 s)."""
    hits = text_sql.hits(is_postgres(), words, phrase, public_only) if words else None
    found = pg_text_sql.one_list(hits, named)
    if found is None:
        return peewee.SQL("1=0")
    sql, params = found
    return case_id.in_(peewee.SQL(f"({_pg(sql) if is_postgres() else sql})", params))


def case_ids(words: Sequence[str], phrase: bool, public_only: bool = False) -> set[int]:
    """Every case :func:`matches` finds, read whole: the cost of the words' hits."""
    return text_sql.case_ids(read_rows, is_postgres(), words, phrase, public_only)


def matching_case_ids(words: Sequence[str], phrase: bool, cap: int) -> list[int] | None:
    """The cases whose own text or timeline (public or not) holds the words, when the index
    finds at most ``cap`` texts that do; None for more (then :func:`matches` is the better
    plan). A cheap question however common the words are: the index stops after ``cap``."""
    if not words:
        return []
    return text_sql.matching_case_ids(read_rows, is_postgres(), words, phrase, cap)


def hits_exceed(words: Sequence[str], phrase: bool, count: int, prefixes: bool = True) -> bool:
    """Whether more than ``count`` texts hold the words (or, on PostgreSQL, the planner
    expects so): what listing them would cost, asked for no more than ``count`` of them.

    ``prefixes=False`` counts the words as whole words only on SQLite (a lower bound, and a
    cheap one: a prefix query merges the hit lists of every word it begins first). On
    PostgreSQL the planner's estimate answers, a phrase judged by its words
    (:func:`pg_text_sql.hits_exceed`)."""
    if not words:
        return False
    return text_sql.hits_exceed(read_rows, is_postgres(), words, phrase, count, prefixes)


def texts_estimate() -> int:
    """About how many texts the index holds (one per case and one per timeline event), from
    the highest ids: two index look-ups, where counting would read them all."""
    return text_sql.texts_estimate(read_rows)


def holding(
    case_ids: Sequence[int], words: Sequence[str], phrase: bool, public_only: bool = False
) -> set[int]:
    """Which of ``case_ids`` hold the words (as prefixes) or the phrase in their own text or
    a timeline event (the public ones only, with ``public_only``): what :func:`matches` says
    of them, at the cost of their texts, not of the index's hits for the words.

    PostgreSQL evaluates the indexed expressions on those rows. SQLite's FTS5 cannot test a
    given row against a prefix query without merging the words' whole hit lists, so their
    texts are copied into a temporary FTS5 table declared exactly as ``case_text`` (its
    declaration is read from the schema) and matched there: the same tokenizer and the same
    query, over a few hundred texts."""
    return text_sql.holding(read_rows, is_postgres(), _probe, case_ids, words, phrase, public_only)


#: The temporary twin of ``case_text`` that :func:`holding` matches a few texts in.
_PROBE = f"temp.{fts_sql.PROBE_NAME}"


def _probe(texts: Sequence[str], fts: str) -> list[int]:
    """:data:`fts_sql.Probe` on the store's connection: a temporary table, created once per
    connection; the database file is not written."""
    if not db.execute_sql(
        f"SELECT 1 FROM sqlite_temp_master WHERE name = '{fts_sql.PROBE_NAME}'"
    ).fetchone():
        db.execute_sql(fts_sql.probe_declaration(read_rows, _PROBE))
    with db.atomic():  # the temporary table only
        return fts_sql.probed(read_rows, db.cursor().executemany, _PROBE, texts, fts)
