"""Message templates: plain text with named placeholders. Data, not code.

``{ref}`` is replaced by the value named ``ref``; ``{{`` and ``}}`` are literal braces. Nothing
else is interpreted: there are no expressions, attribute lookups, filters, loops or includes, so
a template a supervisor writes cannot run code or read a file. A placeholder the message does not
know is refused when the template is saved (:func:`check`), never left blank in a client's inbox.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping

from wzdesk.core.errors import InvalidInput
from wzdesk.core.values import Value

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


class _Piece(Value):
    """A run of literal text, or a placeholder (``name`` set). A :class:`Value`: ``template
    show`` lists a text's placeholders on the quick path, without :mod:`dataclasses`."""

    _fields = ("text", "name")
    text: str
    name: str | None

    def __init__(self, text: str, name: str | None = None) -> None:
        self._set(text=text, name=name)


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _pieces(text: str, field: str) -> Iterator[_Piece]:
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            yield _Piece(text[position : match.start()])
        token = match.group(0)
        position = match.end()
        if token in ("{{", "}}"):
            yield _Piece(token[0])
            continue
        inner = match.group(1)
        if inner is None:
            raise InvalidInput(
                f"a lone {token!r} at {_where(text, match.start())}; write {token * 2!r} for a "
                "brace, or {name} for a placeholder",
                field=field,
            )
        name = inner.strip()
        if not _NAME.match(name):
            raise InvalidInput(
                f"{{{inner}}} at {_where(text, match.start())} is not a placeholder: a "
                "placeholder is a lower-case name such as {ref}, nothing more",
                field=field,
            )
        yield _Piece("", name)
    if position < len(text):
        yield _Piece(text[position:])


def placeholders(text: str, field: str = "template") -> list[str]:
    """The placeholder names ``text`` uses, in order of first use (syntax errors raise)."""
    return list(dict.fromkeys(p.name for p in _pieces(text, field) if p.name))


def check(
    text: str,
    allowed: Collection[str],
    field: str = "template",
    required: Collection[str] = (),
) -> list[str]:
    """Refuse a template that uses a placeholder outside ``allowed`` or lacks one of
    ``required``; return the names it uses."""
    used = placeholders(text, field)
    unknown = [name for name in used if name not in allowed]
    if unknown:
        listed = ", ".join("{" + name + "}" for name in unknown)
        known = ", ".join("{" + name + "}" for name in sorted(allowed))
        raise InvalidInput(f"unknown placeholder {listed}; this message knows {known}", field=field)
    missing = [name for name in required if name not in used]
    if missing:
        listed = ", ".join("{" + name + "}" for name in missing)
        raise InvalidInput(f"must keep {listed}", field=field)
    return used


def render(text: str, values: Mapping[str, str], field: str = "template") -> str:
    """``text`` with every placeholder replaced; a name without a value is an error."""
    out: list[str] = []
    for piece in _pieces(text, field):
        if piece.name is None:
            out.append(piece.text)
            continue
        if piece.name not in values:
            raise InvalidInput(f"no value for {{{piece.name}}}", field=field)
        out.append(values[piece.name])
    return "".join(out)
