"""Places and partnerships as columns: typed numpy arrays, one value per record.

An :class:`~twintowns.Atlas` answers counting and distance questions from
these arrays instead of building 56,000 objects first (see
:mod:`twintowns.records` and docs/performance.md).  The columns hold what
those questions need — coordinates, countries, subdivisions, kinds,
statuses, dates, how many sides claim a tie — and the partnership endpoints
as integer positions of places.  Text-valued fields (names, aliases, notes,
sources, URLs, time zones) stay in the CSV files and are read when a
:class:`~twintowns.Place` or :class:`~twintowns.Partnership` is built.

For the bundled data the columns ship in the package as ``columns.bin``,
written by the data build from the CSV files it has just written
(``databuild/columns.py``; the CSV files stay the source of truth).  The
binary layout, little-endian throughout, every section starting at a
multiple of 8 bytes (zero padding):

1. a header (``HEADER``, 56 bytes): magic ``b"TWTNCOLS"``, format version,
   number of places ``n`` and partnerships ``m``, the byte lengths of the
   three string tables, and the byte sizes of the ``places.csv`` and
   ``partnerships.csv`` files the columns were derived from;
2. three string tables, UTF-8, items joined by ``"\\n"``: the place ids
   (sorted), the country codes used, the subdivision codes used (sorted);
3. place columns: ``latitude``, ``longitude`` (float64), ``population``
   (int64, -1 unknown), ``country`` (uint16, index into the country table),
   ``subdivision`` (int32, index into the subdivision table, -1 none),
   ``kind``, ``continent`` (uint8, position in the enum's declaration order);
4. partnership columns: ``a``, ``b`` (int32 place positions, ``a < b``),
   ``established``, ``ended``, ``as_of`` (int32 ``YYYYMMDD`` with 0 for an
   unknown month or day, 0 for no date), ``kind``, ``status``,
   ``status_basis`` (uint8 enum positions), ``claimed`` (uint8: how many
   sides claim the tie, 0-2).

Nothing here is imported by ``import twintowns``: numpy is imported with the
first data load.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from twintowns.errors import DatasetError, DatasetProblem
from twintowns.model import (
    Continent,
    PartialDate,
    Partnership,
    PartnershipKind,
    Place,
    PlaceKind,
    Status,
    StatusBasis,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "COLUMNS_FILE",
    "FORMAT_VERSION",
    "PARTNERSHIP_KINDS",
    "PLACE_KINDS",
    "STATUSES",
    "STATUS_BASES",
    "Columns",
    "date_code",
]

COLUMNS_FILE: Final = "columns.bin"
FORMAT_VERSION: Final = 1
MAGIC: Final = b"TWTNCOLS"
#: magic, version, n, m, ids bytes, countries bytes, subdivisions bytes,
#: places.csv size, partnerships.csv size
HEADER: Final = struct.Struct("<8sIIIIIIQQ")

PLACE_KINDS: Final = tuple(PlaceKind)
CONTINENTS: Final = tuple(Continent)
PARTNERSHIP_KINDS: Final = tuple(PartnershipKind)
STATUSES: Final = tuple(Status)
STATUS_BASES: Final = tuple(StatusBasis)

#: (name, dtype) of the place columns, then of the partnership columns, in file order
PLACE_FIELDS: Final = (
    ("latitude", "<f8"),
    ("longitude", "<f8"),
    ("population", "<i8"),
    ("country", "<u2"),
    ("subdivision", "<i4"),
    ("kind", "u1"),
    ("continent", "u1"),
)
PARTNERSHIP_FIELDS: Final = (
    ("a", "<i4"),
    ("b", "<i4"),
    ("established", "<i4"),
    ("ended", "<i4"),
    ("as_of", "<i4"),
    ("kind", "u1"),
    ("status", "u1"),
    ("status_basis", "u1"),
    ("claimed", "u1"),
)
#: each enum-coded column and how many values it may take
_ENUM_SIZES: Final = {
    ("place", "kind"): len(PLACE_KINDS),
    ("place", "continent"): len(CONTINENTS),
    ("partnership", "kind"): len(PARTNERSHIP_KINDS),
    ("partnership", "status"): len(STATUSES),
    ("partnership", "status_basis"): len(STATUS_BASES),
}


def date_code(date: PartialDate | None) -> int:
    """``YYYYMMDD`` (0 for an unknown month or day) of a partial date; 0 for None."""
    if date is None:
        return 0
    return date.year * 10000 + (date.month or 0) * 100 + (date.day or 0)


def _pad(size: int) -> int:
    return -size % 8


def _numpy() -> Any:
    import numpy

    return numpy


class Columns:
    """The columns of an atlas (see the module docstring); arrays are read-only.

    ``ids`` lists the place ids in position order; ``countries`` and
    ``subdivisions`` are the tables the ``country`` and ``subdivision`` codes
    index.  ``place`` and ``partnership`` map a column name to its array.
    """

    __slots__ = (
        "countries",
        "ids",
        "partnership",
        "partnerships_csv_size",
        "place",
        "places_csv_size",
        "subdivisions",
    )

    def __init__(
        self,
        ids: list[str],
        countries: tuple[str, ...],
        subdivisions: tuple[str, ...],
        place: dict[str, npt.NDArray[Any]],
        partnership: dict[str, npt.NDArray[Any]],
        *,
        places_csv_size: int = 0,
        partnerships_csv_size: int = 0,
    ) -> None:
        for array in (*place.values(), *partnership.values()):
            array.flags.writeable = False
        self.ids = ids
        self.countries = countries
        self.subdivisions = subdivisions
        self.place = place
        self.partnership = partnership
        self.places_csv_size = places_csv_size
        self.partnerships_csv_size = partnerships_csv_size

    @property
    def places(self) -> int:
        """The number of places."""
        return len(self.ids)

    @property
    def partnerships(self) -> int:
        """The number of partnerships."""
        return len(self.partnership["a"])

    def coordinates(self) -> npt.NDArray[np.float64]:
        """``(latitude, longitude)`` in degrees of every place, shape ``(n, 2)``, read-only."""
        np = _numpy()
        out = np.empty((self.places, 2), dtype=np.float64)
        out[:, 0] = self.place["latitude"]
        out[:, 1] = self.place["longitude"]
        out.flags.writeable = False
        return out  # type: ignore[no-any-return]

    # ------------------------------------------------------------ from objects

    @classmethod
    def from_objects(
        cls,
        places: Sequence[Place],
        partnerships: Sequence[Partnership],
        index: Mapping[str, int],
    ) -> Columns:
        """The columns of ``places`` (sorted by id) and ``partnerships`` (``index``:
        place id -> position)."""
        np = _numpy()
        countries = tuple(sorted({p.country for p in places}))
        subdivisions = tuple(sorted({p.subdivision for p in places if p.subdivision}))
        country_code = {c: i for i, c in enumerate(countries)}
        sub_code = {s: i for i, s in enumerate(subdivisions)}
        kind_code = {k: i for i, k in enumerate(PLACE_KINDS)}
        continent_code = {c: i for i, c in enumerate(CONTINENTS)}
        place = {
            "latitude": np.array([p.latitude for p in places], dtype="<f8"),
            "longitude": np.array([p.longitude for p in places], dtype="<f8"),
            "population": np.array(
                [-1 if p.population is None else p.population for p in places], dtype="<i8"
            ),
            "country": np.array([country_code[p.country] for p in places], dtype="<u2"),
            "subdivision": np.array(
                [sub_code[p.subdivision] if p.subdivision else -1 for p in places], dtype="<i4"
            ),
            "kind": np.array([kind_code[p.kind] for p in places], dtype="u1"),
            "continent": np.array([continent_code[p.continent] for p in places], dtype="u1"),
        }
        pkind = {k: i for i, k in enumerate(PARTNERSHIP_KINDS)}
        status = {s: i for i, s in enumerate(STATUSES)}
        basis = {b: i for i, b in enumerate(STATUS_BASES)}
        partnership = {
            "a": np.array([index[p.a.id] for p in partnerships], dtype="<i4"),
            "b": np.array([index[p.b.id] for p in partnerships], dtype="<i4"),
            "established": np.array([date_code(p.established) for p in partnerships], "<i4"),
            "ended": np.array([date_code(p.ended) for p in partnerships], dtype="<i4"),
            "as_of": np.array([date_code(p.as_of) for p in partnerships], dtype="<i4"),
            "kind": np.array([pkind[p.kind] for p in partnerships], dtype="u1"),
            "status": np.array([status[p.status] for p in partnerships], dtype="u1"),
            "status_basis": np.array([basis[p.status_basis] for p in partnerships], "u1"),
            "claimed": np.array([len(p.claimed_by) for p in partnerships], dtype="u1"),
        }
        # arrays of length 0 still get their dtype
        return cls([p.id for p in places], countries, subdivisions, place, partnership)

    # ------------------------------------------------------------ binary

    def to_bytes(self, *, places_csv_size: int, partnerships_csv_size: int) -> bytes:
        """The binary layout of the module docstring (deterministic: same columns, same bytes)."""
        tables = [
            "\n".join(self.ids).encode("utf-8"),
            "\n".join(self.countries).encode("utf-8"),
            "\n".join(self.subdivisions).encode("utf-8"),
        ]
        out = bytearray(
            HEADER.pack(
                MAGIC,
                FORMAT_VERSION,
                self.places,
                self.partnerships,
                *(len(t) for t in tables),
                places_csv_size,
                partnerships_csv_size,
            )
        )
        out += bytes(_pad(len(out)))
        for table in tables:
            out += table + bytes(_pad(len(table)))
        for columns, fields in ((self.place, PLACE_FIELDS), (self.partnership, PARTNERSHIP_FIELDS)):
            for name, dtype in fields:
                raw = columns[name].astype(dtype, copy=False).tobytes()
                out += raw + bytes(_pad(len(raw)))
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes, file: str = COLUMNS_FILE) -> Columns:
        """Columns from :meth:`to_bytes`'s layout, checked: magic, version, lengths,
        codes within their tables, endpoints known and canonical.  Any problem
        raises :class:`~twintowns.DatasetError` naming ``file``."""
        np = _numpy()

        def bad(message: str) -> DatasetError:
            return DatasetError([DatasetProblem(file, None, None, message)])

        if len(data) < HEADER.size or data[:8] != MAGIC:
            raise bad("not a twintowns columns file (bad magic); rebuild the data with `make data`")
        _magic, version, n, m, *sizes, places_csv, partnerships_csv = HEADER.unpack_from(data)
        if version != FORMAT_VERSION:
            raise bad(f"columns format version {version}, this twintowns reads {FORMAT_VERSION}")
        offset = HEADER.size + _pad(HEADER.size)
        expected = offset + sum(s + _pad(s) for s in sizes)
        for count, fields in ((n, PLACE_FIELDS), (m, PARTNERSHIP_FIELDS)):
            for _name, dtype in fields:
                size = count * np.dtype(dtype).itemsize
                expected += size + _pad(size)
        if len(data) != expected:
            raise bad(f"{len(data)} bytes, expected {expected} for {n} places, {m} partnerships")
        tables: list[list[str]] = []
        for size in sizes:
            try:
                text = data[offset : offset + size].decode("utf-8")
            except UnicodeDecodeError:
                raise bad("a string table is not UTF-8") from None
            tables.append(text.split("\n") if text else [])
            offset += size + _pad(size)
        ids, countries, subdivisions = tables
        if len(ids) != n:
            raise bad(f"{len(ids)} place ids for {n} places")
        buffer = memoryview(data)
        columns: list[dict[str, npt.NDArray[Any]]] = [{}, {}]
        layout = ((columns[0], n, PLACE_FIELDS), (columns[1], m, PARTNERSHIP_FIELDS))
        for out, count, fields in layout:
            for name, dtype in fields:
                out[name] = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
                size = count * np.dtype(dtype).itemsize
                offset += size + _pad(size)
        place, partnership = columns
        for (table, name), size in _ENUM_SIZES.items():
            values = (place if table == "place" else partnership)[name]
            if values.size and int(values.max()) >= size:
                raise bad(f"{table} column {name!r} holds a code beyond its {size} values")
        if n and int(place["country"].max()) >= len(countries):
            raise bad("a country code beyond the country table")
        sub = place["subdivision"]
        if n and not (int(sub.min()) >= -1 and int(sub.max()) < len(subdivisions)):
            raise bad("a subdivision code beyond the subdivision table")
        a, b = partnership["a"], partnership["b"]
        if m and not (int(a.min()) >= 0 and int(b.max()) < n and bool((a < b).all())):
            raise bad("a partnership endpoint is not a known place, or its pair is not canonical")
        if int(partnership["claimed"].max(initial=0)) > 2:
            raise bad("a partnership claimed by more than two sides")
        return cls(
            ids,
            tuple(countries),
            tuple(subdivisions),
            place,
            partnership,
            places_csv_size=places_csv,
            partnerships_csv_size=partnerships_csv,
        )
