"""Helpers shared by the thread-safety tests.

* :func:`run_together` runs one function in many threads released at once;
* :func:`count_calls` patches a function or method to count how often it runs
  (a value built on first use must be built once, whichever threads ask).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

__all__ = ["Calls", "count_calls", "run_together"]

_T = TypeVar("_T")

#: seconds a thread waits at the barrier for the others before the test fails
_START_TIMEOUT = 60.0


def run_together(n: int, work: Callable[[int], _T]) -> list[_T]:
    """``[work(0), …, work(n - 1)]``, each called in its own thread.

    The threads wait at a barrier and start ``work`` together, so that they ask
    for the values built on first use at the same time.  Once every thread has
    ended, an exception raised in any of them is raised here (the lowest
    numbered thread's), so a thread's failure fails the test.
    """
    barrier = threading.Barrier(n, timeout=_START_TIMEOUT)
    results: dict[int, _T] = {}
    errors: dict[int, BaseException] = {}

    def run(k: int) -> None:
        try:
            barrier.wait()
            results[k] = work(k)
        except BaseException as error:  # raised again in the calling thread
            errors[k] = error

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[min(errors)]
    return [results[k] for k in range(n)]


class Calls:
    """How many times a function patched by :func:`count_calls` has run."""

    __slots__ = ("_calls",)

    def __init__(self) -> None:
        self._calls: list[None] = []  # list.append is atomic: threads may call at once

    @property
    def count(self) -> int:
        return len(self._calls)

    def _add(self) -> None:
        self._calls.append(None)


def count_calls(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, *, pause: float = 0.0
) -> Calls:
    """Replace ``owner.<name>`` (a module's function, or a class's method) for the test
    with one that counts its calls, then calls the original.

    ``pause`` seconds of sleep before each call widen the window in which the other
    threads arrive while a first build runs.
    """
    original: Callable[..., Any] = getattr(owner, name)
    calls = Calls()

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls._add()
        if pause:
            time.sleep(pause)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls
