"""Status and kind filters, accepted the same way by every function.

A filter is ``None`` (no filtering: every partnership counts, whatever its
status), one enum member or its string value, or a collection of them.

>>> sorted(s.value for s in status_filter(["active", Status.SUSPENDED]))
['active', 'suspended']
>>> status_filter(None) is None
True
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TypeAlias, TypeVar

from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.model import PartnershipKind, Status

__all__ = ["KindFilter", "StatusFilter", "kind_filter", "status_filter"]

StatusFilter: TypeAlias = Status | str | Iterable[Status | str] | None
KindFilter: TypeAlias = PartnershipKind | str | Iterable[PartnershipKind | str] | None

_E = TypeVar("_E", bound=enum.Enum)


def _members(cls: type[_E], value: object, what: str) -> frozenset[_E] | None:
    if value is None:
        return None
    items: Iterable[object] = (
        [value] if isinstance(value, str | enum.Enum) or not isinstance(value, Iterable) else value
    )
    out: set[_E] = set()
    for item in items:
        if isinstance(item, cls):
            out.add(item)
            continue
        if not isinstance(item, str):
            raise InvalidTypeError(f"{what} filter must be a {cls.__name__} or str, not {item!r}")
        try:
            out.add(cls(item.strip().lower()))
        except ValueError:
            allowed = ", ".join(str(m.value) for m in cls)
            raise InvalidValueError(f"unknown {what} {item!r}: expected one of {allowed}") from None
    if not out:
        raise InvalidValueError(f"empty {what} filter: pass None to include everything")
    return frozenset(out)


def status_filter(value: StatusFilter) -> frozenset[Status] | None:
    """Normalise a status filter to a set of :class:`Status` (or None for all)."""
    return _members(Status, value, "status")


def kind_filter(value: KindFilter) -> frozenset[PartnershipKind] | None:
    """Normalise a kind filter to a set of :class:`PartnershipKind` (or None for all)."""
    return _members(PartnershipKind, value, "kind")
