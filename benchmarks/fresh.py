"""An empty, migrated database for a benchmark (PostgreSQL's schema emptied first)."""

from __future__ import annotations

import peewee

from wzdesk.store.database import open_database


def fresh_database(url: str) -> peewee.Database:
    """Open ``url`` empty: a new SQLite file is empty already; PostgreSQL's public schema is
    dropped and recreated (only point it at a database you may empty)."""
    if url.startswith("postgresql"):
        database = open_database(url, migrate=False)
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
        database.close()
    return open_database(url)
