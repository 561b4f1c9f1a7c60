"""Places and partnerships as columns: typed arrays, one value per record.

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
binary layout (version 2), little-endian throughout, every section starting
at a multiple of 8 bytes (zero padding):

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
   names (sorted, UTF-8, joined by ``"\\n"``), ``starts`` (int32, ``k + 1``)
   and ``entries`` (int32, ``e``: ``i`` for a place's own name, ``~i`` for
   an alias); the places of name ``j`` are ``entries[starts[j]:starts[j + 1]]``;
6. the adjacency (:class:`Adjacency`), so partner lists and degrees need no
   build: ``starts`` (int32, ``n + 1``) and ``entries`` (int32, ``2m``); the
   partnerships of place ``i`` are at positions ``entries[starts[i]:starts[i + 1]]``
   (first those where it is ``a``, then those where it is ``b``, each in
   position order);
7. where each record's line starts in ``places.csv`` (int64, ``n + 1``) and in
   ``partnerships.csv`` (int64, ``m + 1``), the last value being the file's
   size, so one record's line is read alone (:meth:`Columns.line_span`); all
   zeros when the columns were written without them (then the files are read
   whole).

Loading keeps the columns as views of the file's bytes (``memoryview``, no
copy, no numpy): :meth:`ColumnMap.view` reads them so, and ``Columns.place[name]``
/ ``Columns.partnership[name]`` wrap a column as a read-only numpy array on
first access (numpy is imported then).  Nothing here is imported by
``import twintowns``.
"""

from __future__ import annotations

import bisect
import operator
import struct
import sys
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
    "Adjacency",
    "ColumnMap",
    "Columns",
    "NameTable",
    "build_adjacency",
    "date_code",
    "line_starts",
]

COLUMNS_FILE: Final = "columns.bin"
FORMAT_VERSION: Final = 2
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
#: a dtype of the file -> (bytes per value, the ``memoryview`` format of its values)
_FORMATS: Final = {
    "<f8": (8, "d"),
    "<i8": (8, "q"),
    "<u2": (2, "H"),
    "<i4": (4, "i"),
    "u1": (1, "B"),
}
#: can a view of the file's bytes be read as native values (a little-endian machine)?
_NATIVE: Final = sys.byteorder == "little" and all(
    struct.calcsize(code) == size for size, code in _FORMATS.values()
)


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


def _native_view(values: npt.NDArray[Any] | memoryview) -> memoryview:
    """``values`` as a memoryview of native values (indexing gives Python numbers)."""
    if isinstance(values, memoryview):
        return values
    if not values.dtype.isnative:  # pragma: no cover - big-endian machines
        values = values.astype(values.dtype.newbyteorder("="))
    return memoryview(_numpy().ascontiguousarray(values))


def _raw(values: npt.NDArray[Any] | memoryview, dtype: str) -> bytes:
    """The file's bytes of ``values`` (dtype ``dtype``)."""
    if isinstance(values, memoryview) and _NATIVE:
        return values.tobytes()
    return bytes(_numpy().asarray(values).astype(dtype, copy=False).tobytes())


def _beyond(codes: memoryview, size: int) -> bool:
    """Does a uint8 column hold a code of ``size`` or more?"""
    return bool(codes.tobytes().translate(None, bytes(range(size))))


def _file_view(buffer: memoryview, dtype: str, count: int, offset: int) -> memoryview:
    """``count`` values of ``dtype`` at ``offset`` of a file's bytes, as native values."""
    size, code = _FORMATS[dtype]
    raw = buffer[offset : offset + count * size]
    if _NATIVE:
        found: memoryview = raw.cast(code)  # type: ignore[call-overload]
        return found
    np = _numpy()  # pragma: no cover - big-endian machines
    return _native_view(np.frombuffer(raw, dtype=dtype))  # pragma: no cover


