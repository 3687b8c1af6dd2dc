"""The Textual application: composition, global bindings, the live tick and the refresh loop.

Threads: the database is touched in thread workers (each with its own Peewee connection),
which report back with messages, with one exception: the first screen's rows, read before the
first frame (see :meth:`WzdeskApp._read_first_screen`). The one-second tick reads memory only.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.worker import get_current_worker

from wzdesk.core.clock import Clock
from wzdesk.core.rules import Role
from wzdesk.services.context import ServiceContext, connection
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.services.queue import QueueSnapshot
from wzdesk.services.session import has_cases
from wzdesk.tui.commands import CaseCommands
from wzdesk.tui.messages import LoadFailed, QueueChanged, QueueRefreshed
from wzdesk.tui.textual_fixes import (
    FreshContextExecutor,
    forget_closed_watchers,
    patch_styles_cache,
)
from wzdesk.tui.typeahead import (
    ExplainsRefusals,
    moved_on_arrival,
    note_route,
    route_typed_ahead,
)
from wzdesk.tui.workers import in_thread

if TYPE_CHECKING:
    from wzdesk.tui.widgets import QueueTable

patch_styles_cache()  # see wzdesk.tui.textual_fixes: a day's use must not grow memory

#: Seconds between database re-reads (other agents' changes appear without a key press).
REFRESH_SECONDS = 3.0
#: Fewest rows loaded before the first paint; more on a terminal taller than this (the queue
#: never shows more rows than the terminal has lines). The rest follow in the same worker.
#: Each row read is time before the first frame: on PostgreSQL at 100,000 cases, 200 rows
#: put first paint at 1.40x a one-case desk's, a screenful (50) at 1.09-1.14x (15 pairs each).
FIRST_SCREEN_ROWS = 24
#: Seconds start-up reads wait for the first screen at most (a load that fails never paints).
FIRST_SCREEN_WAIT = 3.0
#: A terminal with fewer rows is short: prompts' text boxes shrink (class ``-short`` on the
#: app), so that a prompt's lines fit without scrolling; at 80×24 a reply's "The client sees
#: this: it is emailed to …" had scrolled out of the box, above its text.
SHORT_HEIGHT = 30


def styles_dir() -> Path:
    """Where the .tcss files are: inside the installed package, or the repo's ``styles/``."""
    package_styles = Path(__file__).resolve().parent.parent / "styles"
    if package_styles.is_dir():
        return package_styles
    return Path(__file__).resolve().parent.parent.parent / "styles"


def style_paths() -> list[Path]:
    directory = styles_dir()
    return [
        directory / "app.tcss",
        *sorted(p for p in directory.glob("*.tcss") if p.name != "app.tcss"),
    ]


