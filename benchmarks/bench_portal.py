"""Portal benchmark: requests per second for the client portal's case list (``GET /cases``)
and a case page (``GET /cases/{ref}``) at 100,000 cases, one uvicorn worker and four.

    python -m benchmarks.bench_portal                       # builds a 100,000-case SQLite database
    python -m benchmarks.bench_portal --db postgresql://…   # an existing (demo) database
    python -m benchmarks.bench_portal --cases 10000 --seconds 5 --workers 1,2

As ``bench_api`` (whose server and load generator it shares): ``wzdesk serve --workers N``
with the clock pinned to Monday 10:00 Toronto, ``--clients`` keep-alive connections for
``--seconds``, the median of ``--rounds`` rounds. The session is a real one: the busiest
client's admin asks for a code and signs in with it. Each page is rendered HTML (Jinja2) with
the session checked and the read audited, as in production. Not a test: it asserts nothing.
"""

from __future__ import annotations

import re

import peewee

from benchmarks.bench_api import NOW, _busiest_client, arguments, print_rates
from benchmarks.fresh import demo_database
from wzdesk.core.clock import FixedClock
from wzdesk.services.portal_sign_in import ask_for_code, sign_in_with_code
from wzdesk.store.models import Case, Client, Contact, OutboundMail, PortalAttempt


def _session_cookie(code: str, clock: FixedClock) -> tuple[str, str]:
    """A signed-in portal session for one of the client's admins: (who, the cookie header)."""
    client = Client.get(Client.code == code)
    admin = (
        Contact.select()
        .where((Contact.client == client) & Contact.is_admin & Contact.active)
        .where(Contact.email.is_null(False))
        .order_by(Contact.id)
        .first()
    )
    if admin is None:
        raise SystemExit(f"{code} has no admin with an email address")
    # Earlier runs asked at the same pinned instant: forget their tries, or the throttle says no.
    PortalAttempt.delete().where(
        PortalAttempt.key.contains(admin.email) | PortalAttempt.key.endswith(":ip:bench")
    ).execute()
    ask_for_code(clock, admin.email, "bench")
    mail = OutboundMail.select().where(OutboundMail.kind == "portal_code")
    raw = mail.order_by(OutboundMail.id.desc()).first().raw
    found = re.search(r"^    (\d{6})\r?$", raw, re.MULTILINE)
    assert found, "no code in the message"
    signed_in = sign_in_with_code(clock, admin.email, found.group(1), "bench")
    return admin.email, f"wzdesk_portal={signed_in.token}"


def main() -> None:
    args = arguments(__doc__ or "")
    clock = FixedClock(NOW)
    url = demo_database("portal", args.cases, clock, args.db)
    total = Case.select().count()
    code, refs = _busiest_client()
    mine = Case.select(peewee.fn.COUNT(Case.id)).join(Client).where(Client.code == code).scalar()
    who, cookie = _session_cookie(code, clock)
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"Portal at {total:,} cases ({backend}); signed in as {who} of {code} ({mine:,} cases); "
        f"{args.clients} connections, {args.seconds:g} s rounds, median of {args.rounds}; "
        f"clock {NOW.isoformat()}"
    )
    probes = [
        ("GET /cases (first page, 25)", ["/cases"]),
        ("GET /cases/{ref}", [f"/cases/{ref}" for ref in refs]),
    ]
    print_rates(url, probes, args, "", {"Cookie": cookie})


if __name__ == "__main__":
    main()
