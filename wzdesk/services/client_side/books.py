"""The policy book for client-side calls, kept per thread between requests.

Reading the book is three small queries, but a fresh book also rebuilds its calendars'
business-time tables on first use (~10 ms): a server answering many calls keeps the last book
while its signature (every version, target and holiday) is unchanged. Per thread, because a
calendar grows its tables lazily and is not meant to be shared between threads.
"""

from __future__ import annotations

import threading

from wzdesk.services.policy_book import PolicyBook, load_policy_book

_local = threading.local()


def policy_book() -> PolicyBook:
    """The policy book as the database holds it now (the kept one when nothing changed)."""
    fresh = load_policy_book()
    kept: PolicyBook | None = getattr(_local, "book", None)
    if kept is not None and kept.signature == fresh.signature:
        return kept
    _local.book = fresh
    return fresh
