"""``--demo``'s stale demo desk: rebuilt for a console, unless other consoles are using it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wzdesk.cli.common import Runtime
from wzdesk.cli.demo_desk import _in_use, hold_demo_desk, prepare_demo_desk
from wzdesk.core.clock import FixedClock

BUILT = "2026-03-09T14:00:00Z"
TWO_DAYS_LATER = FixedClock(datetime(2026, 3, 11, 14, 0, tzinfo=UTC))


@pytest.fixture
def stale_demo(tmp_path: Path) -> Path:
    """A demo desk of three cases built two days before :data:`TWO_DAYS_LATER`, by another
    process (so that this one holds no connection to it)."""
    database = tmp_path / "demo.db"
    env = {"WZDESK_NOW": BUILT, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    fill = [sys.executable, "-m", "wzdesk", "--db", str(database), "demo", "--cases", "3"]
    assert subprocess.run(fill, capture_output=True, env=env, timeout=60).returncode == 0
    return database


def _cases(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute('SELECT count(*) FROM "case"').fetchone()[0])


def test_a_demo_desk_in_use_is_kept_and_the_console_says_why(stale_demo: Path) -> None:
    """A console opening a stale demo deleted the file under the consoles already on it: what
    they wrote next went to a file nobody else saw, and was gone when they closed."""
    other_console = hold_demo_desk(stale_demo)  # what a console on the demo keeps open
    runtime = Runtime(db_url=str(stale_demo), act_as=None, identity="sam", clock=TWO_DAYS_LATER)
    try:
        prepare_demo_desk(runtime, console=True)
        assert other_console.execute('SELECT count(*) FROM "case"').fetchone()[0] == 3
    finally:
        other_console.close()
    assert _cases(stale_demo) == 3, "the demo in use was rebuilt under its console"
    assert runtime.console_notes == [
        "The demo data was built 2 days ago and is kept: another console has the demo desk "
        "open. Close every console on it and start again to rebuild it."
    ]


def test_a_stale_demo_desk_no_one_uses_is_dropped(stale_demo: Path) -> None:
    """Alone, the console still drops it (then fills a new one, as on a first run)."""
    from wzdesk.cli import demo_desk

    runtime = Runtime(db_url=str(stale_demo), act_as=None, identity="sam", clock=TWO_DAYS_LATER)
    demo_desk._drop_stale(stale_demo, runtime)
    assert not stale_demo.exists()
    assert runtime.console_notes == []


def test_a_console_is_seen_on_the_demo_while_it_holds_it(stale_demo: Path) -> None:
    """Between two reads a console held no connection (each read opens and closes its own),
    so the one before this saw no one and rebuilt the desk under it, in tmux."""
    assert not _in_use(stale_demo)
    holder = hold_demo_desk(stale_demo)
    assert _in_use(stale_demo)
    holder.close()
    assert not _in_use(stale_demo)


#: One console's start-up, up to the console itself: the demo desk prepared at an agreed instant.
_STARTER = """
import sys, time
from datetime import UTC, datetime
from wzdesk.cli.common import Runtime
from wzdesk.cli.demo_desk import prepare_demo_desk
from wzdesk.core.clock import FixedClock

path, start = sys.argv[1], float(sys.argv[2])
runtime = Runtime(db_url=path, act_as=None, identity="sam",
                  clock=FixedClock(datetime(2026, 3, 11, 14, 0, tzinfo=UTC)))
time.sleep(max(0.0, start - time.time()))
prepare_demo_desk(runtime, console=True)
print(runtime.console_notes)
"""


def test_two_consoles_started_together_on_a_stale_demo_rebuild_it_once(
    stale_demo: Path, tmp_path: Path
) -> None:
    """Both dropped the stale desk and filled it; one failed on the other's rows ("UNIQUE
    constraint failed: prepaid_tier…", 4 tries in 5 of an outside probe's), or each saw the
    other's check as a console and neither rebuilt."""
    import time

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(Path.cwd())}
    start = str(time.time() + 1.5)
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", _STARTER, str(stale_demo), start],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    finished = [starter.communicate(timeout=120) for starter in starters]
    assert [starter.returncode for starter in starters] == [0, 0], finished
    assert [out.strip() for out, _ in finished] == ["[]", "[]"]  # neither kept the stale one
    with sqlite3.connect(stale_demo) as connection:
        built = connection.execute(
            "SELECT value FROM setting WHERE key = 'demo.generated_at'"
        ).fetchone()[0]
    assert built == "2026-03-11T14:00:00+00:00"
    assert _cases(stale_demo) == 300
