"""The demo desk behind ``--demo``: filled before anything reads it, console or subcommand.

It is filled before ``--as`` is resolved, since the demo brings the users ``--as`` names
(``wzdesk --demo --as kim`` on a new machine refused "no console user 'kim'"); and before a
subcommand reads it (``wzdesk --demo case list`` listed an empty desk as "(none)").
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from wzdesk.cli.common import Runtime

DEMO_CASES = 300
#: Demo cases are placed relative to "now"; after a day they tell a stale story, so the
#: console rebuilds them (a subcommand reads what is there: a script's work is not dropped
#: under it between two commands).
DEMO_MAX_AGE = timedelta(hours=20)
#: Said in the console when a stale demo is kept because another console has it open.
KEPT_IN_USE = (
    "The demo data was built {age} ago and is kept: another console has the demo desk open. "
    "Close every console on it and start again to rebuild it."
)


def prepare_demo_desk(runtime: Runtime, *, console: bool) -> None:
    """Fill the demo database at ``runtime.db_url`` when it has no case; for the console,
    first drop it when its data is older than :data:`DEMO_MAX_AGE`. One wzdesk at a time
    (:func:`_one_at_a_time`): two consoles started together both dropped a stale desk and
    filled it, and one failed on the other's rows."""
    path = Path(str(runtime.db_url))
    if not console and _has_cases(path):
        return  # the usual case, read without opening the store (a quick read stays quick)
    with _one_at_a_time(path):
        if console:
            _drop_stale(path, runtime)
        if not _has_cases(path):
            _fill(runtime)


@contextmanager
def _one_at_a_time(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<demo file>.lock`` (where the system has ``flock``): the
    next wzdesk waits, then finds the desk filled, and fresh."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock (two consoles started at once may clash there)
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("wzdesk: waiting for another wzdesk preparing the demo desk…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _fill(runtime: Runtime) -> None:
    """The demo's cases, on a desk that has none."""
    runtime.signed_in()  # a new desk's first user (the connection's) becomes its supervisor
    from wzdesk.services.session import has_cases

    if has_cases():
        return
    from wzdesk.services.demo import generate

    print("wzdesk: filling the demo database with realistic cases…", file=sys.stderr)
    generate(runtime.clock, DEMO_CASES)


def _has_cases(path: Path) -> bool:
    """Whether the file holds a case, read directly (False for a missing or new file)."""
    if not path.exists():
        return False
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return connection.execute('SELECT 1 FROM "case" LIMIT 1').fetchone() is not None
        finally:
            connection.close()
    except sqlite3.Error:
        return False  # no case table yet: the store creates it


def _drop_stale(path: Path, runtime: Runtime) -> None:
    """Delete the demo file when its cases were placed relative to a long-past "now"."""
    if not path.exists():
        return
    try:
        connection = sqlite3.connect(path)
        row = connection.execute(
            "SELECT value FROM setting WHERE key = 'demo.generated_at'"
        ).fetchone()
        connection.close()
    except sqlite3.Error:
        row = None
    generated = datetime.fromisoformat(row[0]) if row else None
    if generated is not None and runtime.clock.now() - generated <= DEMO_MAX_AGE:
        return
    if _in_use(path):
        # Deleting it would pull the desk from under consoles at work: what they wrote next
        # would go to a file no one else sees, and be lost when they closed.
        age = runtime.clock.now() - generated if generated else None
        runtime.console_notes.append(KEPT_IN_USE.format(age=_rough(age)))
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def hold_demo_desk(path: Path) -> sqlite3.Connection:
    """A connection a console on the demo desk keeps open while it runs, so that another
    console starting sees the desk in use (:func:`_in_use`): the console's own connections
    open and close with each read, and between two reads it held none."""
    connection = sqlite3.connect(path, timeout=10, check_same_thread=False)
    try:
        connection.execute("SELECT 1 FROM setting LIMIT 1").fetchall()  # joins the WAL's readers
    except sqlite3.Error:
        pass  # held all the same (open, if not yet a reader): the console must start
    return connection


def _in_use(path: Path) -> bool:
    """Whether another connection has the demo file open. The store keeps it in WAL mode, and
    SQLite lets a connection leave WAL mode only when it is the file's one connection (each
    console on the demo keeps one open: :func:`hold_demo_desk`)."""
    try:
        connection = sqlite3.connect(path, timeout=0)
        try:
            if connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete":
                connection.execute("PRAGMA journal_mode=WAL").fetchone()  # as the store keeps it
        finally:
            connection.close()
    except sqlite3.OperationalError:
        return True  # "database is locked": someone else holds it
    except sqlite3.Error:
        return False  # not a database at all: nothing of anyone's to keep
    return False


def _rough(age: timedelta | None) -> str:
    """``age`` in words for the note: days when a day or more, else hours."""
    if age is None:
        return "long"
    days, hours = age.days, age.seconds // 3600
    if days:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}"
