"""Tests of the single-nearest path of twintowns.spatial (witnesses and one ball query),
of within's place lookup, and of the per-kind split read from the kind column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_spatial import (
    Point,
    brute_nearest,
    brute_within,
    edge_points,
    ids,
    make_place,
    place_sets,
    query_points,
)
from tests.threads import count_calls, run_together
from twintowns import dataset, spatial
from twintowns.atlas import Atlas
from twintowns.model import Place, PlaceKind
from twintowns.records import CsvRecords
from twintowns.spatial import _FEW, SpatialIndex, _Tree, _Witnesses


@pytest.fixture(autouse=True, scope="module")
def _witnesses_from_the_first_query() -> Iterator[None]:
    # an index answers its first few single-nearest queries without the witnesses:
    # here every one takes the witness path
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spatial, "_WITNESS_AFTER", 0)
        yield


def test_witnesses_are_built_after_a_few_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spatial, "_WITNESS_AFTER", 8)
    places = [make_place(i, i * 0.5, i * 0.25) for i in range(100)]
    index = SpatialIndex(places, backend="kdtree")
    for i in range(8):
        assert ids(index.nearest((i, i))) == brute_nearest(places, (i, i), 1)
    assert index._all._witnesses is None  # the first nearest() does not build them
    assert ids(index.nearest((3.0, 1.0))) == brute_nearest(places, (3.0, 1.0), 1)
    assert index._all._witnesses is not None
    grid = SpatialIndex(places, backend="grid")
    for i in range(20):
        grid.nearest((i, i))
    assert grid._all._witnesses is None  # the grid has no ball query to bound


@st.composite
def crowded_place_sets(draw: st.DrawFn) -> list[Place]:
    """Places around a few centres, many in one fine bucket of the witness table, with
    repeated coordinates (ties go by id), at the poles and the antimeridian too."""
    centres = draw(st.lists(edge_points, min_size=1, max_size=4))
    coords: list[Point] = []
    for lat, lon in centres:
        offsets = st.tuples(st.floats(-0.3, 0.3), st.floats(-0.3, 0.3))
        for dlat, dlon in draw(st.lists(offsets, min_size=1, max_size=12)):
            coords.append(
                (
                    min(90.0, max(-90.0, lat + dlat)),
                    min(180.0, max(-180.0, lon + dlon)),
                )
            )
    coords += draw(st.lists(st.sampled_from(coords), max_size=10))
    order = draw(st.permutations(range(len(coords))))
    return [make_place(i, *coords[j]) for i, j in enumerate(order)]


near_queries = st.one_of(query_points, st.tuples(st.just(0.0), st.just(0.0)))


# more than the profile's 100: cheap, and ties and edge points need many draws
@settings(max_examples=300)
@given(st.one_of(place_sets(), crowded_place_sets()), st.data())
def test_single_nearest_equals_brute_force_and_the_grid(
    places: list[Place], data: st.DataObject
) -> None:
    # queries near the places too: where the fine buckets hold witnesses
    near = st.sampled_from(places).map(lambda p: (p.latitude, p.longitude)) if places else None
    point = data.draw(query_points if near is None else st.one_of(query_points, near))
    tree = SpatialIndex(places, backend="kdtree")
    grid = SpatialIndex(places, backend="grid")
    expected = brute_nearest(places, point, 1)
    assert ids(tree.nearest(point)) == expected
    assert ids(grid.nearest(point)) == expected
    if places:
        # the k=1 path and the k-nearest path give the same object and km
        assert tree.nearest(point) == tree.nearest(point, k=2)[:1]


def _any_witness(places: list[Place], pick: int) -> Any:
    chosen = places[pick % len(places)]

    def of(self: _Witnesses, lat: float, lon: float) -> list[tuple[float, float]]:
        return [(chosen.latitude, chosen.longitude)]

    return of


@settings(max_examples=200)
@given(st.one_of(place_sets(), crowded_place_sets()), query_points, st.integers(0, 10**6))
def test_any_witness_gives_the_exact_answer(places: list[Place], point: Point, pick: int) -> None:
    # the witnesses only bound the search: with any place as the only witness (the
    # farthest one included) the answer is still brute force's
    if not places:
        return
    index = SpatialIndex(places, backend="kdtree")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_Witnesses, "of", _any_witness(places, pick))
        assert ids(index.nearest(point)) == brute_nearest(places, point, 1)
        for place in places[:5]:
            assert ids(index.nearest(place)) == brute_nearest(places, place, 1)


def test_single_nearest_asks_scipy_for_one_ball_only(monkeypatch: pytest.MonkeyPatch) -> None:
    places = [make_place(i, (i * 7) % 170 - 85.0, (i * 13) % 360 - 180.0) for i in range(500)]
    index = SpatialIndex(places, backend="kdtree")
    finder = index._all.finder
    assert isinstance(finder, _Tree)
    balls = 0
    tree = finder.tree

    class Counting:
        def query(self, *args: object, **kwargs: object) -> object:
            if kwargs.get("eps") is None:  # the witness table's one build query has eps
                raise AssertionError("a k-nearest query for k=1")
            return tree.query(*args, **kwargs)

        def query_ball_point(self, *args: object, **kwargs: object) -> object:
            nonlocal balls
            balls += 1
            return tree.query_ball_point(*args, **kwargs)

    monkeypatch.setattr(finder, "tree", Counting())
    queries: list[Point] = [(0.0, 0.0), (90.0, 180.0), (-90.0, -180.0), (12.5, 179.99)]
    for point in queries + [(p.latitude, p.longitude) for p in places[:50]]:
        assert ids(index.nearest(point)) == brute_nearest(places, point, 1)
    assert balls == len(queries) + 50


def test_fine_levels_grow_finer_as_places_grow_denser() -> None:
    # one level of _FINE_DEG up to _FINE_PLACES places; then levels of half the side,
    # down to about a tenth at a hundred times the places
    deg, many = spatial._FINE_DEG, spatial._FINE_PLACES
    assert spatial._fine_steps(1) == spatial._fine_steps(many) == [deg]
    assert spatial._fine_steps(4 * many) == [deg / 2, deg]
    assert spatial._fine_steps(100 * many) == [deg / 8, deg / 4, deg / 2, deg]
    assert spatial._fine_steps(10**15)[0] >= spatial._FINE_MIN_DEG
    finest = [spatial._fine_steps(n)[0] for n in range(1, 10**7, 99_991)]
    assert finest == sorted(finest, reverse=True)


@settings(max_examples=50)
@given(crowded_place_sets(), st.data())
def test_single_nearest_with_levels_of_buckets(places: list[Place], data: st.DataObject) -> None:
    # the same answers with every level down to the finest, most often empty around a point
    near = st.sampled_from(places).map(lambda p: (p.latitude, p.longitude))
    point = data.draw(st.one_of(query_points, near))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spatial, "_FINE_PLACES", 0)
        index = SpatialIndex(places, backend="kdtree")
        assert ids(index.nearest(point)) == brute_nearest(places, point, 1)
        witnesses = index._all._witnesses
        assert witnesses is not None
        assert len(witnesses.levels) == 7  # 0.1 degrees halved down to 0.001 or more
        for _scale, _, buckets in witnesses.levels:
            assert len(buckets) <= len(places)
        # a point on a place finds its witnesses in the finest level: in the buckets
        # next to the place's own (the place itself, or one sharing its bucket)
        finest = 1.0 / witnesses.levels[0][0]
        for p in places:
            for lat, lon in witnesses.of(p.latitude, p.longitude):
                assert abs(lat - p.latitude) < 2 * finest + 1e-9
                east = abs(lon - p.longitude)  # buckets at +-180 degrees neighbour
                assert min(east, 360.0 - east) < 2 * finest + 1e-9


@pytest.mark.parametrize(
    "point", [(90.0, 180.0), (-90.0, -180.0), (90.0, -180.0), (0.0, 180.0), (-0.0, -180.0)]
)
def test_witnesses_at_the_edges(point: Point) -> None:
    places = [make_place(1, 89.99, 179.99), make_place(2, -89.99, -179.99), make_place(3, 0, 0)]
    index = SpatialIndex(places, backend="kdtree")
    assert ids(index.nearest(point)) == brute_nearest(places, point, 1)
    witnesses = index._all._witnesses
    assert witnesses is not None
    assert witnesses.of(*point)  # a witness everywhere, even on the last row and column


def test_within_builds_only_its_answers() -> None:
    # many answers: the Places come from the records' list (None where not built yet)
    atlas = dataset._read_bundled()
    records = atlas._records
    assert isinstance(records, CsvRecords)
    charlotte = (35.2271, -80.8431)
    first = atlas.nearest(charlotte, k=3)  # some built before, the rest on demand
    around = atlas.within(charlotte, 300.0)
    assert len(around) > _FEW  # the list lookup, not one call per answer
    built = len(records._places) - records._places.count(None)
    assert built == len({p.id for p, _ in around} | {p.id for p, _ in first})
    assert ids(around) == brute_within(atlas.places, charlotte, 300.0)
    assert all(p is atlas.get(p.id) for p, _ in around)


def test_kind_split_reads_the_kind_column() -> None:
    atlas = dataset._read_bundled()
    records = atlas._records
    assert isinstance(records, CsvRecords)
    point = (50.0, 10.0)
    found = {kind: atlas.nearest(point, k=4, kind=kind) for kind in PlaceKind}
    built = len(records._places) - records._places.count(None)
    assert built == len({p.id for rows in found.values() for p, _ in rows})
    for kind, rows in found.items():
        assert ids(rows) == brute_nearest(atlas.places, point, 4, kind)
        assert all(p.kind is kind for p, _ in rows)


@given(place_sets(), st.sampled_from(list(PlaceKind)), near_queries)
def test_kind_split_of_an_atlas_over_places(
    places: list[Place], kind: PlaceKind, point: Point
) -> None:
    unique = list({p.id: p for p in places}.values())
    atlas = Atlas(unique)
    for k in (1, 3):
        assert ids(atlas.nearest(point, k=k, kind=kind)) == brute_nearest(unique, point, k, kind)


def test_witnesses_are_built_once_whichever_threads_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    places = [make_place(i, (i * 7) % 170 - 85.0, (i * 13) % 360 - 180.0) for i in range(2000)]
    index = SpatialIndex(places, backend="kdtree")
    builds = count_calls(monkeypatch, spatial._Points, "_make_witnesses")
    queries: list[Point] = [(i * 1.7 - 80.0, i * 3.1 - 170.0) for i in range(100)]
    results = run_together(6, lambda _k: [index.nearest(q) for q in queries])
    assert builds.count == 1
    assert len(results) == 6 and all(r == results[0] for r in results)
    assert [ids(r) for r in results[0]] == [brute_nearest(places, q, 1) for q in queries]
