"""The backup file: one compressed tar named by its time, with a checksum manifest.

```
wzdesk-20261129T023000Z.tar.gz          (and wzdesk-20261129T023000Z.tar.gz.sha256 beside it)
    database.sqlite3 | database.pgdump  the database, consistent as of one instant
    attachments/ab/cd/abcd…             every stored file the database refers to
    MANIFEST.json                       format, instant, source, schema version, rows per
                                        table, and the SHA-256 and size of every file above
```

Writing goes to a hidden ``.partial`` file renamed into place once complete and flushed, so a
backup killed half-way never looks like a backup. Reading trusts nothing: the sidecar checksum,
the gzip stream, every member's hash and size against the manifest, and each attachment's name
(its own hash) are all checked before anything is used; the first failure is a
:class:`~wzdesk.core.errors.BackupInvalid`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from wzdesk.core.errors import BackupInvalid, NotFound
from wzdesk.services.backup_names import ARCHIVE as ARCHIVE  # re-exported
from wzdesk.services.backup_names import ArchiveName as ArchiveName  # re-exported
from wzdesk.services.backup_names import archives_in as archives_in  # re-exported
from wzdesk.store.location import path_kind

FORMAT = "wzdesk-backup/1"
MANIFEST = "MANIFEST.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_ATTACHMENT = re.compile(r"^attachments/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")
_CHUNK = 1 << 20


def archive_name(folder: Path, now: datetime, label: str = "") -> Path:
    """A new file name in ``folder`` for a backup made at ``now``: numbered one past the
    highest number any backup of that second has (kept aside by a restore or not).

    Never the first free number: once rotation had deleted ``wzdesk-…Z.tar.gz`` in favour of
    ``-2``, the next backup of that second (a frozen ``WZDESK_NOW``) took the bare name again,
    sorted before ``-2``, and rotation deleted the file ``backup`` had just reported."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    numbers = [
        int(match.group(2) or 1)
        for match in (ARCHIVE.match(entry.name) for entry in folder.iterdir())
        if match and match.group(1) == stamp
    ]
    number = max(numbers, default=0) + 1
    suffix = "" if number == 1 else f"-{number}"
    return folder / f"wzdesk-{stamp}{suffix}{label}.tar.gz"


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """Reads a file for ``tarfile`` and hashes what went by."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


# -- writing ------------------------------------------------------------------------------------


def write_archive(
    path: Path,
    manifest: dict[str, Any],
    database_file: Path,
    attachments: Iterable[tuple[str, Path]],
    *,
    scratch: Path | None = None,
) -> dict[str, Any]:
    """Write the backup to ``path`` (complete or not at all) and its ``.sha256`` beside it.

    ``attachments``: (digest, file) pairs. ``scratch``: a folder on the same file system to
    write the partial file in (a backup's locked scratch folder, cleaned up if the process is
    killed), else beside ``path``. Returns the manifest as written (with hashes).
    """
    member = DATABASE_MEMBERS[manifest["backend"]]
    partial = (scratch or path.parent) / f".{path.name}.partial"
    descriptor = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    files: dict[str, dict[str, Any]] = {}
    stored: dict[str, dict[str, Any]] = {}
    try:
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
        ):
            files[member] = _add(tar, member, database_file)
            for digest, source in attachments:
                name = f"attachments/{digest[:2]}/{digest[2:4]}/{digest}"
                stored[digest] = _add(tar, name, source)
            manifest = {**manifest, "files": files, "attachments": stored}
            data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    check = sidecar(path)
    check.write_text(f"{file_sha256(path)}  {path.name}\n")
    check.chmod(0o600)
    return manifest


def _add(tar: tarfile.TarFile, name: str, source: Path) -> dict[str, Any]:
    info = tar.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with source.open("rb") as handle:
        reader = _Hashing(handle)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


# -- reading ------------------------------------------------------------------------------------


@dataclass
class Unpacked:
    """A backup read back and checked file by file, in a scratch folder."""

    folder: Path
    manifest: dict[str, Any]
    checksum_file: bool  # whether a .sha256 was beside it (and matched)

    @property
    def database_file(self) -> Path:
        return self.folder / DATABASE_MEMBERS[self.manifest["backend"]]

    def attachment(self, digest: str) -> Path:
        return self.folder / "attachments" / digest[:2] / digest[2:4] / digest


def check_exists(path: Path) -> Path:
    """``path``, if it is a file: else NotFound naming FILE (before anything else is asked
    of the user: ``restore`` told them to add ``--force`` for a file that was not there)."""
    if path_kind(path, "FILE") != "file":
        raise NotFound(f"no backup file {path}", field="FILE")
    return path


def unpack(path: Path, into: Path) -> Unpacked:
    """Read the backup at ``path`` into the folder ``into``, checking everything that can be
    checked without a database. Raises :class:`BackupInvalid` on the first problem."""
    check_exists(path)
    check = sidecar(path)
    if check.is_file():
        expected = check.read_text().split()[:1]
        if expected != [file_sha256(path)]:
            raise BackupInvalid(
                f"{path.name} does not match its checksum file {check.name}: it was corrupted "
                "or cut short after it was written"
            )
    written: dict[str, tuple[str, int]] = {}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for info in tar:
                written[info.name] = _extract(tar, info, into)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupInvalid(
            f"{path.name} cannot be read to the end ({type(error).__name__}: {error}): it is "
            "truncated or corrupted"
        ) from None
    manifest = _manifest(into, path, written)
    unpacked = Unpacked(into, manifest, check.is_file())
    for name, expected in {**manifest["files"], **_attachment_members(manifest)}.items():
        actual = written.pop(name, None)
        if actual is None:
            raise BackupInvalid(f"{path.name} lacks {name}, which its manifest lists")
        if actual != (expected["sha256"], expected["size"]):
            raise BackupInvalid(f"{name} in {path.name} does not match its manifest checksum")
    written.pop(MANIFEST, None)
    if written:
        raise BackupInvalid(
            f"{path.name} holds files its manifest does not list: {sorted(written)[:3]}"
        )
    for digest, entry in manifest["attachments"].items():
        if entry["sha256"] != digest:
            raise BackupInvalid(
                f"attachment {digest[:12]}… was already damaged in the attachment store when "
                f"{path.name} was made (its content no longer has its hash)"
            )
    return unpacked


def _extract(tar: tarfile.TarFile, info: tarfile.TarInfo, into: Path) -> tuple[str, int]:
    """Write one member (a regular file with a name a backup uses) and hash it."""
    name = info.name
    if not info.isfile() or not (
        name == MANIFEST or name in DATABASE_MEMBERS.values() or _ATTACHMENT.match(name)
    ):
        raise BackupInvalid(f"unexpected member {name!r}: this is not a wzdesk backup")
    target = into / name
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    source = tar.extractfile(info)
    assert source is not None  # a regular file
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:  # noqa: PTH123 - written as it is hashed
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def _manifest(into: Path, path: Path, written: dict[str, tuple[str, int]]) -> dict[str, Any]:
    if MANIFEST not in written:
        raise BackupInvalid(f"{path.name} has no {MANIFEST}: it is truncated or not a backup")
    try:
        manifest = json.loads((into / MANIFEST).read_text("utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupInvalid(
                f"{path.name} is in format {manifest.get('format')!r}; this wzdesk reads {FORMAT}"
            )
        if manifest["backend"] not in DATABASE_MEMBERS:
            raise ValueError(f"unknown backend {manifest['backend']!r}")
        for key in ("files", "attachments", "tables", "schema_version", "created_at"):
            manifest[key]  # noqa: B018 - present, or KeyError below
    except (ValueError, KeyError, TypeError) as error:
        raise BackupInvalid(f"{path.name} has an unreadable manifest ({error})") from None
    if not isinstance(manifest, dict):
        raise BackupInvalid(f"{path.name} has an unreadable manifest")
    return manifest


def _attachment_members(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"attachments/{digest[:2]}/{digest[2:4]}/{digest}": entry
        for digest, entry in manifest["attachments"].items()
    }
