"""Where the data lives: ``--db URL`` / ``WZDESK_DB`` / the user data directory, parsed.

Its own module so that opening the database (:mod:`wzdesk.store.database`) and upgrading it
(:mod:`wzdesk.store.migrations`) can both name a :class:`DatabaseTarget` without importing
each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from wzdesk.core.errors import DatabaseUnavailable, InvalidInput

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

    def unavailable(self, error: Exception) -> DatabaseUnavailable:
        """The one-line refusal for a driver's error on opening this target (the ordinary
        path's and the quick path's: a server down reads the same whichever met it first)."""
        text = str(error).strip()
        first_line = text.splitlines()[0] if text else type(error).__name__
        return DatabaseUnavailable(f"cannot open {self.description}: {first_line}", field="--db")


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
        return _postgresql_target(url)
    if url.startswith("sqlite:"):
        # As SQLAlchemy and Peewee read it: sqlite:///relative.db, sqlite:////absolute.db
        path = url.removeprefix("sqlite:").removeprefix("///").removeprefix("//")
        if not path:
            raise InvalidInput(f"expected {DB_URL_FORM}; the file path is missing", field="--db")
        return DatabaseTarget("sqlite", path)
    if "://" in url:
        raise InvalidInput(f"expected {DB_URL_FORM}, got {url!r}", field="--db")
    return DatabaseTarget("sqlite", url)


def _postgresql_target(url: str) -> DatabaseTarget:
    """``postgresql://user:password@host:port/name?option=value&…``: the options after ``?``
    (``sslmode=verify-full``, ``sslrootcert=…``, ``connect_timeout=10``, ``host=/run/…``
    for a Unix socket, …) go to libpq as they are, which names any it does not know when
    connecting. A URL that says something twice, or a port that is no number, is refused."""
    if is_plain(url):
        parsed: PlainUrl | Any = PlainUrl(url)
        unquote: Callable[[str], str] = str  # nothing is percent-encoded
    else:
        from urllib.parse import unquote, urlparse  # noqa: PLC0415  (see is_plain)

        try:
            parsed = urlparse(url)
        except ValueError as error:  # "Invalid IPv6 URL": a [ without its ]
            raise InvalidInput(f"expected {DB_URL_FORM}: {error}", field="--db") from None
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise InvalidInput(f"expected {DB_URL_FORM}; the database name is missing", field="--db")
    if "\x00" in unquote(url):
        raise InvalidInput(
            "holds a NUL character (%00), which no connection setting may", field="--db"
        )
    params: dict[str, str | int] = {}
    try:
        port = parsed.port
    except ValueError:
        raise InvalidInput(
            f"expected {DB_URL_FORM}; the port is not a number between 0 and 65535",
            field="--db",
        ) from None
    if parsed.hostname:
        params["host"] = parsed.hostname
    if port:
        params["port"] = port
    if parsed.username:
        params["user"] = unquote(parsed.username)
    if parsed.password:
        params["password"] = unquote(parsed.password)
    options = [pair.partition("=") for pair in parsed.query.split("&")] if parsed.query else []
    if any(not key or not equals for key, equals, _ in options):
        raise InvalidInput(
            f"expected options after ? as name=value&name=value, got {parsed.query!r}",
            field="--db",
        )
    for quoted_key, _, quoted_value in options:  # percent-decoded only, as libpq reads them
        key, value = unquote(quoted_key), unquote(quoted_value)
        if key == "dbname" or key in params:
            where = "after the /" if key == "dbname" else "once"
            raise InvalidInput(f"{key} is given twice; give it {where}", field="--db")
        params[key] = value
    return DatabaseTarget("postgresql", name, tuple(sorted(params.items())))


#: Characters after which urllib reads a URL otherwise than :class:`PlainUrl` splits it: a
#: percent escape, an IPv6 host's brackets (and their ``%zone``), a fragment, path parameters.
_NOT_PLAIN = frozenset("%[]#;")


def is_plain(url: str) -> bool:
    """Whether ``url`` is printable ASCII without spaces or :data:`_NOT_PLAIN` characters, as
    nearly every ``--db`` is: :class:`PlainUrl` reads it as ``urllib.parse.urlparse`` does.
    Importing ``urllib.parse`` (and the ``ipaddress`` module it loads) costs a PostgreSQL
    command 3–4 ms of CPU, 5% of the whole; any other URL still goes through it."""
    return url.isascii() and url.isprintable() and " " not in url and _NOT_PLAIN.isdisjoint(url)


class PlainUrl:
    """``urlparse(url)``'s fields for a URL :func:`is_plain` accepts: ``scheme://netloc``
    ending at the first ``/`` or ``?``, the path, the query after the first ``?``; the user
    and password before the netloc's last ``@`` (split at their first ``:``), the host
    (lower-cased, None when empty) and port after it (split at the host's first ``:``)."""

    def __init__(self, url: str) -> None:
        rest = url.partition("://")[2]
        cut = min((at for at in (rest.find("/"), rest.find("?")) if at >= 0), default=len(rest))
        netloc, rest = rest[:cut], rest[cut:]
        self.path, _, self.query = rest.partition("?")
        userinfo, at, hostinfo = netloc.rpartition("@")
        user, colon, password = userinfo.partition(":")
        self.username = user if at else None
        self.password = password if at and colon else None
        host, _, port = hostinfo.partition(":")
        self.hostname = host.lower() or None
        self._port = port

    @property
    def port(self) -> int | None:
        """The port, None when not given; ValueError when not a number from 0 to 65535."""
        if not self._port:
            return None
        if not self._port.isdigit():
            raise ValueError(f"Port could not be cast to integer value as {self._port!r}")
        port = int(self._port)
        if not 0 <= port <= 65535:
            raise ValueError("Port out of range 0-65535")
        return port
