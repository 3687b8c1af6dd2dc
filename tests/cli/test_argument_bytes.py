"""Arguments that are not UTF-8: a text argument is refused by name; a file name may be any
bytes. Python keeps such a byte as a lone surrogate (``\\udcff`` for 0xff), which reached the
database or the output and stopped the command with "internal error"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import seed_desk
from tests.cli.test_cli import Cli

XFF = "\udcff"  # how Python decodes the byte 0xff of an argument (os.fsdecode)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("case", "show", f"WZ-{XFF}"), "REF: is not UTF-8 text (the byte 0xff at position 3)"),
        (("case", "list", "--query", f"a{XFF}b"), "--query: is not UTF-8 text (the byte 0xff"),
        (("--as", XFF, "case", "list"), "--as: is not UTF-8 text (the byte 0xff at position 0)"),
        (
            ("client", "add", "NEW", "--name", f"Caf{XFF}"),
            "--name: is not UTF-8 text (the byte 0xff at position 3)",
        ),
        (  # --to here is logins, not backup's folder: an outside probe's "internal error"
            ("alert", "rule", "add", "--event", "at_risk", "--to", f"ki{XFF}m"),
            "--to: is not UTF-8 text (the byte 0xff at position 2)",
        ),
    ],
)
def test_a_text_argument_that_is_not_utf8_is_refused_by_name(
    cli: Cli, argv: tuple[str, ...], named: str
) -> None:
    seed_desk(cli.ok)
    before = cli.counts()
    result = cli(*argv)
    assert result.code == 2
    assert result.err.startswith(f"wzdesk: error: {named}"), result.err
    assert "internal error" not in result.err
    assert cli.counts() == before


def test_a_file_name_may_be_any_bytes(cli: Cli, tmp_path: Path) -> None:
    """``--db`` names a file: its bytes are the file system's business, not refused as text."""
    database = tmp_path / f"desk{XFF}.db"
    listed = cli.ok("--db", str(database), "client", "list")
    assert "(none)" in listed.out
    assert database.exists()


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (  # argparse refuses the choice itself, quoting it with repr
            ("mail", "quarantine", "list", "--status", f"he{XFF}ld"),
            "argument --status: invalid choice: 'he\\xffld'",
        ),
        (("case", "list", f"extra{XFF}"), "unrecognized arguments: extra\\xff"),
    ],
)
def test_a_byte_argparse_refuses_is_shown_as_typed(
    cli: Cli, argv: tuple[str, ...], shown: str
) -> None:
    """Not as the escape Python decoded it to (``'maj\\udcffor'``), still exit 2."""
    seed_desk(cli.ok)
    result = cli(*argv)
    assert result.code == 2
    assert shown in result.err, result.err
    assert "\\udc" not in result.err and XFF not in result.err
