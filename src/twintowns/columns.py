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

1. a header (``HEADER``, 68 bytes): magic ``b"TWTNCOLS"``, format version,
   number of places ``n`` and partnerships ``m``, the byte lengths of the
   three string tables, the byte length of the name keys, the number of
   name keys ``k`` and of their entries ``e``, and the byte sizes of the
   ``places.csv`` and ``partnerships.csv`` files the columns were derived from;
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
   sides claim the tie, 0-2);
5. the name table of :func:`twintowns.normalize.name_table` (folded name ->
   places), so the first lookup by name builds nothing: the ``k`` folded
   names (sorted, UTF-8, joined by ``"\n"``), ``starts`` (int32, ``k + 1``)
   and ``entries`` (int32, ``e``: ``i`` for a place's own name, ``~i`` for
   an alias); the places of name ``j`` are ``entries[starts[j]:starts[j + 1]]``.

Nothing here is imported by ``import twintowns``: numpy is imported with the
first data load.
"""

from __future__ import annotations

import bisect
import struct
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from twintowns import lazy
from twintowns.errors import DatasetError, DatasetProblem, InvalidValueError, UnknownNameError
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
    "NameTable",
    "date_code",
]

COLUMNS_FILE: Final = "columns.bin"
FORMAT_VERSION: Final = 1
MAGIC: Final = b"TWTNCOLS"
#: magic, version, n, m, ids bytes, countries bytes, subdivisions bytes,
#: name keys bytes, name keys, name entries, places.csv size, partnerships.csv size
HEADER: Final = struct.Struct("<8sIIIIIIIIIQQ")

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


class NameTable(Mapping[str, list[int]]):
    """Folded name -> place positions (see :func:`twintowns.normalize.name_table`), over
    sorted keys and two int32 arrays; read-only."""

    __slots__ = ("_entries", "_keys", "_starts")

    def __init__(
        self, keys: list[str], starts: npt.NDArray[np.int32], entries: npt.NDArray[np.int32]
    ) -> None:
        self._keys = keys
        self._starts = starts
        self._entries = entries

    @classmethod
    def from_table(cls, table: Mapping[str, list[int]]) -> NameTable:
        np = _numpy()
        keys = sorted(table)
        sizes = [len(table[k]) for k in keys]
        starts = np.zeros(len(keys) + 1, dtype="<i4")
        np.cumsum(sizes, out=starts[1:])
        entries = np.array([i for k in keys for i in table[k]], dtype="<i4")
        starts.flags.writeable = entries.flags.writeable = False
        return cls(keys, starts, entries)

    def _find(self, key: str) -> int:
        keys = self._keys
        j = bisect.bisect_left(keys, key)
        return j if j < len(keys) and keys[j] == key else -1

    def __getitem__(self, key: str) -> list[int]:
        j = self._find(key) if isinstance(key, str) else -1
        if j < 0:
            raise UnknownNameError(f"no place is named {key!r} (folded)")
        found: list[int] = self._entries[self._starts[j] : self._starts[j + 1]].tolist()
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class Columns:
    """The columns of an atlas (see the module docstring); arrays are read-only.

    ``ids`` lists the place ids in position order; ``countries`` and
    ``subdivisions`` are the tables the ``country`` and ``subdivision`` codes
    index.  ``place`` and ``partnership`` map a column name to its array.
    """

    __slots__ = (
        "_names",
        "_names_lock",
        "_read_names",
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
        names: NameTable | Callable[[], NameTable] | None = None,
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
        # a table, or the function that reads it (on first use)
        self._names = names if isinstance(names, NameTable) else None
        self._read_names = None if isinstance(names, NameTable) else names
        self._names_lock = threading.Lock()

    def names(self) -> NameTable | None:
        """The shipped name table (:func:`twintowns.normalize.name_table`), or None when these
        columns have none (those of an atlas built in code); read on first use."""
        found = self._names
        read = self._read_names
        if found is None and read is not None:
            found = lazy.attribute(self, "_names", self._names_lock, read)
        return found

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
        *,
        with_names: bool = False,
    ) -> Columns:
        """The columns of ``places`` (sorted by id) and ``partnerships`` (``index``:
        place id -> position); ``with_names`` adds the name table."""
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
        names = None
        if with_names:
            from twintowns.normalize import name_table

            table = name_table((p.name, p.ascii_name, p.aliases) for p in places)
            names = NameTable.from_table(table)
        return cls([p.id for p in places], countries, subdivisions, place, partnership, names=names)

    # ------------------------------------------------------------ binary

    def to_bytes(self, *, places_csv_size: int, partnerships_csv_size: int) -> bytes:
        """The binary layout of the module docstring (deterministic: same columns, same bytes)."""
        names = self.names()
        if names is None:
            raise InvalidValueError("columns without a name table are not written to a file")
        tables = [
            "\n".join(self.ids).encode("utf-8"),
            "\n".join(self.countries).encode("utf-8"),
            "\n".join(self.subdivisions).encode("utf-8"),
        ]
        keys = "\n".join(names._keys).encode("utf-8")
        out = bytearray(
            HEADER.pack(
                MAGIC,
                FORMAT_VERSION,
                self.places,
                self.partnerships,
                *(len(t) for t in tables),
                len(keys),
                len(names._keys),
                len(names._entries),
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
        for raw in (
            keys,
            names._starts.astype("<i4").tobytes(),
            names._entries.astype("<i4").tobytes(),
        ):
            out += raw + bytes(_pad(len(raw)))
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes, file: str = COLUMNS_FILE) -> Columns:  # noqa: C901, PLR0912, PLR0915 -- every check of the binary layout in the order the bytes are read; each names its problem
        """Columns from :meth:`to_bytes`'s layout, checked: magic, version, lengths,
        codes within their tables, endpoints known and canonical.  Any problem
        raises :class:`~twintowns.DatasetError` naming ``file``."""
        np = _numpy()

        def bad(message: str) -> DatasetError:
            return DatasetError([DatasetProblem(file, None, None, message)])

        if len(data) < HEADER.size or data[:8] != MAGIC:
            raise bad("not a twintowns columns file (bad magic); rebuild the data with `make data`")
        header = HEADER.unpack_from(data)
        version, n, m = header[1:4]
        sizes, (keys_size, k, e), (places_csv, partnerships_csv) = (
            header[4:7],
            header[7:10],
            header[10:],
        )
        if version != FORMAT_VERSION:
            raise bad(f"columns format version {version}, this twintowns reads {FORMAT_VERSION}")
        offset = HEADER.size + _pad(HEADER.size)
        expected = offset + sum(s + _pad(s) for s in sizes)
        for count, fields in ((n, PLACE_FIELDS), (m, PARTNERSHIP_FIELDS)):
            for _name, dtype in fields:
                size = count * np.dtype(dtype).itemsize
                expected += size + _pad(size)
        for size in (keys_size, 4 * (k + 1), 4 * e):
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
        names_at = offset

        def names() -> NameTable:
            """The name table, read and checked on first use."""
            at = names_at
            try:
                text = data[at : at + keys_size].decode("utf-8")
            except UnicodeDecodeError:
                raise bad("the name keys are not UTF-8") from None
            keys = text.split("\n") if text else []
            at += keys_size + _pad(keys_size)
            starts = np.frombuffer(buffer, dtype="<i4", count=k + 1, offset=at)
            at += 4 * (k + 1) + _pad(4 * (k + 1))
            entries = np.frombuffer(buffer, dtype="<i4", count=e, offset=at)
            if (
                len(keys) != k
                or int(starts[0]) != 0
                or int(starts[-1]) != e
                or not bool((starts[1:] > starts[:-1]).all())
                or (e and not (int(entries.min()) >= -n and int(entries.max()) < n))
            ):
                raise bad("the name table does not fit the places")
            return NameTable(keys, starts, entries)

        return cls(
            ids,
            tuple(countries),
            tuple(subdivisions),
            place,
            partnership,
            places_csv_size=places_csv,
            partnerships_csv_size=partnerships_csv,
            names=names,
        )
