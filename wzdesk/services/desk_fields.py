"""The JSON shapes of the desk's own texts and rules (canned replies, alert rules, saved
views), from any record with their columns: a model row, or a row of the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.directory_fields` is: ``wzdesk macro list|show``,
``alert rule list`` and ``view list`` read an up-to-date SQLite file without Peewee
(:mod:`wzdesk.services.quick_reads`, issue 13) and shape their rows here, as the ordinary path
does.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.timefmt import format_instant


def macro_dict(macro: Any, zone: ZoneInfo) -> dict[str, Any]:
    """The JSON shape of a canned reply."""
    return {
        "name": macro.name,
        "body": macro.body,
        "created_by": macro.created_by,
        "updated_by": macro.updated_by,
        "updated_at": format_instant(macro.updated_at, zone),
    }


def macro_name(text: str | None) -> str:
    """A canned reply's name as stored, however typed."""
    return (text or "").strip().lower()


def rule_words(rule: Any) -> str:
    """``breached, critical/major -> supervisors``: a rule in one line."""
    severities = rule.severities.replace(",", "/") if rule.severities else "any severity"
    event = rule.event.replace("_", " ")
    if rule.event == "unassigned":
        event += f" {rule.minutes} min"
    return f"rule {rule.id}: {event}, {severities} -> {rule.recipients}"


def rule_dict(rule: Any) -> dict[str, Any]:
    """The JSON shape of an alert rule."""
    return {
        "id": rule.id,
        "event": rule.event,
        "severities": [s for s in rule.severities.split(",") if s],
        "to": rule.recipients,
        "minutes": rule.minutes,
        "active": bool(rule.active),
        "text": rule_words(rule),
    }


def view_dict(view: Any, zone: ZoneInfo, count: int | None = None) -> dict[str, Any]:
    """The JSON shape of a saved view (``count``: cases matching now, when asked)."""
    result: dict[str, Any] = {
        "name": view.name,
        "query": view.query,
        "owner": view.owner,
        "shared": bool(view.shared),  # the quick path reads SQLite's 0 and 1
        "pinned": bool(view.pinned),
        "created_at": format_instant(view.created_at, zone),
    }
    if count is not None:
        result["count"] = count
    return result
