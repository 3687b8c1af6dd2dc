"""The email channel's settings for the open database (folders default to beside the SQLite
file), and its content-addressed file store."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import peewee

from wzdesk.core.rules import Category
from wzdesk.core.sla import Severity
from wzdesk.mail.blobs import BlobStore
from wzdesk.mail.config import MailSettings, settings_from_environment
from wzdesk.services.case_filter import parse_choice
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


def new_case_choices(
    settings: MailSettings, severity: str | None, category: str | None
) -> tuple[Severity, Category]:
    """The severity and category of a case opened from a message: ``--severity`` and
    ``--category`` when given, else ``WZDESK_MAIL_SEVERITY`` and ``WZDESK_MAIL_CATEGORY`` (or
    moderate and question). A value no case can take is refused naming whichever said it:
    a bad variable was refused as ``--severity``, a flag the user had not typed. Checked
    here, where a case is opened, not whenever the settings are read: a reply does not
    depend on them."""
    return (
        parse_choice(
            Severity,
            severity or settings.default_severity,
            "--severity" if severity else "WZDESK_MAIL_SEVERITY",
        ),
        parse_choice(
            Category,
            category or settings.default_category,
            "--category" if category else "WZDESK_MAIL_CATEGORY",
        ),
    )
