"""Policy updates by email: the policy promises clients they can "sign up for our email
notification service". Contacts subscribe and unsubscribe; a supervisor sends a notice of a
new policy version, with what changed, to every subscriber, recorded so that no one gets the
same version twice (sending again reaches only those who subscribed since).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.core.wording import instant_in_words
from wzdesk.services.calendar import policy_versions
from wzdesk.services.client_mail import Composer, queue_plain_mail
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import Contact, Notification, PolicySubscriber, PolicyVersion

KIND = "policy_update"


def _address(email: str) -> str:
    address = (email or "").strip().lower()
    if "@" not in address or " " in address or len(address) > 254:
        raise InvalidInput(f"expected an email address, got {email!r}", field="EMAIL")
    return address


def subscribe(ctx: ServiceContext, email: str) -> PolicySubscriber:
    """Sign a contact up for policy update notices (again, if they had left)."""
    ctx.require(Action.MANAGE_CLIENTS)
    address = _address(email)
    with write_transaction():
        contact = Contact.select().where((Contact.email == address) & Contact.active).first()
        if contact is None:
            raise NotFound(
                f"no contact with email {address}; policy updates are for clients' contacts "
                "(add them with 'wzdesk contact add' first)",
                field="EMAIL",
            )
        row = PolicySubscriber.get_or_none(PolicySubscriber.email == address)
        now = ctx.clock.now()
        if row is None:
            row = PolicySubscriber.create(
                email=address, contact=contact, subscribed_at=now, updated_by=ctx.actor
            )
            ctx.audit("policy.subscribe", "policy_subscriber", address, None, {"email": address})
        elif row.unsubscribed_at is not None:
            PolicySubscriber.update(
                subscribed_at=now, unsubscribed_at=None, contact=contact, updated_by=ctx.actor
            ).where(PolicySubscriber.id == row.id).execute()
            ctx.audit(
                "policy.subscribe",
                "policy_subscriber",
                address,
                {"unsubscribed_at": row.unsubscribed_at},
                {"email": address},
            )
    return PolicySubscriber.get(PolicySubscriber.email == address)


def unsubscribe(ctx: ServiceContext, email: str) -> PolicySubscriber:
    """Stop sending policy update notices to ``email`` (kept on record as unsubscribed)."""
    ctx.require(Action.MANAGE_CLIENTS)
    address = _address(email)
    with write_transaction():
        row = PolicySubscriber.get_or_none(PolicySubscriber.email == address)
        if row is None:
            raise NotFound(f"{address} is not subscribed to policy updates", field="EMAIL")
        if row.unsubscribed_at is None:
            now = ctx.clock.now()
            PolicySubscriber.update(unsubscribed_at=now, updated_by=ctx.actor).where(
                PolicySubscriber.id == row.id
            ).execute()
            ctx.audit(
                "policy.unsubscribe", "policy_subscriber", address, None, {"unsubscribed_at": now}
            )
    return PolicySubscriber.get(PolicySubscriber.email == address)


def list_subscribers(include_left: bool = False) -> list[PolicySubscriber]:
    query = PolicySubscriber.select().order_by(PolicySubscriber.email)
    if not include_left:
        query = query.where(PolicySubscriber.unsubscribed_at.is_null())
    return list(query)


def _hours(version: dict[str, Any]) -> str:
    return ", ".join(f"{day} {span}" for day, span in version["hours"].items()) or "closed"


def describe_changes(version: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    """What ``version`` changes from ``previous`` (policy_versions() shapes), one line each."""
    if previous is None:
        lines = [f"Support hours: {_hours(version)} ({version['zone']})."]
        for severity, target in version["targets"].items():
            lines.append(
                f"{severity.capitalize()}: response within {target['response_hours']:g} "
                f"business hours, resolution within {target['resolution_hours']:g}."
            )
        return lines
    lines = []
    if version["zone"] != previous["zone"]:
        lines.append(f"Support time zone: {previous['zone']} -> {version['zone']}.")
    if version["hours"] != previous["hours"]:
        lines.append(f"Support hours: {_hours(previous)} -> {_hours(version)}.")
    if version["at_risk_ratio"] != previous["at_risk_ratio"]:
        lines.append(
            f"Cases are flagged at risk at {version['at_risk_ratio']:.0%} of a target "
            f"(was {previous['at_risk_ratio']:.0%})."
        )
    for severity, target in version["targets"].items():
        old = previous["targets"].get(severity)
        if old is None:
            continue
        for timer in ("response", "resolution"):
            new_hours, old_hours = target[f"{timer}_hours"], old[f"{timer}_hours"]
            new_days, old_days = target.get(f"{timer}_days"), old.get(f"{timer}_days")
            if new_days != old_days:
                before = f"{old_days} open day(s)" if old_days else f"{old_hours:g} business hours"
                after = f"{new_days} open day(s)" if new_days else f"{new_hours:g} business hours"
                lines.append(
                    f"{severity.capitalize()} {timer} target: {before} -> {after} (an open "
                    "day: due the same time of day, or at the next opening if closed then)."
                )
            elif new_hours != old_hours and not new_days:
                lines.append(
                    f"{severity.capitalize()} {timer} target: {old_hours:g} -> {new_hours:g} "
                    "business hours."
                )
        if target["around_the_clock"] != old["around_the_clock"]:
            clock = "around the clock" if target["around_the_clock"] else "in business hours"
            lines.append(f"{severity.capitalize()} targets now count {clock}.")
    if version["note"]:
        lines.append(f"Note: {version['note']}")
    return lines or ["No change to the targets or hours."]


def unsubscribe_line(email: str, desk: dict[str, str]) -> str:
    """The line every policy notice ends with: why it came, and how to stop it."""
    return (
        f"You receive this because {email} subscribed to notices of support policy updates. "
        f"To unsubscribe, write to {desk['support_email']} or call {desk['support_phone']} and "
        "ask to be taken off the list."
    )


@dataclass
class PolicyNoticeReport:
    """Who a version's notice was queued for, and who already had it."""

    version: int
    queued: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "queued": self.queued, "already_notified": self.already}


