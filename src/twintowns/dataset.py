"""Loading datasets: the bundled one (lazily, once) or a user's own files.

A dataset in the twintowns schema (see :mod:`twintowns.schema`) is either

* a folder holding ``places.csv`` and ``partnerships.csv`` (and optionally
  ``metadata.json``) — a path to one of those CSV files means its folder; or
* one JSON file ``{"metadata": {...}, "places": [{column: value}],
  "partnerships": [{column: value}]}`` where list columns may be JSON arrays
  (what :func:`twintowns.export.to_json` writes); or
* one SQLite database with the tables of :data:`twintowns.export.SQLITE_SCHEMA`
  (what :func:`twintowns.export.to_sqlite` writes), recognised by its content.

CSV and JSON files may start with a UTF-8 byte order mark (Excel's "CSV
UTF-8").  An empty cell means "unknown" or the column's default (``kind``:
``city`` / ``sister``, ``status``: ``active``).  GeoJSON exports are for maps,
not a dataset format: loading one raises a :class:`~twintowns.DatasetError`
saying so.

Every problem in a user's files is collected — file, row and column — and
raised together as one :class:`~twintowns.DatasetError`.  CSV rows are
numbered as a spreadsheet shows them (the header is row 1); JSON rows are
numbered from 1 within their array; SQLite rows are numbered from 1 within
their table (``file.sqlite#places``), in the order of their key.  A record is
either loaded or reported: nothing is dropped silently.
"""

from __future__ import annotations

import csv
import json
import mmap
import re
import threading
import types
from collections.abc import Iterator, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any

import attrs

from twintowns.atlas import Atlas
from twintowns.countries import is_country
from twintowns.errors import (
    DatasetError,
    DatasetProblem,
    InvalidTypeError,
    InvalidValueError,
    PathNotFoundError,
)
from twintowns.model import (
    LIST_SEPARATOR,
    Partnership,
    Place,
)
from twintowns.normalize import SortedTable
from twintowns.records import ColumnarRecords, CsvRecords, FileBytes
from twintowns.schema import (
    METADATA_FILE,
    NAMES_FILE,
    NUMERIC_COLUMNS,
    OTHER_NAMES_FILE,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACE_COLUMNS,
    PLACES_FILE,
    unescape_cell,
)

__all__ = ["load", "read_dataset"]

_REQUIRED_PLACE = ("id", "name", "country", "latitude", "longitude", "timezone", "continent")
_REQUIRED_PARTNERSHIP = ("a", "b")
#: Columns whose empty cell means the field's default.
_DEFAULTED = frozenset({"kind", "status"})
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Keys the readers add to a row (never columns).
_MARKERS = frozenset({"__header__", "__width__", "__undecodable__", "__incomplete__", "__json__"})
_PLACE_FIELDS = attrs.fields_dict(Place)
_PARTNERSHIP_FIELDS = attrs.fields_dict(Partnership)

_bundled: Atlas | None = None
_bundled_lock = threading.Lock()


def load(path: str | Path | None = None) -> Atlas:
    """Load a dataset.

    With no ``path``, the bundled dataset: read on the first call only (by
    whichever thread gets there first; the others wait and get the same
    :class:`Atlas`).  With a ``path``, a user's dataset (see the module
    docstring); every problem found is reported in one
    :class:`~twintowns.DatasetError`.
    """
    global _bundled
    if path is None:
        if _bundled is None:
            with _bundled_lock:
                if _bundled is None:
                    _bundled = _read_bundled()
        return _bundled
    return read_dataset(path)


def _read_bundled() -> Atlas:
    """Read the bundled data: its columns (``columns.bin``, see :mod:`twintowns.columns`),
    with records built from the CSV files on first use (:mod:`twintowns.records`)."""
    from twintowns.columns import COLUMNS_FILE, Columns

    data = resources.files("twintowns").joinpath("data")
    columns = Columns.from_bytes(
        data.joinpath(COLUMNS_FILE).read_bytes(), f"twintowns/data/{COLUMNS_FILE}"
    )
    files = (PLACES_FILE, PARTNERSHIPS_FILE)
    records = ColumnarRecords(
        columns,
        lambda k: _mapped(data.joinpath(files[k])),
        files=(f"twintowns/data/{PLACES_FILE}", f"twintowns/data/{PARTNERSHIPS_FILE}"),
    )
    metadata = json.loads(data.joinpath(METADATA_FILE).read_text("utf-8"))
    atlas = Atlas._from_records(records, metadata)
    index = records.index
    # the other names (othernames.bin, from names.csv) are opened by the first lookup
    # no name or alias answers
    atlas._extra_names = lambda: SortedTable(
        _mapped(data.joinpath(OTHER_NAMES_FILE)),
        f"twintowns/data/{OTHER_NAMES_FILE}",
        places=len(index),
        source_size=_size(data.joinpath(NAMES_FILE)),
    )
    return atlas


