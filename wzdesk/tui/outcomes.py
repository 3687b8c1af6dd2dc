"""What the console says after a case action: the truth about the email it wrote, and a
refusal in the console's words."""

from __future__ import annotations

from wzdesk.core.errors import UserError


def outcome_message(label: str, result: object) -> tuple[str, bool]:
    """``label`` plus, for a public message, where its email went; the flag says a warning is
    due (the client was not emailed: no email on file)."""
    delivery = getattr(result, "delivery", None)
    if delivery is None:
        return label, False
    if delivery.queued:
        return f"{label}; email queued to {', '.join(delivery.recipients)}", False
    return f"{label} on the case, but {delivery.reason}", True


def said(error: UserError) -> str:
    """A use case's refusal in the console's words: the message with its field, unless the
    field is a command-line option or placeholder ("--into", "REF"), which means nothing here.
    A setting (``WZDESK_PHONE_REGION``) is named: it is what to fix, outside the console."""
    field = error.field or ""
    setting = field.startswith("WZDESK_")
    if not field or field.startswith("-") or (field.isupper() and not setting):
        return error.message
    return str(error)
