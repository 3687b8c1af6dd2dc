"""Composing outgoing mail: 7-bit on the wire with CRLF, any text round-trips."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from wzdesk.mail.compose import compose_message


@pytest.mark.parametrize(
    ("sender", "subject", "body"),
    [
        ("Acme Support <support@vendor.example>", "[WZ-1] plain", "Hello\n"),
        (
            "Café Support <support@vendor.example>",
            "Re: " + "Voilà café résumé " * 8 + "[WZ-1]",
            "é",
        ),
        ("support@vendor.example", "[WZ-1] " + "ascii words " * 20, "x" * 1500 + "\nend\n"),
        ("support@vendor.example", "[WZ-1] 谢谢", "谢谢 — done\n"),
    ],
)
def test_any_text_round_trips_and_the_wire_is_seven_bit(sender, subject, body) -> None:
    raw = compose_message(
        sender=sender,
        to=["ana@acme.example", "Zoë <zoe@acme.example>"],
        subject=subject,
        body=body,
        message_id="wz-1.abc@vendor.example",
        date=datetime(2026, 3, 9, 14, tzinfo=UTC),
        in_reply_to="first@acme.example",
        references=["older@acme.example", "first@acme.example"],
        ref="WZ-1",
    )
    assert raw.isascii()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == subject
    assert message["From"] == sender
    assert message["To"] == "ana@acme.example, Zoë <zoe@acme.example>"
    assert message["In-Reply-To"] == "<first@acme.example>"
    assert message["References"] == "<older@acme.example> <first@acme.example>"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == body.rstrip("\n")
