"""Use cases on support cases, one module per part of a case's life.

* :mod:`~wzdesk.services.cases.intake`: open a case (portal, email, phone call);
* :mod:`~wzdesk.services.cases.conversation`: reply, internal note, call, the client writing back;
* :mod:`~wzdesk.services.cases.triage`: assign, status, severity, escalate;
* :mod:`~wzdesk.services.cases.lifecycle`: resolve, reopen, close;
* :mod:`~wzdesk.services.cases.records`: what they share (finding a case, the version check,
  the timeline, SLA pauses).

Each use case validates, checks the acting role, runs in one transaction, appends to the case's
timeline and the audit trail, and refuses a stale update: the caller says which ``version`` of
the case it read, and if another agent changed the case since, a :class:`Conflict` is raised
and nothing is written.

Reading a case (``get_case``, the case list) should not load the whole write side (intake
pulls in mail composition, contacts and phone numbers), so the names below are imported on
first use (:pep:`562`); type checkers see ordinary imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wzdesk.services.cases.conversation import client_wrote, log_call_on_case, reply
    from wzdesk.services.cases.intake import (
        FUTURE_TOLERANCE,
        MAX_CALL_SECONDS,
        NewCase,
        acknowledge_case,
        open_case,
    )
    from wzdesk.services.cases.lifecycle import close, close_case, reopen, resolve, resolve_case
    from wzdesk.services.cases.records import (
        FIRST_CASE_NUMBER,
        REF_PREFIX,
        Replied,
        case_number,
        check_version,
        get_case,
        parse_choice,
    )
    from wzdesk.services.cases.triage import assign, change_severity, escalate, set_status

#: Which module of this package defines each public name.
_HOME = {
    **dict.fromkeys(["client_wrote", "log_call_on_case", "reply"], "conversation"),
    **dict.fromkeys(
        ["FUTURE_TOLERANCE", "MAX_CALL_SECONDS", "NewCase", "acknowledge_case", "open_case"],
        "intake",
    ),
    **dict.fromkeys(["close", "close_case", "reopen", "resolve", "resolve_case"], "lifecycle"),
    **dict.fromkeys(
        [
            "FIRST_CASE_NUMBER",
            "REF_PREFIX",
            "Replied",
            "case_number",
            "check_version",
            "get_case",
            "parse_choice",
        ],
        "records",
    ),
    **dict.fromkeys(["assign", "change_severity", "escalate", "set_status"], "triage"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # the next look-up is a plain global
    return value


__all__ = [
    "FIRST_CASE_NUMBER",
    "FUTURE_TOLERANCE",
    "MAX_CALL_SECONDS",
    "REF_PREFIX",
    "NewCase",
    "Replied",
    "acknowledge_case",
    "assign",
    "case_number",
    "change_severity",
    "check_version",
    "client_wrote",
    "close",
    "close_case",
    "escalate",
    "get_case",
    "log_call_on_case",
    "open_case",
    "parse_choice",
    "reopen",
    "reply",
    "resolve",
    "resolve_case",
    "set_status",
]
