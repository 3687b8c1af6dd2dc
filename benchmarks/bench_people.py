"""The client view (``C``) and contact view (``K``) on a big desk: what the service reads for
the client and the contact with the most cases, and how many lines the screen lays out.

    python -m benchmarks.bench_people --db URL            # an existing database
    python -m benchmarks.bench_people --cases 20000       # builds a demo database first

Medians of ``--repeat`` calls (one call first, to warm the caches). The lines are those of the
text the console shows (``client_text`` / ``contact_text``): a view whose lines grow with the
client's cases grows its layout too (at a million cases the client view listed 4,942 open
cases, and had not appeared after a minute). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import peewee

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    demo_database("people", args.cases, FixedClock(NOW), args.db)

    from wzdesk.services.people_views import client_view, contact_view
    from wzdesk.store.models import Case, Client, Contact
    from wzdesk.tui.screens.people import client_text, contact_text

    def busiest(key: peewee.Field, case_link: peewee.Field) -> Any:
        """The value of ``key`` (a client's code, a contact's id) with the most cases."""
        return (
            key.model.select(key)
            .join(Case, on=(case_link == key.model.id))
            .group_by(key)
            .order_by(peewee.fn.COUNT(Case.id).desc())
            .scalar()
        )

    zone = NOW.tzinfo
    client_code = busiest(Client.code, Case.client)
    contact_id = busiest(Contact.id, Case.contact)
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
        f"{contact['call_count']:,} calls: {ms:.0f} ms, {lines} lines"
    )


if __name__ == "__main__":
    main()
