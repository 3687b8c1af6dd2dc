"""Related cases: links (related, duplicate-of, caused-by) shown on both cases, and merging a
duplicate into its primary case, undoable by a supervisor.

A merge moves the duplicate's timeline, messages, outgoing mail and attachments to the primary
with their original times, closes the duplicate with a pointer (``merged_into``; its clocks stop
there and reports leave it out: the primary counts the issue), and gives the primary the
earlier received time (its deadlines recomputed) and the duplicate's first response when that
came earlier than its own and not before its (merged) received time. It records what it moved
and both rows as they were, so ``unmerge`` puts every row back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from wzdesk.core.case_sla import compute_deadlines
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.refs import ref_text
from wzdesk.core.rules import Action, Status
from wzdesk.core.sla import Severity
from wzdesk.services.case_fields import link_items
from wzdesk.services.cases.records import (
    check_version,
    deadline_fields,
    get_case,
    policy_of,
    save_case,
    stored_deadlines,
)
from wzdesk.services.context import ServiceContext, locked, write_transaction
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.database import db
from wzdesk.store.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    CaseMerge,
    MailMessage,
    OutboundMail,
    SlaPause,
)

LINK_KINDS = ("related", "duplicate-of", "caused-by")

#: The rows that follow a duplicate into its primary: (table key, model).
_MOVED: tuple[tuple[str, Any], ...] = (
    ("case_event", CaseEvent),
    ("mail_message", MailMessage),
    ("outbound_mail", OutboundMail),
    ("attachment", Attachment),
)

#: Primary columns a merge may change (and unmerge puts back).
_PRIMARY_FIELDS = (
    "received_at",
    "first_response_at",
    "response_due",
    "response_at_risk_at",
    "resolution_due",
    "resolution_at_risk_at",
    "resolution_paused_after_due",
)


def link_cases(ctx: ServiceContext, ref: str, other_ref: str, kind: str) -> CaseLink:
    """Link two cases (``ref`` is ``kind`` ``other_ref``); shown on both. One link per pair."""
    ctx.require(Action.ADD_NOTE)
    if kind not in LINK_KINDS:
        raise InvalidInput(f"expected one of {', '.join(LINK_KINDS)}, got {kind!r}", field="--kind")
    with write_transaction():
        _lock_in_order(ref, other_ref)
        case, other = get_case(ref), get_case(other_ref)
        if case.id == other.id:
            raise InvalidInput(f"{case.ref} cannot be linked to itself", field="REF")
        existing = CaseLink.get_or_none(
            ((CaseLink.source == case.id) & (CaseLink.target == other.id))
            | ((CaseLink.source == other.id) & (CaseLink.target == case.id))
        )
        if existing is not None:
            raise InvalidInput(
                f"{case.ref} and {other.ref} are already linked ({existing.kind})", field="REF"
            )
        link = CaseLink.create(
            source=case, target=other, kind=kind, created_at=ctx.clock.now(), created_by=ctx.actor
        )
        after = {"source": case.ref, "target": other.ref, "kind": kind}
        ctx.audit("case.link", "case", case.ref, None, after)
        ctx.audit("case.link", "case", other.ref, None, after)
    return link


def links_of(case: Case) -> list[dict[str, str]]:
    """Every link of a case, read from its side: ``{"kind": "duplicate-of", "ref": "WZ-1001"}``
    or, from the other end, ``{"kind": "has duplicate", "ref": ...}``; merges included."""
    out = CaseLink.select(CaseLink, Case).join(Case, on=(CaseLink.target == Case.id))
    made = [
        (link.kind, str(link.target.ref))
        for link in out.where(CaseLink.source == case.id).order_by(CaseLink.id)
    ]
    inward = CaseLink.select(CaseLink, Case).join(Case, on=(CaseLink.source == Case.id))
    received = [
        (link.kind, str(link.source.ref))
        for link in inward.where(CaseLink.target == case.id).order_by(CaseLink.id)
    ]
    primary = None
    if case.merged_into_id is not None:
        primary = str(Case.get_by_id(case.merged_into_id).ref)
    merged = Case.select(Case.ref).where(Case.merged_into == case.id).order_by(Case.id)
    return link_items(made, received, primary, [str(c.ref) for c in merged])


def follow_merges(case: Case) -> Case:
    """The case mail about ``case`` lands on: its primary if it was merged (followed through)."""
    seen = {case.id}
    while case.merged_into_id is not None:
        primary = Case.get_or_none(Case.id == case.merged_into_id)
        if primary is None or primary.id in seen:
            break
        seen.add(primary.id)
        case = primary
    return case


def _row(case: Case) -> dict[str, Any]:
    """Every column of a case row, as JSON-ready values."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in case.__data__.items()
    }


