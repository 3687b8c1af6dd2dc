"""Two agents editing the same case, each in a session of its own (a thread with its own
database connection): the one who writes second with a stale version gets a Conflict, and
nothing is lost or half-written."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from wzdesk.core.errors import Conflict
from wzdesk.services import cases
from wzdesk.services.cases import NewCase, conversation
from wzdesk.services.context import ServiceContext
from wzdesk.store.database import db
from wzdesk.store.models import AuditEntry, Case, CaseEvent

T = TypeVar("T")

ROUNDS = 20


def in_session(work: Callable[[], T]) -> T:
    """Run ``work`` in another thread on a connection of its own; return or raise its outcome."""

    def run() -> T:
        with db.connection_context():
            return work()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=30)


@pytest.fixture
def ref(agent: ServiceContext, acme: str) -> str:
    new = NewCase("ACME", "ana@acme.example", "major", "portal", "question", "Reports are slow")
    return cases.open_case(agent, new).ref


def timeline(ref: str) -> list[tuple[str, str, str]]:
    case = cases.get_case(ref)
    return [
        (e.kind, e.author, e.body)
        for e in CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.id)
    ]


def trail(ref: str) -> list[tuple[str, str]]:
    return [
        (a.action, a.actor)
        for a in AuditEntry.select().where(AuditEntry.entity_id == ref).order_by(AuditEntry.id)
    ]


def test_second_session_gets_the_conflict_and_nothing_is_lost(
    ref: str, agent: ServiceContext, supervisor: ServiceContext
) -> None:
    # Both agents load the case (each on its own connection) and see the same version.
    kims_copy = in_session(lambda: cases.get_case(ref))
    sams_copy = in_session(lambda: cases.get_case(ref))
    assert kims_copy.version == sams_copy.version == 1

    # Kim replies first.
    in_session(
        lambda: cases.reply(agent, ref, "Looking at it now", expected_version=kims_copy.version)
    )
    # Sam, still holding version 1, tries to reassign and escalate: both refused.
    with pytest.raises(Conflict, match="changed since you read it"):
        in_session(lambda: cases.assign(supervisor, ref, "sam", expected_version=1))
    with pytest.raises(Conflict):
        in_session(lambda: cases.escalate(supervisor, ref, "tier 2", "slow", expected_version=1))

    case = cases.get_case(ref)
    assert case.version == 2
    assert case.assignee_id is None
    assert case.status == "open"
    assert case.first_response_at is not None
    assert timeline(ref) == [
        ("created", "kim", "Reports are slow"),
        ("reply", "kim", "Looking at it now"),
    ]
    assert trail(ref) == [("case.open", "kim"), ("case.reply", "kim")]

    # Sam reloads and tries again: it goes through, and Kim's reply is still there.
    fresh = in_session(lambda: cases.get_case(ref))
    in_session(lambda: cases.assign(supervisor, ref, "sam", expected_version=fresh.version))
    assert cases.get_case(ref).version == 3
    assert [kind for kind, _, _ in timeline(ref)] == ["created", "reply", "assign"]


def _pause_kim_after_the_check(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """Make Kim's reply stop inside its transaction just after its version check (the case
    read): the event set once Kim is there, and the one that lets Kim go on."""
    kim_inside, release = threading.Event(), threading.Event()
    check = cases.check_version

    def check_then_pause(case: Case, expected: int | None) -> None:
        check(case, expected)
        if threading.current_thread().name == "kim":
            kim_inside.set()
            assert release.wait(timeout=10)

    monkeypatch.setattr(conversation, "check_version", check_then_pause)
    return kim_inside, release


def _session(name: str, work: Callable[[], object], outcomes: dict[str, Any]) -> threading.Thread:
    """``work`` in a thread named ``name`` on a connection of its own; "ok" or its error."""

    def run() -> None:
        try:
            with db.connection_context():
                work()
            outcomes[name] = "ok"
        except Exception as error:  # noqa: BLE001 - recorded and checked by the test
            outcomes[name] = error

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _finish(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()


def test_a_session_paused_inside_its_transaction(
    ref: str, agent: ServiceContext, supervisor: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kim's reply stops inside its transaction, just after the version check; Sam edits.

    Sam waits for Kim on both backends (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the case row
    locked as the use case read it), then Sam's re-read sees Kim's version and is refused.
    """
    kim_inside, release = _pause_kim_after_the_check(monkeypatch)
    outcomes: dict[str, Any] = {}
    reply = lambda: cases.reply(agent, ref, "Kim's answer", expected_version=1)  # noqa: E731
    kim = _session("kim", reply, outcomes)
    assert kim_inside.wait(timeout=10)
    assign = lambda: cases.assign(supervisor, ref, "sam", expected_version=1)  # noqa: E731
    sam = _session("sam", assign, outcomes)
    sam.join(timeout=0.3)
    assert sam.is_alive()  # Sam waits for Kim's transaction
    release.set()
    _finish(kim, sam)

    assert outcomes["kim"] == "ok"
    assert isinstance(outcomes["sam"], Conflict), outcomes
    case = cases.get_case(ref)
    assert case.version == 2
    assert [kind for kind, _, _ in timeline(ref)] == ["created", "reply"]
    assert case.assignee_id is None
    assert trail(ref) == [("case.open", "kim"), ("case.reply", "kim")]


