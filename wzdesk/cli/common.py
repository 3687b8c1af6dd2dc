"""What every subcommand shares: the database, the clock, the acting user, argument types."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from wzdesk.core.clock import Clock, FixedClock, SystemClock
from wzdesk.core.sla import Severity
from wzdesk.core.timefmt import parse_instant

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from wzdesk.services.context import ServiceContext


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line (exit 2) instead of usage + error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def severity_arg(text: str) -> Severity:
    try:
        return Severity(text.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise argparse.ArgumentTypeError(f"expected one of {choices}, got {text!r}") from None


def year_arg(text: str) -> int:
    if not text.isdigit() or len(text) != 4:
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
    from wzdesk.services.calendar import load_policy_book

    return load_policy_book().at(runtime.clock.now()).calendar.zone


@dataclass
class Runtime:
    """The resolved global options of one invocation.

    Who acts is not an option: it is the OS login (SQLite) or the database role (PostgreSQL)
    the connection was made as. ``act_as`` (``--as``, ``WZDESK_USER``) asks for a supervisor's
    impersonation. ``identity`` is for trusted callers only (tests, a program embedding
    wzdesk): it replaces what the connection says; nothing on the command line sets it.
    """

    db_url: str | None
    act_as: str | None = None
    identity: str | None = None
    clock: Clock = field(default_factory=clock_from_environment)
    #: Subcommands print the first-run announcement once the command is done (or before its
    #: error line): the console shows it itself.
    defer_announcement: bool = False
    _opened: bool = False
    _context: ServiceContext | None = None
    _announcement: str | None = None

    def open_store(self) -> None:
        """Open (and if needed upgrade) the database; once per invocation."""
        if self._opened:
            return
        from wzdesk.services.session import open_store

        open_store(self.db_url)
        self._opened = True

    def connected_identity(self) -> str:
        """Who the open database sees (the OS login or the session role), or the trusted
        ``identity`` a caller gave."""
        from wzdesk.services.identity import connected_identity

        self.open_store()
        return self.identity if self.identity is not None else connected_identity()

    def context(self) -> ServiceContext:
        """The service context for the acting user (signed in once per invocation)."""
        if self._context is None:
            from wzdesk.services.identity import authenticate

            signed = authenticate(self.connected_identity(), self.clock, self.act_as)
            if signed.announcement:
                self._announcement = f"wzdesk: {signed.announcement}"
                if not self.defer_announcement:
                    self.announce()
            self._context = signed.context
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
