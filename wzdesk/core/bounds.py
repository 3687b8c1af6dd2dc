"""Numbers from outside (ids, limits) checked before any backend sees them.

SQLite refuses integers beyond 64 bits with an ``OverflowError`` that would surface as a
traceback; PostgreSQL accepts a larger comparison. Checked here, both behave alike.
"""

from __future__ import annotations

from wzdesk.core.errors import InvalidInput

#: The largest row id either backend can hold (SQLite's signed 64-bit rowid).
MAX_ID = 2**63 - 1
#: The most rows a listing returns (more is a typo, or a job for an export).
MAX_LIMIT = 1_000_000


def is_possible_id(value: int) -> bool:
    """Whether a row could have this id (a caller treats any other as "not found")."""
    return 1 <= value <= MAX_ID


def check_limit(value: int | None, field: str = "--limit", largest: int = MAX_LIMIT) -> int | None:
    """``None`` (no limit) or a count between 1 and ``largest`` (a million unless said)."""
    if value is not None and not 1 <= value <= largest:
        raise InvalidInput(f"expected a number between 1 and {largest:,}", field=field)
    return value
