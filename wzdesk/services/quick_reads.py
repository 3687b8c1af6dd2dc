"""Reads answered without Peewee, over the quick read-only connection (issue 13:
scripts start fast; importing Peewee and the models alone costs four times ``python -c pass``).

:func:`read_quickly` opens the reader, checks that the acting user signs in as the ordinary path
would sign them in, and runs a reading in one snapshot. The directory's lists (users,
contacts, clients, API tokens, subscribers), the desk's texts and rules (canned replies,
message templates, alert rules, notice settings), what the desk sent and holds (alerts, the
outbox, the quarantine), professional services (rates, tiers, quotes, a prepaid balance) and
the audit trail are here; the case commands are in :mod:`wzdesk.services.quick_case_reads`.
Each reads the rows the ordinary path reads through the models (``wzdesk.store.quick_*``) and
gives them to the same shaping functions, which are Peewee-free for that reason. An
import-linter contract keeps these modules and everything they import free of Peewee. Each
reading imports its own shaping functions: a command loads only what it prints (the rate
card's arithmetic, the template catalogue and the notice rules cost a few milliseconds each,
and this path exists to save milliseconds).

Each answers only when it is sure to answer as the ordinary path would, and returns None
otherwise: a database the quick reader cannot open (see :mod:`wzdesk.store.quick_read`), a
sign-in with more to it than reading a user (no such user, a deactivated one, the first user
of a new database: the ordinary path creates, refuses or explains), a role that may not do
what the command does, or a name, number or reference nothing has (the ordinary path words
the error).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from wzdesk.services.admin_rule import AdminFlags, admin_flags_from
from wzdesk.services.directory_fields import (
    client_code_text,
    client_row,
    contact_dict,
    identity_text,
    user_dict,
)
from wzdesk.services.os_account import os_login
from wzdesk.services.policy_book import read_policy_book
from wzdesk.store import quick_directory
from wzdesk.store.quick_read import QuickReader, open_quick_reader

if TYPE_CHECKING:
    from wzdesk.core.rules import Action

T = TypeVar("T")


def read_quickly(
    url: str | None,
    identity: str | None,
    read: Callable[[QuickReader], T],
    action: Action | None = None,
) -> T | None:
    """``read`` over the quick reader in one snapshot, once the user is known to sign in (and,
    with ``action``, to be allowed it); None when the quick path cannot answer (``read`` may
    say None, or raise :class:`StepAside`, too). A user refused is left to the ordinary path,
    which refuses in its own words.

    ``identity``: a trusted caller's (tests); else who the connection is (the OS login, or the
    PostgreSQL session role), as the ordinary path signs in."""
    reader = open_quick_reader(url)
    if reader is None:
        return None
    try:
        with reader.snapshot():
            role = _signed_in(reader, identity)
            if role is None or (action is not None and not _allowed(role, action)):
                return None
            return read(reader)
    except StepAside:
        return None
    finally:
        reader.close()


def quick_users(url: str | None, identity: str | None) -> list[dict[str, object]] | None:
    """``user list``: every console user by login, or None (the ordinary path answers)."""
    return read_quickly(
        url, identity, lambda reader: [user_dict(u) for u in quick_directory.users(reader)]
    )


def quick_contacts(
    url: str | None, identity: str | None, client_code: str | None
) -> list[dict[str, object]] | None:
    """``contact list [--client CODE]``, or None (a code no client has: the ordinary path says
    so, naming ``--client``)."""

    def read(reader: QuickReader) -> list[dict[str, object]]:
        client = _client_named(reader, client_code)
        return [contact_dict(c) for c in quick_directory.contacts(reader, client)]

    return read_quickly(url, identity, read)


def quick_clients(
    url: str | None, identity: str | None, flagged: bool
) -> list[tuple[dict[str, object], AdminFlags]] | None:
    """``client list``: each client's columns and its two-admin flags, by code; ``flagged``:
    only the active clients the rule flags (``contacts.flagged_clients``). None: the ordinary
    path answers."""

    def read(reader: QuickReader) -> list[tuple[dict[str, object], AdminFlags]]:
        found = []
        for client in quick_directory.clients(reader, active_only=flagged):
            flags = admin_flags_of(reader, int(client.id))
            if flags.flags or not flagged:
                found.append((client_row(client), flags))
        return found

    return read_quickly(url, identity, read)


def quick_macros(
    url: str | None, identity: str | None, now: datetime, name: str | None = None
) -> list[dict[str, Any]] | None:
    """``macro list`` (every canned reply by name) or ``macro show NAME`` (a list of one); None
    when the ordinary path answers (a name no reply has: it says so, naming NAME). Instants in
    the support zone of the policy in force at ``now``."""
    from wzdesk.services.desk_fields import macro_dict, macro_name

    def read(reader: QuickReader) -> list[dict[str, Any]] | None:
        found = quick_directory.macros(reader, None if name is None else macro_name(name))
        if name is not None and not found:
            return None
        zone = _zone_at(reader, now)
        return [macro_dict(macro, zone) for macro in found]

    return read_quickly(url, identity, read)


def quick_templates(
    url: str | None, identity: str | None, now: datetime, name: str | None = None
) -> list[dict[str, Any]] | None:
    """``template list`` (every message template by name, as it is now) or ``template show
    NAME`` (a list of one, with its texts and placeholders); None when the ordinary path answers
    (a name no template has: it says so, listing the names). Instants in the support zone of
    the policy in force at ``now``."""
    from wzdesk.services.template_fields import spec_named, template_dict, text_of, texts_of

    spec = None if name is None else spec_named(name)
    if name is not None and spec is None:
        return None

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        zone = _zone_at(reader, now)
        if spec is None:
            edits = quick_directory.template_edits(reader)
            return [template_dict(text, zone) for text in texts_of(edits)]
        edit = quick_directory.template_edits(reader, spec.name).get(spec.name)
        return [template_dict(text_of(spec, edit), zone, full=True)]

    return read_quickly(url, identity, read)


def quick_alerts(
    url: str | None, identity: str | None, now: datetime, limit: int
) -> list[dict[str, Any]] | None:
    """``alert list``: the newest ``limit`` alerts ``notify`` sent, newest first, or None (the
    ordinary path answers). Instants in the support zone of the policy in force at ``now``."""
    from wzdesk.services.sent_fields import ALERT_KINDS, alert_dict
    from wzdesk.store import quick_mail

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        zone = _zone_at(reader, now)
        found = quick_mail.recent_alerts(reader, ALERT_KINDS, limit)
        return [alert_dict(row, zone) for row in found]

    return read_quickly(url, identity, read)


def quick_outbox(
    url: str | None,
    identity: str | None,
    now: datetime,
    statuses: tuple[str, ...],
    limit: int | None = None,
) -> list[dict[str, Any]] | None:
    """``mail outbox list``: the outgoing messages in ``statuses`` (each one the outbox has),
    in ``list_outbox``'s order, at most ``limit`` (None: all), or None (the ordinary path
    answers). Instants in the support zone of the policy in force at ``now``."""
    from wzdesk.services.sent_fields import newest_first, outbox_dict
    from wzdesk.store import quick_mail

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        zone = _zone_at(reader, now)
        rows = quick_mail.outgoing(reader, statuses, newest_first(statuses), limit)
        return [outbox_dict(row, zone) for row in rows]

    return read_quickly(url, identity, read)


def quick_quarantine(
    url: str | None,
    identity: str | None,
    now: datetime,
    statuses: tuple[str, ...],
    limit: int | None,
) -> list[dict[str, Any]] | None:
    """``mail quarantine list``: the quarantined messages in ``statuses`` (each one the
    quarantine has), newest first, at most ``limit`` (None: all); None: the ordinary path
    answers."""
    from wzdesk.services.quarantine_fields import quarantine_dict
    from wzdesk.store import quick_mail

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        zone = _zone_at(reader, now)
        found = quick_mail.quarantined(reader, statuses, limit)
        return [quarantine_dict(held, zone) for held in found]

    return read_quickly(url, identity, read)


def quick_audit(
    url: str | None,
    identity: str | None,
    now: datetime,
    case: str | None,
    user: str | None,
    since: datetime | date | None,
    limit: int,
) -> list[dict[str, Any]] | None:
    """``wzdesk audit``: the newest ``limit`` entries up to ``now`` (of a case, by a login,
    since an instant or a date's support-zone midnight), newest first; None when the ordinary
    path answers (a user who may not view reports, a case no reference names: it refuses or
    says so)."""
    from wzdesk.core.refs import ref_text
    from wzdesk.core.rules import Action
    from wzdesk.core.timefmt import day_start
    from wzdesk.services.audit_fields import AUDIT_COLUMNS, audit_dict
    from wzdesk.store import quick_audit, quick_cases

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        zone = _zone_at(reader, now)
        ref = None
        if case is not None:
            ref = ref_text(case)
            if quick_cases.case_id(reader, ref) is None:
                raise StepAside
        start = since if since is None or isinstance(since, datetime) else day_start(since, zone)
        actor = None if user is None else user.strip()
        found = quick_audit.audit_rows(reader, AUDIT_COLUMNS, now, ref, actor, start, limit)
        return [audit_dict(values, zone) for values in found]

    return read_quickly(url, identity, read, Action.VIEW_REPORTS)


def quick_quotes(
    url: str | None, identity: str | None, number: str | None = None, case: str | None = None
) -> list[dict[str, Any]] | None:
    """``services quote show NUMBER`` (a list of one) or ``services quote list REF`` (the
    case's quotes, newest first); None when the ordinary path answers (a number or reference
    nothing has, or not a number at all: it says so). Instants in the support zone of the
    policy in force when the quote was made (show) or the case received (list)."""
    from wzdesk.core.bounds import is_possible_id
    from wzdesk.core.errors import InvalidInput
    from wzdesk.core.refs import ref_text
    from wzdesk.services.billing.quote_fields import (
        parse_quote_id,
        priced_line,
        quote_view,
        used_from,
    )
    from wzdesk.store import quick_billing, quick_cases

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        book = read_policy_book(reader.rows)
        if case is not None:
            case_id = quick_cases.case_id(reader, ref_text(case))
            if case_id is None:
                raise StepAside
            found = quick_billing.quotes(reader, case=case_id)
        else:
            try:
                quote_id = parse_quote_id(number or "")
            except InvalidInput:
                raise StepAside from None
            if not is_possible_id(quote_id):
                raise StepAside
            found = quick_billing.quotes(reader, quote=quote_id)
            if not found:
                raise StepAside
        views = []
        for quote in found:
            lines = [priced_line(row) for row in quick_billing.quote_lines(reader, quote.id)]
            used = used_from(quick_billing.hours_used(reader, quote.id))
            when = quote.created_at if case is None else quote.case.received_at
            views.append(quote_view(quote, lines, used, book.at(when).calendar.zone))
        return views

    return read_quickly(url, identity, read)


def quick_balance(url: str | None, identity: str | None, code: str) -> dict[str, Any] | None:
    """``services balance CODE``: the client's prepaid hours line by line; None when the
    ordinary path answers (a code no client has: it says so)."""
    from wzdesk.services.billing.card_fields import balance_of, promise_of
    from wzdesk.services.billing.quote_fields import priced_line, used_from
    from wzdesk.store import quick_billing

    def read(reader: QuickReader) -> dict[str, Any]:
        client = _client_named(reader, code)
        if client is None:  # an empty code: the ordinary path says what it wants
            raise StepAside
        found = quick_directory.client_code(reader, client)
        purchases = quick_billing.purchases(reader, client)
        promises = [
            promise_of(
                quote.id,
                quote.ref,
                quote.status,
                [priced_line(row) for row in quick_billing.quote_lines(reader, quote.id)],
                used_from(quick_billing.hours_used(reader, quote.id)),
            )
            for quote in quick_billing.open_prepaid_quotes(reader, client)
        ]
        return balance_of(found, purchases, quick_billing.draws(reader, client), promises)

    return read_quickly(url, identity, read)


def quick_rates(
    url: str | None, identity: str | None, now: datetime, every: bool
) -> list[dict[str, Any]] | None:
    """``services rates``: each role's rate in force today (in the support zone at ``now``), or
    with ``every`` the whole history with what is scheduled; None: the ordinary path answers."""
    from wzdesk.services.billing.card_fields import card_of, history_of, support_day
    from wzdesk.store import quick_billing

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        today = support_day(now, _zone_at(reader, now))
        if every:
            return [row.as_dict(today) for row in history_of(quick_billing.rates(reader))]
        card = card_of(quick_billing.rates(reader, on=today), today)
        return [row.as_dict() for row in card.values()]

    return read_quickly(url, identity, read)


def quick_tiers(url: str | None, identity: str | None) -> list[dict[str, str]] | None:
    """``services prepaid tiers``: the volume discounts, smallest threshold first, or None (the
    ordinary path answers)."""
    from wzdesk.services.billing.card_fields import tier_dict, tier_of
    from wzdesk.store import quick_billing

    def read(reader: QuickReader) -> list[dict[str, str]]:
        return [tier_dict(tier_of(row)) for row in quick_billing.tiers(reader)]

    return read_quickly(url, identity, read)


def quick_subscribers(
    url: str | None, identity: str | None, now: datetime, include_left: bool
) -> list[dict[str, Any]] | None:
    """``policy subscribers [--all]``: the policy notices' subscribers by address, or None (the
    ordinary path answers). Instants in the support zone of the policy in force at ``now``."""
    from wzdesk.services.directory_fields import subscriber_dict

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        zone = _zone_at(reader, now)
        found = quick_directory.subscribers(reader, include_left)
        return [subscriber_dict(row, zone) for row in found]

    return read_quickly(url, identity, read)


def quick_tokens(
    url: str | None, identity: str | None, now: datetime, client_code: str | None
) -> list[dict[str, Any]] | None:
    """``client token list [CODE]``: the clients' API tokens, oldest first, never the secrets;
    None when the ordinary path answers (a user who may not manage clients, a code no client
    has: it refuses or says so)."""
    from wzdesk.core.rules import Action  # here: the rules cost 2 ms the other reads save
    from wzdesk.services.directory_fields import token_dict

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        client = _client_named(reader, client_code)
        zone = _zone_at(reader, now)
        return [token_dict(row, zone) for row in quick_directory.tokens(reader, client)]

    return read_quickly(url, identity, read, Action.MANAGE_CLIENTS)


def quick_alert_rules(url: str | None, identity: str | None) -> list[dict[str, Any]] | None:
    """``alert rule list``: every alert rule by id, or None (the ordinary path answers)."""
    from wzdesk.services.desk_fields import rule_dict

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        return [rule_dict(rule) for rule in quick_directory.alert_rules(reader)]

    return read_quickly(url, identity, read)


def quick_notice_settings(url: str | None, identity: str | None) -> dict[str, Any] | None:
    """``notices show``: the notice settings as stored (the defaults for what is not), or None
    (the ordinary path answers)."""
    from wzdesk.services.notice_rules import SETTING_KEY, settings_from_stored

    def read(reader: QuickReader) -> dict[str, Any]:
        return settings_from_stored(quick_directory.setting(reader, SETTING_KEY)).as_dict()

    return read_quickly(url, identity, read)


def admin_flags_of(reader: QuickReader, client: int) -> AdminFlags:
    """The two-admin rule for one client (``contacts.admin_flags``)."""
    return admin_flags_from(*quick_directory.admins(reader, client))


def quick_backups(
    url: str | None, identity: str | None, to: str | None
) -> list[dict[str, Any]] | None:
    """``backup list [--to DIR]``: the backups in the folder, newest first, the last verified
    one marked; None when the ordinary path answers (a ``--to`` it refuses: it names it)."""
    from wzdesk.core.errors import UserError
    from wzdesk.services.backup_names import (
        LAST_VERIFIED_KEY,
        backup_rows,
        check_listed,
        folder_for,
    )
    from wzdesk.services.backup_names import verified_file as verified_of
    from wzdesk.store.location import parse_database_url, url_from_environment

    def read(reader: QuickReader) -> list[dict[str, Any]]:
        try:
            target = parse_database_url(url if url is not None else url_from_environment())
            folder = check_listed(folder_for(to, target), to)
            stored = quick_directory.setting(reader, LAST_VERIFIED_KEY)
            return backup_rows(folder, verified_of(stored))
        except UserError:
            raise StepAside from None

    return read_quickly(url, identity, read)


class StepAside(Exception):
    """Raised by a reading that finds the ordinary path must answer (it words the error)."""


def _client_named(reader: QuickReader, code: str | None) -> int | None:
    """The id of the client ``code`` names (None: no code given); a code no client has steps
    aside, for the ordinary path to say so, naming its field."""
    if not code:
        return None
    found = quick_directory.client_id(reader, client_code_text(code))
    if found is None:
        raise StepAside
    return found


def _zone_at(reader: QuickReader, now: datetime) -> ZoneInfo:
    """The support zone of the policy in force at ``now`` (instants are printed in it)."""
    return read_policy_book(reader.rows).at(now).calendar.zone


def _identity(reader: QuickReader, identity: str | None) -> str:
    """``identity``, or who the connection is (``identity.connected_identity``): the
    PostgreSQL session role, else the OS login."""
    if identity is not None:
        return identity
    return quick_directory.session_role(reader) if reader.postgres else os_login()


def acting_login(reader: QuickReader, identity: str | None) -> str:
    """The login of the console user ``identity`` (None: who the connection is) signs in as, once
    :func:`read_quickly` has found them (the ordinary path's ``context().actor``)."""
    user = _console_user(reader, identity)
    if user is None:
        raise StepAside
    return user[0]


def _signed_in(reader: QuickReader, identity: str | None) -> str | None:
    """The role of ``identity`` if it is an active console user, else None
    (``directory.sign_in`` reads no more)."""
    user = _console_user(reader, identity)
    return user[2] if user is not None and user[1] else None


def _console_user(reader: QuickReader, identity: str | None) -> tuple[str, bool, str] | None:
    """``quick_directory.console_user`` for ``identity`` (None: who the connection is), read
    once per reading: signing in and the reading's own "me" ask the same question."""
    key = ("console user", identity)
    if key not in reader.memo:
        found = quick_directory.console_user(reader, identity_text(_identity(reader, identity)))
        reader.memo[key] = found
    user: tuple[str, bool, str] | None = reader.memo[key]
    return user


def _allowed(role: str, action: Action) -> bool:
    """Whether ``role`` may perform ``action`` (``ServiceContext.require``'s rule)."""
    from wzdesk.core.rules import Role, may

    return may(Role(role), action)
