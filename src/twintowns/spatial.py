"""A spatial index over places: nearest neighbours and radius queries.

Places are mapped to unit vectors on the sphere and bucketed in a uniform 3-D
grid.  A query visits only the grid cells near the query point: the chord
length between unit vectors grows monotonically with great-circle distance,
so once every cell within chord ``r`` has been visited, nothing unvisited can
be nearer than the great-circle distance of chord ``r``.  There is no special
case for the antimeridian or the poles because the unit vectors have none.

Distances are computed with the very function :func:`twintowns.geography.distance`
uses (km, mean Earth radius), so results equal brute force to the last bit;
ties are broken by place id.

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

An index is immutable once built, so it can be shared between threads.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from typing import Final

from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.geography import EARTH_RADIUS_KM, PointLike, _km_function, as_point
from twintowns.model import Place, PlaceKind

__all__ = ["SpatialIndex"]

# A distance can be off by ~1e-4 km near the antipode (haversine's asin); stay
# well clear of that when deciding that no unvisited cell can hold an answer.
_SLACK_KM: Final = 0.01
_TARGET_PER_CELL: Final = 2.0
# Far from every place (mid-ocean) the fine grid's shells are mostly empty cells: after
# this many shells a query moves to a grid with cells _COARSE times larger.
_FINE_SHELLS: Final = 3
_COARSE: Final = 5
_COARSE_MIN_PLACES: Final = 1000


def _unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi = math.radians(lat)
    lam = math.radians(lon)
    c = math.cos(phi)
    return (c * math.cos(lam), c * math.sin(lam), math.sin(phi))


def _chord_to_km(chord: float) -> float:
    """Great-circle distance (km) of a chord of the unit sphere."""
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, chord / 2.0))


def _km_to_chord(km: float) -> float:
    angle = km / EARTH_RADIUS_KM
    return 2.0 if angle >= math.pi else 2.0 * math.sin(angle / 2.0)


class _Grid:
    """Places bucketed by unit vector in cubes of side ``size``."""

    __slots__ = (
        "cells",
        "coarse",
        "imax",
        "imin",
        "lats",
        "lons",
        "n",
        "order",
        "places",
        "size",
        "span",
    )

    def __init__(self, items: list[tuple[int, Place]], size: float | None = None) -> None:
        self.n = len(items)
        self.places: tuple[Place, ...] = tuple(p for _, p in items)
        # position in the original sequence: the last tie-breaker, as in a stable sort
        self.order: tuple[int, ...] = tuple(i for i, _ in items)
        self.lats: tuple[float, ...] = tuple(p.latitude for p in self.places)
        self.lons: tuple[float, ...] = tuple(p.longitude for p in self.places)
        # about _TARGET_PER_CELL places per occupied cell if they were spread evenly;
        # a sphere of radius 1 meets about 1.5 * 4π / size² cubes of side `size`
        occupied = max(1.0, self.n / _TARGET_PER_CELL)
        top = size is None  # a grid of its own choosing gets a coarse companion
        if size is None:
            size = min(2.0, max(1e-3, math.sqrt(6.0 * math.pi / occupied)))
        self.size = size
        self.imin = math.floor(-1.0 / self.size)
        self.imax = math.floor(1.0 / self.size)
        self.span = self.imax - self.imin + 1
        cells: dict[int, list[int]] = {}
        for j in range(self.n):
            key = self._key(*self._cell(_unit_vector(self.lats[j], self.lons[j])))
            cells.setdefault(key, []).append(j)
        self.cells: dict[int, tuple[int, ...]] = {k: tuple(v) for k, v in cells.items()}
        # same places in the same order, so local indexes agree between the two grids
        self.coarse: _Grid | None = (
            _Grid(items, min(2.0, size * _COARSE))
            if top and self.n >= _COARSE_MIN_PLACES and size * _COARSE < 2.0
            else None
        )

    def _cell(self, v: tuple[float, float, float]) -> tuple[int, int, int]:
        s = self.size
        lo, hi = self.imin, self.imax
        return (
            min(hi, max(lo, math.floor(v[0] / s))),
            min(hi, max(lo, math.floor(v[1] / s))),
            min(hi, max(lo, math.floor(v[2] / s))),
        )

    def _key(self, ix: int, iy: int, iz: int) -> int:
        span = self.span
        return ((ix - self.imin) * span + (iy - self.imin)) * span + (iz - self.imin)

    def _shell(self, c: tuple[int, int, int], r: int) -> Iterable[int]:
        """Keys of the occupied cells at Chebyshev distance exactly ``r`` from cell ``c``."""
        cx, cy, cz = c
        lo, hi = self.imin, self.imax
        cells = self.cells
        key = self._key
        zs_all = range(max(lo, cz - r), min(hi, cz + r) + 1)
        zs_faces = [z for z in (cz - r, cz + r) if lo <= z <= hi] if r else [cz]
        for ix in range(max(lo, cx - r), min(hi, cx + r) + 1):
            x_face = abs(ix - cx) == r
            for iy in range(max(lo, cy - r), min(hi, cy + r) + 1):
                zs = zs_all if x_face or abs(iy - cy) == r else zs_faces
                for iz in zs:
                    k = key(ix, iy, iz)
                    if k in cells:
                        yield k

    def nearest(
        self, lat: float, lon: float, k: int, km: Callable[[float, float, float, float], float]
    ) -> list[tuple[float, str, int, int]]:
        """The ``k`` nearest as ``(km, id, position, local index)``, nearest first."""
        k = min(k, self.n)
        if k == 0:
            return []
        c = self._cell(_unit_vector(lat, lon))
        places, lats, lons, order = self.places, self.lats, self.lons, self.order
        best: list[tuple[float, str, int, int]] = []  # the best k so far, sorted
        r = 0
        max_r = self.span  # by then every cell has been visited
        visited = 0
        n_cells = len(self.cells)
        coarse = self.coarse
        while r <= max_r:
            if coarse is not None and r > _FINE_SHELLS:
                return coarse.nearest(lat, lon, k, km)
            # past a point it is cheaper to look at every place than at empty cells
            ring = (2 * r + 1) ** 3 - (2 * r - 1) ** 3 if r else 1
            if ring > 4 * (n_cells - visited) + 64:
                return self._scan(lat, lon, k, km)
            found = False
            for key in self._shell(c, r):
                visited += 1
                found = True
                best.extend(
                    (km(lat, lon, lats[j], lons[j]), places[j].id, order[j], j)
                    for j in self.cells[key]
                )
            if found:
                best.sort()
                del best[k:]
            if len(best) == k:
                # every unvisited place is at chord > r * size from the query
                bound = _chord_to_km(r * self.size) if r * self.size < 2.0 else math.inf
                if best[-1][0] < bound - _SLACK_KM:
                    break
            r += 1
        return best

    def _scan(
        self, lat: float, lon: float, k: int, km: Callable[[float, float, float, float], float]
    ) -> list[tuple[float, str, int, int]]:
        lats, lons, places, order = self.lats, self.lons, self.places, self.order
        entries = [
            (km(lat, lon, lats[j], lons[j]), places[j].id, order[j], j) for j in range(self.n)
        ]
        return heapq.nsmallest(k, entries)

    def within(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        km: Callable[[float, float, float, float], float],
    ) -> list[tuple[float, str, int, int]]:
        chord = _km_to_chord(radius_km + _SLACK_KM)
        lats, lons, places, order = self.lats, self.lons, self.places, self.order
        q = _unit_vector(lat, lon)
        s = self.size
        lo, hi = self.imin, self.imax
        ranges = [
            range(max(lo, math.floor((v - chord) / s)), min(hi, math.floor((v + chord) / s)) + 1)
            for v in q
        ]
        n_box = len(ranges[0]) * len(ranges[1]) * len(ranges[2])
        if n_box > 2 * len(self.cells):
            candidates: Iterable[int] = range(self.n)
        else:
            key = self._key
            cells = self.cells
            candidates = [
                j
                for ix in ranges[0]
                for iy in ranges[1]
                for iz in ranges[2]
                for j in cells.get(key(ix, iy, iz), ())
            ]
        out = []
        for j in candidates:
            d = km(lat, lon, lats[j], lons[j])
            if d <= radius_km:
                out.append((d, places[j].id, order[j], j))
        out.sort()
        return out


def _parse_kind(kind: object) -> PlaceKind | None:
    if kind is None or isinstance(kind, PlaceKind):
        return kind
    try:
        return PlaceKind(str(kind))
    except ValueError:
        allowed = ", ".join(m.value for m in PlaceKind)
        raise InvalidValueError(f"unknown place kind {kind!r}: expected one of {allowed}") from None


class SpatialIndex:
    """Nearest-neighbour and radius queries over a fixed collection of places.

    Build it once (it costs about as much as a few hundred brute-force
    queries) and query it many times; it never changes afterwards.  Places
    are not deduplicated: give each place once.
    """

    __slots__ = ("_all", "_by_kind", "_km")

    def __init__(self, places: Iterable[Place]) -> None:
        items: list[tuple[int, Place]] = []
        by_kind: dict[PlaceKind, list[tuple[int, Place]]] = {}
        for i, place in enumerate(places):
            if not isinstance(place, Place):
                raise InvalidTypeError(
                    f"a SpatialIndex holds Places, but item {i} is "
                    f"{type(place).__name__}: {place!r}"
                )
            items.append((i, place))
            by_kind.setdefault(place.kind, []).append((i, place))
        self._all = _Grid(items)
        # one grid per kind, so that a filtered query stays local too
        self._by_kind = {kind: _Grid(group) for kind, group in by_kind.items()}
        self._km = _km_function()

    def __len__(self) -> int:
        return self._all.n

    def __repr__(self) -> str:
        return f"<SpatialIndex of {self._all.n} places in {len(self._all.cells)} cells>"

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
        grid = self._all if wanted is None else self._by_kind.get(wanted)
        if grid is None:
            return []
        places = grid.places
        return [(places[j], d) for d, _, _, j in grid.nearest(lat, lon, k, self._km)]

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
        grid = self._all
        places = grid.places
        return [(places[j], d) for d, _, _, j in grid.within(lat, lon, float(radius_km), self._km)]
