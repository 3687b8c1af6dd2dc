"""Immutable value objects without :mod:`dataclasses`.

``@dataclass(frozen=True)`` would do, but importing :mod:`dataclasses` (and with it
:mod:`inspect`, :mod:`ast`, :mod:`dis`) and generating each class's methods costs a script
about 25 ms of CPU: a quarter of ``wzdesk sla due``'s whole run (issue 13). What the quick
read-only commands use derives from :class:`Value` instead: the calendar, the SLA policy and
the clock, the notice settings, the message template catalogue and the placeholder parser, the
professional-services arithmetic (rates, quote lines, tiers). The rest of the code keeps its
dataclasses.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Value:
    """Equality, hash and repr over the attributes named in ``_fields``; no assignment after
    ``__init__``, which sets them with :meth:`_set` (as a frozen dataclass would)."""

    _fields: ClassVar[tuple[str, ...]] = ()

    def _set(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"
