"""``wzdesk case list`` with no filter and ``wzdesk case show``, read without Peewee (issue
13): the page is the ordinary path's page, case for case and field for field, whatever the
clock and the limit; a case shown is the ordinary path's object, links, merges, mail and
the client's admin flags included; the walk reads the queue's index; and the path steps
aside whenever it cannot be sure."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ON_ONE_DEMO_DESK
from tests.services.conftest import run_case_list
from wzdesk.core.billing import parse_line_spec
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import PermissionDenied
from wzdesk.core.query import Query
from wzdesk.services import search
from wzdesk.services.alerts import add_rule, alert_dict, list_rules, recent_alerts
from wzdesk.services.billing.card_fields import tier_dict
from wzdesk.services.billing.common import support_date
from wzdesk.services.billing.prepaid import balance, list_tiers, set_tier
from wzdesk.services.billing.quotes import new_quote, quotes_of_case, show_quote
from wzdesk.services.billing.rates import rate_history, rates_in_force, set_rate
from wzdesk.services.case_fields import case_dict
from wzdesk.services.case_views import show_case
from wzdesk.services.cases import reply
from wzdesk.services.client_side import create_token, list_tokens, revoke_token
from wzdesk.services.contacts import (
    admin_flags,
    deactivate_client,
    deactivate_contact,
    flagged_clients,
    train_contact,
)
from wzdesk.services.desk_fields import macro_dict, rule_dict
from wzdesk.services.directory import (
    add_client,
    add_contact,
    list_clients,
    list_contacts,
    list_users,
    sign_in,
)
from wzdesk.services.directory_fields import client_row, contact_dict, subscriber_dict, user_dict
from wzdesk.services.macros import add_macro, get_macro, list_macros
from wzdesk.services.mail_outbox import list_outbox, outbox_dict
from wzdesk.services.mail_quarantine import list_quarantine, quarantine_dict
from wzdesk.services.notice_settings import change_notice_settings, load_notice_settings
from wzdesk.services.policy_book import load_policy_book
from wzdesk.services.policy_notices import list_subscribers, subscribe, unsubscribe
from wzdesk.services.quarantine_fields import QUARANTINE_STATUSES
from wzdesk.services.quick_case_reads import quick_case_list, quick_case_show, quick_view_list
from wzdesk.services.quick_reads import (
    quick_alert_rules,
    quick_alerts,
    quick_audit,
    quick_backups,
    quick_balance,
    quick_clients,
    quick_contacts,
    quick_macros,
    quick_notice_settings,
    quick_outbox,
    quick_quarantine,
    quick_quotes,
    quick_rates,
    quick_subscribers,
    quick_templates,
    quick_tiers,
    quick_tokens,
    quick_users,
)
from wzdesk.services.related import link_cases, merge_cases
from wzdesk.services.reports import AuditQuery, audit_entries
from wzdesk.services.sent_fields import OUTBOX_STATUSES, UNSENT
from wzdesk.services.templates import list_templates, save_template, template_dict, template_text
from wzdesk.store import quick_cases
from wzdesk.store.models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    Client,
    Contact,
    MailMessage,
    Notification,
    OutboundMail,
    PrepaidPurchase,
    QuarantinedMail,
    Quote,
    QuoteLine,
    TimeEntry,
    User,
)
from wzdesk.store.quick_read import QuickReader, open_quick_reader


def _ordinary(now: datetime, asked: int | None, limit: int | None) -> tuple[int, list[Any]]:
    """The reference: what ``case list`` printed before the quick path, through the search."""
    book = load_policy_book()
    found = search.search_cases(Query(), search.context(now, "sam", book), asked)
    return len(found), [case_dict(case, book, now) for case in found[:limit]]


def _json(value: Any) -> str:
    """What a script reads: ``1`` and ``True`` are equal in Python, not in JSON."""
    return json.dumps(value)


def _asked(limit: int | None) -> int | None:
    return None if limit is None else limit + 1


@ON_ONE_DEMO_DESK
@given(
    hours=st.integers(0, 24 * 14),
    limit=st.one_of(st.none(), st.integers(1, 130), st.just(1200)),
)
def test_the_quick_page_is_the_ordinary_page(
    demo_desk: list[int], clock: FixedClock, database_url: str, hours: int, limit: int | None
) -> None:
    """Two weeks of instants (nights, weekends, business hours: paused cases' stored instants
    pass), pages from one case to past the index walk's reach (1,200 reads SQL's sort)."""
    now = clock.now() + timedelta(hours=hours)
    quick = quick_case_list(database_url, "sam", now, limit, _asked(limit))
    assert quick is not None
    assert _json((quick.found, quick.rows)) == _json(_ordinary(now, _asked(limit), limit))


def test_the_ties_at_a_pages_edge_are_ranked_as_the_ordinary_path_ranks_them(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """The twelve tied cases lead the list, so every page edge from 1 to 11 falls among them
    (the walk takes the ties past the edge whole, then ranks them), and each page is the
    ordinary one."""
    now = clock.now()
    for limit in range(1, 16):
        quick = quick_case_list(database_url, "sam", now, limit, limit + 1)
        assert quick is not None
        assert _json((quick.found, quick.rows)) == _json(_ordinary(now, limit + 1, limit))
    page = quick_case_list(database_url, "sam", now, 12, 13)
    assert page is not None
    refs = {case.ref for case in Case.select().where(Case.id.in_(demo_desk))}
    assert {row["ref"] for row in page.rows} == refs


class _Recording(QuickReader):
    """A reader that keeps every statement it runs."""

    def __init__(self, reader: QuickReader) -> None:
        super().__init__(reader._connection)
        self.statements: list[tuple[str, Sequence[Any]]] = []

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        self.statements.append((sql, params))
        return super().rows(sql, params)


def test_the_walk_reads_the_queues_index_not_the_whole_table(
    demo_desk: list[int], database_url: str
) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("SQLite's plan")
    reader = open_quick_reader(database_url)
    assert reader is not None
    recording = _Recording(reader)
    assert len(quick_cases.first_open(recording, 20)) == 20
    walk, params = recording.statements[0]
    plan = " ".join(str(row[-1]) for row in reader.rows(f"EXPLAIN QUERY PLAN {walk}", params))
    reader.close()
    assert "USING INDEX case_open_next_due" in plan
    assert "TEMP B-TREE" not in plan  # read in the index's order, not sorted afterwards


_WORDS = st.sampled_from(
    ["the", "reported", "payroll", "vacation", "approval", "login", "zeppelin", '"reported by"',
     "sev:critical", "sev:minor", "assignee:none", "assignee:me", "-status:new",
     "status:waiting_client", "is:all", "is:closed", "wz-1001", "atl", "breached:any"]
)  # fmt: skip


@ON_ONE_DEMO_DESK
@given(
    # One is: at most: "is:all is:all" (or is:all is:closed) is a query the engine refuses.
    terms=st.lists(_WORDS, min_size=1, max_size=3, unique=True).filter(
        lambda terms: sum(term.startswith("is:") for term in terms) <= 1
    ),
    hours=st.integers(0, 24 * 14),
    limit=st.sampled_from([1, 3, 20, 60, None]),
    first=st.sampled_from([1, 4, 200]),
    most=st.sampled_from([10, 40, 5000]),
    price=st.sampled_from([0, 10]),
    read_most=st.sampled_from([-1, 20, 200_000]),
    met_most=st.sampled_from([0, 5, 5000]),
)
def test_a_common_words_page_is_the_ordinary_page(
    demo_desk: list[int],
    clock: FixedClock,
    database_url: str,
    terms: list[str],
    hours: int,
    limit: int | None,
    first: int,
    most: int,
    price: int,
    read_most: int,
    met_most: int,
) -> None:
    """Every word common (none lists its few cases first): whatever the engine's thresholds
    make of its walk (one round, several, giving up; the cases with every word read or asked,
    or too many), the quick path answers, and its page is the ordinary page. Before, it
    stepped aside for every common word."""
    from wzdesk.services.case_filter import CaseFilter
    from wzdesk.store import fts_sql, text_plans

    text = " ".join(terms)
    now = clock.now() + timedelta(hours=hours)
    with (
        mock.patch.object(fts_sql, "RARE_HITS", -1),
        mock.patch.object(text_plans, "WALK_FIRST", first),
        mock.patch.object(text_plans, "WALK_MOST", most),
        mock.patch.object(text_plans, "HITS_PER_CASE", price),
        mock.patch.object(text_plans, "MET_READ_MOST", read_most),
        mock.patch.object(text_plans, "MET_MOST", met_most),
    ):
        quick = quick_case_list(database_url, "sam", now, limit, _asked(limit), None, text)
        book = load_policy_book()
        query = search.filter_query(CaseFilter(), text)
        found = search.search_cases(query, search.context(now, "sam", book), _asked(limit))
    assert quick is not None
    expected = (len(found), [case_dict(case, book, now) for case in found[:limit]])
    assert _json((quick.found, quick.rows)) == _json(expected)


def test_the_texts_a_walk_asks_about_are_matched_beside_the_read_only_connection(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """SQLite: the quick connection is ``query_only``, where not even a temporary table can be
    made; the few texts the walk asks about are matched in an in-memory database of the
    reader's own, declared as the index is, and they match as the ordinary path's temporary
    table matches them (accents folded, words as prefixes, phrases in order, none). The
    database file is not written."""
    import sqlite3

    from wzdesk.store import fts_sql, fulltext, text_sql

    if database_url.startswith("postgresql"):
        pytest.skip("SQLite's FTS5; PostgreSQL evaluates the indexed expressions on the rows")
    ids = [case.id for case in Case.select(Case.id).order_by(Case.id).limit(80)]
    path = Path(database_url.removeprefix("sqlite:///"))
    written = path.stat().st_mtime_ns
    reader = open_quick_reader(database_url)
    assert reader is not None
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.rows("CREATE TEMP TABLE scratch (x)")
        for words, phrase in (
            (["the"], False),
            (["repor"], False),
            (["répor"], False),
            (["reported", "by"], True),
            (["by", "reported"], True),
            (["approval", "the"], False),
            (["zeppelin"], False),
        ):
            quick = text_sql.holding(reader.rows, False, reader.probe, ids, words, phrase)
            assert quick == fulltext.holding(ids, words, phrase), words
            assert quick or words == ["zeppelin"] or words == ["by", "reported"]
    finally:
        reader.close()
    with mock.patch.object(fts_sql, "RARE_HITS", -1):
        found = quick_case_list(database_url, "sam", clock.now(), 5, 6, None, "the")
    assert found is not None and found.rows
    assert path.stat().st_mtime_ns == written


def test_it_steps_aside_for_whom_it_cannot_sign_in(
    demo_desk: list[int], database_url: str, clock: FixedClock
) -> None:
    """Nobody by that name (the ordinary path refuses, or makes the first supervisor of a new
    database), or a deactivated user (refused): the ordinary path says so."""
    now = clock.now()
    assert quick_case_list(database_url, "nobody", now, 5, 6) is None
    User.update(active=False).where(User.login == "kim").execute()
    assert quick_case_list(database_url, "kim", now, 5, 6) is None
    User.update(identity="unix-sam").where(User.login == "sam").execute()
    assert quick_case_list(database_url, "sam", now, 5, 6) is None  # mapped to another name
    mapped = quick_case_list(database_url, "unix-sam", now, 5, 6)
    assert mapped is not None
    assert len(mapped.rows) == 5
    # An identity mapped to one user is theirs though it is another user's login (kim's,
    # deactivated above): noor signs in, and is "me".
    User.update(identity="kim").where(User.login == "noor").execute()
    mine = quick_case_list(database_url, "kim", now, 50, 51, query_text="assignee:me")
    assert mine is not None and mine.rows
    assert {row["assignee"] for row in mine.rows} == {"noor"}


def test_the_command_prints_the_same_without_loading_peewee(
    demo_desk: list[int], database_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--as`` (here as oneself) is the same listing through the ordinary path."""
    monkeypatch.setenv("WZDESK_NOW", clock.now().isoformat())
    for words in (("--limit", "25"), ("--limit", "25", "--json")):
        quick, loaded = run_case_list(database_url, *words)
        ordinary, loaded_ordinary = run_case_list(database_url, *words, "--as", "sam")
        assert not loaded and loaded_ordinary
        assert quick == ordinary
    rows = json.loads(run_case_list(database_url, "--limit", "25", "--json")[0])
    assert len(rows) == 25


