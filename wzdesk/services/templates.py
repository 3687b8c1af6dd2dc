"""Message templates as a supervisor sees them: list, show, edit (checked when saved), reset to
the shipped text, and preview against a real case.

The shipped texts live in :mod:`wzdesk.mail.templates`; a supervisor's edit is a row in
``message_template`` that replaces the shipped text until it is reset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.core.templates import check, placeholders
from wzdesk.core.timefmt import format_instant
from wzdesk.mail.templates import CATALOG, PLACEHOLDER_HELP, TemplateSpec, specs
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import MessageTemplate

MAX_SUBJECT = 300
MAX_BODY = 20_000


@dataclass(frozen=True)
class TemplateText:
    """The subject and body a message is written from, and whose they are."""

    spec: TemplateSpec
    subject: str
    body: str
    customised: bool = False
    updated_by: str | None = None
    updated_at: Any = None


def get_spec(name: str) -> TemplateSpec:
    """A registered template by name (``NotFound`` lists the names)."""
    spec = CATALOG.get(name.strip().lower())
    if spec is None:
        raise NotFound(
            f"no template {name!r}; expected one of {', '.join(sorted(CATALOG))}", field="NAME"
        )
    return spec


def template_text(name: str) -> TemplateText:
    """What a message of this kind is written from now (a supervisor's edit, else shipped)."""
    spec = get_spec(name)
    row = MessageTemplate.get_or_none(MessageTemplate.name == spec.name)
    if row is None:
        return TemplateText(spec, spec.subject, spec.body)
    return TemplateText(spec, row.subject, row.body, True, row.updated_by, row.updated_at)


def validate(spec: TemplateSpec, subject: str, body: str) -> None:
    """Refuse a text the message could not fill in (an unknown placeholder, a brace typo), a
    case message whose subject does not name the case, a notice without its unsubscribe line."""
    if "\n" in subject.strip() or not subject.strip():
        raise InvalidInput("must be one non-empty line", field="--subject")
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(f"at most {MAX_SUBJECT} characters", field="--subject")
    if not body.strip():
        raise InvalidInput("must not be empty", field="--body")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"at most {MAX_BODY} characters", field="--body")
    used = check(subject, spec.placeholders, field="--subject")
    check(body, spec.placeholders, field="--body", required=spec.required_in_body)
    if spec.subject_names_case and not {"ref", "thread_subject"} & set(used):
        raise InvalidInput(
            "must name the case with {ref} or {thread_subject}, so that the client's answer "
            "threads back to it",
            field="--subject",
        )


def save_template(
    ctx: ServiceContext, name: str, *, subject: str | None = None, body: str | None = None
) -> TemplateText:
    """Replace a template's subject and/or body (supervisors), checked before it is saved."""
    ctx.require(Action.MANAGE_MESSAGES)
    if subject is None and body is None:
        raise InvalidInput("give --subject, --body or --body-file", field="template edit")
    with write_transaction():
        current = template_text(name)
        spec = current.spec
        new_subject = current.subject if subject is None else subject.strip()
        new_body = current.body if body is None else body.replace("\r\n", "\n")
        validate(spec, new_subject, new_body)
        now = ctx.clock.now()
        values = {
            "subject": new_subject,
            "body": new_body,
            "updated_at": now,
            "updated_by": ctx.actor,
        }
        MessageTemplate.insert(name=spec.name, **values).on_conflict(
            conflict_target=[MessageTemplate.name],
            update={getattr(MessageTemplate, k): v for k, v in values.items()},
        ).execute()
        ctx.audit(
            "template.edit",
            "message_template",
            spec.name,
            {"subject": current.subject, "body": current.body},
            {"subject": new_subject, "body": new_body},
        )
    return template_text(spec.name)


def reset_template(ctx: ServiceContext, name: str) -> TemplateText:
    """Back to the shipped text (supervisors)."""
    ctx.require(Action.MANAGE_MESSAGES)
    with write_transaction():
        current = template_text(name)
        if current.customised:
            MessageTemplate.delete().where(MessageTemplate.name == current.spec.name).execute()
            ctx.audit(
                "template.reset",
                "message_template",
                current.spec.name,
                {"subject": current.subject, "body": current.body},
                None,
            )
    return template_text(name)


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


def list_templates() -> list[TemplateText]:
    """Every template, by name, as it is now."""
    rows = {row.name: row for row in MessageTemplate.select()}
    result = []
    for spec in specs():
        row = rows.get(spec.name)
        if row is None:
            result.append(TemplateText(spec, spec.subject, spec.body))
        else:
            result.append(
                TemplateText(spec, row.subject, row.body, True, row.updated_by, row.updated_at)
            )
    return result
