"""Use cases for the people: clients, their contacts, and console users (with sign-in)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

import peewee

from wzdesk.core.clock import Clock
from wzdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from wzdesk.core.rules import Action, Role, phone_digits
from wzdesk.core.text import check_text, clean
from wzdesk.core.values import Value
from wzdesk.services import contact_rules
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory_fields import MAX_LOOKUP as MAX_LOOKUP
from wzdesk.services.directory_fields import client_code_text, identity_text
from wzdesk.services.directory_fields import contact_dict as contact_dict
from wzdesk.services.directory_fields import user_dict as user_dict
from wzdesk.store.database import lock_for_transaction
from wzdesk.store.models import Client, Contact, User

_CLIENT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class SignIn(Value):
    """The acting user, and a one-time announcement when the first supervisor was created."""

    _fields = ("context", "announcement")
    context: ServiceContext
    announcement: str | None

    def __init__(self, context: ServiceContext, announcement: str | None = None) -> None:
        self._set(context=context, announcement=announcement)


def user_for_identity(identity: str) -> User | None:
    """The console user an identity (an OS login, a PostgreSQL role) signs in as: the one
    mapped to it with ``--identity``, else the one whose login it is."""
    identity = identity_text(identity)
    mapped = User.get_or_none(User.identity == identity)
    if mapped is not None:
        return mapped
    return User.get_or_none(User.identity.is_null() & (User.login == identity.strip().lower()))


def sign_in(identity: str, clock: Clock) -> SignIn:
    """The console user behind ``identity``, trusted as given: the command line passes the OS
    login or the database role it connected as (see :mod:`wzdesk.services.identity`); tests and
    the demo pass a name.

    On a new database (no users yet) the first identity becomes a supervisor, so a fresh
    install is usable at once; this happens exactly once, under a lock (simultaneous first
    sign-ins: one supervisor, the others refused), and is announced once.
    """
    user = user_for_identity(identity)
    if user is None and not User.select().exists():
        login = identity.strip().lower()
        with write_transaction():
            lock_for_transaction("first-user")
            if not User.select().exists():  # re-read under the lock: nobody was faster
                if not _LOGIN.match(login):
                    raise PermissionDenied(
                        f"{identity!r} cannot be a console login (lower-case letters, digits, "
                        ". _ or -); sign in under another name"
                    )
                User.create(
                    login=login, name=login, role=Role.SUPERVISOR.value, created_at=clock.now()
                )
                context = ServiceContext(login, Role.SUPERVISOR, clock)
                first = {"role": "supervisor", "first": True}
                context.audit("user.add", "user", login, None, first)
                return SignIn(
                    context, f"created supervisor {login!r}: the first user of this database"
                )
        user = user_for_identity(identity)
    if user is None:
        login = identity.strip().lower()
        raise PermissionDenied(
            f"{identity!r} is not a console user of this database; a supervisor can add it with "
            f"'wzdesk user add {login} --name NAME --role agent'"
        )
    if not user.active:
        raise PermissionDenied(f"console user {user.login!r} is deactivated")
    return SignIn(ServiceContext(user.login, Role(user.role), clock))


def add_client(ctx: ServiceContext, code: str, name: str) -> Client:
    """Register a client organisation under a short code (e.g. ACME)."""
    ctx.require(Action.MANAGE_CLIENTS)
    code = code.strip().upper()
    if not _CLIENT_CODE.match(code):
        raise InvalidInput(
            f"expected letters, digits, - or _ (up to 32), got {code!r}", field="CODE"
        )
    name = check_text(name, "--name", 200, required=True)
    with write_transaction():
        if Client.select().where(Client.code == code).exists():
            raise InvalidInput(f"a client with code {code} already exists", field="CODE")
        client = Client.create(code=code, name=name, created_at=ctx.clock.now())
        ctx.audit("client.add", "client", code, None, {"code": code, "name": name})
    return client


def get_client(code: str, field: str = "--client") -> Client:
    """The client with this code; NotFound naming ``field`` (where the code was typed: the
    ``--client`` option, or a command's positional ``CLIENT``)."""
    client = Client.get_or_none(Client.code == client_code_text(code))
    if client is None:
        raise NotFound(f"no client with code {code!r}", field=field)
    return client


def add_contact(
    ctx: ServiceContext,
    client_code: str,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    is_admin: bool = False,
    admin_rank: str | None = None,
) -> Contact:
    """Add a person at a client; ``admin_rank`` (primary/backup) implies a client admin."""
    ctx.require(Action.MANAGE_CLIENTS)
    name = check_text(name, "--name", 200, required=True)
    email = contact_rules.normal_email(email)
    phone, digits = contact_rules.normal_phone(phone)
    if admin_rank not in (None, *contact_rules.RANKS):
        raise InvalidInput("expected primary or backup", field="--primary/--backup")
    is_admin = is_admin or admin_rank is not None
    with write_transaction():
        client = get_client(client_code)
        contact_rules.check_unique(client, None, email, phone)
        if admin_rank is not None:
            contact_rules.make_room_for_rank(ctx, client, None, admin_rank)
        contact = Contact.create(
            client=client,
            name=name,
            email=email,
            phone=phone,
            phone_digits=digits,
            is_admin=is_admin,
            admin_rank=admin_rank,
            created_at=ctx.clock.now(),
        )
        ctx.audit("contact.add", "contact", contact.id, None, contact_dict(contact))
    return contact


def client_admins(client: Client) -> list[Contact]:
    """The client's admins, primary first."""
    rank = peewee.Case(Contact.admin_rank, (("primary", 0), ("backup", 1)), 2)
    return list(
        Contact.select()
        .where((Contact.client == client) & Contact.is_admin & Contact.active)
        .order_by(rank, Contact.name)
    )


def describe_admins(client: Client) -> str:
    """ "Ana Diaz (primary, ana@x.com), ..." or a note that there are none."""
    admins = client_admins(client)
    if not admins:
        return f"{client.code} has no client admin on file"
    parts = []
    for admin in admins:
        details = ", ".join(filter(None, [admin.admin_rank, admin.email or admin.phone]))
        parts.append(f"{admin.name} ({details})" if details else admin.name)
    return f"{client.code}'s admins: " + "; ".join(parts)


def list_contacts(client_code: str | None = None) -> list[Contact]:
    """Every contact (of one client, if given), by client code and name."""
    query = Contact.select(Contact, Client).join(Client).order_by(Client.code, Contact.name)
    if client_code:
        query = query.where(Client.id == get_client(client_code).id)
    return list(query)


def find_contact(client: Client, email_or_phone: str) -> Contact:
    """A client's contact by email or phone number."""
    key = clean(email_or_phone).strip()[:MAX_LOOKUP]
    if "@" in key:
        query = Contact.email == key.lower()
    else:
        digits = phone_digits(key)
        if len(digits) < 7:
            raise InvalidInput(
                f"expected the contact's email or phone number, got {key!r}", field="--contact"
            )
        query = Contact.phone_digits == digits
    contact = Contact.get_or_none((Contact.client == client) & query)
    if contact is None:
        raise NotFound(f"{client.code} has no contact {key!r}", field="--contact")
    return contact


def search_contacts(text: str, limit: int = 8) -> list[Contact]:
    """Caller lookup: by phone digits, email, or name/client fragments (for suggestions)."""
    text = clean(text).strip()[:MAX_LOOKUP]
    if not text:
        return []
    digits = phone_digits(text)
    conditions = []
    if len(digits) >= 3 and len(digits) >= len(text.replace(" ", "").replace("-", "")) - 2:
        conditions.append(Contact.phone_digits.contains(digits))
    like = f"%{text.lower()}%"
    conditions.append(peewee.fn.LOWER(Contact.name) ** like)
    conditions.append(Contact.email**like)
    conditions.append(peewee.fn.LOWER(Client.name) ** like)
    conditions.append(peewee.fn.LOWER(Client.code) ** like)
    where = conditions[0]
    for condition in conditions[1:]:
        where = where | condition
    return list(
        Contact.select(Contact, Client)
        .join(Client)
        .where(where & Contact.active)
        .order_by(Contact.is_admin.desc(), Contact.name)
        .limit(limit)
    )


def add_user(
    ctx: ServiceContext, login: str, name: str, role: str, *, identity: str | None = None
) -> User:
    """Add a console user (supervisors only). ``identity``: the OS login or PostgreSQL role
    they sign in as, when it is not ``login``."""
    ctx.require(Action.MANAGE_USERS)
    login = login.strip().lower()
    if not _LOGIN.match(login):
        raise InvalidInput(
            f"expected lower-case letters, digits, . _ or -, got {login!r}", field="LOGIN"
        )
    name = check_text(name, "--name", 200, required=True)
    identity = check_text(identity, "--identity", 100) or None
    if identity == login:
        identity = None
    try:
        role_value = Role(role.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"expected one of {', '.join(r.value for r in Role)}, got {role!r}", field="--role"
        ) from None
    with write_transaction():
        if User.select().where(User.login == login).exists():
            raise InvalidInput(f"a user {login!r} already exists", field="LOGIN")
        if identity is not None and user_for_identity(identity) is not None:
            raise InvalidInput(f"{identity!r} already signs in as another user", field="--identity")
        user = User.create(
            login=login,
            name=name,
            role=role_value.value,
            created_at=ctx.clock.now(),
            identity=identity,
        )
        ctx.audit(
            "user.add",
            "user",
            login,
            None,
            {"login": login, "name": name, "role": role_value.value, "identity": identity},
        )
    return user


def get_user(login: str, field: str = "--assignee") -> User:
    user = User.get_or_none(User.login == clean(login).strip().lower()[:MAX_LOOKUP])
    if user is None:
        raise NotFound(f"no console user {login!r}", field=field)
    return user


def list_users() -> list[User]:
    return list(User.select().order_by(User.login))


def find_clients(text: str, limit: int = 8) -> list[tuple[str, str]]:
    """(code, name) of clients whose code or name contains ``text``."""
    like = f"%{clean(text).strip().lower()[:MAX_LOOKUP]}%"
    query = (
        Client.select(Client.code, Client.name)
        .where((peewee.fn.LOWER(Client.code) ** like) | (peewee.fn.LOWER(Client.name) ** like))
        .order_by(Client.code)
        .limit(limit)
    )
    return [
        (str(code), str(name)) for code, name in cast(Iterable[tuple[str, str]], query.tuples())
    ]


def list_clients() -> list[Client]:
    return list(Client.select().order_by(Client.code))


def update_user(
    ctx: ServiceContext,
    login: str | None = None,
    *,
    email: str | None = None,
    signature: str | None = None,
) -> User:
    """Set a console user's email address (where alerts go; ``""`` removes it) and/or reply
    signature (``""`` goes back to their name and the team). Everyone may change their own;
    supervisors anyone's."""
    login = (login or ctx.actor).strip().lower()
    if login != ctx.actor:
        ctx.require(Action.MANAGE_USERS)
    changes: dict[str, object] = {}
    if email is not None:
        address = email.strip().lower() or None
        if address is not None and not _EMAIL.match(address):
            raise InvalidInput(
                f"expected an email address like kim@vendor.example, got {email!r}", field="--email"
            )
        changes["email"] = address
    if signature is not None:
        text = signature.replace("\r\n", "\n").strip()
        if len(text) > 2000:
            raise InvalidInput("at most 2000 characters", field="--signature")
        changes["signature"] = text
    if not changes:
        raise InvalidInput("give --email or --signature", field="user set")
    with write_transaction():
        user = get_user(login, field="LOGIN")
        before = {name: getattr(user, name) for name in changes}
        User.update(**changes).where(User.id == user.id).execute()
        ctx.audit("user.change", "user", login, before, changes)
    return get_user(login, field="LOGIN")
