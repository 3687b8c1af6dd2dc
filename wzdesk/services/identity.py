"""Who is acting: the identity the faces derive from the connection, and impersonation.

* **SQLite**: the OS login that owns this process (from the user database, not from ``$USER``
  or ``$LOGNAME``, which anyone can set). What protects the data is the file's permissions:
  the database is created readable by its owner only.
* **PostgreSQL**: the role the server authenticated (``session_user``; ``SET ROLE`` does not
  change it), mapped to a console user by ``user.identity`` or by login.

Acting as someone else (``--as``, ``WZDESK_USER``) is a supervisor's impersonation: refused
for anyone else, and audited (who, as whom, when) on every use. Trusted callers (tests, the
demo, a program embedding wzdesk) name the user with :func:`wzdesk.services.directory.sign_in`.
"""

from __future__ import annotations

import peewee

from wzdesk.core.clock import Clock
from wzdesk.core.errors import NotFound, PermissionDenied
from wzdesk.core.rules import Action, Role, may
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import SignIn, sign_in
from wzdesk.services.os_account import os_login
from wzdesk.store.database import db
from wzdesk.store.models import User


def connected_identity() -> str:
    """Who the open database sees: the PostgreSQL session role, else the OS login."""
    database = db.obj
    if isinstance(database, peewee.PostgresqlDatabase):
        row = database.execute_sql("SELECT session_user").fetchone()
        return str(row[0])
    return os_login()


def authenticate(identity: str, clock: Clock, act_as: str | None = None) -> SignIn:
    """Sign in the console user behind ``identity`` (see :func:`sign_in`); with ``act_as``,
    then act as that user if ``identity`` is a supervisor's (audited)."""
    signed = sign_in(identity, clock)
    return SignIn(acting_as(signed.context, act_as), signed.announcement)


def acting_as(ctx: ServiceContext, login: str | None) -> ServiceContext:
    """``ctx``, or the user ``login`` names when that is someone else (``--as``: see
    :func:`impersonate`)."""
    if login is None or login.strip().lower() in ("", ctx.actor):
        return ctx
    return impersonate(ctx, login)


def impersonate(ctx: ServiceContext, login: str) -> ServiceContext:
    """A supervisor acting as ``login``: that user's name and role on every change, the
    supervisor's in every audit record (``authenticated_as``), and the impersonation itself
    audited once per sign-in."""
    if not may(ctx.role, Action.IMPERSONATE):
        raise PermissionDenied(
            f"{ctx.actor} ({ctx.role.value}) may not {Action.IMPERSONATE.value}; "
            "only supervisors may use --as or WZDESK_USER",
            field="--as",
        )
    name = login.strip().lower()
    user = User.get_or_none(User.login == name)
    if user is None:
        raise NotFound(f"no console user {login!r}", field="--as")
    if not user.active:
        raise PermissionDenied(f"console user {user.login!r} is deactivated", field="--as")
    acting = ServiceContext(user.login, Role(user.role), ctx.clock, authenticated_as=ctx.actor)
    with write_transaction():
        acting.audit("user.impersonate", "user", user.login, None, {"by": ctx.actor})
    return acting
