"""One raw email in, what the desk needs out: sender, subject, threading headers, arrival time,
readable body and attachments.

Built on the stdlib ``email`` package: the modern ``EmailMessage`` API (``get_body`` picks
text/plain over HTML in a multipart/alternative, attachments, RFC 2231 file names, charsets,
quoted-printable and base64), with the headers decoded here (RFC 2047 encoded words, raw 8-bit
bytes as UTF-8 or Windows-1252). Why not ``policy.default`` for the headers: it re-parses a
structured header on every access (Content-Type alone is read a dozen times per message), which
costs ~2 ms a message and would cap an import near 450 messages/s; the lenient ``compat32``
header handling with explicit decoding costs a tenth of that, and it is the more forgiving of
the two on broken input.

Client mail is often broken, so :func:`parse_message` never raises: what it cannot make sense of
it reports as ``problem`` (the message then goes to the quarantine), and what it repaired as
``defects``. Every string it returns is clean Unicode (no lone surrogates from 8-bit headers, no
NUL or other control characters: a subject cannot retitle or clear an agent's terminal), safe
for any database.
"""

from __future__ import annotations

import email.policy
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import cast

from wzdesk.core.text import clean
from wzdesk.mail.html_text import html_to_text

#: A Message-ID longer than this is keyed by its hash (it must fit an indexed column).
MAX_KEY_LENGTH = 250
#: Forwarded messages inside forwarded messages: render this many levels, attach the rest.
MAX_FORWARD_DEPTH = 4
MAX_MIME_DEPTH = 40
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
_SIMPLE_ADDRESS = re.compile(
    r'^\s*(?:([^<>@",;()\\]*?)\s*<([^@\s<>,;"()\\]+@[^@\s<>,;"()\\]+)>'
    r'|([^@\s<>,;"()\\]+@[^@\s<>,;"()\\]+))\s*$'
)
_FILENAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
#: A MIME type as RFC 2045 spells one (type/subtype of token characters; the library has
#: lower-cased it): anything else came from a damaged header.
_MIME_TYPE = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+/[a-z0-9!#$%&'*+.^_`|~-]+")
_EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)
_PARSER = BytesParser(_class=EmailMessage, policy=email.policy.compat32)


@dataclass(frozen=True)
class ParsedAttachment:
    """A file that came with the message (or a forwarded message, as ``.eml``)."""

    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedMessage:
    """What :func:`parse_message` read. ``problem`` set means: not usable as mail."""

    key: str  # the Message-ID, or "sha256:<hex>" when it has none (or an absurd one)
    raw_size: int
    #: A message without a Message-ID, as keyed before the key was its content: the hash of
    #: its raw bytes (one per mailbox it was delivered to). Found under it, it was filed.
    old_key: str | None = None
    #: What the message says, hashed (see :func:`content_digest`): tells a duplicate from
    #: another message that reuses its Message-ID.
    content_sha256: str = ""
    message_id: str | None = None
    from_address: str | None = None
    from_name: str = ""
    subject: str = ""
    date: datetime | None = None  # the Date header (the sender's claim: not when it arrived)
    arrived: datetime | None = None  # the newest Received header
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    body: str = ""
    body_type: str = "none"  # text/plain, text/html or none
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    problem: str | None = None
    #: Why this looks like an auto-reply or a bounce (it must not reopen cases), else None.
    automatic: str | None = None

    def received_at(self, now: datetime) -> datetime:
        """When the message reached us: the receiving server's stamp (the newest Received
        header), else ``now`` (the import); never after ``now``. Not ``Date:``: that is the
        sender's own claim (their clock, or when they began a draft), and an SLA clock started
        from it can be breached on arrival or promise the client a response in the past."""
        return min(self.arrived or now, now)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first: In-Reply-To, then References backwards."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids.extend(reversed(self.references))
        return list(dict.fromkeys(ids))


