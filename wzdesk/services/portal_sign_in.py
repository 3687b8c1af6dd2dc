"""Signing client admins in to the client portal: a one-time code by email, then a session.

Why a code by email and no password: client admins are contacts, not console users; the desk
already knows their address and already mails them. The code goes out through the outbox like
every other message (template ``portal_code``, editable by supervisors).

What makes it safe:

* **No account enumeration.** :func:`ask_for_code` answers the same whether or not the address
  belongs to an active admin of an active client; only such an admin gets a code.
* **Codes** are random (6 digits), kept only as a salted hash, work once, for
  :data:`CODE_LIFETIME`, die after :data:`CODE_TRIES` wrong tries, and a newer code replaces an
  older one.
* **Throttles** (counted in the database, see :mod:`wzdesk.services.portal_throttle`): codes
  asked per address and per IP, codes tried per address and per IP.
* **Sessions**: the cookie holds 32 random bytes; the row holds their SHA-256, the signed-in
  contact, a CSRF token, an idle expiry (:data:`SESSION_IDLE`) within an absolute one
  (:data:`SESSION_MAX`). Every request re-checks that the contact is still an active admin of an
  active client, so removing an admin ends their portal access at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from wzdesk.core.clock import Clock
from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Role
from wzdesk.services import portal_throttle
from wzdesk.services.client_mail import Composer, queue_plain_mail
from wzdesk.services.contact_rules import normal_email
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.portal_throttle import Limit
from wzdesk.store.models import Client, Contact, PortalCode, PortalSession

CODE_LIFETIME = timedelta(minutes=10)
CODE_DIGITS = 6
#: Wrong tries after which a code is dead (a new one must be asked for).
CODE_TRIES = 5
#: Dead codes are deleted this long after they expired (kept a while to answer questions).
KEEP_CODES = timedelta(days=1)
SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
#: A session's last-seen instant is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)

ASK_PER_ADDRESS = Limit(5, timedelta(hours=1))
ASK_PER_IP = Limit(20, timedelta(hours=1))
TRY_PER_ADDRESS = Limit(10, timedelta(hours=1))
TRY_PER_IP = Limit(30, timedelta(hours=1))

#: The one answer to a wrong, used, expired or unknown code: which it was is nobody's business.
WRONG_CODE = "that code is wrong, used or expired; ask for a new one if you need to"


@dataclass(frozen=True)
class PortalUser:
    """The client admin a portal session belongs to (what every page is scoped by)."""

    session_id: int
    contact_id: int
    contact_name: str
    email: str
    client_id: int
    client_code: str
    client_name: str
    csrf: str


@dataclass(frozen=True)
class SignedIn:
    """A new session: the cookie value (shown once, never stored) and who it is."""

    token: str
    user: PortalUser


def portal_context(actor: str, clock: Clock) -> ServiceContext:
    """The audit identity of a portal request: ``portal:<address>``. The role is the least
    one; the portal's own use cases never ask it for a console right."""
    return ServiceContext(f"portal:{actor}"[:100], Role.PHONE, clock)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _code_hash(salt: str, code: str) -> str:
    return hmac.new(salt.encode("ascii"), code.encode("ascii"), hashlib.sha256).hexdigest()


def _address(email: str) -> str:
    address = normal_email(email, field="email")
    if address is None:
        raise InvalidInput("enter your email address", field="email")
    return address


def _admin_with(address: str) -> Contact | None:
    """The active admin of an active client with this address (none, if two clients share it:
    the portal could not tell whose cases to show)."""
    found = list(
        Contact.select(Contact, Client)
        .join(Client)
        .where((Contact.email == address) & Contact.is_admin & Contact.active & Client.active)
        .limit(2)
    )
    return found[0] if len(found) == 1 else None


