"""The two-admin rule (support policy: every client keeps at least two trained admins, one of
them primary): what a client lacks, and whom to ask.

The rule without the reading, and without Peewee, so that ``case show`` can state it over the
quick read-only path (:mod:`wzdesk.services.quick_reads`) as :func:`contacts.admin_flags` does
over the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wzdesk.core.values import Value


class AdminFlags(Value):
    """What a client lacks under the two-admin rule, and whom to ask."""

    _fields = ("flags", "ask")
    flags: tuple[str, ...]
    ask: str  # "Ana Diaz <ana@acme.example>" or "" when nobody is on file

    def __init__(self, flags: tuple[str, ...], ask: str) -> None:
        self._set(flags=flags, ask=ask)

    @property
    def text(self) -> str:
        """One line: the flags and whom to ask, or ""."""
        if not self.flags:
            return ""
        who = f"; ask {self.ask}" if self.ask else "; no contact on file to ask"
        return "; ".join(self.flags) + who


def admin_flags_from(admins: Sequence[Any], trained: bool, first_active: Any) -> AdminFlags:
    """The rule: at least two active admins, one primary, at least one trained.

    ``admins``: the client's active admins, primary first, then by name (each with ``name``,
    ``email``, ``phone`` and ``admin_rank``); ``trained``: whether any of them has a training
    on record; ``first_active``: when there is no admin, its first active contact by name
    (whom to ask), or None."""
    flags: list[str] = []
    if len(admins) < 2:
        flags.append(f"{len(admins)} active admin{'s' if len(admins) != 1 else ''} (needs 2)")
    if admins and not any(admin.admin_rank == "primary" for admin in admins):
        flags.append("no primary admin")
    if not trained:
        flags.append("no trained admin")
    ask_contact = admins[0] if admins else first_active
    ask = ""
    if ask_contact is not None:
        reach = ask_contact.email or ask_contact.phone
        ask = f"{ask_contact.name} <{reach}>" if reach else ask_contact.name
    return AdminFlags(tuple(flags), ask)
