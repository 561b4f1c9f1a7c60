"""Progress reporting shared by the exporters: ``progress(done, total)`` callbacks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["Progress", "counted"]

#: ``progress(done, total)``: called while an export runs.
Progress = Callable[[int, int], None]

#: Records between two calls of ``progress`` (the last record always calls it).
PROGRESS_EVERY = 2000


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done == total or done % PROGRESS_EVERY == 0):
        progress(done, total)


def counted(
    items: Sequence[Any], progress: Progress | None, offset: int, total: int
) -> Iterable[Any]:
    for i, item in enumerate(items, start=1):
        yield item
        _tick(progress, offset + i, total)