def ask_for_code(clock: Clock, email: str, ip: str, composer: Composer | None = None) -> int | None:
    """Queue a sign-in code to ``email`` if it is an active client admin's; return the outbox
    id (``None`` otherwise). The caller shows the same page either way.

    Throttled per address and per IP whether or not the address is known (a throttle that
    only counted known addresses would tell them apart).
    """
    address = _address(email)
    now = clock.now()
    with write_transaction():
        portal_throttle.take(f"code-ask:email:{address}", ASK_PER_ADDRESS, now, "codes asked")
        portal_throttle.take(f"code-ask:ip:{ip}", ASK_PER_IP, now, "codes asked")
        contact = _admin_with(address)
        if contact is None:
            return None
        ctx = portal_context(address, clock)
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        salt = secrets.token_hex(16)
        PortalCode.update(used_at=now).where(
            (PortalCode.email == address) & PortalCode.used_at.is_null()
        ).execute()  # a newer code replaces any older one
        PortalCode.delete().where(PortalCode.expires_at < now - KEEP_CODES).execute()
        row = PortalCode.create(
            contact=contact,
            email=address,
            salt=salt,
            code_hash=_code_hash(salt, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        composer = composer or Composer.load()
        values = {
            **composer.desk_values(now),
            "code": code,
            "minutes": str(int(CODE_LIFETIME.total_seconds() // 60)),
            "contact_name": contact.name,
            "client_name": contact.client.name,
        }
        outbox_id = queue_plain_mail(
            ctx, "portal_code", values, [address], composer, audience="client"
        )
        ctx.audit(
            "portal.code_sent", "contact", contact.id, None, {"code": row.id, "outbox": outbox_id}
        )
        return outbox_id


def _clean_code(code: str) -> str:
    return "".join(ch for ch in (code or "")[:40] if ch.isdigit())


def sign_in_with_code(clock: Clock, email: str, code: str, ip: str) -> SignedIn:
    """Check a code and open a session; :class:`InvalidInput` (field ``code``) with one message
    for every reason a code does not work. A wrong try counts against the code."""
    address = _address(email)
    typed = _clean_code(code)
    now = clock.now()
    with write_transaction():
        portal_throttle.take(f"code-try:email:{address}", TRY_PER_ADDRESS, now, "wrong codes")
        portal_throttle.take(f"code-try:ip:{ip}", TRY_PER_IP, now, "wrong codes")
        row = (
            PortalCode.select()
            .where(
                (PortalCode.email == address)
                & PortalCode.used_at.is_null()
                & (PortalCode.expires_at > now)
                & (PortalCode.attempts < CODE_TRIES)
            )
            .order_by(PortalCode.id.desc())
            .first()
        )
        right = (
            row is not None
            and len(typed) == CODE_DIGITS
            and hmac.compare_digest(row.code_hash, _code_hash(row.salt, typed))
        )
        signed_in = None
        if row is not None and not right:
            PortalCode.update(attempts=PortalCode.attempts + 1).where(
                PortalCode.id == row.id
            ).execute()
        elif row is not None:
            used = (
                PortalCode.update(used_at=now)
                .where((PortalCode.id == row.id) & PortalCode.used_at.is_null())
                .execute()
            )
            contact = _admin_with(address)
            if used == 1 and contact is not None and contact.id == row.contact_id:
                signed_in = _open_session(clock, contact, ip)
    if signed_in is None:  # the counted try and the wrong attempt are committed
        raise InvalidInput(WRONG_CODE, field="code")
    return signed_in


def _open_session(clock: Clock, contact: Contact, ip: str) -> SignedIn:
    now = clock.now()
    token = secrets.token_urlsafe(32)
    row = PortalSession.create(
        token_hash=_hash(token),
        contact=contact,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_IDLE,
        ip=ip[:64],
    )
    portal_context(contact.email or "", clock).audit(
        "portal.sign_in", "contact", contact.id, None, {"session": row.id, "ip": ip[:64]}
    )
    return SignedIn(token, _user(row, contact))


def _user(row: PortalSession, contact: Contact) -> PortalUser:
    client: Client = contact.client
    return PortalUser(
        session_id=row.id,
        contact_id=contact.id,
        contact_name=contact.name,
        email=contact.email or "",
        client_id=client.id,
        client_code=client.code,
        client_name=client.name,
        csrf=row.csrf,
    )


def _live(token: str, now: datetime) -> tuple[PortalSession, Contact] | None:
    if not token or len(token) > 200:
        return None
    found = (
        PortalSession.select(PortalSession, Contact, Client)
        .join(Contact)
        .join(Client)
        .where(
            (PortalSession.token_hash == _hash(token))
            & PortalSession.ended_at.is_null()
            & (PortalSession.expires_at > now)
            & Contact.is_admin
            & Contact.active
            & Client.active
        )
        .first()
    )
    return None if found is None else (found, found.contact)


def session_user(clock: Clock, token: str) -> PortalUser | None:
    """Who the session cookie ``token`` signs in, or ``None`` (unknown, ended, expired, or its
    contact is no longer an active admin of an active client). Slides the idle expiry."""
    now = clock.now()
    live = _live(token, now)
    if live is None:
        return None
    row, contact = live
    if now - row.last_seen_at >= TOUCH_EVERY:
        expires = min(now + SESSION_IDLE, row.created_at + SESSION_MAX)
        with write_transaction():
            PortalSession.update(last_seen_at=now, expires_at=expires).where(
                PortalSession.id == row.id
            ).execute()
    return _user(row, contact)


def sign_out(clock: Clock, token: str) -> bool:
    """End the session (the cookie is worthless afterwards); whether there was one."""
    now = clock.now()
    live = _live(token, now)
    if live is None:
        return False
    row, contact = live
    with write_transaction():
        PortalSession.update(ended_at=now).where(PortalSession.id == row.id).execute()
        portal_context(contact.email or "", clock).audit(
            "portal.sign_out", "contact", contact.id, None, {"session": row.id}
        )
    return True
