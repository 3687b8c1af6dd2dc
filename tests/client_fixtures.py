"""Two clients with their admins and cases, for the client-side tests (services and API).

ACME (from ``tests/conftest.py``'s ``acme``: Ana primary, Raj backup, Bob not an admin) and
GLOBEX (Gil, its only admin). Each client has a case opened by the desk; ACME's has an
internal note with a word that must never reach the client.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import new_case
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.client_side import ClientScope, authenticate_token, create_token
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_client, add_contact

SECRET_WORD = "zanzibarnote"  # only ever in an internal note
PUBLIC_WORD = "pelicanreply"  # in a public reply


@dataclass(frozen=True)
class TwoClients:
    acme_ref: str
    globex_ref: str
    acme_token: str
    globex_token: str
    acme: ClientScope
    globex: ClientScope


@pytest.fixture
def two_clients(
    agent: ServiceContext, supervisor: ServiceContext, acme: str, clock: FixedClock
) -> TwoClients:
    add_client(supervisor, "GLOBEX", "Globex Inc")
    add_contact(supervisor, "GLOBEX", "Gil Bates", "gil@globex.example", admin_rank="primary")
    acme_case = cases.open_case(agent, new_case(summary="Printer queue stalls"))
    cases.reply(agent, acme_case.ref, f"Internal: {SECRET_WORD} check logs", internal=True)
    cases.reply(agent, acme_case.ref, f"We are looking ({PUBLIC_WORD}).")
    globex_case = cases.open_case(
        agent, new_case(client="GLOBEX", contact="gil@globex.example", summary="Globex ledger")
    )
    acme_token = create_token(supervisor, "ACME", "erp").secret
    globex_token = create_token(supervisor, "GLOBEX", "erp").secret
    return TwoClients(
        str(acme_case.ref),
        str(globex_case.ref),
        acme_token,
        globex_token,
        authenticate_token(acme_token, clock),
        authenticate_token(globex_token, clock),
    )