class WzdeskApp(App[None]):
    """wzdesk: the helpdesk console."""

    TITLE = "wzdesk"
    CSS_PATH = style_paths()  # type: ignore[assignment]
    COMMANDS = App.COMMANDS | {CaseCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("f2", "phone_intake", "Log call", priority=True),
        Binding("f3", "new_case", "New case"),
        Binding("f4", "wallboard", "Wallboard", show=False),
        Binding("f6", "quarantine", "Mail quarantine", show=False),
        Binding("f7", "alerts", "Alerts", show=False),
        Binding("f8", "insights", "Insights", show=False),
        Binding("ctrl+r", "refresh_now", "Refresh", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    def __init__(
        self,
        context: ServiceContext,
        *,
        clock: Clock,
        database_label: str = "",
        wallboard: bool = False,
        offer_demo: bool = False,
        bell: bool = True,
        refresh_seconds: float = REFRESH_SECONDS,
        notes: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.clock = clock
        self.database_label = database_label
        self.start_on_wallboard = wallboard
        self.offer_demo = offer_demo
        self.bell_on_breach = bell
        self.refresh_seconds = refresh_seconds
        #: Said before the console started (e.g. "created supervisor …"): shown inside it.
        self.startup_notes = list(notes or [])
        self.snapshot: QueueSnapshot | None = None
        self.desk_is_empty = False  # no case at all in the database (a new desk)
        self._first_screen_painted = threading.Event()
        #: start-up reads waiting for the first screen (None once it was shown)
        self._after_first_screen: list[Callable[[], object]] | None = []
        #: the queue table whose first rows are waiting for a frame to draw them
        self._first_rows_in: QueueTable | None = None
        self._refresh_timer: Timer | None = None
        self.book: PolicyBook | None = None
        self.sub_title = f"{context.actor} · {context.role.value}"
        if context.authenticated_as and context.authenticated_as != context.actor:
            self.sub_title += f" (as {context.authenticated_as})"  # a supervisor impersonating

    @property
    def role(self) -> Role:
        return self.context.role

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast, its text shown as written, never read as markup: toasts quote what people
        typed and what the database holds (a query's bad token, a contact's name), and
        ``[/]`` in them raised MarkupError and closed the console. Screens' ``notify`` pass
        ``markup=True`` by default, so the flag is not taken from them: no toast uses markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        from wzdesk.tui.screens.main import MainScreen

        # Before the first worker: closed screens must not stay reachable from pool threads.
        asyncio.get_running_loop().set_default_executor(FreshContextExecutor())
        self.set_class(self.size.height < SHORT_HEIGHT, "-short")
        self.push_screen(MainScreen())
        if self.start_on_wallboard:
            self.action_wallboard()
        if self.offer_demo:
            from wzdesk.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(self.database_label), self._welcome_answered)
        elif self.role is Role.PHONE:
            self.call_after_refresh(self.action_phone_intake)  # phone staff start on a call
        for note in self.startup_notes:
            self.notify(note, timeout=10)
        self.set_interval(60, lambda: forget_closed_watchers(self))  # see its docstring
        self.set_timer(FIRST_SCREEN_WAIT, self._run_after_first_screen)  # if it never comes
        self.load_queue(initial=True, first=self._read_first_screen())

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    async def on_event(self, event: events.Event) -> None:
        """Keys typed ahead of a focus change go where the user was typing (see
        :mod:`wzdesk.tui.typeahead`)."""
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                if moved_on_arrival(self, event):
                    return
                note_route(self, event)
            elif await route_typed_ahead(self, event):
                return
            elif isinstance(self.screen, ExplainsRefusals) and self.screen.explain_refused_key(
                event
            ):
                return
        await super().on_event(event)

    def _read_first_screen(self) -> QueueSnapshot | None:
        """The most urgent open cases, read here on the UI thread before the first frame.

        The one read that does not wait for a worker: it takes a few milliseconds alone, but a
        worker started now shares the GIL with the building of every screen and widget, and
        its rows reached the screen 60-130 ms after mounting, later on a big desk than on a
        one-case desk (first paint 1.02-1.44x between runs). The command line has just talked
        to the same database, so this adds no new way to hang. None if it failed: the worker
        reads again and says what went wrong.
        """
        try:
            with connection():
                book = load_policy_book()
                snapshot = QueueSnapshot(book, self.clock, me=self.context.actor)
                snapshot.load_top(max(FIRST_SCREEN_ROWS, self.size.height))
                empty = not snapshot.rows and not has_cases()
        except Exception:  # noqa: BLE001 - reported by the worker's own read
            return None
        self.book, self.snapshot, self.desk_is_empty = book, snapshot, empty
        self.post_message(QueueRefreshed(set(snapshot.rows), initial=True))
        return snapshot

    def first_screen_shown(self) -> None:
        """The queue's first rows are on screen: the full load may take the CPU now.

        Called by the main screen after the frame that shows them, not when the rows arrive:
        the full load holds the GIL for seconds at 100,000 open cases, and started earlier it
        slowed that very frame (first paint 1.4-1.7x a one-case desk's).
        """
        self._first_screen_painted.set()
        self._run_after_first_screen()

    def first_rows_set(self, table: QueueTable) -> None:
        """The queue's first rows are in ``table``: the first frame that draws them calls
        :meth:`first_screen_shown` (see :meth:`post_display_hook`)."""
        self._first_rows_in = table

    def post_display_hook(self) -> None:
        """After each frame: the one that drew the queue's first rows lets the full load and
        the supervisor's start-up reads begin.

        Not ``call_after_refresh``: the screen runs such callbacks when it finds nothing dirty,
        which can be before the table it was just given rows for has asked to be drawn. The
        full load then started first and held the GIL while that frame waited (a trace on
        PostgreSQL at 100,000 cases: the rows on screen at ~300 ms instead of ~200 ms; the
        race also showed in ``tests/tui/test_first_screen.py``)."""
        super().post_display_hook()
        table = self._first_rows_in
        if table is None:
            return
        drawn = table.drawn_rows is table.rows
        if drawn or not table.is_attached or not table.screen.is_current:
            self._first_rows_in = None  # drawn, or covered or gone since (nothing to wait for)
            self.first_screen_shown()

    def after_first_screen(self, read: Callable[[], object]) -> None:
        """Run ``read`` once the queue's first rows are on screen (now, if they were).

        The supervisor's lines (client flags, backup age) read the database in threads; at
        start-up they shared the GIL with the queue's first rows and its first frame (on a
        million-case desk the client flags' forty small queries ran right through it).
        """
        if self._after_first_screen is None:
            read()
        else:
            self._after_first_screen.append(read)

    def _run_after_first_screen(self) -> None:
        waiting, self._after_first_screen = self._after_first_screen, None
        for read in waiting or ():
            read()

    def _welcome_answered(self, load_demo: bool | None) -> None:
        if load_demo:
            self.notify("Loading demo data…", timeout=3)
            self.load_demo()
        elif self.role is Role.PHONE:
            self.action_phone_intake()

    @work(thread=True, group="demo", exit_on_error=False)
    def load_demo(self) -> None:
        from wzdesk.services.demo import generate

        try:
            summary = in_thread(generate, self.clock)
        except Exception as error:  # a failed demo load must not take the console down
            self.call_from_thread(self.notify, f"Demo data failed: {error}", severity="error")
            return
        self.call_from_thread(
            self.notify, f"Demo data loaded: {summary.cases} cases ({summary.open_cases} open)"
        )
        self.call_from_thread(self.load_queue, initial=True)

    # -- the refresh loop (dolphie-style: re-armed only after a fetch finishes) ------------------

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def load_queue(self, initial: bool = False, first: QueueSnapshot | None = None) -> None:
        """Read the queue: everything (``initial``, after the first screen's rows, which
        ``first`` holds if they were read already), else what changed since the last read."""
        worker = get_current_worker()
        completed = False
        outside: frozenset[int] | None = None
        try:
            with connection():
                if self.snapshot is None or initial:
                    if first is None:
                        book = load_policy_book()
                        snapshot = QueueSnapshot(book, self.clock, me=self.context.actor)
                        # First screen first: the most urgent rows paint while the rest loads.
                        snapshot.load_top(max(FIRST_SCREEN_ROWS, self.size.height))
                        self.desk_is_empty = not snapshot.rows and not has_cases()
                        self.book, self.snapshot = book, snapshot
                        self._first_screen_painted.clear()
                        self.post_message(QueueRefreshed(set(snapshot.rows), initial=True))
                    else:
                        book = first.book
                    # Let that screen paint before loading the rest: both need the GIL.
                    self._first_screen_painted.wait(timeout=2.0)
                    full = QueueSnapshot(book, self.clock, me=self.context.actor)
                    full.load_all()
                    self.snapshot = full
                    changed = set(full.rows)
                    completed = True  # the partial first screen is now the whole queue
                else:
                    changed = self.snapshot.refresh()
                    self.book = self.snapshot.book
                    found = self.snapshot.outside_changes
                    outside = None if found is None else frozenset(found)
        except Exception as error:  # the database went away: say so, keep the UI alive
            if not worker.is_cancelled:
                self.post_message(
                    LoadFailed(str(error).splitlines()[0] if str(error) else repr(error))
                )
            return
        # Posted even if a newer refresh superseded this one: the snapshot already holds these
        # changes, and a later re-read will not report them again.
        self.post_message(
            QueueRefreshed(changed, loaded=True, completed=completed, outside=outside)
        )

    def on_queue_refreshed(self, message: QueueRefreshed) -> None:
        # Most 3-second re-reads find nothing new: then the screens have nothing to redraw
        # (recounting 10,000 rows each time would be idle work on the UI thread). A load that
        # completes the first screen is always shown, even with nothing in it.
        outside_changed = message.outside is None or bool(message.outside)
        if message.changed or message.initial or message.completed or outside_changed:
            for screen in self.screen_stack:
                screen.post_message(QueueChanged(message.changed, message.initial, message.outside))
        if message.loaded:
            self._schedule_refresh(self.refresh_seconds)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(f"Cannot read the database: {message.error}. Retrying…", severity="error")
        self._schedule_refresh(max(self.refresh_seconds, 5.0))
        for screen in self.screen_stack:
            said = getattr(screen, "load_failed", None)
            if said is not None:
                said(message.error)

    def _schedule_refresh(self, delay: float) -> None:
        """One pending re-read at a time (a manual refresh must not start a second chain)."""
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(delay, self.load_queue)

    def action_refresh_now(self) -> None:
        self.notify("Re-reading the database…", timeout=1)
        self.load_queue()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The intake keys do nothing inside the intake form (it stays one form at a time)."""
        if action in ("phone_intake", "new_case"):
            # Not imported for the asking: the key bar asks as the console opens, and loading
            # the intake form's module then cost 6 ms before the first frame. Not loaded yet:
            # no intake form is open.
            intake = sys.modules.get("wzdesk.tui.screens.intake")
            return (
                None
                if intake is not None and isinstance(self.screen, intake.IntakeScreen)
                else True
            )
        return True

    # -- quitting ---------------------------------------------------------------------------

    def unsaved_work(self) -> str | None:
        """What quitting now would throw away, if anything (typed text, a timed call)."""
        for screen in reversed(self.screen_stack):
            check = getattr(screen, "has_unsaved_text", None)
            if check is not None and check():
                return getattr(screen, "unsaved_label", "a form with text you typed")
        return None

    async def action_quit(self) -> None:
        """Quit, asking first when a form holds unsaved text."""
        unsaved = self.unsaved_work()
        if unsaved is None:
            self.exit()
            return
        from wzdesk.tui.screens.prompts import ConfirmPrompt

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(
            ConfirmPrompt("Quit wzdesk?", f"You would lose {unsaved}.", "Quit anyway"), answered
        )

    # -- global actions ----------------------------------------------------------------------

    def action_help(self) -> None:
        from wzdesk.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_phone_intake(self) -> None:
        from wzdesk.tui.screens.intake import IntakeScreen

        if isinstance(self.screen, IntakeScreen):
            return
        self.push_screen(IntakeScreen(channel="phone"), self._case_created)

    def action_new_case(self) -> None:
        from wzdesk.tui.screens.intake import IntakeScreen

        if isinstance(self.screen, IntakeScreen):
            return
        self.push_screen(IntakeScreen(channel="portal"), self._case_created)

    def _case_created(self, ref: str | None) -> None:
        if ref:
            self.load_queue()
            self.show_case(ref)

    def action_wallboard(self) -> None:
        from wzdesk.tui.screens.wallboard import WallboardScreen

        if isinstance(self.screen, WallboardScreen):
            self.pop_screen()
        else:
            self.push_screen(WallboardScreen())

    def action_quarantine(self) -> None:
        from wzdesk.tui.screens.quarantine import QuarantineScreen

        if isinstance(self.screen, QuarantineScreen):
            self.pop_screen()
        else:
            self.push_screen(QuarantineScreen())

    def action_alerts(self) -> None:
        from wzdesk.tui.screens.alerts import AlertsScreen

        if isinstance(self.screen, AlertsScreen):
            self.pop_screen()
        else:
            self.push_screen(AlertsScreen())

    def action_insights(self) -> None:
        """Insights (supervisors): a role that may not see reports is told why."""
        from wzdesk.core.rules import Action, may
        from wzdesk.tui.screens.insights import InsightsScreen

        if isinstance(self.screen, InsightsScreen):
            self.pop_screen()
        elif not may(self.role, Action.VIEW_REPORTS):
            self.notify(
                f"As {self.role.value} you may not {Action.VIEW_REPORTS.value}.",
                severity="warning",
            )
        else:
            self.push_screen(InsightsScreen())

    def action_audit(self) -> None:
        """The audit trail (supervisors)."""
        from wzdesk.core.rules import Action, may
        from wzdesk.tui.screens.audit import AuditScreen

        if not may(self.role, Action.VIEW_REPORTS):
            self.notify(
                f"As {self.role.value} you may not {Action.VIEW_REPORTS.value}.",
                severity="warning",
            )
        elif not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    def _main_screen(self) -> object | None:
        """Back to the main screen (closing what is above it); None if it is not running."""
        from wzdesk.tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                while self.screen is not screen:
                    self.pop_screen()
                return screen
        return None

    def show_case(self, ref: str) -> None:
        """Show a case on the main screen (from the palette, after intake, from history)."""
        from wzdesk.tui.screens.main import MainScreen

        main = self._main_screen()
        if isinstance(main, MainScreen):
            main.open_case(ref)

    def filter_by_client(self, code: str) -> None:
        from wzdesk.tui.screens.main import MainScreen

        main = self._main_screen()
        if isinstance(main, MainScreen):
            main.filter_by_client(code)

    def show_case_list(self) -> None:
        self._main_screen()

    def set_quick_filter(self, name: str) -> None:
        from wzdesk.tui.screens.main import MainScreen

        main = self._main_screen()
        if isinstance(main, MainScreen):
            main.set_quick_filter_by_name(name)
