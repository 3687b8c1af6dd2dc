"""Cases whose reference or summary contains a text, found through their trigrams.

The history's search matches any part of a reference or a summary, which no ordinary index
can answer: a ``LIKE '%text%'`` reads every case. Migration 24 indexes the trigrams (every run
of three characters) where the database can:

* **SQLite**: an FTS5 table ``case_trigram`` with the ``trigram`` tokenizer (SQLite 3.34 and
  later), kept by triggers. A phrase query on it finds the rows holding the text anywhere,
  case-insensitively, without reading the cases.
* **PostgreSQL**: a GIN index with ``pg_trgm``'s operator class, which the planner uses for
  the ``ILIKE`` the condition is written in, by itself.

A text shorter than three characters has no trigram, and a database without the index (an
older SQLite, a PostgreSQL server without ``pg_trgm``) reads every case, as before.
"""

from __future__ import annotations

import peewee

from wzdesk.store.database import db
from wzdesk.store.fulltext import is_postgres
from wzdesk.store.models import Case

#: The FTS5 table migration 24 creates on SQLite.
TRIGRAM_TABLE = "case_trigram"
#: The GIN index it creates on PostgreSQL.
TRIGRAM_INDEX = "case_ref_summary_trigram"
#: A text needs one trigram for the index to find it.
SHORTEST = 3


def ref_or_summary_contains(text: str) -> peewee.Expression:
    """The condition "the case's reference or summary contains ``text``" (ignoring case), as
    ``LIKE``/``ILIKE``: PostgreSQL answers it from its trigram index; SQLite reads every case."""
    return Case.ref.contains(text) | Case.summary.contains(text)


def trigram_ids(text: str) -> peewee.SelectBase | None:
    """The ids of the cases whose reference or summary contains ``text`` (ignoring case), from
    SQLite's trigram table alone; None where it cannot say: on PostgreSQL (its index serves
    :func:`ref_or_summary_contains`), without the table, or for a text under three characters.

    The text is one FTS5 phrase, in double quotes (a quote inside doubled), so that nothing in
    it is read as the query language's syntax: to the trigram tokenizer a phrase is a run of
    characters, in order, anywhere in a column."""
    if len(text) < SHORTEST or not _has_trigram_table():
        return None
    phrase = '"' + text.replace('"', '""') + '"'
    table = peewee.Table(TRIGRAM_TABLE)
    return table.select(peewee.SQL("rowid")).where(
        peewee.SQL(f"{TRIGRAM_TABLE} MATCH ?", (phrase,))
    )


def _has_trigram_table() -> bool:
    """Whether this SQLite database holds the trigram table (one look-up in its catalogue:
    a database made by an older SQLite has none)."""
    if is_postgres():
        return False  # its index serves the ILIKE itself
    row = db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TRIGRAM_TABLE,)
    ).fetchone()
    return row is not None