def test_writers_who_read_no_version_wait_their_turn_and_both_land(
    ref: str, agent: ServiceContext, supervisor: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither writer names a version (a note from the command line, the importer): the second
    waits for the first and both land. On PostgreSQL both used to read the same version, and
    the one that wrote second was refused "changed by someone else just now" (42 of 80 notes
    from four writers at once)."""
    kim_inside, release = _pause_kim_after_the_check(monkeypatch)
    outcomes: dict[str, Any] = {}
    kim = _session("kim", lambda: cases.reply(agent, ref, "Kim's note", internal=True), outcomes)
    assert kim_inside.wait(timeout=10)
    sam = _session(
        "sam", lambda: cases.reply(supervisor, ref, "Sam's note", internal=True), outcomes
    )
    sam.join(timeout=0.3)
    release.set()
    _finish(kim, sam)

    assert outcomes == {"kim": "ok", "sam": "ok"}
    assert cases.get_case(ref).version == 3
    notes = sorted(body for kind, _, body in timeline(ref) if kind != "created")
    assert notes == ["Kim's note", "Sam's note"]


def test_a_clients_email_on_a_case_an_agent_is_writing_is_threaded(
    ref: str,
    agent: ServiceContext,
    supervisor: ServiceContext,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    """The client's reply arrives while Kim's note is inside its transaction: the importer
    waits and threads it. On PostgreSQL it was quarantined ("refused": the case "was changed
    by someone else just now"), and importing it again counted it a duplicate."""
    from tests.mail.conftest import eml
    from wzdesk.mail.sources import RawMessage
    from wzdesk.services.mail_intake import import_messages

    monkeypatch.setenv("WZDESK_ATTACHMENTS", str(tmp_path / "attachments"))
    monkeypatch.setenv("WZDESK_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("WZDESK_MAIL_FROM", "Acme Support <support@vendor.example>")
    kim_inside, release = _pause_kim_after_the_check(monkeypatch)
    outcomes: dict[str, Any] = {}
    filed: list[str] = []
    kim = _session("kim", lambda: cases.reply(agent, ref, "Kim's note", internal=True), outcomes)
    assert kim_inside.wait(timeout=10)
    message = eml(subject=f"Re: [{ref}] Reports are slow", body="Still slow today.")

    def import_reply() -> None:
        import_messages(
            supervisor,
            [RawMessage(message, "test#1")],
            on_filed=lambda raw, result: filed.append(result.outcome),
        )

    mail = _session("mail", import_reply, outcomes)
    mail.join(timeout=0.3)
    release.set()
    _finish(kim, mail)

    assert outcomes == {"kim": "ok", "mail": "ok"}
    assert filed == ["threaded"]
    assert any("Still slow today." in body for _, _, body in timeline(ref)), timeline(ref)


def test_race_of_many_edits(ref: str, agent: ServiceContext, supervisor: ServiceContext) -> None:
    """Two agents hammer one case; each write uses the version of its own last read."""
    start = threading.Barrier(2, timeout=10)
    results: dict[str, dict[str, Any]] = {}

    def replier() -> None:
        tally: dict[str, Any] = {"ok": 0, "conflict": 0, "errors": []}
        results["replier"] = tally
        with db.connection_context():
            start.wait()
            for round_ in range(ROUNDS):
                try:
                    seen = cases.get_case(ref).version
                    cases.reply(agent, ref, f"reply {round_}", expected_version=seen)
                    tally["ok"] += 1
                except Conflict:
                    tally["conflict"] += 1
                except Exception as error:  # noqa: BLE001 - must stay empty
                    tally["errors"].append(repr(error))

    def assigner() -> None:
        tally: dict[str, Any] = {"ok": 0, "conflict": 0, "errors": []}
        results["assigner"] = tally
        with db.connection_context():
            start.wait()
            for _ in range(ROUNDS):
                try:
                    case = cases.get_case(ref)
                    current = case.assignee.login if case.assignee_id else None
                    other = "kim" if current != "kim" else "sam"  # always a real change
                    cases.assign(supervisor, ref, other, expected_version=case.version)
                    tally["ok"] += 1
                except Conflict:
                    tally["conflict"] += 1
                except Exception as error:  # noqa: BLE001 - must stay empty
                    tally["errors"].append(repr(error))

    threads = [threading.Thread(target=replier), threading.Thread(target=assigner)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()

    errors = results["replier"]["errors"] + results["assigner"]["errors"]
    assert errors == []
    replies, assigns = results["replier"]["ok"], results["assigner"]["ok"]
    conflicts = results["replier"]["conflict"] + results["assigner"]["conflict"]
    assert replies + assigns + conflicts == 2 * ROUNDS
    # Each success can make at most one of the other agent's attempts stale.
    assert replies + assigns >= ROUNDS

    case = cases.get_case(ref)
    assert case.version == 1 + replies + assigns
    kinds = [kind for kind, _, _ in timeline(ref)]
    assert kinds.count("reply") == replies
    assert kinds.count("assign") == assigns
    actions = [action for action, _ in trail(ref)]
    assert actions.count("case.reply") == replies
    assert actions.count("case.assign") == assigns
    # The replies that succeeded are all there, each once.
    bodies = [body for kind, _, body in timeline(ref) if kind == "reply"]
    assert len(set(bodies)) == len(bodies) == replies


def test_two_supervisors_undoing_one_merge_at_once_undo_it_once(
    ref: str, agent: ServiceContext, supervisor: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first undo stops inside its transaction with both cases locked; the second reads
    which merge before it waits its turn, and once it has the cases finds that merge undone:
    it says so, and nothing is undone twice."""
    from wzdesk.services import related

    primary = cases.open_case(
        agent, NewCase("ACME", "ana@acme.example", "major", "portal", "question", "Same thing")
    ).ref
    related.merge_cases(agent, ref, primary)
    first_inside, release = threading.Event(), threading.Event()
    lock = related._lock_in_order

    def lock_then_pause(*refs: str) -> None:
        lock(*refs)
        if threading.current_thread().name == "first":
            first_inside.set()
            assert release.wait(timeout=10)

    monkeypatch.setattr(related, "_lock_in_order", lock_then_pause)
    outcomes: dict[str, Any] = {}
    first = _session("first", lambda: related.unmerge_case(supervisor, ref), outcomes)
    assert first_inside.wait(timeout=10)
    second = _session("second", lambda: related.unmerge_case(supervisor, ref), outcomes)
    second.join(timeout=0.3)
    release.set()
    _finish(first, second)

    assert outcomes["first"] == "ok"
    assert "was not merged" in str(outcomes["second"]), outcomes
    assert cases.get_case(ref).status != "closed"  # the duplicate is back, once
