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

from wzdesk.store import fts_sql, pg_text_sql
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


#: The cases and the events (``e``) whose text holds a tsquery, as the GIN indexes read them.
_PG_CASE_HITS = _pg(pg_text_sql.CASE_HITS)
_PG_EVENT_HITS = _pg(pg_text_sql.EVENT_HITS)


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
    found = pg_text_sql.one_list(_plain_hits(words, phrase, public_only) if words else None, named)
    if found is None:
        return peewee.SQL("1=0")
    sql, params = found
    return case_id.in_(peewee.SQL(f"({_pg(sql) if is_postgres() else sql})", params))


def case_ids(words: Sequence[str], phrase: bool, public_only: bool = False) -> set[int]:
    """Every case :func:`matches` finds, read whole: the cost of the words' hits."""
    if not words:
        return set()
    sql, params = _hits(words, phrase, public_only)
    return {int(row[0]) for row in db.execute_sql(sql, params).fetchall()}


def _hits(words: Sequence[str], phrase: bool, public_only: bool) -> tuple[str, list[str]]:
    """The query of the case ids whose texts hold the words, and its parameters."""
    sql, params = _plain_hits(words, phrase, public_only)
    return (_pg(sql) if is_postgres() else sql), params


def _plain_hits(words: Sequence[str], phrase: bool, public_only: bool) -> tuple[str, list[str]]:
    """:func:`_hits` with ``?`` marks (:mod:`pg_text_sql`'s and :mod:`fts_sql`'s spelling)."""
    if is_postgres():
        return pg_text_sql.hits(words, phrase, public_only)
    fts = fts_sql.fts_query(words, phrase)
    return fts_sql.HITS + (" AND public" if public_only else ""), [fts, fts]


def matching_case_ids(words: Sequence[str], phrase: bool, cap: int) -> list[int] | None:
    """The cases whose own text or timeline (public or not) holds the words, when the index
    finds at most ``cap`` texts that do; None for more (then :func:`matches` is the better
    plan). A cheap question however common the words are: the index stops after ``cap``."""
    if not words:
        return []
    if is_postgres():
        return pg_text_sql.matching_case_ids(read_rows, words, phrase, cap)
    return fts_sql.matching_case_ids(read_rows, words, phrase, cap)


def hits_exceed(words: Sequence[str], phrase: bool, count: int, prefixes: bool = True) -> bool:
    """Whether more than ``count`` texts hold the words (or, on PostgreSQL, the planner
    expects so): what listing them would cost, asked for no more than ``count`` of them.

    ``prefixes=False`` counts the words as whole words only on SQLite (a lower bound, and a
    cheap one: a prefix query merges the hit lists of every word it begins first). On
    PostgreSQL the planner's estimate answers, a phrase judged by its words
    (:func:`pg_text_sql.hits_exceed`)."""
    if not words:
        return False
    if is_postgres():
        return pg_text_sql.hits_exceed(read_rows, words, phrase, count)
    return fts_sql.hits_exceed(read_rows, words, phrase, count, prefixes)


def texts_estimate() -> int:
    """About how many texts the index holds (one per case and one per timeline event), from
    the highest ids: two index look-ups, where counting would read them all."""
    row = db.execute_sql(
        'SELECT (SELECT MAX(id) FROM "case"), (SELECT MAX(id) FROM case_event)'
    ).fetchone()
    return sum(int(value or 0) for value in row)


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
    if not words or not case_ids:
        return set()
    listed = ", ".join(str(int(case_id)) for case_id in case_ids)  # integers only, not bound
    public = " AND e.public" if public_only else ""
    if is_postgres():
        tsquery = pg_text_sql.tsquery(words, phrase)
        rows = db.execute_sql(
            f"{_PG_CASE_HITS} AND c.id IN ({listed}) "
            f"UNION {_PG_EVENT_HITS} AND e.case_id IN ({listed}){public}",
            [tsquery, tsquery],
        )
        return {int(case_id) for (case_id,) in rows.fetchall()}
    texts = db.execute_sql(
        "SELECT case_id, body FROM case_text WHERE rowid IN "
        f"({', '.join(str(-int(case_id)) for case_id in case_ids)}) "
        f"UNION ALL SELECT e.case_id, e.body FROM case_event e WHERE e.case_id IN ({listed})"
        + public
    ).fetchall()
    probe = _probe_table()
    with db.atomic():  # the temporary table only: the database file is not written
        db.cursor().executemany(
            f"INSERT INTO {probe} (rowid, body) VALUES (?, ?)",
            [(row, body) for row, (_, body) in enumerate(texts)],
        )
        rows = db.execute_sql(
            f"SELECT rowid FROM {probe} WHERE {_PROBE_NAME} MATCH ?",
            [fts_sql.fts_query(words, phrase)],
        ).fetchall()
        db.execute_sql(f"INSERT INTO {probe} ({_PROBE_NAME}) VALUES ('delete-all')")
    return {int(texts[row][0]) for (row,) in rows}


#: The temporary twin of ``case_text`` that :func:`holding` matches a few texts in.
_PROBE_NAME = "case_text_probe"
_PROBE = f"temp.{_PROBE_NAME}"


def _probe_table() -> str:
    """Create :data:`_PROBE` on this connection if it is not there yet: declared as
    ``case_text`` is (so its tokenizer cannot drift from the index's), but contentless (it
    holds only the index; a row is known by its rowid, and emptying it is one command)."""
    if db.execute_sql(f"SELECT 1 FROM sqlite_temp_master WHERE name = '{_PROBE_NAME}'").fetchone():
        return _PROBE
    (declared,) = db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'case_text'"
    ).fetchone()
    columns = declared[declared.index(" USING ") : declared.rindex(")")]
    db.execute_sql(f"CREATE VIRTUAL TABLE {_PROBE}{columns}, content='')")
    return _PROBE
