"""Choosing the database from ``--db`` / ``WZDESK_DB``: SQLite paths and URLs, PostgreSQL URLs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import peewee
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wzdesk.core.errors import DatabaseUnavailable, InvalidInput
from wzdesk.store import location
from wzdesk.store.database import open_database
from wzdesk.store.location import DatabaseTarget, parse_database_url


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("sqlite:///wzdesk.db", "wzdesk.db"),  # three slashes: relative
        ("sqlite:///data/desk.db", "data/desk.db"),
        ("sqlite:////var/lib/wzdesk/desk.db", "/var/lib/wzdesk/desk.db"),  # four: absolute
        ("desk.db", "desk.db"),  # a plain path
        ("/srv/wzdesk/desk.db", "/srv/wzdesk/desk.db"),
        ("~/desk.db", "~/desk.db"),  # expanded when connecting
    ],
)
def test_sqlite_forms(url: str, location: str) -> None:
    assert parse_database_url(url) == DatabaseTarget("sqlite", location)


def test_postgresql_url_with_every_part() -> None:
    target = parse_database_url("postgresql://desk:s%40cret@db.example.org:6543/wzdesk")
    assert target.backend == "postgresql"
    assert target.location == "wzdesk"
    assert dict(target.params) == {
        "host": "db.example.org",
        "port": 6543,
        "user": "desk",
        "password": "s@cret",  # percent-decoded
    }
    assert target.description == "PostgreSQL db.example.org:6543/wzdesk"
    assert "s@cret" not in target.description


def test_postgres_scheme_alias_and_defaults() -> None:
    target = parse_database_url("postgres://localhost/wz")
    assert target.backend == "postgresql"
    assert target.location == "wz"
    assert dict(target.params) == {"host": "localhost"}
    assert target.description == "PostgreSQL localhost:5432/wz"


def test_postgresql_url_without_database_name_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_database_url("postgresql://desk@db.example.org:5432/")
    assert caught.value.field == "--db"
    assert "database name" in caught.value.message


@pytest.mark.parametrize("url", ["mysql://root@localhost/wz", "http://example.org/x.db"])
def test_unknown_scheme_names_the_db_option(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_database_url(url)
    assert caught.value.field == "--db"
    assert str(caught.value).startswith("--db: ")
    assert "postgresql://" in caught.value.message  # says what is expected
    assert url in caught.value.message


def test_sqlite_url_without_a_path_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_database_url("sqlite:///")
    assert caught.value.field == "--db"


def test_default_is_a_sqlite_file_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("wzdesk.store.location.default_data_dir", lambda: tmp_path)
    target = parse_database_url(None)
    assert target == DatabaseTarget("sqlite", str(tmp_path / "wzdesk.db"))


@pytest.mark.parametrize("url", ["", "  "])
def test_an_empty_db_is_refused_not_read_as_the_default(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_database_url(url)
    assert caught.value.field == "--db"
    assert "empty" in caught.value.message


def test_open_database_reads_wzdesk_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    monkeypatch.setenv("WZDESK_DB", f"sqlite:///{path}")
    database = open_database()
    try:
        assert isinstance(database, peewee.SqliteDatabase)
        assert path.exists()
        assert path.stat().st_mode & 0o777 == 0o600  # readable by its owner only
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000
    finally:
        database.close()


def test_unreachable_server_is_one_clear_error_exit_1() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database("postgresql://nobody@127.0.0.1:1/nowhere")
    assert caught.value.exit_code == 1  # "database unreachable", not "bad input"
    assert caught.value.field == "--db"
    assert "PostgreSQL 127.0.0.1:1/nowhere" in caught.value.message
    assert "\n" not in str(caught.value)


def test_a_missing_folder_is_a_typo_not_a_wish(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        open_database(str(tmp_path / "dta" / "desk.db"))
    assert caught.value.field == "--db"
    assert "does not exist" in caught.value.message
    assert not (tmp_path / "dta").exists()


def test_an_unwritable_folder_is_one_clear_error(tmp_path: Path) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root ignores the mode; /sys refuses even root
        locked = Path("/sys/kernel")
    if not locked.is_dir():
        pytest.skip("no folder here refuses to create a file")
    with pytest.raises(DatabaseUnavailable, match="cannot create the database file"):
        open_database(str(locked / "desk.db"))


def test_a_file_that_is_no_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just notes\n" * 200)
    with pytest.raises(DatabaseUnavailable, match="notes.txt"):
        open_database(str(path))


def test_postgresql_url_options_go_to_libpq_as_given() -> None:
    """``?sslmode=verify-full`` was dropped without a word: a team asking for an encrypted,
    verified connection got whatever the server offered."""
    url = "postgresql://desk@db.example.org/wz?sslmode=verify-full&sslrootcert=/etc/wz/ca.pem"
    target = parse_database_url(url + "&connect_timeout=10")
    assert dict(target.params) == {
        "host": "db.example.org",
        "user": "desk",
        "sslmode": "verify-full",
        "sslrootcert": "/etc/wz/ca.pem",
        "connect_timeout": "10",
    }
    socket = parse_database_url("postgresql:///wz?host=/run/postgresql&port=5433")
    assert dict(socket.params) == {"host": "/run/postgresql", "port": "5433"}
    assert socket.description == "PostgreSQL /run/postgresql:5433/wz"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://desk@h/wz?user=other", "user is given twice"),
        ("postgresql://h:6543/wz?port=5432", "port is given twice"),
        ("postgresql://h/wz?dbname=other", "dbname is given twice; give it after the /"),
        ("postgresql://h/wz?sslmode=require&sslmode=disable", "sslmode is given twice"),
        ("postgresql://h/wz?sslmode", "name=value"),
        ("postgresql://h/wz?=require", "name=value"),
        ("postgresql://h/wz?a=1&&b=2", "name=value"),
        ("postgresql://h:abc/wz", "the port is not a number"),
        ("postgresql://h:99999/wz", "the port is not a number"),
        ("postgresql://[::1/wz", "Invalid IPv6 URL"),  # was an internal error
        ("postgresql://h/wz%00x", "NUL"),  # was an internal error, in the driver
        ("postgresql://desk:pw%00@h/wz", "NUL"),
        ("postgresql://h/wz?application_name=a%00b", "NUL"),
    ],
)
def test_a_postgresql_url_saying_something_twice_or_garbled_is_refused(
    url: str, words: str
) -> None:
    """A port that is no number, or a lone [, was an internal error (exit 70): urllib's
    ValueError."""
    with pytest.raises(InvalidInput) as caught:
        parse_database_url(url)
    assert caught.value.field == "--db"
    assert words in caught.value.message


@pytest.fixture
def server_url() -> str:
    from tests.conftest import PG_URL

    if not PG_URL:
        pytest.skip("WZDESK_TEST_PG_URL is not set")
    return PG_URL


def test_url_options_reach_the_connection_and_the_backup_tools(server_url: str) -> None:
    from wzdesk.store.database import db, open_target

    database = open_database(f"{server_url}?application_name=wzdesk-ops&connect_timeout=7")
    try:
        shown = database.execute_sql("SHOW application_name").fetchone()[0]
        assert shown == "wzdesk-ops"
        target = open_target()  # what backup hands to pg_dump
        assert ("application_name", "wzdesk-ops") in target.params
        assert ("connect_timeout", "7") in target.params
    finally:
        database.close()
        db.initialize(None)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ("sslmode=require", "SSL"),  # the test server has no SSL: libpq was asked for it
        ("sslmod=require", "sslmod"),  # a typo is named, not ignored
        ("sslmode=sometimes", "sslmode"),
    ],
)
def test_url_options_libpq_refuses_are_one_clear_error(
    server_url: str, options: str, words: str
) -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(f"{server_url}?{options}")
    assert caught.value.field == "--db"
    assert words in caught.value.message
    assert "\n" not in str(caught.value)


@settings(max_examples=400, deadline=None)
@given(
    rest=st.text(alphabet=st.sampled_from("ab:/@?&=%[]0123456789.-_ \x00é"), max_size=40),
    scheme=st.sampled_from(["postgresql://", "postgres://", "sqlite:", ""]),
)
def test_any_db_text_is_a_target_or_an_input_error_naming_db(rest: str, scheme: str) -> None:
    """Whatever ``--db`` says, parsing it gives a target or refuses it naming ``--db``;
    never another exception (each was an internal error, exit 70)."""
    try:
        target = parse_database_url(scheme + rest)
    except InvalidInput as error:
        assert error.field == "--db"
        return
    assert target.backend in ("sqlite", "postgresql")
    assert target.location
    for key, value in target.params:
        assert key and "\x00" not in f"{key}{value}"


#: URL text: the separators urllib reads, the characters a plain URL must not hold, letters
#: of both cases, digits, and a few beyond ASCII or printing.
URL_TEXT = st.text(alphabet=st.sampled_from("aZ09.-_~:@/?=&%[];# \t\x00é"), max_size=40)


def _read(url: str) -> DatabaseTarget | str:
    try:
        return parse_database_url(url)
    except InvalidInput as error:
        return str(error)


@given(rest=URL_TEXT, scheme=st.sampled_from(["postgresql://", "postgres://"]))
@example(rest="u:p@Db:65535/x", scheme="postgresql://")
@example(rest="u:p@Db:65536/x", scheme="postgresql://")
@example(rest="u@h:/x?a=b&c=d", scheme="postgres://")
@settings(max_examples=600, deadline=None)
def test_a_plain_url_reads_as_urllib_reads_it(rest: str, scheme: str) -> None:
    """``location.PlainUrl`` (no urllib import for an everyday ``--db``) against urllib: the
    same target, or the same refusal, for any text; and it is taken for plain text only."""
    url = scheme + rest
    split = _read(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(location, "is_plain", lambda _url: False)  # urllib for every URL
        assert split == _read(url)
    if location.is_plain(url):
        assert not set("%[]#; \t\x00é") & set(url)


def test_an_everyday_postgresql_url_imports_no_urllib() -> None:
    code = (
        "import sys; from wzdesk.store.location import parse_database_url; "
        "parse_database_url('postgresql://desk:pw@db.example.org:6543/wzdesk?sslmode=require'); "
        "print('urllib.parse' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
