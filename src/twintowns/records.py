"""Where an :class:`~twintowns.Atlas` keeps its places and partnerships.

Two stores behind one interface:

* :class:`BuiltRecords` holds objects that already exist (an Atlas built in
  code, or read and validated from a user's files);
* :class:`CsvRecords` holds the *lines* of the bundled CSV files and turns a
  line into a :class:`~twintowns.Place` or :class:`~twintowns.Partnership`
  the first time it is asked for, then keeps that object: every later access
  returns the very same one.

Why: building the bundled data's 56,000 frozen objects costs several times
more than reading the files, and most programs touch a few dozen of them.
Loading therefore only splits the files into lines and checks their
structure (header, ids sorted and unique, pairs canonical and referring to
known places); per-record conversion happens on first use.  Asking for
:attr:`~twintowns.Atlas.places` or :attr:`~twintowns.Atlas.partnerships`
builds all of them at once.  Materialisation is thread-safe.

Positions are 0-based: place ``i`` is line ``i + 2`` of ``places.csv``
(the header is line 1), as a spreadsheet numbers it.

>>> import twintowns
>>> atlas = twintowns.load()
>>> atlas.get("gn:4460243") is atlas.get("gn:4460243")
True
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import mmap
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, cast

from twintowns import lazy
from twintowns.errors import DatasetError, DatasetProblem
from twintowns.model import (
    LIST_SEPARATOR,
    Continent,
    PartialDate,
    Partnership,
    PartnershipKind,
    Place,
    PlaceKind,
    Status,
    StatusBasis,
)
from twintowns.schema import (
    NAMES_COLUMNS,
    NAMES_FILE,
    PARTNERSHIP_COLUMNS,
    PLACE_COLUMNS,
    unescape_cell,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from twintowns.columns import Columns

__all__ = ["BuiltRecords", "ColumnarRecords", "CsvRecords", "Records", "columns_for"]

#: ``(name, ascii_name, aliases)`` of one place.
Names = tuple[str, str, tuple[str, ...]]

_T = TypeVar("_T")
#: a data file's contents: bytes, or a read-only memory map of the file
FileBytes: TypeAlias = bytes | mmap.mmap

_PLACE_KINDS = {k.value: k for k in PlaceKind}
_CONTINENTS = {c.value: c for c in Continent}
_PARTNERSHIP_KINDS = {k.value: k for k in PartnershipKind}
_STATUSES = {s.value: s for s in Status}
_BASES = {b.value: b for b in StatusBasis}
#: guards building the columns of any store (rare, once per store)
_columns_lock = threading.Lock()
#: id(the tuple of every partnership) -> its columnar store, for :func:`columns_for`
_by_partnerships: dict[int, weakref.ref[ColumnarRecords]] = {}


def columns_for(partnerships: object) -> Columns | None:
    """The columns whose partnerships, in order, are exactly ``partnerships`` (the very
    tuple :meth:`ColumnarRecords.all_partnerships` returned), or None.

    This lets :func:`twintowns.geography.distances` answer for
    ``atlas.partnerships`` from the columns.
    """
    ref = _by_partnerships.get(id(partnerships))
    records = None if ref is None else ref()
    if records is None or records._all_partnerships is not partnerships:
        return None
    return records.columns()


class Records:
    """Places sorted by id and partnerships sorted by their pair of ids.

    ``index`` maps a place id to its position; ``pair_ids`` lists the
    ``(a.id, b.id)`` of every partnership in order (built on first use by
    stores that keep positions instead); :meth:`columns` holds both as
    typed arrays (see :mod:`twintowns.columns`).
    """

    __slots__ = ("__weakref__", "_columns", "_coordinates", "_pair_ids", "index")

    def __init__(self, index: dict[str, int], pair_ids: Sequence[tuple[str, str]] | None) -> None:
        self.index = index
        self._pair_ids = pair_ids
        self._columns: Columns | None = None
        self._coordinates: npt.NDArray[np.float64] | None = None

    @property
    def pair_ids(self) -> Sequence[tuple[str, str]]:
        """``(a.id, b.id)`` of every partnership, in order."""
        found = self._pair_ids
        if found is None:
            # a race builds the same list twice: harmless
            found = self._pair_ids = self._make_pair_ids()
        return found

    def _make_pair_ids(self) -> Sequence[tuple[str, str]]:
        raise NotImplementedError

    def partnership_count(self) -> int:
        """The number of partnerships."""
        found = self._pair_ids
        return len(found) if found is not None else self.columns().partnerships

    def columns(self) -> Columns:
        """The places and partnerships as typed arrays (built once)."""
        found = self._columns
        if found is None:
            found = lazy.attribute(self, "_columns", _columns_lock, self._make_columns)
        return found

    def _make_columns(self) -> Columns:
        from twintowns.columns import Columns

        with _GCPaused():
            return Columns.from_objects(self.all_places(), self.all_partnerships(), self.index)

    def coordinates(self) -> npt.NDArray[np.float64]:
        """``(latitude, longitude)`` in degrees of every place, in place-id order (the
        positions of :attr:`index`): a read-only float64 array of shape ``(n, 2)``, made once."""
        found = self._coordinates
        if found is None:
            columns = self.columns()  # first: it takes the same lock
            found = lazy.attribute(self, "_coordinates", _columns_lock, columns.coordinates)
        return found

    def shipped_names(self) -> Mapping[str, list[int]] | None:
        """The name table shipped with the data (:func:`twintowns.normalize.name_table` of
        :meth:`names`), or None: the name index then builds it."""
        return None

    def place(self, i: int) -> Place:
        """The place at position ``i``."""
        raise NotImplementedError

    def places_at(self, positions: list[int]) -> list[Place]:
        """``[self.place(i) for i in positions]``: the places at ``positions``, in that order.

        Each is the object :meth:`place` gives, built on first use (once, whichever
        threads ask) if not built yet; the other places stay unbuilt.  One list
        lookup per position where the place is built: the fast path of radius
        queries, whose answers run to thousands of places.
        """
        raise NotImplementedError

    def partnership(self, j: int) -> Partnership:
        """The partnership at position ``j``."""
        raise NotImplementedError

    def all_places(self) -> tuple[Place, ...]:
        """Every place, in id order."""
        raise NotImplementedError

    def all_partnerships(self) -> tuple[Partnership, ...]:
        """Every partnership, in pair order."""
        raise NotImplementedError

    def names(self) -> list[Names]:
        """``(name, ascii_name, aliases)`` of every place, in id order."""
        raise NotImplementedError

    def wikidata_index(self) -> dict[str, int]:
        """Wikidata id -> position of the place carrying it."""
        raise NotImplementedError


class BuiltRecords(Records):
    """Records over objects that already exist."""

    __slots__ = ("_partnerships", "_places")

    def __init__(self, places: tuple[Place, ...], partnerships: tuple[Partnership, ...]) -> None:
        super().__init__({p.id: i for i, p in enumerate(places)}, [p.ids for p in partnerships])
        self._places = places
        self._partnerships = partnerships

    def place(self, i: int) -> Place:
        return self._places[i]

    def places_at(self, positions: list[int]) -> list[Place]:
        return list(map(self._places.__getitem__, positions))

    def partnership(self, j: int) -> Partnership:
        return self._partnerships[j]

    def all_places(self) -> tuple[Place, ...]:
        return self._places

    def all_partnerships(self) -> tuple[Partnership, ...]:
        return self._partnerships

    def names(self) -> list[Names]:
        return _names_of(self._places)

    def wikidata_index(self) -> dict[str, int]:
        return _wikidata_of(self._places)


def _names_of(places: Sequence[Place]) -> list[Names]:
    return [(p.name, p.ascii_name, p.aliases) for p in places]


def _wikidata_of(places: Sequence[Place]) -> dict[str, int]:
    return {p.wikidata: i for i, p in enumerate(places) if p.wikidata}


def names_file_entries(
    text: str, index: Mapping[str, int]
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``(position, names)`` from a ``names.csv`` (``id,names``) over the places
    ``index`` positions, one row at a time (the data build derives ``othernames.bin``
    from them; ``text`` is the file's text).  An unknown id or bad header raises
    DatasetError."""
    rows = csv.reader(io.StringIO(text))
    if next(rows, None) != list(NAMES_COLUMNS):
        raise DatasetError([DatasetProblem(NAMES_FILE, 1, None, "unexpected header")])
    for number, cells in enumerate(rows, start=2):
        if len(cells) != len(NAMES_COLUMNS) or cells[0] not in index:
            problem = f"not a known place id and its names: {cells[:1]!r}"
            raise DatasetError([DatasetProblem(NAMES_FILE, number, "id", problem)])
        yield index[cells[0]], _items(cells[1])


