"""Exports: the data out as CSV, JSON, GeoJSON or SQLite, for apps and other languages.

* :func:`to_csv`: a folder with ``places.csv``, ``partnerships.csv`` and
  ``metadata.json`` in the bundled schema (:mod:`twintowns.schema`);
* :func:`to_json`: one JSON file ``{"metadata", "places", "partnerships"}``;
* :func:`to_geojson`: an RFC 7946 FeatureCollection, places as Points and
  partnerships as great-circle LineStrings;
* :func:`to_sqlite`: an SQLite database (schema in :data:`SQLITE_SCHEMA`);
* ``"datasette"``: that database and Datasette's ``metadata.json`` in a folder
  (:func:`twintowns.web.to_datasette`), served by ``datasette FOLDER``.

CSV and JSON exports read back with :func:`twintowns.load` into an equal
:class:`~twintowns.Atlas`: nothing is lost or changed.  CSV text cells that
start with ``=``, ``+``, ``-``, ``@`` (or ``'``) get one leading ``'`` so that
spreadsheets show them as text instead of running them as formulas;
:func:`twintowns.load` removes it again.

>>> import tempfile, twintowns
>>> from twintowns.export import subset, to_csv
>>> atlas = twintowns.load()
>>> charlotte = subset(atlas, "Charlotte")
>>> charlotte.degree("Charlotte") == atlas.degree("Charlotte")
True
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = to_csv(charlotte, folder)
...     twintowns.load(folder) == charlotte
True

Every exporter takes an optional ``progress(done, total)`` callback, called
as records are written (the command line draws a progress bar with it).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from twintowns.errors import (
    InvalidTypeError,
    InvalidValueError,
)
from twintowns.files import prepare_target, publish, temporary_beside, write_atomically
from twintowns.model import (
    Continent,
    Partnership,
    PartnershipKind,
    Place,
    PlaceKind,
    Status,
    StatusBasis,
)
from twintowns.schema import (
    METADATA_FILE,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACE_COLUMNS,
    PLACES_FILE,
    format_float,
    partnership_row,
    place_row,
    write_csv,
)

if TYPE_CHECKING:
    import sqlite3

    from twintowns.atlas import Atlas
    from twintowns.filters import StatusFilter

__all__ = [
    "FORMATS",
    "MAX_LINE_POINTS",
    "SQLITE_SCHEMA",
    "Progress",
    "export",
    "geojson_document",
    "great_circle_line",
    "json_document",
    "partnership_record",
    "place_record",
    "subset",
    "to_csv",
    "to_geojson",
    "to_json",
    "to_sqlite",
]

#: ``progress(done, total)``: called while an export runs.
Progress = Callable[[int, int], None]

#: Export formats, as the command line names them.
FORMATS: Final = ("csv", "json", "geojson", "sqlite", "datasette")

#: Longest straight segment of a great-circle line in GeoJSON, in km.
DEFAULT_SEGMENT_KM: Final = 100.0

#: Most points one great-circle line may have (see :func:`great_circle_line`).
MAX_LINE_POINTS: Final = 100_000

_PROGRESS_EVERY = 2000


def _exact_float(value: float) -> str:
    """The schema's short coordinate text when it is exact, else the shortest exact repr."""
    text = format_float(value)
    return text if float(text) == value else repr(value)


def _place_cells(place: Place) -> list[str]:
    row = place_row(place)
    row[6], row[7] = _exact_float(place.latitude), _exact_float(place.longitude)
    return row


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done == total or done % _PROGRESS_EVERY == 0):
        progress(done, total)


def _counted(
    items: Sequence[Any], progress: Progress | None, offset: int, total: int
) -> Iterable[Any]:
    for i, item in enumerate(items, start=1):
        yield item
        _tick(progress, offset + i, total)


# ----------------------------------------------------------------------- subsets


