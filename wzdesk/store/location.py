"""Where the data lives: ``--db URL`` / ``WZDESK_DB`` / the user data directory, parsed.

Its own module so that opening the database (:mod:`wzdesk.store.database`) and upgrading it
(:mod:`wzdesk.store.migrations`) can both name a :class:`DatabaseTarget` without importing
each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from wzdesk.core.errors import InvalidInput

if TYPE_CHECKING:
    from pathlib import Path

DB_URL_FORM = "a SQLite file path, sqlite:///path.db, or postgresql://user@host:port/name"


class DatabaseTarget(NamedTuple):
    """Where the data lives, parsed from a URL or path."""

    backend: str  # "sqlite" or "postgresql"
    location: str  # file path (SQLite) or database name (PostgreSQL)
    params: tuple[tuple[str, str | int], ...] = ()

    @property
    def description(self) -> str:
        """A human label (no password)."""
        if self.backend == "sqlite":
            return f"SQLite {self.location}"
        params = dict(self.params)
        host, port = params.get("host", "localhost"), params.get("port", 5432)
        return f"PostgreSQL {host}:{port}/{self.location}"


def default_data_dir() -> Path:
    """The per-user data directory (``~/.local/share/wzdesk`` on Linux)."""
    from pathlib import Path  # pathlib and urllib cost a quick script 7 ms: only here

    from platformdirs import user_data_dir

    return Path(user_data_dir("wzdesk", appauthor=False))


def default_database_path(demo: bool = False) -> Path:
    """The default SQLite file; the demo database is a separate file beside it."""
    return default_data_dir() / ("demo.db" if demo else "wzdesk.db")


def path_kind(path: Path, field: str) -> str:
    """``file``, ``folder``, ``missing`` or ``other`` for a path a user gave; a path the system
    cannot even look at (a name too long, a loop of links) is bad input naming ``field``."""
    try:
        if path.is_file():
            return "file"
        if path.is_dir():
            return "folder"
        return "other" if path.exists() else "missing"
    except OSError as error:
        raise InvalidInput(
            f"cannot use {str(path)[:80]!r}: {error.strerror}", field=field
        ) from None


def url_from_environment() -> str | None:
    """``WZDESK_DB``; set but empty counts as unset (as shells use it)."""
    import os

    return os.environ.get("WZDESK_DB") or None


def parse_database_url(url: str | None) -> DatabaseTarget:
    """Parse ``--db``/``WZDESK_DB``; ``None`` means the default SQLite file, and an empty one
    is refused (``--db ""`` is a script's unset variable, not a wish for the default)."""
    if url is None:
        return DatabaseTarget("sqlite", str(default_database_path()))
    if not url.strip():
        raise InvalidInput(f"is empty; expected {DB_URL_FORM}", field="--db")
    if url.startswith(("postgresql://", "postgres://")):
        from urllib.parse import unquote, urlparse

        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        if not name:
            raise InvalidInput(
                f"expected {DB_URL_FORM}; the database name is missing", field="--db"
            )
        params: dict[str, str | int] = {}
        if parsed.hostname:
            params["host"] = parsed.hostname
        if parsed.port:
            params["port"] = parsed.port
        if parsed.username:
            params["user"] = unquote(parsed.username)
        if parsed.password:
            params["password"] = unquote(parsed.password)
        return DatabaseTarget("postgresql", name, tuple(sorted(params.items())))
    if url.startswith("sqlite:"):
        # As SQLAlchemy and Peewee read it: sqlite:///relative.db, sqlite:////absolute.db
        path = url.removeprefix("sqlite:").removeprefix("///").removeprefix("//")
        if not path:
            raise InvalidInput(f"expected {DB_URL_FORM}; the file path is missing", field="--db")
        return DatabaseTarget("sqlite", path)
    if "://" in url:
        raise InvalidInput(f"expected {DB_URL_FORM}, got {url!r}", field="--db")
    return DatabaseTarget("sqlite", url)
