"""Fixtures shared by the quick read-only path's tests (issue 13)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from wzdesk.core.clock import FixedClock
from wzdesk.services.demo import generate
from wzdesk.store.models import Case


@pytest.fixture
def demo_desk(clock: FixedClock, built_once: Callable[..., Any]) -> list[int]:
    """300 demo cases, about a third open, a fifth of those waiting on the client; and twelve
    running cases due at one instant, before any other, so that the first pages' edges fall
    among ties. Returns those twelve. (Built once per test process and backend, then copied.)"""

    def build() -> list[int]:
        generate(clock, 300)
        running = Case.is_open & Case.paused_since.is_null()
        tied = [case.id for case in Case.select().where(running).order_by(Case.id).limit(12)]
        due = clock.now() - timedelta(days=30)
        Case.update(response_due=due, resolution_due=due).where(Case.id.in_(tied)).execute()
        return tied

    return built_once(build)  # type: ignore[no-any-return]


def run_case_list(url: str, *words: str) -> tuple[str, bool]:
    """``wzdesk case list`` in a fresh process as ``sam``: its output, and whether it loaded
    Peewee."""
    program = (
        "import sys\n"
        "from wzdesk.cli.main import main\n"
        f"code = main({['--db', url, 'case', 'list', *words]!r}, identity='sam')\n"
        "print('peewee' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    return done.stdout, done.stderr.splitlines()[-1] == "True"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Callable[[Any, str], None]]:
    """``(called, record)``: ``record(module, name)`` wraps that function so that each call
    appends its name to ``called`` (which walks a search read)."""
    called: list[str] = []

    def record(module: Any, name: str) -> None:
        real = getattr(module, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            called.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)

    return called, record


def answered(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[bool]:
    """Wraps the plan ``module.name`` (one that answers None when it cannot): whether each call
    answered, in call order."""
    found: list[bool] = []
    real = getattr(module, name)

    def recorded(*args: Any) -> Any:
        value = real(*args)
        found.append(value is not None)
        return value

    monkeypatch.setattr(module, name, recorded)
    return found