def notify_policy(
    ctx: ServiceContext, version_id: int, composer: Composer | None = None
) -> PolicyNoticeReport:
    """Queue the notice of policy version ``version_id`` to every subscriber who has not had it.

    Each subscriber's notice is recorded (a ``notification`` row keyed by version and address)
    in the transaction that queues it: run twice, or by two supervisors at once, no one gets it
    twice.
    """
    ctx.require(Action.MANAGE_CALENDAR)
    versions = policy_versions()
    index = next((i for i, v in enumerate(versions) if v["id"] == version_id), None)
    if index is None:
        raise NotFound(f"no policy version {version_id}", field="VERSION")
    version = versions[index]
    previous = versions[index - 1] if index > 0 else None
    composer = composer or Composer.load()
    stored = PolicyVersion.get_by_id(version_id)
    effective: datetime = stored.effective_from
    changes = "\n".join(f"- {line}" for line in describe_changes(version, previous))
    desk = composer.desk_values(effective)
    report = PolicyNoticeReport(version_id)
    for subscriber in list_subscribers():
        key = f"{KIND}:{version_id}:{subscriber.email}"
        values = {
            **desk,
            "version": str(version_id),
            "effective": instant_in_words(effective, ZoneInfo(version["zone"])),
            "changes": changes,
            "email": subscriber.email,
            "unsubscribe": unsubscribe_line(subscriber.email, desk),
        }
        with write_transaction():
            claimed = (
                Notification.insert(
                    key=key,
                    kind=KIND,
                    recipients=subscriber.email,
                    summary=f"policy version {version_id} notice to {subscriber.email}",
                    created_at=ctx.clock.now(),
                    created_by=ctx.actor,
                )
                .on_conflict_ignore()
                .as_rowcount()
                .execute()
            )
            if not claimed:
                report.already.append(subscriber.email)
                continue
            queue_plain_mail(ctx, KIND, values, [subscriber.email], composer, audience="subscriber")
            ctx.audit("policy.notify", "policy_version", version_id, None, {"to": subscriber.email})
        report.queued.append(subscriber.email)
    return report
