"""Paths people type: ``~`` expanded, and a ``~name`` that names no user is bad input."""

from __future__ import annotations

from pathlib import Path

from wzdesk.core.errors import InvalidInput


def typed_path(text: str, field: str) -> Path:
    """``text`` as a path, ``~`` and ``~user`` expanded.

    ``Path.expanduser`` raises RuntimeError for a user the system does not know (``~0``, a
    slip of the shift key): that is the user's input to fix, said as such, not an internal
    error (the command-line fuzzer found ``macro add x --body-file ~0`` exiting 70).
    """
    try:
        return Path(text).expanduser()
    except RuntimeError:
        home = text.split("/", 1)[0]
        raise InvalidInput(
            f"{home} names no user's home folder on this system", field=field
        ) from None