class ColumnMap(Mapping[str, "npt.NDArray[Any]"]):
    """Column name -> read-only numpy array, in file order.

    Columns read from a file are kept as views of its bytes and wrapped as
    numpy arrays (zero-copy) on first access, once, thread-safely;
    :meth:`view` reads a column without numpy.
    """

    __slots__ = ("_arrays", "_dtypes", "_lock", "_views")

    def __init__(
        self,
        fields: Sequence[tuple[str, str]],
        values: Mapping[str, npt.NDArray[Any] | memoryview],
    ) -> None:
        self._dtypes = {name: dtype for name, dtype in fields if name in values}
        self._views: dict[str, memoryview] = {}
        #: the arrays made so far (those of file columns on first access)
        self._arrays: dict[str, npt.NDArray[Any]] = {}
        for name in self._dtypes:
            value = values[name]
            if isinstance(value, memoryview):
                self._views[name] = value
            else:
                value.flags.writeable = False
                self._arrays[name] = value
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        found = self._arrays.get(name)
        if found is None:
            if name not in self._views:
                raise UnknownNameError(f"no column named {name!r}")
            found = lazy.item(self._arrays, name, self._lock, lambda: self._wrap(name))
        return found

    def _wrap(self, name: str) -> npt.NDArray[Any]:
        np = _numpy()
        dtype = np.dtype(self._dtypes[name]).newbyteorder("=")
        array: npt.NDArray[Any] = np.frombuffer(self._views[name], dtype=dtype)
        array.flags.writeable = False
        return array

    def view(self, name: str) -> memoryview:
        """Column ``name`` as a read-only memoryview of native values, without numpy
        for a column read from a file."""
        found = self._views.get(name)
        if found is None:
            found = _native_view(self[name])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._dtypes)

    def __len__(self) -> int:
        return len(self._dtypes)


class Adjacency:
    """The partnerships of each place: positions ``entries[starts[i]:starts[i + 1]]``
    for the place at position ``i``, those where it is ``a`` first, then those where it
    is ``b``, each in position order (see :func:`build_adjacency`).

    Read from a file, each list is checked when used (every position is a partnership
    of that place, none twice): a mismatch raises :class:`~twintowns.DatasetError`.
    """

    __slots__ = ("_a", "_b", "_bad", "_entries", "_starts")

    def __init__(
        self,
        starts: npt.NDArray[Any] | memoryview,
        entries: npt.NDArray[Any] | memoryview,
        ends: tuple[memoryview, memoryview] | None = None,
        bad: Callable[[str], DatasetError] | None = None,
    ) -> None:
        self._starts = starts
        self._entries = entries
        self._a: memoryview | None = None if ends is None else ends[0]
        self._b: memoryview | None = None if ends is None else ends[1]
        self._bad = bad

    def _span(self, i: int) -> tuple[int, int]:
        start, stop = int(self._starts[i]), int(self._starts[i + 1])
        if self._bad is not None and not 0 <= start <= stop <= len(self._entries):
            raise self._bad(f"the adjacency of place {i} is out of range")
        return start, stop

    def positions(self, i: int) -> list[int]:
        """Positions of the partnerships of the place at position ``i``."""
        start, stop = self._span(i)
        found: list[int] = self._entries[start:stop].tolist()
        a, b, bad = self._a, self._b, self._bad
        if a is not None and b is not None and bad is not None:
            m = len(a)
            if len(set(found)) != len(found) or not all(
                0 <= j < m and (a[j] == i or b[j] == i) for j in found
            ):
                raise bad(f"the adjacency of place {i} lists a partnership that is not its own")
        return found

    def degree(self, i: int) -> int:
        """How many partnerships the place at position ``i`` has."""
        start, stop = self._span(i)
        return stop - start

    def degrees(self) -> npt.NDArray[Any]:
        """How many partnerships each place has, by position: one pass over the starts
        (a file's, checked in order here)."""
        np = _numpy()
        found: npt.NDArray[Any] = np.diff(np.asarray(self._starts)).astype(np.int64)
        if self._bad is not None and len(found) and int(found.min()) < 0:
            raise self._bad("the adjacency's starts are out of order")
        return found


def build_adjacency(a: npt.NDArray[Any], b: npt.NDArray[Any], n: int) -> Adjacency:
    """The adjacency of partnerships with endpoints ``a`` and ``b`` over ``n`` places (numpy)."""
    np = _numpy()
    ends = np.concatenate((a, b))
    order = np.argsort(ends, kind="stable")
    m = len(a)
    positions = np.where(order < m, order, order - m)
    starts = np.searchsorted(ends[order], np.arange(n + 1))
    return Adjacency(starts, positions)


