"""Preview a template as it would go out now: filled in from a real case (or, for a policy
notice, a real policy version), with sample text where the message carries the agent's own
words. Nothing is queued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action
from wzdesk.core.wording import business_days_in_words, instant_in_words
from wzdesk.mail.compose import reply_subject
from wzdesk.mail.templates import CLIENT, SUBSCRIBER
from wzdesk.services.calendar import policy_versions
from wzdesk.services.cases import get_case
from wzdesk.services.cases.triage import what_we_need
from wzdesk.services.client_mail import Composer, client_recipients, not_sent_reason, render_text
from wzdesk.services.context import ServiceContext
from wzdesk.services.mail_outbox import last_client_message
from wzdesk.services.policy_notices import describe_changes, unsubscribe_line
from wzdesk.services.templates import TemplateText, get_spec, template_text


@dataclass(frozen=True)
class Preview:
    """A filled-in message: to whom, subject, body (``note``: why it would not be sent)."""

    name: str
    to: list[str]
    subject: str
    body: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "to": self.to,
            "subject": self.subject,
            "body": self.body,
            "note": self.note,
        }


def preview(
    ctx: ServiceContext,
    name: str,
    *,
    ref: str | None = None,
    version: int | None = None,
    message: str | None = None,
    text: TemplateText | None = None,
) -> Preview:
    """Template ``name`` (or an unsaved ``text`` of it) filled in for case ``ref`` (or policy
    ``version``), as the acting user would send it now."""
    ctx.require(Action.REPLY)
    spec = get_spec(name)
    text = text or template_text(spec.name)
    composer = Composer.load()
    if spec.audience == SUBSCRIBER:
        values, to, note = _policy_values(composer, version)
    elif "ref" not in spec.placeholders and not ref:  # about no case: the portal's sign-in code
        values = composer.desk_values(ctx.clock.now())
        to, note = [], "sent to the client admin who asks to sign in to the portal"
    else:
        if not ref:
            raise InvalidInput(
                f"the {spec.name} template is about a case; give one", field="--case"
            )
        values, to, note = _case_values(ctx, composer, spec.audience, ref, message)
    for placeholder in spec.placeholders:
        values.setdefault(placeholder, f"<{placeholder}>")
    subject, body = render_text(text, values)
    return Preview(spec.name, to, subject, body, note)


def _case_values(
    ctx: ServiceContext, composer: Composer, audience: str, ref: str, message: str | None
) -> tuple[dict[str, str], list[str], str]:
    case = get_case(ref)
    zone = composer.book.by_id(case.policy_id).calendar.zone
    last = last_client_message(case)
    values = composer.case_values(
        case, reply_subject(str(case.ref), case.summary, last.subject if last else None)
    )
    values.update(composer.agent_values(ctx.actor))
    since = case.paused_since or ctx.clock.now()
    sample = message or ""
    values.update(
        {
            "message": sample or "(your reply)",
            "resolution_note": sample or "(the resolution note)",
            "need": sample or what_we_need(case),
            "reopen_hint": composer.reopen_hint(),
            "waiting_since": instant_in_words(since, zone),
            "business_days": business_days_in_words(
                composer.notices.remind_after_business_days or 1
            ),
            "auto_resolve_hint": "(when the case would be resolved without an answer)",
            "recipient_name": values["agent_name"],
            "timer": "response",
            "due": values["response_due"],
            "remaining": "1h00m",
            "rule": "rule 1: at risk, any severity -> assignee",
            "minutes": "30",
        }
    )
    if audience != CLIENT:
        return values, [], "sent to the console users the alert rule names"
    to = client_recipients(case)
    return values, to, "" if to else not_sent_reason(case.contact)


def _policy_values(
    composer: Composer, version: int | None
) -> tuple[dict[str, str], list[str], str]:
    versions = policy_versions()
    if version is None:
        index = len(versions) - 1
    else:
        found = [i for i, v in enumerate(versions) if v["id"] == version]
        if not found:
            raise InvalidInput(f"no policy version {version}", field="--version")
        index = found[0]
    chosen = versions[index]
    previous = versions[index - 1] if index > 0 else None
    effective = datetime.fromisoformat(chosen["effective_from"])
    desk = composer.desk_values(effective)
    email = "subscriber@example.com"
    values = {
        **desk,
        "version": str(chosen["id"]),
        "effective": instant_in_words(effective, ZoneInfo(chosen["zone"])),
        "changes": "\n".join(f"- {line}" for line in describe_changes(chosen, previous)),
        "email": email,
        "unsubscribe": unsubscribe_line(email, desk),
    }
    return values, [email], ""
