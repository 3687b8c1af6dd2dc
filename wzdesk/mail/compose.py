"""Outgoing mail: a reply to the client, with the case reference in the subject and the
threading headers (Message-ID, In-Reply-To, References) that bring the client's answer back to
the same case."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr

_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
MAX_SUBJECT = 200
_WIRE = compat32.clone(linesep="\r\n")


def address_of(mailbox: str) -> str:
    """``support@example.com`` from ``Support <support@example.com>``."""
    return parseaddr(mailbox)[1] or mailbox.strip()


def new_message_id(ref: str, sender: str) -> str:
    """A fresh Message-ID (without angle brackets) in the support address's domain."""
    domain = address_of(sender).rpartition("@")[2] or "wzdesk.invalid"
    return f"{ref.lower()}.{secrets.token_hex(10)}@{domain}"


def reply_subject(ref: str, summary: str, client_subject: str | None) -> str:
    """``Re: <client's subject> [WZ-1042]``; ``[WZ-1042] <summary>`` if the client never wrote."""
    tag = f"[{ref}]"
    if client_subject:
        base = client_subject.replace(tag, " ")
        base = re.sub(rf"\b{re.escape(ref)}\b", " ", base, flags=re.IGNORECASE)
        base = " ".join(_REPLY_PREFIX.sub("", base).split())
        text = f"Re: {base} {tag}" if base else f"Re: {tag} {summary}"
    else:
        text = f"{tag} {summary}"
    text = " ".join(text.split())
    return text if len(text) <= MAX_SUBJECT else text[: MAX_SUBJECT - 1] + "…"


def _header(text: str) -> str:
    """A header value as it may go on the wire: ASCII as it is, anything else RFC 2047 (a
    ``Header``, which the classic message classes fold and encode themselves)."""
    return text if text.isascii() else Header(text, "utf-8")  # type: ignore[return-value]


def _mailbox(text: str) -> str:
    """``Name <address>`` with a non-ASCII display name encoded (RFC 2047)."""
    name, address = parseaddr(text)
    if not name or name.isascii():
        return text
    return formataddr((name, address), charset="utf-8")


def compose_message(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    body: str,
    message_id: str,
    date: datetime,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    ref: str | None = None,
    auto_submitted: str | None = None,
) -> bytes:
    """The message as it goes on the wire (CRLF line ends, MIME-encoded as needed).

    ``auto_submitted``: ``auto-generated`` or ``auto-replied`` for a message no person wrote
    (RFC 3834), so that the client's out-of-office does not answer it.

    Built with the classic (``compat32``) message classes: the modern ``EmailMessage`` parses
    every header it is given, five times slower, and the mail import acknowledges every case
    it opens.
    """
    # Quoted-printable keeps the message 7-bit: any SMTP server takes it, and it stores as text.
    charset = Charset("utf-8")
    charset.body_encoding = QP
    plain = body.isascii() and all(len(line) <= 998 for line in body.splitlines())
    # (typeshed says str; the standard library takes a Charset too, and documents it)
    message = MIMEText(body, "plain", "us-ascii" if plain else charset)  # type: ignore[arg-type]
    message["From"] = _mailbox(sender)
    message["To"] = ", ".join(_mailbox(a) for a in to)
    message["Subject"] = _header(subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = " ".join(f"<{r}>" for r in references)
    if ref:
        message["X-WZDesk-Case"] = ref
    if auto_submitted:
        message["Auto-Submitted"] = auto_submitted
    return message.as_bytes(policy=_WIRE)
