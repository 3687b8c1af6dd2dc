"""Typed user errors shared by every layer.

Faces turn these into a clear message (CLI: one stderr line and an exit code; TUI: an inline
error or notification). Anything that is not a :class:`UserError` is a bug and may show a
traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix. ``field`` names the input at fault, when there is one."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field:
            return f"{self.field}: {self.message}"
        return self.message


class InvalidInput(UserError):
    """Malformed or out-of-range input (exit code 2)."""

    exit_code = 2


class Conflict(UserError):
    """The record changed since the caller read it; nothing was overwritten (exit code 3)."""

    exit_code = 3


class PermissionDenied(UserError):
    """The acting user's role may not do this (exit code 4)."""

    exit_code = 4


class NotFound(UserError):
    """The named record does not exist (exit code 5)."""

    exit_code = 5


class DatabaseUnavailable(UserError):
    """The database cannot be reached or opened: server down, no such database, a file that
    cannot be created or read (exit code 1)."""

    exit_code = 1


class BackupInvalid(UserError):
    """A backup failed verification: corrupt, truncated or inconsistent; never trusted
    (exit code 6)."""

    exit_code = 6


class NotAuthenticated(UserError):
    """No credential, or one that is unknown, revoked or expired (the API's 401; exit code 4
    like any refusal)."""

    exit_code = 4
