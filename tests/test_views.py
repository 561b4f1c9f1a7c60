"""Atlas.places and Atlas.partnerships: lazy read-only views that behave like tuples."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.threads import run_together
from twintowns import Atlas, dataset
from twintowns.errors import InvalidTypeError
from twintowns.geography import distances
from twintowns.model import Partnership, Place
from twintowns.views import PartnershipView, PlaceView


def _built(atlas: Atlas) -> tuple[int, int]:
    records = atlas._records
    places = getattr(records, "_places", None)
    pairs = getattr(records, "_partnerships", None)
    assert places is not None and pairs is not None
    return len(places) - places.count(None), len(pairs) - pairs.count(None)


def test_counting_and_distances_build_no_record() -> None:
    atlas = dataset._read_bundled()
    assert isinstance(atlas.places, PlaceView)
    assert isinstance(atlas.partnerships, PartnershipView)
    assert len(atlas.places) == len(atlas) > 20_000
    assert len(atlas.partnerships) > 30_000
    assert atlas.places is atlas.places and atlas.partnerships is atlas.partnerships
    km = distances(atlas.partnerships)
    miles = distances(atlas.partnerships, unit="mi")
    assert _built(atlas) == (0, 0)  # answered from the columns
    # the same numbers as from the objects themselves
    assert km == distances(list(atlas.partnerships))
    assert miles == distances(list(atlas.partnerships), unit="mi")
    assert len(km) == len(atlas.partnerships)


def test_an_item_builds_that_record_only() -> None:
    atlas = dataset._read_bundled()
    last = atlas.partnerships[-1]
    assert isinstance(last, Partnership)
    assert _built(atlas) == (2, 1)  # the partnership and its two places
    assert atlas.partnerships[len(atlas.partnerships) - 1] is last
    assert atlas.places[atlas._records.index[last.a.id]] is last.a
    assert tuple(atlas.partnerships)[-1] is last  # building everything keeps it


def test_bad_indexes_raise_like_a_tuple() -> None:
    atlas = dataset._read_bundled()
    n = len(atlas.places)
    with pytest.raises(IndexError, match="out of range"):
        atlas.places[n]
    with pytest.raises(IndexError, match="out of range"):
        atlas.places[-n - 1]
    with pytest.raises(TypeError, match="integers or slices, not str") as caught:
        atlas.places["gn:4460243"]  # type: ignore[call-overload]
    assert isinstance(caught.value, InvalidTypeError)
    assert atlas.places[-n] is atlas.places[0]


def _small() -> Atlas:
    places = [
        Place(id=f"tt:{c}", name=c.upper(), country="FR", latitude=float(i), longitude=0.0)
        for i, c in enumerate("abcde")
    ]
    ties = [Partnership(a=places[0], b=places[k]) for k in range(1, 5)]
    return Atlas(places, ties)


@given(
    start=st.none() | st.integers(-8, 8),
    stop=st.none() | st.integers(-8, 8),
    step=st.none() | st.integers(-3, 3).filter(bool),
)
def test_slices_are_the_tuples_slices(
    start: int | None, stop: int | None, step: int | None
) -> None:
    atlas = _small()
    for view in (atlas.places, atlas.partnerships):
        whole = tuple(view)
        assert view[start:stop:step] == whole[start:stop:step]
        assert type(view[start:stop:step]) is tuple


def test_a_view_behaves_like_its_tuple() -> None:
    atlas = _small()
    places, ties = atlas.places, atlas.partnerships
    whole = tuple(places)
    assert places == whole and whole == places and places != whole[:-1]
    assert places != list(whole)  # as a tuple is not equal to a list
    assert hash(places) == hash(whole)
    head = whole[:1]
    assert places + head == whole + head and head + places == head + whole
    assert places + ties == whole + tuple(ties)
    assert list(reversed(places)) == list(reversed(whole))
    assert places.index(whole[2]) == 2 and places.count(whole[2]) == 1
    assert whole[3] in places and ties[0] in ties
    assert "tt:a" not in places and ties[0] not in places  # type: ignore[comparison-overlap]
    other = Place(id="tt:a", name="A", country="FR", latitude=0.0, longitude=0.0)
    assert (other in places) == (other in whole)
    assert pickle.loads(pickle.dumps(places)) == whole
    assert type(pickle.loads(pickle.dumps(ties))) is tuple
    assert repr(places) == "<PlaceView of 5 places>"
    assert repr(ties) == "<PartnershipView of 4 partnerships>"
    assert pickle.loads(pickle.dumps(atlas)) == atlas


def test_equal_atlases_compare_their_views() -> None:
    assert _small() == _small()
    assert _small().places == _small().places


def test_concurrent_access_hands_out_one_object_per_record() -> None:
    atlas = dataset._read_bundled()
    n = len(atlas.partnerships)

    def work(thread: int) -> list[Partnership]:
        if thread % 2 == 1:  # every other thread builds them all
            tuple(atlas.partnerships)
        return [atlas.partnerships[k * 997 % n] for k in range(300)]

    seen = run_together(8, work)
    assert len(seen) == 8
    for got in seen[1:]:
        assert all(x is y for x, y in zip(got, seen[0], strict=True))
