"""Scripts start fast (issue 13): a subcommand loads only its own command module, whether the
global options come before or after it; the whole parser tree is still there for help."""

from __future__ import annotations

import argparse
import io
import os
import pwd
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wzdesk.cli.main import (
    COMMAND_MODULES,
    _command_of,
    _nothing_to_tear_down,
    _verb_of,
    build_parser,
)

PROBE = """
import sys
from wzdesk.cli.main import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith("wzdesk.cli.") and m.endswith("_cmd"))
print(",".join(loaded), file=sys.stderr)
raise SystemExit(code)
"""
ELAPSED = [
    "sla",
    "elapsed",
    "--from",
    "2026-03-09T10:00:00-04:00",
    "--to",
    "2026-03-09T11:00:00-04:00",
]


@pytest.mark.parametrize(
    ("words", "command"),
    [
        (["--db", "x.db", "sla", "due"], "sla"),
        (["sla", "due", "--db", "x.db"], "sla"),
        (["--as", "kim", "--db=x.db", "case", "list"], "case"),
        (["--db", "sla"], None),
        (["--demo"], None),
        ([], None),
    ],
)
def test_the_command_is_the_first_bare_word_no_option_owns(
    words: list[str], command: str | None
) -> None:
    assert _command_of(words) == command


@pytest.mark.parametrize(
    ("words", "verb"),
    [
        (["--db", "x.db", "case", "list", "--limit", "5"], "list"),
        (["case", "--db", "x.db", "show", "C-1"], "show"),
        (["case", "--as", "kim"], None),
        (["case", "--", "list"], None),
    ],
)
def test_the_verb_is_the_second_bare_word(words: list[str], verb: str | None) -> None:
    assert _verb_of(words) == verb


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [found] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(found.choices)


def test_a_case_verb_builds_only_its_own_parser_and_the_same_one() -> None:
    """``case list`` builds one verb's parser of fourteen, the very parser the whole tree
    holds; a verb another module defines (``explain``), or none known, builds them all."""
    every = _choices(_choices(build_parser())["case"])
    assert len(every) == 14
    only = _choices(_choices(build_parser("case", "list"))["case"])
    assert list(only) == ["list"]
    assert only["list"].format_help() == every["list"].format_help()
    assert only["list"].prog == "wzdesk case list"
    for verb in ("explain", "bogus"):
        assert list(_choices(_choices(build_parser("case", verb))["case"])) == list(every)


@pytest.mark.parametrize("area", ["rates", "quote", "time", "prepaid", "balance", "export"])
def test_a_services_area_builds_only_its_own_parser_and_the_same_one(area: str) -> None:
    """``services rates`` built the six areas' parsers (about 6 ms of argparse) for one."""
    every = _choices(_choices(build_parser())["services"])
    assert list(every) == ["rates", "quote", "time", "prepaid", "balance", "export"]
    only = _choices(_choices(build_parser("services", area))["services"])
    assert list(only) == [area]
    assert only[area].format_help() == every[area].format_help()
    for verb, parser in _nested(only[area]).items():
        assert parser.format_help() == _nested(every[area])[verb].format_help(), verb
    assert list(_choices(_choices(build_parser("services", "bogus"))["services"])) == list(every)


