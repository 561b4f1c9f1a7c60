"""A spatial index over places: nearest neighbours and radius queries.

The index works on arrays, not on objects: the places' coordinates (an
``(n, 2)`` float64 array, :meth:`twintowns.records.Records.coordinates` for
an :class:`~twintowns.Atlas`) become unit vectors on the sphere, and a query
first finds *candidates* by chord length between unit vectors, which grows
monotonically with great-circle distance.  Only the candidates get their exact
distance, computed with the very function :func:`twintowns.geography.distance`
uses (:func:`twintowns.geography.km_from_function`: km, mean Earth radius), so
results equal brute force to the last bit (for many candidates, the same
operations vectorised: numpy for the IEEE-exact ones, libm's sin, pow and asin
element by element); equal distances are ordered by place id.  The candidate
bound keeps a margin (``_SLACK_KM``) well above the rounding of either
computation, so no answer is ever missed.  Place objects are built only for
the answers.  There is no special case for the antimeridian or the poles
because the unit vectors have none.

Two ways to find candidates, with identical answers:

* ``"kdtree"``: :class:`scipy.spatial.cKDTree` over the unit vectors, when
  SciPy is installed (the optional extra ``twintowns[kdtree]``).  SciPy is
  the field's standard, well kept and tested, and its k-d tree answers
  k-nearest and ball queries in logarithmic time; its import costs a few
  hundred milliseconds, once per process, on the first query.  A single
  nearest place (``k=1``, the default) takes one ball query, several times
  cheaper per call than a k-nearest one: a table of *witnesses* built after
  the first few such queries (:class:`_Witnesses`: places near every point,
  looked up by latitude and longitude) bounds the nearest distance, and the
  ball of that radius holds every place that can be the answer.
* ``"grid"``: the fallback, numpy only.  Unit vectors are sorted by the key of
  their cell in a uniform 3-D grid; a query takes the cells of a box around
  it as contiguous slices of that order (``numpy.searchsorted``), growing the
  box until it holds the answer.

>>> from twintowns.model import Place
>>> places = [
...     Place(id="tt:a", name="A", country="FJ", latitude=-17.0, longitude=179.9),
...     Place(id="tt:b", name="B", country="FJ", latitude=-17.0, longitude=-179.9),
...     Place(id="tt:c", name="C", country="FJ", latitude=-17.0, longitude=178.0),
... ]
>>> index = SpatialIndex(places)
>>> [(p.id, round(km, 1)) for p, km in index.nearest((-17.0, -179.95), k=2)]
[('tt:b', 5.3), ('tt:a', 16.0)]
>>> [p.id for p, _ in index.within((-17.0, 180.0), 50)]
['tt:a', 'tt:b']
>>> SpatialIndex(places, backend="grid").nearest((-17.0, -179.95), k=2) == index.nearest(
...     (-17.0, -179.95), k=2)
True

An index does not change once built (a kind filter's own index is added on
first use, under a lock), so it can be shared between threads.
"""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol

from twintowns import lazy
from twintowns.errors import InvalidTypeError, InvalidValueError, MissingDependencyError
from twintowns.geography import EARTH_RADIUS_KM, PointLike, as_point, km_from_function
from twintowns.model import Place, PlaceKind

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from twintowns.columns import Columns

__all__ = ["BACKENDS", "SpatialIndex", "default_backend"]

#: The ways to find candidates: a SciPy k-d tree, or numpy alone.
BACKENDS: Final = ("kdtree", "grid")

# A distance can be off by ~1e-4 km near the antipode (haversine's asin) and a
# chord by a few ulps: candidates reach this much beyond what the answer needs.
_SLACK_KM: Final = 0.01
# a chord no pair of unit vectors reaches, even with rounding: "everything"
_ALL: Final = 4.0
# at most this many candidates get their distances in a Python loop, more in numpy
_FEW: Final = 40
# a radius query with at most this many candidates computes their distances and order in
# plain Python over the cached radians (_Radians: ~1.5x faster than the _FEW loop, which
# computes each place's radians and cosine again), more in numpy (measured per query
# over many: python 1.2x faster at 25-49 candidates, even at ~80, numpy 1.3x at 400)
_PYTHON_MAX: Final = 80
# the grid: about this many places per cell side, at most this many cells per axis
_GRID_DENSITY: Final = 10.0
_GRID_MAX: Final = 1024
# the single-nearest witnesses (_Witnesses): coarse cells of this many degrees of
# latitude (about square), fine buckets of this many degrees of latitude and longitude
_COARSE_DEG: Final = 4.0
_FINE_DEG: Final = 0.1
# ... for up to this many places; more add levels of finer buckets, each half the side
# of the last, down to _FINE_DEG times the square root of _FINE_PLACES / places (as many
# places per bucket where places are alike) and never below _FINE_MIN_DEG
_FINE_PLACES: Final = 25_000
_FINE_MIN_DEG: Final = 0.001
_COARSE_EPS: Final = 1.0
# a radius query with more answers than this makes its list of pairs with the cyclic GC
# paused (_GCPaused): each young collection it would trigger walks the pairs made so
# far, and their survival brings on full collections of every object of the process
_QUIET_GC_OVER: Final = 1000
# single-nearest queries of a _Points answered by a k-nearest query before its witnesses
# are built (~5 ms for the bundled atlas): the first nearest() does not pay for them
_WITNESS_AFTER: Final = 8


#: answers: source positions and their km, nearest first
_Answers = tuple[list[int], list[float]]

#: exact distances in km from a point to many: geography.km_from_function()
_KmFrom = Callable[[float, float, Sequence[Sequence[float]]], list[float]]


class _Source(Protocol):
    """What an index is built over: :class:`twintowns.records.Records` has it."""

    def coordinates(self) -> NDArray[np.float64]: ...

    def place(self, i: int) -> Place: ...

    def places_at(self, positions: list[int]) -> list[Place]: ...

    def all_places(self) -> Sequence[Place]: ...

    def columns(self) -> Columns: ...


def _kdtree_class() -> Any:
    """``scipy.spatial.cKDTree``, or None when SciPy is not installed."""
    try:
        from scipy.spatial import cKDTree
    except ImportError:
        return None
    return cKDTree


def default_backend() -> str:
    """``"kdtree"`` when SciPy is installed (the ``twintowns[kdtree]`` extra), else ``"grid"``."""
    return "grid" if _kdtree_class() is None else "kdtree"


def _parse_backend(backend: object) -> str:
    if backend is None:
        return default_backend()
    if not isinstance(backend, str):
        raise InvalidTypeError(
            f"backend must be 'kdtree', 'grid' or None, not {type(backend).__name__}: {backend!r}"
        )
    if backend not in BACKENDS:
        raise InvalidValueError(f"unknown backend {backend!r}: expected 'kdtree' or 'grid'")
    if backend == "kdtree" and _kdtree_class() is None:
        raise MissingDependencyError(
            "backend='kdtree' needs the optional dependency scipy: pip install 'twintowns[kdtree]'"
        )
    return backend


def _chord_to_km(chord: float) -> float:
    """Great-circle distance (km) of a chord of the unit sphere."""
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, chord / 2.0))


def _km_to_chord(km: float) -> float:
    """The chord of a great-circle distance; :data:`_ALL` from half the circumference on."""
    angle = km / EARTH_RADIUS_KM
    return _ALL if angle >= math.pi else 2.0 * math.sin(angle / 2.0)


def _bound(chord: float) -> float:
    """Every place at most as far as one at ``chord`` lies within the returned chord."""
    return _km_to_chord(_chord_to_km(chord) + _SLACK_KM)


def _unit_vector(lat: float, lon: float) -> list[float]:
    phi = math.radians(lat)
    lam = math.radians(lon)
    c = math.cos(phi)
    return [c * math.cos(lam), c * math.sin(lam), math.sin(phi)]


def _unit_vectors(coordinates: NDArray[np.float64]) -> NDArray[np.float64]:
    import numpy as np

    rad = np.radians(coordinates)
    c = np.cos(rad[:, 0])
    return np.column_stack((c * np.cos(rad[:, 1]), c * np.sin(rad[:, 1]), np.sin(rad[:, 0])))


class _Tree:
    """Candidates from a SciPy k-d tree over the unit vectors."""

    __slots__ = ("n", "tree")

    def __init__(self, xyz: NDArray[np.float64]) -> None:
        self.n = len(xyz)
        # a sliding-midpoint tree builds several times faster than a balanced one
        self.tree = _kdtree_class()(xyz, balanced_tree=False, compact_nodes=False)

    def nearest(self, q: list[float], k: int) -> NDArray[np.intp] | list[int]:
        # a few more than k: most often the whole candidate set in one query
        want = min(self.n, 2 * k + 2)
        if want == 1:
            return [0]
        chords, found = self.tree.query(q, k=want)
        chord_list: list[float] = chords.tolist()
        bound = _bound(chord_list[k - 1])
        if want == self.n or chord_list[-1] > bound:
            return [j for c, j in zip(chord_list, found.tolist(), strict=True) if c <= bound]
        return self.within(q, bound)

    def nearest_one(self, q: list[float], km: float) -> list[int]:
        """Every place that can be the nearest of ``q``, given a place ``km`` from it."""
        found: list[int] = self.tree.query_ball_point(q, _km_to_chord(km + _SLACK_KM))
        return found

    def within(self, q: list[float], chord: float) -> NDArray[np.intp] | list[int]:
        import numpy as np

        if chord >= _ALL:
            return np.arange(self.n)
        found: list[int] = self.tree.query_ball_point(q, chord, return_sorted=True)
        return found


