"""The columns file (``columns.bin``): the bundled data as typed arrays.

Written once, at the end of the build, from the CSV files the build has just
written (read back with the validating reader, so the CSV files stay the
source of truth and the columns can never say more than they do).  The
layout is :mod:`twintowns.columns`' (version 2: with the name table, the
adjacency and where each record's line starts, so the command line answers a
name and its partners without a build or reading a file whole); the bytes
depend only on the CSV files, so two builds write the same file.
"""

from __future__ import annotations

from pathlib import Path

from twintowns.columns import COLUMNS_FILE, Columns, line_starts
from twintowns.dataset import read_dataset
from twintowns.files import publish, temporary_beside
from twintowns.schema import PARTNERSHIPS_FILE, PLACES_FILE

__all__ = ["write_columns"]


def write_columns(out_dir: Path) -> Path:
    """Derive ``columns.bin`` from ``places.csv`` and ``partnerships.csv`` in ``out_dir``."""
    atlas = read_dataset(out_dir)
    places = atlas.places
    index = {p.id: i for i, p in enumerate(places)}
    columns = Columns.from_objects(places, atlas.partnerships, index, with_names=True)
    texts = [(out_dir / name).read_bytes() for name in (PLACES_FILE, PARTNERSHIPS_FILE)]
    data = columns.to_bytes(
        places_csv_size=len(texts[0]),
        partnerships_csv_size=len(texts[1]),
        line_starts=(line_starts(texts[0]), line_starts(texts[1])),
    )
    target = out_dir / COLUMNS_FILE
    with temporary_beside(target) as temporary:  # whole or not at all, as the CSV files
        temporary.write_bytes(data)
        publish(temporary, target)
    return target
