"""Alert rules (which SLA event alerts whom: data a supervisor edits) and the record of alerts
sent, which the console shows beside the ones it raised itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import peewee

from wzdesk.core.bounds import check_limit, is_possible_id
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action, Role
from wzdesk.core.sla import Severity
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.desk_fields import rule_dict as rule_dict
from wzdesk.services.desk_fields import rule_words as rule_words
from wzdesk.services.sent_fields import ALERT_KINDS
from wzdesk.services.sent_fields import alert_dict as alert_dict
from wzdesk.store.models import AlertRule, Case, Notification, User

EVENTS = ("at_risk", "breached", "unassigned")
ASSIGNEE = "assignee"
SUPERVISORS = "supervisors"
DEFAULT_UNASSIGNED_MINUTES = 30


def list_rules(active_only: bool = False) -> list[AlertRule]:
    query = AlertRule.select().order_by(AlertRule.id)
    if active_only:
        query = query.where(AlertRule.active)
    return list(query)


def add_rule(
    ctx: ServiceContext,
    event: str,
    severities: list[str],
    recipients: str,
    minutes: int | None = None,
) -> AlertRule:
    """A new alert rule (supervisors). ``recipients``: ``assignee`` (the owner, else the
    supervisors), ``supervisors``, or console users' logins, comma-separated."""
    ctx.require(Action.MANAGE_MESSAGES)
    event = (event or "").strip().lower()
    if event not in EVENTS:
        raise InvalidInput(f"expected one of {', '.join(EVENTS)}, got {event!r}", field="--event")
    chosen = []
    for text in severities:
        for part in filter(None, (p.strip().lower() for p in text.split(","))):
            if part not in {s.value for s in Severity}:
                choices = ", ".join(s.value for s in Severity)
                raise InvalidInput(f"expected one of {choices}, got {part!r}", field="--severity")
            chosen.append(part)
    if event == "unassigned":
        minutes = DEFAULT_UNASSIGNED_MINUTES if minutes is None else minutes
        if not 1 <= minutes <= 10_000:
            raise InvalidInput("expected minutes from 1 to 10000", field="--minutes")
    elif minutes is not None:
        raise InvalidInput("only goes with --event unassigned", field="--minutes")
    # Each login once: "kim,kim" was stored as it was typed.
    who = ",".join(
        dict.fromkeys(p.strip().lower() for p in (recipients or "").split(",") if p.strip())
    )
    if not who:
        raise InvalidInput("expected assignee, supervisors or logins", field="--to")
    with write_transaction():
        if who not in (ASSIGNEE, SUPERVISORS):
            for login in who.split(","):
                if not User.select().where(User.login == login).exists():
                    raise NotFound(f"no console user {login!r}", field="--to")
        _refuse_a_twin(event, chosen, who, minutes)
        rule = AlertRule.create(
            event=event,
            severities=",".join(dict.fromkeys(chosen)),
            recipients=who,
            minutes=minutes,
            active=True,
            created_at=ctx.clock.now(),
            created_by=ctx.actor,
        )
        ctx.audit("alert_rule.add", "alert_rule", rule.id, None, rule_dict(rule))
    return rule


def _refuse_a_twin(event: str, severities: list[str], who: str, minutes: int | None) -> None:
    """Refuse a rule that an existing one already is: it would alert nobody new (the rules
    matching an event are merged, one alert per person), only clutter the list."""
    wanted = (set(severities), set(who.split(",")), minutes)
    for rule in AlertRule.select().where(AlertRule.event == event):
        same = (set(filter(None, rule.severities.split(","))), set(rule.recipients.split(",")))
        if (*same, rule.minutes) == wanted:
            raise InvalidInput(
                f"rule {rule.id} already alerts {rule.recipients} of that",
                field="--event",
            )


def remove_rule(ctx: ServiceContext, rule_id: int) -> AlertRule:
    """Delete a rule (alerts it already sent stay on record)."""
    ctx.require(Action.MANAGE_MESSAGES)
    with write_transaction():
        rule = AlertRule.get_or_none(AlertRule.id == rule_id) if is_possible_id(rule_id) else None
        if rule is None:
            raise NotFound(f"no alert rule {rule_id}", field="ID")
        AlertRule.delete().where(AlertRule.id == rule_id).execute()
        ctx.audit("alert_rule.remove", "alert_rule", rule_id, rule_dict(rule), None)
    return rule


@dataclass(frozen=True)
class Recipient:
    """A console user an alert is for; ``email`` is None when they have none on file."""

    login: str
    name: str
    email: str | None


class AlertDirectory:
    """The active console users, read once for a notify round: whom the alert rules name."""

    def __init__(self) -> None:
        users = list(User.select().where(User.active).order_by(User.login))
        self._by_id = {int(u.id): u for u in users}
        self._by_login = {str(u.login): u for u in users}
        self._supervisors = [u for u in users if u.role == Role.SUPERVISOR.value]

    def recipients(self, rules: Iterable[AlertRule], case: Case) -> list[Recipient]:
        """Everyone ``rules`` alert about ``case``, each once, by login: for each rule the
        owner (else the supervisors), the supervisors, or the users it names (active ones)."""
        people: dict[str, User] = {}
        for rule in rules:
            for user in self._users_of(rule, case):
                people.setdefault(str(user.login), user)
        return [Recipient(u.login, u.name, u.email) for _, u in sorted(people.items())]

    def _users_of(self, rule: AlertRule, case: Case) -> list[User]:
        if rule.recipients == ASSIGNEE:
            owner = self._by_id.get(case.assignee_id) if case.assignee_id is not None else None
            return [owner] if owner is not None else self._supervisors
        if rule.recipients == SUPERVISORS:
            return self._supervisors
        found = (self._by_login.get(login) for login in rule.recipients.split(","))
        return [user for user in found if user is not None]


def recent_alerts(limit: int = 200) -> list[Notification]:
    """Alerts ``wzdesk notify`` sent, newest first."""
    return list(
        Notification.select(Notification, Case)
        .join(Case, peewee.JOIN.LEFT_OUTER, on=(Notification.case == Case.id))
        .where(Notification.kind.in_(list(ALERT_KINDS)))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(check_limit(limit))
    )
