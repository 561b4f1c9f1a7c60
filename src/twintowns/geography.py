"""Distances, bearings, time differences and local times between places.

Every function takes a :class:`~twintowns.model.Place` or a
``(latitude, longitude)`` pair in decimal degrees wherever it needs a point.
:func:`distance`, :func:`distances`, :func:`bearing`, :func:`time_difference`
and :func:`local_time` — the ones ``twintowns`` exports — also take a place
name, resolved in the bundled atlas as :meth:`twintowns.Atlas.place` does
(with its errors: :class:`~twintowns.PlaceNotFound`,
:class:`~twintowns.AmbiguousPlace`); the time functions take an IANA time
zone name too (``"Europe/Paris"``, ``"UTC"``): a string that is an IANA key
is a time zone, any other string a place name.

>>> from twintowns.model import Place
>>> lyon = Place(id="tt:lyon", name="Lyon", country="FR", latitude=45.7597,
...              longitude=4.8422, timezone="Europe/Paris")
>>> round(distance(lyon, (48.8567, 2.3508)), 1)
392.2
>>> round(distance(lyon, (48.8567, 2.3508), unit="mi"), 1)
243.7
>>> round(bearing(lyon, (48.8567, 2.3508)))
332

Nothing heavy is imported with this module: the ``haversine`` package (which
pulls in numpy when it is installed), numpy itself and ``geographiclib`` are
imported on first use.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
import numbers
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

from twintowns.errors import InvalidTypeError, InvalidValueError, MissingDependencyError
from twintowns.model import Partnership, Place, check_coordinate, valid_timezone

if TYPE_CHECKING:
    from twintowns.columns import Columns

__all__ = [
    "EARTH_RADIUS_KM",
    "MAX_INTERMEDIATE_POINTS",
    "METHODS",
    "UNITS",
    "MissingDependencyError",
    "PlaceOrPoint",
    "PointLike",
    "antipodal",
    "as_point",
    "bearing",
    "distance",
    "distances",
    "intermediate_points",
    "km_from_function",
    "km_function",
    "local_time",
    "parse_unit",
    "split_antimeridian",
    "time_difference",
]

#: Mean Earth radius in km, the one the ``haversine`` package uses.
EARTH_RADIUS_KM: Final = 6371.0088

#: A place or a ``(latitude, longitude)`` pair in decimal degrees.
PointLike: TypeAlias = Place | Sequence[float] | tuple[float, float]

#: A place, a ``(latitude, longitude)`` pair or a place name for the bundled atlas.
PlaceOrPoint: TypeAlias = PointLike | str

UnitName: TypeAlias = Literal["km", "m", "mi", "nmi", "ft", "in", "rad", "deg"]

#: Supported units and how many of each make one kilometre (the factors of
#: the ``haversine`` package, so results agree with ``haversine.Unit``).
UNITS: Final[Mapping[str, float]] = {
    "km": 1.0,
    "m": 1000.0,
    "mi": 0.621371192,
    "nmi": 0.539956803,
    "ft": 3280.839895013,
    "in": 39370.078740158,
    "rad": 1 / EARTH_RADIUS_KM,
    "deg": (1 / EARTH_RADIUS_KM) * (180.0 / math.pi),
}

_UNIT_ALIASES: Final[Mapping[str, str]] = {
    "kilometer": "km",
    "kilometers": "km",
    "kilometre": "km",
    "kilometres": "km",
    "meter": "m",
    "meters": "m",
    "metre": "m",
    "metres": "m",
    "mile": "mi",
    "miles": "mi",
    "nautical mile": "nmi",
    "nautical miles": "nmi",
    "feet": "ft",
    "foot": "ft",
    "inch": "in",
    "inches": "in",
    "radian": "rad",
    "radians": "rad",
    "degree": "deg",
    "degrees": "deg",
}

#: Most points :func:`intermediate_points` computes in one call.
MAX_INTERMEDIATE_POINTS: Final = 1_000_000

#: Supported distance methods.
METHODS: Final = ("haversine", "geodesic")


# --------------------------------------------------------------------------
# validation


def parse_unit(unit: object) -> UnitName:
    """Return the canonical code of a distance unit.

    Accepts the codes of :data:`UNITS`, a few English names and the members
    of ``haversine.Unit`` (a ``str`` enum).

    >>> parse_unit("mi"), parse_unit("Kilometres"), parse_unit("nautical miles")
    ('mi', 'km', 'nmi')
    >>> import haversine
    >>> parse_unit(haversine.Unit.NAUTICAL_MILES)
    'nmi'
    >>> parse_unit("furlong")
    Traceback (most recent call last):
    ...
    twintowns.errors.InvalidValueError: unknown unit 'furlong': expected one of km, m, mi, ...
    """
    if isinstance(unit, enum.Enum):
        unit = unit.value
    if not isinstance(unit, str):
        raise InvalidTypeError(
            f"a unit must be a str such as 'km', not {type(unit).__name__}: {unit!r}"
        )
    if unit in UNITS:
        return unit  # type: ignore[return-value]
    key = " ".join(unit.lower().split())
    key = _UNIT_ALIASES.get(key, key)
    if key in UNITS:
        return key  # type: ignore[return-value]
    raise InvalidValueError(f"unknown unit {unit!r}: expected one of {', '.join(UNITS)}")


def _parse_method(method: object) -> str:
    if not isinstance(method, str):
        raise InvalidTypeError(
            f"method must be 'haversine' or 'geodesic', not {type(method).__name__}: {method!r}"
        )
    if method not in METHODS:
        raise InvalidValueError(f"unknown method {method!r}: expected 'haversine' or 'geodesic'")
    return method


def _coordinate(value: object, what: str, limit: float) -> float:
    # numpy.float32, fractions.Fraction, ...: real numbers that are not floats
    if (
        not isinstance(value, bool | int | float)
        and isinstance(value, numbers.Real)
        and not isinstance(value, numbers.Integral)
    ):
        try:
            value = float(value)
        except OverflowError:
            raise InvalidValueError(
                f"{what} must be within [-{limit:g}, {limit:g}]: {value!r}"
            ) from None
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool | int):
        value = int(value)
    return check_coordinate(value, what, limit)


def _same_kind(exc: Exception) -> type[InvalidTypeError | InvalidValueError]:
    return InvalidTypeError if isinstance(exc, TypeError) else InvalidValueError


def as_point(value: object) -> tuple[float, float]:
    """Return ``(latitude, longitude)`` of a Place or a pair of numbers, validated.

    Raises ``TypeError`` for non-numbers (``bool`` included) and non-pairs,
    ``ValueError`` for NaN, infinities and out-of-range values; the message
    names the offending value.

    >>> as_point((35.2271, -80.8431))
    (35.2271, -80.8431)
    >>> as_point([0, 180])
    (0.0, 180.0)
    >>> as_point((91, 0))
    Traceback (most recent call last):
    ...
    twintowns.errors.InvalidValueError: invalid point (91, 0): latitude must be within [-90, 90]: 91
    >>> as_point("35.2, -80.8")
    Traceback (most recent call last):
    ...
    twintowns.errors.InvalidTypeError: a point must be a Place or a (latitude, longitude) pair, ...
    """
    # fast path: a pair of in-range floats (NaN fails the comparisons)
    if type(value) is tuple and len(value) == 2:
        lat, lon = value
        if (
            type(lat) is float
            and type(lon) is float
            and -90.0 <= lat <= 90.0
            and -180.0 <= lon <= 180.0
        ):
            return (lat, lon)
    if isinstance(value, Place):
        return (value.latitude, value.longitude)
    if isinstance(value, str | bytes | bytearray | Mapping | AbstractSet) or not hasattr(
        value, "__iter__"
    ):
        raise InvalidTypeError(
            "a point must be a Place or a (latitude, longitude) pair, "
            f"not {type(value).__name__}: {value!r}"
        )
    items = tuple(value)
    if len(items) != 2:
        raise InvalidValueError(
            f"a point must be a (latitude, longitude) pair, got {len(items)} values: {value!r}"
        )
    try:
        return (
            _coordinate(items[0], "latitude", 90),
            _coordinate(items[1], "longitude", 180),
        )
    except (TypeError, ValueError) as exc:
        raise _same_kind(exc)(f"invalid point {value!r}: {exc}") from None


def _named(value: object) -> object:
    """``value``, or the place of the bundled atlas that a name denotes.

    The bundled data is loaded here, on the first name, not at import.
    """
    if isinstance(value, str):
        from twintowns.dataset import load

        return load().place(value)
    return value


# --------------------------------------------------------------------------
# distances


def _haversine() -> Callable[..., float]:
    import haversine  # lazy: imports numpy when installed

    fn: Callable[..., float] = haversine.haversine
    return fn


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # the haversine package's formula and order of operations, in plain Python: the
    # very value haversine.haversine((lat1, lon1), (lat2, lon2)) returns (tests check it)
    lat1 = math.radians(lat1)
    lon1 = math.radians(lon1)
    lat2 = math.radians(lat2)
    lon2 = math.radians(lon2)
    d = (
        math.sin((lat2 - lat1) * 0.5) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) * 0.5) ** 2
    )
    return EARTH_RADIUS_KM * (2 * math.asin(math.sqrt(d)))


def _great_circle_km_from(lat: float, lon: float, points: Iterable[Sequence[float]]) -> list[float]:
    # _great_circle_km with lat1, lon1 fixed: the same operations in the same order
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    lat1 = radians(lat)
    lon1 = radians(lon)
    cos1 = cos(lat1)
    r = EARTH_RADIUS_KM
    return [
        r
        * (
            2
            * asin(
                sqrt(
                    sin((lat2 - lat1) * 0.5) ** 2
                    + cos1 * cos(lat2) * sin((radians(lon2) - lon1) * 0.5) ** 2
                )
            )
        )
        for lat2, lon2 in ((radians(a), b) for a, b in points)
    ]


def km_function() -> Callable[[float, float, float, float], float]:
    """The great-circle distance in km that :func:`distance` uses, as a function of
    ``(lat1, lon1, lat2, lon2)`` in degrees, for coordinates already validated.

    :mod:`twintowns.spatial` uses it for the distances it returns, so index
    queries and :func:`distance` agree to the last bit.

    >>> km = km_function()
    >>> km(51.5074, -0.1278, 48.8567, 2.3508) == distance((51.5074, -0.1278), (48.8567, 2.3508))
    True
    """
    return _great_circle_km


def km_from_function() -> Callable[[float, float, Iterable[Sequence[float]]], list[float]]:
    """The distances :func:`distance` gives from one point to many, as a function of
    ``(lat, lon, points)``: degrees, ``points`` a sequence of ``(latitude, longitude)``,
    all already validated.  One loop, the query's terms computed once: each value is
    the very one of ``distance((lat, lon), point)``.

    :mod:`twintowns.spatial` computes the distances it returns with it.

    >>> km_from = km_from_function()
    >>> km_from(0.0, 0.0, [(0.0, 1.0)]) == [distance((0.0, 0.0), (0.0, 1.0))]
    True
    """
    return _great_circle_km_from


def _geodesic_inverse() -> Callable[[float, float, float, float], float]:
    try:
        from geographiclib.geodesic import Geodesic
    except ImportError as exc:
        raise MissingDependencyError(
            "method='geodesic' needs the optional dependency geographiclib: "
            "pip install 'twintowns[geodesic]'"
        ) from exc
    wgs84 = Geodesic.WGS84
    mask = Geodesic.DISTANCE

    def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return float(wgs84.Inverse(lat1, lon1, lat2, lon2, mask)["s12"]) / 1000.0

    return km


def distance(
    a: PlaceOrPoint, b: PlaceOrPoint, *, unit: str = "km", method: str = "haversine"
) -> float:
    """Distance between two places, place names or ``(latitude, longitude)`` points.

    ``method="haversine"`` (default) is the great-circle distance on a sphere
    of the mean Earth radius (the ``haversine`` package's formula and value);
    ``method="geodesic"`` is the WGS-84 ellipsoidal distance via
    ``geographiclib``, the optional extra ``twintowns[geodesic]``.  Units:
    ``"km"``, ``"mi"``, ``"nmi"``, ``"m"``, ``"ft"``, ``"in"``, ``"rad"``,
    ``"deg"`` or a ``haversine.Unit`` member.

    >>> round(distance((51.5074, -0.1278), (48.8567, 2.3508)), 3)
    343.496
    >>> round(distance((51.5074, -0.1278), (48.8567, 2.3508), method="geodesic"), 3)
    343.862
    >>> distance((0, 0), (0, 180), unit="deg")
    180.0
    >>> round(distance("Charlotte", "Arequipa", unit="mi"))
    3619
    """
    pa = as_point(_named(a))
    pb = as_point(_named(b))
    factor = UNITS[parse_unit(unit)]
    if _parse_method(method) == "geodesic":
        return _geodesic_inverse()(pa[0], pa[1], pb[0], pb[1]) * factor
    km = _great_circle_km(pa[0], pa[1], pb[0], pb[1])
    return km if factor == 1.0 else km * factor


def bearing(a: PlaceOrPoint, b: PlaceOrPoint) -> float:
    """Initial great-circle bearing from ``a`` to ``b`` in degrees, in ``[0, 360)``.

    0 is north, 90 east.  The bearing from a point to itself is 0.

    >>> bearing((0, 0), (0, 10)), bearing((0, 0), (-10, 0))
    (90.0, 180.0)
    >>> round(bearing((35.2271, -80.8431), (-16.3989, -71.5350)), 2)
    168.7
    """
    lat1, lon1 = as_point(_named(a))
    lat2, lon2 = as_point(_named(b))
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    y = math.sin(dlon) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlon)
    if x == 0.0 and y == 0.0:
        return 0.0
    result = math.degrees(math.atan2(y, x)) % 360.0
    return 0.0 if result >= 360.0 else result + 0.0  # + 0.0 turns -0.0 into 0.0


# --------------------------------------------------------------------------
# great circles (for maps and GeoJSON lines)


def intermediate_points(a: PointLike, b: PointLike, n: int) -> list[tuple[float, float]]:
    """The ``n`` points that cut the great-circle arc from ``a`` to ``b`` into ``n + 1`` parts.

    Endpoints are not included; points are ``(latitude, longitude)`` in
    degrees, longitudes in ``[-180, 180]``.  The arc is the shorter one;
    antipodal points have no single shortest arc and raise ``ValueError``.

    >>> [(round(lat, 6), round(lon, 6)) for lat, lon in intermediate_points((0, 0), (0, 90), 2)]
    [(0.0, 30.0), (0.0, 60.0)]
    >>> [(round(lat, 1), round(lon, 1)) for lat, lon in intermediate_points((0, 170), (0, -170), 1)]
    [(0.0, 180.0)]
    >>> intermediate_points((0, 0), (0, 180), 3)
    Traceback (most recent call last):
    ...
    twintowns.errors.InvalidValueError: no unique great circle between antipodal points ...
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise InvalidTypeError(f"n must be an int, not {type(n).__name__}: {n!r}")
    if not 0 <= n <= MAX_INTERMEDIATE_POINTS:
        raise InvalidValueError(f"n must be within [0, {MAX_INTERMEDIATE_POINTS:,}]: {n!r}")
    pa, pb = as_point(a), as_point(b)
    va, vb = _unit_vector(pa), _unit_vector(pb)
    dot = sum(x * y for x, y in zip(va, vb, strict=True))
    cross = (
        va[1] * vb[2] - va[2] * vb[1],
        va[2] * vb[0] - va[0] * vb[2],
        va[0] * vb[1] - va[1] * vb[0],
    )
    angle = math.atan2(math.hypot(*cross), dot)  # accurate for tiny and large angles alike
    sin_angle = math.sin(angle)
    if angle == 0.0 or pa == pb:
        return [pa] * n
    if _antipodal(angle):
        raise InvalidValueError(f"no unique great circle between antipodal points {pa} and {pb}")
    out: list[tuple[float, float]] = []
    for i in range(1, n + 1):
        f = i / (n + 1)
        wa = math.sin((1.0 - f) * angle) / sin_angle
        wb = math.sin(f * angle) / sin_angle
        x, y, z = (wa * u + wb * v for u, v in zip(va, vb, strict=True))
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        lon = math.degrees(math.atan2(y, x))
        out.append((lat + 0.0, lon + 0.0))
    return out


def _antipodal(angle: float) -> bool:
    """Is the central ``angle`` (radians) so close to π that no shortest arc is defined?"""
    return angle > 1.0 and math.sin(angle) < 1e-12


def antipodal(a: PointLike, b: PointLike) -> bool:
    """Are ``a`` and ``b`` (numerically) antipodal: every great circle through them is
    shortest, so :func:`intermediate_points` refuses them?

    >>> antipodal((0, 0), (0, 180)), antipodal((10, 0), (-10, 179))
    (True, False)
    """
    va, vb = _unit_vector(as_point(a)), _unit_vector(as_point(b))
    dot = sum(x * y for x, y in zip(va, vb, strict=True))
    cross = (
        va[1] * vb[2] - va[2] * vb[1],
        va[2] * vb[0] - va[0] * vb[2],
        va[0] * vb[1] - va[1] * vb[0],
    )
    return _antipodal(math.atan2(math.hypot(*cross), dot))


def _unit_vector(point: tuple[float, float]) -> tuple[float, float, float]:
    phi, lam = math.radians(point[0]), math.radians(point[1])
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def split_antimeridian(points: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:  # noqa: C901 -- the RFC 7946 cut with its edge cases (points on ±180, repeated crossings) in one loop
    """Split a line of ``(latitude, longitude)`` points where it crosses the antimeridian.

    Two consecutive points more than 180° of longitude apart are taken to
    cross ±180°: the line is cut there and both pieces get an end point on
    the antimeridian (latitude interpolated linearly in degrees, as GeoJSON
    RFC 7946 §3.1.9 does).  Each piece stays within ``[-180, 180]``; a line
    that does not cross comes back as one piece.

    >>> split_antimeridian([(0.0, 170.0), (10.0, -170.0)])
    [[(0.0, 170.0), (5.0, 180.0)], [(5.0, -180.0), (10.0, -170.0)]]
    >>> split_antimeridian([(0.0, 10.0), (1.0, 20.0)])
    [[(0.0, 10.0), (1.0, 20.0)]]
    """
    if isinstance(points, str | bytes | Mapping) or not hasattr(points, "__iter__"):
        raise InvalidTypeError(
            f"points must be a sequence of (latitude, longitude) pairs: {points!r}"
        )
    checked: list[tuple[float, float]] = []
    for i, point in enumerate(points):
        try:
            checked.append(as_point(point))
        except (InvalidTypeError, InvalidValueError) as exc:
            raise _same_kind(exc)(f"points[{i}]: {exc}") from None
    pieces: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for lat, lon in checked:
        if current:
            lat0, lon0 = current[-1]
            if abs(lon) == abs(lon0) == 180.0:
                lon = lon0  # -180° and 180° are one meridian: no crossing
            if abs(lon - lon0) > 180.0:
                edge = 180.0 if lon0 > lon else -180.0
                unwrapped = lon + 360.0 if edge > 0 else lon - 360.0
                t = (edge - lon0) / (unwrapped - lon0)
                cross = lat0 + t * (lat - lat0)
                if current[-1] != (cross, edge):
                    current.append((cross, edge))
                pieces.append(current)
                current = [(cross, -edge)]
                if (lat, lon) == current[-1]:
                    continue
        current.append((lat, lon))
    pieces.append(current)
    if len(pieces) > 1:
        pieces = [piece for piece in pieces if len(piece) > 1]
    return pieces


def _pair_list(pairs: Iterable[object]) -> list[float]:
    """Flat ``[lat1, lon1, lat2, lon2, ...]`` of validated pairs."""
    flat: list[float] = []
    append = flat.extend
    if isinstance(pairs, str | bytes | Mapping) or not hasattr(pairs, "__iter__"):
        raise InvalidTypeError(f"pairs must be an iterable of pairs, not {pairs!r}")
    for i, pair in enumerate(pairs):
        if type(pair) is Partnership or isinstance(pair, Partnership):
            pa = pair.a
            pb = pair.b
            append((pa.latitude, pa.longitude, pb.latitude, pb.longitude))
            continue
        if isinstance(pair, str | bytes | Mapping) or not hasattr(pair, "__iter__"):
            raise InvalidTypeError(
                "pairs must hold Partnerships or (point, point) pairs, "
                f"but pairs[{i}] is {type(pair).__name__}: {pair!r}"
            )
        items = tuple(pair)
        if len(items) != 2:
            raise InvalidValueError(
                f"pairs[{i}] must be a (point, point) pair, got {len(items)} items: {pair!r}"
            )
        try:
            la, lo = as_point(_named(items[0]))
            lb, lob = as_point(_named(items[1]))
        except (TypeError, ValueError) as exc:
            raise _same_kind(exc)(f"pairs[{i}]: {exc}") from None
        append((la, lo, lb, lob))
    return flat


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def _distances_array(np: Any, array: Any, factor: float) -> list[float]:
    """Vectorised haversine over an ``(n, 2, 2)`` array, validated first."""
    if array.dtype.kind not in "iuf" or array.ndim != 3 or array.shape[1:] != (2, 2):
        raise InvalidValueError(
            "an array of pairs must have shape (n, 2, 2) and a numeric dtype, "
            f"not shape {array.shape} and dtype {array.dtype}"
        )
    values = array.astype(np.float64, copy=False)
    lat = values[:, :, 0]
    lon = values[:, :, 1]
    # a NaN makes max() NaN, and NaN <= 90 is false: two reductions check everything
    if values.size and not (np.abs(lat).max() <= 90.0 and np.abs(lon).max() <= 180.0):
        ok = np.isfinite(values).all(axis=2) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)
        i, j = (int(v) for v in np.argwhere(~ok)[0])
        point = tuple(float(v) for v in values[i, j])
        try:
            as_point(point)
        except (TypeError, ValueError) as exc:
            raise InvalidValueError(f"pairs[{i}][{j}]: {exc}") from None
        raise AssertionError(f"pairs[{i}][{j}] should be invalid: {point!r}")  # pragma: no cover
    rad = np.radians(values)
    return _kernel(np, rad[:, 0, 0], rad[:, 0, 1], rad[:, 1, 0], rad[:, 1, 1], factor)


def _kernel(np: Any, lat1: Any, lon1: Any, lat2: Any, lon2: Any, factor: float) -> list[float]:
    # the haversine package's formula, on radians
    d = (
        np.sin((lat2 - lat1) * 0.5) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) * 0.5) ** 2
    )
    result = (2.0 * EARTH_RADIUS_KM * factor) * np.arcsin(np.sqrt(d))
    out: list[float] = result.tolist()
    return out


