"""Tests of twintowns.spatial: SpatialIndex must equal brute force exactly."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import strategies
from twintowns.geography import EARTH_RADIUS_KM, distance
from twintowns.model import Place, PlaceKind
from twintowns.spatial import SpatialIndex

KINDS = list(PlaceKind)

Point = tuple[float, float]


def make_place(i: int, lat: float, lon: float, kind: PlaceKind = PlaceKind.CITY) -> Place:
    return Place(
        id=f"tt:p{i:05d}", name=f"P{i}", country="FJ", kind=kind, latitude=lat, longitude=lon
    )


def brute_nearest(
    places: Sequence[Place], point: Point | Place, k: int, kind: PlaceKind | str | None = None
) -> list[tuple[str, float]]:
    rows = sorted(
        (distance(point, p), p.id) for p in places if kind is None or p.kind == PlaceKind(kind)
    )
    return [(pid, d) for d, pid in rows[:k]]


def brute_within(
    places: Sequence[Place], point: Point | Place, radius: float
) -> list[tuple[str, float]]:
    rows = sorted((d, p.id) for p in places if (d := distance(point, p)) <= radius)
    return [(pid, d) for d, pid in rows]


def ids(result: list[tuple[Place, float]]) -> list[tuple[str, float]]:
    return [(p.id, d) for p, d in result]


# --------------------------------------------------------------------------
# strategies: random points with extra weight on the poles and the antimeridian

edge_points = strategies.edge_points(
    0.5,
    st.tuples(
        st.sampled_from([89.9, -89.9, 0.0, 45.0]), st.sampled_from([179.9, -179.9, 180.0, -180.0])
    ),
)


@st.composite
def place_sets(draw: st.DrawFn, max_size: int = 60) -> list[Place]:
    coords = draw(st.lists(edge_points, max_size=max_size))
    # repeat some coordinates so that distance ties happen and must go by id
    coords += draw(st.lists(st.sampled_from(coords), max_size=10)) if coords else []
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=len(coords), max_size=len(coords)))
    order = draw(st.permutations(range(len(coords))))
    return [make_place(i, coords[j][0], coords[j][1], kinds[j]) for i, j in enumerate(order)]


# more than the profile's 100: cheap, and ties and edge points need many draws
@settings(max_examples=300)
@given(place_sets(), edge_points, st.integers(1, 12))
def test_nearest_equals_brute_force(places: list[Place], point: Point, k: int) -> None:
    index = SpatialIndex(places)
    assert ids(index.nearest(point, k=k)) == brute_nearest(places, point, k)


# more than the profile's 100: cheap, and ties and edge points need many draws
@settings(max_examples=200)
@given(place_sets(), edge_points, st.integers(1, 5), st.sampled_from(KINDS))
def test_nearest_by_kind_equals_brute_force(
    places: list[Place], point: Point, k: int, kind: PlaceKind
) -> None:
    index = SpatialIndex(places)
    expected = brute_nearest(places, point, k, kind)
    assert ids(index.nearest(point, k=k, kind=kind)) == expected
    assert ids(index.nearest(point, k=k, kind=kind.value)) == expected


# more than the profile's 100: cheap, and ties and edge points need many draws
@settings(max_examples=300)
@given(place_sets(), edge_points, st.floats(0, 2.2e4, allow_nan=False))
def test_within_equals_brute_force(places: list[Place], point: Point, radius: float) -> None:
    index = SpatialIndex(places)
    assert ids(index.within(point, radius)) == brute_within(places, point, radius)


# more than the profile's 100: cheap, and ties and edge points need many draws
@settings(max_examples=200)
@given(place_sets(), edge_points, st.data())
def test_within_boundary_is_inclusive(
    places: list[Place], point: Point, data: st.DataObject
) -> None:
    # a radius exactly equal to some distance must include that place
    if not places:
        return
    target = data.draw(st.sampled_from(places))
    radius = distance(point, target)
    index = SpatialIndex(places)
    result = ids(index.within(point, radius))
    assert result == brute_within(places, point, radius)
    assert target.id in {pid for pid, _ in result}


@given(place_sets(max_size=30))
def test_place_is_its_own_nearest(places: list[Place]) -> None:
    index = SpatialIndex(places)
    for place in places:
        (found, d), *_ = index.nearest(place)
        assert d == 0.0
        # among places at distance 0 (the same spot, to float precision) the smallest id wins
        assert found.id == min(p.id for p in places if distance(p, place) == 0.0)


def _random_places(rng: random.Random, n: int, clustered: bool) -> list[Place]:
    places = []
    centres = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(40)]
    for i in range(n):
        if clustered and i % 4:
            clat, clon = rng.choice(centres)
            lat = max(-90.0, min(90.0, rng.gauss(clat, 2.0)))
            lon = (rng.gauss(clon, 3.0) + 180.0) % 360.0 - 180.0
        else:
            lat = math.degrees(math.asin(rng.uniform(-1, 1)))
            lon = rng.uniform(-180, 180)
        places.append(make_place(i, lat, lon, rng.choice(KINDS[:3])))
    return places


def _random_queries(rng: random.Random, n: int) -> list[Point]:
    queries: list[Point] = [(89.9, 0.0), (-89.9, 123.0), (90.0, 0.0), (-90.0, 0.0)]
    queries += [
        (rng.uniform(-90, 90), rng.choice([179.9, -179.9, 180.0, -180.0])) for _ in range(20)
    ]
    queries += [(rng.choice([89.9, -89.9]), rng.uniform(-180, 180)) for _ in range(20)]
    queries += [
        (math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(n)
    ]
    return queries


@pytest.mark.parametrize("clustered", [False, True])
def test_larger_sets_equal_brute_force(clustered: bool) -> None:
    rng = random.Random(4 + clustered)
    places = _random_places(rng, 3000, clustered)
    # places right on the antimeridian and at the poles
    places += [make_place(9000 + i, 89.9, -180 + 36 * i) for i in range(10)]
    places += [
        make_place(9100 + i, rng.uniform(-80, 80), 180.0 if i % 2 else -180.0) for i in range(10)
    ]
    places.append(make_place(9200, -90.0, 0.0))
    index = SpatialIndex(places)
    for i, point in enumerate(_random_queries(rng, 150)):
        k = (1, 3, 25)[i % 3]
        assert ids(index.nearest(point, k=k)) == brute_nearest(places, point, k), point
        kind = KINDS[i % 3]
        assert ids(index.nearest(point, k=2, kind=kind)) == brute_nearest(places, point, 2, kind)
        radius = (0.0, 50.0, 400.0, 3000.0, 19000.0)[i % 5]
        assert ids(index.within(point, radius)) == brute_within(places, point, radius), point


def test_far_queries_move_to_the_coarse_grid_and_still_equal_brute_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from twintowns import spatial

    rng = random.Random(11)
    # 40 dense clusters and empty oceans: far queries run out of fine shells
    places = [p for i, p in enumerate(_random_places(rng, 3000, clustered=True)) if i % 4]
    index = SpatialIndex(places)
    coarse = index._all.coarse
    assert coarse is not None and coarse.size > index._all.size
    used = 0
    real = spatial._Grid.nearest

    def counting(self: Any, *args: Any) -> list[tuple[float, str, int, int]]:
        nonlocal used
        used += self is coarse
        return real(self, *args)

    monkeypatch.setattr(spatial._Grid, "nearest", counting)
    for point in [(-40.0, -120.0), (0.0, 170.0), (60.0, -30.0), (48.2, 10.1), (-89.0, 0.0)]:
        for k in (1, 7):
            assert ids(index.nearest(point, k=k)) == brute_nearest(places, point, k), point
    assert used >= 2  # the coarse grid answered some of the far queries


def test_queries_do_not_scan_everything() -> None:
    rng = random.Random(7)
    places = _random_places(rng, 5000, clustered=False)
    index = SpatialIndex(places)
    calls = 0
    km = index._km

    def counting(a: float, b: float, c: float, d: float) -> float:
        nonlocal calls
        calls += 1
        return km(a, b, c, d)

    index._km = counting
    queries = _random_queries(rng, 100)
    for point in queries:
        index.nearest(point, k=5)
        index.within(point, 300.0)
    # a full scan would be 2 * 5000 distances per query
    assert calls / len(queries) < 500


def test_antimeridian_and_poles_by_hand() -> None:
    east = make_place(1, 0.0, 179.9)
    west = make_place(2, 0.0, -179.9)
    far = make_place(3, 0.0, 170.0)
    north_a = make_place(4, 89.9, 0.0)
    north_b = make_place(5, 89.9, 180.0)
    index = SpatialIndex([east, west, far, north_a, north_b])
    assert [p.id for p, _ in index.nearest((0.0, 180.0), k=2)] == [east.id, west.id]
    assert [p.id for p, _ in index.nearest((0.0, -179.95))] == [west.id]
    assert [p.id for p, _ in index.within((0.0, 180.0), 12.0)] == [east.id, west.id]
    # the two near-pole places are 22 km apart across the pole
    assert [p.id for p, _ in index.within(north_a, 23.0)] == [north_a.id, north_b.id]
    ((p, d),) = index.nearest((90.0, 0.0), k=1)
    assert p.id == north_a.id and d == pytest.approx(11.12, abs=0.01)


def test_results_and_edge_cases() -> None:
    places = [make_place(i, 0.0, float(i)) for i in range(5)]
    index = SpatialIndex(places)
    assert len(index) == 5
    assert "5 places" in repr(index)
    everything = index.nearest((0.0, 0.0), k=100)
    assert [p.id for p, _ in everything] == [p.id for p in places]
    assert everything[0] == (places[0], 0.0)
    assert index.within((0.0, 0.0), 0.0) == [(places[0], 0.0)]
    assert len(index.within((0.0, 0.0), math.pi * EARTH_RADIUS_KM)) == 5
    assert index.within((0.0, 0.0), 10**6) == index.within((0.0, 0.0), 10**7)
    assert index.nearest(places[3], k=1) == [(places[3], 0.0)]
    assert index.nearest((0.0, 0.0), kind="region") == []
    # built from any iterable, once
    assert SpatialIndex(iter(places)).nearest((0.0, 2.2)) == [
        (places[2], distance((0.0, 2.2), places[2]))
    ]


def test_empty_index() -> None:
    index = SpatialIndex([])
    assert len(index) == 0
    assert index.nearest((0.0, 0.0), k=3) == []
    assert index.within((0.0, 0.0), 20000.0) == []


def test_duplicate_places_keep_their_order() -> None:
    a = make_place(1, 10.0, 10.0)
    index = SpatialIndex([a, a])
    assert index.nearest((10.0, 10.0), k=2) == [(a, 0.0), (a, 0.0)]


@pytest.mark.parametrize(
    ("kwargs", "error", "shown"),
    [
        ({"k": 0}, ValueError, "0"),
        ({"k": -3}, ValueError, "-3"),
        ({"k": 1.5}, TypeError, "1.5"),
        ({"k": True}, TypeError, "True"),
        ({"k": "2"}, TypeError, "'2'"),
        ({"kind": "town"}, ValueError, "'town'"),
    ],
)
def test_nearest_validates(kwargs: dict[str, object], error: type[Exception], shown: str) -> None:
    index = SpatialIndex([make_place(1, 0.0, 0.0)])
    with pytest.raises(error) as info:
        index.nearest((0.0, 0.0), **kwargs)  # type: ignore[arg-type]
    assert shown in str(info.value)


@pytest.mark.parametrize(
    ("radius", "error", "shown"),
    [
        (-1.0, ValueError, "-1.0"),
        (math.nan, ValueError, "nan"),
        (math.inf, ValueError, "inf"),
        ("5", TypeError, "'5'"),
        (None, TypeError, "None"),
        (True, TypeError, "True"),
    ],
)
def test_within_validates(radius: object, error: type[Exception], shown: str) -> None:
    index = SpatialIndex([make_place(1, 0.0, 0.0)])
    with pytest.raises(error) as info:
        index.within((0.0, 0.0), radius)  # type: ignore[arg-type]
    assert shown in str(info.value)


def test_bad_points_and_places() -> None:
    index = SpatialIndex([make_place(1, 0.0, 0.0)])
    with pytest.raises(ValueError, match="91"):
        index.nearest((91.0, 0.0))
    with pytest.raises(ValueError, match="nan"):
        index.within((0.0, math.nan), 10.0)
    with pytest.raises(TypeError, match=r"item 1 .*\(1\.0, 2\.0\)"):
        SpatialIndex([make_place(1, 0.0, 0.0), (1.0, 2.0)])  # type: ignore[list-item]