class _Witnesses:
    """Places near any point, found in pure Python: a bound on its nearest distance.

    A *witness* of a point is any place: the point's nearest place is at most as
    far as the witness, so one ball query of that radius (plus :data:`_SLACK_KM`)
    holds every place that can be the answer, ties included.  The table never
    decides an answer, it only keeps that ball small: a coarse cell (rows of
    :data:`_COARSE_DEG` degrees, about square, fewer towards the poles) keeps the
    nearest place of its centre, found in one vectorised k-d tree query at build
    time; a fine bucket keeps one of the places inside it, if any.  Over many places
    the fine buckets are levels (:func:`_fine_steps`), each half the side of the next:
    the finest level with a place around the point gives its witnesses, so the ball
    they bound holds about as many places at any density.  Cells and buckets are
    looked up by latitude and longitude; a point
    on a boundary (the poles, +-180 degrees) goes to either side: any place is a
    correct witness, only a nearer one is a faster one.
    """

    __slots__ = (
        "coarse",
        "columns",
        "lats",
        "levels",
        "lons",
        "offsets",
        "rows",
    )

    def __init__(self, coordinates: NDArray[np.float64], tree: _Tree) -> None:
        import numpy as np

        step = _COARSE_DEG
        self.rows = rows = round(180.0 / step)
        south = -90.0 + step * np.arange(rows)
        north = south + step
        equatorward = np.where(
            (south < 0.0) & (north > 0.0), 0.0, np.minimum(np.abs(south), np.abs(north))
        )
        columns = np.maximum(1, np.ceil(360.0 / step * np.cos(np.radians(equatorward))))
        columns = columns.astype(np.int64)
        offsets = np.cumsum(columns) - columns
        row_of = np.repeat(np.arange(rows), columns)
        width = 360.0 / columns[row_of]
        centres = np.column_stack(
            (
                south[row_of] + step * 0.5,
                -180.0 + (np.arange(len(row_of)) - offsets[row_of] + 0.5) * width,
            )
        )
        # approximate nearest places (at most twice as far as the nearest): a witness
        # need not be the nearest, and the exact query costs more far from every place
        _, nearest = tree.tree.query(_unit_vectors(centres), k=1, eps=_COARSE_EPS)
        # flat lists of floats: no object per place (a witness's pair is made when used)
        self.lats: list[float] = coordinates[:, 0].tolist()
        self.lons: list[float] = coordinates[:, 1].tolist()
        self.coarse: list[int] = nearest.tolist()
        self.columns: list[int] = columns.tolist()
        self.offsets: list[int] = offsets.tolist()
        # one witness per bucket: the last place in it (any one would do)
        #: (1 / side, buckets per row, place of each bucket), finest first
        self.levels: list[tuple[float, int, dict[int, int]]] = []
        for step in _fine_steps(len(coordinates)):
            scale = 1.0 / step
            per_row = round(360.0 / step) + 1  # +1: longitude 180 has its own
            keys = _fine_keys(coordinates, scale, per_row).tolist()
            self.levels.append((scale, per_row, dict(zip(keys, range(len(keys)), strict=True))))

    def of(self, lat: float, lon: float) -> list[tuple[float, float]]:
        """``(latitude, longitude)`` of one or two places near ``(lat, lon)``."""
        row = int((lat + 90.0) * (1.0 / _COARSE_DEG))
        if row >= self.rows:
            row = self.rows - 1
        columns = self.columns[row]
        col = int((lon + 180.0) * columns / 360.0)
        if col >= columns:
            col = columns - 1
        found: list[int] = []
        for scale, per_row, buckets in self.levels:
            get = buckets.get
            key = int((lat + 90.0) * scale) * per_row + int((lon + 180.0) * scale)
            own = get(key)
            if own is not None:  # a place in the point's own bucket: near enough
                found = [own]
                break
            # else the eight neighbours (across +-180 degrees of longitude they are
            # other buckets, or none: any witness is correct)
            found = [
                j
                for near in (key - per_row, key, key + per_row)
                for j in (get(near - 1), get(near), get(near + 1))
                if j is not None
            ]
            if found:
                break
        else:
            found.append(self.coarse[self.offsets[row] + col])
        lats, lons = self.lats, self.lons
        return [(lats[j], lons[j]) for j in found]


