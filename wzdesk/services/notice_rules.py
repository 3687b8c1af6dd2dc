"""The notice settings as values: what the desk tells clients on its own, and when (see
:mod:`wzdesk.services.notice_settings` for changing them).

Peewee-free, so that ``wzdesk notices show`` reads them over the quick read-only path
(:mod:`wzdesk.services.quick_reads`, issue 13) from the same stored JSON, through the same
:func:`settings_from_stored`.
"""

from __future__ import annotations

import json
from typing import Any

from wzdesk.core.rules import Channel
from wzdesk.core.values import Value

SETTING_KEY = "notices"
#: The policy's phone line (ext. 1 is support).
DEFAULT_SUPPORT_PHONE = "1-800-671-3843, ext. 1"


class NoticeSettings(Value):
    """Client notices. ``None`` turns a timed notice off. A :class:`Value`, not a dataclass:
    ``notices show`` reads it over the quick path, where importing :mod:`dataclasses` cost
    7.5 ms of CPU, half a ``python -c pass``."""

    _fields = (
        "acknowledge",
        "remind_after_business_days",
        "auto_resolve_after_business_days",
        "reopen_days",
        "support_phone",
    )
    #: Send an acknowledgment when a case is opened, per channel.
    acknowledge: dict[str, bool]
    #: Remind the client after a case has waited on them this many business days.
    remind_after_business_days: int | None
    #: Resolve a case this many business days after the reminder was due (off by default).
    auto_resolve_after_business_days: int | None
    #: A resolved case can be reopened by replying for this many days; then it is closed.
    reopen_days: int | None
    support_phone: str

    def __init__(
        self,
        acknowledge: dict[str, bool] | None = None,
        remind_after_business_days: int | None = 3,
        auto_resolve_after_business_days: int | None = None,
        reopen_days: int | None = 7,
        support_phone: str = DEFAULT_SUPPORT_PHONE,
    ) -> None:
        self._set(
            acknowledge=(
                {channel.value: True for channel in Channel}
                if acknowledge is None
                else dict(acknowledge)
            ),
            remind_after_business_days=remind_after_business_days,
            auto_resolve_after_business_days=auto_resolve_after_business_days,
            reopen_days=reopen_days,
            support_phone=support_phone,
        )

    def acknowledges(self, channel: str) -> bool:
        return self.acknowledge.get(channel, True)

    def as_dict(self) -> dict[str, Any]:
        """Every setting by name (a copy: changing it changes nothing here)."""
        return {
            name: dict(value) if isinstance(value, dict) else value
            for name in self._fields
            for value in (getattr(self, name),)
        }

    def replace(self, **changes: Any) -> NoticeSettings:
        """These settings with ``changes`` (by name)."""
        return NoticeSettings(**{**self.as_dict(), **changes})


def settings_from_stored(value: str | None) -> NoticeSettings:
    """The settings a ``setting`` row's JSON holds (the defaults for what it does not say, and
    for no row at all)."""
    if value is None:
        return NoticeSettings()
    stored = json.loads(value)
    defaults = NoticeSettings()
    acknowledge = {**defaults.acknowledge, **stored.get("acknowledge", {})}
    known = {k: v for k, v in stored.items() if k in defaults.as_dict() and k != "acknowledge"}
    return defaults.replace(acknowledge=acknowledge, **known)
