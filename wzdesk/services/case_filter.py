"""What ``case list``'s flags select, as a query of the query language (:mod:`wzdesk.core.query`).

Peewee-free, so that both paths of ``case list`` build the same query from the same flags: the
search engine (:func:`wzdesk.services.search.filter_query`) and the quick read-only path
(:mod:`wzdesk.services.quick_case_reads`, issue 13). Only finding the ``--assignee``'s user
reads the database; the caller passes how.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wzdesk.core.errors import InvalidInput
from wzdesk.core.query import And, FieldTerm, Node, Or, Query, SlaTerm, TextTerm, text_words
from wzdesk.core.rules import Status
from wzdesk.core.sla import Severity
from wzdesk.core.text import clean
from wzdesk.core.values import Value

#: Longest search text: LIKE patterns past ~50,000 bytes fail on SQLite only.
MAX_SEARCH = 200


def parse_choice(enum: Any, value: str, field: str) -> Any:
    """``enum(value)`` or an InvalidInput naming the field and the choices."""
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise InvalidInput(f"expected one of {choices}, got {value!r}", field=field) from None


class CaseFilter(Value):
    """What ``case list`` and the queue's quick filters select."""

    _fields = (
        "statuses",
        "severities",
        "assignee",
        "unassigned",
        "client",
        "breached",
        "at_risk",
        "text",
        "include_closed",
    )
    statuses: Sequence[str]
    severities: Sequence[str]
    assignee: str | None
    unassigned: bool
    client: str | None
    breached: bool
    at_risk: bool
    text: str | None
    include_closed: bool

    def __init__(
        self,
        statuses: Sequence[str] = (),
        severities: Sequence[str] = (),
        assignee: str | None = None,
        unassigned: bool = False,
        client: str | None = None,
        breached: bool = False,
        at_risk: bool = False,
        text: str | None = None,
        include_closed: bool = False,
    ) -> None:
        self._set(
            statuses=statuses,
            severities=severities,
            assignee=assignee,
            unassigned=unassigned,
            client=client,
            breached=breached,
            at_risk=at_risk,
            text=text,
            include_closed=include_closed,
        )


def flags_query(
    flt: CaseFilter,
    parsed: Query,
    login_of: Callable[[str], str],
    code_of: Callable[[str], str],
) -> Query:
    """The query the flags stand for (validated in flag order, naming the flag), ANDed with the
    query ``parsed``; ``--status`` and ``--all`` look past the open cases. ``login_of``: the
    login of the console user a typed ``--assignee`` names, ``code_of``: the code of the
    client a typed ``--client`` names (each raising, naming the flag, when there is none: a
    mistyped code listed "(none)" and exited 0, which a script reads as no cases)."""
    parts: list[Node] = [parsed.where] if parsed.where is not None else []
    if flt.statuses:
        statuses = [parse_choice(Status, s, "--status").value for s in flt.statuses]
        parts.append(Or(tuple(FieldTerm("status", s) for s in statuses)))
    if flt.severities:
        severities = [parse_choice(Severity, s, "--severity").value for s in flt.severities]
        parts.append(Or(tuple(FieldTerm("severity", s) for s in severities)))
    if flt.assignee:
        parts.append(FieldTerm("assignee", login_of(flt.assignee).lower()))
    if flt.unassigned:
        parts.append(FieldTerm("assignee", "none"))
    if flt.client:
        parts.append(FieldTerm("client", code_of(flt.client)))
    sla: list[Node] = []
    if flt.breached:
        sla.append(SlaTerm("breached_any"))
    if flt.at_risk:
        sla.append(SlaTerm("at_risk"))
    if sla:
        parts.append(sla[0] if len(sla) == 1 else Or(tuple(sla)))
    if flt.text:
        words = clean(flt.text).strip()
        if len(words) > MAX_SEARCH:
            raise InvalidInput(f"at most {MAX_SEARCH} characters", field="--search")
        pieces = words.split()
        if len(pieces) == 1 and text_words(pieces[0]):
            parts.append(TextTerm(pieces[0]))
        elif text_words(words):
            parts.append(TextTerm(words, phrase=True))
    scope = parsed.scope
    if flt.statuses or flt.include_closed:
        scope = "all"
    where: Node | None = None
    if parts:
        where = parts[0] if len(parts) == 1 else And(tuple(parts))
    return Query(where, parsed.sort, scope)