def _size(file: Traversable) -> int:
    """The size in bytes of a packaged data file (without reading it, where it is a file)."""
    if isinstance(file, Path):
        return file.stat().st_size
    return len(file.read_bytes())


def _mapped(file: Traversable) -> FileBytes:
    """A packaged data file's contents: a read-only memory map where the file is a file
    on disk (the pages of the lines read are all that is read), else its bytes (a
    package imported from a zip archive)."""
    if isinstance(file, Path):
        with file.open("rb") as handle:
            try:
                return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # an empty file, or no mapping of this one
                pass
    return file.read_bytes()


def _read_trusted(places_text: str, partnerships_text: str, metadata: dict[str, Any]) -> Atlas:
    """The bundled Atlas, its records built on first use and without per-field validation.

    The bundled files are generated by ``databuild``, which validates every
    record, and ``tests/test_data.py`` checks that this fast path gives an
    Atlas equal to the validating reader :func:`read_dataset`.  Structural
    invariants (header, sorted unique ids, canonical pairs of known places)
    are checked here; a violation raises DatasetError.  See
    :mod:`twintowns.records`.
    """
    records = CsvRecords(
        places_text,
        partnerships_text,
        files=(f"twintowns/data/{PLACES_FILE}", f"twintowns/data/{PARTNERSHIPS_FILE}"),
    )
    return Atlas._from_records(records, metadata)


# ---------------------------------------------------------------------- readers

_Row = tuple[int, dict[str, str]]


#: Deepest nesting of JSON arrays and objects accepted in a dataset (metadata included).
MAX_JSON_DEPTH = 64
_UNDECODABLE = re.compile(r"[\udc80-\udcff]")


def _csv_rows(stream: IO[str], file: str, problems: list[DatasetProblem]) -> Iterator[_Row]:
    """The rows of a CSV file read with ``errors="surrogateescape"``: a cell holding
    bytes that are not UTF-8 is reported by row and column (and left out)."""
    reader = csv.reader(stream)
    number = 0  # the last row read
    try:
        header = next(reader, None)
        if header is None:
            return
        number = 1
        for col in header:
            if _UNDECODABLE.search(col):
                problems.append(DatasetProblem(file, 1, ascii(col), "not UTF-8 text"))
        yield 1, {"__header__": LIST_SEPARATOR.join(header)}
        for number, cells in enumerate(reader, start=2):
            if not cells:
                continue
            row = {
                col: (cell if col in NUMERIC_COLUMNS else unescape_cell(cell))
                for col, cell in zip(header, cells, strict=False)
            }
            if len(cells) != len(header):
                row["__width__"] = f"{len(cells)} cells, header has {len(header)}"
            for col, cell in row.items():
                if _UNDECODABLE.search(cell):
                    row["__undecodable__"] = col
                    break
            yield number, row
    except csv.Error as exc:
        problems.append(
            DatasetProblem(
                file, number + 1, None, f"unreadable CSV ({exc}); the rest of the file was not read"
            )
        )
        yield 0, {"__incomplete__": ""}


