"""Canned replies (macros): named texts with placeholders (the case, its client and contact,
due instants, the agent), filled in for a case and edited before they are sent.

Checked like templates when saved: an unknown placeholder is refused then, not left blank in a
client's inbox.
"""

from __future__ import annotations

import re

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.core.templates import check, render
from wzdesk.mail.templates import MACRO_PLACEHOLDERS
from wzdesk.services.cases import get_case
from wzdesk.services.client_mail import Composer
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.desk_fields import macro_dict as macro_dict
from wzdesk.services.desk_fields import macro_name
from wzdesk.store.models import Macro

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")
MAX_BODY = 20_000


def _name(text: str) -> str:
    name = (text or "").strip().lower()
    if not _NAME.match(name):
        raise InvalidInput(
            f"expected lower-case letters, digits, '.', '_' or '-' (up to 60), got {text!r}",
            field="NAME",
        )
    return name


def _body(text: str) -> str:
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise InvalidInput("must not be empty", field="--body")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"at most {MAX_BODY} characters", field="--body")
    check(body, MACRO_PLACEHOLDERS, field="--body")
    return body


def list_macros() -> list[Macro]:
    """Every canned reply, by name."""
    return list(Macro.select().order_by(Macro.name))


def get_macro(name: str) -> Macro:
    macro = Macro.get_or_none(Macro.name == macro_name(name))
    if macro is None:
        raise NotFound(f"no canned reply {name!r}", field="NAME")
    return macro


def add_macro(ctx: ServiceContext, name: str, body: str) -> Macro:
    """A new canned reply (agents and supervisors)."""
    ctx.require(Action.MANAGE_MACROS)
    name, body = _name(name), _body(body)
    with write_transaction():
        if Macro.select().where(Macro.name == name).exists():
            raise InvalidInput(f"a canned reply {name!r} already exists", field="NAME")
        now = ctx.clock.now()
        macro = Macro.create(
            name=name, body=body, created_by=ctx.actor, updated_at=now, updated_by=ctx.actor
        )
        ctx.audit("macro.add", "macro", name, None, {"body": body})
    return macro


def edit_macro(ctx: ServiceContext, name: str, body: str) -> Macro:
    """Replace a canned reply's text."""
    ctx.require(Action.MANAGE_MACROS)
    body = _body(body)
    with write_transaction():
        macro = get_macro(name)
        before = macro.body
        Macro.update(body=body, updated_at=ctx.clock.now(), updated_by=ctx.actor).where(
            Macro.id == macro.id
        ).execute()
        ctx.audit("macro.edit", "macro", macro.name, {"body": before}, {"body": body})
    return get_macro(name)


def remove_macro(ctx: ServiceContext, name: str) -> None:
    """Delete a canned reply (audited with its text)."""
    ctx.require(Action.MANAGE_MACROS)
    with write_transaction():
        macro = get_macro(name)
        Macro.delete().where(Macro.id == macro.id).execute()
        ctx.audit("macro.remove", "macro", macro.name, {"body": macro.body}, None)


def fill_macro(ctx: ServiceContext, name: str, ref: str, composer: Composer | None = None) -> str:
    """The canned reply's text filled in for case ``ref``, written by the acting agent: what
    the reply editor starts from (the agent edits it before sending)."""
    ctx.require(Action.REPLY)
    macro = get_macro(name)
    case = get_case(ref)
    composer = composer or Composer.load()
    values = {**composer.case_values(case), **composer.agent_values(ctx.actor)}
    return render(macro.body, values, field=macro.name)
