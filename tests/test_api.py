"""The API does what people try: the Atlas as a container, the get/lookup pairs,
the top-level functions with place names, a short ``repr(Partnership)``."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterable, Sized

import pytest

import twintowns
from twintowns import (
    AmbiguousPlace,
    PartnershipNotFound,
    PlaceNotFound,
    TwinTownsError,
    UnknownPlaceId,
)
from twintowns.atlas import Atlas
from twintowns.model import Partnership, Place

JUNE = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
DECEMBER = dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC)

# --------------------------------------------------------------------------
# the container protocol


def test_len_iter_contains_getitem(small_atlas: Atlas) -> None:
    assert isinstance(small_atlas, Sized) and isinstance(small_atlas, Iterable)
    assert len(small_atlas) == len(small_atlas.places) == 10
    assert list(small_atlas) == list(small_atlas.places)
    assert [p.id for p in small_atlas] == sorted(p.id for p in small_atlas)
    assert "gn:1" in small_atlas and "gn:404" not in small_atlas
    charlotte = small_atlas["gn:1"]
    assert charlotte.name == "Charlotte" and charlotte is small_atlas.get("gn:1")
    assert charlotte in small_atlas
    # a Place that is not this atlas's (same id, other facts) is not in it
    impostor = Place(id="gn:1", name="Charlotte", country="US", latitude=1.0)
    assert impostor not in small_atlas
    assert 42 not in small_atlas and None not in small_atlas
    # names are not keys: [] takes ids, as a mapping would
    assert "Charlotte" not in small_atlas


def test_getitem_unknown_id_is_a_key_error_and_place_not_found(small_atlas: Atlas) -> None:
    with pytest.raises(KeyError) as info:
        small_atlas["gn:404"]
    error = info.value
    assert isinstance(error, UnknownPlaceId)
    assert isinstance(error, PlaceNotFound) and isinstance(error, TwinTownsError)
    assert isinstance(error, LookupError)
    assert error.query == "gn:404"
    assert str(error) == "no place matches 'gn:404'"  # plain text, not KeyError's quoted repr
    with pytest.raises(KeyError):
        small_atlas["Charlotte"]  # a name is not an id
    with pytest.raises(TypeError, match="place id"):
        small_atlas[0]  # type: ignore[index]


def test_empty_atlas() -> None:
    empty = Atlas([])
    assert len(empty) == 0 and list(empty) == [] and "gn:1" not in empty
    with pytest.raises(UnknownPlaceId):
        empty["gn:1"]


def test_bundled_atlas_is_a_container() -> None:
    atlas = twintowns.load()
    assert len(atlas) == len(atlas.places) > 20_000
    assert "gn:4460243" in atlas
    assert atlas["gn:4460243"].name == "Charlotte"
    assert sum(1 for _ in atlas) == len(atlas)


# --------------------------------------------------------------------------
# get_… returns None, the lookup raises a LookupError subclass


def test_partnership_pair(small_atlas: Atlas) -> None:
    found = small_atlas.partnership("Charlotte, NC", "Arequipa")
    assert str(found.established) == "1962-02-05"
    assert small_atlas.get_partnership("Arequipa", "Charlotte, NC") is found
    assert small_atlas.get_partnership("Arequipa", "Voronezh") is None
    with pytest.raises(PartnershipNotFound) as info:
        small_atlas.partnership("Arequipa", "Voronezh")
    error = info.value
    assert isinstance(error, LookupError) and isinstance(error, TwinTownsError)
    assert [p.name for p in error.places] == ["Arequipa", "Voronezh"]  # type: ignore[attr-defined]
    assert str(error) == "no partnership between Arequipa, PE and Voronezh, RU"


def test_partnership_pair_resolves_names_with_place_errors(small_atlas: Atlas) -> None:
    # both members of the pair raise what Atlas.place raises for a bad name
    for lookup in (small_atlas.partnership, small_atlas.get_partnership):
        with pytest.raises(PlaceNotFound):
            lookup("Charlotte, NC", "Atlantis")
        with pytest.raises(AmbiguousPlace):
            lookup("Orange", "Arequipa")


def test_place_pair(small_atlas: Atlas) -> None:
    assert small_atlas.get("gn:2") == small_atlas.place("Arequipa")
    assert small_atlas.get("gn:404") is None
    with pytest.raises(PlaceNotFound):
        small_atlas.place("gn:404")


# --------------------------------------------------------------------------
# top-level functions take names


def test_distance_with_names() -> None:
    atlas = twintowns.load()
    charlotte, arequipa = atlas.place("Charlotte"), atlas.place("Arequipa")
    by_place = twintowns.distance(charlotte, arequipa, unit="mi")
    assert twintowns.distance("Charlotte", "Arequipa", unit="mi") == by_place
    assert twintowns.distance("Charlotte", arequipa, unit="mi") == by_place
    assert twintowns.distance(charlotte.coordinates, "Arequipa", unit="mi") == by_place
    assert round(by_place) == 3619
    assert twintowns.bearing("Charlotte", "Arequipa") == twintowns.bearing(charlotte, arequipa)
    assert (
        twintowns.distances([("Charlotte", "Arequipa"), (charlotte, arequipa)])
        == [pytest.approx(twintowns.distance(charlotte, arequipa))] * 2
    )


def test_time_functions_with_names_and_zones() -> None:
    atlas = twintowns.load()
    charlotte, baoding = atlas.place("Charlotte"), atlas.place("Baoding")
    for at, hours in ((JUNE, 12), (DECEMBER, 13)):
        expected = dt.timedelta(hours=hours)
        assert twintowns.time_difference("Charlotte", "Baoding", at=at) == expected
        assert twintowns.time_difference(charlotte, "Baoding", at=at) == expected
        assert twintowns.time_difference("Charlotte", "Asia/Shanghai", at=at) == expected
        assert twintowns.time_difference("America/New_York", baoding, at=at) == expected
    assert twintowns.local_time("Baoding", JUNE) == twintowns.local_time(baoding, JUNE)
    assert twintowns.local_time("Baoding", JUNE).isoformat() == "2026-06-15T20:00:00+08:00"
    assert twintowns.time_difference("UTC", "Charlotte", at=JUNE) == dt.timedelta(hours=-4)
    # a name with a "/" that is no IANA key is a place name
    biel = [p for p in atlas.places if p.name == "Biel/Bienne"]
    if biel:
        assert twintowns.local_time("Biel/Bienne", JUNE) == twintowns.local_time(biel[0], JUNE)


def test_top_level_functions_raise_place_errors_for_bad_names() -> None:
    with pytest.raises(PlaceNotFound, match="Atlantis"):
        twintowns.distance("Atlantis", "Charlotte")
    with pytest.raises(AmbiguousPlace) as info:
        twintowns.time_difference("Charlotte", "Springfield", at=JUNE)
    assert len(info.value.candidates) > 1
    with pytest.raises(PlaceNotFound):
        twintowns.local_time("Nowhere/Atall", JUNE)
    with pytest.raises(PlaceNotFound):
        twintowns.bearing((0.0, 0.0), "Atlantis")


def test_names_load_the_data_only_when_used() -> None:
    code = (
        "import twintowns, twintowns.dataset as d, twintowns.geography as g\n"
        "assert d._bundled is None\n"
        "g.distance((0.0, 0.0), (1.0, 1.0)); g.time_difference('UTC', 'Asia/Tokyo')\n"
        "assert d._bundled is None, 'points and zones need no data'\n"
        "g.distance('Charlotte', (0.0, 0.0))\n"
        "assert d._bundled is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------
# repr


def test_partnership_repr_is_short() -> None:
    atlas = twintowns.load()
    voronezh = atlas.partnership("Charlotte", "Voronezh")
    text = repr(voronezh)
    assert text == (
        "<Partnership Charlotte, US-NC, US (gn:4460243) – Voronezh, RU-VOR, RU (gn:472045): "
        "sister, suspended 2022-03-28, established 1991>"
    )
    assert max(len(repr(p)) for p in atlas.partnerships_of("Charlotte")) < 160
    ended = Partnership(
        Place(id="gn:1", name="A", country="FR"),
        Place(id="gn:2", name="B", country="DE"),
        status="ended",
        established="1960",
        ended="2001-05",
    )
    assert repr(ended) == (
        "<Partnership A, FR (gn:1) – B, DE (gn:2): sister, ended 2001-05, established 1960>"
    )
