"""Backups as a folder lists them: the archives' names, the folder they go to, ``backup list``'s
rows. Peewee-free, so that ``wzdesk backup list`` reads over the quick read-only path (issue
13) and the ordinary path (:mod:`wzdesk.services.backup`) shares every line of it.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.paths import typed_path
from wzdesk.core.values import Value
from wzdesk.store.location import DatabaseTarget, default_data_dir, path_kind

#: A backup's name; ``-before-restore`` ones (kept aside by a restore) are not rotated.
ARCHIVE = re.compile(r"^wzdesk-(\d{8}T\d{6}Z)(?:-(\d+))?(-before-restore)?\.tar\.gz$")

#: The settings rows that remember the last backup and the last verified one.
LAST_BACKUP_KEY = "backup.last"
LAST_VERIFIED_KEY = "backup.last_verified"


class ArchiveName(Value):
    """A backup file in a folder, with the instant its name carries."""

    _fields = ("path", "created_at", "before_restore", "number")
    path: Path
    created_at: datetime
    before_restore: bool
    number: int  # the second backup within one second is -2, and so on

    def __init__(
        self, path: Path, created_at: datetime, before_restore: bool, number: int = 1
    ) -> None:
        self._set(path=path, created_at=created_at, before_restore=before_restore, number=number)


def archives_in(folder: Path) -> list[ArchiveName]:
    """The backups in ``folder``, oldest first."""
    if path_kind(folder, "--to") != "folder":
        return []
    found = []
    for path in folder.iterdir():
        match = ARCHIVE.match(path.name)
        if match and path.is_file():
            instant = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            number = int(match.group(2) or 1)
            found.append(ArchiveName(path, instant, bool(match.group(3)), number))
    return sorted(found, key=lambda a: (a.created_at, a.number))


def folder_for(to: str | None, target: DatabaseTarget) -> Path:
    """``--to``, else ``WZDESK_BACKUPS``, else ``backups/`` beside the SQLite file (or in the
    user data directory for PostgreSQL) of the database ``target``."""
    chosen = to if to is not None else os.environ.get("WZDESK_BACKUPS")
    if chosen is not None:
        if not chosen.strip():
            raise InvalidInput("is empty; expected a folder", field="--to")
        if "\x00" in chosen:  # no file system takes it; resolve() would raise ValueError
            raise InvalidInput("holds a NUL character; expected a folder", field="--to")
        return typed_path(chosen, "--to")
    if target.backend == "sqlite" and target.location not in ("", ":memory:"):
        return Path(target.location).expanduser().resolve().parent / "backups"
    return default_data_dir() / "backups"


def check_listed(folder: Path, to: str | None) -> Path:
    """``folder`` (from :func:`folder_for`), for ``backup list``: one the user named
    (``--to``, ``WZDESK_BACKUPS``) must be a folder. A mistyped one listed "(none)" and exited
    0, as if no backup had ever been made. The default folder may be missing: none made yet."""
    named = "--to" if to is not None else "WZDESK_BACKUPS"
    if (to is not None or os.environ.get("WZDESK_BACKUPS") is not None) and path_kind(
        folder, named
    ) != "folder":
        raise NotFound(f"no folder {folder}", field=named)
    return folder


def verified_file(stored: str | None) -> str | None:
    """The file of the last verified backup, from its settings row's JSON (None: none)."""
    import json

    return (json.loads(stored) if stored else {}).get("file")


#: ``backup list``'s columns in its table (its JSON objects carry one more).
LIST_COLUMNS = ["created_at", "size_bytes", "last_verified", "file"]


def backup_rows(folder: Path, verified: str | None) -> list[dict[str, Any]]:
    """``backup list``: the backups in ``folder``, newest first; ``verified``: the file of the
    last verified backup (recorded by its absolute path; ``--to`` may name the folder as
    a relative one)."""
    marked = Path(verified).resolve() if verified else None
    return [
        {
            "file": str(a.path),
            "created_at": a.created_at.isoformat(),
            "size_bytes": a.path.stat().st_size,
            "kept_aside_by_restore": a.before_restore,
            "last_verified": a.path.resolve() == marked,
        }
        for a in reversed(archives_in(folder))
    ]
