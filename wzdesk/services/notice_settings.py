"""What the desk tells clients on its own, and when: acknowledgments per channel, reminders to
clients who owe us an answer, auto-resolve (off by default), how long a resolved case can be
reopened by replying. Data a supervisor changes (``wzdesk notices set``), kept in ``setting``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action, Channel
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import Setting

SETTING_KEY = "notices"
#: The policy's phone line (ext. 1 is support).
DEFAULT_SUPPORT_PHONE = "1-800-671-3843, ext. 1"


class Keep(Enum):
    """Leave a setting as it is (``None`` means off)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class NoticeSettings:
    """Client notices. ``None`` turns a timed notice off."""

    #: Send an acknowledgment when a case is opened, per channel.
    acknowledge: dict[str, bool] = field(
        default_factory=lambda: {channel.value: True for channel in Channel}
    )
    #: Remind the client after a case has waited on them this many business days.
    remind_after_business_days: int | None = 3
    #: Resolve a case this many business days after the reminder was due (off by default).
    auto_resolve_after_business_days: int | None = None
    #: A resolved case can be reopened by replying for this many days; then it is closed.
    reopen_days: int | None = 7
    support_phone: str = DEFAULT_SUPPORT_PHONE

    def acknowledges(self, channel: str) -> bool:
        return self.acknowledge.get(channel, True)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_notice_settings() -> NoticeSettings:
    """The desk's notice settings (the defaults until a supervisor changes one)."""
    row = Setting.get_or_none(Setting.key == SETTING_KEY)
    if row is None:
        return NoticeSettings()
    stored = json.loads(row.value)
    defaults = NoticeSettings()
    acknowledge = {**defaults.acknowledge, **stored.get("acknowledge", {})}
    known = {k: v for k, v in stored.items() if k in defaults.as_dict() and k != "acknowledge"}
    return replace(defaults, acknowledge=acknowledge, **known)


def _days(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= 365:
        raise InvalidInput(
            f"expected a number of days from 1 to 365 (or off), got {value}", field=field
        )
    return value


def change_notice_settings(
    ctx: ServiceContext,
    *,
    acknowledge: dict[str, bool] | None = None,
    remind_after: int | None | Keep = KEEP,
    auto_resolve_after: int | None | Keep = KEEP,
    reopen_days: int | None | Keep = KEEP,
    support_phone: str | None = None,
) -> NoticeSettings:
    """Change some settings (:data:`KEEP` leaves one as it is; ``None`` turns it off)."""
    ctx.require(Action.MANAGE_MESSAGES)
    for channel in acknowledge or {}:
        if channel not in {c.value for c in Channel}:
            raise InvalidInput(
                f"expected a channel (portal, email, phone), got {channel!r}", field="--acknowledge"
            )
    if support_phone is not None and not support_phone.strip():
        raise InvalidInput("must not be empty", field="--support-phone")
    with write_transaction():
        before = load_notice_settings()
        changes: dict[str, Any] = {}
        if acknowledge:
            changes["acknowledge"] = {**before.acknowledge, **acknowledge}
        if not isinstance(remind_after, Keep):
            changes["remind_after_business_days"] = _days(remind_after, "--remind-after")
        if not isinstance(auto_resolve_after, Keep):
            changes["auto_resolve_after_business_days"] = _days(
                auto_resolve_after, "--auto-resolve-after"
            )
        if not isinstance(reopen_days, Keep):
            changes["reopen_days"] = _days(reopen_days, "--reopen-days")
        if support_phone is not None:
            changes["support_phone"] = support_phone.strip()[:100]
        after = replace(before, **changes)
        Setting.insert(key=SETTING_KEY, value=json.dumps(after.as_dict())).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(after.as_dict())}
        ).execute()
        ctx.audit("notices.change", "setting", SETTING_KEY, before.as_dict(), after.as_dict())
    return after