def _columns_distances(columns: Columns, where: Any, factor: float = 1.0) -> list[float]:
    """Distances of the partnerships at positions ``where`` (None: every one) of
    ``columns``, times ``factor`` (km -> unit): the numbers :func:`distances` gives for
    those partnerships, computed from the coordinate columns."""
    import numpy as np

    a, b = columns.partnership["a"], columns.partnership["b"]
    if where is not None:
        a, b = a[where], b[where]
    lat = np.radians(columns.place["latitude"])
    lon = np.radians(columns.place["longitude"])
    return _kernel(np, lat[a], lon[a], lat[b], lon[b], factor)


def _columns_of(pairs: Iterable[object]) -> Columns | None:
    """The columns holding exactly ``pairs``, in order, when ``pairs`` is every
    partnership of an atlas (``atlas.partnerships``, or the tuple it builds), else None."""
    from twintowns.views import PartnershipView

    if isinstance(pairs, PartnershipView):
        return pairs.columns() if len(pairs) > 1 else None
    if type(pairs) is tuple and len(pairs) > 1:
        from twintowns.records import columns_for

        return columns_for(pairs)
    return None


def distances(pairs: Iterable[object], *, unit: str = "km") -> list[float]:
    """Haversine distances of many pairs at once, in the order given.

    ``pairs`` holds :class:`~twintowns.model.Partnership` objects and/or
    ``(point, point)`` pairs (each point a Place, ``(lat, lon)`` or a place
    name); a numpy
    array of shape ``(n, 2, 2)`` works too.  Vectorised with numpy when it is
    installed (the ``twintowns[numpy]`` extra), where results may differ from
    :func:`distance` in the last bits; a plain loop over the same formula
    otherwise.

    >>> [round(d, 1) for d in distances([((0, 0), (0, 1)), ((0, 0), (1, 0))], unit="km")]
    [111.2, 111.2]
    >>> distances([((0, 0), (0, 1, 2))])
    Traceback (most recent call last):
    ...
    twintowns.errors.InvalidValueError: pairs[0]: a point must be a (latitude, longitude) pair, ...
    """
    factor = UNITS[parse_unit(unit)]
    np = _numpy()
    if np is not None and isinstance(pairs, np.ndarray):
        return _distances_array(np, pairs, factor)
    if np is not None:
        columns = _columns_of(pairs)  # an atlas's partnerships: from its columns
        if columns is not None:
            return _columns_distances(columns, None, factor)
    flat = _pair_list(pairs)
    if not flat:
        return []
    if np is None:
        hav = _haversine()
        it = iter(flat)
        if factor == 1.0:
            return [hav((a, b), (c, d)) for a, b, c, d in zip(it, it, it, it, strict=True)]
        return [hav((a, b), (c, d)) * factor for a, b, c, d in zip(it, it, it, it, strict=True)]
    rad = np.radians(np.array(flat, dtype=np.float64).reshape(-1, 4))
    return _kernel(np, rad[:, 0], rad[:, 1], rad[:, 2], rad[:, 3], factor)


