"""Text hygiene at the edges: what may enter the database, and what may reach a terminal.

Text from clients (email subjects, names, bodies) and from scripts may carry terminal control
sequences: ``ESC ]0;…`` retitles an agent's window, ``ESC [2J`` clears it. On the way in,
:func:`clean` removes C0 and C1 control characters (and whole escape sequences, so no
``[2J`` residue is left), keeping newline and tab only in multi-line text. On the way out,
:func:`escape_controls` makes whatever is left visible (``\\x1b``) instead of letting the
terminal obey it, for text written before this rule existed.

The same checks make both backends agree: NUL is stored by SQLite but refused by PostgreSQL,
and lengths are refused here, by the service, before either backend sees them.
"""

from __future__ import annotations

import re

from wzdesk.core.errors import InvalidInput

#: A whole escape sequence: CSI (``ESC [`` … final byte), OSC/DCS/APC/PM/SOS strings up to
#: BEL or ST, and two-character escapes; their 8-bit C1 forms (``\x9b`` CSI, ``\x9d`` OSC …).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,512}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
#: The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): not
#: control characters, but they reorder what follows on a terminal that honours them, so that
#: a subject "invoice \u202egnp.exe" reads "invoice exe.png" (right-to-left text needs none
#: of them: its letters carry their direction).
_BIDI = "\u202a-\u202e\u2066-\u2069"
#: Every C0 control, DEL, every C1 control, and the bidirectional controls.
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")
#: The same, minus newline and tab (which belong in multi-line text).
_CONTROL_BUT_LAYOUT = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")


def clean(text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters or escape sequences.

    Single-line text also loses newlines and tabs (each becomes a space). Multi-line text keeps
    them, with ``\\r\\n`` and a lone ``\\r`` read as a newline.
    """
    if multiline:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not _CONTROL_BUT_LAYOUT.search(text):
            return text
        return _CONTROL_BUT_LAYOUT.sub("", _SEQUENCE.sub("", text))
    if text.isprintable() or not _CONTROL.search(text):  # every control is unprintable;
        return text  # isprintable is the cheaper test (the queue cleans 300,000 texts a load)
    text = _SEQUENCE.sub("", text)
    return _CONTROL.sub("", re.sub(r"[\t\n\r]+", " ", text))


#: A lone surrogate: no UTF-8 spells it, so neither database stores it (a JSON ``"\ud800"``
#: or a command-line argument that is not UTF-8 gave a UnicodeEncodeError at the insert).
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What shows nothing on its own: format characters (zero-width space and joiners, the BOM,
#: the word joiner), separators and controls.
_INVISIBLE = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


def check_encodable(value: str, field: str) -> str:
    """``value``, or an ``InvalidInput`` naming ``field`` when it holds a lone surrogate."""
    found = _SURROGATE.search(value)
    if found is not None:
        raise InvalidInput(
            f"is not valid text (a lone surrogate, \\u{ord(found.group()):04x}, at position "
            f"{found.start()})",
            field=field,
        )
    return value


def has_visible(text: str) -> bool:
    """Whether ``text`` shows anything: a value of zero-width spaces, joiners or a BOM alone
    is as empty as one of spaces."""
    if text.isascii():
        return bool(text.strip())
    from unicodedata import category  # only for text that needs it

    return any(not char.isspace() and category(char) not in _INVISIBLE for char in text)


def check_text(
    value: str | None,
    field: str,
    limit: int,
    *,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Clean, trimmed text of at most ``limit`` characters, or an ``InvalidInput`` naming
    ``field``. The one check every service applies to text it stores. Text that shows nothing
    (:func:`has_visible`) is empty; a lone surrogate is refused (:func:`check_encodable`)."""
    text = check_encodable(clean(value or "", multiline=multiline).strip(), field)
    if text and not has_visible(text):
        text = ""
    if required and not text:
        raise InvalidInput("must not be empty", field=field)
    if len(text) > limit:
        raise InvalidInput(f"at most {limit} characters (got {len(text)})", field=field)
    return text


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` safe to write to a terminal: every control character except newline and tab
    shown as a ``\\xNN`` escape (carriage return too: it would overwrite the line), and each
    bidirectional control as ``\\u202e``."""
    if not _CONTROL_BUT_LAYOUT.search(text):
        return text
    return _CONTROL_BUT_LAYOUT.sub(_visible, text)


def is_number(text: str) -> bool:
    """Whether ``text`` is a whole number in ASCII digits. ``str.isdigit`` also says yes to
    "¹" and "²", which ``int`` refuses with a ValueError (a crash the fuzzer found), and to
    other scripts' digits, which are no reference, port or count anyone typed on purpose."""
    return text.isascii() and text.isdigit()


def whole_number(text: str) -> int | None:
    """``text`` as a whole number (ASCII digits, a leading minus allowed, at most nine
    digits), else None. The minus is read so that ``-1`` is refused as out of range, as ``0``
    is, not as no number at all (a page number was refused one way or the other)."""
    digits = text[1:] if text.startswith("-") else text
    if not is_number(digits) or len(digits) > 9:
        return None
    return int(text)


def cell_width(text: str) -> int:
    """The terminal cells ``text`` takes: two for a wide (Chinese, Japanese, Korean)
    character, none for a combining mark, one for the rest. Plain tables padded by character
    count put every column after a Japanese name or subject out of line."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width  # only for text that needs it

    return sum(
        0 if combining(char) else 2 if east_asian_width(char) in ("W", "F") else 1 for char in text
    )


def pad_cells(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` terminal cells (see :func:`cell_width`)."""
    return text + " " * (width - cell_width(text))