# -- text hygiene ------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Unicode a database accepts and a terminal cannot be driven by: 8-bit bytes smuggled as
    surrogates decoded (UTF-8, else Windows-1252), other lone surrogates replaced, control
    characters and escape sequences removed (newlines and tabs kept)."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            try:
                data = text.encode("utf-8", "surrogateescape")
                text = decode_bytes(data, None)
            except UnicodeEncodeError:
                text = text.encode("utf-8", "replace").decode("utf-8")
    return clean(text, multiline=True)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset that may be wrong, unknown or missing."""
    if charset:
        try:
            return data.decode(charset)
        except Exception:  # unknown codec, a non-text codec, or wrongly declared
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return data.decode(charset, "replace")
        except Exception:
            pass
    return data.decode("cp1252", "replace")


def safe_filename(name: str, fallback: str) -> str:
    """A file name without directories or control characters, at most 200 characters."""
    name = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _FILENAME_UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) <= 9 else name[:200]
    return name


# -- headers -----------------------------------------------------------------------------------


def decode_header_text(value: str) -> str:
    """A header's text: 8-bit bytes decoded (UTF-8, else Windows-1252), RFC 2047 encoded words
    decoded in their charsets (a wrong or unknown one falls back the same way), unfolded."""
    text = clean_text(value)
    if "=?" in text:
        try:
            parts = decode_header(text)
        except Exception:
            parts = [(text, None)]
        text = "".join(
            decode_bytes(part, charset) if isinstance(part, bytes) else part
            for part, charset in parts
        )
        text = clean_text(text)
    return " ".join(clean(text).split())


def _index(msg: Message) -> dict[str, list[str]]:
    """Every header by lower-case name, in order (read once per message part)."""
    index: dict[str, list[str]] = getattr(msg, "_wz_headers", None) or {}
    if not index:
        for key, value in msg.raw_items():
            index.setdefault(key.lower(), []).append(str(value))
        msg._wz_headers = index  # type: ignore[attr-defined]
    return index


def _header(msg: Message, name: str) -> str | None:
    """The first ``name`` header, decoded; ``None`` if there is none."""
    values = _index(msg).get(name.lower())
    return decode_header_text(values[0]) if values else None


def _all_headers(msg: Message, name: str) -> list[str]:
    return [clean_text(value) for value in _index(msg).get(name.lower(), ())]


def _unfold(text: str) -> str:
    return " ".join(text.split())


def _ids(text: str | None) -> list[str]:
    if not text:
        return []
    found = _MSG_ID.findall(text)
    if not found and text.strip() and len(text.split()) == 1:
        found = [text.strip().strip("<>")]
    return [clean_text(i) for i in found if i]


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(address, display name) pairs of an address header, best effort."""
    raw = _all_headers(msg, name)
    if not raw:
        return []
    simple = _SIMPLE_ADDRESS.match(raw[0]) if len(raw) == 1 else None
    if simple:  # the usual "Name <address>" or a bare address: no need for the full parser
        display, address = simple.group(1) or "", simple.group(2) or simple.group(3)
        return [(address.lower(), decode_header_text(display).strip('" '))]
    try:
        pairs = getaddresses(raw)
    except Exception:
        pairs = [parseaddr(raw[0])]
    if not any(_ADDRESS.match(address.strip()) for _, address in pairs):
        pairs = [parseaddr(raw[0])]  # what a lenient reader makes of it
    return [
        (address.strip().lower(), decode_header_text(display).strip('" '))
        for display, address in pairs
        if _ADDRESS.match(address.strip())
    ]


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text.strip())
    except Exception:
        return None
    if value is None:
        return None
    if value.tzinfo is None:  # "-0000": the zone is unknown; UTC is the honest reading
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return value if value >= _EARLIEST else None


def _arrival(msg: Message) -> datetime | None:
    """The date our server stamped: the newest (topmost) Received header that has one."""
    for text in _all_headers(msg, "Received"):
        if ";" in text:
            instant = _instant(text.rsplit(";", 1)[1])
            if instant is not None:
                return instant
    return None


