"""The desk's rules as data: roles and what they may do, case vocabularies, status moves.

Pure: the services enforce these; the console uses them to decide what to offer.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from wzdesk.core.text import has_visible


class Role(StrEnum):
    """What a console user is."""

    AGENT = "agent"
    PHONE = "phone"
    SUPERVISOR = "supervisor"


class Action(StrEnum):
    """Things a console user may be allowed to do."""

    OPEN_CASE = "open a case"
    LOG_CALL = "log a phone call"
    ADD_NOTE = "add an internal note"
    REPLY = "reply to the client"
    ASSIGN = "assign a case"
    CHANGE_STATUS = "change a case's status"
    CHANGE_SEVERITY = "change a case's severity"
    ESCALATE = "escalate a case"
    RESOLVE = "resolve a case"
    REOPEN = "reopen a case"
    CLOSE = "close a case"
    MANAGE_CLIENTS = "manage clients and contacts"
    MANAGE_USERS = "manage console users"
    MANAGE_CALENDAR = "change holidays and the SLA policy"
    HANDLE_MAIL = "release or discard quarantined mail"
    MANAGE_RATES = "change service rates and prepaid discount tiers"
    QUOTE = "prepare, send and record the answer to quotes"
    LOG_TIME = "log time on services work"
    ALLOW_OVERRUN = "allow time past what a quote covers"
    SELL_PREPAID = "record a prepaid hours purchase"
    EXPORT_ACCOUNTING = "export services for accounting"
    IMPORT_MAIL = "import client email"
    MANAGE_BACKUPS = "make, verify and restore backups"
    IMPERSONATE = "act as another console user"
    MANAGE_MESSAGES = "change message templates, client notices and alert rules"
    MANAGE_MACROS = "add, change or remove canned replies"
    VIEW_REPORTS = "view reports, period SLA event logs and the audit trail"
    EXPLAIN_SLA = "see how a case's SLA targets were counted"


_EVERYONE = frozenset(Role)
_AGENTS = frozenset({Role.AGENT, Role.SUPERVISOR})

PERMISSIONS: Mapping[Action, frozenset[Role]] = {
    Action.OPEN_CASE: _EVERYONE,
    Action.LOG_CALL: _EVERYONE,
    Action.ADD_NOTE: _EVERYONE,
    Action.REPLY: _AGENTS,
    Action.ASSIGN: _AGENTS,
    Action.CHANGE_STATUS: _AGENTS,
    Action.CHANGE_SEVERITY: _AGENTS,
    Action.ESCALATE: _AGENTS,
    Action.RESOLVE: _AGENTS,
    Action.REOPEN: _AGENTS,
    Action.CLOSE: _AGENTS,
    Action.MANAGE_CLIENTS: _AGENTS,
    Action.MANAGE_USERS: frozenset({Role.SUPERVISOR}),
    Action.MANAGE_CALENDAR: frozenset({Role.SUPERVISOR}),
    Action.HANDLE_MAIL: _AGENTS,
    Action.MANAGE_RATES: frozenset({Role.SUPERVISOR}),
    Action.QUOTE: _AGENTS,
    Action.LOG_TIME: _AGENTS,
    Action.ALLOW_OVERRUN: frozenset({Role.SUPERVISOR}),
    Action.SELL_PREPAID: _AGENTS,
    Action.EXPORT_ACCOUNTING: _AGENTS,
    # Phone staff may import too, but only what they may do by hand: a message that would
    # reopen a case or take it out of waiting is held for an agent (see mail_intake).
    Action.IMPORT_MAIL: _EVERYONE,
    Action.MANAGE_BACKUPS: frozenset({Role.SUPERVISOR}),
    Action.IMPERSONATE: frozenset({Role.SUPERVISOR}),
    Action.MANAGE_MESSAGES: frozenset({Role.SUPERVISOR}),
    Action.MANAGE_MACROS: _AGENTS,
    Action.VIEW_REPORTS: frozenset({Role.SUPERVISOR}),
    Action.EXPLAIN_SLA: _EVERYONE,
}


def may(role: Role, action: Action) -> bool:
    """Whether ``role`` may perform ``action``."""
    return role in PERMISSIONS[action]


class Channel(StrEnum):
    """How the case reached the desk."""

    PORTAL = "portal"
    EMAIL = "email"
    PHONE = "phone"


class Category(StrEnum):
    """The policy's support scenarios."""

    QUESTION = "question"
    UNEXPECTED = "unexpected"
    CONFIGURATION = "configuration"
    SERVICES = "services"


CATEGORY_LABELS: Mapping[Category, str] = {
    Category.QUESTION: "Question / how-to",
    Category.UNEXPECTED: "Something unexpected occurred",
    Category.CONFIGURATION: "Adjust the configuration",
    Category.SERVICES: "Professional services request",
}


class Classification(StrEnum):
    """How an ``unexpected`` case turned out."""

    USER_ERROR = "user_error"
    BUG = "bug"
    WORKS_AS_DESIGNED = "works_as_designed"


#: Label and description of each outcome, for the faces to offer.
CLASSIFICATION_LABELS: Mapping[Classification, tuple[str, str]] = {
    Classification.USER_ERROR: ("User error", "Guidance or a workaround given"),
    Classification.BUG: ("Bug or malfunction", "It did not work as intended"),
    Classification.WORKS_AS_DESIGNED: ("Works as designed", "No defect"),
}


class Status(StrEnum):
    """Where a case is in its life."""

    NEW = "new"
    OPEN = "open"
    WAITING_CLIENT = "waiting_client"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Still being worked (not resolved, not closed)."""
        return self not in (Status.RESOLVED, Status.CLOSED)


#: Moves ``case set --status`` may make; resolve, reopen, close and escalate have their own
#: use cases because they carry more than a status (a note, a target, a classification).
SETTABLE_STATUS_MOVES: Mapping[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.OPEN, Status.WAITING_CLIENT}),
    Status.OPEN: frozenset({Status.WAITING_CLIENT}),
    Status.WAITING_CLIENT: frozenset({Status.OPEN}),
    Status.ESCALATED: frozenset({Status.OPEN, Status.WAITING_CLIENT}),
    Status.RESOLVED: frozenset(),
    Status.CLOSED: frozenset(),
}

DEDICATED_STATUS_COMMANDS: Mapping[Status, str] = {
    Status.ESCALATED: "escalate",
    Status.RESOLVED: "resolve",
    Status.CLOSED: "close",
}


#: Statuses a client is shown as another: an escalation is the desk's business (the client
#: sees the case in progress, "open"), so neither a status, the timeline nor the order of a
#: ``sort:status`` says it.
CLIENT_STATUSES = {Status.ESCALATED.value: Status.OPEN.value}


def missing_recommended_fields(
    category: Category, description: str, steps_to_reproduce: str, affected_users: str
) -> list[str]:
    """What a "complete and fulsome" submission lacks (the policy asks clients for these)."""
    missing = []
    if not has_visible(description):
        missing.append("description")
    if category is Category.UNEXPECTED:
        if not has_visible(steps_to_reproduce):
            missing.append("steps_to_reproduce")
        if not has_visible(affected_users):
            missing.append("affected_users")
    return missing


def phone_digits(number: str) -> str:
    """The comparable part of a phone number: its last ten digits (drops +1, spaces, dashes)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[-10:]
