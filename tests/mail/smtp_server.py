"""A real SMTP server on loopback (aiosmtpd) that records what it accepts and can be told to
refuse, for the outgoing-mail tests."""

from __future__ import annotations

import email
import email.policy
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    """An aiosmtpd handler that keeps what it accepts and can be told to refuse."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.answers: list[str] = []  # answers to give to the next DATA commands, then 250
        self.refuse: set[str] = set()  # recipients answered 550 at RCPT TO

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.answers:
            return self.answers.pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"


class SmtpServer:
    def __init__(self, **smtp_options: object) -> None:
        self.handler = Recorder()
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, **smtp_options
        )

    @property
    def received(self) -> list[tuple[str, list[str], EmailMessage]]:
        return self.handler.received
