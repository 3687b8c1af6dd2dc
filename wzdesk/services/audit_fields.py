"""The audit trail's read: how many entries one read may return, and the JSON shape of an entry
from its columns, read through the models or over the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.desk_fields` is: ``wzdesk audit`` reads an up-to-date
SQLite file without Peewee (:mod:`wzdesk.services.quick_reads`, issue 13) and shapes its rows
here, as the ordinary path (:func:`wzdesk.services.reports.audit_entries`) does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.bounds import check_limit
from wzdesk.core.timefmt import format_instant

#: The most audit entries one read returns.
AUDIT_LIMIT = 100_000
#: The columns an entry is shown from, in the order :func:`audit_dict` takes them.
AUDIT_COLUMNS = (
    "at",
    "actor",
    "authenticated_as",
    "action",
    "entity",
    "entity_id",
    "before_json",
    "after_json",
)


def check_audit_limit(limit: int) -> int:
    """``limit`` if an audit read may return that many entries (1 to :data:`AUDIT_LIMIT`)."""
    check_limit(limit, largest=AUDIT_LIMIT)
    return limit


def audit_dict(values: Sequence[Any], zone: ZoneInfo) -> dict[str, Any]:
    """The JSON shape of an entry from its :data:`AUDIT_COLUMNS` (``at`` an aware instant)."""
    at, actor, authenticated, action, entity, entity_id, before, after = values
    return {
        "at": format_instant(at, zone),
        "actor": actor,
        "authenticated_as": authenticated,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": json.loads(before) if before else None,
        "after": json.loads(after) if after else None,
    }
