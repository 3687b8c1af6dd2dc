"""Three ways Textual 8 keeps closed widgets in memory, and what the console does about them.

An agent's console runs all day, for weeks; memory must not grow with use. Measured with
``benchmarks/bench_console_memory.py``, each reply or note grew the process by about 0.2 MB,
for two reasons found with ``gc.get_referrers``:

* ``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` on an *instance* method, so its
  cache keys hold up to 1,024 widgets' style caches (and every rendered line in them) long after
  the widgets are gone. :func:`patch_styles_cache` answers the same question from a cache keyed
  by the colours alone.
* A ``TextArea`` watches the app's theme; Textual drops such watchers only when the watched
  value next changes, and the theme does not change in a working day. So every prompt's text
  area stayed reachable from the app. :func:`forget_closed_watchers` drops them.
* A thread worker marks itself active in its executor thread's context (``active_worker``),
  and that context lives as long as the thread: each of the pool's threads kept the last
  worker it ran, and through it that worker's screen (up to six screens on two cores; F8
  opened and closed eight times left four insights screens and their charts).
  :class:`FreshContextExecutor` runs each job in a context of its own, dropped after it.

Both are small and local; remove them when Textual fixes the originals (the memory benchmark
will tell).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any, TypeVar

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.message_pump import MessagePump
from textual.style import Style

T = TypeVar("T")


class FreshContextExecutor(ThreadPoolExecutor):
    """A thread pool whose jobs each run in a new, empty context (see the module's docstring).

    Thread workers need no context from one another: their Peewee connections are
    thread-local, and a widget finds its app through its parents when ``active_app`` is unset
    (as it always is in an executor thread)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return super().submit(contextvars.Context().run, fn, *args, **kwargs)


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    """Inner and outer backgrounds, cached by colour only (not by the widget's cache)."""
    return _inner_outer(base_background, background)


def patch_styles_cache() -> None:
    """Make ``StylesCache.get_inner_outer`` keep no widget alive (idempotent)."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]


def forget_closed_watchers(node: MessagePump) -> int:
    """Drop the watchers other widgets set on ``node`` once those widgets have closed; return
    how many were dropped."""
    watchers: dict[str, list[tuple[Any, Any]]] = getattr(node, "__watchers", {})
    dropped = 0
    for entries in watchers.values():
        alive = [
            (watcher, callback)
            for watcher, callback in entries
            if not (getattr(watcher, "_closing", False) or getattr(watcher, "_closed", False))
        ]
        dropped += len(entries) - len(alive)
        entries[:] = alive
    return dropped
