"""Onboarding a desk from a spreadsheet: clients and contacts in and out as CSV rows.

An import is **one transaction per file**: every row is tried (each in its own savepoint, so a
refused row's partial work is undone and the next row still runs), every row's outcome is
reported, and the file's changes are kept only if no row was refused and it is not a dry run.
Re-running the same file changes nothing (every row ``unchanged``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from wzdesk.core.errors import InvalidInput, UserError
from wzdesk.core.rules import Action
from wzdesk.services import contact_rules, contacts
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import add_client, add_contact, get_client
from wzdesk.store.database import db
from wzdesk.store.models import Client, Contact

CLIENT_COLUMNS: tuple[str, ...] = ("code", "name", "active")
CONTACT_COLUMNS: tuple[str, ...] = ("client", "name", "email", "phone", "admin", "rank", "active")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowOutcome:
    """What one CSV row did (or would do): ``added``, ``changed``, ``unchanged``, ``refused``."""

    line: int
    key: str
    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class ImportReport:
    """Every row's outcome, and whether the file's changes were kept."""

    rows: list[RowOutcome]
    dry_run: bool
    written: bool

    def counts(self) -> dict[str, int]:
        result = {"added": 0, "changed": 0, "unchanged": 0, "refused": 0}
        for row in self.rows:
            result[row.outcome] += 1
        return result

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "written": self.written,
            "counts": self.counts(),
            "rows": [asdict(r) for r in self.rows],
        }


class _Rollback(Exception):
    """Leaves the file's transaction without keeping anything."""


def _flag(value: str | None, column: str, default: bool) -> bool:
    text = (value or "").strip().lower()
    if not text:
        return default
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InvalidInput(f"expected yes or no, got {value!r}", field=column)


def _check_columns(
    header: Iterable[str], allowed: tuple[str, ...], required: tuple[str, ...]
) -> None:
    names = [h.strip().lower() for h in header]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise InvalidInput(
            f"unknown column {unknown[0]!r}; the columns are {', '.join(allowed)}", field="FILE"
        )
    missing = [r for r in required if r not in names]
    if missing:
        raise InvalidInput(f"the column {missing[0]!r} is required", field="FILE")


def _run(
    ctx: ServiceContext,
    rows: Sequence[Mapping[str, str]],
    dry_run: bool,
    one_row: Any,
) -> ImportReport:
    outcomes: list[RowOutcome] = []
    written = False
    try:
        with write_transaction():
            for line, raw in enumerate(rows, start=2):  # line 1 is the header
                row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
                try:
                    with db.obj.atomic():  # a savepoint: a refused row leaves nothing behind
                        outcomes.append(one_row(ctx, line, row))
                except UserError as refused:
                    key = row.get("email") or row.get("phone") or row.get("code") or ""
                    outcomes.append(RowOutcome(line, key, "refused", str(refused)))
            if dry_run or any(o.outcome == "refused" for o in outcomes):
                raise _Rollback
            written = True
    except _Rollback:
        pass
    return ImportReport(outcomes, dry_run, written)


def import_clients(
    ctx: ServiceContext, header: list[str], rows: Sequence[Mapping[str, str]], dry_run: bool = False
) -> ImportReport:
    """Clients from CSV rows (``code, name[, active]``): new codes added, names and active
    changed, nothing else touched."""
    ctx.require(Action.MANAGE_CLIENTS)
    _check_columns(header, CLIENT_COLUMNS, ("code", "name"))
    named: dict[str, int] = {}

    def one_row(ctx: ServiceContext, line: int, row: dict[str, str]) -> RowOutcome:
        _once_in_file(named, row.get("code", "").strip().upper(), line, "code")
        return _client_row(ctx, line, row)

    return _run(ctx, rows, dry_run, one_row)


def _once_in_file(named: dict[str, int], key: str, line: int, field: str) -> None:
    """Refuse a row naming what an earlier row of the file named: the two rows undid each
    other, and re-running the file never came to "unchanged" (a second primary is refused
    for the same reason)."""
    if not key:
        return
    if key in named:
        raise InvalidInput(f"line {named[key]} already names {key}", field=field)
    named[key] = line


def _client_row(ctx: ServiceContext, line: int, row: dict[str, str]) -> RowOutcome:
    code = row.get("code", "").upper()
    if not code:
        raise InvalidInput("is empty", field="code")
    active = _flag(row.get("active"), "active", True)
    existing = Client.get_or_none(Client.code == code)
    if existing is None:
        add_client(ctx, code, row.get("name", ""))
        if not active:
            contacts.deactivate_client(ctx, code)
        return RowOutcome(line, code, "added")
    changed = []
    if row.get("name") and row["name"] != existing.name:
        contacts.edit_client(ctx, code, name=row["name"])
        changed.append("name")
    if existing.active and not active:
        contacts.deactivate_client(ctx, code)
        changed.append("active")
    elif not existing.active and active:
        raise InvalidInput(f"{code} is deactivated; reactivating is not supported", field="active")
    return RowOutcome(line, code, "changed" if changed else "unchanged", ", ".join(changed))


