"""``user list``, ``contact list``, ``client list``, ``macro list|show``, ``template
list|show`` and ``alert rule list`` in plain SQL, over the quick read-only connection
(issue 13: scripts start fast without Peewee).

The statements are the ones ``services.directory``, ``contacts``, ``macros`` and ``alerts``
make through the models, in the same order (ties included: the same ORDER BY over the same
join); the rows come back as records that :mod:`wzdesk.services.directory_fields` and
:mod:`wzdesk.services.desk_fields` shape as they shape model rows.
``tests/services/test_quick_reads.py`` compares both paths' output.
"""

from __future__ import annotations

from collections.abc import Sequence

from wzdesk.store.quick_read import QuickReader, Record, listed_ids, records, records_with

_USER = ("login", "name", "role", "active", "identity", "email", "signature")
_CLIENT = ("id", "code", "name", "active")
_CONTACT = ("id", "name", "email", "phone", "is_admin", "admin_rank", "active")


def users(reader: QuickReader) -> list[Record]:
    """Every console user by login (``directory.list_users``)."""
    found = reader.rows(f'SELECT {", ".join(_USER)} FROM "user" ORDER BY login')
    return [Record(**dict(zip(_USER, row, strict=True))) for row in found]


def user_login(reader: QuickReader, login: str) -> str | None:
    """The login of the console user ``login`` names (already cleaned and lower-cased), or
    None (``directory.get_user``)."""
    found = reader.rows('SELECT login FROM "user" WHERE login = ?', (login,))
    return str(found[0][0]) if found else None


def client_id(reader: QuickReader, code: str) -> int | None:
    """The id of the client with this code (already cleaned and upper-cased), or None."""
    found = reader.rows("SELECT id FROM client WHERE code = ?", (code,))
    return int(found[0][0]) if found else None


def client_code(reader: QuickReader, client: int) -> str:
    """The code of the client with this id (which exists)."""
    return str(reader.rows("SELECT code FROM client WHERE id = ?", (client,))[0][0])


def clients(reader: QuickReader, active_only: bool = False) -> list[Record]:
    """Every client by code (``directory.list_clients``), or the active ones
    (``contacts.flagged_clients``)."""
    where = " WHERE active" if active_only else ""
    found = reader.rows(f"SELECT {', '.join(_CLIENT)} FROM client{where} ORDER BY code")
    return [Record(**dict(zip(_CLIENT, row, strict=True))) for row in found]


def contacts(reader: QuickReader, client: int | None) -> list[Record]:
    """Every contact (of one client), by client code and name (``directory.list_contacts``),
    each with its ``client`` (its code)."""
    return _with_client(reader, "contact", _CONTACT, client, "cl.code, t.name")


def _with_client(
    reader: QuickReader, table: str, names: Sequence[str], client: int | None, order: str
) -> list[Record]:
    """The ``names`` columns of ``table``'s rows (``t``) with their ``client`` (``cl``: its
    code), of one client or all, in ``order``."""
    columns = ", ".join(f"t.{name}" for name in names)
    where = "" if client is None else f" WHERE cl.id = {int(client)}"
    found = reader.rows(
        f"SELECT {columns}, cl.code FROM {table} AS t JOIN client AS cl ON t.client_id = cl.id"
        f"{where} ORDER BY {order}"
    )
    return records_with(found, names, "client", "code")


_ADMIN = ("id", "name", "email", "phone", "admin_rank")


def admins(reader: QuickReader, client: int) -> tuple[list[Record], bool, Record | None]:
    """The client's active admins, primary first, then by name; whether any has a training on
    record; when none, its first active contact by name (``contacts.admin_flags``)."""
    columns = ", ".join(_ADMIN)
    rank = "(CASE admin_rank WHEN 'primary' THEN 0 WHEN 'backup' THEN 1 ELSE 2 END)"
    found = records(
        reader.rows(
            f"SELECT {columns} FROM contact WHERE client_id = ? AND is_admin AND active "
            f"ORDER BY {rank}, name",
            (client,),
        ),
        _ADMIN,
    )
    if found:
        ids = listed_ids([int(admin.id) for admin in found])
        trained = bool(reader.rows(f"SELECT 1 FROM contact_training WHERE contact_id IN {ids}"))
        return found, trained, None
    first = reader.rows(
        f"SELECT {columns} FROM contact WHERE client_id = ? AND active ORDER BY name LIMIT 1",
        (client,),
    )
    return [], False, records(first, _ADMIN)[0] if first else None


