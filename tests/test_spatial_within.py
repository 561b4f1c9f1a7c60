"""Radius queries on both sides of the plain-Python path's bound (spatial._PYTHON_MAX):
one to a few hundred candidates, against the brute force over distance()."""

from __future__ import annotations

import gc
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_spatial import Point, backends, brute_within, edge_points, ids, make_place
from tests.threads import count_calls, run_together
from twintowns import spatial
from twintowns.atlas import Atlas
from twintowns.geography import distance
from twintowns.model import Place
from twintowns.spatial import _PYTHON_MAX, SpatialIndex

# how many places: all candidates of the query below, so each size takes one path
SIDES = {
    "python": st.integers(1, _PYTHON_MAX),
    "numpy": st.integers(_PYTHON_MAX + 1, 3 * _PYTHON_MAX),
}


@st.composite
def clusters(draw: st.DrawFn, side: str) -> tuple[list[Place], Point]:
    """Places within ~60 km of a centre (often a pole or on the antimeridian), some
    at the same coordinates (equal distances go by id), ids in a random order."""
    lat0, lon0 = draw(edge_points)
    n = draw(SIDES[side])
    offsets = st.tuples(st.floats(-0.5, 0.5), st.floats(-0.5, 0.5))
    coords = []
    for dlat, dlon in draw(st.lists(offsets, min_size=n, max_size=n)):
        lat = max(-90.0, min(90.0, lat0 + dlat))
        lon = (lon0 + dlon + 180.0) % 360.0 - 180.0
        coords.append((lat, lon))
    for i, j in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)))):
        coords[i] = coords[j]
    # ids in another order than the places: a list's ties go by id, not by position
    order = draw(st.permutations(range(n)))
    places = [make_place(order[i], *coords[i]) for i in range(n)]
    return places, (lat0, lon0)


def _radius(data: st.DataObject, places: list[Place], point: Point) -> float:
    """One that takes every place (all of them candidates: the side's path), or exactly
    a place's distance or a little less (the boundary, inclusive; fewer candidates)."""
    if data.draw(st.booleans()):
        return 500.0
    target = data.draw(st.sampled_from(places))
    return max(0.0, distance(point, target) - data.draw(st.sampled_from([0.0, 1e-9])))


def _candidates(index: SpatialIndex, point: Point, radius: float) -> int:
    chord = spatial._km_to_chord(radius + spatial._SLACK_KM)
    finder = index._all.finder
    assert finder is not None
    return len(finder.within(spatial._unit_vector(*point), chord))


def _within(
    index: SpatialIndex, point: Point, radius: float
) -> tuple[list[tuple[str, float]], int]:
    """``index.within()`` as ids and km, and how many times it took the plain-Python path."""
    original = spatial._Points._within_python
    calls: list[int] = []

    def spy(
        self: spatial._Points, lat: float, lon: float, js: list[int], radius_km: float
    ) -> tuple[list[int], list[float]]:
        calls.append(len(js))
        return original(self, lat, lon, js, radius_km)

    with mock.patch.object(spatial._Points, "_within_python", spy):
        got = index.within(point, radius)
    return ids(got), len(calls)


@backends
@pytest.mark.parametrize("side", list(SIDES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_within_both_paths_equal_brute_force(backend: str, side: str, data: st.DataObject) -> None:
    places, centre = data.draw(clusters(side))
    point = data.draw(st.sampled_from([centre, places[0].coordinates]))
    radius = _radius(data, places, point)
    # every distance the very value distance() gives, bit for bit; ties by id
    expected = brute_within(places, point, radius)
    if radius == 500.0:
        assert len(expected) == len(places)
    # a list of places (ranked by id) and an atlas (its positions sorted by id)
    atlas = Atlas(places)
    for index in (
        SpatialIndex(places, backend=backend),
        SpatialIndex._from_records(atlas._records, backend=backend),
    ):
        got, python_calls = _within(index, point, radius)
        assert got == expected
        n = _candidates(index, point, radius)
        assert python_calls == (1 if n <= _PYTHON_MAX else 0)
        if radius == 500.0:  # all candidates: this side's path
            assert python_calls == (1 if side == "python" else 0)


@backends
def test_radians_are_built_once_whichever_threads_ask(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = [make_place(i, (i * 7) % 170 - 85.0, (i * 13) % 360 - 180.0) for i in range(3000)]
    index = SpatialIndex(places, backend=backend)
    # a slow build: the other threads arrive meanwhile
    builds = count_calls(monkeypatch, spatial._Points, "_make_radians", pause=0.01)
    queries: list[Point] = [(i * 1.7 - 80.0, i * 3.1 - 170.0) for i in range(40)]

    def work(_k: int) -> list[list[tuple[str, float]]]:
        # radii for both paths: a few candidates (plain Python) and many (numpy)
        return [ids(index.within(q, r)) for q in queries for r in (300.0, 3000.0)]

    results = run_together(6, work)
    assert builds.count == 1
    assert len(results) == 6 and all(r == results[0] for r in results)
    expected = [brute_within(places, q, r) for q in queries for r in (300.0, 3000.0)]
    assert results[0] == expected


@backends
def test_many_answers_leave_the_gc_as_they_found_it(backend: str) -> None:
    # more answers than spatial._QUIET_GC_OVER: the pairs are made with the cyclic GC
    # paused; the answer is brute force's, and the GC is left on, or off, as it was
    n = spatial._QUIET_GC_OVER + 200
    places = [make_place(i, (i % 50) * 0.01, (i // 50) * 0.01) for i in range(n)]
    index = SpatialIndex(places, backend=backend)
    point = (0.2, 0.1)
    assert gc.isenabled()
    found = index.within(point, 100.0)
    assert len(found) == n and ids(found) == brute_within(places, point, 100.0)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert index.within(point, 100.0) == found
        assert not gc.isenabled()
    finally:
        gc.enable()
    # the pairs are made while the GC is paused (for this many answers only)
    source = type(index._source)
    seen: list[bool] = []
    real = source.places_at

    def watching(self: Any, positions: list[int]) -> list[Place]:
        seen.append(gc.isenabled())
        return real(self, positions)

    with mock.patch.object(source, "places_at", watching):
        assert index.within(point, 100.0) == found
        assert len(index.within(point, 0.5)) < spatial._QUIET_GC_OVER
    assert seen == [False, True]
    # a failure while the pairs are made switches the GC back on too
    failing = mock.patch.object(source, "places_at", side_effect=RuntimeError("boom"))
    with failing, pytest.raises(RuntimeError, match="boom"):
        index.within(point, 100.0)
    assert gc.isenabled() and gc.get_freeze_count() == 0
