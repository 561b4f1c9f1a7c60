"""The derived files: ``columns.bin`` (the bundled data as typed arrays) and
``othernames.bin`` (the other names as a lookup table).

Written once, at the end of the build, from the CSV files the build has just
written (read back with the validating reader, so the CSV files stay the
source of truth and the derived files can never say more than they do).  The
columns' layout is :mod:`twintowns.columns`' (version 2: with the name table,
the adjacency and where each record's line starts, so the command line answers
a name and its partners without a build or reading a file whole); the other
names' is :class:`twintowns.normalize.SortedTable`'s (a lookup by another name
reads a few pages of it, nothing is built).  The bytes depend only on the CSV
files, so two builds write the same files.
"""

from __future__ import annotations

from pathlib import Path

from twintowns.columns import COLUMNS_FILE, Columns, line_starts
from twintowns.dataset import read_dataset
from twintowns.files import publish, temporary_beside
from twintowns.normalize import SortedTable, other_name_pairs
from twintowns.records import names_file_entries
from twintowns.schema import NAMES_FILE, OTHER_NAMES_FILE, PARTNERSHIPS_FILE, PLACES_FILE

__all__ = ["write_columns"]


def write_columns(out_dir: Path) -> list[Path]:
    """Derive ``columns.bin`` from ``places.csv`` and ``partnerships.csv`` in ``out_dir``,
    and ``othernames.bin`` from its ``names.csv``; each written whole or not at all."""
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
    names = (out_dir / NAMES_FILE).read_bytes()
    other_names = SortedTable.to_bytes(
        other_name_pairs(names_file_entries(names.decode("utf-8"), index)),
        places=len(places),
        source_size=len(names),
    )
    written = []
    for name, content in ((COLUMNS_FILE, data), (OTHER_NAMES_FILE, other_names)):
        target = out_dir / name
        with temporary_beside(target) as temporary:  # whole or not at all, as the CSV files
            temporary.write_bytes(content)
            publish(temporary, target)
        written.append(target)
    return written
