"""The role and identity matrix, from the command line: what someone who is no console user
may read (the published SLA arithmetic, nothing else), and what each role may do. A refusal
is exit 4, one line, and writes nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tests.cli.test_cli import Cli, open_case
from tests.mail.conftest import eml

NOW = "2026-03-09T10:00:00-04:00"
#: Who runs the command: not a console user, phone staff, an agent, a supervisor.
WHO = ("eve", "pat", "kim", "sam")
counter = itertools.count(1)

Args = Callable[[Cli], list[str]]


def _case(cli: Cli) -> str:
    return str(open_case(cli)["ref"])


def _eml(cli: Cli) -> str:
    path = cli.tmp / f"m{next(counter)}.eml"
    path.write_bytes(eml(message_id=f"matrix-{next(counter)}@acme.example"))
    return str(path)


#: command -> the exit code for (eve, pat, kim, sam).
MATRIX: list[tuple[str, Args, tuple[int, int, int, int]]] = [
    # The published SLA policy and its arithmetic: anyone who can open the database.
    ("sla due", lambda c: ["sla", "due", "--severity", "major", "--received", NOW], (0, 0, 0, 0)),
    ("sla elapsed", lambda c: ["sla", "elapsed", "--from", NOW, "--to", NOW], (0, 0, 0, 0)),
    ("policy show", lambda c: ["policy", "show"], (0, 0, 0, 0)),
    ("holidays list", lambda c: ["holidays", "list"], (0, 0, 0, 0)),
    # The directory, cases and mail: console users only.
    ("client list", lambda c: ["client", "list"], (4, 0, 0, 0)),
    ("contact list", lambda c: ["contact", "list", "--json"], (4, 0, 0, 0)),
    ("user list", lambda c: ["user", "list"], (4, 0, 0, 0)),
    ("case list", lambda c: ["case", "list"], (4, 0, 0, 0)),
    ("case show", lambda c: ["case", "show", _case(c)], (4, 0, 0, 0)),
    ("mail quarantine list", lambda c: ["mail", "quarantine", "list"], (4, 0, 0, 0)),
    ("mail outbox list", lambda c: ["mail", "outbox", "list"], (4, 0, 0, 0)),
    ("mail attachments", lambda c: ["mail", "attachments", _case(c)], (4, 0, 0, 0)),
    ("services rates", lambda c: ["services", "rates"], (4, 0, 0, 0)),
    # Writing, by role.
    (
        "case open",
        lambda c: [
            "case",
            "open",
            "--client",
            "ACME",
            "--contact",
            "ana@acme.example",
            "--severity",
            "minor",
            "--channel",
            "phone",
            "--category",
            "question",
            "--summary",
            "Matrix",
        ],  # fmt: skip
        (4, 0, 0, 0),
    ),
    (
        "case note",
        lambda c: ["case", "reply", _case(c), "--message", "n", "--internal"],
        (4, 0, 0, 0),
    ),  # fmt: skip
    ("case reply", lambda c: ["case", "reply", _case(c), "--message", "r"], (4, 4, 0, 0)),
    ("case resolve", lambda c: ["case", "resolve", _case(c), "--note", "done"], (4, 4, 0, 0)),
    ("mail import", lambda c: ["mail", "import", _eml(c)], (4, 0, 0, 0)),
    (
        "client add",
        lambda c: ["client", "add", f"C{next(counter)}", "--name", "New client"],
        (4, 4, 0, 0),
    ),
    (
        "user add",
        lambda c: ["user", "add", f"u{next(counter)}", "--name", "New", "--role", "agent"],
        (4, 4, 4, 0),
    ),
    (
        "holidays add",
        lambda c: ["holidays", "add", f"2026-12-{next(counter) % 28 + 1:02d}"],
        (4, 4, 4, 0),
    ),  # fmt: skip
    (
        "policy set",
        lambda c: [
            "policy",
            "set",
            "--effective",
            f"2026-0{next(counter) % 3 + 4}-01T0{next(counter) % 9}:00:00Z",
        ],
        (4, 4, 4, 0),
    ),
    ("backup", lambda c: ["backup", "--to", str(c.tmp / "backups")], (4, 4, 4, 0)),
]


@pytest.fixture
def matrix_desk(desk: Cli, tmp_path) -> Cli:
    desk.tmp = tmp_path  # type: ignore[attr-defined]
    desk.monkeypatch.setenv("WZDESK_ATTACHMENTS", str(tmp_path / "attachments"))
    return desk


def test_identity_and_role_matrix(matrix_desk: Cli) -> None:
    """Every row, as each of eve, pat, kim and sam, on one desk (rows that need a case open
    a fresh one)."""
    wrong = []
    for name, args, codes in MATRIX:
        for who, expected in zip(WHO, codes, strict=True):
            words = args(matrix_desk)
            before = matrix_desk.counts() if expected else None
            result = matrix_desk(*words, user=who)
            if result.code != expected:
                wrong.append((name, who, result.code, result.err))
            elif expected:
                assert result.out == ""
                assert who in result.error_line
                assert matrix_desk.counts() == before, (name, who)
    assert wrong == []


def test_an_unknown_identity_cannot_open_the_console(matrix_desk: Cli) -> None:
    result = matrix_desk(user="eve")
    assert result.code == 4
    assert "'eve' is not a console user" in result.error_line