def subset(atlas: Atlas, place: Place | str, *, status: StatusFilter = None) -> Atlas:
    """The atlas of one place: it, its partners and its partnerships (``status`` filters).

    ``place`` is a Place or a query, resolved as :meth:`Atlas.place` does.
    """
    from twintowns.atlas import Atlas

    target = atlas.resolve(place)
    partnerships = atlas.partnerships_of(target, status=status)
    places = {target.id: target}
    for p in partnerships:
        other = p.other(target)
        places[other.id] = other
    return Atlas(places.values(), partnerships, metadata=atlas.metadata)


# ----------------------------------------------------------------------- CSV / JSON


def to_csv(
    atlas: Atlas, folder: str | os.PathLike[str], *, progress: Progress | None = None
) -> list[Path]:
    """Write ``places.csv``, ``partnerships.csv`` and ``metadata.json`` into ``folder``.

    The folder is created if needed (not its parents); existing files of those names are
    replaced once all three are written (an export that fails leaves them untouched;
    exports racing to one folder each replace all three together).  Returns the paths
    written.  Coordinates keep every digit they have (the bundled data has at most six
    decimals).
    """
    target = prepare_target(folder, folder=True)
    total = len(atlas.places) + len(atlas.partnerships)
    paths = [target / PLACES_FILE, target / PARTNERSHIPS_FILE, target / METADATA_FILE]

    def places(out: IO[str]) -> None:
        rows = (_place_cells(p) for p in _counted(atlas.places, progress, 0, total))
        write_csv(out, PLACE_COLUMNS, rows)

    def partnerships(out: IO[str]) -> None:
        prows = (
            partnership_row(p)
            for p in _counted(atlas.partnerships, progress, len(atlas.places), total)
        )
        write_csv(out, PARTNERSHIP_COLUMNS, prows)

    def metadata(out: IO[str]) -> None:
        out.write(_metadata_text(atlas))

    # all three files are written completely before any of them replaces the old one
    with contextlib.ExitStack() as stack:
        finished: list[Path] = []
        for write in (places, partnerships, metadata):
            temporary = stack.enter_context(temporary_beside(target))
            with temporary.open("w", encoding="utf-8", newline="") as out:
                write(out)
            finished.append(temporary)
        with _folder_lock(target):  # exports racing to one folder never mix their files
            for temporary, path in zip(finished, paths, strict=True):
                publish(temporary, path)
    return paths


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``folder`` (where the platform has ``flock``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks on folders
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _metadata_text(atlas: Atlas) -> str:
    return json.dumps(atlas.metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def place_record(place: Place) -> dict[str, Any]:
    """A place as a JSON-ready dict with the schema's columns.

    Numbers are numbers, unknown values are ``None``, list columns are lists.

    >>> import twintowns
    >>> record = place_record(twintowns.load().place("Charlotte"))
    >>> record["id"], record["subdivision"], record["timezone"], record["continent"]
    ('gn:4460243', 'US-NC', 'America/New_York', 'NA')
    """
    return {
        "id": place.id,
        "name": place.name,
        "ascii_name": place.ascii_name,
        "country": place.country,
        "subdivision": place.subdivision,
        "kind": place.kind.value,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
        "population": place.population,
        "continent": place.continent.value,
        "aliases": list(place.aliases),
        "resolution": place.resolution,
        "wikidata": place.wikidata,
    }


def partnership_record(p: Partnership) -> dict[str, Any]:
    """A partnership as a JSON-ready dict with the schema's columns (``a``/``b`` are ids)."""
    return {
        "a": p.a.id,
        "b": p.b.id,
        "kind": p.kind.value,
        "status": p.status.value,
        "established": None if p.established is None else str(p.established),
        "ended": None if p.ended is None else str(p.ended),
        "note": p.note,
        "claimed_by": sorted(p.claimed_by),
        "sources": list(p.sources),
        "urls": list(p.urls),
        "as_of": None if p.as_of is None else str(p.as_of),
        "status_basis": p.status_basis.value,
    }


def json_document(atlas: Atlas, *, progress: Progress | None = None) -> dict[str, Any]:
    """The JSON export as a dict: ``{"metadata": …, "places": […], "partnerships": […]}``."""
    total = len(atlas.places) + len(atlas.partnerships)
    return {
        "metadata": dict(atlas.metadata),
        "places": [place_record(p) for p in _counted(atlas.places, progress, 0, total)],
        "partnerships": [
            partnership_record(p)
            for p in _counted(atlas.partnerships, progress, len(atlas.places), total)
        ],
    }


def to_json(
    atlas: Atlas, path: str | os.PathLike[str], *, progress: Progress | None = None
) -> Path:
    """Write the JSON export (UTF-8, one record per line) to ``path``; returns the path.

    The file is written under a temporary name and moved into place at the
    end: an export that fails leaves any previous file at ``path`` untouched.
    """
    target = prepare_target(path)
    total = len(atlas.places) + len(atlas.partnerships)

    def write(out: IO[str]) -> None:
        out.write('{"metadata": ')
        out.write(json.dumps(dict(atlas.metadata), ensure_ascii=False, sort_keys=True))
        records: tuple[Iterable[dict[str, Any]], Iterable[dict[str, Any]]] = (
            (place_record(p) for p in _counted(atlas.places, progress, 0, total)),
            (
                partnership_record(p)
                for p in _counted(atlas.partnerships, progress, len(atlas.places), total)
            ),
        )
        for key, items in zip(("places", "partnerships"), records, strict=True):
            out.write(f',\n"{key}": [')
            for i, record in enumerate(items):
                out.write(",\n" if i else "\n")
                out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n]")
        out.write("}\n")

    write_atomically(target, write, newline="\n")
    return target


# ----------------------------------------------------------------------- GeoJSON


def great_circle_line(
    a: Place | tuple[float, float],
    b: Place | tuple[float, float],
    *,
    segment_km: float = DEFAULT_SEGMENT_KM,
) -> list[list[list[float]]]:
    """GeoJSON line coordinates ``[[[lon, lat], …], …]`` of the great circle from ``a`` to ``b``.

    Densified so that no straight segment is longer than ``segment_km``, and
    cut where it crosses the antimeridian (RFC 7946 §3.1.9): one part is a
    LineString, several a MultiLineString.  Coordinates have 6 decimals.
    Antipodal points are joined over the pole nearer to ``a``.  A line of
    more than :data:`MAX_LINE_POINTS` points raises ``ValueError``.

    >>> great_circle_line((0.0, 170.0), (0.0, -170.0), segment_km=5000)
    [[[170.0, 0.0], [180.0, 0.0]], [[-180.0, 0.0], [-170.0, 0.0]]]
    """
    from twintowns.geography import (
        antipodal,
        as_point,
        distance,
        intermediate_points,
        split_antimeridian,
    )

    _check_segment(segment_km)
    pa, pb = as_point(a), as_point(b)
    n = max(math.ceil(distance(pa, pb) / segment_km) - 1, 0)
    if n > MAX_LINE_POINTS:
        raise InvalidValueError(
            f"segment_km={segment_km!r} would cut this line into {n + 1:,} segments; "
            f"at most {MAX_LINE_POINTS:,} are allowed"
        )
    if antipodal(pa, pb):
        # every great circle through antipodes is shortest: take the one over the
        # pole nearer to ``a`` (through ``a``'s meridian), as a map draws it
        lat, lon = pa
        mid = (lat + 90.0, lon) if lat <= 0 else (90.0 - lat, lon - math.copysign(180.0, lon))
        half = n // 2
        middle = [*intermediate_points(pa, mid, half), mid, *intermediate_points(mid, pb, half)]
    else:
        middle = intermediate_points(pa, pb, n)
    points = _with_crossings([pa, *middle, pb])
    return [
        [[round(lon, 6) + 0.0, round(lat, 6) + 0.0] for lat, lon in piece]
        for piece in split_antimeridian(points)
    ]


def _check_segment(segment_km: object) -> None:
    if isinstance(segment_km, bool) or not isinstance(segment_km, int | float):
        raise InvalidTypeError(f"segment_km must be a number, not {segment_km!r}")
    try:
        positive = math.isfinite(segment_km) and segment_km > 0
    except OverflowError:  # an int beyond float's range
        positive = False
    if not positive:
        raise InvalidValueError(f"segment_km must be a finite positive number: {segment_km!r}")


def _with_crossings(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """``points`` with the exact great-circle point on the antimeridian inserted where
    a segment crosses it, on the side of the segment's start.

    ``split_antimeridian`` then cuts exactly there (instead of interpolating the
    latitude linearly, which strays from the arc near the poles).
    """
    # a point on the antimeridian itself takes the side of its neighbour, so that
    # the line touches ±180° instead of jumping across the map
    points = list(points)
    for i, (lat, lon) in enumerate(points):
        if abs(lon) == 180.0 and len(points) > 1:
            neighbour = points[i - 1][1] if i else points[1][1]
            points[i] = (lat, math.copysign(180.0, neighbour))
    out = [points[0]]
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(points):
        if abs(lon2 - lon1) > 180.0:
            u, v = _vector(lat1, lon1), _vector(lat2, lon2)
            nx = u[1] * v[2] - u[2] * v[1]
            nz = u[0] * v[1] - u[1] * v[0]
            # the arc's plane meets the meridian plane y = 0 along ±(-n_z, 0, n_x): the
            # antimeridian is the side with x < 0
            if abs(nz) > 1e-15:
                lat = math.degrees(math.atan2(math.copysign(1.0, nz) * nx, abs(nz)))
            else:  # the arc runs along a meridian pair, over a pole
                lat = 90.0 if lat1 + lat2 > 0 else -90.0
            out.append((lat, 180.0 if lon1 > 0 else -180.0))
        out.append((lat2, lon2))
    return out


def _vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _place_feature(place: Place) -> dict[str, Any]:
    properties = place_record(place)
    del properties["latitude"], properties["longitude"]
    properties["feature"] = "place"
    return {
        "type": "Feature",
        "id": place.id,
        "geometry": {
            "type": "Point",
            "coordinates": [round(place.longitude, 6) + 0.0, round(place.latitude, 6) + 0.0],
        },
        "properties": properties,
    }


def _partnership_feature(p: Partnership, segment_km: float) -> dict[str, Any]:
    from twintowns.geography import distance

    parts = great_circle_line(p.a, p.b, segment_km=segment_km)
    geometry: dict[str, Any] = (
        {"type": "LineString", "coordinates": parts[0]}
        if len(parts) == 1
        else {"type": "MultiLineString", "coordinates": parts}
    )
    properties = partnership_record(p)
    properties.update(
        feature="partnership",
        a_name=p.a.name,
        a_country=p.a.country,
        b_name=p.b.name,
        b_country=p.b.country,
        distance_km=round(distance(p.a, p.b), 3),
    )
    return {
        "type": "Feature",
        "id": f"{p.a.id}~{p.b.id}",
        "geometry": geometry,
        "properties": properties,
    }


def geojson_document(
    atlas: Atlas,
    *,
    places: bool = True,
    segment_km: float = DEFAULT_SEGMENT_KM,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The GeoJSON export as a dict (an RFC 7946 FeatureCollection).

    Place features (``properties.feature == "place"``) come first, then one
    feature per partnership (``"partnership"``) whose properties carry both
    ids, names and countries, kind, status, dates and ``distance_km``.
    """
    shown = atlas.places if places else ()
    total = len(shown) + len(atlas.partnerships)
    features = [_place_feature(p) for p in _counted(shown, progress, 0, total)]
    features += [
        _partnership_feature(p, segment_km)
        for p in _counted(atlas.partnerships, progress, len(shown), total)
    ]
    return {"type": "FeatureCollection", "features": features}


def to_geojson(
    atlas: Atlas,
    path: str | os.PathLike[str],
    *,
    places: bool = True,
    segment_km: float = DEFAULT_SEGMENT_KM,
    progress: Progress | None = None,
) -> Path:
    """Write the GeoJSON export (see :func:`geojson_document`) to ``path``; returns the path.

    Written under a temporary name and moved into place at the end, as
    :func:`to_json` is.
    """
    target = prepare_target(path)
    _check_segment(segment_km)
    shown = atlas.places if places else ()
    total = len(shown) + len(atlas.partnerships)

    def write(out: IO[str]) -> None:
        out.write('{"type": "FeatureCollection", "features": [')
        features = itertools.chain(
            (_place_feature(p) for p in _counted(shown, progress, 0, total)),
            (
                _partnership_feature(p, segment_km)
                for p in _counted(atlas.partnerships, progress, len(shown), total)
            ),
        )
        for i, feature in enumerate(features):
            out.write(",\n" if i else "\n")
            out.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        out.write("\n]}\n")

    write_atomically(target, write, newline="\n")
    return target


# ----------------------------------------------------------------------- SQLite


def _check(column: str, values: Iterable[str]) -> str:
    return f"CHECK ({column} IN ({', '.join(repr(v) for v in values)}))"


#: The SQLite schema, also in ``docs/cli.md``.  Partial dates are ISO text
#: (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), which sorts correctly as text;
#: list columns of the CSV schema are child tables with a ``position``.
SQLITE_SCHEMA: Final = f"""\
CREATE TABLE metadata (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL                 -- JSON text
) WITHOUT ROWID;
CREATE TABLE places (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    ascii_name  TEXT NOT NULL,
    country     TEXT NOT NULL,          -- ISO 3166-1 alpha-2
    subdivision TEXT,                   -- ISO 3166-2, NULL if unknown
    kind        TEXT NOT NULL {_check("kind", (k.value for k in PlaceKind))},
    latitude    REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude   REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    timezone    TEXT NOT NULL,          -- IANA name
    population  INTEGER,
    continent   TEXT NOT NULL {_check("continent", (c.value for c in Continent))},
    resolution  TEXT NOT NULL,
    wikidata    TEXT UNIQUE              -- Wikidata item id ("Q64"), NULL if unknown
) WITHOUT ROWID;
CREATE TABLE place_aliases (
    place_id TEXT NOT NULL REFERENCES places (id),
    position INTEGER NOT NULL,
    alias    TEXT NOT NULL,
    PRIMARY KEY (place_id, position)
) WITHOUT ROWID;
CREATE TABLE partnerships (
    a           TEXT NOT NULL REFERENCES places (id),
    b           TEXT NOT NULL REFERENCES places (id),
    kind        TEXT NOT NULL {_check("kind", (k.value for k in PartnershipKind))},
    status      TEXT NOT NULL {_check("status", (s.value for s in Status))},
    established TEXT,
    ended       TEXT,
    note        TEXT NOT NULL,
    claimed_by_a INTEGER NOT NULL CHECK (claimed_by_a IN (0, 1)),
    claimed_by_b INTEGER NOT NULL CHECK (claimed_by_b IN (0, 1)),
    as_of       TEXT,                   -- newest date a source lists it (docs/data.md)
    status_basis TEXT NOT NULL {_check("status_basis", (b.value for b in StatusBasis))},
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID;
CREATE TABLE partnership_references (
    a        TEXT NOT NULL,
    b        TEXT NOT NULL,
    type     TEXT NOT NULL CHECK (type IN ('source', 'url')),
    position INTEGER NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (a, b, type, position),
    FOREIGN KEY (a, b) REFERENCES partnerships (a, b)
) WITHOUT ROWID;
CREATE INDEX places_name ON places (name COLLATE NOCASE);
CREATE INDEX places_country ON places (country, subdivision);
CREATE INDEX place_aliases_alias ON place_aliases (alias COLLATE NOCASE);
CREATE INDEX partnerships_b ON partnerships (b);
CREATE INDEX partnerships_status ON partnerships (status);
-- Each partnership twice, once from each side: "the partners of X".
CREATE VIEW partners (place_id, partner_id, kind, status, established, ended, note) AS
    SELECT a, b, kind, status, established, ended, note FROM partnerships
    UNION ALL
    SELECT b, a, kind, status, established, ended, note FROM partnerships;
"""


def to_sqlite(
    atlas: Atlas, path: str | os.PathLike[str], *, progress: Progress | None = None
) -> Path:
    """Write an SQLite database with :data:`SQLITE_SCHEMA` to ``path``; returns the path.

    An existing file at ``path`` is replaced when the database is complete (it
    is written under a temporary name first).  Foreign keys are declared
    (enable them with ``PRAGMA foreign_keys = ON`` when you modify the data).
    """
    import sqlite3

    target = prepare_target(path)
    total = len(atlas.places) + len(atlas.partnerships)
    with temporary_beside(target) as temporary:
        _write_sqlite(sqlite3.connect(temporary), atlas, progress, total)
        publish(temporary, target)
    return target


def _write_sqlite(
    connection: sqlite3.Connection, atlas: Atlas, progress: Progress | None, total: int
) -> None:
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.executescript(SQLITE_SCHEMA)
        with connection:
            connection.executemany(
                "INSERT INTO metadata VALUES (?, ?)",
                [
                    (str(k), json.dumps(v, ensure_ascii=False, sort_keys=True))
                    for k, v in atlas.metadata.items()
                ],
            )
            for place in _counted(atlas.places, progress, 0, total):
                connection.execute(
                    "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        place.id,
                        place.name,
                        place.ascii_name,
                        place.country,
                        place.subdivision,
                        place.kind.value,
                        place.latitude,
                        place.longitude,
                        place.timezone,
                        place.population,
                        place.continent.value,
                        place.resolution,
                        place.wikidata,
                    ),
                )
                connection.executemany(
                    "INSERT INTO place_aliases VALUES (?, ?, ?)",
                    [(place.id, i, alias) for i, alias in enumerate(place.aliases)],
                )
            for p in _counted(atlas.partnerships, progress, len(atlas.places), total):
                connection.execute(
                    "INSERT INTO partnerships VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        p.a.id,
                        p.b.id,
                        p.kind.value,
                        p.status.value,
                        None if p.established is None else str(p.established),
                        None if p.ended is None else str(p.ended),
                        p.note,
                        int(p.a.id in p.claimed_by),
                        int(p.b.id in p.claimed_by),
                        None if p.as_of is None else str(p.as_of),
                        p.status_basis.value,
                    ),
                )
                connection.executemany(
                    "INSERT INTO partnership_references VALUES (?, ?, ?, ?, ?)",
                    [(p.a.id, p.b.id, "source", i, s) for i, s in enumerate(p.sources)]
                    + [(p.a.id, p.b.id, "url", i, u) for i, u in enumerate(p.urls)],
                )
        connection.execute("ANALYZE")
    finally:
        connection.close()


# ----------------------------------------------------------------------- dispatch


def export(
    atlas: Atlas,
    format: str,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """Export ``atlas`` in ``format`` (one of :data:`FORMATS`) to ``path``; returns paths written.

    For ``"csv"`` the path is a folder; for ``"datasette"`` too (the SQLite
    database and Datasette's metadata, :func:`twintowns.web.to_datasette`); for
    the others, a file.
    """
    if format == "csv":
        return to_csv(atlas, path, progress=progress)
    if format == "json":
        return [to_json(atlas, path, progress=progress)]
    if format == "geojson":
        return [to_geojson(atlas, path, progress=progress)]
    if format == "sqlite":
        return [to_sqlite(atlas, path, progress=progress)]
    if format == "datasette":
        from twintowns.web import to_datasette

        return to_datasette(atlas, path, progress=progress)
    raise InvalidValueError(
        f"unknown export format {format!r}: expected one of {', '.join(FORMATS)}"
    )