# --------------------------------------------------------------------------
# time


def _zone(value: object) -> zoneinfo.ZoneInfo:
    # an IANA key is a zone ("Europe/Paris", "UTC"); any other string names a place
    # ("Biel/Bienne" has a "/" but is no zone)
    if isinstance(value, str) and not valid_timezone(value):
        value = _named(value)
    key = value.timezone if isinstance(value, Place) else value
    if isinstance(key, zoneinfo.ZoneInfo):
        return key
    if not isinstance(key, str):
        raise InvalidTypeError(
            "expected a Place, a place name or an IANA time zone name such as "
            f"'Europe/Paris', not {type(value).__name__}: {value!r}"
        )
    if not valid_timezone(key):
        raise InvalidValueError(f"unknown IANA time zone: {key!r}")
    return zoneinfo.ZoneInfo(key)


def _instant(at: object) -> _dt.datetime:
    if at is None:
        return _dt.datetime.now(_dt.UTC)
    if not isinstance(at, _dt.datetime):
        raise InvalidTypeError(f"at must be an aware datetime, not {type(at).__name__}: {at!r}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidValueError(
            f"at must be an aware datetime, but {at!r} is naive: a naive datetime does not "
            "name an instant, so the offsets (which change with daylight saving time) are "
            "ambiguous; pass e.g. datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)"
        )
    return at


