"""Fixtures for the email channel: a message builder, the attachment store and outbox in the
test's own folder, and an importer over raw bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from tests.mail.smtp_server import SmtpServer
from wzdesk.mail.sources import RawMessage
from wzdesk.services.context import ServiceContext
from wzdesk.services.mail_intake import Filed, ImportSummary, import_messages

MAIL_VARIABLES = [
    "WZDESK_ATTACHMENTS",
    "WZDESK_OUTBOX",
    "WZDESK_ATTACHMENT_MAX_BYTES",
    "WZDESK_MAIL_MAX_BYTES",
    "WZDESK_MAIL_SEVERITY",
    "WZDESK_MAIL_CATEGORY",
    "WZDESK_MAIL_FROM",
    "WZDESK_SMTP_HOST",
    "WZDESK_SMTP_PORT",
    "WZDESK_SMTP_STARTTLS",
    "WZDESK_SMTP_USER",
    "WZDESK_SMTP_PASSWORD",
]


@pytest.fixture(autouse=True)
def mail_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Attachments and the outbox under the test's folder; no SMTP unless a test sets it."""
    for name in MAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WZDESK_ATTACHMENTS", str(tmp_path / "attachments"))
    monkeypatch.setenv("WZDESK_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("WZDESK_MAIL_FROM", "Acme Support <support@vendor.example>")
    return tmp_path


def eml(
    *,
    sender: str | None = "Ana Diaz <ana@acme.example>",
    subject: str | None = "Payroll export fails",
    body: str = "The payroll export stops at 80%.",
    message_id: str | None = None,
    date: str | None = "Mon, 09 Mar 2026 09:30:00 -0400",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    received: str | None = None,
) -> bytes:
    """A simple text/plain message as a client's mail program writes it; ``received``: the
    date our mail server stamped on it (a ``Received:`` header; none by default)."""
    lines = []
    if received is not None:
        lines.append(f"Received: from mail.client.example by mx.vendor.example; {received}")
    if sender is not None:
        lines.append(f"From: {sender}")
    lines.append("To: support@vendor.example")
    if subject is not None:
        lines.append(f"Subject: {subject}")
    if date is not None:
        lines.append(f"Date: {date}")
    if message_id is not None:
        lines.append(f"Message-ID: <{message_id}>")
    if in_reply_to is not None:
        lines.append(f"In-Reply-To: <{in_reply_to}>")
    if references is not None:
        lines.append(f"References: {references}")
    lines.extend(f"{name}: {value}" for name, value in headers)
    lines += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"', ""]
    return ("\r\n".join(lines) + "\r\n" + body + "\r\n").encode("utf-8")


Importer = Callable[..., ImportSummary]


@pytest.fixture
def import_raw(supervisor: ServiceContext) -> Callable[..., tuple[ImportSummary, list[Filed]]]:
    """Import raw messages as the supervisor; returns the summary and where each one went."""

    def run(
        *messages: bytes, ctx: ServiceContext | None = None, **options: object
    ) -> tuple[ImportSummary, list[Filed]]:
        filed: list[Filed] = []
        summary = import_messages(
            ctx or supervisor,
            [RawMessage(m, f"test#{i}") for i, m in enumerate(messages, start=1)],
            on_filed=lambda raw, result: filed.append(result),
            **options,  # type: ignore[arg-type]
        )
        return summary, filed

    return run


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback; the environment points wzdesk at it."""
    server = SmtpServer()
    server.controller.start()
    monkeypatch.setenv("WZDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WZDESK_SMTP_PORT", str(server.port))
    try:
        yield server
    finally:
        server.controller.stop()