@pytest.fixture
def busy_desk(demo_desk: list[int], clock: FixedClock) -> list[str]:
    """The demo desk with what the demo does not make: links both ways, a merge, replies
    queued and one with nobody to go to, a contact gone, a case with a file. Returns every
    case's reference."""
    sam = sign_in("sam", clock).context  # the demo's supervisor
    open_refs = [c.ref for c in Case.select().where(Case.is_open).order_by(Case.id).limit(8)]
    link_cases(sam, open_refs[0], open_refs[1], "duplicate-of")
    link_cases(sam, open_refs[2], open_refs[0], "related")
    link_cases(sam, open_refs[3], open_refs[0], "caused-by")
    primary = Case.get(Case.ref == open_refs[0])
    same_client = (Case.client == primary.client_id) & Case.ref.not_in(open_refs) & Case.is_open
    duplicate = Case.select().where(same_client).order_by(Case.id).first()
    merge_cases(sam, duplicate.ref, primary.ref)
    for ref in open_refs[1:3]:
        reply(sam, ref, "We are looking into it.")
    phone_only = Case.select().join(Contact).where(Contact.email.is_null() & Case.is_open).first()
    if phone_only is None:  # the seed has none: make one
        phone_only = Case.get(Case.ref == open_refs[5])
        Contact.update(email=None, phone="+1 416 555 0199").where(
            Contact.id == phone_only.contact_id
        ).execute()
    reply(sam, phone_only.ref, "Please call us back.")
    gone = Case.get(Case.ref == open_refs[7]).contact  # its open cases need a new contact
    deactivate_contact(sam, gone.email or gone.phone, gone.client.code)
    Attachment.create(
        case=Case.get(Case.ref == open_refs[6]),
        filename="log.txt",
        content_type="text/plain",
        size_bytes=3,
        sha256="0" * 64,
        created_at=clock.now(),
    )
    return [case.ref for case in Case.select(Case.ref).order_by(Case.id)]