def _restore(data: dict[str, Any]) -> dict[str, Any]:
    """Column values from :func:`_row` (instants back from ISO text)."""
    result = {}
    for name, value in data.items():
        field = Case._meta.fields[name]
        if isinstance(value, str) and field.__class__.__name__ == "UTCDateTimeField":
            value = datetime.fromisoformat(value)
        result[name] = value
    return result


def merge_cases(
    ctx: ServiceContext,
    duplicate_ref: str,
    primary_ref: str,
    duplicate_version: int | None = None,
    primary_version: int | None = None,
    book: PolicyBook | None = None,
) -> CaseMerge:
    """Merge ``duplicate_ref`` into ``primary_ref`` in one transaction (see the module)."""
    ctx.require(Action.CLOSE)
    book = book or load_policy_book()
    with write_transaction():
        _lock_in_order(duplicate_ref, primary_ref)
        duplicate, primary = get_case(duplicate_ref), get_case(primary_ref)
        check_version(duplicate, duplicate_version)
        check_version(primary, primary_version)
        if duplicate.id == primary.id:
            raise InvalidInput(f"{duplicate.ref} cannot be merged into itself", field="--into")
        if duplicate.client_id != primary.client_id:
            raise InvalidInput(
                f"{duplicate.ref} and {primary.ref} belong to different clients", field="--into"
            )
        for case, field in ((duplicate, "DUPLICATE"), (primary, "--into")):
            if case.status == Status.CLOSED:
                raise InvalidInput(f"{case.ref} is closed", field=field)
        duplicate_before, primary_before = _row(duplicate), _row(primary)
        moved: dict[str, list[int]] = {}
        for key, model in _MOVED:
            ids = [row.id for row in model.select(model.id).where(model.case == duplicate.id)]
            moved[key] = ids
            if ids:
                model.update(case=primary.id).where(model.id.in_(ids)).execute()
        primary_changes: dict[str, Any] = {}
        if duplicate.received_at < primary.received_at:
            finished = [
                (p.started_at, p.ended_at)
                for p in SlaPause.select().where(
                    (SlaPause.case == primary) & SlaPause.ended_at.is_null(False)
                )
            ]
            deadlines = compute_deadlines(
                policy_of(book, primary),
                Severity(primary.severity),
                duplicate.received_at,
                finished,
            )
            primary_changes = {"received_at": duplicate.received_at, **deadline_fields(deadlines)}
        answered = first_response_merged(
            primary.first_response_at,
            duplicate.first_response_at,
            primary_changes.get("received_at", primary.received_at),
        )
        if answered != primary.first_response_at:
            primary_changes["first_response_at"] = answered
        now = ctx.clock.now()
        save_case(ctx, primary, primary_changes)
        save_case(
            ctx,
            duplicate,
            {
                "status": Status.CLOSED.value,
                "is_open": False,
                "closed_at": now,
                "paused_since": None,
                "merged_into": primary.id,
            },
        )
        merge = CaseMerge.create(
            duplicate=duplicate,
            primary=primary,
            moved_json=json.dumps(moved, sort_keys=True),
            duplicate_before_json=json.dumps(duplicate_before, sort_keys=True),
            primary_before_json=json.dumps(primary_before, sort_keys=True),
            merged_at=now,
            merged_by=ctx.actor,
        )
        summary = {"duplicate": duplicate.ref, "primary": primary.ref, "moved": moved}
        ctx.audit(
            "case.merge", "case", duplicate.ref, {"status": duplicate_before["status"]}, summary
        )
        before = {k: primary_before[k] for k in _PRIMARY_FIELDS} if primary_changes else None
        ctx.audit("case.merge", "case", primary.ref, before, {**summary, **primary_changes})
    return merge