def time_difference(
    a: Place | str, b: Place | str, *, at: _dt.datetime | None = None
) -> _dt.timedelta:
    """UTC offset of ``b`` minus UTC offset of ``a`` at the instant ``at`` (default: now).

    ``a`` and ``b`` are Places, IANA time zone names (``"Asia/Shanghai"``,
    ``"UTC"``) or place names, resolved in the bundled atlas (a string that is
    an IANA key is a time zone, any other a place name).  Daylight
    saving time is taken into account, so the answer depends on ``at``, which
    must be an aware ``datetime``.

    >>> from datetime import datetime, timedelta, timezone
    >>> june = datetime(2026, 6, 15, 12, tzinfo=timezone.utc)
    >>> time_difference("America/New_York", "Asia/Shanghai", at=june) / timedelta(hours=1)
    12.0
    >>> print(time_difference("Asia/Shanghai", "Asia/Kolkata", at=june))
    -1 day, 21:30:00
    >>> time_difference("Charlotte", "Baoding", at=june) / timedelta(hours=1)
    12.0
    """
    instant = _instant(at)
    offset_a = _convert(instant, _zone(a)).utcoffset()
    offset_b = _convert(instant, _zone(b)).utcoffset()
    assert offset_a is not None and offset_b is not None
    return offset_b - offset_a


def local_time(place: Place | str, at: _dt.datetime | None = None) -> _dt.datetime:
    """The wall-clock time at ``place`` at instant ``at`` (default: now).

    ``place`` is a Place, a place name or an IANA time zone name, as for
    :func:`time_difference`.

    >>> from datetime import datetime, timezone
    >>> local_time("Asia/Shanghai", datetime(2026, 12, 1, 12, tzinfo=timezone.utc)).isoformat()
    '2026-12-01T20:00:00+08:00'
    """
    return _convert(_instant(at), _zone(place))


def _convert(instant: _dt.datetime, zone: zoneinfo.ZoneInfo) -> _dt.datetime:
    """``instant`` in ``zone``; an instant whose local time falls outside years 1–9999
    (the first and last hours of the calendar ``datetime`` knows) is refused."""
    try:
        return instant.astimezone(zone)
    except OverflowError:
        raise InvalidValueError(
            f"{instant.isoformat()} is too close to the limits of the calendar "
            f"(years 1 to 9999) to be shown in {zone.key}"
        ) from None
