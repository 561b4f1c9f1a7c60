"""The CSV export: a folder in the bundled schema, its three files replaced together."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from twintowns.export.progress import Progress, counted
from twintowns.files import prepare_target, publish, temporary_beside
from twintowns.model import Place
from twintowns.schema import (
    METADATA_FILE,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACE_COLUMNS,
    PLACES_FILE,
    format_float,
    partnership_row,
    place_row,
    write_csv,
)

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["to_csv"]


def _exact_float(value: float) -> str:
    """The schema's short coordinate text when it is exact, else the shortest exact repr."""
    text = format_float(value)
    return text if float(text) == value else repr(value)


def _place_cells(place: Place) -> list[str]:
    row = place_row(place)
    row[6], row[7] = _exact_float(place.latitude), _exact_float(place.longitude)
    return row


def to_csv(
    atlas: Atlas, folder: str | os.PathLike[str], *, progress: Progress | None = None
) -> list[Path]:
    """Write ``places.csv``, ``partnerships.csv`` and ``metadata.json`` into ``folder``.

    The folder is created if needed (not its parents); existing files of those names are
    replaced once all three are written (an export that fails leaves them untouched;
    exports racing to one folder each replace all three together).  Returns the paths
    written.  Coordinates keep every digit they have (the bundled data has at most six
    decimals).
    """
    target = prepare_target(folder, folder=True)
    total = len(atlas.places) + len(atlas.partnerships)
    paths = [target / PLACES_FILE, target / PARTNERSHIPS_FILE, target / METADATA_FILE]

    def places(out: IO[str]) -> None:
        rows = (_place_cells(p) for p in counted(atlas.places, progress, 0, total))
        write_csv(out, PLACE_COLUMNS, rows)

    def partnerships(out: IO[str]) -> None:
        prows = (
            partnership_row(p)
            for p in counted(atlas.partnerships, progress, len(atlas.places), total)
        )
        write_csv(out, PARTNERSHIP_COLUMNS, prows)

    def metadata(out: IO[str]) -> None:
        out.write(_metadata_text(atlas))

    # all three files are written completely before any of them replaces the old one
    with contextlib.ExitStack() as stack:
        finished: list[Path] = []
        for write in (places, partnerships, metadata):
            temporary = stack.enter_context(temporary_beside(target))
            with temporary.open("w", encoding="utf-8", newline="") as out:
                write(out)
            finished.append(temporary)
        with _folder_lock(target):  # exports racing to one folder never mix their files
            for temporary, path in zip(finished, paths, strict=True):
                publish(temporary, path)
    return paths


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``folder`` (where the platform has ``flock``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks on folders
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _metadata_text(atlas: Atlas) -> str:
    return json.dumps(atlas.metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