def unmerge_case(ctx: ServiceContext, ref: str) -> CaseMerge:
    """Undo the latest merge of ``ref`` (the duplicate, or a primary with one merge): the moved
    rows go back, the duplicate's row is restored and the primary's received time and
    deadlines too (each case's ``version`` and ``updated_at`` move on, so open consoles
    notice). Supervisors only."""
    ctx.require(Action.MANAGE_USERS)
    with write_transaction():
        case = get_case(ref, lock=False)  # which merge: both its cases are locked in order below
        active = CaseMerge.select().where(CaseMerge.undone_at.is_null())
        merge = active.where(CaseMerge.duplicate == case.id).order_by(CaseMerge.id.desc()).first()
        if merge is None:
            as_primary = list(active.where(CaseMerge.primary == case.id))
            if len(as_primary) > 1:
                refs = ", ".join(str(m.duplicate.ref) for m in as_primary)
                raise InvalidInput(
                    f"{case.ref} has several merged cases; name one of {refs}", field="REF"
                )
            if not as_primary:
                raise NotFound(f"{case.ref} was not merged", field="REF")
            merge = as_primary[0]
        _lock_in_order(str(merge.duplicate.ref), str(merge.primary.ref))
        if active.where(CaseMerge.id == merge.id).first() is None:  # undone while we waited
            raise NotFound(f"{case.ref} was not merged", field="REF")
        duplicate, primary = get_case(str(merge.duplicate.ref)), get_case(str(merge.primary.ref))
        moved: dict[str, list[int]] = json.loads(merge.moved_json)
        for key, model in _MOVED:
            ids = moved.get(key, [])
            if ids:
                model.update(case=duplicate.id).where(model.id.in_(ids)).execute()
        duplicate_row = _restore(json.loads(merge.duplicate_before_json))
        primary_row = _restore(json.loads(merge.primary_before_json))
        # A merge from before schema 32 kept no waited-after-due seconds: the primary's stand.
        primary_changes = {k: primary_row.get(k, getattr(primary, k)) for k in _PRIMARY_FIELDS}
        primary_changes["first_response_at"] = _own_first_response(
            primary, primary_row, _restore(json.loads(merge.duplicate_before_json))
        )
        if (
            primary_changes["received_at"] != primary.received_at
            or primary_changes["first_response_at"] != primary.first_response_at
            or stored_deadlines(primary) != stored_deadlines(Case(**primary_changes))
        ):
            save_case(ctx, primary, primary_changes)
        duplicate_changes = {
            k: v for k, v in duplicate_row.items() if k not in ("id", "version", "updated_at")
        }
        save_case(ctx, duplicate, duplicate_changes)
        now = ctx.clock.now()
        CaseMerge.update(undone_at=now, undone_by=ctx.actor).where(
            CaseMerge.id == merge.id
        ).execute()
        summary = {"duplicate": duplicate.ref, "primary": primary.ref, "moved": moved}
        ctx.audit("case.unmerge", "case", duplicate.ref, None, summary)
        ctx.audit("case.unmerge", "case", primary.ref, None, summary)
    return CaseMerge.get_by_id(merge.id)


def first_response_merged(
    primary: datetime | None, duplicate: datetime | None, received: datetime
) -> datetime | None:
    """The primary's first response once the duplicate's thread is its own: the duplicate's
    first public reply meets the primary's response target when it was made at or after the
    primary's received time (the earlier of the two cases': the client reported the issue
    then) and before the primary's own first response; one made before then does not."""
    if duplicate is None or duplicate < received:
        return primary
    if primary is None or duplicate < primary:
        return duplicate
    return primary


#: Timeline events that give a case its first response (a public reply, the resolution note,
#: a quote sent to the client).
_RESPONDING_KINDS = ("reply", "resolve", "quote")


def _own_first_response(
    primary: Case, primary_before: dict[str, Any], duplicate_before: dict[str, Any]
) -> datetime | None:
    """The primary's first response once a merge is undone (its rows moved back): as before
    the merge if it had one; else, if the merge gave it the duplicate's, its own first
    responding event since (none: None); else whatever it has now."""
    before = primary_before["first_response_at"]
    if before is not None:
        return cast(datetime, before)
    received = min(primary_before["received_at"], duplicate_before["received_at"])
    if first_response_merged(None, duplicate_before["first_response_at"], received) is None:
        return cast(datetime | None, primary.first_response_at)  # unanswered by the merge
    own = (
        CaseEvent.select(CaseEvent.at)
        .where(
            (CaseEvent.case == primary.id)
            & (CaseEvent.public == True)  # noqa: E712 - SQL, not Python
            & CaseEvent.kind.in_(_RESPONDING_KINDS)
        )
        .order_by(CaseEvent.at, CaseEvent.id)
        .first()
    )
    return None if own is None else cast(datetime, own.at)


def _lock_in_order(*refs: str) -> None:
    """Lock the cases a use case changes together in one order, the lowest id first, before
    each is read (PostgreSQL; :func:`get_case` locks one at a time): two agents linking or
    merging the same pair from either end would each hold one and wait for the other."""
    if not db.obj.for_update:
        return  # SQLite: the write transaction already holds every other writer off
    wanted = [ref_text(ref) for ref in refs]
    list(locked(Case.select(Case.id).where(Case.ref.in_(wanted)).order_by(Case.id)))
