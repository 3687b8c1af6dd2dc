"""What the desk tells clients on its own, and when: acknowledgments per channel, reminders to
clients who owe us an answer, auto-resolve (off by default), how long a resolved case can be
reopened by replying. Data a supervisor changes (``wzdesk notices set``), kept in ``setting``."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action, Channel
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.notice_rules import SETTING_KEY as SETTING_KEY
from wzdesk.services.notice_rules import NoticeSettings as NoticeSettings
from wzdesk.services.notice_rules import settings_from_stored
from wzdesk.store.models import Setting


class Keep(Enum):
    """Leave a setting as it is (``None`` means off)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def load_notice_settings() -> NoticeSettings:
    """The desk's notice settings (the defaults until a supervisor changes one)."""
    row = Setting.get_or_none(Setting.key == SETTING_KEY)
    return settings_from_stored(None if row is None else row.value)


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
        after = before.replace(**changes)
        Setting.insert(key=SETTING_KEY, value=json.dumps(after.as_dict())).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(after.as_dict())}
        ).execute()
        ctx.audit("notices.change", "setting", SETTING_KEY, before.as_dict(), after.as_dict())
    return after
