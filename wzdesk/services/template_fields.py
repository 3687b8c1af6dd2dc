"""The message templates as they are now (a supervisor's edit, else the shipped text) and
their JSON shape, from any record with the ``message_template`` columns: a model row, or a row
of the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.desk_fields` is: ``wzdesk template list|show`` read an
up-to-date SQLite file without Peewee (:mod:`wzdesk.services.quick_reads`, issue 13) and build
their answer here, as the ordinary path (:mod:`wzdesk.services.templates`) does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.templates import placeholders
from wzdesk.core.timefmt import format_instant
from wzdesk.core.values import Value
from wzdesk.mail.templates import CATALOG, PLACEHOLDER_HELP, TemplateSpec, specs


class TemplateText(Value):
    """The subject and body a message is written from, and whose they are."""

    _fields = ("spec", "subject", "body", "customised", "updated_by", "updated_at")
    spec: TemplateSpec
    subject: str
    body: str
    customised: bool
    updated_by: str | None
    updated_at: Any

    def __init__(
        self,
        spec: TemplateSpec,
        subject: str,
        body: str,
        customised: bool = False,
        updated_by: str | None = None,
        updated_at: Any = None,
    ) -> None:
        self._set(
            spec=spec,
            subject=subject,
            body=body,
            customised=customised,
            updated_by=updated_by,
            updated_at=updated_at,
        )


def spec_named(name: str) -> TemplateSpec | None:
    """The registered template ``name`` means, however typed, or None."""
    return CATALOG.get(name.strip().lower())


def text_of(spec: TemplateSpec, row: Any | None) -> TemplateText:
    """The text of ``spec`` now: the edit ``row`` holds (its ``message_template`` row), else
    the shipped text."""
    if row is None:
        return TemplateText(spec, spec.subject, spec.body)
    return TemplateText(spec, row.subject, row.body, True, row.updated_by, row.updated_at)


def texts_of(edits: Mapping[str, Any]) -> list[TemplateText]:
    """Every template by name, as it is now; ``edits``: the ``message_template`` rows by name."""
    return [text_of(spec, edits.get(spec.name)) for spec in specs()]


def template_dict(text: TemplateText, zone: ZoneInfo, full: bool = False) -> dict[str, Any]:
    """The JSON shape of a template (``full``: with its texts and placeholders)."""
    spec = text.spec
    result: dict[str, Any] = {
        "name": spec.name,
        "audience": spec.audience,
        "description": spec.description,
        "customised": text.customised,
        "updated_by": text.updated_by,
        "updated_at": format_instant(text.updated_at, zone) if text.updated_at else None,
    }
    if full:
        result.update(
            {
                "subject": text.subject,
                "body": text.body,
                "uses": list(dict.fromkeys(placeholders(text.subject) + placeholders(text.body))),
                "placeholders": {
                    name: PLACEHOLDER_HELP.get(name, "") for name in sorted(spec.placeholders)
                },
                "required": sorted(spec.required_in_body),
                "shipped_subject": spec.subject,
                "shipped_body": spec.body,
            }
        )
    return result
