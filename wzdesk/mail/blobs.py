"""The attachment store: files kept once by content (sha256), beside the database.

A file is written (and flushed to disk) before the transaction that refers to it, under a
temporary name in ``.tmp/`` renamed into place, so a crash leaves at worst an unreferenced file,
never a row pointing at a missing or half-written one. Temporary files a killed process left
behind are removed the next time a store is opened (:meth:`BlobStore.clean_temporary`). The
same content is stored once, however many messages carry it.

Client files are private: the folders are created 0700 and the files 0600.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import time
from pathlib import Path

from wzdesk.core.text import is_number

#: A temporary file older than this was left by a process that died (writing one attachment
#: takes seconds); younger ones may still be being written by another process.
STALE_TEMPORARY_SECONDS = 15 * 60


class BlobStore:
    """Content-addressed files under ``root`` (``ab/cd/abcd…``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def temporary_dir(self) -> Path:
        return self.root / ".tmp"

    def path_of(self, sha256: str) -> Path:
        """Where the content with this digest lives (whether or not it is stored)."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its sha256 digest."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists() and target.stat().st_size == len(data):
            return digest
        _private_dirs(target.parent)
        _private_dirs(self.temporary_dir)
        temporary = self.temporary_dir / (
            f"{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.{digest[:16]}.tmp"
        )
        descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        return digest

    def get(self, sha256: str) -> bytes:
        """The stored content (FileNotFoundError if it is not there)."""
        return self.path_of(sha256).read_bytes()

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def clean_temporary(self, now: float | None = None) -> int:
        """Remove temporary files left by processes that died mid-write (``kill -9``, a power
        cut): any of this machine's whose process is gone, and any older than 15 minutes.
        Returns how many were removed."""
        folder = self.temporary_dir
        if not folder.is_dir():
            return 0
        now = time.time() if now is None else now
        removed = 0
        for entry in folder.iterdir():
            if not entry.name.endswith(".tmp"):
                continue
            try:
                age = now - entry.stat().st_mtime
            except FileNotFoundError:  # its writer finished meanwhile
                continue
            if age > STALE_TEMPORARY_SECONDS or _writer_is_gone(entry.name):
                entry.unlink(missing_ok=True)
                removed += 1
        return removed

    def stored(self) -> list[str]:
        """Every digest in the store (for backups)."""
        return sorted(
            path.name
            for path in self.root.glob("??/??/*")
            if path.is_file() and len(path.name) == 64
        )


_HOST = socket.gethostname().replace(".", "_")[:40] or "host"


def _writer_is_gone(name: str) -> bool:
    """Whether the process that named this temporary file (on this machine) has ended."""
    host, _, rest = name.partition(".")
    pid_text = rest.partition(".")[0]
    if host != _HOST or not is_number(pid_text):
        return False  # another machine's (a shared store): only age tells
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, but someone else's
        return False
    return False


def _private_dirs(folder: Path) -> None:
    """``folder`` and any missing parents, created 0700."""
    if folder.is_dir():
        return
    if not folder.parent.exists():
        _private_dirs(folder.parent)
    folder.mkdir(mode=0o700, exist_ok=True)
