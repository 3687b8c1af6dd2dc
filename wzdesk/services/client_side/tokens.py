"""API tokens: one client's credential for the application that calls the API on its behalf.

The secret is shown once, when it is made; only its SHA-256 is stored (a leaked database or
backup holds no usable token). Tokens are random (``secrets.token_urlsafe(32)``: 256 bits), so
one plain SHA-256 is enough; no password stretching is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from wzdesk.core.clock import Clock
from wzdesk.core.errors import InvalidInput, NotAuthenticated, NotFound
from wzdesk.core.rules import Action
from wzdesk.services.calendar import support_zone_at
from wzdesk.services.cases.records import clean_line
from wzdesk.services.client_side.scope import ClientScope
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import get_client
from wzdesk.services.directory_fields import token_dict
from wzdesk.store.models import ApiToken, Client

#: Every token starts so: recognisable in a leaked log or a secret scanner.
TOKEN_PREFIX = "wzk_"
#: How much of the secret lists show to tell tokens apart (the prefix plus 8 characters).
SHOWN_CHARACTERS = len(TOKEN_PREFIX) + 8
#: Longer than any token we make: refused before hashing.
MAX_TOKEN_LENGTH = 200
#: ``last_used_at`` is written at most this often per token (not a write per request).
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is shown once and never again."""

    id: int
    client: str
    label: str
    secret: str

    @property
    def shown(self) -> str:
        return self.secret[:SHOWN_CHARACTERS]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(ctx: ServiceContext, client_code: str, label: str = "") -> NewToken:
    """A new token for the client (agents and supervisors, who manage clients); audited
    without the secret."""
    ctx.require(Action.MANAGE_CLIENTS)
    label = clean_line(label, "--label", 100)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        client = get_client(client_code)
        if not client.active:
            raise InvalidInput(f"client {client.code} is inactive", field="CODE")
        row = ApiToken.create(
            client=client,
            label=label,
            prefix=secret[:SHOWN_CHARACTERS],
            secret_sha256=digest(secret),
            created_at=ctx.clock.now(),
            created_by=ctx.actor,
        )
        ctx.audit(
            "token.create",
            "api_token",
            row.id,
            None,
            {"client": client.code, "label": label, "prefix": row.prefix},
        )
    return NewToken(row.id, client.code, label, secret)


def list_tokens(ctx: ServiceContext, client_code: str | None = None) -> list[dict[str, Any]]:
    """Every token (of one client, if named), oldest first; never the secrets."""
    ctx.require(Action.MANAGE_CLIENTS)
    query = ApiToken.select(ApiToken, Client).join(Client).order_by(ApiToken.id)
    if client_code:
        query = query.where(ApiToken.client == get_client(client_code))
    zone = support_zone_at(ctx.clock.now())  # once: it is a query
    return [token_dict(row, zone) for row in query]


def revoke_token(ctx: ServiceContext, token_id: int) -> dict[str, Any]:
    """Revoke a token at once: its next call answers 401. Revoking twice changes nothing."""
    ctx.require(Action.MANAGE_CLIENTS)
    with write_transaction():
        row = ApiToken.get_or_none(ApiToken.id == token_id) if 0 < token_id < 2**63 else None
        if row is None:
            raise NotFound(f"no API token #{token_id}", field="ID")
        if row.revoked_at is None:
            now = ctx.clock.now()
            ApiToken.update(revoked_at=now, revoked_by=ctx.actor).where(
                ApiToken.id == row.id
            ).execute()
            row.revoked_at, row.revoked_by = now, ctx.actor
            ctx.audit(
                "token.revoke",
                "api_token",
                row.id,
                {"revoked_at": None},
                {"client": row.client.code, "prefix": row.prefix},
            )
        return token_dict(row, support_zone_at(ctx.clock.now()))


def authenticate_token(plaintext: str | None, clock: Clock) -> ClientScope:
    """The client scope a bearer token stands for, or NotAuthenticated (unknown, revoked,
    malformed, or its client deactivated: the same answer, so nothing is learned by trying)."""
    text = (plaintext or "").strip()
    refused = NotAuthenticated("a valid API token is required (Authorization: Bearer wzk_…)")
    if not text.startswith(TOKEN_PREFIX) or len(text) > MAX_TOKEN_LENGTH:
        raise refused
    wanted = digest(text)
    row = (
        ApiToken.select(ApiToken, Client)
        .join(Client)
        .where(ApiToken.secret_sha256 == wanted)
        .first()
    )
    if row is None or not hmac.compare_digest(row.secret_sha256, wanted):
        raise refused
    if row.revoked_at is not None or not row.client.active:
        raise refused
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        with write_transaction():
            ApiToken.update(last_used_at=now).where(ApiToken.id == row.id).execute()
    return ClientScope(row.client.id, row.client.code, f"api-token:{row.id}", clock)
