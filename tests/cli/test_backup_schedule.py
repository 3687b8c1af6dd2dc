"""``wzdesk backup schedule``: the cron line and systemd units it prints run the backup
against the same database, the same way, as the command that printed them."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli
from wzdesk.cli.backup_cmd import _db_for_schedule
from wzdesk.store.location import parse_database_url


def _cron_line(out: str, at: str) -> str:
    (line,) = [line for line in out.splitlines() if line.startswith(at)]
    return line


def test_the_cron_line_and_the_units_back_up_and_verify_this_database(
    cli: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "nightly 100%"  # cron reads % as a new line; systemd as a specifier
    out = cli.ok("backup", "schedule", "--to", str(folder), "--at", "2:05").out
    cron = _cron_line(out, "5 2 * * * ")
    assert "%" not in cron.replace("\\%", "")
    words = shlex.split(cron.removeprefix("5 2 * * * ").replace("\\%", "%"))
    first = words.index("&&")
    backup, verify = words[:first], words[first + 1 :]
    db = backup[0].removeprefix("WZDESK_DB=")
    assert parse_database_url(db)[:2] == parse_database_url(cli.url)[:2]
    assert backup[-3:] == ["backup", "--to", str(folder)]
    assert verify[0] == backup[0] and verify[-4:] == ["backup", "verify", "--to", str(folder)]
    units = [line for line in out.splitlines() if line.startswith("ExecStart=")]
    assert [line.endswith(shlex.quote(str(folder)).replace("%", "%%")) for line in units] == [
        True,
        True,
    ]
    assert "OnCalendar=*-*-* 02:05:00" in out


@pytest.mark.parametrize(
    ("url", "job"),
    [
        (
            "postgresql://desk:s3cret@db.example.org:6543/wz",
            "postgresql://desk@db.example.org:6543/wz",
        ),
        ("postgres://db.example.org/wz", "postgresql://db.example.org/wz"),
        (
            "postgresql://desk:pw@db.example.org/wz?sslmode=verify-full"
            "&sslrootcert=/etc/wz/ca%20bundle.pem",
            "postgresql://desk@db.example.org/wz?sslmode=verify-full"
            "&sslrootcert=/etc/wz/ca%20bundle.pem",
        ),
        (
            "postgresql://desk@/wz?host=/run/postgresql&port=5433",
            "postgresql://desk@/wz?host=/run/postgresql&port=5433",
        ),
        ("postgresql://[::1]:5433/wz", "postgresql://[::1]:5433/wz"),
    ],
)
def test_a_postgresql_job_connects_as_this_run_without_the_password(url: str, job: str) -> None:
    """The URL's options were dropped: a desk reached with sslmode=verify-full was backed up
    over whatever connection the server offered."""
    target = parse_database_url(url)
    assert _db_for_schedule(target) == job
    again = dict(parse_database_url(job).params)
    assert again == {key: value for key, value in target.params if key != "password"}
