"""Fuzzing the parser: whatever bytes arrive, it returns a result (never raises), every string in
it is storable Unicode, and a result without a problem has a key and a body that is text."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.mail.corpus import CORPUS
from wzdesk.mail.html_text import html_to_text
from wzdesk.mail.parse import ParsedMessage, parse_message

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER_NAMES = [
    "From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Received",
    "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version",
    "Sender", "Auto-Submitted", "Precedence", "X-Anything",
]  # fmt: skip
CHARSETS = ["utf-8", "iso-8859-1", "koi8-r", "utf-7", "x-bogus", "base64", "rot13", "", "utf-16"]
TYPES = [
    "text/plain", "text/html", "multipart/mixed", "multipart/alternative", "message/rfc822",
    "application/octet-stream", "image/png", "multipart/related", "text/", "/", "garbage",
]  # fmt: skip
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "binary", "x-uuencode", "bogus"]


def check(parsed: ParsedMessage) -> None:
    assert isinstance(parsed, ParsedMessage)
    texts = [parsed.subject, parsed.body, parsed.from_name, parsed.key, parsed.body_type]
    texts += [parsed.from_address or "", parsed.message_id or "", parsed.in_reply_to or ""]
    texts += list(parsed.references) + [a.filename for a in parsed.attachments]
    texts += [a.content_type for a in parsed.attachments]
    for text in texts:
        assert isinstance(text, str)
        text.encode("utf-8")
        assert "\x00" not in text
    assert parsed.key
    for attachment in parsed.attachments:
        assert attachment.filename and "/" not in attachment.filename
        assert isinstance(attachment.data, bytes)


@FUZZ
@given(st.binary(max_size=4000))
def test_any_bytes(raw: bytes) -> None:
    check(parse_message(raw))


header_value = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    st.builds(
        lambda cs, enc, text: f"=?{cs}?{enc}?{text}?=",
        st.sampled_from(CHARSETS),
        st.sampled_from(["q", "b", "Q", "B", "x"]),
        st.text(alphabet="abcXYZ=_+/09?", max_size=20),
    ),
    st.builds(
        lambda kind, cs, bnd: f'{kind}; charset="{cs}"; boundary="{bnd}"',
        st.sampled_from(TYPES),
        st.sampled_from(CHARSETS),
        st.text(alphabet="ab-=", max_size=6),
    ),
    st.sampled_from(ENCODINGS),
)


@st.composite
def mime_part(draw: st.DrawFn, depth: int = 0) -> bytes:
    kind = draw(st.sampled_from(TYPES))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    head = f"Content-Type: {kind}; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n"
    if draw(st.booleans()):
        name = draw(st.text(max_size=20))
        head += f'Content-Disposition: attachment; filename="{name}"\r\n'
    if kind.startswith("multipart") and depth < 3:
        boundary = draw(st.text(alphabet="abc-", min_size=1, max_size=5))
        head = f'Content-Type: {kind}; boundary="{boundary}"\r\n'
        children = draw(st.lists(mime_part(depth + 1), max_size=3))
        body = b"".join(f"--{boundary}\r\n".encode() + child for child in children)
        if draw(st.booleans()):
            body += f"--{boundary}--\r\n".encode()
    elif kind == "message/rfc822" and depth < 3:
        body = draw(mime_part(depth + 1))
    else:
        body = draw(st.binary(max_size=200))
    return head.encode("utf-8", "surrogateescape") + b"\r\n" + body + b"\r\n"


@st.composite
def structured_message(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_value), max_size=12))
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode("utf-8", "surrogateescape") + draw(mime_part())


@FUZZ
@given(structured_message())
def test_structured_nonsense(raw: bytes) -> None:
    check(parse_message(raw))


@FUZZ
@given(
    st.sampled_from([n.raw for n in CORPUS]),
    st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=8)), max_size=6),
    st.integers(0, 10_000),
)
@example(  # found in CI: a NUL where the Content-Type's subtype was ("text/\x00")
    raw=b"From: ana@acme.example\r\nMessage-ID: <e@acme.example>\r\nContent-Type: text/plain"
    b"\r\n\r\nBody.\r\n",
    edits=[(73, b"\x00")],
    cut=74,
)
def test_damaged_real_messages(raw: bytes, edits: list[tuple[int, bytes]], cut: int) -> None:
    data = bytearray(raw)
    for position, junk in edits:
        position %= len(data) + 1
        data[position : position + len(junk)] = junk
    damaged = bytes(data[: max(cut, len(data) // 2)])
    check(parse_message(damaged))
    check(parse_message(damaged, headers_only=True))


@FUZZ
@given(st.text(max_size=500))
def test_html_renderer_never_raises(html: str) -> None:
    assert isinstance(html_to_text(html), str)
