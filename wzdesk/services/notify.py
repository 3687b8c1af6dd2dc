"""``wzdesk notify``: what the desk sends on its own, with no console open.

One round (:func:`run_round`), every minute or so, or from cron:

* **alerts** to the support team, by the alert rules: a target turning at risk (to the owner,
  or the supervisors when unassigned), a breach (supervisors), a critical case left unassigned
  for N business minutes (supervisors);
* **client notices**: a reminder when a case has waited on the client for N business days,
  auto-resolve M business days later (off by default), and closing a resolved case once the
  reply window has passed.

Everything happens only while the case's calendar is open: nothing at 03:00 for an
office-hours case (a 24x7 critical one alerts at any hour). Each alert or notice is sent
exactly once, even across restarts and several ``notify`` processes on one database: it is
claimed by inserting its key into ``notification`` (unique) in the same transaction that queues
its message, so a second process finds it claimed and the claim and the message commit together.

An alert is claimed per person and event (``alert_claim``), not per rule: when several rules
match one crossing (``severity critical`` and ``every case``, both to the supervisors), their
people are merged and each is alerted once, the record naming every rule that matched. Another
crossing (at risk, then breached; a later due instant) is another event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import peewee

from wzdesk.core.calendar import epoch_of
from wzdesk.core.errors import Conflict
from wzdesk.core.rules import Action, Status
from wzdesk.core.sla import Severity, TimerState, TimerStatus
from wzdesk.core.timefmt import format_business_duration
from wzdesk.core.wording import BUSINESS_DAY_SECONDS, business_days_in_words, instant_in_words
from wzdesk.services.alerts import AlertDirectory, Recipient, list_rules, rule_words
from wzdesk.services.case_fields import timers
from wzdesk.services.cases import close_case, resolve_case
from wzdesk.services.cases.records import add_event, save_case
from wzdesk.services.cases.triage import what_we_need
from wzdesk.services.client_mail import Composer, Delivery, queue_case_mail, queue_plain_mail
from wzdesk.services.context import ServiceContext, locked_for_writing, write_transaction
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.models import AlertClaim, AlertRule, Case, CaseEvent, Notification, User

#: The notification kind of each alert event (also its template's name).
ALERT_TEMPLATES = {
    "at_risk": "alert_at_risk",
    "breached": "alert_breach",
    "unassigned": "alert_unassigned",
}


@dataclass
class RoundReport:
    """What one round did: one line per alert or notice, and what waits for opening hours.

    Each item is *raised* (claimed, recorded, audited), and says whom it was emailed to
    (``emailed_to``: messages queued in the outbox) and whom not (``not_emailed``: console
    users with no address on file): the JSON called them all "sent", and a script counting
    them counted alerts nobody received."""

    raised: list[dict[str, Any]] = field(default_factory=list)
    waiting_for_hours: int = 0

    def lines(self) -> list[str]:
        return [item["summary"] for item in self.raised]

    def as_dict(self) -> dict[str, Any]:
        return {"raised": self.raised, "waiting_for_business_hours": self.waiting_for_hours}


@dataclass(frozen=True)
class _Claim:
    """One thing to send at most once."""

    key: str
    kind: str
    case: Case
    summary: str
    recipients: str = ""


@dataclass
class _Alert:
    """One event to alert people of, and every rule that matched it (the people of all of
    them are alerted once each: two rules matching one crossing alerted them twice)."""

    key: str  # the event: each person's claim is ``<key>:to:<login>``
    kind: str
    case: Case
    summary: str
    values: dict[str, str]
    rules: list[AlertRule] = field(default_factory=list)


def _claim(ctx: ServiceContext, claim: _Claim) -> bool:
    """Insert the claim's key (inside the caller's transaction); False if already claimed."""
    inserted = (
        Notification.insert(
            key=claim.key[:255],
            kind=claim.kind,
            case=claim.case,
            recipients=claim.recipients,
            summary=claim.summary,
            created_at=ctx.clock.now(),
            created_by=ctx.actor,
        )
        .on_conflict_ignore()
        .as_rowcount()
        .execute()
    )
    return bool(inserted)


def _claim_key(key: str, case: Case) -> bool:
    """Insert one claim, an event's or a person's (inside the caller's transaction); False
    if it was claimed already."""
    inserted = (
        AlertClaim.insert(key=key[:255], case=case).on_conflict_ignore().as_rowcount().execute()
    )
    return bool(inserted)


def _claims_of(alert: _Alert, directory: AlertDirectory) -> list[tuple[str, Recipient | None]]:
    """The claim keys of everyone ``alert``'s rules name, by login (one key for nobody)."""
    people = directory.recipients(alert.rules, alert.case)
    if not people:
        return [(f"{alert.key}:none", None)]
    return [(f"{alert.key}:to:{person.login}", person) for person in people]


def _already(keys: Iterable[str], column: peewee.Field = Notification.key) -> set[str]:
    """Which of ``keys`` are claimed (a cheap look before opening write transactions)."""
    wanted = list(dict.fromkeys(k[:255] for k in keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = column.model.select(column).where(column.in_(chunk)).tuples()
        found.update(str(key) for (key,) in rows)
    return found


def _severities(rule: AlertRule) -> list[str]:
    return [s for s in rule.severities.split(",") if s] or [s.value for s in Severity]


def _cases(condition: peewee.Expression) -> list[Case]:
    return list(Case.select(Case).where(condition).order_by(Case.id))


class Notifier:
    """Runs rounds for one acting user (reads the rules and the policy afresh each round)."""

    def __init__(self, ctx: ServiceContext) -> None:
        ctx.require(Action.RESOLVE)  # a round may resolve and close cases
        self.ctx = ctx

    def run_round(self) -> RoundReport:
        book = load_policy_book()
        composer = Composer.load(book)
        report = RoundReport()
        now = self.ctx.clock.now()
        self._alerts(book, composer, now, report)
        self._client_notices(book, composer, now, report)
        return report

    # -- alerts to the support team ---------------------------------------------------------------

    def _alerts(
        self, book: PolicyBook, composer: Composer, now: datetime, report: RoundReport
    ) -> None:
        rules = list_rules(active_only=True)
        sla_rules = [r for r in rules if r.event in ("at_risk", "breached")]
        events: dict[str, _Alert] = {}  # by the event's key: every rule matching it, merged
        if sla_rules:
            severities = sorted({s for r in sla_rules for s in _severities(r)})
            for case in _cases(
                Case.is_open
                & Case.severity.in_(severities)
                & (
                    (Case.first_response_at.is_null() & (Case.response_at_risk_at <= now))
                    | (Case.resolution_at_risk_at <= now)
                )
            ):
                reading = timers(case, book, now)
                for timer_name, timer in (
                    ("response", reading.response),
                    ("resolution", reading.resolution),
                ):
                    event = _event_of(timer)
                    if event is None:
                        continue
                    matching = [
                        rule
                        for rule in sla_rules
                        if rule.event == event and case.severity in _severities(rule)
                    ]
                    if matching:
                        alert = self._sla_alert(case, timer_name, timer, event, book)
                        alert.rules.extend(matching)
                        events[alert.key] = alert
        for rule in (r for r in rules if r.event == "unassigned"):
            for case in _cases(
                Case.is_open
                & Case.assignee.is_null()
                & (Case.status != Status.WAITING_CLIENT.value)
                & Case.severity.in_(_severities(rule))
                & (Case.received_at <= now - timedelta(minutes=rule.minutes or 0))
            ):
                calendar = book.by_id(case.policy_id).calendar_for(Severity(case.severity))
                waited = calendar.business_seconds_between(case.received_at, now)
                if waited >= (rule.minutes or 0) * 60:
                    alert = self._unassigned_alert(rule.minutes or 0, case, waited, book)
                    events.setdefault(alert.key, alert).rules.append(rule)
        directory = AlertDirectory()
        done = _already(list(events), AlertClaim.key)
        for key, alert in events.items():
            if key in done:
                # Alerted already, to the people it named then: someone who joins or replaces
                # them later (a new supervisor, the case's next owner) is not sent it again.
                continue
            case = alert.case
            calendar = book.by_id(case.policy_id).calendar_for(Severity(case.severity))
            if not calendar.is_open(now):
                report.waiting_for_hours += 1
                continue
            self._send_alert(alert, _claims_of(alert, directory), composer, report)

    def _sla_alert(
        self,
        case: Case,
        timer_name: str,
        timer: TimerStatus,
        event: str,
        book: PolicyBook,
    ) -> _Alert:
        zone = book.by_id(case.policy_id).calendar.zone
        stored_due = case.response_due if timer_name == "response" else case.resolution_due
        remaining = timer.remaining_seconds or 0.0
        values = {
            "timer": timer_name,
            "due": instant_in_words(timer.due, zone),
            "remaining": format_business_duration(abs(remaining)),
        }
        what = "at risk" if event == "at_risk" else "BREACHED"
        return _Alert(
            key=f"alert:{case.id}:{timer_name}:{event}:{int(epoch_of(stored_due))}",
            kind=ALERT_TEMPLATES[event],
            case=case,
            summary=f"{case.ref} {timer_name} {what} (due {values['due']})",
            values=values,
        )

    def _unassigned_alert(
        self, minutes: int, case: Case, waited: float, book: PolicyBook
    ) -> _Alert:
        zone = book.by_id(case.policy_id).calendar.zone
        waited_minutes = int(waited // 60)
        values = {
            "timer": "response",
            "due": instant_in_words(case.response_due, zone),
            "remaining": "",
            "minutes": str(waited_minutes),
        }
        return _Alert(
            key=f"alert:{case.id}:unassigned:{minutes}",
            kind=ALERT_TEMPLATES["unassigned"],
            case=case,
            summary=f"{case.ref} {case.severity} case unassigned for {waited_minutes} min",
            values=values,
        )

    def _send_alert(
        self,
        alert: _Alert,
        claims: list[tuple[str, Recipient | None]],
        composer: Composer,
        report: RoundReport,
    ) -> None:
        """Claim the event, then each of its people (in login order), and alert them, in one
        transaction: record, messages and audit. A second process claiming the same event
        waits for this one's transaction, then finds the event claimed and sends nothing."""
        case = alert.case
        rule_ids = [int(rule.id) for rule in alert.rules]
        with write_transaction():
            if not _claim_key(alert.key, case):
                return  # the event is claimed: another notify process alerted it
            won = [(key, person) for key, person in claims if _claim_key(key, case)]
            people = [person for _, person in won if person is not None]
            reachable = [p for p in people if p.email]
            unreachable = [p for p in people if not p.email]
            to = (
                ", ".join(
                    [f"{p.login} <{p.email}>" for p in reachable]
                    + [f"{p.login} (no email on file)" for p in unreachable]
                )
                or "nobody (no console user matches the rule)"
            )
            summary = f"{alert.summary} -> {to}"
            record_key = won[0][0] if won else alert.key  # unique: just claimed here
            Notification.insert(
                key=record_key[:255],
                kind=alert.kind,
                case=case,
                rule_id=rule_ids[0],
                rules=",".join(map(str, rule_ids)),
                recipients=to,
                summary=summary,
                created_at=self.ctx.clock.now(),
                created_by=self.ctx.actor,
            ).execute()
            base = {
                **composer.case_values(case),
                **alert.values,
                "rule": "; ".join(rule_words(rule) for rule in alert.rules),
            }
            for person in reachable:
                queue_plain_mail(
                    self.ctx,
                    alert.kind,
                    {**base, "recipient_name": person.name},
                    [person.email or ""],
                    composer,
                    case=case,
                )
            self.ctx.audit(
                "notify.alert",
                "case",
                case.ref,
                None,
                {"key": record_key, "to": to, "rules": rule_ids, "claims": [k for k, _ in won]},
            )
        report.raised.append(
            {
                "kind": alert.kind,
                "case": case.ref,
                "to": to,
                "emailed_to": [p.email for p in reachable],
                "not_emailed": [p.login for p in unreachable],
                "summary": summary,
            }
        )

    # -- notices to clients ---------------------------------------------------------------------

    def _client_notices(
        self, book: PolicyBook, composer: Composer, now: datetime, report: RoundReport
    ) -> None:
        notices = composer.notices
        remind = notices.remind_after_business_days
        resolve_after = notices.auto_resolve_after_business_days
        if remind or resolve_after:
            for case in _cases(
                (Case.status == Status.WAITING_CLIENT.value) & Case.paused_since.is_null(False)
            ):
                self._waiting_case(case, book, composer, now, report)
        if notices.reopen_days:
            cutoff = now - timedelta(days=notices.reopen_days)
            for case in _cases(
                (Case.status == Status.RESOLVED.value) & (Case.resolved_at <= cutoff)
            ):
                self._close_after_window(case, book, composer, now, report)

    def _waiting_case(
        self,
        case: Case,
        book: PolicyBook,
        composer: Composer,
        now: datetime,
        report: RoundReport,
    ) -> None:
        notices = composer.notices
        calendar = book.by_id(case.policy_id).calendar
        zone = calendar.zone
        since = case.paused_since
        remind = notices.remind_after_business_days or 0
        stamp = int(epoch_of(since))
        waited_days = int(calendar.business_seconds_between(since, now) // BUSINESS_DAY_SECONDS)
        resolve_after = notices.auto_resolve_after_business_days
        resolve_at = (
            calendar.add_business_seconds(since, (remind + resolve_after) * BUSINESS_DAY_SECONDS)
            if resolve_after
            else None
        )
        values = {
            "need": _waiting_need(case),
            "waiting_since": instant_in_words(since, zone),
            "business_days": business_days_in_words(max(waited_days, remind)),
            "auto_resolve_hint": (
                f"If we do not hear from you by {instant_in_words(resolve_at, zone)}, we will "
                "mark the case resolved; a reply reopens it."
                if resolve_at
                else "The case stays on hold until you answer."
            ),
        }
        if resolve_at is not None and now >= resolve_at:
            claim = _Claim(
                f"auto_resolve:{case.id}:{stamp}",
                "auto_resolve",
                case,
                f"{case.ref} resolved: no answer from the client for {values['business_days']}",
                case.contact.email or "",
            )
            self._once(
                claim,
                calendar.is_open(now),
                report,
                lambda: self._auto_resolve(case, book, composer, values, claim),
            )
            return
        if remind and now >= calendar.add_business_seconds(since, remind * BUSINESS_DAY_SECONDS):
            claim = _Claim(
                f"reminder:{case.id}:{stamp}",
                "reminder",
                case,
                f"{case.ref} reminder to the client: waiting since {values['waiting_since']}",
                case.contact.email or "",
            )
            self._once(
                claim,
                calendar.is_open(now),
                report,
                lambda: self._remind(case, composer, values, claim),
            )

    def _once(
        self, claim: _Claim, open_now: bool, report: RoundReport, action: Callable[[], Delivery]
    ) -> None:
        """Claim and act in one transaction (a stale case is left for the next round)."""
        if claim.key in _already([claim.key]):
            return
        if not open_now:
            report.waiting_for_hours += 1
            return
        try:
            with write_transaction():
                if not _claim(self.ctx, claim):
                    return
                delivery = action()
        except Conflict:
            return  # an agent changed the case meanwhile: look again next round
        report.raised.append(
            {
                "kind": claim.kind,
                "case": claim.case.ref,
                "to": claim.recipients,
                "emailed_to": list(delivery.recipients) if delivery.queued else [],
                "not_emailed": []
                if delivery.queued
                else [claim.recipients or claim.case.contact.name],
                "summary": f"{claim.summary} ({delivery.text})",
            }
        )

    def _remind(
        self, case: Case, composer: Composer, values: dict[str, str], claim: _Claim
    ) -> Delivery:
        fresh = _unchanged(case)
        save_case(self.ctx, fresh, {})  # a new version: consoles show the reminder
        event = add_event(
            self.ctx,
            fresh,
            "reminder",
            f"Reminder to the client: waiting on them since {values['waiting_since']}.",
            public=True,
        )
        delivery = queue_case_mail(
            self.ctx, fresh, "reminder", values, event=event, composer=composer
        )
        self.ctx.audit("case.remind", "case", case.ref, None, {"email": delivery.text})
        return delivery

    def _auto_resolve(
        self,
        case: Case,
        book: PolicyBook,
        composer: Composer,
        values: dict[str, str],
        claim: _Claim,
    ) -> Delivery:
        fresh = _unchanged(case)
        note = f"Resolved automatically: no answer from the client for {values['business_days']}."
        delivery = resolve_case(
            self.ctx,
            fresh,
            note,
            None,
            book,
            composer,
            template="auto_resolved",
            extra={k: v for k, v in values.items() if k != "need"},
            audit_action="case.auto_resolve",
        )
        return delivery

    def _close_after_window(
        self,
        case: Case,
        book: PolicyBook,
        composer: Composer,
        now: datetime,
        report: RoundReport,
    ) -> None:
        calendar = book.by_id(case.policy_id).calendar
        days = composer.notices.reopen_days
        claim = _Claim(
            f"auto_close:{case.id}:{int(epoch_of(case.resolved_at))}",
            "auto_close",
            case,
            f"{case.ref} closed: resolved {days} days ago with no reply",
            case.contact.email or "",
        )

        def close() -> Delivery:
            fresh = _unchanged(case)
            note = f"Closed automatically: no reply within {days} days of the resolution."
            return close_case(self.ctx, fresh, note)

        self._once(claim, calendar.is_open(now), report, close)


def _unchanged(case: Case) -> Case:
    """The case re-read inside the claiming transaction; Conflict if an agent changed it since
    the round read it (the round leaves it for the next one)."""
    fresh: Case = locked_for_writing(Case.select().where(Case.id == case.id)).get()
    if fresh.version != case.version:
        raise Conflict(f"{case.ref} changed meanwhile")
    return fresh


def _event_of(timer: TimerStatus) -> str | None:
    if timer.state is TimerState.BREACHED:
        return "breached"
    if timer.state is TimerState.AT_RISK:
        return "at_risk"
    return None


def _waiting_need(case: Case) -> str:
    """What the agent said we need when the case started waiting, else the last reply."""
    status = (
        CaseEvent.select(CaseEvent.body)
        .where(
            (CaseEvent.case == case)
            & (CaseEvent.kind == "status")
            & (CaseEvent.at >= case.paused_since)
        )
        .order_by(CaseEvent.at, CaseEvent.id)
        .first()
    )
    if status is not None and str(status.body).strip():
        return str(status.body).strip()
    return what_we_need(case)


def alert_recipients_without_email() -> list[str]:
    """Supervisors with no email on file (``notify`` warns at start: their alerts reach no one)."""
    return [
        u.login
        for u in User.select().where(
            (User.role == "supervisor") & User.active & User.email.is_null()
        )
    ]
