"""Clients the two-admin rule flags, for supervisors: one line on the main screen, like the
backup age ("2 clients need admins: ACME (ask Ana Diaz), BETA (no contact to ask) · Ctrl+P
client view").

:func:`client_flags_text` says it in words (pure); :class:`ClientFlags` reads the flagged
clients through the services in a thread worker when mounted and every ten minutes, and hides
itself when no client is flagged. Mount it only for supervisors (``ClientFlags.wanted(role)``).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Static

from wzdesk.core.rules import Role
from wzdesk.services.people_views import clients_needing_admins
from wzdesk.tui.workers import desk, in_thread

#: How often the line is re-read (admins change rarely).
REFRESH_SECONDS = 600.0
#: Clients named on the line at most (the rest are counted).
NAMED = 4
#: The line until the first read.
CHECKING = Text("Checking which clients need admins…", "dim")


def client_flags_text(flagged: list[dict[str, Any]], width: int | None = None) -> str:
    """The line for ``flagged`` clients ("" when none); ``width``: the cells it has, so that
    fewer clients are named rather than the count of the rest and the hint cut off (at
    200x50 the line ended "CBE (ask Chen Nguyen)," at the edge, and "+16 more" was lost)."""
    if not flagged:
        return ""
    count = len(flagged)
    noun = "client needs" if count == 1 else "clients need"
    parts = []
    for client in flagged[:NAMED]:
        ask = client["ask"].split(" <")[0] if client["ask"] else ""
        parts.append(f"{client['code']} (ask {ask})" if ask else f"{client['code']} (no contact)")
    for named in range(len(parts), -1, -1):
        more = f", +{count - named} more" if count > named else ""
        listed = f": {', '.join(parts[:named])}{more}" if named else ""
        text = f"{count} {noun} admins{listed} · Ctrl+P client view"
        if width is None or len(text) <= width:
            return text
    return f"{count} {noun} admins"  # too narrow even for the hint


class ClientFlags(Static):
    """One line: the clients the two-admin rule flags, with whom to ask."""

    DEFAULT_CSS = """
    ClientFlags { height: 1; padding: 0 1; color: $warning; }
    """

    @staticmethod
    def wanted(role: Role) -> bool:
        """Whether a console user in ``role`` is shown the line (supervisors)."""
        return role is Role.SUPERVISOR

    def on_mount(self) -> None:
        # The line holds its place from the first frame, so that the queue does not lose a
        # row and its status line jump up when the flags come in (it is hidden if none is).
        self.update(CHECKING)
        desk(self).after_first_screen(self.refresh_flags)  # not while the queue first paints
        self.set_interval(REFRESH_SECONDS, self.refresh_flags)

    @work(thread=True, exclusive=True, group="client-flags", exit_on_error=False)
    def refresh_flags(self) -> None:
        flagged = in_thread(clients_needing_admins)
        self.app.call_from_thread(self.show, flagged)

    _flagged: list[dict[str, Any]] = []

    def show(self, flagged: list[dict[str, Any]]) -> None:
        self._flagged = flagged
        text = client_flags_text(flagged, self.content_size.width or None)
        self.display = bool(text)
        self.update(text)

    def on_resize(self) -> None:
        if self._flagged:
            self.update(client_flags_text(self._flagged, self.content_size.width or None))
