"""Who is calling from the client side: one client, by which credential, for which contact.

The API (a token) and the portal (a signed-in contact's session) both reach the client-side
use cases with a :class:`ClientScope`; nothing they call can see past its client.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from wzdesk.core.clock import Clock
from wzdesk.core.errors import InvalidInput, NotFound, PermissionDenied, UserError
from wzdesk.core.rules import Role
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import describe_admins, find_contact
from wzdesk.store.models import Client, Contact

#: The services' field names (command-line flags) as the client side names them (JSON keys,
#: form fields), so that an error points at what the caller actually sent.
FIELD_NAMES = {
    "--contact": "contact",
    "--severity": "severity",
    "--category": "category",
    "--summary": "summary",
    "--description": "description",
    "--steps": "steps_to_reproduce",
    "--affected-users": "affected_users",
    "--message": "message",
    "--channel": "channel",
    "--client": "client",
    "--received": "received_at",
    "REF": "ref",
}


@dataclass(frozen=True)
class ClientScope:
    """One client's view of the desk.

    ``credential``: what authenticated the caller, as audit rows name it (``api-token:7``,
    ``portal-session:…``); ``contact``: the client admin acting, when known (a portal session
    always knows; an API call names one per request).
    """

    client_id: int
    client_code: str
    credential: str
    clock: Clock
    contact: str | None = None

    def acting(self, contact: str | None) -> ClientScope:
        """The same scope, acting for ``contact`` (an email or phone as the caller gave it)."""
        return replace(self, contact=contact)

    def context(self) -> ServiceContext:
        """The service context a client-side use case runs in: the contact (or the client) is
        the author of what it writes, the credential is who was authenticated. The role is the
        least one (phone staff): the client-side use cases check their own rules."""
        actor = (self.contact or f"client:{self.client_code}")[:100]
        return ServiceContext(actor, Role.PHONE, self.clock, self.credential[:100])

    def audit(self, action: str, **details: Any) -> None:
        """One audit row naming the client, the credential and the contact (inside the
        caller's transaction)."""
        self.context().audit(
            f"client.{action}",
            "client",
            self.client_code,
            None,
            {"credential": self.credential, "contact": self.contact, **details},
        )

    def record(self, action: str, **details: Any) -> None:
        """:meth:`audit` in a transaction of its own (after a read)."""
        with write_transaction():
            self.audit(action, **details)


def renamed(error: UserError) -> UserError:
    """``error`` with its field named as the client side names it."""
    if error.field in FIELD_NAMES:
        error.field = FIELD_NAMES[error.field]
    return error


@contextmanager
def client_errors() -> Iterator[None]:
    """The block's refusals name their fields as the client side does."""
    try:
        yield
    except UserError as error:
        raise renamed(error) from None


def scope_client(scope: ClientScope) -> Client:
    client = Client.get_or_none(Client.id == scope.client_id)
    if client is None or not client.active:  # removed or deactivated since sign-in
        raise NotFound(f"client {scope.client_code} is not served", field="client")
    return client


def acting_admin(scope: ClientScope, client: Client, contact: str | None) -> Contact:
    """The active client admin of the scope's client named ``contact`` (email or phone), or
    PermissionDenied naming the client's admins (the rule every channel applies)."""
    if not (contact or "").strip():
        raise InvalidInput("name the client admin acting (email or phone)", field="contact")
    assert contact is not None
    try:
        found = find_contact(client, contact)
    except NotFound:
        raise PermissionDenied(
            f"{contact[:100]!r} is not a contact of {client.code}; only client admins may "
            f"open cases or write on them. {describe_admins(client)}",
            field="contact",
        ) from None
    except InvalidInput as error:
        raise renamed(error) from None
    if not found.active or not found.is_admin:
        why = "no longer a contact" if not found.active else "not a client admin"
        raise PermissionDenied(
            f"{found.name} is {why} of {client.code}; only client admins may open cases or "
            f"write on them. {describe_admins(client)}",
            field="contact",
        )
    return found