def _automatic(msg: Message, sender: str | None) -> str | None:
    """RFC 3834 auto-replies, bulk mail and bounces: they must not reopen or open cases."""
    auto = (_header(msg, "Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto[:40]}"
    precedence = (_header(msg, "Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "auto_reply", "list"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if _header(msg, name) is not None:
            return f"{name} header"
    local = (sender or "").split("@", 1)[0]
    if local in ("mailer-daemon", "postmaster") or msg.get_content_type() == "multipart/report":
        return "a delivery status notification (bounce)"
    return None


# -- bodies and attachments --------------------------------------------------------------------


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _part_text(part: Message) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return clean_text(decode_bytes(_payload_bytes(part), charset))


def _render(part: Message) -> str:
    text = _part_text(part)
    if part.get_content_type() == "text/html":
        return clean(html_to_text(text), multiline=True)  # &#27; is an escape character too
    return text.strip()


def _is_attachment(part: Message) -> bool:
    try:
        disposition = part.get_content_disposition()
        filename = part.get_filename()
    except Exception:
        return True
    return disposition == "attachment" or bool(filename)


def _leaves(
    part: Message, depth: int = 0, alternative: bool = False
) -> Iterator[tuple[Message, bool]]:
    """Every leaf part (a forwarded message counts as a leaf), with whether it is one of the
    renderings of a multipart/alternative."""
    if depth > MAX_MIME_DEPTH:
        return
    if part.get_content_maintype() == "message" and isinstance(part.get_payload(), list):
        yield part, alternative
        return
    if part.is_multipart():
        inner = alternative or part.get_content_subtype() == "alternative"
        for sub in part.get_payload():
            if isinstance(sub, Message):
                yield from _leaves(sub, depth + 1, inner)
        return
    yield part, alternative


def _filename(part: Message, number: int) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name:
        name = decode_header_text(str(name))  # Outlook sends RFC 2047 words in file names
    content_type = part.get_content_type()
    extension = mimetypes.guess_extension(content_type) or ".bin"
    return safe_filename(name or "", f"attachment-{number}{extension}")


def _forwarded(part: Message, depth: int, into: ParsedMessage) -> None:
    """A message/rfc822 part: attach it as .eml and, not too deep, quote its text."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return
    try:
        data = inner.as_bytes()
    except Exception:
        try:
            data = inner.as_string().encode("utf-8", "surrogateescape")
        except Exception:
            data = b""
            into.defects.append("a forwarded message could not be re-encoded")
    subject = _unfold(_header(inner, "Subject") or "").replace("/", "_").replace("\\", "_")
    number = len(into.attachments) + 1
    name = safe_filename(f"{subject[:80]}.eml" if subject else "", f"forwarded-{number}.eml")
    into.attachments.append(ParsedAttachment(name, "message/rfc822", data))
    if depth >= MAX_FORWARD_DEPTH:
        return
    quoted = ParsedMessage(key="", raw_size=len(data))
    _read_content(inner, quoted, depth + 1)
    into.attachments.extend(quoted.attachments)
    into.defects.extend(quoted.defects)
    intro = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject", "To"):
        value = _header(inner, name)
        if value:
            intro.append(f"{name}: {_unfold(value)}")
    into.body = (into.body + "\n\n" + "\n".join(intro) + "\n\n" + quoted.body).strip()


def _content_type(part: Message, otherwise: str) -> str:
    """The part's MIME type, or ``otherwise`` when its header is damaged: the library keeps
    ``text/\\x00`` (a NUL in a stored text, which PostgreSQL refuses), where RFC 2045 reads a
    type it cannot parse as the default."""
    found = part.get_content_type()
    return found[:127] if _MIME_TYPE.fullmatch(found) else otherwise


def _read_content(msg: Message, into: ParsedMessage, depth: int = 0) -> None:
    """Fill body, body_type and attachments from ``msg``'s MIME tree."""
    body: Message | None
    try:
        # Parts are EmailMessage objects (see _PARSER); the annotation says Message because
        # the helpers also take the parts an EmailMessage hands out.
        body = cast(EmailMessage, msg).get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is None and not msg.is_multipart() and msg.get_content_maintype() in ("text", ""):
        body = msg
    if body is not None:
        into.body = _render(body)
        into.body_type = _content_type(body, "text/plain")
    elif msg.get_content_maintype() == "multipart" and not msg.is_multipart():
        # A multipart without its boundary: show what is there rather than nothing.
        body = msg
        into.body = _part_text(msg).replace("\r\n", "\n").strip()
        into.body_type = "text/plain"
        into.defects.append("broken MIME structure (no boundary): shown as raw text")
    extra_text: list[str] = []
    for part, alternative in _leaves(msg):
        if part is body:
            continue
        if part.get_content_maintype() == "message" and isinstance(part.get_payload(), list):
            _forwarded(part, depth, into)
            continue
        if part.get_content_maintype() == "text" and not _is_attachment(part):
            if not alternative:  # an alternative rendering repeats the body
                text = _render(part)
                if text:
                    extra_text.append(text)
            continue
        if part.is_multipart():
            continue
        data = _payload_bytes(part)
        name = _filename(part, len(into.attachments) + 1)
        content_type = _content_type(part, "application/octet-stream")
        into.attachments.append(ParsedAttachment(name, content_type, data))
    if extra_text:
        into.body = "\n\n".join([into.body, *extra_text]).strip()
        if into.body_type == "none":
            into.body_type = "text/plain"


# -- the entry point ---------------------------------------------------------------------------


#: The headers that say what a message is; the ones that say how it travelled (Received,
#: Delivered-To, Return-Path, X-…) differ between two copies of one message and are left out.
_CONTENT_HEADERS = frozenset(
    [b"from", b"sender", b"to", b"cc", b"subject", b"date", b"message-id", b"in-reply-to",
     b"references", b"content-type", b"content-transfer-encoding", b"mime-version"]
)  # fmt: skip
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def content_digest(raw: bytes) -> str:
    """SHA-256 of what a message says: its addressing, subject, date, ids and body, with line
    endings and trailing blank lines normalised. Two copies of one message (delivered to two
    mailboxes, exported as mbox and as .eml) hash alike; another message reusing its
    Message-ID does not."""
    match = _HEADER_END.search(raw)
    head, body = (raw[: match.start()], raw[match.end() :]) if match else (raw, b"")
    fields: list[tuple[bytes, bytes]] = []
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + b" " + line.strip())
        elif b":" in line:
            name, _, value = line.partition(b":")
            fields.append((name.strip().lower(), value.strip()))
    digest = hashlib.sha256()
    for name, value in fields:
        if name in _CONTENT_HEADERS:
            digest.update(name + b":" + b" ".join(value.split()) + b"\n")
    digest.update(b"\n")
    digest.update(body.replace(b"\r\n", b"\n").rstrip())
    return digest.hexdigest()


def message_key(message_id: str | None, raw: bytes, content: str | None = None) -> str:
    """The idempotency key: the Message-ID when usable, else a hash: of ``content`` (what the
    message says, :func:`content_digest`) when given, so that the copies delivered to two
    mailboxes, whose ``Received`` and ``Delivered-To`` differ, are one message; else of the
    raw bytes (something that is not mail: no headers to tell its content by)."""
    if message_id and len(message_id) <= MAX_KEY_LENGTH:
        return message_id
    if message_id:
        return "sha256:" + hashlib.sha256(message_id.encode("utf-8")).hexdigest()
    if content:
        return "sha256:" + content
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_headers_only(raw: bytes) -> ParsedMessage:
    """Sender, subject and threading headers without decoding the body (for huge messages)."""
    return parse_message(raw, headers_only=True)


def parse_message(raw: bytes, *, headers_only: bool = False) -> ParsedMessage:
    """Read ``raw``. Never raises; ``problem`` says why a message is not usable."""
    digest = content_digest(raw)
    try:
        result = _parse(raw, headers_only, digest)
    except Exception as error:  # a stdlib parser bug on hostile input: quarantine, go on
        result = ParsedMessage(key=message_key(None, raw), raw_size=len(raw))
        result.problem = f"unparseable: {type(error).__name__}: {clean_text(str(error))[:200]}"
        result.body = clean_text(decode_bytes(raw[:1_000_000], None))
    result.content_sha256 = digest
    return result


def _parse(raw: bytes, headers_only: bool, digest: str) -> ParsedMessage:
    if not raw.strip():
        return ParsedMessage(key=message_key(None, raw), raw_size=len(raw), problem="empty message")
    if headers_only:
        header_end = raw.find(b"\n\n")
        crlf_end = raw.find(b"\r\n\r\n")
        ends = [e for e in (header_end, crlf_end) if e >= 0]
        head = raw[: min(ends) + 2] if ends else raw[:65536]
        msg = _PARSER.parsebytes(head)
    else:
        msg = _PARSER.parsebytes(raw)
    message_ids = _ids(_header(msg, "Message-ID"))
    message_id = message_ids[0] if message_ids else None
    result = ParsedMessage(key=message_key(message_id, raw), raw_size=len(raw))
    result.message_id = message_id
    if not list(msg.keys()):
        result.problem = "unparseable: no header fields (not an email message)"
        result.body = clean_text(decode_bytes(raw[:1_000_000], None))
        return result
    senders = _addresses(msg, "From") or _addresses(msg, "Sender")
    if senders:
        result.from_address, result.from_name = senders[0]
        result.from_name = result.from_name[:200]
    result.subject = _unfold(_header(msg, "Subject") or "")
    result.date = _instant(_header(msg, "Date"))
    if message_id is None and (result.from_address or result.subject or result.date):
        result.old_key = result.key  # what it was keyed by before (see old_key)
        result.key = message_key(None, raw, digest)
    result.arrived = _arrival(msg)
    in_reply_to = _ids(_header(msg, "In-Reply-To"))
    result.in_reply_to = in_reply_to[0] if in_reply_to else None
    result.references = tuple(_ids(_header(msg, "References"))[-50:])
    result.automatic = _automatic(msg, result.from_address)
    if headers_only:
        return result
    _read_content(msg, result)
    for defect in getattr(msg, "defects", [])[:5]:
        result.defects.append(clean_text(type(defect).__name__))
    return result
