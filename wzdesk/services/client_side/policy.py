"""The support policy as clients may read it: hours, severities with their meaning and
targets, holidays. Nothing here is private; it is what the policy document promises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wzdesk.core.sla import SEVERITY_DESCRIPTIONS, Severity
from wzdesk.services.calendar import list_holidays, policy_versions
from wzdesk.services.client_side.books import policy_book


def public_policy(now: datetime) -> dict[str, Any]:
    """The policy in force at ``now``: zone, weekly hours, each severity's description and
    response and resolution targets, and the holidays from today on."""
    book = policy_book()
    version_id, policy = book.version_at(now)
    version = next(v for v in policy_versions() if v["id"] == version_id)
    today = now.astimezone(policy.calendar.zone).date()
    severities = []
    for severity in Severity:
        target = version["targets"].get(severity.value)
        if target is None:
            continue
        severities.append(
            {
                "severity": severity.value,
                "description": SEVERITY_DESCRIPTIONS[severity],
                "response_hours": target["response_hours"],
                "resolution_hours": target["resolution_hours"],
                "response_days": target["response_days"],
                "resolution_days": target["resolution_days"],
                "around_the_clock": target["around_the_clock"],
            }
        )
    return {
        "effective_from": version["effective_from"],
        "zone": version["zone"],
        "hours": version["hours"],
        "severities": severities,
        "holidays": [h.as_dict() for h in list_holidays() if h.date >= today],
    }
