"""Scratch folders beside the backups, and what killed processes left in them.

A backup copies the whole database, uncompressed, into a hidden ``.wzdesk-backup-…`` folder
before it compresses it (``verify`` unpacks into ``.wzdesk-verify-…``). A process killed
there (``kill -9``, a power cut, the OOM killer) left that copy behind for good: every
client's data, outside rotation and ``backup list``, several times a backup's size.

Each scratch folder is therefore held by its process: an exclusive ``flock`` on a ``.lock``
file inside it, which the kernel drops when the process dies, however it dies. The next
backup removes every scratch folder whose lock it can take (:func:`clean_leftovers`). A
folder with no lock file was made by a wzdesk before this one, or is being made this very
instant: it is removed only once nothing in it has changed for an hour. Unix only, as the
rest of wzdesk (file permissions are its SQLite security model).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BACKUP_PREFIX = ".wzdesk-backup-"
VERIFY_PREFIX = ".wzdesk-verify-"
LOCK = ".lock"
#: A leftover without a lock (an older wzdesk's) is removed once untouched this long.
UNLOCKED_GRACE_SECONDS = 3600.0
#: What an older wzdesk wrote beside the backups while compressing (``.wzdesk-….partial``).
_PARTIAL_SUFFIX = ".tar.gz.partial"


@contextmanager
def scratch_folder(parent: Path | None, prefix: str) -> Iterator[Path]:
    """A new private folder in ``parent`` (None: the system's temporary folder), locked by
    this process while the block runs, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix, dir=parent) as made:
        work = Path(made)
        # Locked before it is named .lock: a cleaner never finds the lock file unlocked.
        locking = work / ".lock.new"
        descriptor = os.open(locking, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            locking.rename(work / LOCK)
            yield work
        finally:
            os.close(descriptor)


def clean_leftovers(folder: Path, now: float | None = None) -> list[str]:
    """Remove the scratch folders (and older partial archives) in ``folder`` that no live
    process holds; their names."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if name.startswith((BACKUP_PREFIX, VERIFY_PREFIX)) and _is_folder(entry):
            if _abandoned(entry, now):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(name)
        elif name.startswith(".wzdesk-") and name.endswith(_PARTIAL_SUFFIX):
            if _untouched_for(entry, now) > UNLOCKED_GRACE_SECONDS:
                entry.unlink(missing_ok=True)
                removed.append(name)
    return sorted(removed)


def _is_folder(entry: Path) -> bool:
    return entry.is_dir() and not entry.is_symlink()


def _abandoned(work: Path, now: float) -> bool:
    """Whether no process holds ``work``: its lock can be taken, or it has none and nothing
    in it changed for :data:`UNLOCKED_GRACE_SECONDS`."""
    try:
        descriptor = os.open(work / LOCK, os.O_RDONLY)
    except FileNotFoundError:
        return _untouched_for(work, now) > UNLOCKED_GRACE_SECONDS
    except OSError:
        return False  # someone else's, or unreadable: not ours to judge
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError: its process is alive
        return False
    finally:
        os.close(descriptor)
    return True


def _untouched_for(entry: Path, now: float) -> float:
    """Seconds since ``entry`` or anything directly in it last changed (a live writer of an
    older wzdesk keeps touching its copy)."""
    try:
        times = [entry.stat().st_mtime]
        if _is_folder(entry):
            times += [child.stat().st_mtime for child in entry.iterdir()]
    except OSError:  # it went away meanwhile: its process finished
        return 0.0
    return now - max(times)
