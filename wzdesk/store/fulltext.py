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
"""

from __future__ import annotations

from collections.abc import Sequence

import peewee

from wzdesk.store.database import db

#: A SQL condition (an expression, or literal SQL such as ``1=1``).
Cond = peewee.ColumnBase


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def matches(
    case_id: peewee.Field, words: Sequence[str], phrase: bool, public_only: bool = False
) -> Cond:
    """``case_id`` of cases whose text holds every word (as a prefix) or the phrase.

    ``public_only``: only the client-visible timeline counts (a client's search must not
    reveal that a word is in an internal note)."""
    if not words:
        return peewee.SQL("1=0")
    if is_postgres():
        joiner = " <-> " if phrase else " & "
        tsquery = joiner.join(w if phrase else f"{w}:*" for w in words)
        found = peewee.SQL(
            "(SELECT c.id FROM \"case\" c WHERE to_tsvector('simple', coalesce(c.summary, '') "
            "|| ' ' || coalesce(c.description, '') || ' ' || coalesce(c.steps_to_reproduce, '')) "
            "@@ to_tsquery('simple', %s) "
            "UNION SELECT e.case_id FROM case_event e "
            "WHERE to_tsvector('simple', coalesce(e.body, '')) @@ to_tsquery('simple', %s)"
            + (" AND e.public)" if public_only else ")"),
            [tsquery, tsquery],
        )
        return case_id.in_(found)
    if phrase:
        fts = '"' + " ".join(words) + '"'
    else:
        fts = " ".join(f'"{w}"*' for w in words)
    # Reading the UNINDEXED case_id column costs a lookup per hit; rowids are free: a case's
    # own row is at -case.id, an event's at its id (the case_event primary key).
    rows = peewee.SQL(
        "(SELECT -rowid FROM case_text WHERE case_text MATCH ? AND rowid < 0 "
        "UNION SELECT case_id FROM case_event WHERE id IN "
        "(SELECT rowid FROM case_text WHERE case_text MATCH ? AND rowid > 0)"
        + (" AND public)" if public_only else ")"),
        [fts, fts],
    )
    return case_id.in_(rows)
