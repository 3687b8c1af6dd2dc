"""``wzdesk case explain REF`` and ``wzdesk sla events --case REF``, read without Peewee (issue
13): for every case of a desk whose timeline holds severity changes, waits on the client,
escalations, resolutions and a reopening, at instants before, between and after them (as-of
readings rebuild the status from the timeline), each object is the ordinary path's; a case not
received yet, a reference nobody has and ``--as`` take the ordinary path.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from wzdesk.core.clock import FixedClock
from wzdesk.services.cases import (
    change_severity,
    escalate,
    reopen,
    reply,
    resolve,
    set_status,
)
from wzdesk.services.directory import sign_in
from wzdesk.services.quick_history_reads import quick_events, quick_explain
from wzdesk.services.sla_history import EventQuery, event_rows, explain_case
from wzdesk.store.models import Case


@pytest.fixture
def history_desk(demo_desk: list[int], clock: FixedClock) -> tuple[list[str], list[datetime]]:
    """The demo desk, and over two days what its seed does not record: severity changes,
    waits on the client and back, escalations (one set back to open, then answered), a
    resolution and a reopening, an internal note and a reply at one instant, then a
    resolution. Returns the touched cases' references and instants between the steps."""
    sam = sign_in("sam", clock).context
    refs = [c.ref for c in Case.select().where(Case.is_open).order_by(Case.id).limit(8)]
    unanswered = Case.is_open & Case.first_response_at.is_null() & Case.ref.not_in(refs)
    refs.append(Case.select().where(unanswered).order_by(Case.id).first().ref)
    instants = [clock.now()]
    change_severity(sam, refs[0], "critical")
    change_severity(sam, refs[1], "minor")
    clock.advance(timedelta(hours=2, minutes=13))
    reply(sam, refs[2], "Could you send the log?")
    set_status(sam, refs[2], "waiting_client")
    escalate(sam, refs[3], "development", "a defect in the export")
    escalate(sam, refs[7], "development", "needs a fix")
    instants.append(clock.now())
    clock.advance(timedelta(hours=20))
    set_status(sam, refs[2], "open")
    change_severity(sam, refs[1], "major")
    resolve(sam, refs[4], "Fixed by the patch.")
    reply(sam, refs[5], "On it.")
    reply(sam, refs[8], "Asked the team.", internal=True)  # at the instant of its first reply
    reply(sam, refs[8], "We are on it.")
    set_status(sam, refs[7], "open")  # after the escalation: the status as of now is open
    instants.append(clock.now())
    clock.advance(timedelta(hours=3, minutes=7))
    reopen(sam, refs[4], "It came back.")
    resolve(sam, refs[5], "Done.")
    set_status(sam, refs[6], "waiting_client")
    reply(sam, refs[7], "Fixed in the next build.")  # the facts change: the status is rebuilt
    instants.append(clock.now())
    clock.advance(timedelta(days=1))
    instants.append(clock.now())
    return refs, instants


def _ordinary(ref: str, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    ctx = sign_in("sam", FixedClock(now)).context
    return explain_case(ctx, ref), list(event_rows(ctx, EventQuery(ref)))


def test_every_case_explained_is_the_ordinary_paths(
    history_desk: tuple[list[str], list[datetime]], database_url: str
) -> None:
    """Every case at the last instant (on PostgreSQL, every third and the touched ones); the
    touched ones and every tenth other at each."""
    touched, instants = history_desk
    every = [case.ref for case in Case.select(Case.ref).order_by(Case.id)]
    # What the quick path does with a case's timeline is the same Python on both backends;
    # PostgreSQL differs in its SQL and its values' types, which a third of the cases, of
    # every status, severity and kind of event (checked below), read as well as all of them
    # (24 -> 15 s measured alone; SQLite still reads every case).
    postgres = database_url.startswith("postgresql")
    last = [*touched, *every[::3]] if postgres else every
    every_event = list(event_rows(sign_in("sam", FixedClock(instants[-1])).context, EventQuery()))
    for kind in sorted({(event["kind"], event["target"]) for event in every_event}):
        # and a case of each kind of event, where a third of them has none
        holding = [
            event["case"] for event in every_event if (event["kind"], event["target"]) == kind
        ]
        if not set(holding) & set(last):
            last.append(holding[0])
    shape = {case.ref: (case.status, case.severity) for case in Case.select()}
    for ref in every:  # and a case of each status and severity
        if shape[ref] not in {shape[other] for other in last}:
            last.append(ref)
    compared, kinds, events_read = 0, set(), set()
    for now in instants:
        for ref in last if now == instants[-1] else [*touched, *every[::10]]:
            case = Case.get(Case.ref == ref)
            if case.received_at > now:
                continue
            explained, events = _ordinary(ref, now)
            quick = quick_explain(database_url, "sam", ref.lower(), now)
            assert json.dumps(quick) == json.dumps(explained), (ref, now)
            assert json.dumps(quick_events(database_url, "sam", ref, now)) == json.dumps(events)
            compared += 1
            kinds.add((case.status, case.severity))
            events_read |= {(event["kind"], event["target"]) for event in events}
    assert compared > len(last)
    assert kinds == set(shape.values())
    assert events_read == {(event["kind"], event["target"]) for event in every_event}
    between = [quick_explain(database_url, "sam", ref, instants[2]) for ref in touched]
    assert {"escalated", "open", "resolved"} <= {found["status"] for found in between if found}
    assert between[7] is not None and between[7]["status"] == "open"  # rebuilt: the latest
    met = between[8]["targets"][0]["outcome"]["event"]  # type: ignore[index]
    assert met["kind"] == "reply" and met["author"] == "sam"  # the reply, not the note


def test_what_it_cannot_answer_is_left_to_the_ordinary_path(
    history_desk: tuple[list[str], list[datetime]], database_url: str
) -> None:
    """A case received after the instant, a reference nobody has, a user nobody is."""
    newest = Case.select().order_by(Case.received_at.desc()).first()
    before = newest.received_at - timedelta(seconds=1)
    for read in (quick_explain, quick_events):
        assert read(database_url, "sam", newest.ref, before) is None
        assert read(database_url, "sam", "WZ-99999", history_desk[1][-1]) is None
        assert read(database_url, "nobody", newest.ref, history_desk[1][-1]) is None
        assert read(database_url, "pat", newest.ref, history_desk[1][-1]) is not None  # phone
