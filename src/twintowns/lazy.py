"""Build a value on first use, once, whichever threads ask: the one lazy-loading helper.

Indexes, records and tables are made the first time a question needs them, like
pycountry's ``lazy_load``.  Every such place in the package reads its slot
without a lock first (the common case: already built, nothing to wait for) and
only then calls one of these, which takes the lock, checks again and builds:

>>> import threading
>>> class Table:
...     def __init__(self) -> None:
...         self._rows: list[int] | None = None
...         self._lock = threading.Lock()
...     def rows(self) -> list[int]:
...         found = self._rows
...         return found if found is not None else attribute(self, "_rows", self._lock, self._read)
...     def _read(self) -> list[int]:
...         print("reading")
...         return [1, 2, 3]
>>> t = Table()
>>> t.rows()
reading
[1, 2, 3]
>>> t.rows() is t.rows()
True

``build`` runs at most once per slot while the lock is held, so threads that
ask meanwhile wait for its answer instead of building their own.  An exception
from ``build`` stores nothing: the next call tries again.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, MutableSequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

__all__ = ["attribute", "item"]

_T = TypeVar("_T")
_K = TypeVar("_K")


def attribute(
    owner: object, name: str, lock: AbstractContextManager[Any], build: Callable[[], _T]
) -> _T:
    """``owner.<name>``, set to ``build()`` under ``lock`` if it is None."""
    with lock:
        found: _T | None = getattr(owner, name)
        if found is None:
            found = build()
            setattr(owner, name, found)
        return found


def item(
    table: MutableSequence[_T | None] | MutableMapping[_K, _T],
    key: Any,
    lock: AbstractContextManager[Any],
    build: Callable[[], _T],
) -> _T:
    """``table[key]``, set to ``build()`` under ``lock`` if it is None or missing.

    ``table`` is a list of slots (``None`` until built) or a dict.
    """
    with lock:
        if isinstance(table, MutableSequence):
            found: _T | None = table[key]
        else:
            found = table.get(key)
        if found is None:
            found = build()
            table[key] = found
        return found
