"""Who may act (issue 10, fix 2): the first supervisor is created once, even when the first
sign-ins race; the identity is the connection's (the OS login, the PostgreSQL session role
mapped to a console user); impersonation is a supervisor's and is audited; the ready GRANT
script keeps the audit trail append-only."""

from __future__ import annotations

import threading
from pathlib import Path

import peewee
import pytest

from tests.conftest import PG_URL
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import NotFound, PermissionDenied
from wzdesk.core.rules import Role
from wzdesk.services import identity
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_user, sign_in
from wzdesk.store.database import db
from wzdesk.store.models import AuditEntry, User

ROOT = Path(__file__).resolve().parents[2]
RACERS = 6


def test_simultaneous_first_sign_ins_make_one_supervisor(
    database: peewee.Database, clock: FixedClock
) -> None:
    """Six logins open a new database at the same instant: one becomes its supervisor, the
    others are refused (they are nobody yet), on both backends."""
    start = threading.Barrier(RACERS, timeout=20)
    outcomes: dict[str, object] = {}

    def first_sign_in(login: str) -> None:
        with db.connection_context():
            start.wait()
            try:
                outcomes[login] = sign_in(login, clock).announcement
            except Exception as error:  # noqa: BLE001 - recorded and checked below
                outcomes[login] = error

    threads = [threading.Thread(target=first_sign_in, args=(f"racer{i}",)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    winners = [login for login, result in outcomes.items() if isinstance(result, str)]
    assert len(winners) == 1, outcomes
    losers = [result for login, result in outcomes.items() if login not in winners]
    assert all(isinstance(result, PermissionDenied) for result in losers), outcomes
    assert [(u.login, u.role) for u in User.select()] == [(winners[0], "supervisor")]
    assert AuditEntry.select().where(AuditEntry.action == "user.add").count() == 1


def test_an_identity_is_mapped_to_a_console_user(supervisor: ServiceContext, clock) -> None:
    add_user(supervisor, "kim", "Kim Lee", "agent", identity="KLee")
    assert sign_in("KLee", clock).context.actor == "kim"
    # The login itself no longer signs kim in: the mapping replaces it.
    with pytest.raises(PermissionDenied, match="'kim' is not a console user"):
        sign_in("kim", clock)
    with pytest.raises(PermissionDenied, match="'eve' is not a console user"):
        sign_in("eve", clock)


def test_impersonation_is_a_supervisors_and_is_audited(
    supervisor: ServiceContext, agent: ServiceContext, phone_staff: ServiceContext, clock
) -> None:
    acting = identity.authenticate("sam", clock, act_as="Kim").context
    assert (acting.actor, acting.role, acting.authenticated_as) == ("kim", Role.AGENT, "sam")
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.actor, entry.entity_id, entry.authenticated_as) == (
        "user.impersonate",
        "kim",
        "kim",
        "sam",
    )
    for who in ("kim", "pat"):
        with pytest.raises(PermissionDenied, match="only supervisors"):
            identity.authenticate(who, clock, act_as="sam")
    with pytest.raises(NotFound):
        identity.authenticate("sam", clock, act_as="ghost")
    assert identity.authenticate("sam", clock, act_as="SAM").context.authenticated_as is None


def test_the_os_login_comes_from_the_system_not_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import pwd

    real = pwd.getpwuid(os.geteuid()).pw_name
    for name in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(name, "sam")
    assert identity.os_login() == real


# -- PostgreSQL roles and the ready GRANT script -----------------------------------------------

needs_postgres = pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL")


def _grant_script(app: str, owner: str, database_name: str) -> str:
    """The README's GRANT script (docs/postgresql-roles.sql), its app-role part, for the test
    database's names."""
    text = (ROOT / "docs" / "postgresql-roles.sql").read_text()
    part = text[text.index("CREATE ROLE wzdesk_app NOLOGIN;") : text.index("-- One login per")]
    part = "\n".join(line for line in part.splitlines() if not line.startswith("--"))
    return (
        part.replace("wzdesk_app", app)
        .replace("wzdesk_owner", owner)
        .replace("DATABASE wzdesk ", f'DATABASE "{database_name}" ')
    )


@pytest.fixture
def pg_roles(database: peewee.Database, database_url: str) -> dict[str, str]:
    """An app role (the GRANT script's) and a login role for kim, named after the test
    database (roles are shared by the whole server)."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL roles")
    name = database.database
    roles = {"app": f"{name}_app", "kim": f"{name}_kim"}
    for role in roles.values():
        database.execute_sql(
            f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
            f"EXECUTE 'DROP OWNED BY \"{role}\"'; EXECUTE 'DROP ROLE \"{role}\"'; END IF; END $$"
        )
    owner = database.execute_sql("SELECT current_user").fetchone()[0]
    for statement in _grant_script(roles["app"], owner, name).split(";"):
        if statement.strip():
            database.execute_sql(statement)
    database.execute_sql(f'CREATE ROLE "{roles["kim"]}" LOGIN IN ROLE "{roles["app"]}"')
    yield roles
    db.initialize(database)
    database.connect(reuse_if_open=True)
    for role in roles.values():
        database.execute_sql(f'DROP OWNED BY "{role}"')
        database.execute_sql(f'DROP ROLE "{role}"')


@needs_postgres
def test_postgresql_session_role_is_the_identity_and_the_audit_is_append_only(
    database: peewee.Database,
    database_url: str,
    supervisor: ServiceContext,
    acme: str,
    pg_roles: dict[str, str],
    clock: FixedClock,
) -> None:
    from tests.conftest import new_case
    from wzdesk.services.cases import open_case, reply
    from wzdesk.store.database import open_database

    add_user(supervisor, "kim", "Kim Lee", "agent", identity=pg_roles["kim"])
    database.close()
    host_part, _, name = database_url.rpartition("/")
    scheme, _, server = host_part.partition("://")
    as_kim = open_database(f"{scheme}://{pg_roles['kim']}@{server.split('@')[-1]}/{name}")
    try:
        assert identity.connected_identity() == pg_roles["kim"]
        kim = identity.authenticate(identity.connected_identity(), clock).context
        assert (kim.actor, kim.role) == ("kim", Role.AGENT)
        ref = open_case(kim, new_case()).ref
        reply(kim, ref, "On it")
        assert AuditEntry.select().where(AuditEntry.actor == "kim").count() == 2
        for statement in ("UPDATE audit_entry SET actor = 'nobody'", "DELETE FROM audit_entry"):
            with pytest.raises(peewee.ProgrammingError, match="permission denied"):
                with as_kim.atomic():
                    as_kim.execute_sql(statement)
        # Asking to act as the supervisor is refused: kim's role is the identity.
        with pytest.raises(PermissionDenied):
            identity.authenticate(identity.connected_identity(), clock, act_as="sam")
    finally:
        as_kim.close()
