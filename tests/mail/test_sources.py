"""Reading mail stores: .eml files, mbox files (streamed), Maildir folders, folders of files."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from tests.mail.conftest import eml
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.mail.parse import parse_message
from wzdesk.mail.sources import check_paths, mark_seen, read_maildir, read_sources


def write_mbox(path: Path, messages: list[bytes]) -> None:
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.flush()
    box.close()


def test_mbox_is_streamed_message_by_message(tmp_path: Path) -> None:
    messages = [
        eml(message_id="one@x", body="From the start of a line\nnothing else"),
        eml(message_id="two@x", body=">From a quoted line"),
        eml(message_id="three@x", body="last"),
    ]
    path = tmp_path / "inbox.mbox"
    write_mbox(path, messages)
    read = list(read_sources([path]))
    assert [r.origin for r in read] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    parsed = [parse_message(r.data) for r in read]
    assert [p.message_id for p in parsed] == ["one@x", "two@x", "three@x"]
    # mboxrd: the writer quoted "From " as ">From "; reading takes one ">" off again.
    assert parsed[0].body.splitlines()[0] == "From the start of a line"
    assert parsed[1].body == "From a quoted line"
    # The same bytes as the stdlib's reader (bar its From-line unquoting).
    stdlib = [m.as_bytes() for m in mailbox.mbox(path)]
    assert read[2].data.replace(b"\r\n", b"\n") == stdlib[2].replace(b"\r\n", b"\n")


def test_maildir_new_then_cur_and_seen_messages_move_to_cur(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(eml(message_id="a@x"))
    seen = mailbox.MaildirMessage(eml(message_id="b@x"))
    seen.set_subdir("cur")
    box.add(seen)
    read = list(read_sources([tmp_path / "Maildir"]))
    assert [parse_message(r.data).message_id for r in read] == ["a@x", "b@x"]
    assert read[0].path is not None and read[0].path.parent.name == "new"
    mark_seen(read[0])
    assert list((tmp_path / "Maildir" / "new").iterdir()) == []
    assert list(read_maildir(tmp_path / "Maildir", ("new",))) == []
    assert len(list(read_maildir(tmp_path / "Maildir", ("cur",)))) == 2
    assert any(p.name.endswith(":2,S") for p in (tmp_path / "Maildir" / "cur").iterdir())


def test_eml_files_and_folders_of_them(tmp_path: Path) -> None:
    (tmp_path / "b.eml").write_bytes(eml(message_id="b@x"))
    (tmp_path / "a.eml").write_bytes(eml(message_id="a@x"))
    (tmp_path / ".hidden").write_bytes(b"ignored")
    read = list(read_sources([tmp_path]))
    assert [parse_message(r.data).message_id for r in read] == ["a@x", "b@x"]
    single = list(read_sources([tmp_path / "b.eml"]))
    assert single[0].origin == str(tmp_path / "b.eml")


def test_paths_are_checked_before_anything_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(eml())
    with pytest.raises(NotFound) as missing:
        check_paths([str(tmp_path / "a.eml"), str(tmp_path / "nope.mbox")])
    assert missing.value.field == "PATH" and "nope.mbox" in missing.value.message
    with pytest.raises(InvalidInput):
        check_paths([])
