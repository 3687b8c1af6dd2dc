"""The catalogue of outgoing messages: every message wzdesk sends comes from one of these
templates (a supervisor may replace the shipped text; see :mod:`wzdesk.services.templates`).

A template is a subject and a body in the plain placeholder language of
:mod:`wzdesk.core.templates`. Each entry says which placeholders its message knows, so an
edit using any other is refused when it is saved.

Another part of wzdesk adds its own message by registering a :class:`TemplateSpec` under a
new name (e.g. ``quote_sent`` for professional services) and queueing it with
:func:`wzdesk.services.client_mail.queue_case_mail`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wzdesk.core.values import Value

#: What every placeholder means (``wzdesk template show`` prints it).
PLACEHOLDER_HELP: dict[str, str] = {
    "ref": "the case reference, e.g. WZ-1042",
    "summary": "the case's summary",
    "description": "the case's description",
    "client_code": "the client's code, e.g. ACME",
    "client_name": "the client's name",
    "contact_name": "the case's contact (a client admin)",
    "severity": "critical, major, moderate or minor",
    "severity_description": "the policy's description of the severity",
    "status": "the case's status in words",
    "channel": "portal, email or phone",
    "category": "the case's category in words",
    "received": "when the case was received, in words, in the support zone",
    "response_due": "when the response is due, e.g. Monday 9 March, 10:00 EDT",
    "resolution_due": "when the resolution is due, in words",
    "response_target": "the response target, e.g. 4 business hours",
    "resolution_target": "the resolution target, e.g. 3 business days",
    "support_hours": "when the support team works",
    "support_phone": "the support phone line",
    "support_email": "the support address",
    "team": "the support team's name (the display name of WZDESK_MAIL_FROM)",
    "thread_subject": "Re: <the client's last subject> [WZ-1042], or [WZ-1042] <summary>",
    "how_to_reply": "how to add to the case by email (keep [WZ-1042] in the subject)",
    "assignee_name": "the agent who owns the case, or 'unassigned'",
    "agent_name": "the agent writing",
    "signature": "the writing agent's signature (their name and the team when they have none)",
    "message": "the agent's reply",
    "resolution_note": "the agent's resolution note",
    "reopen_hint": "how long replying reopens a resolved case",
    "need": "what we need from the client",
    "waiting_since": "since when the case waits on the client, in words",
    "business_days": "how many business days the case waited on the client",
    "auto_resolve_hint": "when the case will be resolved without an answer (if ever)",
    "version": "the policy version's number",
    "effective": "when the policy version takes effect, in words",
    "changes": "what the policy version changes, one line each",
    "email": "the subscriber's address",
    "unsubscribe": "how to stop receiving these notices",
    "recipient_name": "the console user the alert goes to",
    "timer": "response or resolution",
    "due": "the target's due instant, in words",
    "remaining": "business time left (at risk) or past due (breached), e.g. 1h00m",
    "minutes": "how long the case has been unassigned, in business minutes (a portal code: "
    "how long it works)",
    "rule": "the alert rule that matched, in words",
    "addressee": "the client admin a quote is sent to",
    "quote_label": "the quote's label, e.g. Q-12",
    "service": "the professional service quoted, e.g. c) Training",
    "service_name": "the professional service's name, e.g. Training",
    "scope": "the quote's scope, as written",
    "quote_lines": "the quote's lines with their rates and amounts, the discount and the total",
    "rates_on": "the date whose rates price the quote",
    "code": "the one-time portal sign-in code",
}

CASE_PLACEHOLDERS = frozenset(
    {
        "ref",
        "summary",
        "description",
        "client_code",
        "client_name",
        "contact_name",
        "severity",
        "severity_description",
        "status",
        "channel",
        "category",
        "received",
        "response_due",
        "resolution_due",
        "response_target",
        "resolution_target",
        "support_hours",
        "support_phone",
        "support_email",
        "team",
        "thread_subject",
        "how_to_reply",
        "assignee_name",
    }
)
#: What a canned reply (macro) may use: the case, its client and contact, due instants, the agent.
MACRO_PLACEHOLDERS = CASE_PLACEHOLDERS | {"agent_name", "signature"}
ALERT_PLACEHOLDERS = CASE_PLACEHOLDERS | {"recipient_name", "timer", "due", "remaining", "rule"}

CLIENT = "client"
STAFF = "staff"
SUBSCRIBER = "subscriber"


class TemplateSpec(Value):
    """One kind of outgoing message: who reads it, what it may say, the shipped text.

    A :class:`Value`, not a dataclass: ``template list|show`` read the catalogue over the quick
    path (issue 13), where importing :mod:`dataclasses` costs half a ``python -c pass``."""

    _fields = (
        "name",
        "description",
        "audience",
        "placeholders",
        "subject",
        "body",
        "required_in_body",
        "subject_names_case",
    )
    name: str
    description: str
    audience: str  # client | staff | subscriber
    placeholders: frozenset[str]
    subject: str
    body: str
    #: Placeholders an edit must keep (the unsubscribe line of a notice).
    required_in_body: frozenset[str]
    #: The subject must name the case ({ref} or {thread_subject}) so that answers thread back.
    subject_names_case: bool

    def __init__(
        self,
        name: str,
        description: str,
        audience: str,
        placeholders: frozenset[str],
        subject: str,
        body: str,
        required_in_body: frozenset[str] = frozenset(),
        subject_names_case: bool = False,
    ) -> None:
        self._set(
            name=name,
            description=description,
            audience=audience,
            placeholders=placeholders,
            subject=subject,
            body=body,
            required_in_body=required_in_body,
            subject_names_case=subject_names_case,
        )


CATALOG: dict[str, TemplateSpec] = {}


def register(spec: TemplateSpec) -> TemplateSpec:
    """Add a message kind to the catalogue (a later part of wzdesk adds its own)."""
    CATALOG[spec.name] = spec
    return spec


def specs() -> list[TemplateSpec]:
    """Every registered template, by name."""
    return [CATALOG[name] for name in sorted(CATALOG)]


def _case_footer() -> str:
    return "-- \nSupport case {ref}: {summary}\n{how_to_reply}\n"


def _client_spec(
    name: str,
    description: str,
    body: str,
    extra: Iterable[str] = (),
    subject: str = "{thread_subject}",
) -> TemplateSpec:
    return register(
        TemplateSpec(
            name=name,
            description=description,
            audience=CLIENT,
            placeholders=CASE_PLACEHOLDERS | frozenset(extra),
            subject=subject,
            body=body,
            subject_names_case=True,
        )
    )


_client_spec(
    "acknowledgment",
    "sent to the contact when a case is opened (portal, email or phone)",
    "Hello {contact_name},\n\n"
    "We have received your support case {ref}: {summary}\n\n"
    "Severity: {severity} - {severity_description}\n"
    "Our response target for this severity is {response_target}: "
    "we will respond by {response_due}.\n\n"
    "To add to this case, reply to this message and keep [{ref}] in the subject.\n"
    "Our support team works {support_hours}; you can also call us at {support_phone}.\n\n"
    "{team}\n",
)
_client_spec(
    "reply",
    "an agent's public reply on a case",
    "{message}\n\n{signature}\n\n" + _case_footer(),
    extra=("message", "agent_name", "signature"),
)
_client_spec(
    "resolved",
    "the resolution note, when an agent resolves a case",
    "Your case {ref} is resolved.\n\n{resolution_note}\n\n{reopen_hint}\n\n{signature}\n\n"
    + _case_footer(),
    extra=("resolution_note", "reopen_hint", "agent_name", "signature"),
)
_client_spec(
    "waiting",
    "when a case starts waiting on the client: what we need",
    "Hello {contact_name},\n\n"
    "To go on with your case {ref} ({summary}) we need the following from you:\n\n"
    "{need}\n\n"
    "Please reply to this message and keep [{ref}] in the subject. The case waits for your "
    "answer; our resolution clock is paused meanwhile.\n\n"
    "{team}\n\n" + _case_footer(),
    extra=("need", "agent_name"),
)
_client_spec(
    "reminder",
    "when a case has waited on the client for the configured number of business days",
    "Hello {contact_name},\n\n"
    "Your case {ref} ({summary}) has been waiting for your answer since {waiting_since}.\n"
    "We still need the following from you:\n\n"
    "{need}\n\n"
    "{auto_resolve_hint}\n\n"
    "{team}\n\n" + _case_footer(),
    extra=("need", "waiting_since", "business_days", "auto_resolve_hint"),
)
_client_spec(
    "auto_resolved",
    "when a case that waited too long on the client is resolved without an answer",
    "Hello {contact_name},\n\n"
    "We have not heard from you about case {ref} ({summary}) for {business_days}, so we "
    "have marked it resolved.\n\n"
    "{reopen_hint}\n\n"
    "{team}\n\n" + _case_footer(),
    extra=("business_days", "reopen_hint", "waiting_since"),
)
_client_spec(
    "closed",
    "when a resolved case is closed (final)",
    "Hello {contact_name},\n\n"
    "Your case {ref} ({summary}) is now closed. If you need more help, please open a new "
    "case; a reply to this message will not reopen it.\n\n"
    "{team}\n",
)

register(
    TemplateSpec(
        name="policy_update",
        description="a new version of the support policy, to every subscriber",
        audience=SUBSCRIBER,
        placeholders=frozenset(
            {
                "version",
                "effective",
                "changes",
                "email",
                "unsubscribe",
                "team",
                "support_email",
                "support_phone",
                "support_hours",
            }
        ),
        subject="Support policy update: new version from {effective}",
        body="Hello,\n\n"
        "Our client support policy changes on {effective} (version {version}).\n\n"
        "What changes:\n{changes}\n\n"
        "Cases received before then keep the policy in force when they were received.\n\n"
        "{team}\n\n-- \n{unsubscribe}\n",
        required_in_body=frozenset({"unsubscribe"}),
    )
)


def _alert_spec(name: str, description: str, subject: str, body: str) -> TemplateSpec:
    return register(
        TemplateSpec(
            name=name,
            description=description,
            audience=STAFF,
            placeholders=ALERT_PLACEHOLDERS | ({"minutes"} if "unassigned" in name else set()),
            subject=subject,
            body=body,
        )
    )


_ALERT_FACTS = (
    "{ref} [{severity}] {client_code} - {summary}\n"
    "Status: {status} · Assignee: {assignee_name}\n"
    "Response due {response_due}; resolution due {resolution_due}.\n\n"
    "wzdesk case show {ref}\n\n"
    "-- \nSent by wzdesk notify ({rule}).\n"
)
_alert_spec(
    "alert_at_risk",
    "to the assignee (or the supervisors) when a target turns at risk",
    "[{ref}] {timer} at risk: due {due}",
    "{recipient_name},\n\nThe {timer} target of {ref} is at risk: {remaining} of business "
    "time left, due {due}.\n\n" + _ALERT_FACTS,
)
_alert_spec(
    "alert_breach",
    "to the supervisors when a target is breached",
    "[{ref}] {timer} BREACHED: was due {due}",
    "{recipient_name},\n\nThe {timer} target of {ref} is breached: it was due {due} and is "
    "{remaining} of business time overdue.\n\n" + _ALERT_FACTS,
)
_alert_spec(
    "alert_unassigned",
    "to the supervisors when a new critical case stays unassigned",
    "[{ref}] {severity} case unassigned for {minutes} min",
    "{recipient_name},\n\n{ref} is {severity} and has had no assignee for {minutes} minutes of "
    "business time.\n\n" + _ALERT_FACTS,
)

_client_spec(
    "quote_sent",
    "a professional services quote, sent to a client admin for approval",
    "Hello {addressee},\n\n"
    "Here is our quote {quote_label} for your request {ref} ({summary}).\n\n"
    "Service: {service}\n"
    "Scope:\n{scope}\n\n"
    "{quote_lines}\n\n"
    "Rates are those in force on {rates_on}.\n"
    "Please reply to approve or decline this quote; work starts once it is approved.\n\n"
    "{team}\n\n" + _case_footer(),
    extra=(
        "addressee",
        "quote_label",
        "service",
        "service_name",
        "scope",
        "quote_lines",
        "rates_on",
    ),
    subject="[{ref}] Quote {quote_label}: {service_name}",
)

register(
    TemplateSpec(
        name="portal_code",
        description="a one-time code for a client admin to sign in to the client portal",
        audience=CLIENT,
        placeholders=frozenset(
            {
                "code",
                "minutes",
                "contact_name",
                "client_name",
                "team",
                "support_email",
                "support_phone",
                "support_hours",
            }
        ),
        subject="Your sign-in code for the client portal",
        body="Hello {contact_name},\n\n"
        "Your code to sign in to the client portal for {client_name} is:\n\n"
        "    {code}\n\n"
        "It works once, within {minutes} minutes. If you did not ask for it, ignore this "
        "message: nobody can sign in as you without it.\n\n"
        "{team}\n",
        required_in_body=frozenset({"code"}),
    )
)

#: Which template a public case event is emailed with.
EVENT_TEMPLATES: Mapping[str, str] = {"reply": "reply", "resolve": "resolved"}
