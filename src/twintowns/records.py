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
import itertools
import re
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

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
    from numpy.typing import NDArray

__all__ = ["BuiltRecords", "CsvRecords", "Records"]

#: ``(name, ascii_name, aliases)`` of one place.
Names = tuple[str, str, tuple[str, ...]]

_T = TypeVar("_T")

_PLACE_KINDS = {k.value: k for k in PlaceKind}
_CONTINENTS = {c.value: c for c in Continent}
_PARTNERSHIP_KINDS = {k.value: k for k in PartnershipKind}
_STATUSES = {s.value: s for s in Status}
_BASES = {b.value: b for b in StatusBasis}

_LAT = PLACE_COLUMNS.index("latitude")
_LON = PLACE_COLUMNS.index("longitude")
# the latitude and longitude cells of one line, if it is quoted only after them
_LAT_LON_UNQUOTED = re.compile(r'(?:[^,"]*,){' + str(_LAT) + r'}([^,"]*),([^,"]*)(?:,|$)')


class Records:
    """Places sorted by id and partnerships sorted by their pair of ids.

    ``index`` maps a place id to its position; ``pair_ids`` lists the
    ``(a.id, b.id)`` of every partnership in order.
    """

    __slots__ = ("index", "pair_ids")

    def __init__(self, index: dict[str, int], pair_ids: Sequence[tuple[str, str]]) -> None:
        self.index = index
        self.pair_ids = pair_ids

    def place(self, i: int) -> Place:
        """The place at position ``i``."""
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

    def coordinates(self) -> NDArray[np.float64]:
        """``(latitude, longitude)`` in degrees of every place, in id order: a
        read-only float64 array of shape ``(n, 2)`` (row ``i`` is the place at
        position ``i``), the very values of :attr:`Place.latitude` and
        :attr:`Place.longitude`.  Computed on first use, once, thread-safely,
        without building the places."""
        raise NotImplementedError


def _coordinate_array(pairs: Sequence[tuple[float, float]]) -> NDArray[np.float64]:
    """A read-only ``(n, 2)`` float64 array of ``pairs``."""
    import numpy as np  # lazy: importing twintowns loads no numpy

    array: NDArray[np.float64] = np.array(pairs, dtype=np.float64).reshape(len(pairs), 2)
    array.flags.writeable = False
    return array


class BuiltRecords(Records):
    """Records over objects that already exist."""

    __slots__ = ("_coordinates", "_lock", "_partnerships", "_places")

    def __init__(self, places: tuple[Place, ...], partnerships: tuple[Partnership, ...]) -> None:
        super().__init__({p.id: i for i, p in enumerate(places)}, [p.ids for p in partnerships])
        self._places = places
        self._partnerships = partnerships
        self._coordinates: NDArray[np.float64] | None = None
        self._lock = threading.Lock()

    def coordinates(self) -> NDArray[np.float64]:
        found = self._coordinates
        if found is None:
            with self._lock:
                found = self._coordinates
                if found is None:
                    found = self._coordinates = _coordinate_array(
                        [(p.latitude, p.longitude) for p in self._places]
                    )
        return found

    def place(self, i: int) -> Place:
        return self._places[i]

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


def names_file_entries(text: str, index: Mapping[str, int]) -> list[tuple[int, tuple[str, ...]]]:
    """``(position, names)`` from the text of a ``names.csv`` (``id,names``) over
    the places ``index`` positions; an unknown id or bad header raises DatasetError."""
    rows = csv.reader(text.splitlines())
    if next(rows, None) != list(NAMES_COLUMNS):
        raise DatasetError([DatasetProblem(NAMES_FILE, 1, None, "unexpected header")])
    out = []
    for number, cells in enumerate(rows, start=2):
        if len(cells) != len(NAMES_COLUMNS) or cells[0] not in index:
            problem = f"not a known place id and its names: {cells[:1]!r}"
            raise DatasetError([DatasetProblem(NAMES_FILE, number, "id", problem)])
        out.append((index[cells[0]], _items(cells[1])))
    return out


