"""``wzdesk backup list``: what is in the backup folder, and a folder that is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import Cli


@pytest.mark.parametrize("acting", [None, "sam"])  # the quick path, and the ordinary one
def test_a_named_folder_that_is_not_there_is_refused_not_listed_empty(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, acting: str | None
) -> None:
    """A mistyped --to or WZDESK_BACKUPS listed "(none)" and exited 0: a script checking its
    backups read that as none ever made."""
    as_ = ["--as", acting] if acting else []
    cli.ok("client", "add", "ACME", "--name", "Acme")  # the desk exists
    missing = tmp_path / "bakcups"
    result = cli(*as_, "backup", "list", "--to", str(missing))
    assert (result.code, result.out) == (5, "")
    assert result.error_line.endswith(f"--to: no folder {missing}")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    monkeypatch.setenv("WZDESK_BACKUPS", str(a_file))
    result = cli(*as_, "backup", "list")
    assert result.code == 5 and "WZDESK_BACKUPS: no folder" in result.error_line
    monkeypatch.delenv("WZDESK_BACKUPS")
    folder = tmp_path / "backups"
    folder.mkdir()
    assert cli.ok(*as_, "backup", "list", "--to", str(folder), "--json").json == []
    made = cli.ok(*as_, "backup", "--to", str(folder))
    assert "backup" in made.out
    listed = cli.ok(*as_, "backup", "list", "--to", str(folder), "--json").json
    assert len(listed) == 1