def test_a_case_shown_is_the_ordinary_paths_object(
    busy_desk: list[str], clock: FixedClock, database_url: str
) -> None:
    """Every case of the desk, an hour on; a case with a file takes the ordinary path (its
    file is in the blob store the mail settings name)."""
    now = clock.now() + timedelta(hours=1)
    assert OutboundMail.select().count() >= 2
    assert CaseEvent.select().where(CaseEvent.kind == "mail_not_sent").exists()
    with_file = {a.case.ref for a in Attachment.select()}
    shown = {"links": 0, "merged": 0, "outgoing": 0, "needs_contact": 0, "flags": 0}
    for ref in busy_desk:
        quick = quick_case_show(database_url, "sam", ref, now)
        if ref in with_file:
            assert quick is None
            continue
        assert _json(quick) == _json(show_case(ref, now)), ref
        assert quick is not None
        shown["links"] += bool(quick["links"])
        shown["merged"] += any(link["kind"].startswith("merged") for link in quick["links"])
        shown["outgoing"] += bool(quick["outgoing"])
        shown["needs_contact"] += quick["needs_contact"]
        shown["flags"] += quick["client_flags"] is not None
    assert all(shown.values()), shown  # each kind of thing was compared at least once


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "{number}", " {ref} "])
def test_a_reference_is_found_however_typed(
    busy_desk: list[str], clock: FixedClock, database_url: str, typed: str
) -> None:
    ref = busy_desk[-1]
    text = typed.format(ref=ref, ref_lower=ref.lower(), number=ref.removeprefix("WZ-"))
    quick = quick_case_show(database_url, "sam", text, clock.now())
    assert quick is not None
    assert quick["ref"] == ref