def _unchecked(cls: type[_T], values: tuple[Any, ...]) -> _T:
    """An attrs instance from converted field values, without running validators.

    This is pickle's path (``__setstate__`` of a slotted attrs class, which
    also resets the cached hash).  Only for data already validated.
    """
    obj: Any = object.__new__(cls)
    obj.__setstate__(values)
    return obj  # type: ignore[no-any-return]


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
    (it saves about a fifth of the time); it is switched back on whatever happens."""

    def __enter__(self) -> None:
        self.paused = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.paused:
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
        "_coordinates",
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
        with _GCPaused():
            self._split(places_text, partnerships_text)
        self._places: list[Place | None] = [None] * len(self._place_lines)
        self._partnerships: list[Partnership | None] = [None] * len(self._partnership_lines)
        self._all_places: tuple[Place, ...] | None = None
        self._all_partnerships: tuple[Partnership, ...] | None = None
        self._dates: dict[str, PartialDate] = {}
        self._coordinates: NDArray[np.float64] | None = None
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
        self.pair_ids = pair_ids
        self._place_lines = place_lines
        self._partnership_lines = partnership_lines

    # ------------------------------------------------------------ one record

    def place(self, i: int) -> Place:
        obj = self._places[i]
        if obj is None:
            with self._lock:
                obj = self._places[i]
                if obj is None:
                    obj = self._places[i] = self._make_place(i, _cells(self._place_lines[i]))
        return obj

    def partnership(self, j: int) -> Partnership:
        obj = self._partnerships[j]
        if obj is None:
            with self._lock:
                obj = self._partnerships[j]
                if obj is None:
                    cells = _cells(self._partnership_lines[j])
                    obj = self._partnerships[j] = self._make_partnership(j, cells)
        return obj

    # ------------------------------------------------------------ everything

    def all_places(self) -> tuple[Place, ...]:
        found = self._all_places
        if found is None:
            found = self._build_all(
                "_all_places", self._places, self._place_lines, self._make_place
            )
        return found

    def all_partnerships(self) -> tuple[Partnership, ...]:
        found = self._all_partnerships
        if found is None:
            found = self._build_all(
                "_all_partnerships",
                self._partnerships,
                self._partnership_lines,
                self._make_partnership,
            )
        return found

    def _build_all(
        self,
        slot: str,
        objs: list[_T | None],
        lines: list[str],
        make: Callable[[int, list[str]], _T],
    ) -> tuple[_T, ...]:
        """Build every record not built yet, keep the tuple in ``slot`` (once)."""
        with self._lock, _GCPaused():
            done: tuple[_T, ...] | None = getattr(self, slot)
            if done is None:
                if None in objs:
                    for i, cells in enumerate(csv.reader(lines)):
                        if objs[i] is None:
                            objs[i] = make(i, cells)
                done = tuple(objs)  # type: ignore[arg-type]
                setattr(self, slot, done)
                lines.clear()  # every record is built: the text is not needed any more
            return done

    def names(self) -> list[Names]:
        with self._lock:
            if self._all_places is not None:
                return _names_of(self._all_places)
            names = []
            for i, line in enumerate(self._place_lines):
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
                for i, line in enumerate(self._place_lines)
                if (qid := line[line.rfind(",") + 1 :])
            }

    def coordinates(self) -> NDArray[np.float64]:
        found = self._coordinates
        if found is None:
            with self._lock:  # all_places() clears the lines: not while they are read
                found = self._coordinates
                if found is None:
                    found = self._coordinates = self._read_coordinates()
        return found

    def _read_coordinates(self) -> NDArray[np.float64]:
        """The latitude and longitude cells of every line, as floats (no Place built)."""
        done = self._all_places
        if done is not None:  # the lines are gone, the places are there
            return _coordinate_array([(p.latitude, p.longitude) for p in done])
        import numpy as np

        lines = self._place_lines
        # the lines without a quote: one regular expression over them all, one parse of
        # the numbers; the few with one (a name or alias with a comma): the csv module
        plain = [line for line in lines if '"' not in line]
        width = len(PLACE_COLUMNS)
        cells = ",".join(plain).split(",")  # unquoted: every comma separates two cells
        try:  # numpy's text parser: correctly rounded, as float() is
            lat = np.fromstring(" ".join(cells[_LAT::width]), sep=" ")
            lon = np.fromstring(" ".join(cells[_LON::width]), sep=" ")
        except ValueError:  # a cell that is no number (older numpy: a shorter array)
            lat = lon = np.empty(0)
        if len(cells) != width * len(plain) or not len(lat) == len(lon) == len(plain):
            return self._checked_coordinates(lines)  # a malformed line: find and name it
        numbers = np.column_stack((lat, lon))
        array = np.empty((len(lines), 2), dtype=np.float64)
        if len(plain) == len(lines):
            array[:] = numbers
        else:
            quoted = [i for i, line in enumerate(lines) if '"' in line]
            is_plain = np.ones(len(lines), dtype=bool)
            is_plain[quoted] = False
            array[is_plain] = numbers
            pairs = []
            for i in quoted:  # mostly quoted after the longitude (aliases): no csv needed
                match = _LAT_LON_UNQUOTED.match(lines[i])
                pairs.append(match.groups() if match else self._lat_lon(i, lines[i]))
            try:
                array[quoted] = [(float(lat), float(lon)) for lat, lon in pairs]
            except ValueError:
                self._checked_coordinates([lines[i] for i in quoted], quoted)
                raise  # pragma: no cover - the line above raises
        array.flags.writeable = False
        return array

    def _checked_coordinates(
        self, lines: list[str], positions: list[int] | None = None
    ) -> NDArray[np.float64]:
        """The coordinates of ``lines`` parsed one by one; a bad line raises DatasetError."""
        pairs = []
        for n, line in enumerate(lines):
            i = n if positions is None else positions[n]
            lat, lon = self._lat_lon(i, line)
            try:
                pairs.append((float(lat), float(lon)))
            except ValueError:
                problem = f"not a latitude and longitude: {lat!r}, {lon!r}"
                raise DatasetError(
                    [DatasetProblem(self._files[0], i + 2, "latitude", problem)]
                ) from None
        return _coordinate_array(pairs)

    def _lat_lon(self, i: int, line: str) -> tuple[str, str]:
        cells = _cells(line) if '"' in line else line.split(",", len(PLACE_COLUMNS))
        if len(cells) != len(PLACE_COLUMNS):
            raise self._malformed(0, i, len(cells), len(PLACE_COLUMNS))
        return cells[_LAT], cells[_LON]

    # ------------------------------------------------------------ conversion

    def _make_place(self, i: int, cells: list[str]) -> Place:
        if len(cells) != len(PLACE_COLUMNS):
            raise self._malformed(0, i, len(cells), len(PLACE_COLUMNS))
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