def import_contacts(
    ctx: ServiceContext, header: list[str], rows: Sequence[Mapping[str, str]], dry_run: bool = False
) -> ImportReport:
    """Contacts from CSV rows (``client, name, email, phone, admin, rank, active``), matched to
    existing ones by email, else phone, within the client. At most one primary and one backup
    per client in a file (a second is refused: re-running would otherwise swap them)."""
    ctx.require(Action.MANAGE_CLIENTS)
    _check_columns(header, CONTACT_COLUMNS, ("client", "name"))
    ranks: dict[tuple[str, str], int] = {}
    named: dict[str, int] = {}

    def one_row(ctx: ServiceContext, line: int, row: dict[str, str]) -> RowOutcome:
        client = row.get("client", "").strip().upper()
        email = contact_rules.normal_email(row.get("email"), field="email")
        phone, _ = contact_rules.normal_phone(row.get("phone"), field="phone")
        for value, field in ((email, "email"), (phone, "phone")):
            if value:
                _once_in_file(named, f"{client} {value}", line, field)
        rank = row.get("rank", "").lower() or None
        if rank is not None:
            if rank not in contact_rules.RANKS:
                raise InvalidInput(f"expected primary, backup or empty, got {rank!r}", field="rank")
            key = (row.get("client", "").upper(), rank)
            if key in ranks:
                raise InvalidInput(
                    f"line {ranks[key]} already makes the {rank} admin of {key[0]}", field="rank"
                )
            ranks[key] = line
        return _contact_row(ctx, line, row, rank)

    return _run(ctx, rows, dry_run, one_row)


def _contact_row(
    ctx: ServiceContext, line: int, row: dict[str, str], rank: str | None
) -> RowOutcome:
    client = get_client(row.get("client", ""))
    email = contact_rules.normal_email(row.get("email"), field="email")
    phone, _ = contact_rules.normal_phone(row.get("phone"), field="phone")
    if email is None and phone is None:
        raise InvalidInput("a contact needs an email or a phone number", field="email")
    is_admin = _flag(row.get("admin"), "admin", False) or rank is not None
    active = _flag(row.get("active"), "active", True)
    key = email or phone or ""
    existing = None
    if email:
        existing = Contact.get_or_none((Contact.client == client) & (Contact.email == email))
    if existing is None and phone:
        existing = Contact.get_or_none((Contact.client == client) & (Contact.phone == phone))
    if existing is None:
        if not active:
            raise InvalidInput("a new contact cannot start deactivated", field="active")
        add_contact(ctx, client.code, row.get("name", ""), email, phone, is_admin, rank)
        return RowOutcome(line, key, "added")
    if not existing.active:
        if active:
            raise InvalidInput(
                f"{key} is deactivated; reactivating is not supported", field="active"
            )
        return RowOutcome(line, key, "unchanged")
    changes: dict[str, object] = {}
    if row.get("name") and row["name"] != existing.name:
        changes["name"] = row["name"]
    if email and email != existing.email:
        changes["email"] = email
    if phone and phone != existing.phone:
        changes["phone"] = phone
    if is_admin != existing.is_admin:
        changes["is_admin"] = is_admin
    if rank != existing.admin_rank:
        changes["admin_rank"] = rank
    ref = f"#{existing.id}"
    if changes:
        contacts.edit_contact(ctx, ref, **changes)  # type: ignore[arg-type]
    if not active:
        contacts.deactivate_contact(ctx, ref)
        changes["active"] = False
    return RowOutcome(line, key, "changed" if changes else "unchanged", ", ".join(changes))


def export_clients() -> list[dict[str, str]]:
    """Every client as a CSV row (the import's columns)."""
    return [
        {"code": c.code, "name": c.name, "active": "yes" if c.active else "no"}
        for c in Client.select().order_by(Client.code)
    ]


def export_contacts(client_code: str | None = None) -> list[dict[str, str]]:
    """Every contact (of one client, if given) as a CSV row (the import's columns)."""
    query = Contact.select(Contact, Client).join(Client).order_by(Client.code, Contact.id)
    if client_code:
        query = query.where(Client.id == get_client(client_code).id)
    return [
        {
            "client": c.client.code,
            "name": c.name,
            "email": c.email or "",
            "phone": c.phone or "",
            "admin": "yes" if c.is_admin else "no",
            "rank": c.admin_rank or "",
            "active": "yes" if c.active else "no",
        }
        for c in query
    ]