def _unchecked(cls: type[_T], values: tuple[Any, ...]) -> _T:
    """An attrs instance from converted field values, without running validators.

    This is pickle's path (``__setstate__`` of a slotted attrs class, which
    also resets the cached hash).  Only for data already validated.
    """
    obj: Any = object.__new__(cls)
    obj.__setstate__(values)
    return obj  # type: ignore[no-any-return]


def _maker(cls: type[_T], deferred: tuple[str, ...] = ()) -> Callable[..., _T]:
    """A function ``make(*field_values)`` -> an instance of the slotted attrs class
    ``cls``, without validators: what :func:`_unchecked` does, in straight-line code
    (each slot set through its descriptor; the cached hash reset), a third faster.

    With ``deferred`` field names, those fields are not arguments and stay unset: the
    last argument goes to the class's ``_deferred`` slot instead, from which the class
    fills them on first read (:class:`~twintowns.model.Partnership`)."""
    import attrs

    names = [f.name for f in attrs.fields(cls) if f.name not in deferred]  # type: ignore[arg-type]
    try:
        from attr._make import _HASH_CACHE_FIELD

        slots = (*names, *(("_deferred",) if deferred else ()), _HASH_CACHE_FIELD)
        setters = [getattr(cls, name).__set__ for name in slots]  # slots, bases' too
    except (ImportError, KeyError, AttributeError):  # pragma: no cover - another attrs
        if deferred:
            raise

        def slow(*values: Any) -> _T:
            return _unchecked(cls, values)

        return slow
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls, "hash_cache": setters[-1]}
    scope.update((f"set{i}", setter) for i, setter in enumerate(setters[:-1]))
    count = len(setters) - 1
    arguments = ", ".join(f"v{i}" for i in range(count))
    body = "".join(f"    set{i}(o, v{i})\n" for i in range(count))
    source = f"def make({arguments}):\n    o = new(cls)\n{body}"
    source += "    hash_cache(o, None)\n    return o\n"
    exec(source, scope)
    made: Callable[..., _T] = scope["make"]
    return made


def _text(cell: str) -> str:
    return unescape_cell(cell) if cell[:1] == "'" else cell


def _items(cell: str) -> tuple[str, ...]:
    return tuple(_text(cell).split(LIST_SEPARATOR)) if cell else ()


def _cells(line: str) -> list[str]:
    """The cells of one CSV line (plain split when nothing is quoted)."""
    if '"' in line:
        return next(csv.reader((line,)))
    return line.split(",")


class _GCPaused:
    """Pause the cyclic GC while many long-lived, cycle-free objects are made
    (it saves about a fifth of the time); it is switched back on whatever happens.

    What was made meanwhile then goes straight to the oldest generation, as if it had
    survived the young collections: the first one would otherwise walk every object
    just made, for nothing (a tenth of the time of building every record).  Skipped
    when the program has frozen objects itself (``gc.freeze()``): those stay frozen.
    """

    def __enter__(self) -> None:
        self.paused = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.paused:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


