"""The email channel's settings, from the environment (command-line flags override some).

| variable | meaning | default |
|---|---|---|
| ``WZDESK_ATTACHMENTS`` | attachment store folder | ``attachments/`` beside the SQLite file |
| ``WZDESK_ATTACHMENT_MAX_BYTES`` | largest attachment filed without an agent | 10M |
| ``WZDESK_MAIL_MAX_BYTES`` | largest message filed without an agent | 25M |
| ``WZDESK_MAIL_SEVERITY`` | severity of a case opened by email | moderate |
| ``WZDESK_MAIL_CATEGORY`` | category of a case opened by email | question |
| ``WZDESK_MAIL_FROM`` | the support address replies are sent from | support@wzdesk.invalid |
| ``WZDESK_OUTBOX`` | Maildir replies go to without SMTP | ``outbox/`` beside the SQLite file |
| ``WZDESK_SMTP_HOST`` | SMTP server; set it to send by SMTP | (unset: write the outbox Maildir) |
| ``WZDESK_SMTP_PORT`` | its port | 587 with STARTTLS, else 25 (465: TLS from the start) |
| ``WZDESK_SMTP_STARTTLS`` | 1/true/yes/on: upgrade with STARTTLS (0/false/no/off: not) | no |
| ``WZDESK_SMTP_USER`` / ``WZDESK_SMTP_PASSWORD`` | credentials (AUTH) | none |
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from wzdesk.core.errors import InvalidInput
from wzdesk.core.paths import typed_path
from wzdesk.core.text import clean, is_number

MiB = 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * MiB
DEFAULT_MAX_MESSAGE_BYTES = 25 * MiB
DEFAULT_MAIL_FROM = "support@wzdesk.invalid"
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": MiB, "g": 1024 * MiB}


def parse_size(text: str, field: str) -> int:
    """``10485760``, ``512K``, ``10M``, ``1G`` (binary units) as a byte count."""
    match = _SIZE.match(text or "")
    if not match:
        raise InvalidInput(
            f"expected a size such as 10M, 512K or 1048576, got {text!r}", field=field
        )
    unit = (match.group(2) or "").lower()[:1]
    return int(match.group(1)) * _UNITS[unit]


def _mail_from(text: str) -> str:
    """The support address replies come from: one line, short enough for every column and
    for the Message-IDs made in its domain."""
    value = clean(text).strip()
    if not value or len(value) > 200 or "@" not in value:
        raise InvalidInput(
            f"expected an address like 'Acme Support <support@vendor.example>' (at most 200 "
            f"characters), got {text[:60]!r}",
            field="WZDESK_MAIL_FROM",
        )
    return value


def _flag(text: str | None, name: str) -> bool:
    """A yes/no variable; anything else is refused naming it. ``WZDESK_SMTP_STARTTLS=enabled``
    read as no, and the password then went to the server unencrypted."""
    value = (text or "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise InvalidInput(f"expected yes or no (1/0, true/false, on/off), got {text!r}", field=name)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server."""

    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class MailSettings:
    """Everything the import and the outbox need to know."""

    attachments_dir: Path
    outbox_maildir: Path
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    default_severity: str = "moderate"
    default_category: str = "question"
    mail_from: str = DEFAULT_MAIL_FROM
    smtp: SmtpSettings | None = None


def settings_from_environment(
    base_dir: Path, environ: Mapping[str, str] | None = None
) -> MailSettings:
    """Read the ``WZDESK_*`` mail variables; folders default to ``base_dir``."""
    env = os.environ if environ is None else environ
    smtp = None
    host = (env.get("WZDESK_SMTP_HOST") or "").strip()
    if host:
        starttls = _flag(env.get("WZDESK_SMTP_STARTTLS"), "WZDESK_SMTP_STARTTLS")
        port_text = (env.get("WZDESK_SMTP_PORT") or "").strip()
        if port_text and not (is_number(port_text) and 0 < int(port_text) < 65536):
            raise InvalidInput(
                f"expected a port number, got {port_text!r}", field="WZDESK_SMTP_PORT"
            )
        port = int(port_text) if port_text else (587 if starttls else 25)
        smtp = SmtpSettings(
            host,
            port,
            starttls,
            env.get("WZDESK_SMTP_USER") or None,
            env.get("WZDESK_SMTP_PASSWORD") or None,
        )
    attachments = env.get("WZDESK_ATTACHMENTS")
    outbox = env.get("WZDESK_OUTBOX")
    return MailSettings(
        attachments_dir=(
            typed_path(attachments, "WZDESK_ATTACHMENTS")
            if attachments
            else base_dir / "attachments"
        ),
        outbox_maildir=typed_path(outbox, "WZDESK_OUTBOX") if outbox else base_dir / "outbox",
        max_attachment_bytes=parse_size(
            env.get("WZDESK_ATTACHMENT_MAX_BYTES") or str(DEFAULT_MAX_ATTACHMENT_BYTES),
            "WZDESK_ATTACHMENT_MAX_BYTES",
        ),
        max_message_bytes=parse_size(
            env.get("WZDESK_MAIL_MAX_BYTES") or str(DEFAULT_MAX_MESSAGE_BYTES),
            "WZDESK_MAIL_MAX_BYTES",
        ),
        default_severity=(env.get("WZDESK_MAIL_SEVERITY") or "moderate").strip().lower(),
        default_category=(env.get("WZDESK_MAIL_CATEGORY") or "question").strip().lower(),
        mail_from=_mail_from(env.get("WZDESK_MAIL_FROM") or DEFAULT_MAIL_FROM),
        smtp=smtp,
    )
