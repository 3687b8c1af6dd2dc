"""Keys typed ahead of a focus change reach the field the user was typing into.

Textual hands each key to the widget focused when the key *arrives*, but runs a binding's
action only when the key comes back unhandled, and a screen pushed by a key composes in a task
of its own. So when keys arrive together (a fast typist, a console busy for a moment on a
million-case desk, keys sent by tmux), the keys after a focus change were already routed to the
old widget. Found in tmux: ``/pay`` typed at once opened "Assign WZ-… to" on the highlighted
case (``/`` focused the filter box only after ``p``, ``a`` and ``y`` had gone to the queue, and
``a`` is Assign), and the digits of a phone number typed right after F2 were lost (the phone
screen had no focused field yet).

So the console notes where each key was routed. A key that comes back unhandled after the
focus moved, or after another screen came up, is given to the widget focused now, as if it had
been typed after the move: it is the next character of the filter, or of the caller's number.
A screen a key just pushed is waited for (until mounted, at most :data:`SCREEN_WAIT` seconds);
screens focus their first field synchronously (``Screen.set_focus``, not ``Widget.focus``,
which is itself deferred behind the keys already queued).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from weakref import WeakSet

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.worker import Worker

#: How long a key typed ahead waits for the screen an earlier key pushed to be mounted.
SCREEN_WAIT = 0.5
#: How long a key typed ahead waits for an earlier key's prompt (its action reads first).
PROMPT_WAIT = 2.0
#: The attribute a key carries from its arrival: (screen on top, widget focused) then.
_ROUTED = "_wzdesk_routed_to"


@runtime_checkable
class ExplainsRefusals(Protocol):
    """A screen whose keys may be refused (a case action that does not apply, a change the role
    may not make): it says why. Asked by the app, in key order, once the key came back
    unhandled and was not typed ahead; a screen's own ``on_key`` runs ahead of the app's queue
    and would consume keys typed for the field an earlier key focused."""

    def explain_refused_key(self, event: events.Key) -> bool:
        """Say why ``event``'s key does nothing here; True if it was refused."""
        ...


def moved_on_arrival(app: App[Any], event: events.Key) -> bool:
    """Tab and Shift+Tab from a one-line field move the focus as they arrive, not when they
    come back unhandled: a field handles the printable keys it is sent, so the keys typed
    after a Tab were already in the old field's queue and went into it ("DLT<Tab>Probe Two"
    gave the client code "DLTProbe Two", the name left empty). True if the key was used."""
    from textual.widgets import Input

    if event.key not in ("tab", "shift+tab") or not isinstance(app.focused, Input):
        return False
    screen = app.screen
    if event.key == "tab":
        screen.focus_next()
    else:
        screen.focus_previous()
    return True


def note_route(app: App[Any], event: events.Key) -> None:
    """On a key's arrival: remember where Textual is about to send it."""
    setattr(event, _ROUTED, (app.screen, app.focused))


def typed_ahead(app: App[Any], event: events.Key) -> bool:
    """Whether the focus moved (or another screen came up) since ``event`` arrived: the user
    typed it for the field focused now."""
    routed: tuple[Screen[Any], Widget | None] | None = getattr(event, _ROUTED, None)
    if routed is None:
        return False  # a key posted by the app itself
    screen, widget = routed
    return app.screen is not screen or app.focused is not widget


async def route_typed_ahead(app: App[Any], event: events.Key) -> bool:
    """On a key's return to the app unhandled: if it was typed ahead (:func:`typed_ahead`),
    give it to the widget focused now and say so (True); False leaves it to the bindings.

    A key that comes back while an earlier key's action is still opening its prompt (``r``
    reads the case before its editor comes up) waits for that prompt: typed after ``r``, it is
    the reply's first word, not a case action of its own."""
    routed: tuple[Screen[Any], Widget | None] | None = getattr(event, _ROUTED, None)
    if routed is None:
        return False
    await _prompt_opening(app, routed[0])
    if not typed_ahead(app, event):
        return False
    widget = getattr(event, _ROUTED)[1]
    target = await _focused_when_ready(app)
    if target is None or target is widget:
        return False
    again = events.Key(event.key, event.character)
    again.set_sender(app)
    setattr(again, _ROUTED, (app.screen, target))  # if the focus moves again before it is read
    target._forward_event(again)  # unhandled there with the focus unmoved: the bindings
    return True


#: Prompt workers a key already waited :data:`PROMPT_WAIT` for: the next keys do not wait again.
_WAITED_OUT: WeakSet[Worker[Any]] = WeakSet()


async def _prompt_opening(app: App[Any], screen: Screen[Any]) -> None:
    """Wait while ``screen`` is on top and a prompt worker it started runs: the worker of an
    action that asks something (group ``prompts``) is about to push its prompt. At most
    :data:`PROMPT_WAIT` seconds, once per worker; a worker that asks nothing ends, and the
    wait with it."""
    deadline = time.monotonic() + PROMPT_WAIT
    while app.screen is screen:
        opening = [
            worker
            for worker in app.workers
            if worker.group == "prompts"
            and not worker.is_finished
            and worker.node is screen
            and worker not in _WAITED_OUT
        ]
        if not opening:
            return
        if time.monotonic() > deadline:
            _WAITED_OUT.update(opening)
            return
        await asyncio.sleep(0.005)  # Textual offers no event for "pushed a screen"


async def _focused_when_ready(app: App[Any]) -> Widget | None:
    """The widget focused once the screen on top is mounted (a screen just pushed composes and
    focuses its first field in its own task; the app's queue waits for it, briefly)."""
    deadline = time.monotonic() + SCREEN_WAIT
    # Textual offers no public awaitable for "mounted"; a few 5 ms naps, only after a push.
    while not app.screen.is_mounted and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    return app.focused
