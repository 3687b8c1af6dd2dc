"""Full text over any reader, on either database: each question asked of SQLite's FTS5 table
(:mod:`fts_sql`) or of PostgreSQL's GIN indexes (:mod:`pg_text_sql`), whichever ``postgres``
says (issue 13).

:mod:`wzdesk.store.fulltext` asks these of the store's connection (through Peewee); the quick
read-only path of ``case list`` asks them of its own connection
(:mod:`wzdesk.services.quick_case_reads`). ``rows`` is any ``(sql, params) -> rows`` reader
whose statements mark each value with ``?``. Peewee-free.
"""

from __future__ import annotations

from collections.abc import Sequence

from wzdesk.store import fts_sql, pg_text_sql
from wzdesk.store.fts_sql import Probe, Rows


def hits(
    postgres: bool, words: Sequence[str], phrase: bool, public_only: bool = False
) -> tuple[str, list[str]]:
    """The query of the ids of the cases whose texts hold the words (as prefixes) or the
    phrase (``public_only``: their client-visible timeline), and its parameters."""
    if postgres:
        return pg_text_sql.hits(words, phrase, public_only)
    fts = fts_sql.fts_query(words, phrase)
    return fts_sql.HITS + (" AND public" if public_only else ""), [fts, fts]


def case_ids(
    rows: Rows, postgres: bool, words: Sequence[str], phrase: bool, public_only: bool = False
) -> set[int]:
    """Every case whose text holds the words or the phrase, read whole: the cost of the
    words' hits."""
    if not words:
        return set()
    sql, params = hits(postgres, words, phrase, public_only)
    return {int(row[0]) for row in rows(sql, params)}


def matching_case_ids(
    rows: Rows, postgres: bool, words: Sequence[str], phrase: bool, cap: int
) -> list[int] | None:
    """The cases whose own text or timeline (public or not) holds the words, when the index
    finds at most ``cap`` texts that do; None for more."""
    if postgres:
        return pg_text_sql.matching_case_ids(rows, words, phrase, cap)
    return fts_sql.matching_case_ids(rows, words, phrase, cap)


def hits_exceed(
    rows: Rows,
    postgres: bool,
    words: Sequence[str],
    phrase: bool,
    count: int,
    prefixes: bool = True,
) -> bool:
    """Whether more than ``count`` texts hold the words (on PostgreSQL, whether the planner
    expects so); ``prefixes=False``: on SQLite, counted as whole words only (see
    :func:`fts_sql.hits_exceed`)."""
    if postgres:
        return pg_text_sql.hits_exceed(rows, words, phrase, count)
    return fts_sql.hits_exceed(rows, words, phrase, count, prefixes)


def texts_estimate(rows: Rows) -> int:
    """About how many texts the index holds (one per case and one per timeline event), from
    the highest ids: two index look-ups, where counting would read them all."""
    found = rows('SELECT (SELECT MAX(id) FROM "case"), (SELECT MAX(id) FROM case_event)', ())
    return sum(int(value or 0) for value in found[0])


def holding(
    rows: Rows,
    postgres: bool,
    probe: Probe | None,
    case_ids: Sequence[int],
    words: Sequence[str],
    phrase: bool,
    public_only: bool = False,
) -> set[int]:
    """Which of ``case_ids`` hold the words (as prefixes) or the phrase in their own text or a
    timeline event (the public ones only, with ``public_only``), at the cost of their texts,
    not of the index's hits for the words. ``probe``: SQLite's (:data:`fts_sql.Probe`)."""
    if not words or not case_ids:
        return set()
    if postgres:
        return pg_text_sql.holding(rows, case_ids, words, phrase, public_only)
    assert probe is not None
    return fts_sql.holding(rows, probe, case_ids, words, phrase, public_only)
