"""The client side of the desk: what a client's application (API token) or a signed-in
client admin (portal session) may read and do, always within one client.

* :mod:`~wzdesk.services.client_side.scope`: :class:`ClientScope` (client, credential,
  contact), its audit, the "active client admin" rule;
* :mod:`~wzdesk.services.client_side.cases`: list/search, read, open, reply;
* :mod:`~wzdesk.services.client_side.tokens`: API tokens (create, list, revoke, authenticate);
* :mod:`~wzdesk.services.client_side.policy`: the public policy.
"""

from wzdesk.services.client_side.cases import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    client_case,
    client_cases,
    client_open_case,
    client_query,
    client_reply,
    public_timeline,
    scoped_case,
)
from wzdesk.services.client_side.policy import public_policy
from wzdesk.services.client_side.scope import ClientScope, acting_admin, scope_client
from wzdesk.services.client_side.tokens import (
    TOKEN_PREFIX,
    NewToken,
    authenticate_token,
    create_token,
    list_tokens,
    revoke_token,
)

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "TOKEN_PREFIX",
    "ClientScope",
    "NewToken",
    "acting_admin",
    "authenticate_token",
    "client_case",
    "client_cases",
    "client_open_case",
    "client_query",
    "client_reply",
    "create_token",
    "list_tokens",
    "public_policy",
    "public_timeline",
    "revoke_token",
    "scope_client",
    "scoped_case",
]
