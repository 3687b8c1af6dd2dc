"""The schema version this wzdesk writes, and the version a database holds.

Kept apart from :mod:`wzdesk.store.migrations` so that opening an up-to-date database (every CLI
call, every console start) does not load the migrations, their frozen snapshots and
``playhouse.migrate``: they are needed once per upgrade, and cost a fifth of a simple command's
start-up. It does not import Peewee either: the quick read-only path of
:mod:`wzdesk.store.quick_read` checks the version with the bare driver. ``migrations`` checks
at import that :data:`SCHEMA_VERSION` counts its migrations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import peewee

#: How many migrations :data:`wzdesk.store.migrations.MIGRATIONS` holds; bump it with each one.
SCHEMA_VERSION = 32


def stored_version(database: peewee.Database) -> int:
    """The schema version of ``database`` (0 for an empty database)."""
    if not database.table_exists("wzdesk_schema"):
        return 0
    row = database.execute_sql("SELECT MAX(version) FROM wzdesk_schema").fetchone()
    return int(row[0] or 0) if row else 0