class CsvRecords(Records):
    """Records over the lines of the bundled CSV files, built into objects on first use.

    Only for files written by the data build (validated there, and
    ``tests/test_data.py`` proves that this reader gives exactly what the
    validating reader gives).  Structural problems raise
    :class:`~twintowns.DatasetError` when the files are read; a malformed
    line raises it when that record is first built.
    """

    __slots__ = (
        "_all_partnerships",
        "_all_places",
        "_dates",
        "_files",
        "_lock",
        "_partnership_lines",
        "_partnerships",
        "_place_lines",
        "_places",
    )

    def __init__(
        self,
        places_text: str,
        partnerships_text: str,
        *,
        files: tuple[str, str] = ("places.csv", "partnerships.csv"),
    ) -> None:
        self._files = files
        self._columns = None
        self._coordinates = None
        with _GCPaused():
            self._split(places_text, partnerships_text)
        self._places: list[Place | None] = [None] * len(self._place_lines)
        self._partnerships: list[Partnership | None] = [None] * len(self._partnership_lines)
        self._all_places: tuple[Place, ...] | None = None
        self._all_partnerships: tuple[Partnership, ...] | None = None
        self._dates: dict[str, PartialDate] = {}
        self._lock = threading.RLock()

    def _split(self, places_text: str, partnerships_text: str) -> None:
        """Split the files into lines, check their structure, index ids and pairs."""
        files = self._files
        place_lines = _lines(places_text, PLACE_COLUMNS, files[0])
        ids = [line[: line.find(",")] for line in place_lines]
        if not all(map(str.__lt__, ids, itertools.islice(ids, 1, None))):
            row = next(r for r, (x, y) in enumerate(itertools.pairwise(ids), 3) if not x < y)
            raise DatasetError([DatasetProblem(files[0], row, "id", "not sorted")])
        index = dict(zip(ids, itertools.count()))
        partnership_lines = _lines(partnerships_text, PARTNERSHIP_COLUMNS, files[1])
        a_ids = [line[: line.find(",")] for line in partnership_lines]
        b_ids = [line.split(",", 2)[1] for line in partnership_lines]
        pair_ids = list(zip(a_ids, b_ids, strict=True))
        if not (
            index.keys() >= set(a_ids)
            and index.keys() >= set(b_ids)
            and all(map(str.__lt__, a_ids, b_ids))
            and all(map(tuple.__lt__, pair_ids, itertools.islice(pair_ids, 1, None)))
        ):
            previous = ("", "")
            for row, (a, b) in enumerate(pair_ids, start=2):
                if not previous < (a, b) or a >= b or a not in index or b not in index:
                    problem = DatasetProblem(files[1], row, "a", f"bad pair {a!r}, {b!r}")
                    raise DatasetError([problem])
                previous = (a, b)
        self.index = index
        self._pair_ids = pair_ids
        self._place_lines = place_lines
        self._partnership_lines = partnership_lines

    def _place_line_list(self) -> list[str]:
        """The lines of the places file (emptied once every place is built)."""
        return self._place_lines

    def _partnership_line_list(self) -> list[str]:
        """The lines of the partnerships file (emptied once every partnership is built)."""
        return self._partnership_lines

    def _make_pair_ids(self) -> Sequence[tuple[str, str]]:  # pragma: no cover - set by _split
        raise AssertionError("CsvRecords index their pairs when loading")

    # ------------------------------------------------------------ one record

    def place(self, i: int) -> Place:
        obj = self._places[i]
        if obj is None:
            obj = lazy.item(self._places, i, self._lock, lambda: self._place_from_line(i))
        return obj

    def places_at(self, positions: list[int]) -> list[Place]:
        # one item lookup each, read without the lock as place() reads first: a slot
        # holds None or its finished Place; place() builds the ones still None
        found = list(map(self._places.__getitem__, positions))
        if all(found):  # no None in it
            return cast("list[Place]", found)
        place = self.place
        return [p if p is not None else place(i) for p, i in zip(found, positions, strict=True)]

    def _place_from_line(self, i: int) -> Place:
        return self._make_place(i, _cells(self._place_line_list()[i]))

    def partnership(self, j: int) -> Partnership:
        obj = self._partnerships[j]
        if obj is None:
            obj = lazy.item(
                self._partnerships, j, self._lock, lambda: self._partnership_from_line(j)
            )
        return obj

    def _partnership_from_line(self, j: int) -> Partnership:
        return self._make_partnership(j, _cells(self._partnership_line_list()[j]))

    # ------------------------------------------------------------ everything

    def all_places(self) -> tuple[Place, ...]:
        found = self._all_places
        if found is None:
            found = self._build_all(
                "_all_places", self._places, lambda: self._every_line(0), self._make_place
            )
        return found

    def all_partnerships(self) -> tuple[Partnership, ...]:
        found = self._all_partnerships
        if found is None:
            found = self._build_all(
                "_all_partnerships",
                self._partnerships,
                lambda: self._every_line(1),
                self._make_partnership,
            )
        return found

    def _every_line(self, k: int) -> Iterable[str]:
        """The lines of file ``k`` (places 0, partnerships 1) to build every record from."""
        return self._place_line_list() if k == 0 else self._partnership_line_list()

    def _build_all(
        self,
        slot: str,
        objs: list[_T | None],
        line_list: Callable[[], Iterable[str]],
        make: Callable[[int, list[str]], _T],
    ) -> tuple[_T, ...]:
        """Build every record not built yet, keep the tuple in ``slot`` (once); the lines
        are a list kept for single records (emptied now) or read as they are built."""
        with self._lock, _GCPaused():
            done: tuple[_T, ...] | None = getattr(self, slot)
            if done is None:
                lines = line_list()
                if None in objs:
                    self._build_missing(objs, lines, make)
                done = tuple(objs)  # type: ignore[arg-type]
                setattr(self, slot, done)
                if isinstance(lines, list):
                    lines.clear()  # every record is built: the text is not needed any more
                self._all_built()
            return done

    def _build_missing(
        self, objs: list[_T | None], lines: Iterable[str], make: Callable[[int, list[str]], _T]
    ) -> None:
        """Build, in order, each record of ``objs`` not built yet from its line."""
        for i, line in enumerate(lines):
            if objs[i] is None:
                objs[i] = make(i, _cells(line))

    def _all_built(self) -> None:
        """Called (under the lock) each time every place, or every partnership, is built."""

    def names(self) -> list[Names]:
        with self._lock:
            if self._all_places is not None:
                return _names_of(self._all_places)
            names = []
            for i, line in enumerate(self._place_line_list()):
                cells = _cells(line)
                if len(cells) != len(PLACE_COLUMNS):
                    raise self._malformed(0, i, len(cells), len(PLACE_COLUMNS))
                names.append((_text(cells[1]), _text(cells[2]), _items(cells[11])))
            return names

    def wikidata_index(self) -> dict[str, int]:
        with self._lock:
            if self._all_places is not None:
                return _wikidata_of(self._all_places)
            # the last cell, never quoted: "" or a Wikidata id
            return {
                qid: i
                for i, line in enumerate(self._place_line_list())
                if (qid := line[line.rfind(",") + 1 :])
            }

    # ------------------------------------------------------------ conversion

    def _make_place(self, i: int, cells: list[str]) -> Place:
        if len(cells) != len(PLACE_COLUMNS):
            raise self._malformed(0, i, len(cells), len(PLACE_COLUMNS))
        try:
            return self._place_of_cells(cells)
        except ValueError as exc:  # a malformed number or code in a trusted file
            problem = DatasetProblem(self._files[0], i + 2, None, f"malformed record: {exc}")
            raise DatasetError([problem]) from None

    def _place_of_cells(self, cells: list[str]) -> Place:
        pid, name, ascii_name, cc, sub, kind, lat, lon, tz, pop, cont, aliases, how, qid = cells
        intern = sys.intern
        return _unchecked(
            Place,
            (
                pid,
                _text(name),
                intern(cc),
                intern(sub) if sub else None,
                _PLACE_KINDS.get(kind) or PlaceKind(kind),
                float(lat),
                float(lon),
                intern(tz),
                int(pop) if pop else None,
                _CONTINENTS.get(cont) or Continent(cont),
                _items(aliases),
                _text(ascii_name),
                intern(how),
                qid or None,
            ),
        )

    def _make_partnership(self, j: int, cells: list[str]) -> Partnership:
        if len(cells) != len(PARTNERSHIP_COLUMNS):
            raise self._malformed(1, j, len(cells), len(PARTNERSHIP_COLUMNS))
        a, b, kind, status, est, end, note, claimed, sources, urls, as_of, basis = cells
        index = self.index
        return _unchecked(
            Partnership,
            (
                self.place(index[a]),
                self.place(index[b]),
                _PARTNERSHIP_KINDS.get(kind) or PartnershipKind(kind),
                _STATUSES.get(status) or Status(status),
                self._date(est),
                self._date(end),
                _text(note),
                frozenset(sys.intern(c) for c in claimed.split(LIST_SEPARATOR))
                if claimed
                else frozenset(),
                _items(sources),
                _items(urls),
                self._date(as_of),
                _BASES.get(basis) or StatusBasis(basis),
            ),
        )

    def _date(self, text: str) -> PartialDate | None:
        if not text:
            return None
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = PartialDate.parse(text)
        return found

    def _malformed(self, file: int, position: int, got: int, want: int) -> DatasetError:
        return DatasetError(
            [DatasetProblem(self._files[file], position + 2, None, f"{got} cells, expected {want}")]
        )


