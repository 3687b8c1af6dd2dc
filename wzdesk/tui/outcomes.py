"""What the console says after a case action: the truth about the email it wrote."""

from __future__ import annotations


def outcome_message(label: str, result: object) -> tuple[str, bool]:
    """``label`` plus, for a public message, where its email went; the flag says a warning is
    due (the client was not emailed: no email on file)."""
    delivery = getattr(result, "delivery", None)
    if delivery is None:
        return label, False
    if delivery.queued:
        return f"{label}; email queued to {', '.join(delivery.recipients)}", False
    return f"{label} on the case, but {delivery.reason}", True
