"""Realistic demo data, placed relative to now, inserted in bulk.

``wzdesk --demo`` fills a separate database with a few hundred cases so a newcomer sees the
whole product live (some breached, some at risk, some waiting, some resolved).
``wzdesk demo --cases N`` builds a dataset of any size for benchmarks (100,000 cases with
10,000 open in seconds): rows go in with ``insert_many`` in chunks, deadlines come from the
same SLA engine the use cases use, and references are set in one UPDATE afterwards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.case_sla import compute_deadlines, paused_left
from wzdesk.core.clock import Clock
from wzdesk.core.rules import Category, Channel, Classification, Role, Status
from wzdesk.core.sla import Severity
from wzdesk.services.billing.demo import add_demo_services
from wzdesk.services.cases import FIRST_CASE_NUMBER, REF_PREFIX
from wzdesk.services.context import write_transaction
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.database import db, refresh_statistics
from wzdesk.store.models import (
    AuditEntry,
    Case,
    CaseEvent,
    Client,
    Contact,
    Setting,
    SlaPause,
    User,
)
from wzdesk.store.queries import tuples

CLIENTS = [
    ("NWH", "Northwind Health"),
    ("MLL", "Maple Leaf Logistics"),
    ("CBE", "Cobalt Energy"),
    ("HRB", "Harbourfront Bank"),
    ("LKS", "Lakeshore Schools"),
    ("PNE", "Pinecrest Estates"),
    ("RDG", "Ridgeway Manufacturing"),
    ("SLV", "Silverline Transit"),
    ("TML", "Timberline Retail"),
    ("GRN", "Greenfield Farms Co-op"),
    ("ATL", "Atlas Insurance"),
    ("BRC", "Birchwood Clinics"),
    ("CDR", "Cedar Ridge County"),
    ("DLT", "Delta Freight"),
    ("ESX", "Essex Hospitality"),
    ("FRN", "Frontenac Dairy"),
    ("GLD", "Goldcrest Mining"),
    ("HIL", "Hillcrest Senior Living"),
    ("IRN", "Ironbridge Construction"),
    ("JUN", "Juniper Credit Union"),
]
FIRST = [
    "Ana",
    "Raj",
    "Bea",
    "Chen",
    "Dana",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
]
LAST = [
    "Diaz",
    "Patel",
    "Nguyen",
    "Okafor",
    "Smith",
    "Tremblay",
    "Kowalski",
    "Haddad",
    "Moreau",
    "Singh",
    "Lee",
    "Brown",
    "Garcia",
    "Roy",
    "Wong",
]
USERS = [
    ("kim", "Kim Lee", Role.AGENT),
    ("alex", "Alex Martin", Role.AGENT),
    ("noor", "Noor Aziz", Role.AGENT),
    ("tomas", "Tomas Novak", Role.AGENT),
    ("pat", "Pat Moss", Role.PHONE),
    ("jordan", "Jordan Blake", Role.PHONE),
    ("sam", "Sam Okoro", Role.SUPERVISOR),
]
SUMMARIES = {
    Category.QUESTION: [
        "How do I add a new pay group?",
        "Where is the vacation accrual report?",
        "How to bulk-import employee addresses",
        "Can managers approve timesheets on mobile?",
        "Which role can edit the org chart?",
        "How do I reset a user's two-factor login?",
    ],
    Category.UNEXPECTED: [
        "Payroll export fails with error 500",
        "Timesheet totals double-count overtime",
        "Login page loops back for SSO users",
        "Scheduled report arrives empty",
        "Leave balances negative after year-end",
        "Approval emails not sent since upgrade",
    ],
    Category.CONFIGURATION: [
        "Add a second approval step for expenses",
        "New cost centre for the Ottawa office",
        "Change the overtime threshold to 44 hours",
        "Enable French for the employee portal",
    ],
    Category.SERVICES: [
        "Quote for a custom benefits extract",
        "Training for five new administrators",
        "Interface with the new accounting system",
        "Data load of 3,000 historical records",
    ],
}
REPLIES = [
    "Thanks for the details. We are looking into it now.",
    "Could you send a screenshot of the error and the time it happened?",
    "We reproduced this on our side and are working on a fix.",
    "Here are the steps to do this from the administration page.",
]
NOTES = [
    "Checked the logs: timeouts on the export job around 09:40.",
    "Looks like a configuration issue, not a bug.",
    "Asked tier 2 to confirm before we reply.",
]


#: Cases generated, written and let go at a time.
DEMO_BATCH = 5_000


@dataclass(frozen=True)
class DemoSummary:
    """What the generator wrote."""

    clients: int
    contacts: int
    users: int
    cases: int
    open_cases: int
    events: int


def _bulk_insert(model: type[peewee.Model], rows: list[dict[str, object]]) -> None:
    """Insert many rows with one prepared statement (``executemany``).

    Peewee's ``insert_many`` builds SQL for every value, which dominates at 100,000 rows;
    here the statement is built once and values go through each field's ``db_value``.
    """
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.fields[name] for name in names]
    database = db.obj
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([database.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    values = [tuple(f.db_value(row[n]) for f, n in zip(fields, names, strict=True)) for row in rows]
    cursor = database.cursor()
    for start in range(0, len(values), 5000):
        cursor.executemany(sql, values[start : start + 5000])


def generate(
    clock: Clock,
    cases: int = 300,
    open_ratio: float | None = None,
    seed: int = 1042,
) -> DemoSummary:
    """Fill an empty database with demo clients, contacts, users and ``cases`` cases."""
    if Case.select().exists():
        raise ValueError("the database already has cases; demo data goes into an empty one")
    rng = random.Random(seed)
    now = clock.now()
    book = load_policy_book()
    open_ratio = open_ratio if open_ratio is not None else (0.35 if cases <= 2000 else 0.1)
    with write_transaction():
        _people(rng, now)
        # In a stated order: the seed's choices pick from these lists, and PostgreSQL returns
        # unordered rows in whatever order the table's pages hold them (two runs with one
        # seed then gave another agent's notes, once the space of deleted rows was reused).
        clients = list(Client.select().order_by(Client.id))
        admins: dict[int, list[Contact]] = {}
        for contact in Contact.select().where(Contact.is_admin).order_by(Contact.id):
            admins.setdefault(contact.client_id, []).append(contact)
        agents = list(User.select().where(User.role != Role.PHONE.value).order_by(User.id))
        events_written = _cases(rng, now, book, cases, open_ratio, clients, admins, agents)
        events_written += add_demo_services(rng, now)
        # An upsert both backends accept (PostgreSQL has no INSERT OR REPLACE).
        Setting.insert(key="demo.generated_at", value=now.isoformat()).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: now.isoformat()}
        ).execute()
        AuditEntry.create(
            at=now,
            actor="wzdesk",
            action="demo.generate",
            entity="database",
            entity_id="demo",
            after_json=f'{{"cases": {cases}}}',
        )
    refresh_statistics()
    return DemoSummary(
        clients=Client.select().count(),
        contacts=Contact.select().count(),
        users=User.select().count(),
        cases=Case.select().count(),
        open_cases=Case.select().where(Case.is_open).count(),
        events=events_written,
    )


def _unused_last(last: str, first: str, names: set[str]) -> str:
    """``last``, or the next surname in :data:`LAST` that no contact of the client has with
    ``first``: two contacts of one client with one name made a flag ("ask Chen Nguyen") and a
    reply's recipient read as the same person. No second draw, so the rest of the demo (every
    later contact and case) is what the seed always gave."""
    at = LAST.index(last)
    for step in range(len(LAST)):
        candidate = LAST[(at + step) % len(LAST)]
        if f"{first} {candidate}" not in names:
            return candidate
    return last  # unreachable: a client has at most five contacts


def _people(rng: random.Random, now: datetime) -> None:
    for login, name, role in USERS:
        if not User.select().where(User.login == login).exists():
            User.create(login=login, name=name, role=role.value, created_at=now)
    for code, name in CLIENTS:
        if Client.select().where(Client.code == code).exists():
            continue
        client = Client.create(code=code, name=name, created_at=now)
        domain = name.lower().split()[0] + ".example"
        names: set[str] = set()
        for index in range(rng.randint(3, 5)):
            first = rng.choice(FIRST)
            last = _unused_last(rng.choice(LAST), first, names)
            names.add(f"{first} {last}")
            rank = "primary" if index == 0 else "backup" if index == 1 else None
            digits = f"{rng.choice([416, 613, 905, 519])}555{rng.randint(1000, 9999)}"
            Contact.create(
                client=client,
                name=f"{first} {last}",
                email=f"{first}.{last}{index}@{domain}".lower(),
                # E.164, as every other way in stores a number: "905-555-5824" as typed here
                # was found by no `contact edit/train/deactivate`, and a second contact could
                # be added with the same number.
                phone=f"+1{digits}",
                phone_digits=digits,
                is_admin=rank is not None or index == 2,
                admin_rank=rank,
                created_at=now,
            )


def _cases(
    rng: random.Random,
    now: datetime,
    book: PolicyBook,
    count: int,
    open_ratio: float,
    clients: list[Client],
    admins: dict[int, list[Contact]],
    agents: list[User],
) -> int:
    """Write ``count`` cases with their events in batches: memory stays flat whatever
    ``count`` is (a million cases work); returns the events written."""
    events = 0
    for start in range(0, count, DEMO_BATCH):
        size = min(DEMO_BATCH, count - start)
        events += _case_batch(rng, now, book, size, count, open_ratio, clients, admins, agents)
    return events


def _case_batch(
    rng: random.Random,
    now: datetime,
    book: PolicyBook,
    size: int,
    count: int,
    open_ratio: float,
    clients: list[Client],
    admins: dict[int, list[Contact]],
    agents: list[User],
) -> int:
    """``size`` of the ``count`` cases (their ages spread by ``count``)."""
    severities = (
        [Severity.CRITICAL] * 1
        + [Severity.MAJOR] * 3
        + [Severity.MODERATE] * 5
        + [Severity.MINOR] * 3
    )
    categories = list(Category)
    case_rows: list[dict[str, object]] = []
    plans: list[tuple[str, datetime, datetime | None, datetime | None]] = []
    for _ in range(size):
        is_open = rng.random() < open_ratio
        severity = rng.choice(severities)
        category = rng.choice(categories)
        client = rng.choice(clients)
        contact = rng.choice(admins[client.id])
        version_id, policy = book.version_at(now)
        target = policy.targets[severity].resolution_seconds
        calendar = policy.calendar_for(severity)
        channel = rng.choice(list(Channel))
        if is_open:
            # Spread open cases from "just in" to past due: about 1 in 8 breached.
            used = rng.uniform(0.0, 1.15) * target
            received = _business_before(calendar, now, used, rng)
        else:
            age_days = rng.uniform(1, max(30.0, count / 150))
            received = now - timedelta(days=age_days)
        if channel is Channel.PHONE:
            received = _while_the_line_is_staffed(policy.calendar, received, now, rng)
        deadlines = compute_deadlines(policy, severity, received)
        responded = None
        response_seconds = policy.targets[severity].response_seconds
        # Old open cases were almost always answered already; fresh ones often not yet.
        answered_odds = 0.93 if is_open and now - received > timedelta(days=2) else 0.55
        if not is_open or rng.random() < answered_odds:
            responded = calendar.add_business_seconds(
                received, rng.uniform(0.05, 1.1) * response_seconds
            )
            if responded > now:
                responded = None
        status = Status.OPEN
        resolved = closed = None
        paused_since = None
        if not is_open:
            resolved = calendar.add_business_seconds(received, rng.uniform(0.1, 1.05) * target)
            if resolved > now:  # resolved since it came in, before now
                resolved = received + (now - received) * rng.uniform(0.3, 0.95)
            # The resolution note goes to the client: no first reply comes after it.
            responded = min(responded, resolved) if responded else resolved
            status = Status.CLOSED if rng.random() < 0.7 else Status.RESOLVED
            closed = resolved + timedelta(days=3) if status is Status.CLOSED else None
            if closed is not None and closed > now:
                status, closed = Status.RESOLVED, None
        else:
            roll = rng.random()
            if roll < 0.3 and responded is None:
                status = Status.NEW
            elif roll < 0.27 and responded is not None:
                status = Status.WAITING_CLIENT
                paused_since = max(responded, now - timedelta(hours=rng.randint(1, 30)))
            elif roll < 0.36:  # about 1 open case in 14 is with another team
                status = Status.ESCALATED
        assignee = None if status is Status.NEW or rng.random() < 0.1 else rng.choice(agents)
        summary = rng.choice(SUMMARIES[category])
        unexpected = category is Category.UNEXPECTED
        case_rows.append(
            {
                "client": client.id,
                "contact": contact.id,
                "channel": channel.value,
                "category": category.value,
                "severity": severity.value,
                "status": status.value,
                "assignee": assignee.id if assignee else None,
                "escalated_to": "Tier 2" if status is Status.ESCALATED else None,
                "escalation_reason": "Needs database access"
                if status is Status.ESCALATED
                else None,
                "classification": (
                    rng.choice(list(Classification)).value if unexpected and resolved else None
                ),
                "summary": summary,
                "description": f"{summary}. Reported by {contact.name}."
                if rng.random() < 0.85
                else "",
                "steps_to_reproduce": "1. Open the module 2. Run the action" if unexpected else "",
                "affected_users": "All payroll administrators" if unexpected else "",
                "tags": "",
                "policy": version_id,
                "received_at": received,
                "first_response_at": responded,
                "resolved_at": resolved,
                "closed_at": closed,
                "response_due": deadlines.response_due,
                "response_at_risk_at": deadlines.response_at_risk_at,
                "resolution_due": deadlines.resolution_due,
                "resolution_at_risk_at": deadlines.resolution_at_risk_at,
                "resolution_paused_after_due": deadlines.resolution_paused_after_due,
                "paused_since": paused_since,
                "paused_left": paused_left(
                    calendar,
                    is_open,
                    responded is not None,
                    None if paused_since is None else paused_since.timestamp(),
                    deadlines.resolution_due.timestamp(),
                    deadlines.resolution_paused_after_due,
                ),
                "is_open": is_open,
                "version": 1,
                "created_at": received,
                "updated_at": max(received, responded or received),
                "client_wrote_at": received,
                "needs_contact": False,
            }
        )
        plans.append((contact.name, received, responded, resolved))
    first_id = (Case.select(peewee.fn.MAX(Case.id)).scalar() or 0) + 1
    _bulk_insert(Case, case_rows)
    database = db.obj
    mark = database.param
    database.execute_sql(
        f'UPDATE "case" SET ref = {mark} || CAST(id + {mark} AS VARCHAR(12)) '
        f"WHERE id >= {mark} AND ref IS NULL",
        (REF_PREFIX, FIRST_CASE_NUMBER - 1, first_id),
    )
    new_ids = Case.select(Case.id).where(Case.id >= first_id).order_by(Case.id).tuples()
    ids = [row[0] for row in tuples(new_ids)]
    event_rows: list[dict[str, object]] = []
    pause_rows: list[dict[str, object]] = []
    for case_id, row, (contact_name, received, responded, resolved) in zip(
        ids, case_rows, plans, strict=True
    ):
        author = "pat" if row["channel"] == Channel.PHONE.value else "wzdesk"
        event_rows.append(_event(case_id, received, author, "created", str(row["summary"])))
        if row["channel"] == Channel.PHONE.value:
            event_rows.append(
                _event(
                    case_id,
                    received,
                    "pat",
                    "call",
                    f"Call from {contact_name}",
                    duration=rng.randint(60, 900),
                )
            )
        agent = rng.choice(agents).login
        if rng.random() < 0.4:
            event_rows.append(
                _event(case_id, received + timedelta(minutes=20), agent, "note", rng.choice(NOTES))
            )
        if responded is not None:
            event_rows.append(_event(case_id, responded, agent, "reply", rng.choice(REPLIES), True))
        if resolved is not None:
            event_rows.append(
                _event(case_id, resolved, agent, "resolve", "Resolved: see the steps above.", True)
            )
            pause_rows.append(
                {"case": case_id, "started_at": resolved, "ended_at": None, "reason": "resolved"}
            )
        if row["paused_since"] is not None:
            pause_rows.append(
                {
                    "case": case_id,
                    "started_at": row["paused_since"],
                    "ended_at": None,
                    "reason": "waiting_client",
                }
            )
    _bulk_insert(CaseEvent, event_rows)
    if pause_rows:
        _bulk_insert(SlaPause, pause_rows)
    return len(event_rows)


def _event(
    case_id: int,
    at: datetime,
    author: str,
    kind: str,
    body: str,
    public: bool = False,
    duration: int | None = None,
) -> dict[str, object]:
    return {
        "case": case_id,
        "at": at,
        "author": author,
        "kind": kind,
        "public": public,
        "body": body,
        "duration_seconds": duration,
        "data_json": None,
    }


def _while_the_line_is_staffed(
    calendar: BusinessCalendar, received: datetime, now: datetime, rng: random.Random
) -> datetime:
    """A phone case's receipt moved into the desk's opening hours: the line (ext. 1) is staffed
    08:00–18:00 on business days, so no call comes in at 04:19 or on a Sunday. ``received`` if
    the desk was open then; else a few minutes into the next opening, unless that is after
    ``now`` (a demo made at night keeps the few calls since the last closing as they were)."""
    if calendar.is_open(received):
        return received
    moved = calendar.next_opening(received) + timedelta(minutes=rng.randint(2, 90))
    return moved if moved <= now else received


def _business_before(
    calendar: BusinessCalendar, now: datetime, seconds: float, rng: random.Random
) -> datetime:
    """An instant ``seconds`` of business time before ``now`` (searching back, then exact)."""
    guess = now - timedelta(seconds=seconds * 2.4 + 3600)
    while calendar.business_seconds_between(guess, now) < seconds:
        guess -= timedelta(days=2)
    # Walk forward so that exactly ``seconds`` of business time remain to now.
    shortfall = calendar.business_seconds_between(guess, now) - seconds
    start = calendar.add_business_seconds(guess, shortfall) if shortfall > 0 else guess
    jitter = rng.randint(0, 59)
    return start - timedelta(seconds=jitter)
