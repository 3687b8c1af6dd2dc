"""Copying a whole database out and back in, consistently, while consoles keep working.

* **SQLite**: the online backup API (``sqlite3.Connection.backup``): a consistent copy of every
  page, taken under a read transaction that never blocks writers (WAL), restored page by page
  into the live file under its write lock.
* **PostgreSQL**: ``pg_dump -Fc`` (the custom format ``pg_restore`` reads) inside a snapshot
  the counts are read from too, so the manifest describes exactly what the dump holds;
  ``pg_restore`` in one transaction.

Used by :mod:`wzdesk.services.backup`; nothing here knows about archives or manifests.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee

from wzdesk.core.errors import InvalidInput
from wzdesk.store.location import DatabaseTarget
from wzdesk.store.migrations import current_version
from wzdesk.store.models import ALL_MODELS, Attachment, QuarantinedMail
from wzdesk.store.substring import TRIGRAM_INDEX

#: Every table a backup counts: the models' and the schema version's.
TABLES = [model._meta.table_name for model in ALL_MODELS]


def private_file(path: Path) -> Path:
    """Create ``path`` empty, readable and writable by its owner only (replacing any file)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return path


# -- what a database holds ----------------------------------------------------------------------


def table_counts(database: peewee.Database) -> dict[str, int]:
    """Rows per table (tables a newer schema would add are simply absent)."""
    counts = {}
    for table in TABLES:
        if database.table_exists(table):
            counts[table] = int(
                database.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            )
    return counts


def referenced_files(database: peewee.Database) -> set[str]:
    """Digests of every stored file the database refers to (attachments, held raw messages)."""
    digests: set[str] = set()
    for table, column in (
        (Attachment._meta.table_name, "sha256"),
        (QuarantinedMail._meta.table_name, "raw_sha256"),
    ):
        if database.table_exists(table):
            cursor = database.execute_sql(f'SELECT DISTINCT "{column}" FROM "{table}"')
            digests.update(row[0] for row in cursor.fetchall())
    return digests


def describe(database: peewee.Database) -> tuple[int, dict[str, int], set[str]]:
    """Schema version, rows per table and referenced files, read in one transaction."""
    with database.atomic():
        return current_version(database), table_counts(database), referenced_files(database)


# -- SQLite -------------------------------------------------------------------------------------


def copy_sqlite(source: sqlite3.Connection, destination: Path) -> None:
    """A consistent copy of an open SQLite database into a new private file."""
    target = sqlite3.connect(private_file(destination))
    try:
        source.backup(target)
    finally:
        target.close()


#: Pages a restore copies per step: the first step must leave some (see :func:`restore_sqlite`).
_RESTORE_STEP_PAGES = 1024


def restore_sqlite(copy: Path, live: sqlite3.Connection, keep_aside: Path | None = None) -> None:
    """Replace the content of the open database ``live`` with the database file ``copy``,
    page by page under ``live``'s write lock (other connections see the new content).

    ``keep_aside``: first copy what ``live`` holds into that new file, under the same lock. A
    copy made beforehand let a write commit between it and the replacement, in neither
    database. SQLite's backup takes the destination's write lock at its first step and keeps
    it to the last, so after the first step (which leaves pages to copy) the committed
    database is read, through a connection of its own, into ``keep_aside``. Writers wait
    meanwhile (their busy timeout) and land in the restored database."""
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        if keep_aside is None:
            source.backup(live)
            return
        live_file = str(live.execute("PRAGMA database_list").fetchone()[2])
        pages = int(source.execute("PRAGMA page_count").fetchone()[0])
        if pages < 2 or not live_file:
            raise ValueError("a restore that keeps aside needs a database file of two pages")
        kept: list[bool] = []

        def keep(status: int, remaining: int, total: int) -> None:
            if status != sqlite3.SQLITE_OK or kept:
                return  # busy (no lock yet: it tries again), or done already
            reader = sqlite3.connect(live_file, timeout=30)
            try:
                copy_sqlite(reader, keep_aside)
            finally:
                reader.close()
            kept.append(True)

        source.backup(live, pages=min(_RESTORE_STEP_PAGES, pages - 1), progress=keep)
        if not kept:  # pragma: no cover - the first step always leaves a page
            raise RuntimeError("the replaced database was not kept aside")
    finally:
        source.close()


