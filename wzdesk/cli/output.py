"""Printing results: one JSON document with ``--json``, aligned text otherwise."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO, overload

from wzdesk.core.text import cell_width, escape_controls, pad_cells

#: Characters JSON lets through raw but a terminal may obey (DEL and the C1 controls).
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f]")


class TerminalSafe:
    """A text stream that shows control characters (``\\x1b``) instead of sending them: text
    from clients must never retitle, clear or reprogram an agent's terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def emit_json(value: Any) -> None:
    """Print one JSON object or array (control characters as ``\\u`` escapes)."""
    import json  # only here: the module costs a text-printing script about 2 ms

    text = json.dumps(value, indent=2, ensure_ascii=False)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def emit_fields(values: Mapping[str, Any]) -> None:
    """Print ``name: value`` lines, aligned."""
    width = max((len(k) for k in values), default=0)
    for key, value in values.items():
        print(f"{key.ljust(width)}  {'' if value is None else value}")


def emit_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as an aligned plain-text table (nothing for no rows but a note)."""
    if not rows:
        print("(none)")
        return
    cells = [[("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    widths = [max(len(c), *(cell_width(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(pad_cells(v, w) for v, w in zip(row_cells, widths, strict=True)).rstrip()
        for row_cells in cells
    ]
    # One write for the table: a print per row (two writes, each through the terminal
    # filter) was a fifth of `sla events` over a week of a million cases (41,511 rows).
    sys.stdout.write("\n".join(lines) + "\n")


@overload
def one_more(limit: int, largest: int) -> int: ...
@overload
def one_more(limit: None, largest: int) -> None: ...
@overload
def one_more(limit: int | None, largest: int) -> int | None: ...
def one_more(limit: int | None, largest: int) -> int | None:
    """What to ask a listing for: one row more than ``limit`` (within ``largest``, the most it
    takes) says whether the list is whole, without counting every match."""
    return None if limit is None else min(limit + 1, largest)


def say_if_cut(found: int, limit: int | None, what: str) -> None:
    """On stderr, if ``found`` (asked with :func:`one_more`) is more than ``limit``: rows left
    out are said, not dropped silently, and the table on stdout stays what a script parses."""
    if limit is not None and found > limit:
        print(
            f"wzdesk: the first {limit:,} {what} shown; more match (raise --limit, or narrow "
            "the search)",
            file=sys.stderr,
        )
