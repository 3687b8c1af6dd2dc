"""The parser on well-formed and nasty mail (no database): what an agent will read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.mail.conftest import eml
from tests.mail.corpus import CORPUS
from wzdesk.mail.html_text import html_to_text
from wzdesk.mail.parse import clean_text, parse_message, safe_filename

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def by_name(name: str) -> bytes:
    return next(n.raw for n in CORPUS if n.name == name)


@pytest.mark.parametrize("nasty", CORPUS, ids=lambda n: n.name)
def test_every_nasty_message_parses_to_clean_text(nasty) -> None:  # type: ignore[no-untyped-def]
    parsed = parse_message(nasty.raw)
    for text in (parsed.subject, parsed.body, parsed.from_name, parsed.key):
        text.encode("utf-8")  # no lone surrogates: any database takes it
        assert "\x00" not in text
    assert parsed.key
    assert (parsed.problem is not None) == (nasty.reason_code == "unparseable")


def test_rfc2047_subject_and_display_name() -> None:
    raw = eml(
        sender="=?utf-8?q?Ana_D=C3=ADaz?= <Ana@ACME.example>",
        subject="=?iso-8859-1?q?Caf=E9?= =?utf-8?b?0J/RgNC40LLQtdGC?= ok",
        message_id="abc@acme.example",
    )
    parsed = parse_message(raw)
    assert parsed.from_address == "ana@acme.example"
    assert parsed.from_name == "Ana Díaz"
    assert parsed.subject == "CaféПривет ok"
    assert parsed.message_id == "abc@acme.example" == parsed.key


def test_eight_bit_headers_are_decoded_not_mangled() -> None:
    parsed = parse_message(by_name("8-bit headers"))
    assert parsed.subject == "Café crème order fails"
    assert parsed.from_name == "Ana Díaz"
    assert parsed.body == "Naïve body in Latin-1 without a charset."


def test_alternative_prefers_plain_text() -> None:
    parsed = parse_message(by_name("multipart/alternative"))
    assert parsed.body == "Plain version"
    assert parsed.body_type == "text/plain"
    assert parsed.attachments == []


def test_html_only_is_rendered_to_text() -> None:
    parsed = parse_message(by_name("HTML only"))
    assert parsed.body_type == "text/html"
    assert parsed.body == (
        "The export fails again.\n\n- Step one\n- Step two\n\n"
        "See the log <https://acme.example/log>"
    )


def test_html_renderer_drops_scripts_and_keeps_structure() -> None:
    text = html_to_text(
        "<head><title>t</title><body><h1>Title</h1>line<br>next &amp; more<script>x()</script>"
        "<pre>a  b\n c</pre><table><tr><td>1</td><td>2</td></tr></table>"
    )
    assert text.splitlines()[0] == "Title"
    assert "line\nnext & more" in text
    assert "x()" not in text and "t\n" not in text
    assert "1 2" in text


def test_mixed_charsets_in_parts_and_header() -> None:
    parsed = parse_message(by_name("mixed charsets"))
    assert parsed.subject == "RésuméПривет世界"
    assert parsed.body == "Chère équipe,\n\nПривет\n\nunknown charset é"


def test_broken_mime_shows_what_is_there() -> None:
    for name in ("broken MIME", "multipart without boundary"):
        parsed = parse_message(by_name(name))
        assert parsed.problem is None
        assert parsed.body, name
        assert parsed.attachments == []
        assert parsed.defects


def test_nested_forwards_are_quoted_and_attached() -> None:
    parsed = parse_message(by_name("nested forwards"))
    assert parsed.body.startswith("Forwarding what Raj got.")
    assert "From: Raj Patel <raj@acme.example>" in parsed.body
    assert "Ana, see below." in parsed.body
    assert "Stack trace: ExportError at line 42" in parsed.body
    names = [a.filename for a in parsed.attachments]
    assert names == ["Fwd_ Error 500 on _export.eml", "Error 500 on _export.eml"]
    assert all(a.content_type == "message/rfc822" for a in parsed.attachments)
    assert b"ExportError" in parsed.attachments[1].data


def test_attachment_names_are_decoded_and_made_safe() -> None:
    parsed = parse_message(by_name("RFC 2231 file name, bad base64"))
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("écran d'erreur.png", "image/png"),
        ("passwd", "application/pdf"),  # "../../etc/passwd": no directories
    ]
    assert parsed.attachments[0].data == b"\x89PNG\r\n\x1a\n"
    assert safe_filename("..", "fallback.bin") == "fallback.bin"
    assert safe_filename("a\x00b\\c:d.txt", "x") == "c_d.txt"
    assert len(safe_filename("n" * 500 + ".pdf", "x")) <= 200


def test_missing_message_id_is_keyed_by_content() -> None:
    first, again = (
        parse_message(by_name("missing Message-ID")),
        parse_message(by_name("missing Message-ID")),
    )
    assert first.message_id is None
    assert first.key.startswith("sha256:") and first.key == again.key
    other = parse_message(eml(body="something else"))
    assert other.key != first.key


def test_absurd_message_id_is_hashed_to_fit() -> None:
    parsed = parse_message(eml(message_id="x" * 900 + "@acme.example"))
    assert parsed.key.startswith("sha256:") and len(parsed.key) == 71


def test_arrival_from_received_else_now_never_the_senders_date_nor_the_future() -> None:
    """The SLA clock starts when the message reached us. Date: is the sender's own claim
    (their clock, or when they began a draft): it has no say (finding 8)."""
    received = (
        "Received",
        "from mx.vendor.example by mail.vendor.example; Mon, 9 Mar 2026 10:05:00 -0400",
    )
    with_received = parse_message(eml(headers=[received]))
    assert with_received.received_at(NOW) == datetime(2026, 3, 9, 14, 5, tzinfo=UTC)
    only_date = parse_message(eml())
    assert only_date.date == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)
    assert only_date.received_at(NOW) == NOW
    long_ago = parse_message(eml(date="Mon, 01 Jan 2024 09:00:00 -0500"))
    assert long_ago.received_at(NOW) == NOW
    no_date = parse_message(eml(date=None))
    assert no_date.received_at(NOW) == NOW
    future = parse_message(eml(date="Tue, 01 Jan 2030 10:00:00 +0000"))
    assert future.received_at(NOW) == NOW
    garbage = parse_message(eml(date="yesterday-ish"))
    assert garbage.date is None and garbage.received_at(NOW) == NOW
    unknown_zone = parse_message(eml(date="Mon, 09 Mar 2026 09:30:00 -0000"))
    assert unknown_zone.date == datetime(2026, 3, 9, 9, 30, tzinfo=UTC)


def test_threading_headers_nearest_first() -> None:
    parsed = parse_message(
        eml(in_reply_to="c@x", references="<a@x> <b@x>\r\n <c@x>", message_id="d@x")
    )
    assert parsed.in_reply_to == "c@x"
    assert parsed.references == ("a@x", "b@x", "c@x")
    assert parsed.thread_ids == ["c@x", "b@x", "a@x"]


def test_automatic_mail_is_recognised() -> None:
    assert parse_message(by_name("auto-reply")).automatic == "Auto-Submitted: auto-replied"
    assert parse_message(eml(headers=[("Precedence", "bulk")])).automatic == "Precedence: bulk"
    bounce = parse_message(eml(sender="MAILER-DAEMON@mx.acme.example"))
    assert bounce.automatic and "bounce" in bounce.automatic
    assert parse_message(eml(headers=[("Auto-Submitted", "no")])).automatic is None


def test_headers_only_does_not_read_the_body() -> None:
    parsed = parse_message(by_name("huge attachment"), headers_only=True)
    assert parsed.subject == "Full database dump"
    assert parsed.from_address == "ana@acme.example"
    assert parsed.body == "" and parsed.attachments == []
    assert parsed.key == parse_message(by_name("huge attachment")).key


def test_clean_text() -> None:
    assert clean_text("caf\udce9") == "café"  # surrogate-escaped Latin-1
    assert clean_text("caf\udcc3\udca9") == "café"  # surrogate-escaped UTF-8
    assert clean_text("a\x00b") == "ab"
    assert clean_text("\ud800x") == "?x"


@pytest.mark.parametrize(
    ("content_type", "body_type"),
    [
        (b"text/\x00", "text/plain"),  # found by the fuzzer: a NUL PostgreSQL would refuse
        (b"text/pl\x01ain", "text/plain"),
        (b"text/plain", "text/plain"),
        (b"text/x-log", "text/x-log"),
    ],
)
def test_a_damaged_content_type_reads_as_the_default(content_type: bytes, body_type: str) -> None:
    raw = (
        b"From: ana@acme.example\r\nMessage-ID: <t@acme.example>\r\n"
        b"Content-Type: " + content_type + b"\r\n\r\nHello.\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.body_type == body_type
    assert parsed.body == "Hello."


def test_a_damaged_attachment_type_reads_as_octet_stream() -> None:
    raw = (
        b"From: ana@acme.example\r\nMessage-ID: <a@acme.example>\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
        b"--b\r\nContent-Type: application/\x00pdf\r\n"
        b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\n%PDF\r\n'
        b"--b\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="b.pdf"\r\n\r\n%PDF\r\n--b--\r\n'
    )
    parsed = parse_message(raw)
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("a.pdf", "application/octet-stream"),
        ("b.pdf", "application/pdf"),
    ]