def sqlite_integrity(path: Path) -> str:
    """``ok``, or what SQLite found wrong with the file (or that it is not a database)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    return "; ".join(str(row[0]) for row in rows[:5])


# -- PostgreSQL ---------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise InvalidInput(
            f"{name} is not installed; it comes with the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client)",
            field=name,
        )
    return path


#: Connection settings handed to the tools as libpq's variables (the password never goes on a
#: command line); the URL's other options go in :func:`conninfo`.
_VARIABLES = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}


def _environment(target: DatabaseTarget) -> dict[str, str]:
    """libpq's variables for the target's server (the database is named in :func:`conninfo`)."""
    env = dict(os.environ)
    for key, value in target.params:
        if key in _VARIABLES:
            env[_VARIABLES[key]] = str(value)
    return env


def conninfo(target: DatabaseTarget, database: str | None = None) -> str:
    """The database to name to ``pg_dump --dbname`` and ``pg_restore --dbname``: its name and
    the URL's connection options (``sslmode=verify-full``, ``sslrootcert=…``), in libpq's
    ``key='value'`` form, so the tools connect as wzdesk does (host, port, user and password
    are in :func:`_environment`)."""
    pairs = [("dbname", database or target.location)]
    pairs += [(key, str(value)) for key, value in target.params if key not in _VARIABLES]
    return " ".join(f"{key}='{_quoted(value)}'" for key, value in pairs)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


class ToolFailed(RuntimeError):
    """``pg_dump`` or ``pg_restore`` failed; the message is its first line of complaint."""


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ToolFailed(f"{what} failed: {_complaint(done.stderr, done.returncode)}")


def _complaint(stderr: str, returncode: int) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[0] if lines else f"exit code {returncode}"


@contextmanager
def pg_snapshot(database: peewee.PostgresqlDatabase) -> Iterator[str]:
    """A repeatable-read transaction whose snapshot ``pg_dump --snapshot`` can share (so what
    is counted in it is exactly what is dumped); its id, valid until the block ends."""
    with database.atomic():
        database.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield str(database.execute_sql("SELECT pg_export_snapshot()").fetchone()[0])


def pg_dump(target: DatabaseTarget, destination: Path, snapshot: str | None = None) -> None:
    """``pg_dump -Fc`` of the target database into a new private file."""
    command = [_tool("pg_dump"), "--format=custom", "--file", str(private_file(destination))]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    command += ["--dbname", conninfo(target)]
    _run(command, _environment(target), "pg_dump")


def pg_restore(
    target: DatabaseTarget, dump: Path, *, database: str | None = None, scratch: bool = False
) -> None:
    """``pg_restore`` the dump into the target database (or ``database`` on its server) in one
    transaction, leaving out what needs an extension (:func:`restorable`): the caller indexes
    the trigrams again (``migrations.index_history_trigrams``). ``scratch``: a throwaway copy,
    without owners and privileges."""
    env = _environment(target)
    listed = subprocess.run(
        [_tool("pg_restore"), "--list", str(dump)], env=env, capture_output=True, text=True
    )
    if listed.returncode != 0:
        raise ToolFailed(f"pg_restore failed: {_complaint(listed.stderr, listed.returncode)}")
    contents = dump.with_name(dump.name + ".list")
    contents.write_text(restorable(listed.stdout))
    command = [_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner"]
    if scratch:
        command.append("--no-privileges")
    command += ["--use-list", str(contents), "--dbname", conninfo(target, database), str(dump)]
    try:
        _run(command, env, "pg_restore")
    finally:
        contents.unlink(missing_ok=True)


def restorable(listing: str) -> str:
    """A dump's table of contents (``pg_restore --list``) without its extensions, their
    comments and the trigram index, which needs ``pg_trgm``'s operator class.

    A dump names every extension of the database, and restoring one comments on it: only
    the extension's owner may, so a desk whose ``pg_trgm`` a superuser installed could not be
    restored by its own owner role ("must be owner of extension pg_trgm"). Restored without
    them, the data needs no extension, and the index is built again afterwards wherever the
    server allows it."""
    kept = []
    for line in listing.splitlines():
        words = line.split()
        if not line.startswith(";") and len(words) >= 6:
            kind, name = words[3], words[5]
            if kind == "EXTENSION" or (kind == "COMMENT" and name == "EXTENSION"):
                continue
            if kind == "INDEX" and name == TRIGRAM_INDEX:
                continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def drop_tables(database: peewee.Database) -> None:
    """Drop every wzdesk table (before restoring a dump over a live PostgreSQL database)."""
    for table in [*TABLES, "wzdesk_schema"]:
        database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')


@contextmanager
def scratch_postgresql(
    server: peewee.PostgresqlDatabase, target: DatabaseTarget, name: str
) -> Iterator[DatabaseTarget]:
    """A new, empty database ``name`` on the target's server, dropped afterwards."""
    server.execute_sql(f'CREATE DATABASE "{name}"')
    try:
        yield DatabaseTarget("postgresql", name, target.params)
    finally:
        server.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
