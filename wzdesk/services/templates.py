"""Message templates as a supervisor sees them: list, show, edit (checked when saved), reset to
the shipped text, and preview against a real case.

The shipped texts live in :mod:`wzdesk.mail.templates`; a supervisor's edit is a row in
``message_template`` that replaces the shipped text until it is reset.
"""

from __future__ import annotations

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.core.templates import check
from wzdesk.mail.templates import CATALOG, TemplateSpec
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.template_fields import (
    TemplateText,
    spec_named,
    template_dict,
    text_of,
    texts_of,
)
from wzdesk.store.models import MessageTemplate

MAX_SUBJECT = 300
MAX_BODY = 20_000


def get_spec(name: str) -> TemplateSpec:
    """A registered template by name (``NotFound`` lists the names)."""
    spec = spec_named(name)
    if spec is None:
        raise NotFound(
            f"no template {name!r}; expected one of {', '.join(sorted(CATALOG))}", field="NAME"
        )
    return spec


def template_text(name: str) -> TemplateText:
    """What a message of this kind is written from now (a supervisor's edit, else shipped)."""
    spec = get_spec(name)
    return text_of(spec, MessageTemplate.get_or_none(MessageTemplate.name == spec.name))


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


def list_templates() -> list[TemplateText]:
    """Every template, by name, as it is now."""
    return texts_of({row.name: row for row in MessageTemplate.select()})


__all__ = ["TemplateText", "get_spec", "list_templates", "template_dict", "template_text"]
