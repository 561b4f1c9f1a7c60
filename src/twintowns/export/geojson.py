"""The GeoJSON export: places as Points, partnerships as great-circle lines (RFC 7946)."""

from __future__ import annotations

import itertools
import json
import math
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.export.progress import Progress, counted
from twintowns.export.records import partnership_record, place_record
from twintowns.files import prepare_target, write_atomically
from twintowns.model import Partnership, Place

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "DEFAULT_SEGMENT_KM",
    "MAX_LINE_POINTS",
    "geojson_document",
    "great_circle_line",
    "to_geojson",
]

#: Longest straight segment of a great-circle line in GeoJSON, in km.
DEFAULT_SEGMENT_KM: Final = 100.0

#: Most points one great-circle line may have (see :func:`great_circle_line`).
MAX_LINE_POINTS: Final = 100_000


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
    features = [_place_feature(p) for p in counted(shown, progress, 0, total)]
    features += [
        _partnership_feature(p, segment_km)
        for p in counted(atlas.partnerships, progress, len(shown), total)
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
            (_place_feature(p) for p in counted(shown, progress, 0, total)),
            (
                _partnership_feature(p, segment_km)
                for p in counted(atlas.partnerships, progress, len(shown), total)
            ),
        )
        for i, feature in enumerate(features):
            out.write(",\n" if i else "\n")
            out.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        out.write("\n]}\n")

    write_atomically(target, write, newline="\n")
    return target
