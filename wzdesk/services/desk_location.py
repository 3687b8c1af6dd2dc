"""Where the demo desk lives, for the faces: ``wzdesk --demo case list`` names it before any
command runs, and a read on the quick path must not load Peewee for that (the name lived in
:mod:`wzdesk.services.session`, which imports the models: ``--demo`` then cost a script 136 ms
of CPU against 68 for the same command with ``--db`` naming the same file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wzdesk.store.location import default_database_path

if TYPE_CHECKING:
    from pathlib import Path


def demo_database_path() -> Path:
    """The demo database: a separate SQLite file beside the default one."""
    return default_database_path(demo=True)
