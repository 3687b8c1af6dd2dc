"""The wallboard: the breach panel full screen, for a supervisor or a team monitor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from wzdesk.tui.messages import QueueChanged
from wzdesk.tui.widgets import SlaPanel
from wzdesk.tui.workers import desk

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp


class WallboardScreen(Screen[None]):
    """Breached and at-risk cases by severity, the business clock, updated live."""

    BINDINGS = [Binding("escape,f4,w", "app.wallboard", "Back to the queue")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield SlaPanel(id="wallboard", per_group=None)
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)
        self._regroup()
        self.tick()

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    def on_queue_changed(self, message: QueueChanged) -> None:
        self._regroup()

    def _regroup(self) -> None:
        snapshot = self.wz.snapshot
        if snapshot is not None and not snapshot.partial:
            now = self.wz.clock.now()
            panel = self.query_one(SlaPanel)
            panel.set_rows(snapshot.ordered, snapshot.book.at(now).calendar, now)

    def tick(self) -> None:
        if self.wz.book is not None:
            now = self.wz.clock.now()
            self.query_one(SlaPanel).tick(self.wz.book.at(now).calendar, now)