def _depth(value: object, limit: int = MAX_JSON_DEPTH) -> int:
    """Nesting depth of a JSON value, counted up to ``limit + 1`` (iteratively)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _parse_json(text: str) -> Any:
    """``json.loads``, with too deep a nesting reported as a ValueError."""
    try:
        document = json.loads(text)
    except RecursionError:
        document = None
    else:
        if _depth(document) <= MAX_JSON_DEPTH:
            return document
    raise InvalidValueError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise InvalidValueError(f"unexpected boolean {value!r}")
    if isinstance(value, list):
        if any(isinstance(v, list | dict) for v in value):
            raise InvalidValueError("a list may hold only text and numbers, not lists or objects")
        items = [_json_cell(v) for v in value]
        for item in items:
            if LIST_SEPARATOR in item:
                raise InvalidValueError(f"list item may not contain {LIST_SEPARATOR!r}: {item!r}")
        return LIST_SEPARATOR.join(items)
    if isinstance(value, int | float | str):
        return value if isinstance(value, str) else repr(value)
    raise InvalidValueError(f"unexpected value {value!r}")


def _json_rows(records: object, file: str, key: str, problems: list[DatasetProblem]) -> list[_Row]:
    if not isinstance(records, list):
        problems.append(DatasetProblem(file, None, None, f"{key!r} must be a list of objects"))
        return []
    rows: list[_Row] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append(DatasetProblem(file, number, None, f"{key} item must be an object"))
            continue
        row: dict[str, str] = {}
        for col, value in record.items():
            if col in _MARKERS:
                problems.append(DatasetProblem(file, number, str(col), "unknown column"))
                continue
            try:
                row[str(col)] = _json_cell(value)
            except ValueError as exc:
                problems.append(DatasetProblem(file, number, str(col), str(exc)))
        row["__json__"] = ""
        rows.append((number, row))
    return rows


def read_dataset(path: str | Path) -> Atlas:  # noqa: C901 -- one branch per input kind (folder, CSV pair, JSON, SQLite, wrong kinds), each with its own error
    """Read a user's dataset from a folder, a CSV file of the pair, or a JSON file."""
    if not isinstance(path, str | Path):
        raise InvalidTypeError(f"path must be a str or Path, not {type(path).__name__}: {path!r}")
    target = Path(path)
    if not target.exists():
        raise PathNotFoundError("no such dataset", str(target))
    if target.is_file():
        with target.open("rb") as f:
            start = f.read(len(_SQLITE_MAGIC))
        if start == _SQLITE_MAGIC:
            return _read_sqlite(target)
        if target.suffix.lower() in (".json", ".geojson"):
            return _read_json(target)
    folder = target if target.is_dir() else target.parent
    problems: list[DatasetProblem] = []
    rows: dict[str, list[_Row]] = {}
    for name in (PLACES_FILE, PARTNERSHIPS_FILE):
        file = folder / name
        if not file.is_file():
            problems.append(DatasetProblem(str(file), None, None, "file not found"))
            rows[name] = []
            continue
        with file.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            rows[name] = list(_csv_rows(f, str(file), problems))
    metadata: dict[str, Any] = {}
    meta_file = folder / METADATA_FILE
    if meta_file.is_file():
        try:
            loaded = _parse_json(meta_file.read_text(encoding="utf-8-sig"))
            if not isinstance(loaded, dict):
                raise InvalidValueError("metadata must be a JSON object")
            metadata = loaded
        except UnicodeDecodeError as exc:
            problems.append(
                DatasetProblem(str(meta_file), None, None, f"not UTF-8 text at byte {exc.start}")
            )
        except ValueError as exc:
            problems.append(DatasetProblem(str(meta_file), None, None, f"invalid JSON: {exc}"))
    return _build(
        str(folder / PLACES_FILE),
        rows[PLACES_FILE],
        str(folder / PARTNERSHIPS_FILE),
        rows[PARTNERSHIPS_FILE],
        metadata,
        problems,
    )


