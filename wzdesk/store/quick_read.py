"""A read-only connection without Peewee, for commands that only read.

Importing Peewee and defining the models costs about 45 ms of CPU, more than three times
``python -c pass`` and more than most reads themselves (issue 13); the bare ``sqlite3`` module
costs a few, psycopg2 about ten. ``wzdesk sla due`` answers from three small tables
(:mod:`calendar_rows`), ``case list`` and ``case show`` from a few statements
(:mod:`quick_cases`), the directory lists from one or two (:mod:`quick_directory`).

This path is taken only when it is sure to see what the full path would: a SQLite file that
exists, or a PostgreSQL database psycopg2 reaches, holding a wzdesk database at the schema
version this wzdesk writes. Anything else (no file yet, an older schema to upgrade, a file
that is not a database, an empty PostgreSQL database, no psycopg2) returns None and the caller
opens the store the ordinary way, which creates, upgrades or reports. A PostgreSQL server that
refuses the connection is reported here, in the ordinary path's words: trying again there
would double a timeout.

The statements are written once, in SQLite's spelling with ``?`` for each value:
:meth:`QuickReader.rows` gives PostgreSQL psycopg2's ``%s`` and the few words it spells
otherwise (:data:`POSTGRESQL_SPELLINGS`). Instants are bound with :meth:`QuickReader.instant`
(and the session is in UTC). Where the search reads PostgreSQL otherwise (its walks probe an
index's first entries; free text reads GIN indexes, not FTS5), the reading asks
:attr:`QuickReader.postgres`.

Nothing is written through the connection: SQLite's is ``query_only``, PostgreSQL's session
is read-only. On SQLite not even a temporary table can be made on it, so the few texts a search
for a common word asks about are matched in an in-memory database of the reader's own
(:meth:`QuickReader.probe`), not in the store's temporary table as the ordinary path does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from wzdesk.core.errors import UserError
from wzdesk.store.location import DatabaseTarget, parse_database_url, url_from_environment
from wzdesk.store.schema_version import SCHEMA_VERSION
from wzdesk.store.stored_values import date_from_db, instant_from_db, instant_to_sqlite

#: As the full path waits for a lock (see :data:`wzdesk.store.database.SQLITE_PRAGMAS`).
BUSY_SECONDS = 10.0

_SCHEMA_VERSION_SQL = "SELECT MAX(version) FROM wzdesk_schema"


class QuickReader:
    """One read-only connection; ``rows(sql, params)`` returns a statement's rows."""

    def __init__(self, connection: Any, postgres: bool = False) -> None:
        self._connection = connection
        #: True on PostgreSQL (psycopg2), False on SQLite.
        self.postgres = postgres
        #: What a reading worked out once and asks again (who signed in), by a key it chooses.
        self.memo: dict[object, Any] = {}
        self._statements: dict[str, str] = {}
        self._scratch: Any = None  # the in-memory database of :meth:`probe`

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        if not self.postgres:
            rows: Sequence[Sequence[Any]] = self._connection.execute(sql, params).fetchall()
            return rows
        statement = self._statements.get(sql)
        if statement is None:
            statement = self._statements[sql] = psycopg2_statement(sql)
        with self._connection.cursor() as cursor:
            cursor.execute(statement, tuple(params))
            found: Sequence[Sequence[Any]] = cursor.fetchall() if cursor.description else []
            return found

    def instant(self, value: datetime) -> Any:
        """An aware instant as a statement binds it against an instant column: SQLite's UTC
        text, or the instant itself for PostgreSQL's ``timestamptz``."""
        return value.astimezone(UTC) if self.postgres else instant_to_sqlite(value)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: the statements inside see one state of the database, whatever
        a console writes meanwhile (a page read in several statements stays one page)."""
        if self.postgres:  # psycopg2 in autocommit mode knows nothing of this transaction
            self.rows("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            self._connection.execute("BEGIN")
        try:
            yield
        finally:
            if self.postgres:
                self.rows("ROLLBACK")
            else:
                self._connection.rollback()

    def probe(self, texts: Sequence[str], fts: str) -> list[int]:
        """:data:`fts_sql.Probe` on SQLite: ``texts`` matched against the FTS5 query ``fts``
        in an in-memory database opened for it (the same SQLite library, so the same
        tokenizer; the table declared as the store's ``case_text`` is). The reader's own
        connection is ``query_only``: a temporary table on it is refused."""
        from wzdesk.store import fts_sql  # only here: the other quick reads need none of it

        if self._scratch is None:
            import sqlite3

            scratch = sqlite3.connect(":memory:", isolation_level=None)
            scratch.execute(fts_sql.probe_declaration(self.rows, fts_sql.PROBE_NAME))
            self._scratch = scratch
        # One transaction: a row each (autocommit) cost 126 ms of CPU for "payroll" at 1M.
        self._scratch.execute("BEGIN")
        try:
            return fts_sql.probed(
                lambda sql, params: self._scratch.execute(sql, params).fetchall(),
                self._scratch.executemany,
                fts_sql.PROBE_NAME,
                texts,
                fts,
            )
        finally:
            self._scratch.execute("COMMIT")

    def close(self) -> None:
        if self._scratch is not None:
            self._scratch.close()
        self._connection.close()


#: What PostgreSQL spells otherwise, as the statements here write it for SQLite: a boolean
#: column against an integer (Peewee binds True and False), SQLite's ``INSTR`` (the same
#: arguments as ``STRPOS``) and its two-argument ``MIN`` (``LEAST``; the due instants are
#: never NULL). Each would be an error on PostgreSQL, not another answer: a spelling missing
#: here fails loudly, and the equivalence tests run on both databases.
POSTGRESQL_SPELLINGS = (
    ("(is_open = 1)", "(is_open = true)"),
    ("(is_open = 0)", "(is_open = false)"),
    ("INSTR(", "STRPOS("),
    ("MIN(response_due, resolution_due)", "LEAST(response_due, resolution_due)"),
)


def psycopg2_statement(sql: str) -> str:
    """``sql`` as psycopg2 sends it to PostgreSQL: ``%s`` for each ``?`` outside quotes, a
    literal ``%`` doubled (psycopg2 reads ``%%`` as one), and :data:`POSTGRESQL_SPELLINGS`."""
    for sqlite, postgresql in POSTGRESQL_SPELLINGS:
        sql = sql.replace(sqlite, postgresql)
    parts = sql.replace("%", "%%").split("'")
    for index in range(0, len(parts), 2):  # the even parts are outside string literals
        parts[index] = parts[index].replace("?", "%s")
    return "'".join(parts)


def open_quick_reader(url: str | None) -> QuickReader | None:
    """A reader for the database ``url`` names (or ``WZDESK_DB``, or the default), or None
    when the ordinary path must open it (see the module's docstring)."""
    try:
        target = parse_database_url(url if url is not None else url_from_environment())
    except UserError:
        return None  # the ordinary path reports the bad --db
    if target.backend == "postgresql":
        return _open_postgresql(target)
    if target.backend != "sqlite" or not os.path.isfile(target.location):
        return None
    import sqlite3  # only here: 1–2 ms a PostgreSQL command need not pay

    try:
        connection = sqlite3.connect(target.location, timeout=BUSY_SECONDS)
    except sqlite3.Error:
        return None
    try:
        connection.execute("PRAGMA query_only = ON")
        found = connection.execute(_SCHEMA_VERSION_SQL).fetchone()
    except sqlite3.Error:
        connection.close()  # not a wzdesk database, or not a database at all
        return None
    if not found or found[0] != SCHEMA_VERSION:
        connection.close()
        return None
    return QuickReader(connection)


def _open_postgresql(target: DatabaseTarget) -> QuickReader | None:
    """A read-only psycopg2 session on ``target``, connected as the ordinary path connects
    (``store.database.connect``: the URL's parts and libpq options), or None.

    The command line has imported psycopg2 already, without Python's ``ssl``
    (``cli.main._import_psycopg2_without_ssl``)."""
    try:
        import psycopg2  # noqa: PLC0415  (PostgreSQL only)
    except ImportError:
        return None  # the ordinary path tries psycopg 3, or says what to install
    try:
        connection = psycopg2.connect(database=target.location, **dict(target.params))
    except psycopg2.OperationalError as error:
        raise target.unavailable(error) from None
    except psycopg2.Error:
        return None
    try:
        connection.autocommit = True
        reader = QuickReader(connection, postgres=True)
        # Read-only; and a UTC session, so that no instant depends on the server's zone.
        reader.rows("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET TIME ZONE 'UTC'")
        found = reader.rows(_SCHEMA_VERSION_SQL)
    except psycopg2.Error:
        connection.close()  # an empty database (the ordinary path creates the tables)
        return None
    if not found or found[0][0] != SCHEMA_VERSION:
        connection.close()
        return None
    return reader


class Record:
    """A row with attributes, read as the shaping functions read a model row (``case.ref``,
    ``case.client.code``): the quick path's rows go through the same functions."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        """Called only for a column the row does not have (typed Any for the readers)."""
        raise AttributeError(name)


def listed_ids(ids: Sequence[int]) -> str:
    """``(1, 2, 3)``: integers written out, as ``search._listed`` does (SQLite before 3.32
    takes at most 999 parameters)."""
    return "(" + ", ".join(str(int(row_id)) for row_id in ids) + ")"


def records(
    rows: Sequence[Sequence[Any]], names: Sequence[str], dates: Sequence[str] = ()
) -> list[Record]:
    """Rows as records, columns named ``names``; those ending ``_at`` (and ``at``) are instants,
    those named in ``dates`` calendar dates."""
    found = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for name in names:
            if name == "at" or name.endswith("_at"):
                values[name] = instant_from_db(values[name])
            elif name in dates:
                values[name] = date_from_db(values[name])
        found.append(Record(**values))
    return found


def records_with(
    rows: Sequence[Sequence[Any]], names: Sequence[str], relation: str, key: str
) -> list[Record]:
    """Rows of ``names`` with one more column last, a related row's ``key`` (a join's), as
    records whose ``relation`` is that row (``case.client.code``), or None when the key is
    NULL (an outer join found none)."""
    found = []
    for record, row in zip(records([row[:-1] for row in rows], names), rows, strict=True):
        related = None if row[-1] is None else Record(**{key: row[-1]})
        found.append(Record(**vars(record), **{relation: related}))
    return found
