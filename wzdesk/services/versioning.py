"""Optimistic locking for records that carry a ``version`` and an ``updated_at``: a writer
that read an older version is refused (:class:`Conflict`) and nothing is overwritten."""

from __future__ import annotations

from typing import Any, TypeVar

from wzdesk.core.errors import Conflict
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import BaseModel

R = TypeVar("R", bound=BaseModel)


def check_version(label: str, current: int, expected: int | None) -> None:
    """Refuse a caller that read version ``expected`` of a record now at ``current``."""
    if expected is not None and current != expected:
        raise Conflict(
            f"{label} changed since you read it (you had version {expected}, it is "
            f"now {current}); reload it and try again",
            field="version",
        )


def save_versioned(ctx: ServiceContext, row: R, changes: dict[str, Any], label: str) -> R:
    """Write ``changes`` to ``row`` only if nobody else wrote it since it was read."""
    model = type(row)
    now = ctx.clock.now()
    version = model.version  # type: ignore[attr-defined]
    updated = (
        model.update(**changes, version=version + 1, updated_at=now)
        .where((model.id == row.id) & (version == row.version))  # type: ignore[attr-defined]
        .execute()
    )
    if updated != 1:
        raise Conflict(f"{label} was changed by someone else just now; reload it", field="version")
    for name, value in changes.items():
        setattr(row, name, value)
    row.version += 1  # type: ignore[attr-defined]
    row.updated_at = now  # type: ignore[attr-defined]
    return row