class NameTable(Mapping[str, list[int]]):
    """Folded name -> place positions (see :func:`twintowns.normalize.name_table`), over
    sorted keys and two int32 columns (numpy arrays or views of a file); read-only."""

    __slots__ = ("_entries", "_keys", "_starts")

    def __init__(
        self,
        keys: list[str],
        starts: npt.NDArray[np.int32] | memoryview,
        entries: npt.NDArray[np.int32] | memoryview,
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
    index.  ``place`` and ``partnership`` map a column name to its array
    (:class:`ColumnMap`; ``.view(name)`` reads it without numpy).
    """

    __slots__ = (
        "_adjacency",
        "_line_starts",
        "_lock",
        "_names",
        "_read_adjacency",
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
        place: Mapping[str, npt.NDArray[Any] | memoryview],
        partnership: Mapping[str, npt.NDArray[Any] | memoryview],
        *,
        places_csv_size: int = 0,
        partnerships_csv_size: int = 0,
        names: NameTable | Callable[[], NameTable] | None = None,
        adjacency: Callable[[], Adjacency] | None = None,
        line_starts: tuple[memoryview, memoryview] | None = None,
    ) -> None:
        self.ids = ids
        self.countries = countries
        self.subdivisions = subdivisions
        self.place = ColumnMap(PLACE_FIELDS, place)
        self.partnership = ColumnMap(PARTNERSHIP_FIELDS, partnership)
        self.places_csv_size = places_csv_size
        self.partnerships_csv_size = partnerships_csv_size
        # a table, or the function that reads it (on first use)
        self._names = names if isinstance(names, NameTable) else None
        self._read_names = None if isinstance(names, NameTable) else names
        # the shipped adjacency is read on first use; without one, it is built (numpy)
        self._adjacency: Adjacency | None = None
        self._read_adjacency = adjacency
        self._line_starts = line_starts
        self._lock = threading.Lock()

    def names(self) -> NameTable | None:
        """The shipped name table (:func:`twintowns.normalize.name_table`), or None when these
        columns have none (those of an atlas built in code); read on first use."""
        found = self._names
        read = self._read_names
        if found is None and read is not None:
            found = lazy.attribute(self, "_names", self._lock, read)
        return found

    def adjacency(self) -> Adjacency:
        """The partnerships of each place (:class:`Adjacency`): the shipped one, read on
        first use, or built from the endpoint columns (numpy) once."""
        found = self._adjacency
        if found is None:
            found = lazy.attribute(self, "_adjacency", self._lock, self._make_adjacency)
        return found

    def _make_adjacency(self) -> Adjacency:
        if self._read_adjacency is not None:
            return self._read_adjacency()
        return build_adjacency(self.partnership["a"], self.partnership["b"], self.places)

    def line_span(self, k: int, i: int) -> tuple[int, int] | None:
        """``(start, stop)``: the bytes of record ``i``'s line, its newline included, in
        ``places.csv`` (``k`` 0) or ``partnerships.csv`` (``k`` 1); None when these
        columns do not know where lines start (then the file is read whole)."""
        if self._line_starts is None:
            return None
        starts = self._line_starts[k]
        return starts[i], starts[i + 1]

    @property
    def places(self) -> int:
        """The number of places."""
        return len(self.ids)

    @property
    def partnerships(self) -> int:
        """The number of partnerships."""
        return len(self.partnership.view("a"))

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

    def to_bytes(
        self,
        *,
        places_csv_size: int,
        partnerships_csv_size: int,
        line_starts: tuple[Sequence[int], Sequence[int]] | None = None,
    ) -> bytes:
        """The binary layout of the module docstring (deterministic: same columns, same bytes).

        ``line_starts``: where each record's line starts in the two files and their sizes
        (:func:`line_starts`), or None (written as zeros)."""
        starts = line_starts or ([0] * (self.places + 1), [0] * (self.partnerships + 1))
        if [len(x) for x in starts] != [self.places + 1, self.partnerships + 1] or (
            line_starts is not None
            and [x[-1] for x in starts] != [places_csv_size, partnerships_csv_size]
        ):
            raise InvalidValueError("line starts that do not fit the records and the files")
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
        for columns in (self.place, self.partnership):
            for name, dtype in columns._dtypes.items():
                raw = _raw(columns.view(name), dtype)
                out += raw + bytes(_pad(len(raw)))
        adjacency = self.adjacency()
        for raw in (
            keys,
            _raw(names._starts, "<i4"),
            _raw(names._entries, "<i4"),
            _raw(adjacency._starts, "<i4"),
            _raw(adjacency._entries, "<i4"),
            *(_numpy().array(x, dtype="<i8").tobytes() for x in starts),
        ):
            out += raw + bytes(_pad(len(raw)))
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes, file: str = COLUMNS_FILE) -> Columns:
        """Columns from :meth:`to_bytes`'s layout, checked: magic, version, lengths,
        codes within their tables, endpoints known and canonical (the name table and the
        adjacency when first used).  Any problem raises :class:`~twintowns.DatasetError`
        naming ``file``.  The columns are views of ``data`` (no copy, no numpy)."""
        reader = _Reader(data, file)
        ids, countries, subdivisions = reader.tables()
        n, m = reader.n, reader.m
        if len(ids) != n:
            raise reader.bad(f"{len(ids)} place ids for {n} places")
        place = reader.columns(n, PLACE_FIELDS)
        partnership = reader.columns(m, PARTNERSHIP_FIELDS)
        reader.check_codes(place, partnership, len(countries), len(subdivisions))
        names_at = reader.offset
        keys_size, k, e = reader.names_sizes
        adjacency_at = names_at + sum(s + _pad(s) for s in (keys_size, 4 * (k + 1), 4 * e))
        ends = (partnership["a"], partnership["b"])
        lines_at = adjacency_at + sum(s + _pad(s) for s in (4 * (n + 1), 8 * m))
        return cls(
            ids,
            tuple(countries),
            tuple(subdivisions),
            place,
            partnership,
            places_csv_size=reader.csv_sizes[0],
            partnerships_csv_size=reader.csv_sizes[1],
            names=lambda: reader.name_table(names_at),
            adjacency=lambda: reader.adjacency(adjacency_at, ends),
            line_starts=reader.line_starts(lines_at),
        )


class _Reader:
    """Reads and checks the sections of a columns file; every problem names the file."""

    def __init__(self, data: bytes, file: str) -> None:
        self.data = data
        self.file = file
        self.buffer = memoryview(data)
        if len(data) < HEADER.size or data[:8] != MAGIC:
            raise self.bad(
                "not a twintowns columns file (bad magic); rebuild the data with `make data`"
            )
        header = HEADER.unpack_from(data)
        version, self.n, self.m = header[1:4]
        self.sizes: tuple[int, int, int] = header[4:7]
        self.names_sizes: tuple[int, int, int] = header[7:10]
        self.csv_sizes: tuple[int, int] = header[10:]
        if version != FORMAT_VERSION:
            raise self.bad(
                f"columns format version {version}, this twintowns reads {FORMAT_VERSION}"
                " (rebuild the data with `make data`)"
            )
        self.offset = HEADER.size + _pad(HEADER.size)
        if len(data) != self.expected_size():
            raise self.bad(
                f"{len(data)} bytes, expected {self.expected_size()} for {self.n} places, "
                f"{self.m} partnerships"
            )

    def bad(self, message: str) -> DatasetError:
        return DatasetError([DatasetProblem(self.file, None, None, message)])

    def expected_size(self) -> int:
        """The file's size by its header."""
        keys_size, k, e = self.names_sizes
        sizes = [*self.sizes]
        for count, fields in ((self.n, PLACE_FIELDS), (self.m, PARTNERSHIP_FIELDS)):
            sizes.extend(count * _FORMATS[dtype][0] for _name, dtype in fields)
        sizes += [keys_size, 4 * (k + 1), 4 * e, 4 * (self.n + 1), 4 * 2 * self.m]
        sizes += [8 * (self.n + 1), 8 * (self.m + 1)]
        return self.offset + sum(s + _pad(s) for s in sizes)

    def text(self, at: int, size: int, what: str) -> list[str]:
        try:
            text = self.data[at : at + size].decode("utf-8")
        except UnicodeDecodeError:
            raise self.bad(f"{what} is not UTF-8") from None
        return text.split("\n") if text else []

    def tables(self) -> list[list[str]]:
        """The three string tables (ids, countries, subdivisions)."""
        tables = []
        for size in self.sizes:
            tables.append(self.text(self.offset, size, "a string table"))
            self.offset += size + _pad(size)
        return tables

    def columns(self, count: int, fields: Sequence[tuple[str, str]]) -> dict[str, memoryview]:
        """The next columns: ``count`` values of each field."""
        out = {}
        for name, dtype in fields:
            out[name] = _file_view(self.buffer, dtype, count, self.offset)
            size = count * _FORMATS[dtype][0]
            self.offset += size + _pad(size)
        return out

    def check_codes(
        self,
        place: Mapping[str, memoryview],
        partnership: Mapping[str, memoryview],
        countries: int,
        subdivisions: int,
    ) -> None:
        """Codes within their tables, endpoints known places and canonical."""
        for (table, name), size in _ENUM_SIZES.items():
            if _beyond((place if table == "place" else partnership)[name], size):
                raise self.bad(f"{table} column {name!r} holds a code beyond its {size} values")
        if max(place["country"], default=0) >= countries:
            raise self.bad("a country code beyond the country table")
        sub = place["subdivision"]
        if self.n and not (min(sub) >= -1 and max(sub) < subdivisions):
            raise self.bad("a subdivision code beyond the subdivision table")
        a, b = partnership["a"], partnership["b"]
        if self.m and not (min(a) >= 0 and max(b) < self.n and all(map(operator.lt, a, b))):
            raise self.bad(
                "a partnership endpoint is not a known place, or its pair is not canonical"
            )
        if _beyond(partnership["claimed"], 3):
            raise self.bad("a partnership claimed by more than two sides")

    def name_table(self, at: int) -> NameTable:
        """The name table at offset ``at``, read and checked (on first use)."""
        keys_size, k, e = self.names_sizes
        keys = self.text(at, keys_size, "the name keys")
        at += keys_size + _pad(keys_size)
        starts = _file_view(self.buffer, "<i4", k + 1, at)
        at += 4 * (k + 1) + _pad(4 * (k + 1))
        entries = _file_view(self.buffer, "<i4", e, at)
        n = self.n
        if (
            len(keys) != k
            or starts[0] != 0
            or starts[-1] != e
            or not all(map(int.__lt__, starts, starts[1:]))
            or (e and not (min(entries) >= -n and max(entries) < n))
        ):
            raise self.bad("the name table does not fit the places")
        return NameTable(keys, starts, entries)

    def adjacency(self, at: int, ends: tuple[memoryview, memoryview]) -> Adjacency:
        """The adjacency at offset ``at``: its bounds checked here, each place's list when
        used (:class:`Adjacency`)."""
        n, m = self.n, self.m
        starts = _file_view(self.buffer, "<i4", n + 1, at)
        at += 4 * (n + 1) + _pad(4 * (n + 1))
        entries = _file_view(self.buffer, "<i4", 2 * m, at)
        if starts[0] != 0 or starts[n] != 2 * m:
            raise self.bad("the adjacency does not fit the partnerships")
        return Adjacency(starts, entries, ends, self.bad)

    def line_starts(self, at: int) -> tuple[memoryview, memoryview] | None:
        """Where the records' lines start in the two CSV files (at offset ``at``), or None
        when they were written as zeros; each file's last value must be its recorded size."""
        out = []
        for count in (self.n, self.m):
            starts = _file_view(self.buffer, "<i8", count + 1, at)
            at += 8 * (count + 1) + _pad(8 * (count + 1))
            out.append(starts)
        if all(x[0] == 0 and x[-1] == 0 for x in out):
            return None
        for starts, size in zip(out, self.csv_sizes, strict=True):
            if not 0 < starts[0] <= starts[-1] == size:
                raise self.bad("the line starts do not fit the CSV files' sizes")
        return out[0], out[1]


def line_starts(data: bytes) -> list[int]:
    """Where each record's line starts in the bytes of a CSV file (a header line, then one
    line per record, each ending with a newline), then the file's size."""
    if not data.endswith(b"\n"):
        raise InvalidValueError("a CSV file of the data ends with a newline")
    starts = []
    at = data.find(b"\n") + 1
    while at:
        starts.append(at)
        at = data.find(b"\n", at) + 1
    return starts
