"""Inputs that used to end in a traceback (exit 1, which is reserved for "database unreachable"),
a database that cannot be opened, and commands that print what they wrote (issue 10, fixes 5
and 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import NOW, ROOT, Cli, _refused, open_case
from wzdesk.cli.main import main

HUGE = str(2**64 + 1)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["sla", "due", "--severity", "minor", "--received", "0001-01-01T00:00:00+01:00"],
         "--received"),
        (["sla", "due", "--severity", "minor", "--received", "9999-12-31T23:59:59-05:00"],
         "--received"),
        (["sla", "elapsed", "--from", "0001-01-01T00:00:00Z", "--to", NOW], "--from"),
        (["sla", "elapsed", "--from", NOW, "--to", "9999-12-31T00:00:00Z"], "--to"),
        (["holidays", "add", "9999-12-31"], "DATE"),
        (["policy", "set", "--effective", "9999-12-31"], "--effective"),
    ],
)  # fmt: skip
def test_extreme_instants_are_bad_input(desk: Cli, args: list[str], field: str) -> None:
    line = _refused(desk, 2, field, *args)
    assert "between 1970 and 2199" in line


def test_extreme_received_and_clock(desk: Cli) -> None:
    line = _refused(
        desk, 2, "--received", "case", "open", "--client", "ACME", "--contact", "ana@acme.example",
        "--severity", "minor", "--channel", "portal", "--category", "question", "--summary", "x",
        "--received", "0001-01-01T00:00:00+00:00",
    )  # fmt: skip
    assert "between 1970 and 2199" in line
    for now in ("9999-12-31T23:00:00Z", "0001-01-01T01:00:00+02:00"):
        result = desk("sla", "due", "--severity", "minor", "--received", NOW, now=now)
        assert result.code == 2
        assert "WZDESK_NOW" in result.error_line


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (["mail", "quarantine", "show", HUGE], 5, "ID"),
        (["mail", "quarantine", "show", "-3"], 5, "ID"),
        (["mail", "quarantine", "discard", HUGE, "--reason", "spam"], 5, "ID"),
        (["mail", "outbox", "retry", HUGE], 5, "ID"),
        (["case", "list", "--limit", HUGE], 2, "--limit"),
        (["case", "list", "--limit", "-5"], 2, "--limit"),
        (["mail", "quarantine", "list", "--limit", HUGE], 2, "--limit"),
        (["case", "list", "--search", "x" * 100_000], 2, "--search"),
        (["mail", "watch", ".", "--interval", "nan"], 2, "--interval"),
    ],
)
def test_integers_beyond_64_bits_and_other_extremes(
    desk: Cli, args: list[str], code: int, field: str, tmp_path: Path
) -> None:
    if args[:2] == ["mail", "watch"]:
        for sub in ("cur", "new", "tmp"):
            (tmp_path / "md" / sub).mkdir(parents=True)
        args = ["mail", "watch", str(tmp_path / "md"), *args[3:]]
    _refused(desk, code, field, *args)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["macro", "add", "x", "--body-file", "~0"], "--body-file"),  # the fuzzer's find
        (["template", "edit", "acknowledgment", "--body-file", "~nosuchuser/r.txt"], "--body-file"),
        (["restore", "~0/desk.wzbackup", "--force"], "FILE"),
        (["backup", "verify", "~0"], "FILE"),
        (["backup", "--to", "~0/backups"], "--to"),
        (["mail", "import", "~0/mail"], "PATH"),
    ],
)  # fmt: skip
def test_a_home_folder_of_no_user_is_bad_input(desk: Cli, args: list[str], field: str) -> None:
    """``~0``: ``Path.expanduser`` raises RuntimeError for a user the system does not know;
    it was an internal error (exit 70)."""
    line = _refused(desk, 2, field, *args, user="sam")
    assert "names no user's home folder" in line


def test_a_db_path_in_the_home_of_no_user_is_bad_input(cli: Cli) -> None:
    result = cli("--db", "~0/desk.db", "case", "list")
    assert result.code == 2, result.err
    assert "--db: ~0 names no user's home folder" in result.error_line


def test_a_typo_in_the_db_folder_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    typo = tmp_path / "dat" / "desk.db"
    result = cli("--db", str(typo), "case", "list")
    assert result.code == 2
    assert "--db" in result.error_line and "does not exist" in result.error_line
    assert not typo.parent.exists()
    empty = cli("--db", "", "case", "list")
    assert empty.code == 2
    assert "--db: is empty" in empty.error_line


def test_a_new_sqlite_file_and_its_attachments_are_private(cli: Cli, tmp_path: Path) -> None:
    from tests.mail.conftest import eml

    path = tmp_path / "private" / "desk.db"
    path.parent.mkdir()
    message = tmp_path / "m.eml"
    message.write_bytes(eml(message_id="p@acme.example"))
    cli.monkeypatch.delenv("WZDESK_ATTACHMENTS", raising=False)
    assert cli("--db", str(path), "mail", "import", str(message)).code == 0
    assert path.stat().st_mode & 0o777 == 0o600
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            assert side.stat().st_mode & 0o077 == 0, suffix
    store = path.parent / "attachments"
    assert store.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(not os.environ.get("WZDESK_TEST_PG_URL"), reason="needs PostgreSQL")
@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/nowhere",  # nothing listens
        "{server}/wzdesk_no_such_database",  # the server is there, the database is not
    ],
)
def test_an_unreachable_postgresql_exits_1(url: str, capsys: Any) -> None:
    server = os.environ["WZDESK_TEST_PG_URL"].rsplit("/", 1)[0]
    code = main(["--db", url.format(server=server), "case", "list"], identity="sam")
    err = capsys.readouterr().err
    assert code == 1, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("wzdesk: error: --db: cannot open PostgreSQL")


def test_without_a_driver_the_message_names_the_one_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None; sys.modules['psycopg2'] = None\n"
        "from wzdesk.cli.main import main\n"
        "sys.exit(main(['--db', 'postgresql://x@127.0.0.1:1/wz', 'case', 'list']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "no PostgreSQL driver is installed (psycopg2)" in done.stderr
    assert "pip install 'wzdesk[postgres]'" in done.stderr and "Traceback" not in done.stderr


# -- honest output (fix 8) ------------------------------------------------------------------


def test_case_set_json_prints_what_it_wrote_not_a_later_change(
    desk: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = open_case(desk)["ref"]
    from wzdesk.services import policy_book
    from wzdesk.services.cases import reply
    from wzdesk.services.context import ServiceContext

    real = policy_book.load_policy_book
    calls = {"n": 0}

    def another_writer_then_the_book() -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # after case set committed, before it prints
            reply(ServiceContext("kim"), ref, "Kim got there in between", internal=True)
        return real()

    monkeypatch.setattr(policy_book, "load_policy_book", another_writer_then_the_book)
    written = desk.ok("case", "set", ref, "--assignee", "kim", "--json", user="kim").json
    monkeypatch.setattr(policy_book, "load_policy_book", real)
    assert (written["version"], written["assignee"]) == (2, "kim")
    assert desk.ok("case", "show", ref, "--json").json["version"] == 3


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (["--response", "minor=300"], "--response", "longer than the resolution target"),
        (["--resolution", "critical=2"], "--resolution", "longer than the resolution target"),
        (["--effective", "2126-03-09"], "--effective", "years ahead"),
        (["--note", "n" * 2001], "--note", "at most 2000"),
        # too large, not too small: it said "expected hours above 0"
        (["--response", "critical=99999999"], "--response", "at most 10000, got 99,999,999"),
        (["--resolution-days", "minor=5000"], "--resolution-days", "at most 1000, got 5000"),
    ],
)
def test_nonsense_policy_is_refused(desk: Cli, args: list[str], field: str, words: str) -> None:
    if "--effective" not in args:
        args = ["--effective", "2026-06-01", *args]
    line = _refused(desk, 2, field, "policy", "set", *args)
    assert words in line


def test_unbounded_tags_are_refused(desk: Cli) -> None:
    base = [
        "case", "open", "--client", "ACME", "--contact", "ana@acme.example", "--severity",
        "minor", "--channel", "portal", "--category", "question", "--summary", "Tags",
    ]  # fmt: skip
    _refused(desk, 2, "--tags", *base, "--tags", ",".join(f"t{i}" for i in range(21)))
    _refused(desk, 2, "--tags", *base, "--tags", "x" * 41)
    case = desk.ok(*base, "--tags", "Billing, urgent ,billing", "--json").json
    assert case["tags"] == ["billing", "urgent"]


def test_an_error_quoting_a_typed_newline_stays_one_line(desk: Cli) -> None:
    """Found by the fuzzer: ``policy unsubscribe $'0\\n@'`` printed its error on two lines."""
    result = desk("policy", "unsubscribe", "0\n@")
    assert result.code != 0
    assert result.err.strip().splitlines() == [
        "wzdesk: error: EMAIL: 0\\n@ is not subscribed to policy updates"
    ]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--summary", "Printer \udcff"], "--summary"),
        (["--description", "d\udcc3"], "--description"),
    ],
)
def test_text_that_is_not_utf8_is_refused_naming_the_field(
    desk: Cli, extra: list[str], field: str
) -> None:
    """An argument that is not UTF-8 arrives as lone surrogates (Python's surrogateescape): it
    reached the insert and ended in "internal error: UnicodeEncodeError". Now exit 2, the
    argument refused before the command runs (``main._undecodable_argument``)."""
    args = ["case", "open", "--client", "ACME", "--contact", "ana@acme.example"]
    args += ["--severity", "minor", "--channel", "email", "--category", "question"]
    args += ["--summary", "Printer", *extra]
    line = _refused(desk, 2, field, *args)
    assert f"{field}: is not UTF-8 text (the byte 0x" in line
