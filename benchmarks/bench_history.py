"""History benchmark: one page of the console's case history at 100,000 cases.

    python -m benchmarks.bench_history                 # builds a 100,000-case SQLite database
    python -m benchmarks.bench_history --db URL        # an existing database (e.g. PostgreSQL
                                                       # filled with ``wzdesk demo --cases N``)

Each figure is the median of repeated calls of ``history_page`` (the count of matches plus one
page of 50 rows), with the clock pinned to a weekday at 10:00. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock
from wzdesk.services.history import HistoryQuery, history_page
from wzdesk.store.database import db
from wzdesk.store.models import Case, Contact
from wzdesk.store.substring import trigram_ids

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))
GOAL = (
    "< 100 ms a page browsing; a text of three characters or more is looked up in the "
    "trigram index (migration 24), a shorter one reads every case"
)


def trigram_index() -> bool:
    """Whether the database holds the history's trigram index (an older SQLite or a
    PostgreSQL server without ``pg_trgm`` has none)."""
    if trigram_ids("abc") is not None:
        return True
    return any(index.name == "case_ref_summary_trigram" for index in db.get_indexes("case"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    demo_database("history", args.cases, FixedClock(NOW), args.db)
    cases = Case.select().count()
    some = Case.select().order_by(Case.id).first()
    assert some is not None, "the database holds no case"
    contact = Contact.get_by_id(some.contact_id)
    probes = [
        ("every case, page 1", HistoryQuery(), 0),
        ("every case, page 1000", HistoryQuery(), 999 * 50),
        ("open", HistoryQuery(status="open"), 0),
        ("resolved", HistoryQuery(status="resolved"), 0),
        ("closed", HistoryQuery(status="closed"), 0),
        ("search 'export' (common)", HistoryQuery(text="export"), 0),
        ("search a reference", HistoryQuery(text=str(some.ref)), 0),
        ("search a text found nowhere", HistoryQuery(text="zeppelin"), 0),
        ("search 'export', open", HistoryQuery(text="export", status="open"), 0),
        ("search 'export', resolved", HistoryQuery(text="export", status="resolved"), 0),
        ("search a client's name", HistoryQuery(text=str(some.client.name)), 0),
        ("search 'e' (no trigram)", HistoryQuery(text="e"), 0),
        ("one client", HistoryQuery(client=some.client.code), 0),
        ("one contact", HistoryQuery(client=some.client.code, contact=contact.email), 0),
    ]
    print(f"history_page at {cases:,} cases (median of {args.repeat}; goal {GOAL})")
    print(f"  trigram index: {'yes' if trigram_index() else 'no: every search reads every case'}")
    print(f"  {'query':<28} {'matches':>9} {'ms':>8}")
    for label, query, offset in probes:
        page = history_page(query, offset)
        ms = median_ms(lambda q=query, o=offset: history_page(q, o), args.repeat)
        print(f"  {label:<28} {page.total:>9,} {ms:>8.1f}")


if __name__ == "__main__":
    main()
