"""Case references: ``WZ-1042``, typed any way a person types one."""

from __future__ import annotations

from wzdesk.core.text import clean, is_number

REF_PREFIX = "WZ-"


def ref_text(typed: str) -> str:
    """The reference ``typed`` names (``WZ-1042``, ``wz-1042`` and ``1042`` name the same),
    as stored; a text that is no reference comes back as something no case has."""
    text = clean(typed).strip().upper()[:40]
    return REF_PREFIX + text if is_number(text) else text
