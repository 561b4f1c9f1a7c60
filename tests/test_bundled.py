"""The core API on the bundled dataset: the answers users ask for."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twintowns import AmbiguousPlace, PlaceNotFound, Status
from twintowns.atlas import Atlas
from twintowns.errors import InvalidValueError


def test_charlotte(atlas: Atlas) -> None:
    charlotte = atlas.place("Charlotte")
    assert (charlotte.country, charlotte.subdivision) == ("US", "US-NC")
    by_name = {p.name: p for p in atlas.partners(charlotte)}
    expected = {
        "Arequipa": "PE",
        "Krefeld": "DE",
        "Baoding": "CN",
        "Voronezh": "RU",
        "Limoges": "FR",
        "Wrocław": "PL",
        "Kumasi": "GH",
    }
    for name, country in expected.items():
        assert by_name[name].country == country, name
    voronezh = atlas.get_partnership(charlotte, by_name["Voronezh"])
    assert voronezh is not None and voronezh.status is Status.SUSPENDED
    arequipa = atlas.get_partnership(charlotte, by_name["Arequipa"])
    assert arequipa is not None and str(arequipa.established) == "1962-02-05"
    assert arequipa.urls, "curated facts carry their source URL"


def test_orange_california(atlas: Atlas) -> None:
    orange = atlas.place("Orange, California")
    assert orange.subdivision == "US-CA"
    partners = {(p.name, p.country) for p in atlas.partners(orange)}
    assert {("Orange", "FR"), ("Orange", "AU")} <= partners
    assert atlas.place("Orange, Vaucluse").country == "FR"
    assert atlas.place("Orange, France") == atlas.place("Orange, FR")
    assert atlas.place("Orange, New South Wales").subdivision == "AU-NSW"


def test_aliases_accents_and_case(atlas: Atlas) -> None:
    assert atlas.place("Kiev") == atlas.place("Kyiv")
    assert atlas.place("dusseldorf").name == "Düsseldorf"
    assert atlas.place("SAO PAULO").country == "BR"
    assert atlas.place("wroclaw").name == "Wrocław"
    assert atlas.place("Paris").country == "FR"


def test_springfield_is_ambiguous(atlas: Atlas) -> None:
    with pytest.raises(AmbiguousPlace) as info:
        atlas.place("Springfield")
    subdivisions = {getattr(c, "subdivision", None) for c in info.value.candidates}
    assert len(info.value.candidates) >= 2
    assert "US-IL" in subdivisions or "US-MA" in subdivisions
    assert atlas.place("Springfield, Illinois").subdivision == "US-IL"


def test_unknown_place_has_suggestions(atlas: Atlas) -> None:
    with pytest.raises(PlaceNotFound) as info:
        atlas.place("Nowhereville")
    assert info.value.suggestions


def test_search(atlas: Atlas) -> None:
    assert any(p.name == "Dublin" for p in atlas.search("Dubln")[:3])
    assert atlas.search("Wroclaw")[0].name == "Wrocław"


def test_every_partnership_listed_for_both_places(atlas: Atlas) -> None:
    for p in atlas.partnerships:
        assert p in atlas.partnerships_of(p.a) and p in atlas.partnerships_of(p.b)


# more than the profile's 100: cheap, over 56,000 places
@settings(max_examples=200)
@given(st.data())
def test_place_by_id_round_trip(atlas: Atlas, data: st.DataObject) -> None:
    place = data.draw(st.sampled_from(atlas.places))
    assert atlas.place(place.id) == place


def test_every_place_by_id(atlas: Atlas) -> None:
    assert all(atlas.place(p.id) is p for p in atlas.places)


# more than the profile's 100: cheap, and arbitrary text is a large space
@settings(max_examples=300)
@given(st.text(max_size=80))
def test_arbitrary_text_raises_only_documented_errors(atlas: Atlas, text: str) -> None:
    # any other exception (a bare ValueError, a KeyError, a TypeError…) escapes and fails
    try:
        atlas.place(text)
    except (PlaceNotFound, AmbiguousPlace, InvalidValueError) as error:
        assert str(error)
    try:
        atlas.search(text)
    except InvalidValueError as error:
        assert "search query" in str(error)
