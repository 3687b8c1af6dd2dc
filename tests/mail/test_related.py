"""Related cases: links on both cases; merge (rows move with their times, the duplicate closed
with a pointer, mail by either reference lands on the primary, the earlier received time kept,
one transaction, refused across clients, version checks on both) and unmerge round trips."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import local, new_case
from tests.mail.conftest import eml
from wzdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from wzdesk.services import cases
from wzdesk.services.case_views import show_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_client, add_contact
from wzdesk.services.related import link_cases, merge_cases, unmerge_case
from wzdesk.store.models import (
    ALL_MODELS,
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    MailMessage,
    OutboundMail,
    SlaPause,
)

Importer = Callable[..., Any]


def rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a merge touches (case rows without version and updated_at)."""
    result: dict[str, list[dict[str, Any]]] = {}
    for model in (CaseEvent, MailMessage, OutboundMail, Attachment, SlaPause):
        result[model.__name__] = [dict(r.__data__) for r in model.select().order_by(model.id)]
    result["Case"] = [
        {k: v for k, v in c.__data__.items() if k not in ("version", "updated_at")}
        for c in Case.select().order_by(Case.id)
    ]
    return result


def timeline(case: Case) -> set[tuple[str, datetime, str]]:
    return {(e.kind, e.at, e.body) for e in CaseEvent.select().where(CaseEvent.case == case)}


@pytest.fixture
def pair(acme: str, agent: ServiceContext, import_raw: Importer) -> tuple[str, str]:
    """WZ-1001 by email at 09:30 (the duplicate, with an attachment) and WZ-1002 by phone at
    10:00 (the primary), both ACME's, both about the same incident."""
    _, filed = import_raw(
        eml(message_id="first@acme.example", received="Mon, 09 Mar 2026 09:30:00 -0400")
    )
    duplicate = filed[0].ref
    Attachment.create(
        case=Case.get(Case.ref == duplicate).id,
        filename="log.txt",
        content_type="text/plain",
        size_bytes=3,
        sha256="0" * 64,
        created_at=local(2026, 3, 9, 9, 30),
    )
    cases.reply(agent, duplicate, "Looking into it", internal=True)
    primary = cases.open_case(agent, new_case(channel="phone"), call_seconds=120).ref
    cases.reply(agent, primary, "We are on it.")
    return duplicate, primary


def test_link_shows_on_both_cases(pair: tuple[str, str], agent: ServiceContext, clock) -> None:
    duplicate, primary = pair
    link_cases(agent, duplicate, primary, "caused-by")
    now = clock.now()
    assert show_case(duplicate, now)["links"] == [{"kind": "caused-by", "ref": primary}]
    assert show_case(primary, now)["links"] == [{"kind": "caused", "ref": duplicate}]
    with pytest.raises(InvalidInput):
        link_cases(agent, primary, duplicate, "related")
    with pytest.raises(InvalidInput) as refused:
        link_cases(agent, primary, primary, "related")
    assert refused.value.field == "REF"
    with pytest.raises(InvalidInput) as refused:
        link_cases(agent, primary, duplicate, "sibling")
    assert refused.value.field == "--kind"


def test_merge_moves_rows_with_their_times_and_keeps_the_earlier_received_time(
    pair: tuple[str, str], agent: ServiceContext, clock
) -> None:
    duplicate, primary = pair
    dup_case = Case.get(Case.ref == duplicate)
    dup_events = {
        (e.kind, e.at, e.body) for e in CaseEvent.select().where(CaseEvent.case == dup_case)
    }
    dup_mail = [m.id for m in MailMessage.select().where(MailMessage.case == dup_case)]
    merge_cases(agent, duplicate, primary)
    primary_case = Case.get(Case.ref == primary)
    moved = {
        (e.kind, e.at, e.body) for e in CaseEvent.select().where(CaseEvent.case == primary_case)
    }
    assert dup_events <= moved
    assert [m.case_id for m in MailMessage.select().where(MailMessage.id.in_(dup_mail))] == [
        primary_case.id
    ] * len(dup_mail)
    assert Attachment.get().case_id == primary_case.id
    assert primary_case.received_at == local(2026, 3, 9, 9, 30)
    # critical: 4 business hours from 09:30
    assert primary_case.response_due == local(2026, 3, 9, 13, 30)
    closed = Case.get(Case.ref == duplicate)
    assert (closed.status, closed.is_open, closed.merged_into_id) == (
        "closed",
        False,
        primary_case.id,
    )
    now = clock.now()
    assert {"kind": "merged into", "ref": primary} in show_case(duplicate, now)["links"]
    assert {"kind": "merged from", "ref": duplicate} in show_case(primary, now)["links"]
    audited = (
        AuditEntry.select()
        .where((AuditEntry.action == "case.merge") & (AuditEntry.entity_id == primary))
        .get()
    )
    assert json.loads(audited.before_json)["received_at"].startswith("2026-03-09T14:00")
    assert json.loads(audited.after_json)["received_at"].startswith("2026-03-09T13:30")