def _read_json(file: Path) -> Atlas:
    problems: list[DatasetProblem] = []
    try:
        document = _parse_json(file.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DatasetError(
            [DatasetProblem(str(file), None, None, f"not UTF-8 text at byte {exc.start}")]
        ) from None
    except ValueError as exc:
        raise DatasetError(
            [DatasetProblem(str(file), None, None, f"invalid JSON: {exc}")]
        ) from None
    if not isinstance(document, dict):
        raise DatasetError([DatasetProblem(str(file), None, None, "expected a JSON object")])
    if document.get("type") == "FeatureCollection" or file.suffix.lower() == ".geojson":
        raise DatasetError(
            [
                DatasetProblem(
                    str(file),
                    None,
                    None,
                    "GeoJSON is an export for maps, not a dataset format: "
                    "load the CSV, JSON or SQLite export instead",
                )
            ]
        )
    metadata = document.get("metadata") or {}
    if not isinstance(metadata, dict):
        problems.append(DatasetProblem(str(file), None, "metadata", "must be an object"))
        metadata = {}
    name = str(file)
    place_rows = _json_rows(document.get("places", []), f"{name}#places", "places", problems)
    partnership_rows = _json_rows(
        document.get("partnerships", []), f"{name}#partnerships", "partnerships", problems
    )
    # JSON rows carry no header row: synthesise one from the keys seen.
    return _build(
        f"{name}#places",
        [(0, {"__header__": LIST_SEPARATOR.join(_keys(place_rows, PLACE_COLUMNS))}), *place_rows],
        f"{name}#partnerships",
        [
            (0, {"__header__": LIST_SEPARATOR.join(_keys(partnership_rows, PARTNERSHIP_COLUMNS))}),
            *partnership_rows,
        ],
        metadata,
        problems,
    )


def _read_sqlite(file: Path) -> Atlas:
    """Read a database written by :func:`twintowns.export.to_sqlite` (see its schema)."""
    import sqlite3

    name = str(file)
    try:
        connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatasetError(
            [DatasetProblem(name, None, None, f"unreadable SQLite: {exc}")]
        ) from None
    try:
        return _sqlite_atlas(connection, name)
    except sqlite3.Error as exc:
        raise DatasetError(
            [DatasetProblem(name, None, None, f"not a twintowns SQLite export: {exc}")]
        ) from None
    finally:
        connection.close()


def _sqlite_text(value: object) -> str:
    """A cell of the SQLite export as the CSV schema's text (REAL keeps every digit)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        raise InvalidValueError(f"unexpected binary value {value[:20]!r}")
    return str(value)


def _sqlite_atlas(connection: Any, name: str) -> Atlas:  # noqa: C901 -- reads the export's tables in order, reporting each problem with its row
    problems: list[DatasetProblem] = []
    connection.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    metadata: dict[str, Any] = {}
    for number, (key, value) in enumerate(
        connection.execute("SELECT key, value FROM metadata ORDER BY key"), start=1
    ):
        try:
            metadata[str(key)] = _parse_json(value if isinstance(value, str) else "")
        except ValueError as exc:
            problems.append(DatasetProblem(f"{name}#metadata", number, "value", str(exc)))
    aliases: dict[str, list[str]] = {}
    for pid, alias in connection.execute(
        "SELECT place_id, alias FROM place_aliases ORDER BY place_id, position"
    ):
        aliases.setdefault(str(pid), []).append(str(alias))
    references: dict[tuple[str, str], dict[str, list[str]]] = {}
    for a, b, kind, value in connection.execute(
        "SELECT a, b, type, value FROM partnership_references ORDER BY a, b, type, position"
    ):
        refs = references.setdefault((str(a), str(b)), {"source": [], "url": []})
        refs.setdefault(str(kind), []).append(str(value))

    def table_rows(sql: str, columns: tuple[str, ...], table: str) -> list[_Row]:
        rows: list[_Row] = [(0, {"__header__": LIST_SEPARATOR.join(columns)})]
        for number, record in enumerate(connection.execute(sql), start=1):
            row: dict[str, str] = {}
            for col, value in zip(columns, record, strict=True):
                try:
                    row[col] = _sqlite_text(value)
                except ValueError as exc:
                    problems.append(DatasetProblem(f"{name}#{table}", number, col, str(exc)))
                    row["__width__"] = "unreadable cell"
                if _UNDECODABLE.search(row.get(col, "")):
                    row["__undecodable__"] = col
            rows.append((number, row))
        return rows

    place_columns = tuple(c for c in PLACE_COLUMNS if c != "aliases")
    place_rows = table_rows(
        f"SELECT {', '.join(place_columns)} FROM places ORDER BY id", place_columns, "places"
    )
    for _, row in place_rows[1:]:
        row["aliases"] = LIST_SEPARATOR.join(aliases.pop(row.get("id", ""), []))
    for pid in aliases:
        problems.append(
            DatasetProblem(f"{name}#place_aliases", None, "place_id", f"unknown place id {pid!r}")
        )
    present = {str(r[1]) for r in connection.execute("PRAGMA table_info(partnerships)")}
    pair_columns: tuple[str, ...] = ("a", "b", "kind", "status", "established", "ended", "note")
    # Databases written before as_of and status_basis existed still load.
    pair_columns += tuple(c for c in ("as_of", "status_basis") if c in present)
    partnership_rows = table_rows(
        f"SELECT {', '.join(pair_columns)}, claimed_by_a, claimed_by_b "
        "FROM partnerships ORDER BY a, b",
        (*pair_columns, "claimed_by_a", "claimed_by_b"),
        "partnerships",
    )
    for _, row in partnership_rows[1:]:
        a, b = row.get("a", ""), row.get("b", "")
        claimed = [
            pid
            for pid, flag in ((a, "claimed_by_a"), (b, "claimed_by_b"))
            if row.pop(flag, "") == "1"
        ]
        row["claimed_by"] = LIST_SEPARATOR.join(claimed)
        refs = references.pop((a, b), {})
        row["sources"] = LIST_SEPARATOR.join(refs.get("source", []))
        row["urls"] = LIST_SEPARATOR.join(refs.get("url", []))
    partnership_rows[0] = (0, {"__header__": LIST_SEPARATOR.join(PARTNERSHIP_COLUMNS)})
    for a, b in references:
        problems.append(
            DatasetProblem(
                f"{name}#partnership_references", None, "a", f"unknown partnership {a} – {b}"
            )
        )
    return _build(
        f"{name}#places",
        place_rows,
        f"{name}#partnerships",
        partnership_rows,
        metadata,
        problems,
    )


def _keys(rows: list[_Row], columns: tuple[str, ...]) -> list[str]:
    seen = dict.fromkeys(columns)
    for _, row in rows:
        seen.update(dict.fromkeys(k for k in row if k not in _MARKERS))
    return list(seen)


# ---------------------------------------------------------------------- building


def _convert(fields: Mapping[str, attrs.Attribute[Any]], name: str, raw: str, done: object) -> Any:
    field = fields[name]
    value: Any = raw
    if field.converter is not None:
        value = field.converter(raw)  # type: ignore[operator]
    if field.validator is not None:
        field.validator(done, field, value)
    return value


def _check_header(
    file: str, rows: list[_Row], known: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[_Row], list[DatasetProblem]]:
    problems: list[DatasetProblem] = []
    if rows and "__incomplete__" in rows[0][1]:  # unreadable before its header: reported
        return rows, problems
    if not rows or "__header__" not in rows[0][1]:
        return [], [DatasetProblem(file, None, None, "empty file: no header row")]
    header = rows[0][1]["__header__"].split(LIST_SEPARATOR)
    for col in required:
        if col not in header:
            problems.append(DatasetProblem(file, 1, col, "required column is missing"))
    for col in header:
        if col not in known:
            problems.append(
                DatasetProblem(file, 1, col, f"unknown column (expected: {', '.join(known)})")
            )
    if len(set(header)) != len(header):
        problems.append(DatasetProblem(file, 1, None, "duplicate column names in the header"))
    return rows[1:], problems


def _build(  # noqa: C901 -- collects every row's problems before deciding, so a user sees them all at once
    places_file: str,
    place_rows: list[_Row],
    partnerships_file: str,
    partnership_rows: list[_Row],
    metadata: dict[str, Any],
    problems: list[DatasetProblem] | None = None,
) -> Atlas:
    problems = [] if problems is None else problems
    place_rows, header_problems = _check_header(
        places_file, place_rows, PLACE_COLUMNS, _REQUIRED_PLACE
    )
    problems += header_problems
    partnership_rows, header_problems = _check_header(
        partnerships_file, partnership_rows, PARTNERSHIP_COLUMNS, _REQUIRED_PARTNERSHIP
    )
    problems += header_problems

    places: dict[str, Place] = {}
    # ids of places whose rows could not be read or were reported: partnerships that
    # name them are not reported again as naming an unknown place
    excused: set[str] | None = set()
    for number, row in place_rows:
        if "__incomplete__" in row:
            excused = None  # the rest of the file is unknown
            continue
        place = _place(places_file, number, row, problems)
        if place is None:
            pid = row.get("id", "")
            if excused is not None and pid and not _UNDECODABLE.search(pid):
                excused.add(pid)
            else:  # which place the row was is unknown
                excused = None
            continue
        if place.id in places:
            problems.append(
                DatasetProblem(places_file, number, "id", f"duplicate place id {place.id!r}")
            )
            continue
        places[place.id] = place

    partnerships: dict[tuple[str, str], Partnership] = {}
    for number, row in partnership_rows:
        if "__incomplete__" in row:
            continue
        p = _partnership(partnerships_file, number, row, places, excused, problems)
        if p is None:
            continue
        if p.ids in partnerships:
            problems.append(
                DatasetProblem(
                    partnerships_file, number, "b", f"duplicate partnership {p.a.id} – {p.b.id}"
                )
            )
            continue
        partnerships[p.ids] = p

    if problems:
        raise DatasetError(problems)
    return Atlas(places.values(), partnerships.values(), metadata=metadata)


def _unreadable(
    file: str, number: int, row: dict[str, str], problems: list[DatasetProblem]
) -> bool:
    """Whether the row could not be read as a record (wrong width, not UTF-8): reported."""
    if "__width__" in row:
        problems.append(DatasetProblem(file, number, None, row["__width__"]))
        return True
    if "__undecodable__" in row:
        problems.append(DatasetProblem(file, number, row["__undecodable__"], "not UTF-8 text"))
        return True
    return False


def _place(
    file: str, number: int, row: dict[str, str], problems: list[DatasetProblem]
) -> Place | None:
    if _unreadable(file, number, row, problems):
        return None
    values: dict[str, Any] = {}
    done = types.SimpleNamespace()
    failed = False
    for col in _REQUIRED_PLACE:
        if col not in row and "__json__" in row:  # a CSV header without it is reported once
            problems.append(DatasetProblem(file, number, col, "required value is missing"))
    for col in PLACE_COLUMNS:
        if col not in row or (col in _DEFAULTED and row[col] == ""):
            continue
        try:
            values[col] = _convert(_PLACE_FIELDS, col, row[col], done)
            setattr(done, col, values[col])
        except (TypeError, ValueError) as exc:
            problems.append(DatasetProblem(file, number, col, str(exc)))
            failed = True
    if "country" in values and not is_country(values["country"]):
        problems.append(
            DatasetProblem(file, number, "country", f"unknown country code {values['country']!r}")
        )
        failed = True
    if failed or any(col not in row for col in _REQUIRED_PLACE):
        return None
    try:
        return Place(**values)
    except (TypeError, ValueError) as exc:  # pragma: no cover - fields were checked one by one
        problems.append(DatasetProblem(file, number, None, str(exc)))
        return None


def _partnership(  # noqa: C901 -- one check per column, each reported with its row and column
    file: str,
    number: int,
    row: dict[str, str],
    places: dict[str, Place],
    excused: set[str] | None,
    problems: list[DatasetProblem],
) -> Partnership | None:
    if _unreadable(file, number, row, problems):
        return None
    values: dict[str, Any] = {}
    failed = False
    for col in ("a", "b"):
        if col not in row:
            if "__json__" in row:
                problems.append(DatasetProblem(file, number, col, "required value is missing"))
            failed = True
            continue
        pid = row[col]
        if pid in places:
            values[col] = places[pid]
            continue
        failed = True
        if excused is not None and pid not in excused:
            problems.append(DatasetProblem(file, number, col, f"unknown place id {pid!r}"))
    done = types.SimpleNamespace()
    for col in PARTNERSHIP_COLUMNS[2:]:
        if col not in row or (col in _DEFAULTED and row[col] == ""):
            continue
        try:
            values[col] = _convert(_PARTNERSHIP_FIELDS, col, row[col], done)
        except (TypeError, ValueError) as exc:
            problems.append(DatasetProblem(file, number, col, str(exc)))
            failed = True
    if failed:
        return None
    if values["a"].id == values["b"].id:
        problems.append(DatasetProblem(file, number, "b", "a place cannot partner itself"))
        return None
    try:
        return Partnership(**values)
    except (TypeError, ValueError) as exc:
        column = "as_of" if "as_of" in str(exc) else "claimed_by"
        problems.append(DatasetProblem(file, number, column, str(exc)))
        return None
