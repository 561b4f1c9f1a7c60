"""Shared plumbing of :mod:`twintowns.stats`: the status filter, a per-atlas
memo of derived indexes, and the deterministic ranking order.

Derived indexes (filtered partnerships, adjacency lists, rankings) are
computed on first use and kept for the few atlases used most recently
(:data:`MEMO_SIZE`), so repeated questions about the same atlas are answered
from them.  An :class:`~twintowns.atlas.Atlas` never changes after it is
built, so a memo can never go stale; it is keyed on the atlas object itself
(which it keeps alive, so its ``id`` is never reused while remembered).

Counting answers come from the atlas's columns (:mod:`twintowns.columns`):
arrays of country codes, statuses, dates and partnership endpoints, so no
:class:`~twintowns.Place` or :class:`~twintowns.Partnership` is built to
count; objects are built only for what an answer returns.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from twintowns.countries import is_country
from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.filters import StatusFilter, status_filter
from twintowns.model import Partnership, Status

if TYPE_CHECKING:
    from twintowns.atlas import Atlas
    from twintowns.columns import Columns

__all__ = [
    "MEMO_SIZE",
    "Adjacency",
    "adjacency",
    "check_atlas",
    "check_count",
    "check_country",
    "column",
    "columns_of",
    "memo",
    "objects",
    "positions",
    "selected",
    "statuses_of",
]

#: How many atlases keep their derived indexes at once (least recently used go first).
MEMO_SIZE = 4

_T = TypeVar("_T")
_lock = threading.RLock()
_memos: OrderedDict[int, tuple[Atlas, dict[Hashable, Any]]] = OrderedDict()

#: place id -> ((partner id, partnership), ...) sorted by the partner's (name, id)
Adjacency = dict[str, tuple[tuple[str, Partnership], ...]]


def check_atlas(atlas: object) -> Atlas:
    """``atlas`` if it is an Atlas, else ``TypeError`` naming what it is."""
    from twintowns.atlas import Atlas

    if not isinstance(atlas, Atlas):
        raise InvalidTypeError(f"expected an Atlas as first argument, not {type(atlas).__name__}")
    return atlas


def check_country(country: object) -> str:
    """An upper-case ISO 3166-1 alpha-2 code, or ``ValueError`` naming the value."""
    if not isinstance(country, str):
        raise InvalidTypeError(f"country must be an ISO 3166-1 alpha-2 code (str), not {country!r}")
    code = country.strip().upper()
    if not is_country(code):
        raise InvalidValueError(
            f"unknown country code {country!r}: expected ISO 3166-1 alpha-2 like 'US'"
        )
    return code


def check_count(n: object, what: str = "n") -> int:
    """``n`` if it is a non-negative int, else an error naming it."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise InvalidTypeError(f"{what} must be an int, not {type(n).__name__}: {n!r}")
    if n < 0:
        raise InvalidValueError(f"{what} must be >= 0: {n!r}")
    return n


def memo(atlas: Atlas, key: Hashable, compute: Callable[[], _T]) -> _T:
    """``compute()`` for ``atlas``, computed once per ``key`` and remembered."""
    with _lock:
        entry = _memos.get(id(atlas))
        if entry is None or entry[0] is not atlas:
            entry = (atlas, {})
            _memos[id(atlas)] = entry
            while len(_memos) > MEMO_SIZE:
                _memos.popitem(last=False)
        else:
            _memos.move_to_end(id(atlas))
        values = entry[1]
        if key in values:
            return values[key]  # type: ignore[no-any-return]
        # building an index allocates many small objects: like the loader, pause the
        # cyclic garbage collector, whose passes over a big atlas would dominate
        paused = gc.isenabled()
        gc.disable()
        try:
            value = compute()
        finally:
            if paused:
                gc.enable()
        values[key] = value
        return value


def statuses_of(status: StatusFilter) -> frozenset[Status] | None:
    """The normalised status filter (``None``: every status)."""
    return status_filter(status)


def columns_of(atlas: Atlas) -> Columns:
    """The columns of ``atlas`` (see :mod:`twintowns.columns`)."""
    return atlas._records.columns()


def positions(atlas: Atlas, statuses: frozenset[Status] | None) -> npt.NDArray[np.intp] | None:
    """Positions of the partnerships whose status passes the filter (None: every one)."""
    if statuses is None:
        return None

    def compute() -> npt.NDArray[np.intp]:
        from twintowns.columns import STATUSES

        codes = [STATUSES.index(s) for s in statuses]
        found: npt.NDArray[np.intp] = np.flatnonzero(
            np.isin(columns_of(atlas).partnership["status"], codes)
        )
        found.flags.writeable = False
        return found

    return memo(atlas, ("positions", statuses), compute)


def column(atlas: Atlas, name: str, where: npt.NDArray[np.intp] | None) -> npt.NDArray[Any]:
    """Partnership column ``name`` of the partnerships at ``where`` (None: all of them)."""
    values = columns_of(atlas).partnership[name]
    return values if where is None else values[where]


def objects(atlas: Atlas, where: npt.NDArray[np.intp] | list[int]) -> list[Partnership]:
    """The partnerships at positions ``where``, in that order (built if need be)."""
    partnership = atlas._records.partnership
    return [partnership(j) for j in (where.tolist() if isinstance(where, np.ndarray) else where)]


def selected(atlas: Atlas, statuses: frozenset[Status] | None) -> tuple[Partnership, ...]:
    """The partnerships of ``atlas`` whose status passes the filter, in atlas order."""
    if statuses is None:
        return atlas._records.all_partnerships()
    where = positions(atlas, statuses)
    assert where is not None

    def compute() -> tuple[Partnership, ...]:
        return tuple(objects(atlas, where))

    return memo(atlas, ("selected", statuses), compute)


def adjacency(atlas: Atlas, statuses: frozenset[Status] | None) -> Adjacency:
    """Neighbours of every partnered place, each list sorted by the partner's name, then id."""

    def compute() -> Adjacency:
        grouped: dict[str, list[tuple[tuple[str, str], str, Partnership]]] = {}
        for p in selected(atlas, statuses):
            a, b = p.a, p.b
            grouped.setdefault(a.id, []).append(((b.name, b.id), b.id, p))
            grouped.setdefault(b.id, []).append(((a.name, a.id), a.id, p))
        out: Adjacency = {}
        for pid, rows in grouped.items():
            rows.sort(key=lambda row: row[0])
            out[pid] = tuple((other, p) for _key, other, p in rows)
        return out

    return memo(atlas, ("adjacency", statuses), compute)
