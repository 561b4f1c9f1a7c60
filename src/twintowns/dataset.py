"""Loading datasets: the bundled one (lazily, once) or a user's own files.

A dataset in the twintowns schema (see :mod:`twintowns.schema`) is either

* a folder holding ``places.csv`` and ``partnerships.csv`` (and optionally
  ``metadata.json``) — a path to one of those CSV files means its folder; or
* one JSON file ``{"metadata": {...}, "places": [{column: value}],
  "partnerships": [{column: value}]}`` where list columns may be JSON arrays.

Every problem in a user's files is collected — file, row and column — and
raised together as one :class:`~twintowns.DatasetError`.  CSV rows are
numbered as a spreadsheet shows them (the header is row 1); JSON rows are
numbered from 1 within their array.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import types
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import IO, Any

import attrs

from twintowns.atlas import Atlas
from twintowns.countries import is_country
from twintowns.errors import DatasetError, DatasetProblem
from twintowns.model import LIST_SEPARATOR, Partnership, Place
from twintowns.schema import (
    METADATA_FILE,
    NUMERIC_COLUMNS,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACE_COLUMNS,
    PLACES_FILE,
    unescape_cell,
)

__all__ = ["load", "read_dataset"]

_REQUIRED_PLACE = ("id", "name", "country", "latitude", "longitude", "timezone", "continent")
_REQUIRED_PARTNERSHIP = ("a", "b")
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
    data = resources.files("twintowns").joinpath("data")
    with data.joinpath(METADATA_FILE).open("r", encoding="utf-8") as f:
        metadata = json.load(f)
    places_rows = list(_csv_rows(io.StringIO(data.joinpath(PLACES_FILE).read_text("utf-8"))))
    partnership_rows = list(
        _csv_rows(io.StringIO(data.joinpath(PARTNERSHIPS_FILE).read_text("utf-8")))
    )
    return _build(
        f"twintowns/data/{PLACES_FILE}",
        places_rows,
        f"twintowns/data/{PARTNERSHIPS_FILE}",
        partnership_rows,
        metadata,
    )


# ---------------------------------------------------------------------- readers

_Row = tuple[int, dict[str, str]]


def _csv_rows(stream: IO[str]) -> Iterator[_Row]:
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        return
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
        yield number, row


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError(f"unexpected boolean {value!r}")
    if isinstance(value, list):
        items = [_json_cell(v) for v in value]
        for item in items:
            if LIST_SEPARATOR in item:
                raise ValueError(f"list item may not contain {LIST_SEPARATOR!r}: {item!r}")
        return LIST_SEPARATOR.join(items)
    if isinstance(value, int | float | str):
        return value if isinstance(value, str) else repr(value)
    raise ValueError(f"unexpected value {value!r}")


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
            try:
                row[str(col)] = _json_cell(value)
            except ValueError as exc:
                problems.append(DatasetProblem(file, number, str(col), str(exc)))
        rows.append((number, row))
    return rows


def read_dataset(path: str | Path) -> Atlas:
    """Read a user's dataset from a folder, a CSV file of the pair, or a JSON file."""
    if not isinstance(path, str | Path):
        raise TypeError(f"path must be a str or Path, not {type(path).__name__}: {path!r}")
    target = Path(path)
    if not target.exists():
        raise FileNotFoundError(f"no such dataset: {str(target)!r}")
    if target.is_file() and target.suffix.lower() == ".json":
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
        try:
            with file.open("r", encoding="utf-8", newline="") as f:
                rows[name] = list(_csv_rows(f))
        except (UnicodeDecodeError, csv.Error) as exc:
            problems.append(DatasetProblem(str(file), None, None, f"unreadable: {exc}"))
            rows[name] = []
    metadata: dict[str, Any] = {}
    meta_file = folder / METADATA_FILE
    if meta_file.is_file():
        try:
            loaded = json.loads(meta_file.read_text(encoding="utf-8"))
            if not isinstance(loaded, dict):
                raise ValueError("metadata must be a JSON object")
            metadata = loaded
        except (ValueError, UnicodeDecodeError) as exc:
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
        document = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DatasetError(
            [DatasetProblem(str(file), None, None, f"invalid JSON: {exc}")]
        ) from None
    if not isinstance(document, dict):
        raise DatasetError([DatasetProblem(str(file), None, None, "expected a JSON object")])
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


def _keys(rows: list[_Row], columns: tuple[str, ...]) -> list[str]:
    seen = dict.fromkeys(columns)
    for _, row in rows:
        seen.update(dict.fromkeys(row))
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


def _build(
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
    for number, row in place_rows:
        place = _place(places_file, number, row, problems)
        if place is None:
            continue
        if place.id in places:
            problems.append(
                DatasetProblem(places_file, number, "id", f"duplicate place id {place.id!r}")
            )
            continue
        places[place.id] = place

    partnerships: dict[tuple[str, str], Partnership] = {}
    for number, row in partnership_rows:
        p = _partnership(partnerships_file, number, row, places, problems)
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


def _place(
    file: str, number: int, row: dict[str, str], problems: list[DatasetProblem]
) -> Place | None:
    if "__width__" in row:
        problems.append(DatasetProblem(file, number, None, row["__width__"]))
        return None
    values: dict[str, Any] = {}
    done = types.SimpleNamespace()
    failed = False
    for col in PLACE_COLUMNS:
        if col not in row:
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


def _partnership(
    file: str,
    number: int,
    row: dict[str, str],
    places: dict[str, Place],
    problems: list[DatasetProblem],
) -> Partnership | None:
    if "__width__" in row:
        problems.append(DatasetProblem(file, number, None, row["__width__"]))
        return None
    values: dict[str, Any] = {}
    failed = False
    for col in ("a", "b"):
        pid = row.get(col, "")
        if pid not in places:
            problems.append(DatasetProblem(file, number, col, f"unknown place id {pid!r}"))
            failed = True
        else:
            values[col] = places[pid]
    done = types.SimpleNamespace()
    for col in PARTNERSHIP_COLUMNS[2:]:
        if col not in row:
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
        problems.append(DatasetProblem(file, number, "claimed_by", str(exc)))
        return None