def test_mail_by_either_reference_lands_on_the_primary(
    pair: tuple[str, str], agent: ServiceContext, import_raw: Importer
) -> None:
    duplicate, primary = pair
    merge_cases(agent, duplicate, primary)
    _, filed = import_raw(
        eml(subject=f"Re: [{duplicate}] Payroll export fails", message_id="second@acme.example"),
        eml(subject="Re: still broken", message_id="third@acme.example",
            in_reply_to="first@acme.example"),
    )  # fmt: skip
    assert [(f.outcome, f.ref) for f in filed] == [("threaded", primary), ("threaded", primary)]


def test_merge_refusals_write_nothing(
    pair: tuple[str, str], agent: ServiceContext, supervisor: ServiceContext
) -> None:
    duplicate, primary = pair
    add_client(supervisor, "BETA", "Beta Inc")
    add_contact(supervisor, "BETA", "Bea", "bea@beta.example", admin_rank="primary")
    other = cases.open_case(agent, new_case(client="BETA", contact="bea@beta.example")).ref
    before = {m.__name__: m.select().count() for m in ALL_MODELS}
    with pytest.raises(InvalidInput, match="different clients"):
        merge_cases(agent, duplicate, other)
    with pytest.raises(InvalidInput):
        merge_cases(agent, primary, primary)
    version = Case.get(Case.ref == primary).version
    with pytest.raises(Conflict):
        merge_cases(agent, duplicate, primary, primary_version=version - 1)
    dup_version = Case.get(Case.ref == duplicate).version
    with pytest.raises(Conflict):
        merge_cases(agent, duplicate, primary, duplicate_version=dup_version - 1)
    assert {m.__name__: m.select().count() for m in ALL_MODELS} == before


def test_merge_under_a_concurrent_edit_is_refused(
    pair: tuple[str, str], agent: ServiceContext
) -> None:
    duplicate, primary = pair
    read = Case.get(Case.ref == primary).version
    cases.reply(agent, primary, "An edit by someone else", internal=True)  # version moves on
    with pytest.raises(Conflict):
        merge_cases(agent, duplicate, primary, primary_version=read)
    assert Case.get(Case.ref == duplicate).merged_into_id is None


def test_unmerge_restores_every_row(
    pair: tuple[str, str], agent: ServiceContext, supervisor: ServiceContext
) -> None:
    duplicate, primary = pair
    before = rows()
    merge_cases(agent, duplicate, primary)
    assert rows() != before
    with pytest.raises(PermissionDenied):
        unmerge_case(agent, duplicate)
    undone = unmerge_case(supervisor, duplicate)
    assert undone.undone_by == "sam"
    assert rows() == before
    with pytest.raises(NotFound):
        unmerge_case(supervisor, duplicate)
    # and again: merge, unmerge by the primary's reference
    merge_cases(agent, duplicate, primary)
    unmerge_case(supervisor, primary)
    assert rows() == before


def test_a_deactivated_contact_is_not_found_by_the_mail_import(
    acme: str, supervisor: ServiceContext, import_raw: Importer
) -> None:
    from wzdesk.services.contacts import deactivate_contact

    deactivate_contact(supervisor, "ana@acme.example")
    _, filed = import_raw(eml(message_id="late@acme.example"))
    assert filed[0].outcome == "quarantined"
    assert Case.select().count() == 0


def test_after_a_merge_free_text_finds_the_moved_timeline_on_the_primary(
    pair: tuple[str, str], agent: ServiceContext, clock
) -> None:
    from wzdesk.services.search import context, search_cases

    duplicate, primary = pair
    cases.reply(agent, duplicate, "Spooler restarted on the night shift", internal=True)

    def found(text: str) -> list[str]:
        return [c.ref for c in search_cases(text, context(clock.now(), "kim"), None)]

    assert found("spooler") == [duplicate]
    merge_cases(agent, duplicate, primary)
    assert found("spooler") == [primary]  # the duplicate is closed; its words moved with it
    assert found("spooler is:all") == [primary]
