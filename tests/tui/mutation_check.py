"""Plant known console bugs one at a time and check that the console tests catch each one.

The last outside review planted these in the console and every test stayed green. This script
puts each back (a one-line change in the source), runs the console tests that should notice,
and reports whether they failed as they must; the source is restored after every run.

    python -m tests.tui.mutation_check            # every planted bug
    python -m tests.tui.mutation_check rearm jk   # some of them

Exit status 0 when every planted bug was caught.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Plant:
    """A bug: replace ``old`` with ``new`` in ``path``; ``tests`` must then fail."""

    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


PLANTS = [
    Plant(
        "rearm",
        "the 3-second re-read never re-arms",
        "wzdesk/tui/app.py",
        "            self._schedule_refresh(self.refresh_seconds)\n",
        "            pass\n",
        ("tests/tui/test_live.py",),
    ),
    Plant(
        "crossings",
        "no at-risk or breach notification from the tick",
        "wzdesk/tui/screens/main.py",
        "crossed = snapshot.crossed(self._last_tick or epoch, epoch)",
        "crossed = []",
        ("tests/tui/test_live.py",),
    ),
    Plant(
        "bell",
        "WZDESK_BELL=0 ignored",
        "wzdesk/tui/screens/main.py",
        "        if self.wz.bell_on_breach:\n            self.app.bell()",
        "        if True:\n            self.app.bell()",
        ("tests/tui/test_live.py",),
    ),
    Plant(
        "ctrl-r",
        "Ctrl+R does nothing",
        "wzdesk/tui/app.py",
        '        self.notify("Re-reading the database…", timeout=1)\n        self.load_queue()',
        '        self.notify("Re-reading the database…", timeout=1)',
        ("tests/tui/test_live.py", "tests/tui/test_keys.py"),
    ),
    Plant(
        "call-length",
        "the intake's call length is always 0",
        "wzdesk/tui/screens/intake.py",
        "return max(0, int((self.wz.clock.now() - self.opened_at).total_seconds()))",
        "return 0",
        ("tests/tui/test_intake.py",),
    ),
    Plant(
        "jk",
        "j and k swapped",
        "wzdesk/tui/widgets/queue_table.py",
        'Binding("up,k", "cursor(-1)"',
        'Binding("up,j", "cursor(-1)"',
        ("tests/tui/test_keys.py",),
    ),
    Plant(
        "help-line",
        "a line removed from the help",
        "wzdesk/tui/screens/help.py",
        '            KeyHelp("Ctrl+R", "Re-read the database now"),\n',
        "",
        ("tests/tui/test_keys.py", "tests/tui/test_layout.py"),
    ),
    Plant(
        "target",
        "actions act on the case loaded in the detail pane, not the highlighted one",
        "wzdesk/tui/screens/main.py",
        '        if case is not None and case["id"] == row.case_id and case["version"] >= row.version:',  # noqa: E501
        "        if case is not None:",
        ("tests/tui/test_selection.py",),
    ),
    Plant(
        "minus",
        "a response met late counts as breached (a minus sign on a case with time left)",
        "wzdesk/services/queue.py",
        "return TimerState.LATE if self.response_late else TimerState.MET",
        "return TimerState.BREACHED if self.response_late else TimerState.MET",
        ("tests/tui/test_layout.py",),
    ),
    Plant(
        "take-asks",
        "taking someone else's case does not ask",
        "wzdesk/tui/case_actions.py",
        "        if target.assignee is not None:\n            take = await",
        "        if False:\n            take = await",
        ("tests/tui/test_flows.py",),
    ),
    Plant(
        "loading",
        "the first load never says it finished (an empty desk shows 'loading' forever)",
        "wzdesk/tui/app.py",
        "        if message.changed or message.initial or message.completed:",
        "        if message.changed or message.initial:",
        ("tests/tui/test_live.py",),
    ),
]


def run(plant: Plant) -> tuple[bool, float]:
    """Plant the bug, run its tests, restore; (caught, seconds)."""
    path = ROOT / plant.path
    original = path.read_text(encoding="utf-8")
    if plant.old not in original:
        raise SystemExit(f"{plant.name}: the line to change is no longer in {plant.path}")
    started = time.perf_counter()
    try:
        path.write_text(original.replace(plant.old, plant.new, 1), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *plant.tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(original, encoding="utf-8")
    return result.returncode != 0, time.perf_counter() - started


def main(names: list[str]) -> int:
    chosen = [p for p in PLANTS if not names or p.name in names]
    missed = 0
    for plant in chosen:
        caught, seconds = run(plant)
        missed += not caught
        verdict = "caught" if caught else "MISSED"
        print(f"{verdict:7} {plant.name:12} {seconds:5.0f} s  {plant.what}", flush=True)
    print(f"{len(chosen) - missed} of {len(chosen)} planted bugs caught")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
