"""A client's cases as the client sees them: list and search, one case with its public
timeline, opening a case, writing on one.

Every function is bounded by its :class:`ClientScope`: a case of another client is answered
exactly like a case that does not exist, and nothing internal (notes, who is assigned,
escalation, tags, the audit trail) is ever returned. Writes reuse the desk's own use cases
(``open_case``, ``client_wrote``) so that a portal case or reply behaves like any other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from wzdesk.core.errors import Conflict, InvalidInput, NotFound
from wzdesk.core.query import (
    KNOWN_FIELDS,
    And,
    FieldTerm,
    Node,
    Not,
    Or,
    Query,
    QueryError,
    SortKey,
    parse_query,
    unknown_field,
)
from wzdesk.core.rules import (
    CLIENT_STATUSES,
    Category,
    Channel,
    Status,
    missing_recommended_fields,
)
from wzdesk.core.timefmt import format_instant
from wzdesk.services import search
from wzdesk.services.billing.quote_fields import quote_label
from wzdesk.services.case_fields import instants_and_states, timers
from wzdesk.services.case_views import pauses_of
from wzdesk.services.cases import NewCase, client_wrote, get_case, open_case
from wzdesk.services.cases.records import add_event, clean_text
from wzdesk.services.client_side.books import policy_book
from wzdesk.services.client_side.scope import (
    ClientScope,
    acting_admin,
    client_errors,
    scope_client,
)
from wzdesk.services.context import write_transaction
from wzdesk.services.policy_book import PolicyBook
from wzdesk.services.related import follow_merges
from wzdesk.store.models import Case, CaseEvent, Contact, OutboundMail

#: Query terms only the desk may use: they name the desk's people or its internal labels.
AGENT_ONLY_TERMS = {
    "assignee": "who a case is assigned to is the desk's business",
    "tag": "tags are the desk's internal labels",
    "client": "you see your own client's cases only",
}
#: The ``name:`` terms a client may use.
CLIENT_FIELDS = tuple(name for name in KNOWN_FIELDS if name not in AGENT_ONLY_TERMS)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_PAGE = 10_000
_EXPLICIT_SCOPE = re.compile(r"(?i)(?:^|[\s(])is:\s*\"?(open|all|closed)\b")

#: Timeline entries a client sees. Public messages (replies both ways, the resolution note)
#: keep their text; status, severity and reopen/close entries say only what changed.
PUBLIC_KINDS = ("created", "reply", "client_message", "resolve", "status", "severity", "reopen")
#: Entries a client sees only when the desk made them public: of a quote's events, the send
#: (what was emailed to the client: its number, total and the answer asked for; it may have
#: met the response target, so the client must see it). Drafts, edits and time stay inside.
PUBLIC_ONLY_KINDS = ("quote",)
_KEPT_DATA = {
    "quote": ("quote", "status"),
    "created": ("channel",),
    "status": ("from", "to"),
    "severity": ("from", "to"),
    "resolve": ("classification",),
    "client_message": ("subject", "attachments", "via"),
    "reply": (),
    "reopen": (),
}


# -- reading ------------------------------------------------------------------------------------


def public_status(status: str) -> str:
    """The status a client is shown (:data:`CLIENT_STATUSES`)."""
    return CLIENT_STATUSES.get(status, status)


def _check_client_safe(node: Node | None) -> None:
    """Refuse any term that only the desk may use, naming it."""
    match node:
        case FieldTerm(field, _) if field in AGENT_ONLY_TERMS:
            raise InvalidInput(
                f"{field}: is not available here ({AGENT_ONLY_TERMS[field]})", field="query"
            )
        case FieldTerm("status", value) if value in CLIENT_STATUSES:
            raise InvalidInput(
                f"status:{value} is not available here (escalations are the desk's business; "
                f"such a case shows as {CLIENT_STATUSES[value]})",
                field="query",
            )
        case And(items) | Or(items):
            for item in items:
                _check_client_safe(item)
        case Not(item):
            _check_client_safe(item)


def _as_client_sees(node: Node | None) -> Node | None:
    """``status:open`` as the client means it: the cases it is shown as open, escalated ones
    too (:data:`CLIENT_STATUSES`)."""
    match node:
        case FieldTerm("status", value):
            hidden = [inner for inner, shown in CLIENT_STATUSES.items() if shown == value]
            if hidden:
                return Or((node, *(FieldTerm("status", inner) for inner in hidden)))
            return node
        case And(items):
            return And(tuple(cast(Node, _as_client_sees(item)) for item in items))
        case Or(items):
            return Or(tuple(cast(Node, _as_client_sees(item)) for item in items))
        case Not(item):
            return Not(cast(Node, _as_client_sees(item)))
    return node


def client_query(text: str | None) -> Query:
    """The checked query of a client's search: client-safe terms only, and every case (open
    and historical) unless it says ``is:open`` or ``is:closed``."""
    try:
        parsed = parse_query(text or "")
    except QueryError as error:  # name only the fields a client may use
        if error.reason != unknown_field(KNOWN_FIELDS):
            raise
        raise QueryError(unknown_field(CLIENT_FIELDS), error.token, error.position) from None
    _check_client_safe(parsed.where)
    sort = tuple(  # by the status the client is shown: an escalated case sorts as open
        SortKey(search.CLIENT_STATUS_SORT, key.descending) if key.key == "status" else key
        for key in parsed.sort
    )
    parsed = Query(_as_client_sees(parsed.where), sort, parsed.scope)
    if not _EXPLICIT_SCOPE.search(text or ""):
        parsed = Query(parsed.where, parsed.sort, "all")
    return parsed


def _number(value: int, field: str, top: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
        raise InvalidInput(f"expected a whole number between 1 and {top:,}", field=field)
    return value


def _public_case(case: Case, contact: Contact, book: PolicyBook, now: datetime) -> dict[str, Any]:
    """What a client may know about one of its cases (the list's row)."""
    zone = book.by_id(case.policy_id).calendar.zone
    reading = timers(case, book, now)
    return {
        "ref": case.ref,
        "status": public_status(case.status),
        "severity": case.severity,
        "category": case.category,
        "channel": case.channel,
        "summary": case.summary,
        "contact": contact.email or contact.phone,
        "contact_name": contact.name,
        "updated_at": format_instant(case.updated_at, zone),
        **instants_and_states(case, reading, zone),
        "paused": reading.paused,
    }


#: The columns a list row needs (not the long texts: descriptions can be 100,000 characters).
_LISTED = (
    Case.id,
    Case.ref,
    Case.status,
    Case.severity,
    Case.category,
    Case.channel,
    Case.summary,
    Case.policy,
    Case.contact,
    Case.received_at,
    Case.updated_at,
    Case.first_response_at,
    Case.resolved_at,
    Case.closed_at,
    Case.response_due,
    Case.response_at_risk_at,
    Case.resolution_due,
    Case.resolution_at_risk_at,
    Case.resolution_paused_after_due,
    Case.paused_since,
)


def client_cases(
    scope: ClientScope,
    query: str | None = None,
    *,
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """One page of the client's cases matching ``query`` (the console's query language,
    client-safe terms only), most urgent first unless it says ``sort:``; filtered, ordered and
    paged in SQL. ``next_page`` is None on the last page."""
    page = _number(page, "page", MAX_PAGE)
    limit = _number(limit, "limit", MAX_LIMIT)
    parsed = client_query(query)
    now = scope.clock.now()
    book = policy_book()
    context = search.SearchContext(now, None, book, public_only=True)
    ids = search.search_ids(
        parsed,
        context,
        limit + 1,
        offset=(page - 1) * limit,
        within=cast(search.Cond, Case.client == scope.client_id),
    )
    more, ids = len(ids) > limit, ids[:limit]
    rows = {
        case.id: case
        for case in Case.select(*_LISTED, Contact.name, Contact.email, Contact.phone)
        .join(Contact, on=(Case.contact == Contact.id))
        .where(Case.id.in_(ids) & (Case.client == scope.client_id))
    }
    items = [_public_case(rows[i], rows[i].contact, book, now) for i in ids if i in rows]
    scope.record("cases.list", query=(query or "")[:200], page=page, count=len(items))
    return {
        "cases": items,
        "page": page,
        "limit": limit,
        "next_page": page + 1 if more else None,
        "query": query or "",
    }


def scoped_case(scope: ClientScope, ref: str) -> Case:
    """The scope's client's case ``ref``; another client's case is not found, word for word
    like a missing one."""
    shown = str(ref)[:40]
    try:
        case = get_case(shown)
    except NotFound:
        case = None
    if case is None or case.client_id != scope.client_id:
        raise NotFound(f"no case {shown!r}", field="ref")
    return case


def _client_authors(client_id: int) -> set[str]:
    """Every address and number a contact of the client writes from (their timeline entries
    are shown as the client's, everything else as the support team's)."""
    rows = Contact.select(Contact.email, Contact.phone).where(Contact.client == client_id)
    found: set[str] = set()
    for email, phone in cast(Iterable[tuple[str | None, str | None]], rows.tuples()):
        found.update(v for v in (email, phone) if v)
    return found


def client_visible() -> Any:
    """The condition on ``case_event`` rows a client may see (:data:`PUBLIC_KINDS`, and
    :data:`PUBLIC_ONLY_KINDS` when public)."""
    return CaseEvent.kind.in_(PUBLIC_KINDS) | (
        CaseEvent.kind.in_(PUBLIC_ONLY_KINDS) & CaseEvent.public
    )


def _public_event(event: CaseEvent, zone: Any, client_authors: set[str]) -> dict[str, Any]:
    data = json.loads(event.data_json) if event.data_json else {}
    if event.kind == "quote" and isinstance(data.get("quote"), int):
        data["quote"] = quote_label(data["quote"])  # as the email names it: Q-12
    if event.kind == "status":
        data = {key: public_status(data[key]) for key in ("from", "to") if key in data}
    from_client = event.author in client_authors
    shown_text = event.public or event.kind == "created"
    return {
        "at": format_instant(event.at, zone),
        "kind": event.kind,
        "from": "client" if from_client else "support",
        "author": event.author if from_client else "Support",
        "body": event.body if shown_text else "",
        "data": {key: data[key] for key in _KEPT_DATA.get(event.kind, ()) if key in data},
    }


def public_timeline(case: Case, zone: Any) -> list[dict[str, Any]]:
    """The case's timeline as its client sees it, oldest first."""
    events = (
        CaseEvent.select()
        .where((CaseEvent.case == case) & client_visible())
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    authors = _client_authors(case.client_id)
    return [_public_event(e, zone, authors) for e in events if _shown(e)]


def _shown(event: CaseEvent) -> bool:
    """Not a status change the client could not see (escalated → open is "open → open")."""
    if event.kind != "status" or not event.data_json:
        return True
    data = json.loads(event.data_json)
    return public_status(str(data.get("from"))) != public_status(str(data.get("to")))


def public_event_count(case: Case) -> int:
    """How many entries :func:`public_timeline` holds (the live status compares it), with
    only the status changes read."""
    others = (
        CaseEvent.select()
        .where((CaseEvent.case == case) & client_visible() & (CaseEvent.kind != "status"))
        .count()
    )
    changes = CaseEvent.select(CaseEvent.kind, CaseEvent.data_json).where(
        (CaseEvent.case == case) & (CaseEvent.kind == "status")
    )
    return int(others) + sum(1 for event in changes if _shown(event))


def _case_view(case: Case, book: PolicyBook, now: datetime) -> dict[str, Any]:
    zone = book.by_id(case.policy_id).calendar.zone
    contact = Contact.get_by_id(case.contact_id)
    result = _public_case(case, contact, book, now)
    merged = Case.get_or_none(Case.id == case.merged_into_id) if case.merged_into_id else None
    result.update(
        {
            "description": case.description,
            "steps_to_reproduce": case.steps_to_reproduce,
            "affected_users": case.affected_users,
            "classification": case.classification,
            "missing_fields": missing_recommended_fields(
                Category(case.category),
                case.description,
                case.steps_to_reproduce,
                case.affected_users,
            ),
            "merged_into": merged.ref
            if merged is not None and merged.client_id == case.client_id
            else None,
            "zone": zone.key,
            "timeline": public_timeline(case, zone),
            "pauses": [
                {
                    "started_at": format_instant(p.started_at, zone),
                    "ended_at": format_instant(p.ended_at, zone),
                    "reason": p.reason,
                }
                for p in pauses_of(case)
            ],
        }
    )
    return result


def client_case(scope: ClientScope, ref: str) -> dict[str, Any]:
    """One of the client's cases with its public timeline, due instants and SLA states."""
    case = scoped_case(scope, ref)
    result = _case_view(case, policy_book(), scope.clock.now())
    scope.record("case.read", ref=case.ref)
    return result


# -- writing ------------------------------------------------------------------------------------


def _acknowledgment(case: Case) -> dict[str, Any] | None:
    """Where the new case's acknowledgment was queued (None: not sent, e.g. turned off or no
    email on file): the caller says "queued", never "sent"."""
    row = (
        OutboundMail.select(OutboundMail.id, OutboundMail.recipients)
        .where((OutboundMail.case == case) & (OutboundMail.kind == "acknowledgment"))
        .first()
    )
    if row is None:
        return None
    return {"queued_to": row.recipients.split(","), "outbox_id": row.id}


def client_open_case(
    scope: ClientScope,
    contact: str,
    severity: str,
    category: str,
    summary: str,
    description: str,
    steps_to_reproduce: str | None = None,
    affected_users: str | None = None,
) -> dict[str, Any]:
    """Open a ``portal`` case for an active client admin of the scope's client (else
    PermissionDenied naming the admins); acknowledged as any new case is."""
    with client_errors():
        client = scope_client(scope)
        admin = acting_admin(scope, client, contact)
        acting = scope.acting(admin.email or admin.phone)
        admin.client = client
        new = NewCase(
            client=client.code,
            contact=contact,
            severity=severity,
            channel=Channel.PORTAL.value,
            category=category,
            summary=summary,
            description=description or "",
            steps_to_reproduce=steps_to_reproduce or "",
            affected_users=affected_users or "",
        )
        book = policy_book()
        ctx = acting.context()
        with write_transaction():
            case = open_case(ctx, new, book=book, contact=admin)
            acting.audit("case.open", ref=case.ref)
        case = Case.get_by_id(case.id)
        result = _case_view(case, book, scope.clock.now())
        result["acknowledgment"] = _acknowledgment(case)
        return result


def client_reply(scope: ClientScope, ref: str, contact: str, message: str) -> dict[str, Any]:
    """The client writes on its case, as if by email: a public message on the timeline; a case
    waiting on the client goes back to open, a resolved one reopens. A closed case is final
    (Conflict: open a new case). A merged duplicate's messages land on its primary."""
    with client_errors():
        body = clean_text(message, "message", 100_000, required=True)
        book = policy_book()
        with write_transaction():
            client = scope_client(scope)
            case = scoped_case(scope, ref)
            if case.merged_into_id is not None:
                case = follow_merges(case)
                if case.client_id != scope.client_id:  # never across clients
                    raise NotFound(f"no case {str(ref)[:40]!r}", field="ref")
            admin = acting_admin(scope, client, contact)
            acting = scope.acting(admin.email or admin.phone)
            if case.status == Status.CLOSED:
                raise Conflict(
                    f"{case.ref} is closed; open a new case and mention {case.ref}",
                    field="ref",
                )
            ctx = acting.context()
            now = scope.clock.now()
            add_event(
                ctx,
                case,
                "client_message",
                body,
                public=True,
                data={"via": scope.credential.split(":")[0]},
            )
            left = client_wrote(ctx, case, now, book)
            acting.audit("case.reply", ref=case.ref, length=len(body), status_before=left)
        case = Case.get_by_id(case.id)
        result = _case_view(case, book, scope.clock.now())
        result["status_before"] = left  # "waiting_client" or "resolved" when it moved, else None
        return result