def test_a_reference_no_case_has_is_left_to_the_ordinary_path(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """It words the error ("no case 'WZ-9'", naming REF)."""
    assert quick_case_show(database_url, "sam", "WZ-9", clock.now()) is None
    assert quick_case_show(database_url, "nobody", "WZ-1001", clock.now()) is None


@pytest.fixture
def directory_desk(busy_desk: list[str], clock: FixedClock) -> None:
    """Beside the demo's clients (all flagged under the two-admin rule): one that meets it
    (two admins, a primary, one trained), one with a backup admin only, and one deactivated."""
    sam = sign_in("sam", clock).context
    add_client(sam, "OKAY", "Okay Industries")
    add_contact(sam, "OKAY", "Oona Park", "oona@okay.example", admin_rank="primary")
    add_contact(sam, "OKAY", "Otto Vance", "otto@okay.example", admin_rank="backup")
    train_contact(sam, "oona@okay.example", clock.now().date(), "Sam", client_code="OKAY")
    add_client(sam, "HALF", "Half Measures Ltd")
    add_contact(sam, "HALF", "Hal Ng", None, "+1 416 555 0111", admin_rank="backup")
    add_client(sam, "GONE", "Gone Away Inc")
    deactivate_client(sam, "GONE")


def test_the_directory_lists_are_the_ordinary_paths(
    directory_desk: None, database_url: str
) -> None:
    """``user list``, ``contact list`` (all, and one client's, however its code is typed) and
    ``client list`` (all, and the flagged ones) give what the models give."""
    assert _json(quick_users(database_url, "sam")) == _json([user_dict(u) for u in list_users()])
    every_contact = [contact_dict(c) for c in list_contacts(None)]
    assert _json(quick_contacts(database_url, "sam", None)) == _json(every_contact)
    okay = [contact_dict(c) for c in list_contacts("OKAY")]
    assert _json(quick_contacts(database_url, "sam", " okay ")) == _json(okay)
    assert quick_contacts(database_url, "sam", "NOPE") is None  # the ordinary path says so
    every = quick_clients(database_url, "sam", False)
    assert every is not None
    ordinary = [(client_row(c), admin_flags(c).text) for c in list_clients()]
    assert _json([(row, f.text) for row, f in every]) == _json(ordinary)
    flagged = quick_clients(database_url, "sam", True)
    assert flagged is not None
    assert _json([(row, f.text) for row, f in flagged]) == _json(
        [(client_row(c), f.text) for c, f in flagged_clients()]
    )
    texts = {row["code"]: f.text for row, f in every}
    assert texts["OKAY"] == ""  # the rule met: no flags
    assert texts["HALF"].startswith("1 active admin (needs 2); no primary admin; no trained")
    assert "GONE" in texts and "GONE" not in {row["code"] for row, _ in flagged}


def test_canned_replies_and_alert_rules_are_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``macro list``, ``macro show`` (however the name is typed) and ``alert rule list``."""
    sam = sign_in("sam", clock).context
    add_macro(sam, "greeting", "Hello {contact_name},\n\nThanks for writing.")
    add_macro(sam, "ask-logs", "Could you send us the logs of {ref}?")
    add_rule(sam, "breached", ["critical", "major"], "sam,kim")
    zone = load_policy_book().at(clock.now()).calendar.zone
    expected = [macro_dict(m, zone) for m in list_macros()]
    assert [m["name"] for m in expected] == ["ask-logs", "greeting"]
    assert _json(quick_macros(database_url, "sam", clock.now())) == _json(expected)
    one = quick_macros(database_url, "sam", clock.now(), " Greeting ")
    assert _json(one) == _json([macro_dict(get_macro("greeting"), zone)])
    assert quick_macros(database_url, "sam", clock.now(), "nope") is None  # it says so
    rules = quick_alert_rules(database_url, "sam")
    assert _json(rules) == _json([rule_dict(rule) for rule in list_rules()])
    assert rules is not None and rules[-1]["text"].endswith("critical/major -> sam,kim")


def test_the_message_templates_are_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``template list`` and ``template show`` for every template (however the name is
    typed), shipped and edited by a supervisor."""
    sam = sign_in("sam", clock).context
    save_template(sam, "reply", subject="Re: {ref}", body="{message}\n\n{signature}\n")
    clock.advance(timedelta(minutes=5))
    save_template(sam, "waiting", body="Dear {contact_name}, we need: {need}\n[{ref}]\n")
    zone = load_policy_book().at(clock.now()).calendar.zone
    expected = [template_dict(text, zone) for text in list_templates()]
    assert [row["name"] for row in expected if row["customised"]] == ["reply", "waiting"]
    assert _json(quick_templates(database_url, "sam", clock.now())) == _json(expected)
    for row in expected:
        typed = f" {row['name'].upper()} "
        one = quick_templates(database_url, "sam", clock.now(), typed)
        assert _json(one) == _json([template_dict(template_text(row["name"]), zone, full=True)])
    assert quick_templates(database_url, "sam", clock.now(), "nope") is None  # it says so


def test_the_alerts_and_the_outbox_are_the_ordinary_paths(
    busy_desk: list[str], clock: FixedClock, database_url: str
) -> None:
    """``alert list`` at every limit (alerts at one instant tie, one is about no case, other
    notifications are not alerts) and ``mail outbox list`` with and without ``--all`` at every
    limit (queued, retrying, sent and failed messages)."""
    cases = list(Case.select().order_by(Case.id).limit(4))
    kinds = ["alert_breach", "alert_at_risk", "reminder", "alert_unassigned", "alert_breach"]
    for number, kind in enumerate(kinds * 2):
        Notification.create(
            key=f"test-{number}",
            kind=kind,
            case=None if number == 3 else cases[number % 4],
            rule_id=number % 3 or None,
            rules=f"{number % 3},{number % 3 + 3}" if number % 3 else "",
            recipients="sam,kim",
            summary=f"alert {number}",
            created_at=clock.now() - timedelta(minutes=number // 3),  # three at each instant
            created_by="wzdesk",
        )
    sam = sign_in("sam", clock).context
    with_email = Case.is_open & Contact.email.is_null(False) & Contact.active
    for case in Case.select().join(Contact).where(with_email).order_by(Case.id).limit(3):
        reply(sam, case.ref, "Thanks: we are on it.")
    mail = [row.id for row in OutboundMail.select().order_by(OutboundMail.id)]
    assert len(mail) >= 4
    OutboundMail.update(status="sent", sent_at=clock.now()).where(
        OutboundMail.id == mail[0]
    ).execute()
    OutboundMail.update(status="failed", attempts=8, last_error="550 no such user").where(
        OutboundMail.id == mail[1]
    ).execute()
    OutboundMail.update(attempts=2, last_error="timed out").where(
        OutboundMail.id == mail[2]
    ).execute()
    OutboundMail.update(  # the server refused one of its recipients
        status="sent", sent_at=clock.now(), last_error="delivered to a@x; refused for b@x: 550"
    ).where(OutboundMail.id == mail[-1]).execute()
    zone = load_policy_book().at(clock.now()).calendar.zone
    for limit in range(1, 10):
        expected = [alert_dict(row, zone) for row in recent_alerts(limit)]
        assert _json(quick_alerts(database_url, "sam", clock.now(), limit)) == _json(expected)
    assert len(expected) == 8 and any(row["case"] is None for row in expected)
    for statuses in (UNSENT, OUTBOX_STATUSES):
        for limit in (None, *range(1, len(mail) + 2)):
            outbox = [outbox_dict(row, zone) for row in list_outbox(statuses, limit)]
            quick = quick_outbox(database_url, "sam", clock.now(), statuses, limit)
            assert _json(quick) == _json(outbox), (statuses, limit)
        assert len(outbox) == (len(mail) if statuses == OUTBOX_STATUSES else len(mail) - 2)
    shown = {row["delivery"] for row in outbox}
    assert {"delivered", "partly_delivered", "failed", "retrying", "queued"} <= shown


def test_the_audit_trail_is_the_ordinary_paths(
    busy_desk: list[str], clock: FixedClock, database_url: str
) -> None:
    """``wzdesk audit`` by case (its reference typed loosely), by login, since an instant or a
    date, at several limits; entries at one instant tie, one lies after the clock's now; an
    agent (who may not view the audit trail) and a case no reference names are left to the
    ordinary path, which refuses or says so."""
    sam = sign_in("sam", clock).context
    case_ref, other = [c.ref for c in Case.select().where(Case.is_open).order_by(Case.id).limit(2)]
    for number in range(4):
        sam.audit("test.same_instant", "case", case_ref, None, {"n": number})
    clock.advance(timedelta(minutes=1))
    reply(sign_in("kim", clock).context, other, "On it.")
    reply(sam, case_ref, "One more thing.")
    future = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    AuditEntry.update(at=clock.now() + timedelta(hours=1)).where(
        AuditEntry.id == future.id
    ).execute()
    zone = load_policy_book().at(clock.now()).calendar.zone
    midnight = datetime.combine(support_date(clock.now()), time(0), tzinfo=zone)
    first, second = AuditEntry.select().order_by(AuditEntry.id).limit(2)
    AuditEntry.update(at=clock.now() - timedelta(days=2)).where(AuditEntry.id == first.id).execute()
    late = midnight - timedelta(hours=1)  # yesterday in Toronto, today in UTC
    AuditEntry.update(at=late).where(AuditEntry.id == second.id).execute()
    day = support_date(clock.now())
    asks = [
        (None, None, None),
        (case_ref, None, None),
        (case_ref.lower().removeprefix("wz-"), None, None),
        (None, " sam ", None),
        (None, "kim", None),
        (None, None, clock.now() - timedelta(seconds=30)),
        (None, None, day),
        (case_ref, "sam", day - timedelta(days=1)),
    ]
    sizes = []
    for case, user, since in asks:
        start = since
        if isinstance(since, date) and not isinstance(since, datetime):
            start = datetime.combine(since, time(0), tzinfo=zone)
        for limit in (1, 3, 5, 1000):
            expected = audit_entries(sam, AuditQuery(case, user, start, limit))
            found = quick_audit(database_url, "sam", clock.now(), case, user, since, limit)
            assert _json(found) == _json(expected), (case, user, since, limit)
        sizes.append(len(expected))
    assert all(sizes), sizes  # each condition selects some
    assert sizes[0] == AuditEntry.select().count() - 1  # not the one after now
    assert sizes[5] < sizes[6] < sizes[0]
    assert quick_audit(database_url, "kim", clock.now(), None, None, None, 10) is None
    assert quick_audit(database_url, "sam", clock.now(), "WZ-999999", None, None, 10) is None


def test_the_quarantine_is_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``mail quarantine list`` by status and limit: messages held at one instant tie, one
    from a stranger (no client), one released into a case, one discarded."""
    clients = list(Client.select().order_by(Client.id).limit(2))
    case = Case.select().order_by(Case.id).first()
    states = ["held", "held", "released", "discarded", "held", "held", "released"]
    for number, status in enumerate(states):
        message = MailMessage.create(
            message_key=f"test-{number}",
            message_id=None if number == 1 else f"m{number}@example.org",
            direction="in",
            outcome="quarantined",
            from_address=f"writer{number}@example.org",
            from_name=f"Writer {number}",
            subject=f"About thing {number}",
            received_at=clock.now() - timedelta(hours=number),
            imported_at=clock.now(),
        )
        QuarantinedMail.create(
            message=message,
            reason_code="not_admin" if number % 3 else "unknown_sender",
            reason=f"reason {number}",
            raw_sha256=f"{number:064d}",
            raw_size=1000 + number,
            client=None if number % 3 == 0 else clients[number % 2],
            status=status,
            held_at=clock.now() - timedelta(minutes=number // 2),  # two at each instant
            handled_at=None if status == "held" else clock.now(),
            handled_by=None if status == "held" else "kim",
            note="" if status == "held" else f"{status} by kim",
            case=case if status == "released" else None,
        )
    zone = load_policy_book().at(clock.now()).calendar.zone
    for statuses in (("held",), ("released", "discarded"), QUARANTINE_STATUSES):
        for limit in (None, 1, 2, 3, 5):
            expected = [quarantine_dict(h, zone) for h in list_quarantine(statuses, limit)]
            found = quick_quarantine(database_url, "sam", clock.now(), statuses, limit)
            assert _json(found) == _json(expected), (statuses, limit)
    every = [quarantine_dict(h, zone) for h in list_quarantine(QUARANTINE_STATUSES)]
    assert len(every) == 7 and {row["case"] for row in every} == {None, case.ref}
    assert None in {row["client"] for row in every} and None in {row["message_id"] for row in every}


def test_quotes_are_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``services quote show`` for every quote of the demo (drafts to work in progress, time
    logged, prepaid, one from a hand-off with no service type yet) and ``quote list`` for
    every case with quotes; numbers typed loosely, and those nothing has, are left to the
    ordinary path."""
    sam = sign_in("sam", clock).context
    on_open = Quote.select().join(Case).where(Case.is_open).order_by(Quote.id).first()
    lines = [parse_line_spec("programmer:3:h"), parse_line_spec("coordinator:1:d")]
    new_quote(sam, on_open.case.ref, "c", "A second quote on the case.", lines)  # two on it
    QuoteLine.update(position=100 - QuoteLine.position).execute()  # positions against id order
    quotes = list(Quote.select().order_by(Quote.id))
    handed_off = quotes[0]
    Quote.update(origin="resolution", origin_case=demo_desk[0], service_type=None).where(
        Quote.id == handed_off.id
    ).execute()
    views = []
    for quote in quotes:
        for typed in (str(quote.id), f"q-{quote.id}"):
            found = quick_quotes(database_url, "sam", number=typed)
            assert _json(found) == _json([show_quote(typed)]), typed
        views.append(show_quote(quote.id))
    for ref in {view["case"] for view in views}:
        assert _json(quick_quotes(database_url, "sam", case=ref)) == _json(quotes_of_case(ref))
    assert len(quotes_of_case(on_open.case.ref)) == 2
    assert {view["status"] for view in views} >= {"draft", "sent", "approved", "in_progress"}
    assert any(view["prepaid"] for view in views) and any(not view["prepaid"] for view in views)
    assert any(view["used_hours"] != "0.00" for view in views)
    assert views[0]["origin_case"] is not None and views[0]["service_type"] is None
    for nothing in ("Q-999999", "99999999999999999999", "twelve"):
        assert quick_quotes(database_url, "sam", number=nothing) is None  # it says so
    assert quick_quotes(database_url, "sam", case="WZ-999999") is None


def test_a_prepaid_balance_is_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``services balance`` for every client: purchases, work drawn on them (one logged at the
    very instant of a purchase: the purchase comes first), work not drawn on them left out;
    a code typed loosely, and one no client has."""
    bought = PrepaidPurchase.select().order_by(PrepaidPurchase.id).first()
    quotes = Quote.select().join(Case).where(Case.client == bought.client_id)
    quote = quotes.first() or Quote.select().first()
    drawn_before = len(balance(quote.case.client.code)["lines"])
    for number, prepaid in enumerate((True, True, False)):
        TimeEntry.create(
            quote=quote,
            author="kim",
            role="specialist",
            work_date=bought.bought_on + timedelta(days=number),
            hours_hundredths=150 + number,
            hour_rate_cents=125_00,
            amount_cents=187_50,
            prepaid=prepaid,
            created_at=bought.created_at + timedelta(minutes=number),  # the first ties
        )
    promising = 0
    for client in Client.select().order_by(Client.id):
        expected = balance(client.code)
        assert _json(quick_balance(database_url, "sam", client.code)) == _json(expected)
        promising += bool(expected["promised"])
    assert promising  # the hours open prepaid quotes still hold are read both ways
    drawn = balance(quote.case.client.code)
    assert len(drawn["lines"]) == drawn_before + 2  # the two drawn on the hours
    tied = [line for line in drawn["lines"] if line["date"] == bought.bought_on.isoformat()]
    assert [line["kind"] for line in tied][:2] == ["purchase", "time"]
    typed = f" {bought.client.code.lower()} "
    assert _json(quick_balance(database_url, "sam", typed)) == _json(balance(typed))
    assert quick_balance(database_url, "sam", "NOPE") is None  # it says so


def test_the_rate_card_and_the_tiers_are_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``services rates`` (with and without ``--all``) before, at and after a change's first
    day, half an hour each side of its midnight in the support zone (23:30 in Toronto is
    already the next day in UTC: the UTC date would take the new rate early); and the tiers."""
    sam = sign_in("sam", clock).context
    change = support_date(clock.now()) + timedelta(days=2)
    set_rate(sam, "programmer", 1_100_00, 140_00, change, "2027 card")
    set_rate(sam, "programmer", 1_150_00, 145_00, change + timedelta(days=1))
    set_tier(sam, 100_00, 7_50)
    set_tier(sam, 20_00, 2_00)
    zone = load_policy_book().at(clock.now()).calendar.zone
    midnight = datetime.combine(change, time(0), tzinfo=zone)  # in the support zone
    seen = set()
    for at in (clock.now(), midnight - timedelta(minutes=30), midnight + timedelta(minutes=30)):
        for hours in (-24, 0, 24, 48):
            now = at + timedelta(hours=hours)
            today = support_date(now)
            card = [row.as_dict() for row in rates_in_force(today).values()]
            assert _json(quick_rates(database_url, "sam", now, every=False)) == _json(card)
            history = [row.as_dict(today) for row in rate_history()]
            assert _json(quick_rates(database_url, "sam", now, every=True)) == _json(history)
            seen.add(card[-1]["hour_rate"])
    assert seen == {"125.00", "140.00", "145.00"}
    tiers = [tier_dict(tier) for tier in list_tiers()]
    assert [tier["min_hours"] for tier in tiers] == ["20.00", "40.00", "80.00", "100.00", "160.00"]
    assert _json(quick_tiers(database_url, "sam")) == _json(tiers)


def test_api_tokens_and_subscribers_are_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``client token list [CODE]`` (a token used, one revoked) and ``policy subscribers
    [--all]`` (one left); a user who may not manage clients, and a code no client has, are
    left to the ordinary path, which refuses or says so."""
    sam = sign_in("sam", clock).context
    clients = [c.code for c in Client.select().order_by(Client.id).limit(2)]
    made = [create_token(sam, code, f"sync {n}") for n, code in enumerate(clients * 2)]
    ApiToken.update(last_used_at=clock.now()).where(ApiToken.id == made[0].id).execute()
    clock.advance(timedelta(minutes=3))
    revoke_token(sam, made[1].id)
    emails = [c.email for c in Contact.select().where(Contact.email.is_null(False)).limit(3)]
    for email in emails:
        subscribe(sam, email)
    unsubscribe(sam, emails[1])
    for code in (None, clients[1], f" {clients[0].lower()} "):
        expected = list_tokens(sam, code)
        assert _json(quick_tokens(database_url, "sam", clock.now(), code)) == _json(expected)
    assert len(list_tokens(sam)) == 4 and not list_tokens(sam)[1]["active"]
    assert quick_tokens(database_url, "sam", clock.now(), "NOPE") is None  # it says so
    with pytest.raises(PermissionDenied):
        list_tokens(sign_in("pat", clock).context)
    assert quick_tokens(database_url, "pat", clock.now(), None) is None  # it refuses
    assert quick_tokens(database_url, "kim", clock.now(), None) is not None  # an agent may
    zone = load_policy_book().at(clock.now()).calendar.zone
    for everyone in (False, True):
        expected = [subscriber_dict(r, zone) for r in list_subscribers(include_left=everyone)]
        found = quick_subscribers(database_url, "sam", clock.now(), everyone)
        assert _json(found) == _json(expected)
        assert len(expected) == (3 if everyone else 2)


def test_the_notice_settings_are_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``notices show``: the defaults before anyone changes them, then changed ones (a channel
    not acknowledged, reminders off, another phone line)."""
    assert _json(quick_notice_settings(database_url, "sam")) == _json(
        load_notice_settings().as_dict()
    )
    sam = sign_in("sam", clock).context
    change_notice_settings(
        sam, acknowledge={"phone": False}, remind_after=None, support_phone="416-555-0100"
    )
    changed = quick_notice_settings(database_url, "sam")
    assert _json(changed) == _json(load_notice_settings().as_dict())
    assert changed is not None and changed["acknowledge"]["phone"] is False
    assert changed["remind_after_business_days"] is None


def test_the_backup_list_is_the_ordinary_paths(
    demo_desk: list[int],
    database_url: str,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Backups beside the database file and in a folder named by ``--to`` or
    ``WZDESK_BACKUPS``: two within one second, one kept aside by a restore, the verified one
    marked, files that are not backups left out; a ``--to`` the ordinary path refuses."""
    from wzdesk.services.backup import backup_folder, backup_status, make_backup, verify_backup
    from wzdesk.services.backup_names import backup_rows

    sam = sign_in("sam", clock).context
    beside = backup_folder(None)
    elsewhere = tmp_path / "elsewhere"
    made = [make_backup(sam, beside, rotate=False) for _ in range(2)]  # one second: -2
    clock.advance(timedelta(hours=1))
    make_backup(sam, elsewhere, rotate=False, label="-before-restore")
    make_backup(sam, elsewhere, rotate=False)
    verify_backup(sam, made[0].path)
    (beside / "notes.txt").write_text("not a backup")
    (beside / "wzdesk-2026.tar.gz").write_text("not named as a backup")
    for to, environment in ((None, None), (str(elsewhere), None), (None, str(elsewhere))):
        if environment is None:
            monkeypatch.delenv("WZDESK_BACKUPS", raising=False)
        else:
            monkeypatch.setenv("WZDESK_BACKUPS", environment)
        quick = quick_backups(database_url, "sam", to)
        assert quick is not None
        expected = backup_rows(backup_folder(to), backup_status().last_verified_file)
        assert _json(quick) == _json(expected)
        assert len(quick) == 2
    monkeypatch.delenv("WZDESK_BACKUPS")
    listed = quick_backups(database_url, "sam", None)
    assert listed is not None
    assert [row["last_verified"] for row in listed] == [False, True]  # newest first
    assert quick_backups(database_url, "sam", "  ") is None  # the ordinary path names --to
    # a folder that is not there: the ordinary path says so (it listed none)
    assert quick_backups(database_url, "sam", str(tmp_path / "none")) is None


def test_the_saved_views_and_their_counts_are_the_ordinary_paths(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """``view list``: sam's own views and the shared ones (kim's private one left out), pinned
    first, each counted at instants across two days (``due:`` and ``updated:today`` move with
    the clock, ``assignee:me`` is sam); a view with free text leaves the list to the ordinary
    path."""
    from wzdesk.services.desk_fields import view_dict
    from wzdesk.services.views import add_view, remove_view, view_count, visible_views

    sam = sign_in("sam", clock).context
    kim = sign_in("kim", clock).context
    add_view(sam, "majors", "sev:major -is:paused", pinned=True)
    add_view(sam, "mine", "assignee:me (breached:any OR at-risk)")
    add_view(sam, "soon", "due:<2h sort:-updated")
    add_view(kim, "kims", "client:ACME is:all", shared=True)
    add_view(kim, "kims private", "status:waiting_client")
    add_view(sam, "today", "updated:today OR received:last-3d is:closed", shared=True)
    for hours in (0, 3, 9, 27):
        now = clock.now() + timedelta(hours=hours)
        book = load_policy_book()
        zone = book.at(now).calendar.zone
        context = search.context(now, "sam", book)
        expected = [view_dict(v, zone, view_count(v, context)) for v in visible_views("sam")]
        quick = quick_view_list(database_url, "sam", now)
        assert _json(quick) == _json(expected)
    assert quick is not None
    assert [row["name"] for row in quick] == ["majors", "kims", "mine", "soon", "today"]
    assert {row["count"] for row in quick} != {0}  # counts that say something
    add_view(sam, "printers", "printer sev:minor")
    assert quick_view_list(database_url, "sam", clock.now()) is None  # the full-text index
    remove_view(sam, "printers")
    assert quick_view_list(database_url, "nobody", clock.now()) is None


def test_who_signed_in_is_asked_once_per_reading(
    demo_desk: list[int], database_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing in and the query's "me" ask the same question: one statement answers both."""
    asked: list[str] = []
    rows = QuickReader.rows

    def counted(reader: QuickReader, sql: str, params: Sequence[Any] = ()) -> Any:
        asked.append(sql)
        return rows(reader, sql, params)

    monkeypatch.setattr(QuickReader, "rows", counted)
    mine = quick_case_list(database_url, "sam", clock.now(), 5, 6, query_text="assignee:me")
    assert mine is not None and {row["assignee"] for row in mine.rows} == {"sam"}
    assert (
        len([sql for sql in asked if sql.startswith('SELECT login, active, role FROM "user"')]) == 1
    )
    assert len([sql for sql in asked if "session_user" in sql]) <= 1
