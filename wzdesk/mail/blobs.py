"""The attachment store: files kept once by content (sha256), beside the database.

A file is written (and flushed to disk) before the transaction that refers to it, under a
temporary name renamed into place, so a crash leaves at worst an unreferenced file, never a row
pointing at a missing or half-written one. The same content is stored once, however many
messages carry it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path


class BlobStore:
    """Content-addressed files under ``root`` (``ab/cd/abcd…``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

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
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{digest}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        with temporary.open("wb") as handle:
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