def session_role(reader: QuickReader) -> str:
    """The role the PostgreSQL server authenticated (``SET ROLE`` does not change it)."""
    return str(reader.rows("SELECT session_user")[0][0])


def console_user(reader: QuickReader, identity: str) -> tuple[str, bool, str] | None:
    """(login, active, role) of the console user ``identity`` signs in as, as
    ``directory.user_for_identity`` finds it (``identity`` already cleaned), or None."""
    mapped = reader.rows(
        'SELECT login, active, role FROM "user" WHERE identity = ?'
        " OR (identity IS NULL AND login = ?) ORDER BY identity IS NULL LIMIT 1",
        (identity, identity.strip().lower()),
    )  # the user mapped to the identity first, else the unmapped one of that login
    return (str(mapped[0][0]), bool(mapped[0][1]), str(mapped[0][2])) if mapped else None


_SUBSCRIBER = ("email", "subscribed_at", "unsubscribed_at")


def subscribers(reader: QuickReader, include_left: bool) -> list[Record]:
    """The policy notices' subscribers by address (``policy_notices.list_subscribers``), those
    who left too with ``include_left``."""
    where = "" if include_left else " WHERE unsubscribed_at IS NULL"
    sql = f"SELECT {', '.join(_SUBSCRIBER)} FROM policy_subscriber{where} ORDER BY email"
    return records(reader.rows(sql), _SUBSCRIBER)


_TOKEN = (
    "id",
    "label",
    "prefix",
    "created_at",
    "created_by",
    "last_used_at",
    "revoked_at",
    "revoked_by",
)


def tokens(reader: QuickReader, client: int | None) -> list[Record]:
    """The clients' API tokens (of one client), oldest first (``client_side.list_tokens``),
    each with its ``client`` (its code); never the secrets."""
    return _with_client(reader, "api_token", _TOKEN, client, "t.id")


_MACRO = ("name", "body", "created_by", "updated_by", "updated_at")


def macros(reader: QuickReader, name: str | None = None) -> list[Record]:
    """Every canned reply by name (``macros.list_macros``), or the one named (as stored)."""
    where, params = ("", ()) if name is None else (" WHERE name = ?", (name,))
    sql = f"SELECT {', '.join(_MACRO)} FROM macro{where} ORDER BY name"
    return records(reader.rows(sql, params), _MACRO)


_TEMPLATE = ("name", "subject", "body", "updated_by", "updated_at")


def template_edits(reader: QuickReader, name: str | None = None) -> dict[str, Record]:
    """The supervisors' edits of message templates by name (``templates.list_templates``), or
    the edit of the one named (as registered)."""
    where, params = ("", ()) if name is None else (" WHERE name = ?", (name,))
    sql = f"SELECT {', '.join(_TEMPLATE)} FROM message_template{where}"
    return {str(row.name): row for row in records(reader.rows(sql, params), _TEMPLATE)}


_RULE = ("id", "event", "severities", "recipients", "minutes", "active")


def alert_rules(reader: QuickReader) -> list[Record]:
    """Every alert rule by id (``alerts.list_rules``)."""
    sql = f"SELECT {', '.join(_RULE)} FROM alert_rule ORDER BY id"
    return records(reader.rows(sql), _RULE)


def setting(reader: QuickReader, key: str) -> str | None:
    """A ``setting`` row's value, or None when there is no such row."""
    found = reader.rows("SELECT value FROM setting WHERE key = ?", (key,))
    return str(found[0][0]) if found else None


_VIEW = ("name", "query", "owner", "shared", "pinned", "created_at")


def saved_views(reader: QuickReader, login: str) -> list[Record]:
    """The saved views ``login`` sees, pinned first, then by name (``views.visible_views``)."""
    sql = (
        f"SELECT {', '.join(_VIEW)} FROM saved_view WHERE (owner = ?) OR shared"
        " ORDER BY pinned DESC, name, owner"
    )
    return records(reader.rows(sql, (login,)), _VIEW)
