"""The Textual application: composition, global bindings, the live tick and the refresh loop.

Threads: the database is only ever touched in thread workers (each with its own Peewee
connection), which report back with messages. The one-second tick reads memory only.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TypeVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.timer import Timer
from textual.worker import get_current_worker

from wzdesk.core.clock import Clock
from wzdesk.core.rules import Role
from wzdesk.services.calendar import PolicyBook, load_policy_book
from wzdesk.services.context import ServiceContext, connection
from wzdesk.services.queue import QueueSnapshot
from wzdesk.tui.commands import CaseCommands
from wzdesk.tui.messages import LoadFailed, QueueChanged, QueueRefreshed
from wzdesk.tui.workers import in_thread

T = TypeVar("T")

#: Seconds between database re-reads (other agents' changes appear without a key press).
REFRESH_SECONDS = 3.0
#: Rows loaded before the first paint (the rest follow in the same worker).
FIRST_SCREEN_ROWS = 200


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
        Binding("f4", "wallboard", "Wallboard"),
        Binding("f6", "quarantine", "Mail quarantine"),
        Binding("ctrl+r", "refresh_now", "Refresh", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
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
    ) -> None:
        super().__init__()
        self.context = context
        self.clock = clock
        self.database_label = database_label
        self.start_on_wallboard = wallboard
        self.offer_demo = offer_demo
        self.bell_on_breach = bell
        self.refresh_seconds = refresh_seconds
        self.snapshot: QueueSnapshot | None = None
        self._first_screen_painted = threading.Event()
        self._refresh_timer: Timer | None = None
        self.book: PolicyBook | None = None
        self.sub_title = f"{context.actor} · {context.role.value}"

    @property
    def role(self) -> Role:
        return self.context.role

    def on_mount(self) -> None:
        from wzdesk.tui.screens.main import MainScreen

        self.push_screen(MainScreen())
        if self.start_on_wallboard:
            self.action_wallboard()
        if self.offer_demo:
            from wzdesk.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(self.database_label), self._welcome_answered)
        self.load_queue(initial=True)

    def _welcome_answered(self, load_demo: bool | None) -> None:
        if load_demo:
            self.notify("Loading demo data…", timeout=3)
            self.load_demo()

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
    def load_queue(self, initial: bool = False) -> None:
        worker = get_current_worker()
        try:
            with connection():
                if self.snapshot is None or initial:
                    book = load_policy_book()
                    snapshot = QueueSnapshot(book, self.clock)
                    # First screen first: the most urgent rows paint while the rest loads.
                    snapshot.load_top(FIRST_SCREEN_ROWS)
                    self.book, self.snapshot = book, snapshot
                    self._first_screen_painted.clear()
                    self.post_message(QueueRefreshed(set(snapshot.rows), initial=True))
                    # Let that screen paint before loading the rest: both need the GIL.
                    self._first_screen_painted.wait(timeout=2.0)
                    full = QueueSnapshot(book, self.clock)
                    full.load_all()
                    self.snapshot = full
                    changed = set(full.rows)
                else:
                    changed = self.snapshot.refresh()
                    self.book = self.snapshot.book
        except Exception as error:  # the database went away: say so, keep the UI alive
            if not worker.is_cancelled:
                self.post_message(
                    LoadFailed(str(error).splitlines()[0] if str(error) else repr(error))
                )
            return
        # Posted even if a newer refresh superseded this one: the snapshot already holds these
        # changes, and a later re-read will not report them again.
        self.post_message(QueueRefreshed(changed, initial=False, loaded=True))

    def on_queue_refreshed(self, message: QueueRefreshed) -> None:
        # Most 3-second re-reads find nothing new: then the screens have nothing to redraw
        # (recounting 10,000 rows each time would be idle work on the UI thread).
        if message.changed or message.initial:
            for screen in self.screen_stack:
                screen.post_message(QueueChanged(message.changed, message.initial))
        if message.initial:
            self.call_after_refresh(self._first_screen_painted.set)
        if message.loaded:
            self._schedule_refresh(self.refresh_seconds)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(f"Cannot read the database: {message.error}. Retrying…", severity="error")
        self._schedule_refresh(max(self.refresh_seconds, 5.0))

    def _schedule_refresh(self, delay: float) -> None:
        """One pending re-read at a time (a manual refresh must not start a second chain)."""
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(delay, self.load_queue)

    def action_refresh_now(self) -> None:
        self.load_queue()

    # -- global actions ----------------------------------------------------------------------

    def action_help(self) -> None:
        from wzdesk.tui.screens.help import HelpScreen

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

    def show_case(self, ref: str) -> None:
        """Open a case in the main screen's detail pane (from the palette, after intake)."""
        from wzdesk.tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                main: MainScreen = screen
                while self.screen is not main:
                    self.pop_screen()
                main.open_case(ref)
                return

    def filter_by_client(self, code: str) -> None:
        from wzdesk.tui.screens.main import MainScreen

        self.show_case_list()
        if isinstance(self.screen, MainScreen):
            self.screen.filter_by_text(code)

    def show_case_list(self) -> None:
        from wzdesk.tui.screens.main import MainScreen

        while not isinstance(self.screen, MainScreen) and len(self.screen_stack) > 1:
            self.pop_screen()

    def set_quick_filter(self, name: str) -> None:
        from wzdesk.tui.screens.main import MainScreen

        if isinstance(self.screen, MainScreen):
            self.screen.set_quick_filter_by_name(name)
