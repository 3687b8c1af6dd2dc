"""Rendering the portal's pages: Jinja2 templates shipped in the package, autoescaped."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from wzdesk.core.rules import CATEGORY_LABELS
from wzdesk.core.wording import business_days_in_words, target_in_words

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


STATUS_WORDS = {
    "new": "New",
    "open": "Open",
    "waiting_client": "Waiting on you",
    "escalated": "Escalated",
    "resolved": "Resolved",
    "closed": "Closed",
}
CATEGORY_WORDS = {category.value: label for category, label in CATEGORY_LABELS.items()}
STATE_WORDS = {
    "pending": "on time",
    "at_risk": "at risk",
    "breached": "overdue",
    "met": "met",
    "late": "met late",
    "paused": "paused",
}
EVENT_WORDS = {
    "created": "Case opened",
    "reply": "Reply",
    "client_message": "Message",
    "resolve": "Resolved",
    "status": "Status changed",
    "severity": "Severity changed",
    "reopen": "Reopened",
    "quote": "Quote",
}


def when(value: str | None, zone: str | None = None) -> str:
    """An instant the services give as ISO text, for people: ``Mon 9 Mar 2026, 10:00 EDT``
    when the zone is known by name, else with its offset (``UTC-04:00``)."""
    if not value:
        return "—"
    local = datetime.fromisoformat(value)
    if zone:
        local = local.astimezone(ZoneInfo(zone))
        name = local.tzname() or ""
    else:
        offset = local.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {name}".strip()


def target_words(hours: float | None, days: int | None, around_the_clock: bool = False) -> str:
    """A severity's target as the policy states it: ``4 business hours``, ``3 business days``."""
    if days:
        return business_days_in_words(days)
    return target_in_words(int(round((hours or 0) * 3600)), around_the_clock)


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,  # a missing value is a bug to see in tests, not a blank
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["when"] = when
_env.globals["target_words"] = target_words
_env.filters["status_words"] = lambda value: STATUS_WORDS.get(value, value)
_env.filters["state_words"] = lambda value: STATE_WORDS.get(value, value)
_env.filters["category_words"] = lambda value: CATEGORY_WORDS.get(value, value)
_env.filters["event_words"] = lambda value: EVENT_WORDS.get(value, value)


def base_path(request: Request) -> str:
    """Where the portal is mounted (``""`` at ``/``), for links and form actions."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """The page ``template`` filled with ``values`` (and the user, base path, CSRF token)."""
    values.setdefault("user", None)
    values.setdefault("csrf", "")
    values.setdefault("error", None)
    html = _env.get_template(template).render(base=base_path(request), **values)
    return HTMLResponse(html, status_code=status_code)
