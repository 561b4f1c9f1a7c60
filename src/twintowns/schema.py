"""The on-disk schema shared by the bundled data, the build step and exports.

Two UTF-8 CSV files (RFC 4180, ``\\n`` line ends, header row) and a JSON file:

``places.csv``
    ``id, name, ascii_name, country, subdivision, kind, latitude, longitude,
    timezone, population, continent, aliases, resolution, wikidata``
``partnerships.csv``
    ``a, b, kind, status, established, ended, note, claimed_by, sources, urls,
    as_of, status_basis`` (``status_basis``: ``listed`` or ``confirmed``)
``names.csv``
    ``id, names``: the other names a place is known by (GeoNames alternate
    names: endonyms, exonyms, native scripts), looked up by name lookups only
    when no name or alias matches, through ``othernames.bin``, the lookup table
    the data build derives from it.
``metadata.json``
    dataset version, counts, sources and licenses.

List-valued cells (``aliases``, ``claimed_by``, ``sources``, ``urls``) join
their items with ``|``.  Empty cells mean "unknown" / "none".  Dates are
``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.  Coordinates are written with at most
six decimals.

Spreadsheet safety: a text cell that starts with ``=``, ``+``, ``-``, ``@``
or ``'`` is written with one extra leading ``'`` so that spreadsheet programs
never evaluate it as a formula; readers remove exactly that one quote
(:func:`unescape_cell`), so every value survives a round trip unchanged.
Numeric cells (coordinates, population) are never escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.model import LIST_SEPARATOR, Partnership, Place

__all__ = [
    "METADATA_FILE",
    "NAMES_COLUMNS",
    "NAMES_FILE",
    "NUMERIC_COLUMNS",
    "OTHER_NAMES_FILE",
    "PARTNERSHIPS_FILE",
    "PARTNERSHIP_COLUMNS",
    "PLACES_FILE",
    "PLACE_COLUMNS",
    "escape_cell",
    "partnership_row",
    "place_row",
    "unescape_cell",
    "write_csv",
]

PLACES_FILE = "places.csv"
NAMES_FILE = "names.csv"
#: the other names of ``names.csv`` as a lookup table, derived by the data build
OTHER_NAMES_FILE = "othernames.bin"
PARTNERSHIPS_FILE = "partnerships.csv"
METADATA_FILE = "metadata.json"

PLACE_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "ascii_name",
    "country",
    "subdivision",
    "kind",
    "latitude",
    "longitude",
    "timezone",
    "population",
    "continent",
    "aliases",
    "resolution",
    "wikidata",
)
PARTNERSHIP_COLUMNS: tuple[str, ...] = (
    "a",
    "b",
    "kind",
    "status",
    "established",
    "ended",
    "note",
    "claimed_by",
    "sources",
    "urls",
    "as_of",
    "status_basis",
)
NAMES_COLUMNS: tuple[str, ...] = ("id", "names")
NUMERIC_COLUMNS = frozenset({"latitude", "longitude", "population"})

_RISKY = ("=", "+", "-", "@", "'")


def escape_cell(value: str) -> str:
    """Neutralise a text cell for spreadsheets (see the module docstring).

    >>> escape_cell("=SUM(A1)"), escape_cell("'s-Hertogenbosch"), escape_cell("Orange")
    ("'=SUM(A1)", "''s-Hertogenbosch", 'Orange')
    """
    _check_cell(value)
    return "'" + value if value.startswith(_RISKY) else value


def _check_cell(value: object) -> None:
    if not isinstance(value, str):
        raise InvalidTypeError(f"a cell must be a str, not {type(value).__name__}: {value!r}")


def unescape_cell(value: str) -> str:
    """Undo :func:`escape_cell`.

    >>> unescape_cell("'=SUM(A1)"), unescape_cell("''s-Hertogenbosch")
    ('=SUM(A1)', "'s-Hertogenbosch")
    """
    _check_cell(value)
    if value.startswith("'") and value[1:].startswith(_RISKY):
        return value[1:]
    return value


def format_float(value: float) -> str:
    """Deterministic short text for a coordinate (≤ 6 decimals, no trailing zeros)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _join(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


def place_row(place: Place) -> list[str]:
    """One ``places.csv`` row (unescaped text) for ``place``."""
    return [
        place.id,
        place.name,
        place.ascii_name,
        place.country,
        place.subdivision or "",
        place.kind.value,
        format_float(place.latitude),
        format_float(place.longitude),
        place.timezone,
        "" if place.population is None else str(place.population),
        place.continent.value,
        _join(place.aliases),
        place.resolution,
        place.wikidata or "",
    ]


def partnership_row(p: Partnership) -> list[str]:
    """One ``partnerships.csv`` row (unescaped text) for ``p``."""
    return [
        p.a.id,
        p.b.id,
        p.kind.value,
        p.status.value,
        "" if p.established is None else str(p.established),
        "" if p.ended is None else str(p.ended),
        p.note,
        _join(sorted(p.claimed_by)),
        _join(p.sources),
        _join(p.urls),
        "" if p.as_of is None else str(p.as_of),
        p.status_basis.value,
    ]


def write_csv(
    out: io.TextIOBase | io.StringIO | object,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
) -> None:
    """Write a header and ``rows`` to the text stream ``out``, escaping text cells.

    Every row must have one cell per column; every cell must be a str.
    """
    columns = _cells(columns, "columns")
    writer = csv.writer(out, lineterminator="\n")  # type: ignore[arg-type]
    writer.writerow(columns)
    numeric = [c in NUMERIC_COLUMNS for c in columns]
    width = len(columns)
    for i, row in enumerate(_iterable(rows, "rows")):
        if type(row) is not list or len(row) != width:
            row = _cells(row, f"rows[{i}]")
            if len(row) != width:
                raise InvalidValueError(f"rows[{i}] has {len(row)} cells, not {width}: {row!r}")
        writer.writerow(
            [cell if num else escape_cell(cell) for cell, num in zip(row, numeric, strict=True)]
        )


def _iterable(value: object, what: str) -> Iterable[Any]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise InvalidTypeError(f"{what} must be an iterable, not {type(value).__name__}: {value!r}")
    return value


def _cells(value: object, what: str) -> list[str]:
    cells = list(_iterable(value, what))
    for cell in cells:
        _check_cell(cell)
    return cells