def _nested(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parsers under ``parser`` (none for a leaf)."""
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(found[0].choices) if found else {}


@pytest.mark.parametrize("command", ["client", "contact", "user"])
def test_a_module_of_several_commands_builds_only_the_one_named(command: str) -> None:
    """``people_cmd`` holds three commands; ``wzdesk user list`` built all three."""
    only = _choices(build_parser(command, "list"))
    assert list(only) == [command]
    every = _choices(build_parser())
    assert only[command].format_help() == every[command].format_help()


@pytest.mark.parametrize("before", [True, False])
def test_a_subcommand_loads_only_its_module_either_option_order(
    tmp_path: Path, before: bool
) -> None:
    database = str(tmp_path / "desk.db")
    words = ["--db", database, *ELAPSED] if before else [*ELAPSED, "--db", database]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *words],
        capture_output=True,
        text=True,
        env={"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "3600" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "wzdesk.cli.sla_cmd"


def test_the_whole_tree_is_built_for_help() -> None:
    parser = build_parser()
    [commands] = [a for a in parser._actions if hasattr(a, "choices") and a.choices]
    assert set(COMMAND_MODULES) <= set(commands.choices)


#: What a read-only command on an up-to-date database has no use for, and costs start-up time:
#: the migrations (and playhouse.migrate), phone-number metadata, the mail transport, and
#: ``lark`` (the query reader's reference in the tests: reading ``--query`` does without it).
NOT_FOR_READING = (
    "wzdesk.store.migrations",
    "playhouse.migrate",
    "phonenumbers",
    "wzdesk.mail.transport",
    "lark",
)
#: What the calendar commands and ``case list`` without free text or a query do without on an
#: up-to-date SQLite file (the quick read-only path): the ORM, and :mod:`dataclasses` with the
#: :mod:`inspect` it drags in.
NOT_FOR_THE_CALENDAR = (*NOT_FOR_READING, "peewee", "wzdesk.store.models", "dataclasses", "inspect")
LOADED = """
import sys
from wzdesk.cli.main import main
code = main(sys.argv[1:])
print(",".join(sorted(sys.modules)), file=sys.stderr)
raise SystemExit(code)
"""


def test_reading_cases_leaves_the_heavy_modules_alone(tmp_path: Path) -> None:
    database = str(tmp_path / "desk.db")
    env = {"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    first = [sys.executable, "-c", LOADED, "--db", database, "case", "list", "--limit", "5"]
    created = subprocess.run(first, capture_output=True, text=True, env=env, timeout=60)
    assert created.returncode == 0, created.stderr
    assert "wzdesk.store.migrations" in created.stderr  # the first call creates the schema
    me = pwd.getpwuid(os.geteuid()).pw_name  # the first user of the database: a supervisor
    filtered = [*first, "--severity", "major", "--as", me]  # --as: the search, through the store
    again = subprocess.run(filtered, capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0, again.stderr
    loaded = set(again.stderr.strip().splitlines()[-1].split(","))
    assert "peewee" in loaded  # the probe sees the database was opened
    assert sorted(loaded & set(NOT_FOR_READING)) == []
    queried = [*first, "--query", "sev:major -(is:paused OR tag:vip) due:<2h"]
    views = [sys.executable, "-c", LOADED, "--db", database, "view"]
    added = [*views, "add", "majors", "--query", "sev:major assignee:me", "--pin"]
    assert subprocess.run(added, capture_output=True, env=env, timeout=60).returncode == 0
    for quick in (first, [*first, "--severity", "major", "--breached", "--all"], queried):
        plain = subprocess.run(quick, capture_output=True, text=True, env=env, timeout=60)
        assert plain.returncode == 0, plain.stderr
        loaded = set(plain.stderr.strip().splitlines()[-1].split(","))
        assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []  # the quick path's
    listed = subprocess.run([*views, "list"], capture_output=True, text=True, env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "majors" in listed.stdout
    loaded = set(listed.stderr.strip().splitlines()[-1].split(","))
    assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []


def test_the_demo_desk_is_read_as_quickly_as_a_named_one(tmp_path: Path) -> None:
    """``--demo`` names the demo file before the command runs: naming it loaded the models
    (``services.session``), and every read of the demo desk took the ordinary path (136 ms of
    CPU against 68 for the same file named with ``--db``)."""
    env = {
        "WZDESK_NOW": "2026-03-09T14:00:00Z",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    listing = [sys.executable, "-c", LOADED, "--demo", "case", "list", "--limit", "5"]
    created = subprocess.run(listing, capture_output=True, text=True, env=env, timeout=60)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "data" / "wzdesk" / "demo.db").is_file()  # the first call made it
    again = subprocess.run(listing, capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0, again.stderr
    loaded = set(again.stderr.strip().splitlines()[-1].split(","))
    assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []


#: What showing one case has no use for: the mail composer and SMTP transport (its outgoing
#: messages only need their delivery state), the blob store (a case with no attachments), the
#: calendar's editing use cases with the re-timing they bring, and :mod:`dataclasses` (the
#: values on the path are :class:`wzdesk.core.values.Value` objects).
NOT_FOR_SHOWING = (
    *NOT_FOR_READING,
    "dataclasses",
    "smtplib",
    "wzdesk.mail.compose",
    "wzdesk.services.mail_outbox",
    "wzdesk.services.mail_settings",
    "wzdesk.services.calendar",
    "wzdesk.services.retiming",
)


def test_showing_a_case_leaves_the_mail_machinery_alone(tmp_path: Path) -> None:
    """Both ways: over the quick path (no ORM at all), and through the store (``--as`` the
    user one is takes it, as a filtered list does)."""
    database = str(tmp_path / "desk.db")
    env = {"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    demo = [sys.executable, "-m", "wzdesk", "--db", database, "demo", "--cases", "3"]
    assert subprocess.run(demo, capture_output=True, env=env, timeout=60).returncode == 0
    listed = [sys.executable, "-m", "wzdesk", "--db", database, "case", "list", "--limit", "1"]
    ref = subprocess.run(listed, capture_output=True, text=True, env=env, timeout=60).stdout
    ref = ref.splitlines()[1].split()[0]  # whichever case the seed left open
    me = pwd.getpwuid(os.geteuid()).pw_name  # the first user of the database: a supervisor
    ordinary = (["show", ref, "--as", me], ["list", "--limit", "5", "--all", "--as", me])
    for verb in ordinary:
        argv = [sys.executable, "-c", LOADED, "--db", database, "case", *verb]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        loaded = set(done.stderr.strip().splitlines()[-1].split(","))
        assert "wzdesk.store.models" in loaded  # the probe sees the case was read
        assert sorted(loaded & set(NOT_FOR_SHOWING)) == [], verb
    for verb in (["show", ref], ["list", "--limit", "5"], ["list", "--all", "--status", "open"]):
        argv = [sys.executable, "-c", LOADED, "--db", database, "case", *verb]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        assert ref in done.stdout
        loaded = set(done.stderr.strip().splitlines()[-1].split(","))
        assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == [], verb  # the quick path's


NEW_CASE = (
    *("--client", "ACME", "--contact", "ana@acme.example", "--severity", "minor"),
    *("--channel", "phone", "--category", "services", "--summary", "Training for new staff"),
)
LINE = "specialist:2:d"
#: The contact NEW_CASE names: only a client's admins open cases.
ANA_AN_ADMIN = (
    *("contact", "add", "--client", "ACME", "--name", "Ana"),
    *("--email", "ana@acme.example", "--admin"),
)


def test_calendar_commands_read_the_file_without_the_orm(tmp_path: Path) -> None:
    database = str(tmp_path / "desk.db")
    env = {"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*words: str) -> tuple[str, set[str]]:
        argv = [sys.executable, "-c", LOADED, "--db", database, *words]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout, set(done.stderr.strip().splitlines()[-1].split(","))

    due = ("sla", "due", "--severity", "major", "--received", "2026-04-02T10:00:00-04:00")
    before, loaded = run(*due)  # creates the database: the ordinary path
    assert "peewee" in loaded and "wzdesk.store.migrations" in loaded
    assert "2026-04-03T10:00:00-04:00" in before  # one business day: Friday 10:00
    run("holidays", "add", "2026-04-03", "--name", "Good Friday")
    after, loaded = run(*due)
    assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []
    assert "2026-04-06T10:00:00-04:00" in after  # the holiday another call added counts
    listed, loaded = run("holidays", "list")
    assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []
    assert "Good Friday" in listed
    shown, loaded = run("policy", "show")
    assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []
    assert "version 1 from the start" in shown
    for words in (
        ("user", "list"),
        ("client", "list"),
        ("contact", "list"),
        ("macro", "list"),
        ("template", "list"),
        ("template", "show", "reply"),
        ("alert", "rule", "list"),
        ("alert", "list"),
        ("mail", "outbox", "list", "--all"),
        ("mail", "quarantine", "list", "--all"),
        ("services", "rates", "--all"),
        ("services", "prepaid", "tiers"),
        ("client", "token", "list"),
        ("policy", "subscribers", "--all"),
        ("audit", "--limit", "5", "--since", "2026-03-01"),
        ("notices", "show"),
        ("backup", "list"),
    ):
        _, loaded = run(*words)  # the first user is this login: it signs in over the quick path
        assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == [], words
    run("client", "add", "ACME", "--name", "Acme")
    run(*ANA_AN_ADMIN)
    ref = run("case", "open", *NEW_CASE)[0].split()[0]
    run("services", "quote", "new", ref, "--type", "c", "--scope", "Training", "--line", LINE)
    for words in (
        ("services", "quote", "show", "1"),
        ("services", "quote", "list", ref),
        ("services", "balance", "acme"),
    ):
        shown, loaded = run(*words)
        assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == [], words
        assert "Q-1" in shown or "ACME: 0.00 h prepaid" in shown
    explained, loaded = run("case", "explain", ref)
    assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []
    assert explained.startswith(f"case      {ref}") and "response: target" in explained
    events, loaded = run("sla", "events", "--case", ref, "--csv")
    assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == []
    assert events.startswith("case,target,kind,at,detail")


def test_a_database_failing_in_the_middle_of_a_quick_read_is_said_to_be_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not "internal error (a bug)": the bare driver's errors are database errors too."""
    from wzdesk.cli.main import EXIT_DATABASE, main
    from wzdesk.store.quick_read import QuickReader

    database = str(tmp_path / "desk.db")
    monkeypatch.setenv("WZDESK_NOW", "2026-03-09T14:00:00Z")
    assert main(["--db", database, "demo", "--cases", "3"], identity="sam") == 0

    def failing(self: QuickReader, sql: str, params: object = ()) -> list[object]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(QuickReader, "rows", failing)
    capsys.readouterr()
    assert main(["--db", database, "user", "list"], identity="sam") == EXIT_DATABASE
    assert capsys.readouterr().err.strip() == "wzdesk: database error: disk I/O error"


#: Which PostgreSQL drivers a run imported (Peewee imports every one it can find, unless told
#: not to: :func:`wzdesk.cli.main._skip_postgres_driver_unless_needed`).
DRIVERS = """
import sys
from wzdesk.cli.main import main
code = main(sys.argv[1:])
drivers = [name for name in ("psycopg", "psycopg2") if sys.modules.get(name) is not None]
print("drivers:" + ",".join(drivers), file=sys.stderr)
raise SystemExit(code)
"""


def _drivers(argv: list[str], env: dict[str, str], block: str = "") -> tuple[int, str, str]:
    """Run ``wzdesk argv`` in a fresh process (``block``: a driver made unimportable first);
    the exit code, stdout, and the drivers it imported."""
    code = f"import sys; sys.modules[{block!r}] = None\n" if block else ""
    done = subprocess.run(
        [sys.executable, "-c", code + DRIVERS, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    *_, last = done.stderr.strip().splitlines() or [""]
    assert last.startswith("drivers:"), done.stderr
    return done.returncode, done.stdout, last.removeprefix("drivers:")


def test_a_sqlite_run_imports_no_postgresql_driver(tmp_path: Path) -> None:
    env = {"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    code, out, drivers = _drivers(["--db", str(tmp_path / "desk.db"), *ELAPSED], env)
    assert code == 0 and "3600" in out
    assert drivers == ""


@pytest.fixture
def postgres_desk(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """The worker's PostgreSQL test database, emptied, and the environment to reach it (the
    first command creates the schema, and the database role it connects as is its first user,
    a supervisor)."""
    from tests.conftest import PG_URL, reset_postgres

    if not PG_URL:
        pytest.skip("WZDESK_TEST_PG_URL is not set")
    url = PG_URL
    reset_postgres(url)
    env = {"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return url, env


def test_a_postgresql_run_imports_psycopg2_and_not_psycopg_3(
    postgres_desk: tuple[str, dict[str, str]],
) -> None:
    """psycopg 3 beside psycopg2 cost 150–250 ms of CPU per command for nothing."""
    url, env = postgres_desk
    added = _drivers(["--db", url, "client", "add", "ACME", "--name", "Acme Corp"], env)
    assert added == (0, added[1], "psycopg2")
    code, out, drivers = _drivers(["client", "list", "--db", url], env)  # options after
    assert (code, drivers) == (0, "psycopg2") and "Acme Corp" in out
    code, out, drivers = _drivers([*ELAPSED, "--db", url], env)
    assert (code, drivers) == (0, "psycopg2") and "3600" in out


#: Whether a run imported Python's ``ssl`` (psycopg2 does, for nothing: see
#: :func:`wzdesk.cli.main._import_psycopg2_without_ssl`), and that it still can afterwards.
SSL_AFTER = """
import sys
from wzdesk.cli.main import main
code = main(sys.argv[1:])
imported = "ssl" in sys.modules
import ssl
ssl.create_default_context()
print(f"ssl imported: {imported}", file=sys.stderr)
raise SystemExit(code)
"""


def test_a_postgresql_run_leaves_pythons_ssl_alone_and_libpq_still_speaks_ssl(
    postgres_desk: tuple[str, dict[str, str]],
) -> None:
    """psycopg2 imports ``ssl`` when it loads: 7–8 ms of a command's ~120 of CPU."""
    url, env = postgres_desk

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", SSL_AFTER, *argv]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    added = run("--db", url, "client", "add", "ACME", "--name", "Acme Corp")
    assert added.returncode == 0, added.stderr
    listed = run("client", "list", "--db", url)
    assert listed.returncode == 0 and "Acme Corp" in listed.stdout
    assert listed.stderr.strip().splitlines()[-1] == "ssl imported: False"
    # The test server has no SSL: libpq, set up without Python's ssl, still asks for it.
    refused = run("client", "list", "--db", url + "?sslmode=require")
    assert refused.returncode == 1
    assert "server does not support SSL, but SSL was required" in refused.stderr


def test_reading_on_postgresql_leaves_the_orm_alone(
    postgres_desk: tuple[str, dict[str, str]],
) -> None:
    """The quick path on PostgreSQL: the session role signs in (the database's first user,
    a supervisor), read-only, without Peewee; a rare word too, over the GIN indexes."""
    url, env = postgres_desk

    def run(*words: str) -> tuple[str, set[str]]:
        argv = [sys.executable, "-c", LOADED, "--db", url, *words]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout, set(done.stderr.strip().splitlines()[-1].split(","))

    _, loaded = run("client", "add", "ACME", "--name", "Acme Corp")  # creates the schema
    assert "peewee" in loaded
    run("holidays", "add", "2026-04-03", "--name", "Good Friday")
    run(*ANA_AN_ADMIN)
    ref = run("case", "open", *NEW_CASE)[0].split()[0]
    due = ("sla", "due", "--severity", "major", "--received", "2026-04-02T10:00:00-04:00")
    for words, shown in (
        (due, "2026-04-06T10:00:00-04:00"),  # over the holiday another call added
        (("holidays", "list"), "Good Friday"),
        (("client", "list"), "Acme Corp"),
        (("user", "list"), "supervisor"),
        (("case", "show", ref), "Training for new staff"),
        (("case", "list", "--limit", "5"), ref),
        (("case", "list", "--query", "training"), ref),
        (("case", "list", "--query", "zeppelin"), "(none)"),
        (("case", "list", "--severity", "minor", "--breached"), "(none)"),
        (("view", "list"), "(none)"),
        (("audit", "--limit", "3"), "case."),
    ):
        out, loaded = run(*words)
        assert shown in out, words
        assert sorted(loaded & set(NOT_FOR_THE_CALENDAR)) == [], words


def test_without_psycopg2_a_postgresql_run_goes_through_psycopg_3(
    postgres_desk: tuple[str, dict[str, str]],
) -> None:
    url, env = postgres_desk
    words = ["--db", url, "client", "add", "ACME", "--name", "Acme Corp"]
    added = _drivers(words, env, block="psycopg2")
    assert added == (0, added[1], "psycopg")
    code, out, drivers = _drivers(["--db", url, "client", "list"], env, block="psycopg2")
    assert (code, drivers) == (0, "psycopg") and "Acme Corp" in out


#: ``wzdesk`` as the console script runs it, with an object whose finaliser says when the
#: interpreter is torn down (os.write: by then ``sys.stderr`` may be gone).
TEARDOWN = """
import builtins, os, sys
class Sentinel:
    def __del__(self, write=os.write):
        write(2, b"torn down\\n")
builtins.wzdesk_sentinel = Sentinel()
sys.argv = ["wzdesk", *sys.argv[1:]]
from wzdesk.cli.main import run
run()
"""


def test_a_command_that_only_read_leaves_at_once_with_all_its_output(tmp_path: Path) -> None:
    """``run``: a quick read skips the interpreter's teardown, yet every byte it printed (more
    than a pipe holds) and its exit code arrive; a command that opened the store (a write, or
    a read the quick path left to it) is torn down as usual, its connection closed."""
    database = str(tmp_path / "desk.db")
    env = {"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*words: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-c", TEARDOWN, "--db", database, *words]
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)

    seeded = run("demo", "--cases", "120")
    assert seeded.returncode == 0 and "torn down" in seeded.stderr  # written through the store
    me = pwd.getpwuid(os.geteuid()).pw_name
    for listing in (("user", "list", "--json"), ("case", "list", "--all", "--limit", "200")):
        quick, ordinary = run(*listing), run(*listing, "--as", me)
        assert quick.returncode == ordinary.returncode == 0
        assert "torn down" not in quick.stderr and "torn down" in ordinary.stderr
        assert quick.stdout == ordinary.stdout and quick.stdout.endswith("\n")
    assert len(quick.stdout) > 8192  # more than Python's buffer: the last of it was pending
    refused = run("sla", "due", "--severity", "major", "--received", "soon")
    assert refused.returncode == 2 and "torn down" not in refused.stderr
    assert "--received: expected an ISO-8601 instant" in refused.stderr
    ref = quick.stdout.splitlines()[1].split()[0]
    replied = run("case", "reply", ref, "--message", "On it.")
    assert replied.returncode == 0 and "torn down" in replied.stderr
    assert not Path(database + "-wal").exists()  # the last connection closed: log folded in


def test_a_process_that_opened_the_orm_or_the_console_is_torn_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever else it finds: the ORM is how every write reaches the database."""
    import atexit
    import threading

    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    for loaded in ("peewee", "textual"):
        monkeypatch.delitem(sys.modules, loaded, raising=False)
    assert _nothing_to_tear_down()
    for loaded in ("peewee", "textual"):
        monkeypatch.setitem(sys.modules, loaded, sys)
        assert not _nothing_to_tear_down(), loaded
        monkeypatch.delitem(sys.modules, loaded)
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 1)  # an exit handler to run
    assert not _nothing_to_tear_down()
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a thread to join
    assert not _nothing_to_tear_down()


@pytest.mark.parametrize(
    ("failure", "code"),
    [(BrokenPipeError(32, "Broken pipe"), 0), (OSError(28, "No space left on device"), 74)],
)
def test_leaving_at_once_a_reader_gone_is_no_error_and_a_full_disk_is_said(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], failure: OSError, code: int
) -> None:
    """The output ``run`` flushes last may fail: ``| head`` left (as in the command), or the
    disk is full (one line, and a failing exit code, never a traceback)."""
    from wzdesk.cli import main as program

    class Unwritable(io.StringIO):
        def flush(self) -> None:
            raise failure

    def leave(status: int) -> None:
        raise SystemExit(status)

    monkeypatch.setattr(program, "main", lambda: 0)
    monkeypatch.setattr(program, "_nothing_to_tear_down", lambda: True)
    monkeypatch.setattr(program.os, "_exit", leave)
    monkeypatch.setattr(sys, "stdout", Unwritable())
    with pytest.raises(SystemExit) as left:
        program.run()
    assert left.value.code == code
    said = capfd.readouterr().err
    assert said == ("" if code == 0 else "wzdesk: error: No space left on device\n")


@pytest.fixture
def three_case_desk(tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """``python -m wzdesk --db`` a demo desk of three cases, and the environment to run it in."""
    database = str(tmp_path / "desk.db")
    env = {"WZDESK_NOW": "2026-03-09T14:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    wzdesk = [sys.executable, "-m", "wzdesk", "--db", database]
    assert subprocess.run([*wzdesk, "demo", "--cases", "3"], env=env).returncode == 0
    return wzdesk, env


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_to_a_full_disk_is_said_as_such_not_as_a_bug(
    three_case_desk: tuple[list[str], dict[str, str]],
) -> None:
    """Both ways out: the quick path (flushed at the end) and the store (``--as``)."""
    wzdesk, env = three_case_desk
    me = pwd.getpwuid(os.geteuid()).pw_name
    for extra in ((), ("--as", me)):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [*wzdesk, "user", "list", *extra], stdout=full, stderr=subprocess.PIPE, env=env
            )
        assert done.returncode == 74, done.stderr
        assert done.stderr.decode().strip() == "wzdesk: error: No space left on device"


def test_a_command_started_with_its_output_closed_runs_and_says_nothing(
    three_case_desk: tuple[list[str], dict[str, str]],
) -> None:
    """``wzdesk … >&-`` or ``2>&-`` (a cron line, a service): Python has no stream there; the
    command still runs, what it would print goes nowhere, and the exit code is its own."""
    wzdesk, env = three_case_desk
    me = pwd.getpwuid(os.geteuid()).pw_name
    for extra in ((), ("--as", me)):
        for closed in (">&-", "2>&-"):
            argv = ["sh", "-c", f'exec "$@" {closed}', "sh", *wzdesk, "user", "list", *extra]
            done = subprocess.run(argv, capture_output=True, text=True, env=env)
            assert done.returncode == 0, (closed, done.stderr)
            assert done.stderr == "" and ("supervisor" in done.stdout) is (closed == "2>&-")
        missing = ["sh", "-c", 'exec "$@" >&-', "sh", *wzdesk, "case", "show", "WZ-0", *extra]
        refused = subprocess.run(missing, capture_output=True, text=True, env=env)
        assert refused.returncode == 5 and "no case 'WZ-0'" in refused.stderr