def _roughly_nearest(
    lat: float, lon: float, points: list[tuple[float, float]]
) -> tuple[float, float]:
    """The point of ``points`` (a few, near ``(lat, lon)``) nearest on a flat map scaled
    by the cosine of the latitude: no trigonometry per point.  Any of them bounds the
    nearest place's distance (a witness need not be the nearest): this picks a tight
    bound for one exact distance instead of computing each one's."""
    scale = math.cos(math.radians(lat))
    best, found = math.inf, points[0]
    for point in points:
        north = point[0] - lat
        east = abs(point[1] - lon)
        if east > 180.0:
            east = 360.0 - east
        east *= scale
        d = north * north + east * east
        if d < best:
            best, found = d, point
    return found


def _fine_steps(n: int) -> list[float]:
    """The sides in degrees of the witnesses' levels of fine buckets over ``n`` places,
    finest first: :data:`_FINE_DEG` alone up to :data:`_FINE_PLACES` places, then
    halved while the side stays at least ``_FINE_DEG * sqrt(_FINE_PLACES / n)``."""
    finest = _FINE_DEG if n <= _FINE_PLACES else _FINE_DEG * math.sqrt(_FINE_PLACES / n)
    finest = max(_FINE_MIN_DEG, finest)
    steps = [_FINE_DEG]
    while steps[-1] / 2.0 >= finest:
        steps.append(steps[-1] / 2.0)
    return steps[::-1]


def _fine_keys(coordinates: NDArray[np.float64], scale: float, columns: int) -> NDArray[np.int64]:
    """The fine bucket of every place, computed as :meth:`_Witnesses.of` does."""
    import numpy as np

    rows = ((coordinates[:, 0] + 90.0) * scale).astype(np.int64)
    cols = ((coordinates[:, 1] + 180.0) * scale).astype(np.int64)
    out: NDArray[np.int64] = rows * columns + cols
    return out


