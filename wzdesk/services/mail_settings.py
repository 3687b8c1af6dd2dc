"""The email channel's settings for the open database (folders default to beside the SQLite
file), and its content-addressed file store."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import peewee

from wzdesk.mail.blobs import BlobStore
from wzdesk.mail.config import MailSettings, settings_from_environment
from wzdesk.store.database import db
from wzdesk.store.location import default_data_dir


def _base_dir() -> Path:
    """Beside the SQLite file; the user data directory for PostgreSQL (or in-memory SQLite)."""
    database = db.obj
    if isinstance(database, peewee.SqliteDatabase) and database.database not in ("", ":memory:"):
        return Path(database.database).expanduser().resolve().parent
    return default_data_dir()


def mail_settings(**overrides: Any) -> MailSettings:
    """The environment's mail settings for the open database; ``None`` overrides are ignored."""
    settings = settings_from_environment(_base_dir())
    given = {name: value for name, value in overrides.items() if value is not None}
    return dataclasses.replace(settings, **given) if given else settings


def blob_store(settings: MailSettings | None = None) -> BlobStore:
    """The content-addressed store holding attachments and quarantined messages."""
    return BlobStore((settings or mail_settings()).attachments_dir)
