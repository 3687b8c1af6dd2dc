"""How a portal is set up: its clock, its cookies, whether it sends codes at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from wzdesk.core.clock import Clock, SystemClock


@dataclass(frozen=True)
class PortalConfig:
    """``secure_cookies``: ``True`` always marks cookies ``Secure``, ``False`` never, ``None``
    (default) when the request came over HTTPS (directly, or ``X-Forwarded-Proto: https``
    from the reverse proxy). ``deliver_codes``: after queueing a sign-in code, run an outbox
    pass at once (a code that waits for cron is no use); off in tests that read the outbox.
    ``live_seconds``: how often a case page's script asks for fresh status.
    """

    clock: Clock = field(default_factory=SystemClock)
    secure_cookies: bool | None = None
    deliver_codes: bool = True
    live_seconds: int = 5
