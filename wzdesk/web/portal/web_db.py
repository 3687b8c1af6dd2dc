"""Running use cases from the portal's async handlers: in a worker thread, with a database
connection of that thread's own (Peewee connections are per thread), closed afterwards."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from wzdesk.services.context import connection

T = TypeVar("T")


def _connected(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with connection():
        return function(*args, **kwargs)


async def in_db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in a worker thread with a database connection."""
    return await run_in_threadpool(functools.partial(_connected, function, *args, **kwargs))
