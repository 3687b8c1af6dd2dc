"""Where raw messages come from: ``.eml`` files, mbox files and Maildir folders.

Each source yields :class:`RawMessage` one at a time, so an import holds one message in memory
whatever the size of the mailbox. mbox files are streamed line by line rather than read with
``mailbox.mbox``, which first builds a table of contents of the whole file and then seeks back
for every message. A Maildir is read folder by folder (``new`` then ``cur``) so that a watcher
knows each message's file and can move it to ``cur`` once it is filed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.paths import typed_path
from wzdesk.store.location import path_kind

_MBOX_FROM = b"From "


@dataclass(frozen=True)
class RawMessage:
    """One message's bytes and where it came from (for reports), e.g. ``inbox.mbox#12``."""

    data: bytes
    origin: str
    #: For a Maildir message: the file, so a watcher can move it to ``cur/`` once filed.
    path: Path | None = None


def is_maildir(path: Path) -> bool:
    if path_kind(path, "MAILDIR") != "folder":
        return False
    return (path / "cur").is_dir() and (path / "new").is_dir()


def is_mbox(path: Path) -> bool:
    """An mbox starts with a ``From `` separator line (an .eml file starts with a header)."""
    with path.open("rb") as handle:
        return handle.read(len(_MBOX_FROM)) == _MBOX_FROM


def check_paths(paths: Iterable[str]) -> list[Path]:
    """Every path exists and is a file or a folder we can read (checked before importing any)."""
    checked = []
    for text in paths:
        path = typed_path(text, "PATH")
        if path_kind(path, "PATH") == "missing":
            raise NotFound(f"no such file or folder: {text}", field="PATH")
        if not os.access(path, os.R_OK):
            raise InvalidInput(f"cannot read {text}", field="PATH")
        checked.append(path)
    if not checked:
        raise InvalidInput("give at least one .eml file, mbox file or Maildir folder", field="PATH")
    return checked


def read_sources(paths: Iterable[Path]) -> Iterator[RawMessage]:
    """Every message under ``paths``, in a stable order."""
    for path in paths:
        yield from read_path(path)


def read_path(path: Path) -> Iterator[RawMessage]:
    if is_maildir(path):
        yield from read_maildir(path)
    elif path.is_dir():  # a folder of .eml files (or of mboxes), in name order
        for child in sorted(path.iterdir()):
            if child.is_file() and not child.name.startswith("."):
                yield from read_path(child)
    elif is_mbox(path):
        yield from read_mbox(path)
    else:
        yield RawMessage(path.read_bytes(), str(path))


def read_mbox(path: Path) -> Iterator[RawMessage]:
    """Stream an mbox (mboxrd: a quoted ``>From `` line loses one ``>``)."""
    lines: list[bytes] = []
    number = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(_MBOX_FROM):
                if lines:
                    number += 1
                    yield RawMessage(_mbox_message(lines), f"{path}#{number}")
                lines = []
                continue
            if line.startswith(b">") and line.lstrip(b">").startswith(_MBOX_FROM):
                line = line[1:]
            lines.append(line)
    if lines:
        number += 1
        yield RawMessage(_mbox_message(lines), f"{path}#{number}")


def _mbox_message(lines: list[bytes]) -> bytes:
    data = b"".join(lines)
    # The blank line before the next "From " separator belongs to the mbox, not the message.
    if data.endswith(b"\r\n\r\n"):
        return data[:-2]
    if data.endswith(b"\n\n"):
        return data[:-1]
    return data


def read_maildir(path: Path, subdirs: tuple[str, ...] = ("new", "cur")) -> Iterator[RawMessage]:
    """A Maildir's messages (``new`` then ``cur``), oldest file name first."""
    for subdir in subdirs:
        folder = path / subdir
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or not entry.is_file():
                continue
            try:
                data = entry.read_bytes()
            except FileNotFoundError:  # another reader moved it meanwhile
                continue
            yield RawMessage(data, str(entry), entry)


def mark_seen(message: RawMessage) -> None:
    """Move a filed Maildir message from ``new/`` to ``cur/`` (flag S), as a mail reader does."""
    path = message.path
    if path is None or path.parent.name != "new":
        return
    target = path.parent.parent / "cur" / (path.name.split(":", 1)[0] + ":2,S")
    try:
        path.rename(target)
    except FileNotFoundError:
        pass
