"""Delivering a composed message: by SMTP when a server is configured, else into a Maildir
(the outbox folder, for a local mail system or a person to pick up)."""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from wzdesk.mail.config import MailSettings, SmtpSettings


class DeliveryError(Exception):
    """The message was not delivered. ``permanent``: retrying will not help (a 5xx answer)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Sent:
    """A message the transport handed on: ``note`` says where (for the case timeline).

    ``refused``: recipients the server turned away while it took the message for the others
    (address -> its answer). SMTP accepts a message when at least one recipient is accepted,
    so a partial refusal is no exception; it must still be told, not read as delivered."""

    note: str
    refused: Mapping[str, str] = field(default_factory=dict)


class Transport(Protocol):
    """Something that delivers a message or raises :class:`DeliveryError`."""

    name: str

    def send(self, sender: str, recipients: Sequence[str], data: bytes) -> Sent:
        """Deliver ``data``; say where, and who was refused (see :class:`Sent`)."""
        ...


class SmtpTransport:
    """Delivery through an SMTP server (STARTTLS and AUTH when configured; 465 is TLS)."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, sender: str, recipients: Sequence[str], data: bytes) -> Sent:
        s = self.settings
        try:
            if s.port == 465:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            with client:
                client.ehlo()
                if s.starttls:
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
                if s.user:
                    client.login(s.user, s.password or "")
                refused = client.sendmail(sender, list(recipients), data)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            detail = "; ".join(
                f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in error.recipients.items()
            )
            raise DeliveryError(
                f"recipients refused: {detail}", permanent=all(c >= 500 for c in codes)
            ) from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(
                f"{s.host}:{s.port} answered {error.smtp_code} {_text(error.smtp_error)}",
                permanent=error.smtp_code >= 500,
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{s.host}:{s.port}: {error or type(error).__name__}") from None
        answers = {rcpt: f"{code} {_text(msg)}" for rcpt, (code, msg) in sorted(refused.items())}
        return Sent(f"by SMTP via {s.host}:{s.port}", answers)


class MaildirTransport:
    """Delivery into a Maildir folder (created if missing)."""

    name = "maildir"

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, sender: str, recipients: Sequence[str], data: bytes) -> Sent:
        try:
            mailbox.Maildir(self.path, factory=None, create=True).add(data)
        except OSError as error:
            raise DeliveryError(f"cannot write the outbox {self.path}: {error}") from None
        return Sent(f"into the outbox Maildir {self.path}")


def transport_for(settings: MailSettings) -> Transport:
    """SMTP when ``WZDESK_SMTP_HOST`` is set, else the outbox Maildir."""
    if settings.smtp is not None:
        return SmtpTransport(settings.smtp)
    return MaildirTransport(settings.outbox_maildir)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