class _Grid:
    """Candidates from a uniform 3-D grid of cubes over the unit vectors, numpy only."""

    __slots__ = ("keys", "m", "n", "order", "size", "xyz")

    def __init__(self, xyz: NDArray[np.float64]) -> None:
        import numpy as np

        self.n = n = len(xyz)
        self.xyz = xyz
        # about _GRID_DENSITY places per occupied cell if they were spread evenly
        # (a sphere of radius 1 meets about 4.7 m² of the m³ cells)
        self.m = m = int(min(_GRID_MAX, max(1, round(math.sqrt(n / (4.7 * _GRID_DENSITY))))))
        self.size = 2.0 / m
        cells = np.clip(np.floor((xyz + 1.0) / self.size), 0, m - 1).astype(np.int64)
        keys = (cells[:, 0] * m + cells[:, 1]) * m + cells[:, 2]
        self.order: NDArray[np.intp] = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]

    def _box(self, q: list[float], half: float) -> NDArray[np.intp] | None:
        """Every place whose unit vector is within ``half`` of ``q`` on each axis (and
        perhaps more), or None when the box holds most of the grid."""
        import numpy as np

        m, size = self.m, self.size
        top = m - 1
        lo = [min(top, max(0, math.floor((v - half + 1.0) / size))) for v in q]
        hi = [min(top, max(0, math.floor((v + half + 1.0) / size))) for v in q]
        nx, ny = hi[0] - lo[0] + 1, hi[1] - lo[1] + 1
        if nx * ny * 4 > m * m:
            return None
        # the cells of one (x, y) column of the box are one slice of the sorted keys
        columns = (
            (np.arange(lo[0], hi[0] + 1)[:, None] * m + np.arange(lo[1], hi[1] + 1)[None, :]) * m
        ).ravel()
        ends = np.searchsorted(self.keys, np.concatenate((columns + lo[2], columns + hi[2] + 1)))
        starts, ends = ends[: len(columns)], ends[len(columns) :]
        if len(columns) <= 16:
            order = self.order
            out: NDArray[np.intp] = np.concatenate(
                [order[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
            )
            return out
        lengths = ends - starts
        total = int(lengths.sum())
        offsets = np.cumsum(lengths) - lengths
        out = self.order[np.arange(total) + np.repeat(starts - offsets, lengths)]
        return out

    def _chords(self, q: list[float], found: NDArray[np.intp] | None) -> Any:
        import numpy as np

        diff = (self.xyz if found is None else self.xyz[found]) - q
        return np.sqrt(np.einsum("ij,ij->i", diff, diff))

    def nearest(self, q: list[float], k: int) -> NDArray[np.intp]:
        import numpy as np

        half = self.size * 0.5
        while True:
            found = self._box(q, half)
            if found is None or len(found) >= k:
                chords = self._chords(q, found)
                bound = _bound(float(np.partition(chords, k - 1)[k - 1]))
                # every place within `bound` of q is in a box of half-width `bound`
                if found is None or bound <= half:
                    keep = np.flatnonzero(chords <= bound)
                    out: NDArray[np.intp] = keep if found is None else found[keep]
                    return out
                half = bound
            else:
                half *= 2.0

    def within(self, q: list[float], chord: float) -> NDArray[np.intp]:
        import numpy as np

        found = None if chord >= _ALL else self._box(q, chord)
        keep = np.flatnonzero(self._chords(q, found) <= chord)
        out: NDArray[np.intp] = keep if found is None else found[keep]
        return out


class _Radians:
    """The places' latitude and longitude in radians and the cosine of the latitude,
    as :func:`twintowns.geography.distance` computes them (``radians()`` multiplies by
    pi/180 in both numpy and math: IEEE-exact, the same value; the cosine is
    ``math.cos``): numpy arrays, and views of the same memory that index to Python
    floats for the plain-Python path (no copy: nothing more to keep)."""

    __slots__ = ("cos", "cos_view", "lat", "lat_view", "lon", "lon_view")

    def __init__(self, coordinates: NDArray[np.float64]) -> None:
        import numpy as np

        self.lat = np.ascontiguousarray(np.radians(coordinates[:, 0]))
        self.lon = np.ascontiguousarray(np.radians(coordinates[:, 1]))
        self.cos = np.array([math.cos(v) for v in self.lat.tolist()], dtype=np.float64)
        self.lat_view = _floats(self.lat)
        self.lon_view = _floats(self.lon)
        self.cos_view = _floats(self.cos)


def _floats(array: NDArray[np.float64]) -> Sequence[float]:
    """A 1-D float64 array as a sequence of Python floats, sharing its memory."""
    return array.data.cast("B").cast("d")


class _Points:
    """Some of an index's places: coordinates, unit vectors and a candidate finder.

    Point ``j`` is the source's place ``positions[j]`` (``j`` itself when
    ``positions`` is None); equal distances go by ``ranks[j]`` (by position
    when ``ranks`` is None: an atlas's places are sorted by unique id).
    """

    __slots__ = (
        "_cache",
        "_lock",
        "_single",
        "_witnesses",
        "coordinates",
        "finder",
        "n",
        "positions",
        "ranks",
    )

    def __init__(
        self,
        coordinates: NDArray[np.float64],
        positions: NDArray[np.intp] | None,
        ranks: NDArray[np.intp] | None,
        backend: str,
    ) -> None:
        self.n = len(coordinates)
        self.coordinates = coordinates
        self.positions = positions
        self.ranks = ranks
        self.finder: _Tree | _Grid | None = None
        self._witnesses: _Witnesses | None = None
        self._single = 0  # single-nearest queries before the witnesses (a benign race)
        self._lock = threading.Lock()
        self._cache: _Radians | None = None
        if self.n:
            xyz = _unit_vectors(coordinates)
            self.finder = _Tree(xyz) if backend == "kdtree" else _Grid(xyz)

    def _radians(self) -> _Radians:
        """The places' radians and cosines of latitude, computed on first need, once."""
        cached = self._cache
        if cached is None:
            cached = lazy.attribute(self, "_cache", self._lock, self._make_radians)
        return cached

    def _make_radians(self) -> _Radians:
        return _Radians(self.coordinates)

    def _km_many(self, lat: float, lon: float, js: NDArray[np.intp]) -> NDArray[np.float64]:
        """Exact km to the places ``js``: geography's haversine operation by operation.

        The IEEE-exact operations (``+ - *``, ``sqrt``, ``radians``) run in numpy;
        sin, the square (libm's ``pow``) and asin, whose numpy versions may differ
        from libm's in the last bit, go through the very Python functions
        :func:`twintowns.geography.distance` calls, element by element.
        """
        import numpy as np

        f64 = np.float64
        n = len(js)
        radians = self._radians()
        lat2, lon2, cos2 = radians.lat, radians.lon, radians.cos
        lat1 = math.radians(lat)
        lon1 = math.radians(lon)
        cos1 = math.cos(lat1)
        sin, pow_, two = math.sin, math.pow, itertools.repeat(2.0)
        # libm through map() over lists of floats: no object array, no Python loop
        a = np.fromiter(map(pow_, map(sin, ((lat2[js] - lat1) * 0.5).tolist()), two), f64, n)
        b = np.fromiter(map(pow_, map(sin, ((lon2[js] - lon1) * 0.5).tolist()), two), f64, n)
        d = np.sqrt(a + (cos1 * cos2[js]) * b)
        out: NDArray[np.float64] = EARTH_RADIUS_KM * (
            2.0 * np.fromiter(map(math.asin, d.tolist()), f64, n)
        )
        return out

    def _rows(
        self,
        lat: float,
        lon: float,
        found: NDArray[np.intp] | list[int],
        km: _KmFrom,
        radius_km: float | None = None,
        k: int | None = None,
    ) -> _Answers:
        """The source positions and exact km of the candidates ``found``, nearest first
        (equal distances by rank): those at most ``radius_km`` away, the first ``k``."""
        js = found if isinstance(found, list) else found.tolist()
        if len(js) <= _FEW:  # a few: item by item beats numpy's fixed costs
            item = self.coordinates.item
            dist = km(lat, lon, [(item(j, 0), item(j, 1)) for j in js])
            positions = js if self.positions is None else self.positions[js].tolist()
            ranks = positions if self.ranks is None else self.ranks[js].tolist()
            rows = list(zip(dist, ranks, positions, strict=True))
            if radius_km is not None:
                rows = [row for row in rows if row[0] <= radius_km]
            rows.sort()
            rows = rows[:k]
            return [i for _, _, i in rows], [d for d, _, _ in rows]
        import numpy as np

        idx = np.asarray(found, dtype=np.intp)
        if self.ranks is None:
            idx = np.sort(idx)  # most often sorted already: cheap
        km_all = self._km_many(lat, lon, idx)
        if radius_km is not None:
            keep = np.flatnonzero(km_all <= radius_km)
            idx, km_all = idx[keep], km_all[keep]
        if self.ranks is None:
            # the rank is the position, increasing with the point: a stable sort of the
            # points in order keeps equal distances by rank, faster than a two-key sort
            order = np.argsort(km_all, kind="stable")[:k]
        else:
            order = np.lexsort((self.ranks[idx], km_all))[:k]
        positions = idx if self.positions is None else self.positions[idx]
        return positions[order].tolist(), km_all[order].tolist()

    def nearest(self, lat: float, lon: float, k: int, km: _KmFrom) -> _Answers:
        """The ``k`` nearest: their source positions and km, nearest first."""
        k = min(k, self.n)
        if self.finder is None or k == 0:
            return [], []
        finder = self.finder
        if k == 1 and isinstance(finder, _Tree):
            if self._witnesses is not None:
                return self._nearest_one(lat, lon, km, finder)
            # the first few ask for k nearest: a first query does not wait for the table
            self._single += 1
            if self._single > _WITNESS_AFTER:
                return self._nearest_one(lat, lon, km, finder)
        return self._rows(lat, lon, finder.nearest(_unit_vector(lat, lon), k), km, k=k)

    def _nearest_one(self, lat: float, lon: float, km: _KmFrom, finder: _Tree) -> _Answers:
        """The nearest place: one ball query around the point, as wide as the nearest
        of its witnesses is far (no k-nearest query: SciPy's costs several ball queries)."""
        witnesses = self._witnesses
        if witnesses is None:
            witnesses = lazy.attribute(self, "_witnesses", self._lock, self._make_witnesses)
        near = witnesses.of(lat, lon)
        if len(near) > 1:
            near = [_roughly_nearest(lat, lon, near)]
        bound = km(lat, lon, near)[0]
        found = finder.nearest_one(_unit_vector(lat, lon), bound)
        positions, ranks = self.positions, self.ranks
        if len(found) == 1:
            # alone in the ball: the nearest witness itself, whose km is `bound`
            j = found[0]
            return [j if positions is None else positions.item(j)], [bound]
        lats, lons = witnesses.lats, witnesses.lons
        kms = km(lat, lon, [(lats[j], lons[j]) for j in found])
        at = found if positions is None else [positions.item(j) for j in found]
        by = at if ranks is None else [ranks.item(j) for j in found]
        best, _, i = min(zip(kms, by, at, strict=True))
        return [i], [best]

    def _make_witnesses(self) -> _Witnesses:
        assert isinstance(self.finder, _Tree)
        return _Witnesses(self.coordinates, self.finder)

    def within(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        km: _KmFrom,
    ) -> _Answers:
        """Every place at most ``radius_km`` away: source positions and km, nearest first."""
        if self.finder is None:
            return [], []
        found = self.finder.within(_unit_vector(lat, lon), _km_to_chord(radius_km + _SLACK_KM))
        if len(found) <= _PYTHON_MAX:
            js = found if isinstance(found, list) else found.tolist()
            return self._within_python(lat, lon, js, radius_km)
        return self._rows(lat, lon, found, km, radius_km=radius_km)

    def _km_python(self, lat: float, lon: float, js: list[int]) -> list[float]:
        """Exact km to the places ``js``: geography's haversine operation by operation
        (:func:`twintowns.geography.km_from_function`), in plain Python over the cached
        radians and cosines, the very values it computes for each place."""
        radians = self._radians()
        lat2, lon2, cos2 = radians.lat_view, radians.lon_view, radians.cos_view
        sin, asin, sqrt = math.sin, math.asin, math.sqrt
        lat1 = math.radians(lat)
        lon1 = math.radians(lon)
        cos1 = math.cos(lat1)
        r = EARTH_RADIUS_KM
        return [
            r
            * (
                2
                * asin(
                    sqrt(
                        sin((lat2[j] - lat1) * 0.5) ** 2
                        + cos1 * cos2[j] * sin((lon2[j] - lon1) * 0.5) ** 2
                    )
                )
            )
            for j in js
        ]

    def _within_python(self, lat: float, lon: float, js: list[int], radius_km: float) -> _Answers:
        """:meth:`_rows` for a radius query, without numpy: its fixed costs outweigh
        its loops over a few hundred candidates."""
        ranks = self.ranks
        # candidates in rank order, then a stable sort by km: equal distances by rank
        # (without ranks, the point's order is the position's, i.e. the place id's)
        js = sorted(js) if ranks is None else sorted(js, key=ranks.item)
        kms = self._km_python(lat, lon, js)
        order = sorted(range(len(js)), key=kms.__getitem__)
        ordered = list(map(kms.__getitem__, order))
        cut = bisect.bisect_right(ordered, radius_km)
        found = list(map(js.__getitem__, order[:cut]))
        positions = self.positions
        if positions is not None:
            found = list(map(positions.item, found))
        return found, ordered[:cut]


def _parse_kind(kind: object) -> PlaceKind | None:
    if kind is None or isinstance(kind, PlaceKind):
        return kind
    try:
        return PlaceKind(str(kind))
    except ValueError:
        allowed = ", ".join(m.value for m in PlaceKind)
        raise InvalidValueError(f"unknown place kind {kind!r}: expected one of {allowed}") from None


class _PlaceList:
    """A sequence of places as an index source."""

    __slots__ = ("places",)

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = places

    def coordinates(self) -> NDArray[np.float64]:
        import numpy as np

        array = np.array([(p.latitude, p.longitude) for p in self.places], dtype=np.float64)
        return array.reshape(len(self.places), 2)

    def place(self, i: int) -> Place:
        return self.places[i]

    def places_at(self, positions: list[int]) -> list[Place]:
        return list(map(self.places.__getitem__, positions))

    def all_places(self) -> Sequence[Place]:
        return self.places

    def columns(self) -> Columns:  # pragma: no cover - never asked: places have no columns
        raise NotImplementedError


class SpatialIndex:
    """Nearest-neighbour and radius queries over a fixed collection of places.

    Build it once and query it many times; it never changes afterwards.
    Places are not deduplicated: give each place once.  ``backend`` chooses
    how candidates are found (``"kdtree"`` needs SciPy, ``"grid"`` numpy
    alone; by default the k-d tree when SciPy is installed); the answers are
    the same either way.
    """

    __slots__ = ("_all", "_backend", "_by_kind", "_km", "_lock", "_source")

    def __init__(self, places: Iterable[Place], *, backend: str | None = None) -> None:
        items: list[Place] = []
        for i, place in enumerate(places):
            if not isinstance(place, Place):
                raise InvalidTypeError(
                    f"a SpatialIndex holds Places, but item {i} is "
                    f"{type(place).__name__}: {place!r}"
                )
            items.append(place)
        # equal distances go by id, then by position (as a stable sort would)
        import numpy as np

        by_id = sorted(range(len(items)), key=lambda i: (items[i].id, i))
        ranks = np.empty(len(items), dtype=np.intp)
        ranks[by_id] = np.arange(len(items))
        self._setup(_PlaceList(items), ranks, backend)

    @classmethod
    def _from_records(cls, records: _Source, *, backend: str | None = None) -> SpatialIndex:
        """An index over an atlas's records: their places are sorted by unique id,
        so a place's position is its rank; no Place is built until it is an answer."""
        index = cls.__new__(cls)
        index._setup(records, None, backend)
        return index

    def _setup(self, source: _Source, ranks: NDArray[np.intp] | None, backend: str | None) -> None:
        self._backend = _parse_backend(backend)
        self._source = source
        self._all = _Points(source.coordinates(), None, ranks, self._backend)
        self._by_kind: dict[PlaceKind, _Points] | None = None
        self._lock = threading.Lock()
        self._km: _KmFrom = km_from_function()

    @property
    def backend(self) -> str:
        """``"kdtree"`` or ``"grid"``: how this index finds candidates."""
        return self._backend

    def __len__(self) -> int:
        return self._all.n

    def __repr__(self) -> str:
        return f"<SpatialIndex of {self._all.n} places ({self._backend})>"

    def _kind_points(self, kind: PlaceKind) -> _Points | None:
        """The index's places of one kind; the first call reads every place's kind
        (for an atlas, from its kind column)."""
        by_kind = self._by_kind
        if by_kind is None:
            by_kind = lazy.attribute(self, "_by_kind", self._lock, self._split_by_kind)
        return by_kind.get(kind)

    def _split_by_kind(self) -> dict[PlaceKind, _Points]:
        import numpy as np

        source = self._source
        if isinstance(source, _PlaceList):
            kinds = np.array([p.kind.value for p in source.places])
            members: list[tuple[PlaceKind, object]] = [
                (member, member.value) for member in PlaceKind
            ]
        else:
            from twintowns.columns import PLACE_KINDS

            # the kind column: codes in PLACE_KINDS order, no Place built
            kinds = source.columns().place["kind"]
            members = [(member, code) for code, member in enumerate(PLACE_KINDS)]
        everything = self._all
        by_kind = {}
        for member, value in members:
            (keep,) = np.nonzero(kinds == value)
            if len(keep):
                by_kind[member] = _Points(
                    everything.coordinates[keep],
                    keep,
                    None if everything.ranks is None else everything.ranks[keep],
                    self._backend,
                )
        return by_kind

    def nearest(
        self, point: PointLike, *, k: int = 1, kind: PlaceKind | str | None = None
    ) -> list[tuple[Place, float]]:
        """The ``k`` places nearest to ``point`` as ``(place, km)``, nearest first.

        Equal distances are ordered by place id.  ``kind`` (a
        :class:`~twintowns.model.PlaceKind` or its value) keeps only places of
        that kind.  Fewer than ``k`` results when there are fewer places.
        """
        if isinstance(k, bool) or not isinstance(k, int):
            raise InvalidTypeError(f"k must be an int, not {type(k).__name__}: {k!r}")
        if k < 1:
            raise InvalidValueError(f"k must be at least 1: {k!r}")
        lat, lon = as_point(point)
        wanted = _parse_kind(kind)
        points = self._all if wanted is None else self._kind_points(wanted)
        if points is None:
            return []
        positions, kms = points.nearest(lat, lon, k, self._km)
        if len(positions) == 1:
            return [(self._source.place(positions[0]), kms[0])]
        return list(zip(map(self._source.place, positions), kms, strict=True))

    def within(self, point: PointLike, radius_km: float) -> list[tuple[Place, float]]:
        """Every place at most ``radius_km`` km from ``point`` as ``(place, km)``, nearest first.

        Equal distances are ordered by place id.
        """
        if isinstance(radius_km, bool) or not isinstance(radius_km, int | float):
            raise InvalidTypeError(
                f"radius_km must be a number, not {type(radius_km).__name__}: {radius_km!r}"
            )
        try:
            finite = math.isfinite(radius_km)
        except OverflowError:  # an int beyond float's range
            finite = False
        if not finite or radius_km < 0:
            raise InvalidValueError(f"radius_km must be finite and >= 0: {radius_km!r}")
        lat, lon = as_point(point)
        positions, kms = self._all.within(lat, lon, float(radius_km), self._km)
        if len(positions) > _QUIET_GC_OVER:
            from twintowns.records import _GCPaused

            # thousands of new, cycle-free pairs: no collection walks the heap for them
            with _GCPaused():
                return list(zip(self._source.places_at(positions), kms, strict=True))
        return list(zip(self._source.places_at(positions), kms, strict=True))
