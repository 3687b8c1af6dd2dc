"""What every use case is handed: the clock, who is acting and in which role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import peewee

from wzdesk.core.clock import Clock, SystemClock
from wzdesk.core.errors import PermissionDenied
from wzdesk.core.rules import Action, Role, may
from wzdesk.core.values import Value
from wzdesk.store.database import db, wait_for_restore
from wzdesk.store.models import AuditEntry, to_json
from wzdesk.store.prepared import PreparedInsert

_insert_audit = PreparedInsert(
    AuditEntry,
    "at", "actor", "action", "entity", "entity_id", "before_json", "after_json", "authenticated_as",
)  # fmt: skip


class ServiceContext(Value):
    """The clock every instant comes from, and the acting console user.

    ``authenticated_as``: who is really signed in when that is not ``actor`` (a supervisor
    acting as another user; the login importing a client's email, whose changes are authored
    by the client's address). Every audit record names both.

    A :class:`Value` (immutable), not a dataclass: every command that reads a case makes one,
    and it was the last dataclass on that path (the first one a process makes costs ~5 ms).
    """

    _fields = ("actor", "role", "clock", "authenticated_as")
    actor: str
    role: Role
    clock: Clock
    authenticated_as: str | None

    def __init__(
        self,
        actor: str,
        role: Role = Role.SUPERVISOR,
        clock: Clock | None = None,
        authenticated_as: str | None = None,
    ) -> None:
        self._set(
            actor=actor,
            role=role,
            clock=SystemClock() if clock is None else clock,
            authenticated_as=authenticated_as,
        )

    def on_behalf_of(self, actor: str) -> ServiceContext:
        """The same signed-in user and rights, recording ``actor`` as the author (the client
        whose email an import files); the audit keeps who was signed in."""
        return ServiceContext(actor, self.role, self.clock, self.authenticated_as or self.actor)

    def require(self, action: Action) -> None:
        """Refuse (PermissionDenied) unless the acting role may perform ``action``."""
        if not may(self.role, action):
            raise PermissionDenied(f"{self.actor} ({self.role.value}) may not {action.value}")

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: object,
        before: object = None,
        after: object = None,
    ) -> None:
        """Append one audit record (inside the caller's transaction).

        The statement is compiled once: a mail import writes one or two records per message.
        """
        _insert_audit(
            at=self.clock.now(),
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before_json=None if before is None else to_json(before),
            after_json=None if after is None else to_json(after),
            authenticated_as=self.authenticated_as,
        )


def connection() -> AbstractContextManager[Any]:
    """A database connection for the calling thread, closed on exit (console workers)."""
    context: AbstractContextManager[Any] = db.obj.connection_context()
    return context


#: Whether this thread is inside a use case's write transaction (:func:`write_transaction`).
_WRITING: ContextVar[bool] = ContextVar("wzdesk_writing", default=False)

Q = TypeVar("Q", bound=peewee.Select)


@contextmanager
def write_transaction() -> Iterator[None]:
    """One use case's transaction.

    On SQLite it takes the write lock up front (``BEGIN IMMEDIATE``): a deferred transaction
    that reads and then writes can fail with "database is locked" when another agent writes in
    between, where an immediate one simply waits its turn. On PostgreSQL it first waits for a
    restore replacing the database (``store.database.wait_for_restore``): a write saved
    during one was in neither the kept-aside backup nor the restored database. And there the
    rows a use case reads to change are locked as they are read (:func:`locked_for_writing`):
    under READ COMMITTED two writers of one case both read its version, and the second one's
    guarded UPDATE found it moved on and refused a write nobody had asked to check (a
    client's email quarantined as "changed by someone else just now", an agent's note
    refused).
    """
    database = db.obj
    sqlite = isinstance(database, peewee.SqliteDatabase)
    transaction: AbstractContextManager[Any] = (
        database.atomic("IMMEDIATE") if sqlite else database.atomic()
    )
    with transaction:
        if not sqlite:
            wait_for_restore()
        token = _WRITING.set(True)
        try:
            yield
        finally:
            _WRITING.reset(token)


def locked(query: Q) -> Q:
    """``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write transaction already excludes
    other writers (``BEGIN IMMEDIATE``)."""
    return query.for_update() if db.obj.for_update else query


def locked_for_writing(query: Q) -> Q:
    """:func:`locked` inside a write transaction, the query as it is outside one (a read)."""
    return locked(query) if _WRITING.get() else query
