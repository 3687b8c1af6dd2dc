"""What every subcommand shares: the database, the clock, the acting user, argument types."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from wzdesk.core.clock import Clock, FixedClock, SystemClock
from wzdesk.core.sla import Severity
from wzdesk.core.text import is_number
from wzdesk.core.timefmt import parse_instant

T = TypeVar("T")

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from wzdesk.services.context import ServiceContext
    from wzdesk.services.policy_book import PolicyBook


def terminal_width() -> int:
    """Columns for help text, as :func:`shutil.get_terminal_size` finds them (``COLUMNS``, the
    terminal, else 80) without importing :mod:`shutil` and its compressors."""
    columns = os.environ.get("COLUMNS", "")
    if is_number(columns) and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter; it builds one per ``add_argument`` to check the argument, and
    argparse's own would import :mod:`shutil` (4 ms of a 20 ms script start) to size it."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = terminal_width() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line (exit 2) instead of usage + error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {_bytes_shown(message)}\n")


#: A byte of an argument that is not UTF-8, as Python keeps it (``os.fsdecode``'s escape),
#: raw or as ``repr`` writes it (argparse quotes a refused choice with ``%r``).
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]|\\udc([89a-f][0-9a-f])")


def _bytes_shown(message: str) -> str:
    """``message`` with each such byte written as the user typed it (``\\xff``), not as the
    escape Python decoded it to (``'maj\\udcffor'``, or a lone surrogate)."""

    def shown(found: re.Match[str]) -> str:
        byte = int(found.group(1), 16) if found.group(1) else ord(found.group()) - 0xDC00
        return f"\\x{byte:02x}"

    return _ESCAPED_BYTE.sub(shown, message)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def register_one_verb(
    subparsers: argparse._SubParsersAction,  # type: ignore[type-arg]
    command: Callable[[argparse._SubParsersAction], argparse._SubParsersAction],  # type: ignore[type-arg]
    verbs: Mapping[str, Callable[[argparse._SubParsersAction], None]],  # type: ignore[type-arg]
    verb: str | None,
) -> bool:
    """A command's parser (made by ``command``) with only ``verb``'s parser under it; False,
    with nothing added, for a verb ``verbs`` does not hold (the caller then builds them all).
    A module's ``register_only`` uses it: a script's start-up builds one verb, not the command's
    every verb (issue 13)."""
    add_verb = verbs.get(verb or "")
    if add_verb is None:
        return False
    add_verb(command(subparsers))
    return True


def severity_arg(text: str) -> Severity:
    try:
        return Severity(text.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise argparse.ArgumentTypeError(f"expected one of {choices}, got {text!r}") from None


def year_arg(text: str) -> int:
    if not is_number(text) or len(text) != 4:
        raise argparse.ArgumentTypeError(f"expected a four-digit year, got {text!r}")
    return int(text)


def clock_from_environment() -> Clock:
    """``WZDESK_NOW`` freezes the clock at an instant (for scripts and as-of reports)."""
    text = os.environ.get("WZDESK_NOW")
    if not text:
        return SystemClock()
    return FixedClock(parse_instant(text, "WZDESK_NOW"))


def support_zone(runtime: Runtime) -> ZoneInfo:
    """The support zone of the policy in force now (for printing instants)."""
    return runtime.policy_book().at(runtime.clock.now()).calendar.zone


class Runtime:
    """The resolved global options of one invocation.

    Who acts is not an option: it is the OS login (SQLite) or the database role (PostgreSQL)
    the connection was made as. ``act_as`` (``--as``, ``WZDESK_USER``) asks for a supervisor's
    impersonation. ``identity`` is for trusted callers only (tests, a program embedding
    wzdesk): it replaces what the connection says; nothing on the command line sets it.

    ``defer_announcement``: subcommands print the first-run announcement once the command is
    done (or before its error line); the console shows it itself.
    """

    def __init__(
        self,
        db_url: str | None,
        act_as: str | None = None,
        identity: str | None = None,
        clock: Clock | None = None,
        defer_announcement: bool = False,
    ) -> None:
        self.db_url = db_url
        self.act_as = act_as
        self.identity = identity
        self.clock = clock_from_environment() if clock is None else clock
        self.defer_announcement = defer_announcement
        self._opened = False
        self._signed: ServiceContext | None = None
        self._context: ServiceContext | None = None
        self._announcement: str | None = None
        #: What the console says as it opens, beside the announcement (e.g. a demo kept).
        self.console_notes: list[str] = []

    def open_store(self) -> None:
        """Open (and if needed upgrade) the database; once per invocation."""
        if self._opened:
            return
        from wzdesk.services.session import open_store

        open_store(self.db_url)
        self._opened = True

    def policy_book(self) -> PolicyBook:
        """The SLA policy book. A command that only reads the calendar reads it over the quick
        read-only path when it can (no Peewee: issue 13), else from the opened store."""
        from wzdesk.services.policy_book import load_policy_book, quick_policy_book

        return self._calendar(quick_policy_book, load_policy_book)

    def policy_versions(self) -> list[dict[str, Any]]:
        """Every SLA policy version as ``policy show`` prints it (as :meth:`policy_book`)."""
        from wzdesk.services.policy_book import policy_versions, quick_policy_versions

        return self._calendar(quick_policy_versions, policy_versions)

    def _calendar(self, quick: Callable[[str | None], T | None], ordinary: Callable[[], T]) -> T:
        """What ``quick`` reads of the file before the store is opened, when it can; else
        ``ordinary()`` on the opened store."""
        if not self._opened:
            found = quick(self.db_url)
            if found is not None:
                return found
        self.open_store()
        return ordinary()

    def connected_identity(self) -> str:
        """Who the open database sees (the OS login or the session role), or the trusted
        ``identity`` a caller gave."""
        from wzdesk.services.identity import connected_identity

        self.open_store()
        return self.identity if self.identity is not None else connected_identity()

    def signed_in(self) -> ServiceContext:
        """Who the connection signs in as, before ``--as`` (once per invocation; on a new
        database, the first identity becomes its supervisor, announced once)."""
        if self._signed is None:
            from wzdesk.services.directory import sign_in

            signed = sign_in(self.connected_identity(), self.clock)
            if signed.announcement:
                self._announcement = f"wzdesk: {signed.announcement}"
                if not self.defer_announcement:
                    self.announce()
            self._signed = signed.context
        return self._signed

    def context(self) -> ServiceContext:
        """The service context for the acting user: :meth:`signed_in`, or whom ``--as``
        names (a supervisor's impersonation, audited)."""
        if self._context is None:
            from wzdesk.services.identity import acting_as

            self._context = acting_as(self.signed_in(), self.act_as)
        return self._context

    def take_announcement(self) -> str | None:
        """The first-run announcement, for a face that shows it itself (the console)."""
        note, self._announcement = self._announcement, None
        return note.removeprefix("wzdesk: ") if note else None

    def announce(self) -> None:
        """Print the first-run announcement, if this invocation made one (once)."""
        if self._announcement:
            print(self._announcement, file=sys.stderr)
            self._announcement = None
