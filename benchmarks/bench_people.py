"""The client view (``C``) and contact view (``K``) on a big desk: what the service reads for
the client and the contact with the most cases, and how many lines the screen lays out.

    python -m benchmarks.bench_people --db URL            # an existing database
    python -m benchmarks.bench_people --cases 20000       # builds a demo database first
    python -m benchmarks.bench_people --mail 1000000      # with that many messages more

Medians of ``--repeat`` calls (one call first, to warm the caches). The lines are those of the
text the console shows (``client_text`` / ``contact_text``): a view whose lines grow with the
client's cases grows its layout too (at a million cases the client view listed 4,942 open
cases, and had not appeared after a minute). Not a test: it asserts nothing.

``--mail N`` first adds N messages to the mail table, as a year of mail leaves it: every
other one from one of the desk's contacts, the others sent by the desk (the demo holds
almost none, so the contact view's messages were never measured at scale). They stay in
the database: run it once per database.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import peewee

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def add_mail(count: int) -> None:
    """``count`` messages in the mail table, every other one from a contact (spread over all
    of them) and the rest sent by the desk, received over the three months before the clock."""
    from wzdesk.store.database import db
    from wzdesk.store.models import Case, Contact, MailMessage

    emails = [c.email for c in Contact.select(Contact.email).where(Contact.email.is_null(False))]
    cases = [c.id for c in Case.select(Case.id)]
    start = MailMessage.select(peewee.fn.MAX(MailMessage.id)).scalar() or 0
    rows = []
    for number in range(count):
        inbound = number % 2 == 0
        rows.append(
            {
                "message_key": f"bench-{start + number}@wzdesk.example",
                "message_id": f"bench-{start + number}@wzdesk.example",
                "direction": "in" if inbound else "out",
                "outcome": "threaded" if inbound else "sent",
                "case": cases[number % len(cases)],
                "from_address": emails[number // 2 % len(emails)]
                if inbound
                else "support@example.com",
                "subject": "Re: the export",
                "received_at": NOW - timedelta(seconds=(count - number) * 7_776_000 // count),
                "imported_at": NOW,
                "size_bytes": 2_000,
            }
        )
        if len(rows) == 5_000 or number == count - 1:
            with db.atomic():
                MailMessage.insert_many(rows).execute()
            rows.clear()
    print(f"added {count:,} messages ({len(emails)} contacts with an address)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mail", type=int, default=0, metavar="N", help="add N messages first")
    args = parser.parse_args()
    demo_database("people", args.cases, FixedClock(NOW), args.db)
    if args.mail:
        add_mail(args.mail)

    from wzdesk.services.people_views import client_view, contact_view
    from wzdesk.store.models import Case, Client, Contact
    from wzdesk.tui.screens.people import client_text, contact_text

    def busiest(key: peewee.Field, case_link: peewee.Field, among: Any = True) -> Any:
        """The value of ``key`` (a client's code, a contact's id) with the most cases, of the
        rows ``among`` allows."""
        return (
            key.model.select(key)
            .join(Case, on=(case_link == key.model.id))
            .where(among)
            .group_by(key)
            .order_by(peewee.fn.COUNT(Case.id).desc())
            .scalar()
        )

    zone = NOW.tzinfo
    client_code = busiest(Client.code, Case.client)
    # The busiest contact with an address: only they send mail (on the PostgreSQL desk of
    # bench_scale the busiest of all has none).
    contact_id = busiest(Contact.id, Case.contact, Contact.email.is_null(False))
    print(f"{Case.select().count():,} cases; medians of {args.repeat}")
    client = client_view(client_code)
    ms = median_ms(lambda: client_view(client_code), args.repeat)
    lines = client_text(client, zone).count("\n") + 1
    print(
        f"  client view {client_code}: {client['open_count']:,} open, "
        f"{client['past_count']:,} past: {ms:.0f} ms, {lines} lines"
    )
    key = f"#{contact_id}"
    contact = contact_view(key)
    ms = median_ms(lambda: contact_view(key), args.repeat)
    lines = contact_text(contact, zone).count("\n") + 1
    print(
        f"  contact view {contact['name']}: {contact['case_count']:,} cases, "
        f"{contact['call_count']:,} calls, {contact['message_count']:,} messages: {ms:.0f} ms, "
        f"{lines} lines"
    )


if __name__ == "__main__":
    main()
