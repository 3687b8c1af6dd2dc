"""Reading a request's body within a limit, for the API's JSON and the portal's forms.

The body is read as a stream and refused as soon as it passes the limit (or at once, when its
``Content-Length`` says it will): nothing larger is ever held in memory, whoever sends it,
signed in or not. (``request.body()`` and ``request.form()`` read it whole first: a chunked
upload of 300 MB took the server from 50 to 539 MB before its 401.)
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Message

from wzdesk.core.text import is_number

#: The API's largest JSON body (a case's text limits are ~100,000 characters; four fields of
#: that fit).
MAX_BODY_BYTES = 1_000_000
#: The portal's largest form: its forms are a case's fields or a message (100,000 characters
#: each at most), so 1 MB is room enough.
MAX_FORM_BYTES = 1_000_000
#: Fields a portal form may have (its largest has eight).
MAX_FORM_FIELDS = 50


class TooLarge(Exception):
    """The body passed ``limit`` bytes (answered 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is larger than {limit:,} bytes")
        self.message = str(self)


class Unreadable(Exception):
    """The form could not be read (too many fields, a file, a broken multipart body): 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read as it arrives, or :class:`TooLarge` once it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if is_number(declared) and int(declared) > limit:
        raise TooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request) -> dict[str, str]:
    """A portal form's text fields, read within :data:`MAX_FORM_BYTES` and
    :data:`MAX_FORM_FIELDS` (:class:`TooLarge`, :class:`Unreadable`); a file is refused."""
    raw = await read_body(request, MAX_FORM_BYTES)

    async def replay() -> Message:
        return {"type": "http.request", "body": raw, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(
            max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_BYTES
        )
    except MultiPartException as error:
        raise Unreadable(error.message) from None
    except HTTPException as error:  # Starlette's answer to the same, inside an app
        raise Unreadable(str(error.detail)) from None
    return {key: value for key, value in form.items() if isinstance(value, str)}