class ColumnarRecords(CsvRecords):
    """Records over columns (:mod:`twintowns.columns`), objects built on first use.

    Loading reads only the columns (the bundled ``columns.bin``): place ids,
    coordinates, codes and the partnership endpoints as positions.  Lookups
    by id, partner lists, statistics and distances are answered from them.
    The CSV files are read, once, when the first
    :class:`~twintowns.Place` or :class:`~twintowns.Partnership` is built,
    and checked against the columns: the file's size is the one the data
    build recorded, it holds one line per record, and each record's ids are
    the columns' when it is built.  A record is converted from its line
    alone where the columns say lines start (the bundled ``columns.bin``);
    the file is split into lines when every record is built.  A mismatch
    raises :class:`~twintowns.DatasetError`.  ``read(0)`` gives the bytes of the
    places file, ``read(1)`` those of the partnerships file: ``bytes``, or a
    read-only memory map of the file, whose pages are read only where a record
    is.
    """

    __slots__ = (
        "_alone",
        "_code_dates",
        "_column_values",
        "_ids",
        "_lines_read",
        "_lists_read",
        "_read",
        "_texts",
    )

    def __init__(
        self,
        columns: Columns,
        read: Callable[[int], FileBytes],
        *,
        files: tuple[str, str] = ("places.csv", "partnerships.csv"),
    ) -> None:
        self._files = files
        self._columns = columns
        self._coordinates = None
        self._ids = columns.ids
        # the long-lived tables go to the oldest generation at once: the first young
        # collection would otherwise walk their millions of slots (at 100x the data)
        with _GCPaused():
            self.index = dict(zip(columns.ids, itertools.count()))
            self._places = [None] * columns.places
            self._partnerships = [None] * columns.partnerships
        self._pair_ids = None
        self._read = read
        self._lines_read: list[list[str] | None] = [None, None]
        #: the bytes of each file while records are read one line at a time
        self._texts: list[FileBytes | None] = [None, None]
        self._column_values: _ColumnValues | None = None
        self._code_dates: dict[int, PartialDate] = {}
        self._lists_read = 0
        #: the ``claimed_by`` set of each place that alone claims a tie read so far, by id
        self._alone: dict[str, frozenset[str]] = {}
        self._place_lines = []
        self._partnership_lines = []
        self._all_places = None
        self._all_partnerships = None
        self._dates = {}
        self._lock = threading.RLock()

    def columns(self) -> Columns:
        assert self._columns is not None
        return self._columns

    def partnership_count(self) -> int:
        return len(self._partnerships)

    def shipped_names(self) -> Mapping[str, list[int]] | None:
        return self.columns().names()

    def all_partnerships(self) -> tuple[Partnership, ...]:
        found = super().all_partnerships()
        key = id(found)
        if key not in _by_partnerships:
            _by_partnerships[key] = weakref.ref(self, lambda _ref: _by_partnerships.pop(key, None))
        return found

    def _make_pair_ids(self) -> Sequence[tuple[str, str]]:
        ids = self._ids
        ends = self.columns().partnership
        return list(
            zip(
                map(ids.__getitem__, ends["a"].tolist()),
                map(ids.__getitem__, ends["b"].tolist()),
                strict=True,
            )
        )

    def _all_built(self) -> None:
        if self._all_places is not None and self._all_partnerships is not None:
            # every record holds its values now: the column lists are not needed any more
            self._column_values = None

    def _build_missing(
        self, objs: list[_T | None], lines: Iterable[str], make: Callable[[int, list[str]], _T]
    ) -> None:
        if make == self._make_partnership:
            self._build_partnerships(objs, lines)  # type: ignore[arg-type]
        else:
            self._build_places(objs, lines)  # type: ignore[arg-type]

    def _build_places(self, objs: list[Place | None], lines: Iterable[str]) -> None:
        """Build, in order, each place not built yet: :meth:`_make_place` in one loop."""
        v = self._values()
        intern, make, width = sys.intern, _MAKE_PLACE, len(PLACE_COLUMNS)
        rows = zip(
            itertools.count(),
            lines,
            self._ids,
            v.country.whole(),
            v.subdivision.whole(),
            v.place_kind.whole(),
            v.latitude,
            v.longitude,
            v.population.whole(),
            v.continent.whole(),
            strict=False,  # the columns hold one value per line (checked when read)
        )
        for i, line, pid, country, sub, kind, lat, lon, pop, continent in rows:
            if objs[i] is not None:
                continue
            cells = line.split(",") if '"' not in line else _cells(line)
            if len(cells) != width or cells[0] != pid:
                objs[i] = self._make_place(i, cells)  # raises, naming the problem
                continue
            name, ascii_name, aliases = cells[1], cells[2], cells[11]
            if name[:1] == "'":
                name = unescape_cell(name)
            if ascii_name[:1] == "'":
                ascii_name = unescape_cell(ascii_name)
            objs[i] = make(
                pid,  # one string for the index and the object
                name,
                country,
                sub,
                kind,
                lat,
                lon,
                intern(cells[8]),
                pop,
                continent,
                _items(aliases) if aliases else (),
                name if ascii_name == name else ascii_name,
                intern(cells[12]),
                cells[13] or None,
            )

    def _build_partnerships(self, objs: list[Partnership | None], lines: Iterable[str]) -> None:
        """Build, in order, each partnership not built yet: :meth:`_make_partnership` in one
        loop, with ``claimed_by`` and ``sources`` left for :meth:`deferred_lists` to
        read from the record's line on first need (the two lists held 60 % of a built
        record's memory).  Where the columns do not know the lines' places in the file,
        both are built now, the ``claimed_by`` sets of the ties one place claims alone
        one shared object.  Equal URL lists are one shared object.  The line of each
        record built is let go at once: its memory holds the next records."""
        v = self._values()
        place, date = self.place, self._coded_date
        known = self._code_dates.get  # dates by code: most are made already
        places = self._places
        width = len(PARTNERSHIP_COLUMNS)
        deferred = not objs or self.columns().line_span(1, 0) is not None
        make, later = _MAKE_DEFERRED, _MAKE_PARTNERSHIP
        alone: dict[str, frozenset[str]] = {}  # keyed by the place's own id string
        url_lists: dict[str, tuple[str, ...]] = {}
        rows = zip(
            itertools.count(),
            lines,
            v.a,
            v.b,
            v.partnership_kind.whole(),
            v.status.whole(),
            v.established,
            v.ended,
            v.as_of,
            v.status_basis.whole(),
            strict=False,  # the columns hold one value per line (checked when read)
        )
        for j, line, ia, ib, kind, status, established, ended, as_of, basis in rows:
            if objs[j] is not None:
                continue
            cells = line.split(",") if '"' not in line else _cells(line)
            a, b = places[ia] or place(ia), places[ib] or place(ib)
            if len(cells) != width or cells[0] != a.id or cells[1] != b.id:
                objs[j] = self._make_partnership(j, cells)  # raises, naming the problem
                continue
            urls = cells[9]
            url_list = url_lists.get(urls)
            if url_list is None:
                url_list = url_lists[urls] = _items(urls)
            note = cells[6]
            if note[:1] == "'":
                note = unescape_cell(note)
            established_date = (known(established) or date(established)) if established else None
            ended_date = (known(ended) or date(ended)) if ended else None
            as_of_date = (known(as_of) or date(as_of)) if as_of else None
            if deferred:
                objs[j] = make(
                    a, b, kind, status, established_date, ended_date, note, url_list,
                    as_of_date, basis, self,
                )  # fmt: skip
            else:
                objs[j] = later(
                    a, b, kind, status, established_date, ended_date, note,
                    _claimed_shared(a, b, cells[7], alone), _items(cells[8]), url_list,
                    as_of_date, basis,
                )  # fmt: skip

    def deferred_lists(self, built: Partnership) -> tuple[frozenset[str], tuple[str, ...]]:
        """``claimed_by`` and ``sources`` of the partnership ``built`` without them: read
        from its line in the file (mapped again if the whole file was read and let go;
        its ids checked against the record's).  Its position is found among those of its
        first place's partnerships: a record holds no number of its own."""
        positions = self.columns().adjacency().positions(self.index[built.a.id])
        j = next((j for j in positions if self._partnerships[j] is built), None)
        if j is None:
            problem = f"the adjacency of {built.a.id} misses one of its partnerships"
            raise DatasetError([DatasetProblem(self._files[1], None, None, problem)])
        span = self.columns().line_span(1, j)
        assert span is not None  # deferred only where the columns know the lines
        self._lists_read += 1  # a benign race: at worst a few more single reads
        if self._lists_read >= _FILL_ALL_AFTER:  # once filled, no record asks again
            self._fill_deferred()
            return built.claimed_by, built.sources  # filled with the others
        cells = _cells(self._mapped_line(1, j, span))
        return self._lists_of(j, built, cells)

    def _fill_deferred(self) -> None:
        """Give every partnership built without its lists both lists, from the whole
        file's mapping (the one the single reads used, then let go): what reading them
        one line at a time costs (about 4 µs a record) is paid once a program reads more
        than a few."""
        with self._lock:
            data = self._texts[1]
            if data is None:
                data = self._checked_bytes(1)
            self._texts[1] = None
            for j, (built, line) in enumerate(
                zip(self._partnerships, self._lines_from(data, 1), strict=True)
            ):
                if built is not None and _has_deferred(built):
                    built._settle(*self._lists_of(j, built, _cells(line)))

    def _lists_of(
        self, j: int, built: Partnership, cells: list[str]
    ) -> tuple[frozenset[str], tuple[str, ...]]:
        a, b = built.a, built.b
        if len(cells) != len(PARTNERSHIP_COLUMNS):
            raise self._malformed(1, j, len(cells), len(PARTNERSHIP_COLUMNS))
        if cells[0] != a.id:
            raise self._mismatch(1, j, "a", cells[0])
        if cells[1] != b.id:
            raise self._mismatch(1, j, "b", cells[1])
        return _claimed_shared(a, b, cells[7], self._alone), _items(cells[8])

    def _every_line(self, k: int) -> Iterable[str]:
        """The record lines of file ``k`` for building every record: read as they are
        built, no list of them made (their memory holds the records instead), checked as
        :meth:`_file_lines` checks them; the lines already read whole, if they were."""
        found = self._lines_read[k]
        if found is not None:
            return found
        data, self._texts[k] = self._texts[k], None
        if data is None:
            data = self._read(k)
            self._check_size(k, data)
        return self._lines_from(data, k)

    def _lines_from(self, data: FileBytes, k: int) -> Iterator[str]:
        """The record lines of file ``k`` (its ``data``, of the size the columns say),
        checked as :meth:`_checked_text` checks them, split as they are read."""
        count = (len(self._places), len(self._partnerships))[k]
        return _each_line(self._checked_text(data, k, count), count)

    def _place_line_list(self) -> list[str]:
        return self._line_list(0)

    def _partnership_line_list(self) -> list[str]:
        return self._line_list(1)

    def _line_list(self, k: int) -> list[str]:
        """The lines of file ``k``, read once (a list emptied once every record is built
        stays read)."""
        found = self._lines_read[k]
        if found is None:
            found = lazy.item(self._lines_read, k, self._lock, lambda: self._read_lines(k))
        return found

    def _place_from_line(self, i: int) -> Place:
        return self._make_place(i, _cells(self._record_line(0, i)))

    def _partnership_from_line(self, j: int) -> Partnership:
        return self._make_partnership(j, _cells(self._record_line(1, j)))

    def _record_line(self, k: int, i: int) -> str:
        """Line ``i`` of file ``k``: alone, where columns.bin says it starts (the file's
        size and header checked once, the line's ends and text now, its ids by the
        caller), or from the whole file's lines once they are read."""
        span = self.columns().line_span(k, i)
        if span is None or self._lines_read[k] is not None:
            return self._line_list(k)[i]
        return self._mapped_line(k, i, span)

    def _mapped_line(self, k: int, i: int, span: tuple[int, int]) -> str:
        """Line ``i`` of file ``k``, at bytes ``span`` of the file's mapping (the file
        mapped, or read, and its size and header checked, on first need)."""
        data = self._texts[k]
        if data is None:
            data = lazy.item(self._texts, k, self._lock, lambda: self._checked_bytes(k))
        start, stop = span
        if not (0 < start < stop <= len(data) and data[start - 1] == data[stop - 1] == 10):
            problem = f"bytes {start}-{stop} are not a line: rebuild the data with `make data`"
            raise DatasetError([DatasetProblem(self._files[k], i + 2, None, problem)])
        try:
            text = data[start : stop - 1].decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"not UTF-8 text at byte {start + exc.start}"
            raise DatasetError([DatasetProblem(self._files[k], i + 2, None, problem)]) from None
        if "\r" in text:
            problem = "line ends must be \\n"
            raise DatasetError([DatasetProblem(self._files[k], i + 2, None, problem)])
        return text

    def _checked_bytes(self, k: int) -> FileBytes:
        """The bytes of file ``k``: its size the one the columns were built from, its header
        the expected one."""
        data = self._read(k)
        self._check_size(k, data)
        header = ",".join((PLACE_COLUMNS, PARTNERSHIP_COLUMNS)[k]).encode("utf-8") + b"\n"
        if data[: len(header)] != header:
            raise DatasetError([DatasetProblem(self._files[k], 1, None, "unexpected header")])
        return data

    def _check_size(self, k: int, data: FileBytes) -> None:
        """File ``k`` has the size the columns were built from."""
        cols = self.columns()
        expected = (cols.places_csv_size, cols.partnerships_csv_size)[k]
        if len(data) != expected:
            message = (
                f"{len(data)} bytes, but the columns were built from {expected}: "
                "the columns file does not match it (rebuild the data with `make data`)"
            )
            raise DatasetError([DatasetProblem(self._files[k], None, None, message)])

    def _read_lines(self, k: int) -> list[str]:
        # the whole file's lines replace its bytes: those already read (and checked)
        # for single records, else the file read now
        data, self._texts[k] = self._texts[k], None
        if data is None:
            data = self._read(k)
            self._check_size(k, data)
        if k == 0:
            lines = self._place_lines = self._file_lines(data, 0, len(self._places))
        else:
            lines = self._partnership_lines = self._file_lines(data, 1, len(self._partnerships))
        return lines

    def _file_lines(self, data: FileBytes, k: int, count: int) -> list[str]:
        """The record lines of file ``k`` (its ``data``, of the size the columns say),
        checked against the columns."""
        lines = self._checked_text(data, k, count).split("\n")
        lines.pop()  # the text after the last line end: none
        del lines[0]
        return lines

    def _checked_text(self, data: FileBytes, k: int, count: int) -> str:
        """The text of file ``k`` (its ``data``, of the size the columns say): UTF-8, its
        header the expected one, ``\\n`` line ends, the last line ended, ``count`` record
        lines.  The size, the count and each record's ids are checked against the
        columns: the line-by-line checks of a CSV store (_lines) are not needed."""
        file = self._files[k]
        try:
            text = str(data, "utf-8")  # a memory map decodes in place: no copy of it
        except UnicodeDecodeError as exc:
            problem = DatasetProblem(file, None, None, f"not UTF-8 text at byte {exc.start}")
            raise DatasetError([problem]) from None
        if "\r" in text:
            raise DatasetError([DatasetProblem(file, 1, None, "line ends must be \\n")])
        header = ",".join((PLACE_COLUMNS, PARTNERSHIP_COLUMNS)[k])
        if not text.startswith(f"{header}\n"):
            raise DatasetError([DatasetProblem(file, 1, None, "unexpected header")])
        if not text.endswith("\n"):
            text += "\n"  # a last line without its line end (the bytes are still checked)
        records = text.count("\n") - 1
        if records != count:
            message = f"{records} records, but the columns hold {count}"
            raise DatasetError([DatasetProblem(file, None, None, message)])
        return text

    def _mismatch(self, file: int, position: int, column: str, got: str) -> DatasetError:
        problem = f"{got!r} differs from the columns file: rebuild the data with `make data`"
        return DatasetError([DatasetProblem(self._files[file], position + 2, column, problem)])

    def _values(self) -> _ColumnValues:
        found = self._column_values
        if found is None:
            found = lazy.attribute(
                self, "_column_values", self._lock, lambda: _ColumnValues(self.columns())
            )
        return found

    def _make_place(self, i: int, cells: list[str]) -> Place:
        if len(cells) != len(PLACE_COLUMNS):
            raise self._malformed(0, i, len(cells), len(PLACE_COLUMNS))
        pid = self._ids[i]
        if cells[0] != pid:
            raise self._mismatch(0, i, "id", cells[0])
        v = self._values()
        name = _text(cells[1])
        ascii_name = _text(cells[2])
        return _MAKE_PLACE(
            pid,  # one string for the index and the object
            name,
            v.country[i],
            v.subdivision[i],
            v.place_kind[i],
            v.latitude[i],
            v.longitude[i],
            sys.intern(cells[8]),
            v.population[i],
            v.continent[i],
            _items(cells[11]),
            name if ascii_name == name else ascii_name,
            sys.intern(cells[12]),
            cells[13] or None,
        )

    def _make_partnership(self, j: int, cells: list[str]) -> Partnership:
        if len(cells) != len(PARTNERSHIP_COLUMNS):
            raise self._malformed(1, j, len(cells), len(PARTNERSHIP_COLUMNS))
        v = self._values()
        a, b = self.place(v.a[j]), self.place(v.b[j])
        if cells[0] != a.id:
            raise self._mismatch(1, j, "a", cells[0])
        if cells[1] != b.id:
            raise self._mismatch(1, j, "b", cells[1])
        note = cells[6]
        if note[:1] == "'":
            note = unescape_cell(note)
        date = self._coded_date
        established, ended, as_of = v.established[j], v.ended[j], v.as_of[j]
        return _MAKE_PARTNERSHIP(
            a,
            b,
            v.partnership_kind[j],
            v.status[j],
            date(established) if established else None,
            date(ended) if ended else None,
            note,
            _claimed(a, b, cells[7]),
            _items(cells[8]),
            _items(cells[9]),
            date(as_of) if as_of else None,
            v.status_basis[j],
        )

    def _coded_date(self, code: int) -> PartialDate:
        found = self._code_dates.get(code)
        if found is None:
            month, day = code // 100 % 100, code % 100
            found = PartialDate(code // 10000, month or None, day or None)
            self._code_dates[code] = found
        return found


class _Decoded(Generic[_T]):
    """The values of a coded column by position, ``table[codes[i]]``, read one at a time
    from the column's view (no cost that grows with the data: one record built alone
    stays cheap at any size); :meth:`whole` decodes every value at once, for the build
    of every record."""

    __slots__ = ("_codes", "_table")

    def __init__(self, codes: memoryview, table: Sequence[_T]) -> None:
        self._codes = codes
        self._table = table

    def __getitem__(self, i: int) -> _T:
        return self._value(self._codes[i])

    def _value(self, code: int) -> _T:
        return self._table[code]

    def whole(self) -> list[_T]:
        """Every value, in order, as a list."""
        table = self._table
        return [table[c] for c in self._codes.tolist()]


class _Population(_Decoded[int | None]):
    """Populations by position: the column's value, None for -1 (unknown)."""

    def _value(self, code: int) -> int | None:
        return None if code < 0 else code

    def whole(self) -> list[int | None]:
        return [None if n < 0 else n for n in self._codes.tolist()]


class _ColumnValues:
    """The values records hold, by position, read from the columns' views without numpy
    (built once per store): numbers straight from the views, coded values decoded one
    at a time (:class:`_Decoded`), so one record costs no column conversion."""

    __slots__ = (
        "a",
        "as_of",
        "b",
        "continent",
        "country",
        "ended",
        "established",
        "latitude",
        "longitude",
        "partnership_kind",
        "place_kind",
        "population",
        "status",
        "status_basis",
        "subdivision",
    )

    def __init__(self, columns: Columns) -> None:
        from twintowns.columns import (
            CONTINENTS,
            PARTNERSHIP_KINDS,
            PLACE_KINDS,
            STATUS_BASES,
            STATUSES,
        )

        place, partnership = columns.place.view, columns.partnership.view
        self.latitude: Sequence[float] = place("latitude")
        self.longitude: Sequence[float] = place("longitude")
        self.population: _Decoded[int | None] = _Population(place("population"), ())
        self.country: _Decoded[str] = _Decoded(place("country"), columns.countries)
        # code -1 (no subdivision) reads the last item: None
        self.subdivision: _Decoded[str | None] = _Decoded(
            place("subdivision"), (*columns.subdivisions, None)
        )
        self.place_kind: _Decoded[PlaceKind] = _Decoded(place("kind"), PLACE_KINDS)
        self.continent: _Decoded[Continent] = _Decoded(place("continent"), CONTINENTS)
        self.a: Sequence[int] = partnership("a")
        self.b: Sequence[int] = partnership("b")
        self.partnership_kind: _Decoded[PartnershipKind] = _Decoded(
            partnership("kind"), PARTNERSHIP_KINDS
        )
        self.status: _Decoded[Status] = _Decoded(partnership("status"), STATUSES)
        self.status_basis: _Decoded[StatusBasis] = _Decoded(
            partnership("status_basis"), STATUS_BASES
        )
        self.established: Sequence[int] = partnership("established")
        self.ended: Sequence[int] = partnership("ended")
        self.as_of: Sequence[int] = partnership("as_of")


_MAKE_PLACE = _maker(Place)
_MAKE_PARTNERSHIP = _maker(Partnership)
#: a partnership with ``claimed_by`` and ``sources`` left for the store to fill on first read
_MAKE_DEFERRED = _maker(Partnership, ("claimed_by", "sources"))


#: single reads of deferred lists after which the rest are read from the whole file at once
_FILL_ALL_AFTER = 200

_DEFERRED_SLOT = getattr(Partnership, "_deferred")  # noqa: B009 -- a base class's slot


def _has_deferred(built: Partnership) -> bool:
    """Whether ``built`` still waits for its ``claimed_by`` and ``sources``."""
    try:
        _DEFERRED_SLOT.__get__(built)
    except AttributeError:
        return False
    return True


#: characters of text split into lines at a time by :func:`_each_line`
_LINES_BLOCK = 1 << 16


def _each_line(text: str, count: int) -> Iterator[str]:
    """The ``count`` lines after the header of ``text`` (each ended by ``\\n``): split a
    block of about 64 KiB at a time, so no list of every line is made."""
    find, rfind = text.find, text.rfind
    start = find("\n") + 1
    left = count
    while left:
        stop = rfind("\n", start, start + _LINES_BLOCK)
        if stop < 0:  # one line longer than a block
            stop = find("\n", start)
        lines = text[start:stop].split("\n")
        left -= len(lines)
        yield from lines
        start = stop + 1


def _claimed_shared(
    a: Place, b: Place, text: str, alone: dict[str, frozenset[str]]
) -> frozenset[str]:
    """:func:`_claimed`, where the set of one place's own id alone is one object kept in
    ``alone`` (by id) for every tie that place alone claims."""
    if text in (a.id, b.id):
        own = a.id if text == a.id else b.id
        found = alone.get(own)
        if found is None:
            found = alone[own] = frozenset((own,))
        return found
    return _claimed(a, b, text)


def _claimed(a: Place, b: Place, text: str) -> frozenset[str]:
    """The ``claimed_by`` cell of the partnership of ``a`` and ``b``: the places' own id
    strings where it names them."""
    if not text:
        return frozenset()
    return frozenset(
        a.id if c == a.id else b.id if c == b.id else c for c in text.split(LIST_SEPARATOR)
    )


def _lines(text: str, columns: tuple[str, ...], file: str) -> list[str]:
    """The record lines of a bundled CSV file (header checked and removed)."""
    if "\r" in text:
        raise DatasetError([DatasetProblem(file, 1, None, "line ends must be \\n")])
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != ",".join(columns):
        raise DatasetError([DatasetProblem(file, 1, None, "unexpected header")])
    del lines[0]
    if not all(map(str.__contains__, lines, itertools.repeat(","))):
        row = next(i for i, line in enumerate(lines, 2) if "," not in line)
        raise DatasetError([DatasetProblem(file, row, None, "not a CSV record (no comma)")])
    for i in [i for i, line in enumerate(lines) if '"' in line]:
        line = lines[i]
        if line[0] == '"' or line.count('"') % 2:
            message = "a quoted id, or a quoted cell that spans lines"
            raise DatasetError([DatasetProblem(file, i + 2, None, message)])
    return lines
