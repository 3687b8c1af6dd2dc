"""A corpus of nasty client email, built here byte by byte (nothing downloaded).

Each entry says what the import must do with it when ACME's admins are Ana (primary) and Raj
(backup) and Bob is a contact but not an admin: ``imported`` (a new case), ``duplicate``, or
``quarantined`` with a reason code.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

ANA = b"From: Ana Diaz <ana@acme.example>\r\n"
TO = b"To: support@vendor.example\r\n"
DATE = b"Date: Mon, 09 Mar 2026 09:30:00 -0400\r\n"
#: Attachments larger than this are "oversized" in the corpus test (set as the import's limit).
ATTACHMENT_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Nasty:
    name: str
    raw: bytes
    outcome: str  # imported | quarantined | duplicate
    reason_code: str | None = None


def _msg(*header_lines: bytes, body: bytes) -> bytes:
    return b"".join(header_lines) + b"\r\n" + body


def no_date() -> bytes:
    return _msg(
        ANA, TO, b"Subject: No date on this one\r\n", b"Message-ID: <no-date@acme.example>\r\n",
        body=b"Our mail gateway strips the Date header.\r\n",
    )  # fmt: skip


def no_from() -> bytes:
    return _msg(
        TO, DATE, b"Subject: Who am I\r\n", b"Message-ID: <no-from@acme.example>\r\n",
        body=b"A message without a sender.\r\n",
    )  # fmt: skip


def broken_mime() -> bytes:
    """Declares multipart/mixed with a boundary that never appears, then a missing end."""
    return _msg(
        ANA, TO, DATE, b"Subject: Broken MIME\r\n", b"Message-ID: <broken-mime@acme.example>\r\n",
        b"MIME-Version: 1.0\r\n", b'Content-Type: multipart/mixed; boundary="NEVER-SEEN"\r\n',
        body=b"--WRONG-BOUNDARY\r\nContent-Type: text/plain\r\n\r\nThe report is attached.\r\n",
    )  # fmt: skip


def no_boundary() -> bytes:
    return _msg(
        ANA, TO, DATE, b"Subject: No boundary at all\r\n",
        b"Message-ID: <no-boundary@acme.example>\r\n", b"MIME-Version: 1.0\r\n",
        b"Content-Type: multipart/alternative\r\n",
        body=b"Plain words in a multipart without a boundary.\r\n",
    )  # fmt: skip


def eight_bit_headers() -> bytes:
    """Raw Latin-1 bytes in headers (no RFC 2047), as old mail programs send."""
    return _msg(
        b"From: Ana D\xedaz <ana@acme.example>\r\n", TO, DATE,
        b"Subject: Caf\xe9 cr\xe8me order fails\r\n", b"Message-ID: <eight-bit@acme.example>\r\n",
        b"Content-Type: text/plain\r\n",
        body=b"Na\xefve body in Latin-1 without a charset.\r\n",
    )  # fmt: skip


def utf8_raw_headers() -> bytes:
    return _msg(
        ANA, TO, DATE, "Subject: Ошибка экспорта — 导出失败\r\n".encode(),
        b"Message-ID: <utf8-headers@acme.example>\r\n",
        b"Content-Type: text/plain; charset=utf-8\r\n",
        body="Тело письма.\r\n".encode(),
    )  # fmt: skip


def huge_attachment() -> bytes:
    data = base64.encodebytes(b"\x00\x01" * (ATTACHMENT_LIMIT * 2))
    return _msg(
        ANA, TO, DATE, b"Subject: Full database dump\r\n", b"Message-ID: <huge@acme.example>\r\n",
        b"MIME-Version: 1.0\r\n", b'Content-Type: multipart/mixed; boundary="b1"\r\n',
        body=b"--b1\r\nContent-Type: text/plain\r\n\r\nDump attached.\r\n"
        b'--b1\r\nContent-Type: application/octet-stream; name="dump.bin"\r\n'
        b"Content-Disposition: attachment; filename=\"dump.bin\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + data + b"--b1--\r\n",
    )  # fmt: skip


def nested_forwards() -> bytes:
    innermost = _msg(
        b"From: Vendor Bot <bot@other.example>\r\n", b"To: raj@acme.example\r\n",
        b"Subject: Error 500 on /export\r\n", b"Date: Fri, 06 Mar 2026 08:00:00 -0500\r\n",
        body=b"Stack trace: ExportError at line 42\r\n",
    )  # fmt: skip
    middle = _msg(
        b"From: Raj Patel <raj@acme.example>\r\n", b"To: ana@acme.example\r\n",
        b"Subject: Fwd: Error 500 on /export\r\n", b"MIME-Version: 1.0\r\n",
        b'Content-Type: multipart/mixed; boundary="m2"\r\n',
        body=b"--m2\r\nContent-Type: text/plain\r\n\r\nAna, see below.\r\n"
        b"--m2\r\nContent-Type: message/rfc822\r\n\r\n" + innermost + b"\r\n--m2--\r\n",
    )  # fmt: skip
    return _msg(
        ANA, TO, DATE, b"Subject: Fwd: Fwd: Error 500 on /export\r\n",
        b"Message-ID: <nested-forward@acme.example>\r\n", b"MIME-Version: 1.0\r\n",
        b'Content-Type: multipart/mixed; boundary="m1"\r\n',
        body=b"--m1\r\nContent-Type: text/plain\r\n\r\nForwarding what Raj got.\r\n"
        b"--m1\r\nContent-Type: message/rfc822\r\n\r\n" + middle + b"\r\n--m1--\r\n",
    )  # fmt: skip


def html_only() -> bytes:
    html = (
        b"<html><head><style>p{color:red}</style><title>x</title></head><body>"
        b"<p>The <b>export</b> fails&nbsp;again.</p><ul><li>Step one</li><li>Step two</li></ul>"
        b'<script>alert("no")</script><p>See <a href="https://acme.example/log">the log</a></p>'
        b"</body></html>"
    )
    return _msg(
        ANA, TO, DATE, b"Subject: HTML only\r\n", b"Message-ID: <html-only@acme.example>\r\n",
        b"MIME-Version: 1.0\r\n", b"Content-Type: text/html; charset=utf-8\r\n",
        body=html + b"\r\n",
    )  # fmt: skip


def alternative() -> bytes:
    return _msg(
        ANA, TO, DATE, b"Subject: Both kinds\r\n", b"Message-ID: <alternative@acme.example>\r\n",
        b"MIME-Version: 1.0\r\n", b'Content-Type: multipart/alternative; boundary="alt"\r\n',
        body=b"--alt\r\nContent-Type: text/html\r\n\r\n<p>HTML version</p>\r\n"
        b"--alt\r\nContent-Type: text/plain\r\n\r\nPlain version\r\n--alt--\r\n",
    )  # fmt: skip


def mixed_charsets() -> bytes:
    return _msg(
        ANA, TO, DATE,
        b"Subject: =?iso-8859-1?q?R=E9sum=E9?= =?koi8-r?b?8NLJ18XU?= =?utf-8?b?5LiW55WM?=\r\n",
        b"Message-ID: <mixed-charsets@acme.example>\r\n", b"MIME-Version: 1.0\r\n",
        b'Content-Type: multipart/mixed; boundary="mc"\r\n',
        body=b"--mc\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nCh=E8re =E9quipe,\r\n"
        b"--mc\r\nContent-Type: text/plain; charset=koi8-r\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4\r\n"
        b"--mc\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
        b"unknown charset \xe9\r\n--mc--\r\n",
    )  # fmt: skip


def rfc2231_attachment() -> bytes:
    return _msg(
        ANA, TO, DATE, b"Subject: Screenshot\r\n", b"Message-ID: <rfc2231@acme.example>\r\n",
        b"MIME-Version: 1.0\r\n", b'Content-Type: multipart/mixed; boundary="a"\r\n',
        body=b"--a\r\nContent-Type: text/plain\r\n\r\nScreenshot attached.\r\n"
        b"--a\r\nContent-Type: image/png\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''%C3%A9cran%20d%27erreur.png\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
        b"--a\r\nContent-Type: application/pdf; name=\"../../etc/passwd\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nnot base64 at all!!\r\n--a--\r\n",
    )  # fmt: skip


def duplicate_id_first() -> bytes:
    return _msg(
        ANA, TO, DATE, b"Subject: Same ID, first\r\n", b"Message-ID: <same-id@acme.example>\r\n",
        body=b"First body.\r\n",
    )  # fmt: skip


def duplicate_id_second() -> bytes:
    return _msg(
        ANA, TO, DATE, b"Subject: Same ID, different body\r\n",
        b"Message-ID: <same-id@acme.example>\r\n",
        body=b"Second body: a mail system resent it with changes.\r\n",
    )  # fmt: skip


def no_message_id() -> bytes:
    return _msg(ANA, TO, DATE, b"Subject: No Message-ID\r\n", body=b"Keyed by a hash.\r\n")


def garbage() -> bytes:
    return bytes(range(256)) * 4


def empty() -> bytes:
    return b"\r\n\r\n"


def unknown_sender() -> bytes:
    return _msg(
        b"From: Mallory <mallory@elsewhere.example>\r\n", TO, DATE, b"Subject: Buy now\r\n",
        b"Message-ID: <unknown@elsewhere.example>\r\n", body=b"Hello.\r\n",
    )  # fmt: skip


def not_admin() -> bytes:
    return _msg(
        b"From: Bob Smith <bob@acme.example>\r\n", TO, DATE, b"Subject: Please fix\r\n",
        b"Message-ID: <bob@acme.example>\r\n", body=b"I am not an admin.\r\n",
    )  # fmt: skip


def auto_reply() -> bytes:
    return _msg(
        ANA, TO, DATE, b"Subject: Out of office\r\n", b"Auto-Submitted: auto-replied\r\n",
        b"Message-ID: <ooo@acme.example>\r\n", body=b"I am away until Monday.\r\n",
    )  # fmt: skip


def header_only() -> bytes:
    return ANA + b"Subject: no body, no blank line\r\nMessage-ID: <header-only@acme.example>"


def long_lines() -> bytes:
    return _msg(
        ANA, TO, DATE, b"Subject: " + b"x" * 2000 + b"\r\n",
        b"Message-ID: <long-lines@acme.example>\r\n", body=b"y" * 200_000 + b"\r\n",
    )  # fmt: skip


CORPUS: list[Nasty] = [
    Nasty("no date", no_date(), "imported"),
    Nasty("no from", no_from(), "quarantined", "no_sender"),
    Nasty("broken MIME", broken_mime(), "imported"),
    Nasty("multipart without boundary", no_boundary(), "imported"),
    Nasty("8-bit headers", eight_bit_headers(), "imported"),
    Nasty("raw UTF-8 headers", utf8_raw_headers(), "imported"),
    Nasty("huge attachment", huge_attachment(), "quarantined", "oversized"),
    Nasty("nested forwards", nested_forwards(), "imported"),
    Nasty("HTML only", html_only(), "imported"),
    Nasty("multipart/alternative", alternative(), "imported"),
    Nasty("mixed charsets", mixed_charsets(), "imported"),
    Nasty("RFC 2231 file name, bad base64", rfc2231_attachment(), "imported"),
    Nasty("duplicate Message-ID (first)", duplicate_id_first(), "imported"),
    # Another message reusing the first one's Message-ID: not a duplicate, held with the reason.
    Nasty("reused Message-ID, other content", duplicate_id_second(), "quarantined", "reused_id"),
    Nasty("duplicate Message-ID (first, again)", duplicate_id_first(), "duplicate"),
    Nasty("missing Message-ID", no_message_id(), "imported"),
    Nasty("missing Message-ID, again", no_message_id(), "duplicate"),
    Nasty("binary garbage", garbage(), "quarantined", "unparseable"),
    Nasty("empty", empty(), "quarantined", "unparseable"),
    Nasty("unknown sender", unknown_sender(), "quarantined", "unknown_sender"),
    Nasty("not a client admin", not_admin(), "quarantined", "not_admin"),
    Nasty("auto-reply", auto_reply(), "quarantined", "automatic"),
    Nasty("headers only", header_only(), "imported"),
    Nasty("absurdly long subject and body", long_lines(), "imported"),
]
