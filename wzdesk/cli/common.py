"""What every subcommand shares: the database, the clock, the acting user, argument types."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from wzdesk.core.clock import Clock, FixedClock, SystemClock
from wzdesk.core.sla import Severity
from wzdesk.core.timefmt import parse_instant

if TYPE_CHECKING:
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


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Runtime:
    """The resolved global options of one invocation."""

    db_url: str | None
    acting_login: str | None = None
    clock: Clock = field(default_factory=clock_from_environment)
    #: Subcommands print the first-run announcement only once the command has succeeded (and
    #: take the first user back if it fails): an error is one line and writes nothing.
    defer_announcement: bool = False
    _opened: bool = False
    _context: ServiceContext | None = None
    _announcement: str | None = None
    _created_first_user: str | None = None

    def open_store(self) -> None:
        """Open (and if needed upgrade) the database; once per invocation."""
        if self._opened:
            return
        from wzdesk.services.session import open_store

        open_store(self.db_url)
        self._opened = True

    def context(self) -> ServiceContext:
        """The service context for the acting user (signed in once per invocation)."""
        if self._context is None:
            from wzdesk.services.directory import sign_in

            self.open_store()
            signed = sign_in(self.login, self.clock)
            if signed.announcement:
                self._announcement = f"wzdesk: {signed.announcement}"
                self._created_first_user = signed.context.actor
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

    def take_back_first_user(self) -> None:
        """After a failed command: remove the first user this invocation created, if any."""
        if self._created_first_user is not None and self._announcement is not None:
            from wzdesk.services.directory import undo_first_sign_in

            undo_first_sign_in(self._created_first_user)
            self._announcement = self._created_first_user = None

    @property
    def login(self) -> str:
        return self.acting_login or os.environ.get("WZDESK_USER") or os_login()
